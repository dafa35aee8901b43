package main

import (
	"os"
	"runtime"

	"github.com/netplan-dev/netplan/cli"
)

// Lock main onto its OS thread: a goroutine that enters a new network
// namespace must never be the main thread, which Go never retires (FIELD-NOTES).
func init() { runtime.LockOSThread() }

func main() {
	os.Exit(cli.Main(os.Args)) // cli.Main also tunes the collector (see tuneGC)
}
