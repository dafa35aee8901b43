package config

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
)

// WriteDiagnostics prints diags the way Terraform does:
//
//	Error: Unknown network "frnt"
//
//	  on main.hcl:6:11, in container "web":
//	     6:   network "frnt" {}
//	                  ^^^^^^
//
//	No network "frnt" is declared. Did you mean "front"?
//
// files is Config.Files (for the source lines); color adds terminal
// escapes. hcl.NewDiagnosticTextWriter is not used because it prints no
// column and marks the range only with color, so the underline would vanish
// in logs and with -no-color.
func WriteDiagnostics(w io.Writer, files map[string]*hcl.File, diags hcl.Diagnostics, color bool) {
	var b strings.Builder
	for _, d := range diags {
		writeDiagnostic(&b, files, d, color)
	}
	// A failed write to the terminal leaves nothing better to report it on.
	_, _ = io.WriteString(w, b.String())
}

func writeDiagnostic(b *strings.Builder, files map[string]*hcl.File, d *hcl.Diagnostic, color bool) {
	label, paint, reset, bold := "Error", "\x1b[1;31m", "\x1b[0m", "\x1b[1m"
	if d.Severity == hcl.DiagWarning {
		label, paint = "Warning", "\x1b[1;33m"
	}
	if !color {
		paint, reset, bold = "", "", ""
	}
	fmt.Fprintf(b, "%s%s:%s %s%s%s\n", paint, label, reset, bold, d.Summary, reset)
	if r := d.Subject; r != nil {
		f := files[r.Filename]
		where := ""
		if f != nil {
			if nav, ok := f.Nav.(interface{ ContextString(int) string }); ok {
				if c := nav.ContextString(r.Start.Byte); c != "" {
					where = ", in " + c
				}
			}
		}
		fmt.Fprintf(b, "\n  on %s:%d:%d%s:\n", r.Filename, r.Start.Line, r.Start.Column, where)
		if f != nil {
			if line, ok := sourceLine(f.Bytes, r.Start.Line); ok {
				prefix := fmt.Sprintf("  %4d: ", r.Start.Line)
				fmt.Fprintf(b, "%s%s\n", prefix, line)
				fmt.Fprintf(b, "%s%s%s%s\n", strings.Repeat(" ", len(prefix)+r.Start.Column-1), paint, underline(line, r), reset)
			}
		}
	}
	if d.Detail != "" {
		fmt.Fprintf(b, "\n%s\n", d.Detail)
	}
	b.WriteString("\n")
}

// sourceLine returns line n of src with tabs as single spaces, so the
// underline below it lines up with hcl's columns (which count a tab as one).
func sourceLine(src []byte, n int) (string, bool) {
	lines := strings.Split(string(src), "\n")
	if n < 1 || n > len(lines) {
		return "", false
	}
	return strings.TrimRight(strings.ReplaceAll(lines[n-1], "\t", " "), "\r"), true
}

// underline marks the range's part of its first line, at least one caret.
func underline(line string, r *hcl.Range) string {
	end := utf8.RuneCountInString(line) + 1
	if r.End.Line == r.Start.Line {
		end = min(end, r.End.Column)
	}
	return strings.Repeat("^", max(1, end-r.Start.Column))
}

// Diagnostic builds an error diagnostic about a resource or attribute found
// after loading (for example a foreign object on the live host), pointed at
// Ranges[address]. When address has no range the less specific addresses are
// tried ("container.web.network.front.ipv4_address", then
// "container.web.network.front", then "container.web"); with none, the
// diagnostic has no subject.
func (c *Config) Diagnostic(address, summary, detail string) *hcl.Diagnostic {
	d := &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: detail}
	if c != nil {
		if r, ok := lookupRange(c.Ranges, address); ok {
			d.Subject = r.Ptr()
		}
	}
	return d
}

// lookupRange finds the range of address or of its nearest parent.
func lookupRange(ranges map[string]hcl.Range, address string) (hcl.Range, bool) {
	for address != "" {
		if r, ok := ranges[address]; ok {
			return r, true
		}
		i := strings.LastIndexAny(address, ".[")
		if i < 0 {
			break
		}
		address = address[:i]
	}
	return hcl.Range{}, false
}

// subject returns the range of the first address that has one (each with
// its parents), for pointing validation errors at the most precise line.
func (l *loader) subject(addresses ...string) hcl.Range {
	for _, a := range addresses {
		if r, ok := lookupRange(l.cfg.Ranges, a); ok {
			return r
		}
	}
	return hcl.Range{}
}

// at renders a range as file:line for details.
func at(r hcl.Range) string { return fmt.Sprintf("%s:%d", r.Filename, r.Start.Line) }

// where returns " (declared at file:line)" for an address, or "" when it
// has no range (the built-in network).
func (l *loader) where(address string) string {
	if r, ok := lookupRange(l.cfg.Ranges, address); ok {
		return " (" + at(r) + ")"
	}
	return ""
}
