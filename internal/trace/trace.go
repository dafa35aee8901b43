// Package trace prints timing lines on stderr when NETPLAN_TRACE is set: a
// hidden aid for finding where a command spends its time. Nothing depends on
// its output; `make bench` times whole commands.
package trace

import (
	"fmt"
	"os"
	"time"
)

var on = os.Getenv("NETPLAN_TRACE") != ""

// Since prints how long what took since start.
func Since(what string, start time.Time) { print("", what, start) }

// Part prints, indented, how long one part of a larger step took.
func Part(what string, start time.Time) { print("  ", what, start) }

func print(indent, what string, start time.Time) {
	if on {
		fmt.Fprintf(os.Stderr, "trace: %s%-*s %8.2f ms\n", indent, 28-len(indent), what, float64(time.Since(start).Microseconds())/1000)
	}
}

// On says whether tracing is on, for callers that gather numbers to print.
func On() bool { return on }

// Line prints a line the caller composed.
func Line(s string) {
	if on {
		fmt.Fprintf(os.Stderr, "trace: %s\n", s)
	}
}
