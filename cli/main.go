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
// grows. At 1000 the first collection comes at 40 MB: a change to a
// 1000-container stack (20 MB) needs none, where 400 had one mark its
// 15 MB (add one container, -refresh=false, medians of 5 in one sandbox:
// 65-71 ms against 80-87); a full apply of 1000 peaks at 64 MB instead
// of 56. A memory limit keeps the peak bounded all the same. GOGC and
// GOMEMLIMIT in the environment win.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(1000)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
}
