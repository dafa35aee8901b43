package config

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// Naming rules. Network and container names must be HCL identifiers so
// `network.<name>.subnet` can reference them, and stay short enough to fit
// in an ownership label (255 bytes). Netns names live under /run/netns: a
// plain file name, no leading dot (no "." or ".."), no slash. Interface and
// bridge names follow Linux's IFNAMSIZ: at most 15 bytes, from a
// conservative character set that every tool quotes safely.
const (
	maxNameLen   = 64
	maxIfnameLen = 15
)

var (
	stackRe  = regexp.MustCompile(`^[a-z][a-z0-9-]{0,15}$`)
	nameRe   = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)
	netnsRe  = regexp.MustCompile(`^[A-Za-z0-9_-][A-Za-z0-9_.-]*$`)
	ifnameRe = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]*$`)
)

func validStack(s string) bool { return stackRe.MatchString(s) }

// nameProblem says what is wrong with a network or container name, or "".
func nameProblem(kind, name string) string {
	switch {
	case !nameRe.MatchString(name):
		return fmt.Sprintf("%s name %q must start with a letter or underscore and hold only letters, digits, underscores and dashes", kind, name)
	case len(name) > maxNameLen:
		return fmt.Sprintf("%s name %q is %d bytes; at most %d are allowed", kind, name, len(name), maxNameLen)
	}
	return ""
}

// netnsProblem says what is wrong with a namespace name, or "".
func netnsProblem(name string) string {
	switch {
	case !netnsRe.MatchString(name):
		return fmt.Sprintf("namespace name %q must hold only letters, digits, '_', '-' and '.', and must not start with '.'", name)
	case len(name) > maxNameLen:
		return fmt.Sprintf("namespace name %q is %d bytes; at most %d are allowed", name, len(name), maxNameLen)
	}
	return ""
}

// ifnameProblem says what is wrong with a bridge or interface name, or "".
func ifnameProblem(kind, name string) string {
	switch {
	case len(name) > maxIfnameLen:
		return fmt.Sprintf("%s name %q is %d bytes; Linux allows at most %d", kind, name, len(name), maxIfnameLen)
	case !ifnameRe.MatchString(name):
		return fmt.Sprintf("%s name %q must hold only letters, digits, '_', '-' and '.', and must not start with '.' or '-'", kind, name)
	}
	return ""
}

// didYouMean returns ` Did you mean "x"?` for the closest candidate within a
// small edit distance, or "".
func didYouMean(given string, candidates []string) string {
	best, bestDist := "", 3
	for _, c := range candidates {
		if d := editDistance(given, c); d < bestDist {
			best, bestDist = c, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" Did you mean %q?", best)
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// sortedAttrs returns attributes in source order (hcl.Attributes is a map).
func sortedAttrs(attrs hcl.Attributes) []*hcl.Attribute {
	list := make([]*hcl.Attribute, 0, len(attrs))
	for _, a := range attrs {
		list = append(list, a)
	}
	sort.Slice(list, func(i, j int) bool {
		ri, rj := list[i].Range, list[j].Range
		if ri.Filename != rj.Filename {
			return ri.Filename < rj.Filename
		}
		return ri.Start.Byte < rj.Start.Byte
	})
	return list
}

// quoteList renders names as "a", "b" and "c" for details.
func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// trimNetipErr drops the `netip.ParseAddr("..."): ` prefix, which repeats
// the value the caller already quotes.
func trimNetipErr(err error) string {
	s := err.Error()
	if i := strings.Index(s, "): "); i >= 0 {
		return s[i+3:]
	}
	return s
}
