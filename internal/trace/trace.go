package trace

import (
	"fmt"
	"os"
	"runtime"
	"sync"
	"syscall"
	"time"
)

var on = os.Getenv("NETPLAN_TRACE") != ""

// Since prints how long what took since start, and the CPU time and heap
// allocation of the whole process since the last such line: top-level steps
// run one after another, so that is what the step cost the machine, every
// thread included (the first line's includes the process's start). A step
// whose CPU time is less than twice its wall time on two CPUs left one idle;
// in a process this short most allocated bytes land on fresh pages, and
// each fresh page is a page fault that costs CPU time of its own.
func Since(what string, start time.Time) {
	if !on {
		return
	}
	wall := ms(time.Since(start))
	cpu, alloc := sinceLast()
	fmt.Fprintf(os.Stderr, "trace: %-28s %8.2f ms  (cpu %6.2f ms, alloc %5.1f MB)\n", what, wall, cpu, alloc)
}

// Total prints how long the whole command took since start, all the CPU
// time and allocation of the process, and how many collections ran.
func Total(what string, start time.Time) {
	if !on {
		return
	}
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	fmt.Fprintf(os.Stderr, "trace: %-28s %8.2f ms  (cpu %6.2f ms, alloc %5.1f MB, %d GCs)\n", what, ms(time.Since(start)), ms(processCPU()), mb(m.TotalAlloc), m.NumGC)
}

var (
	lastMu    sync.Mutex
	lastCPU   time.Duration
	lastAlloc uint64
)

// sinceLast is the CPU time (ms) and the heap allocation (MB) since the
// last top-level line.
func sinceLast() (cpu, alloc float64) {
	now := processCPU()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	lastMu.Lock()
	defer lastMu.Unlock()
	cpu, alloc = ms(now-lastCPU), mb(m.TotalAlloc-lastAlloc)
	lastCPU, lastAlloc = now, m.TotalAlloc
	return cpu, alloc
}

func mb(b uint64) float64 { return float64(b) / (1 << 20) }

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
func Part(what string, start time.Time) {
	if on {
		fmt.Fprintf(os.Stderr, "trace:   %-26s %8.2f ms\n", what, ms(time.Since(start)))
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
