package config

import (
	"runtime"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/json"
)

// partBytes is the least source a part holds. Up to about a kilobyte (256
// tokens) hcl's token slice grows by doubling, so its garbage stays near
// the slice's final size; smaller parts measured no faster, as each
// ParseConfig call has a fixed cost of its own.
const partBytes = 1024

// parseConfig is hclsyntax.ParseConfig(src, filename, hcl.InitialPos) for a
// whole file, with the same result, faster on large files.
//
// ParseConfig lexes the whole file into one token slice, which grows by a
// quarter at a time: for a thousand containers that is 15 MB of garbage
// and most of the parse time (garbage collection included). Parsed in parts
// of a few top-level items each, the file yields small slices, and the
// parts parse on every CPU at once.
//
// A part starts on a line that begins with a letter or a comment, after a
// line holding only "}" and any blank lines, so it starts at the beginning
// of a top-level item (or of the comments above one) unless that "}" is
// inside a heredoc, a block comment or a multi-line expression. Then some
// part does not parse by itself, and the file is parsed whole instead:
// parts are trusted only when every one parses without a diagnostic, each
// ends where hcl says the next begins, and no top-level attribute repeats
// across parts (ParseConfig reports that). Invalid files are thus always
// parsed whole, so their diagnostics are ParseConfig's own.
//
// Every part but the first is parsed by parseLiterals when it keeps to
// plain HCL, by hclsyntax otherwise.
func parseConfig(src []byte, filename string) (*hcl.File, hcl.Diagnostics) {
	return parseInParts(src, filename, partBytes)
}

// parseInParts is parseConfig with parts of at least size bytes; tests cut
// small files into many parts with it.
func parseInParts(src []byte, filename string, size int) (*hcl.File, hcl.Diagnostics) {
	parts := splitParts(src, size)
	if len(parts) < 2 {
		return hclsyntax.ParseConfig(src, filename, hcl.InitialPos)
	}
	files := make([]*hcl.File, len(parts))
	failed := make([]bool, len(parts))
	var wg sync.WaitGroup
	next := make(chan int, len(parts))
	for i := range parts {
		next <- i
	}
	close(next)
	for range min(runtime.GOMAXPROCS(0), len(parts)) {
		wg.Go(func() {
			for i := range next {
				p := parts[i]
				// The first part stays hcl's: its file's navigation
				// becomes the whole file's (see join).
				if i > 0 {
					if body, ok := parseLiterals(src, filename, p.start, p.end); ok {
						files[i] = &hcl.File{Body: body}
						continue
					}
				}
				f, diags := hclsyntax.ParseConfig(src[p.start.Byte:p.end], filename, p.start)
				files[i], failed[i] = f, len(diags) > 0
			}
		})
	}
	wg.Wait()
	if f, ok := join(src, parts, files, failed); ok {
		return f, nil
	}
	return hclsyntax.ParseConfig(src, filename, hcl.InitialPos)
}

// part is a piece of a file: its start (as hcl counts lines and columns)
// and its end offset.
type part struct {
	start hcl.Pos
	end   int
}

// splitParts cuts src before lines that begin with an ASCII letter or a
// comment and follow a line "}" and blank lines, into parts of at least
// size bytes. Lines are counted as hcl does for LF and CRLF endings; a lone
// CR would make hcl's count differ, which join detects. A letter or a
// comment, not a byte-order mark, starts every part after the first, so
// none loses its first bytes to BOM stripping.
func splitParts(src []byte, size int) []part {
	var parts []part
	start, line := hcl.InitialPos, 1
	for i := 0; i < len(src); i++ {
		if src[i] != '\n' {
			continue
		}
		line++
		cut := i + 1
		if cut-start.Byte < size || cut >= len(src) || !startsItem(src[cut]) || !closesLine(src, i) {
			continue
		}
		parts = append(parts, part{start: start, end: cut})
		start = hcl.Pos{Line: line, Column: 1, Byte: cut}
	}
	return append(parts, part{start: start, end: len(src)})
}

// closesLine reports whether the line ending at the newline src[nl] is
// "}", or blank after a line "}". Hand-written files leave a blank line
// between blocks.
func closesLine(src []byte, nl int) bool {
	for {
		start := nl
		for start > 0 && (src[start-1] == ' ' || src[start-1] == '\t') {
			start--
		}
		if start == 0 || src[start-1] == '\n' { // blank: look at the line above
			if start == 0 {
				return false
			}
			nl = start - 1
			continue
		}
		return start == nl && src[nl-1] == '}' && (nl == 1 || src[nl-2] == '\n')
	}
}

func startsItem(b byte) bool { return isLetter(b) || b == '#' || b == '/' }

func isLetter(b byte) bool { return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' }

// join assembles the parts' files into the one ParseConfig returns for the
// whole file, or reports false when the parts cannot be trusted.
func join(src []byte, parts []part, files []*hcl.File, failed []bool) (*hcl.File, bool) {
	bodies := make([]*hclsyntax.Body, len(files))
	for i, f := range files {
		b, ok := f.Body.(*hclsyntax.Body)
		if failed[i] || !ok {
			return nil, false
		}
		if i > 0 && bodies[i-1].EndRange.Start != parts[i].start {
			return nil, false // the line count differs from hcl's
		}
		bodies[i] = b
	}
	// The first part's body becomes the whole file's, so the file's Nav
	// (hcl's own, which finds the block around an offset for diagnostics)
	// sees every block.
	whole := bodies[0]
	for _, b := range bodies[1:] {
		for name, a := range b.Attributes {
			if whole.Attributes[name] != nil {
				return nil, false
			}
			whole.Attributes[name] = a
		}
		whole.Blocks = append(whole.Blocks, b.Blocks...)
	}
	last := bodies[len(bodies)-1]
	whole.SrcRange = hcl.RangeBetween(whole.SrcRange, last.SrcRange)
	whole.EndRange = last.EndRange
	f := files[0]
	f.Bytes = src
	return f, true
}

// parseHCL and parseJSON parse a file once per load, as hclparse.Parser
// does: a file parsed before (a -var-file naming a configuration file) is
// returned again without diagnostics.
func (l *loader) parseHCL(src []byte, filename string) (*hcl.File, hcl.Diagnostics) {
	if f := l.files[filename]; f != nil {
		return f, nil
	}
	f, diags := parseConfig(src, filename)
	l.files[filename] = f
	return f, diags
}

func (l *loader) parseJSON(src []byte, filename string) (*hcl.File, hcl.Diagnostics) {
	if f := l.files[filename]; f != nil {
		return f, nil
	}
	f, diags := json.Parse(src, filename)
	l.files[filename] = f
	return f, diags
}
