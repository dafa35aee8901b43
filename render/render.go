package render

import (
	"bufio"
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

// errWriter buffers a renderer's output, so a plan of 1000 resources is a
// few writes instead of one per line, and remembers the first error so
// renderers can print freely and report once.
type errWriter struct {
	w   *bufio.Writer
	err error
}

func newErrWriter(w io.Writer) *errWriter { return &errWriter{w: bufio.NewWriterSize(w, 64<<10)} }

func (e *errWriter) print(s string) {
	if e.err == nil {
		_, e.err = e.w.WriteString(s)
	}
}

func (e *errWriter) write(b []byte) {
	if e.err == nil {
		_, e.err = e.w.Write(b)
	}
}

// close flushes what is buffered and returns the first error.
func (e *errWriter) close() error {
	if e.err == nil {
		e.err = e.w.Flush()
	}
	return e.err
}

// quote renders a value the way HCL source would show it.
func quote(s string) string { return strconv.Quote(s) }
