package apply

import (
	"fmt"
	"os"
	"time"
)

// traceOn turns on timing lines on stderr (NETPLAN_TRACE=1), a hidden aid
// for finding where an apply spends its time; `make bench` does not use it.
var traceOn = os.Getenv("NETPLAN_TRACE") != ""

// Trace prints how long what took since start when NETPLAN_TRACE is set.
func Trace(what string, start time.Time) {
	if traceOn {
		fmt.Fprintf(os.Stderr, "trace: %-28s %8.2f ms\n", what, float64(time.Since(start).Microseconds())/1000)
	}
}
