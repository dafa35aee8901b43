package cli

// Main runs the command line and returns the process exit code.
func Main(args []string) int { panic("cli.Main: not implemented yet") }
