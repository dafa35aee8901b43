package linux

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

// traceOn prints the time of each part of Observe on stderr
// (NETPLAN_TRACE=1, as apply.Trace), a hidden aid for performance work.
var traceOn = os.Getenv("NETPLAN_TRACE") != ""

func trace(what string, start time.Time) {
	if traceOn {
		fmt.Fprintf(os.Stderr, "trace:   %-26s %8.2f ms\n", what, float64(time.Since(start).Microseconds())/1000)
	}
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}
