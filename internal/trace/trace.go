package trace

import (
	"fmt"
	"os"
	"sync"
	"syscall"
	"time"
)

var on = os.Getenv("NETPLAN_TRACE") != ""

// Since prints how long what took since start, and the CPU time the whole
// process used since the last such line: top-level steps run one after
// another, so that is what the step cost the machine, every thread
// included (the first line's includes the process's start). A step whose
// CPU time is less than twice its wall time on two CPUs left one idle.
func Since(what string, start time.Time) {
	if !on {
		return
	}
	fmt.Fprintf(os.Stderr, "trace: %-28s %8.2f ms  (cpu %6.2f ms)\n", what, ms(time.Since(start)), cpuSinceLast())
}

// Total prints how long the whole command took since start, and all the
// CPU time the process used.
func Total(what string, start time.Time) {
	if !on {
		return
	}
	fmt.Fprintf(os.Stderr, "trace: %-28s %8.2f ms  (cpu %6.2f ms)\n", what, ms(time.Since(start)), ms(processCPU()))
}

var (
	cpuMu   sync.Mutex
	lastCPU time.Duration
)

func cpuSinceLast() float64 {
	now := processCPU()
	cpuMu.Lock()
	defer cpuMu.Unlock()
	d := now - lastCPU
	lastCPU = now
	return ms(d)
}

// processCPU is the user and system time of every thread of the process.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

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
