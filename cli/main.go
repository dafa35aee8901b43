package cli

import "os"

// Main runs the command line and returns the process exit code.
func Main(args []string) int {
	return newApp(os.Stdin, os.Stdout, os.Stderr).run(args)
}
