package cli

import (
	"os"
	"runtime/debug"
)

// Main runs the command line and returns the process exit code.
func Main(args []string) int {
	tuneGC()
	return newApp(os.Stdin, os.Stdout, os.Stderr).run(args)
}

// memoryLimit bounds the heap of a run (GOMEMLIMIT wins).
const memoryLimit = 100 << 20

// tuneGC trades memory for time in a short-lived process: a run builds its
// whole picture of a stack once and exits, so the default collector (GOGC
// 100) spends a third of a 1000-container plan re-marking a heap that only
// grows. A memory limit keeps the peak bounded all the same. GOGC and
// GOMEMLIMIT in the environment win.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
}
