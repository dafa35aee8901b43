package render

import (
	"io"
	"strconv"
)

// Options tunes human output.
type Options struct {
	Color bool // ANSI colors: green +, yellow ~, red -
}

const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
)

func (o Options) paint(color, s string) string {
	if !o.Color || s == "" {
		return s
	}
	return color + s + ansiReset
}

// errWriter remembers the first write error so renderers can print freely
// and report once, the way bufio.Writer does.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) print(s string) {
	if e.err == nil {
		_, e.err = io.WriteString(e.w, s)
	}
}

// quote renders a value the way HCL source would show it.
func quote(s string) string { return strconv.Quote(s) }
