package cli

import (
	"context"
	"errors"
	"fmt"
	"github.com/netplan-dev/netplan/internal/trace"
	"io"
	"os"
	"time"

	"github.com/hashicorp/hcl/v2"
	ucli "github.com/urfave/cli/v2"

	"github.com/netplan-dev/netplan/config"
	"github.com/netplan-dev/netplan/drivers"
	"github.com/netplan-dev/netplan/drivers/linux"
	"github.com/netplan-dev/netplan/internal/lock"
)

// app holds everything a command touches outside its arguments, so tests can
// capture output and swap the kernel, the loader, root and the terminal.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	env            []string

	geteuid   func() int
	stdinTTY  func() bool
	stdoutTTY func() bool
	now       func() time.Time
	load      func(config.Options) (*config.Config, hcl.Diagnostics)
	newKernel func() (drivers.Kernel, error)
	// execIn runs argv inside a namespace; the real one replaces the process.
	execIn  func(netns string, argv []string) error
	lockDir string
}

func newApp(stdin io.Reader, stdout, stderr io.Writer) *app {
	return &app{
		stdin: stdin, stdout: stdout, stderr: stderr, env: os.Environ(),
		geteuid:   os.Geteuid,
		stdinTTY:  func() bool { return isTerminal(stdin) },
		stdoutTTY: func() bool { return isTerminal(stdout) },
		now:       time.Now,
		load:      config.Load,
		newKernel: func() (drivers.Kernel, error) {
			k, err := linux.New()
			if err != nil {
				return nil, err // a nil *linux.Kernel must not become a non-nil interface
			}
			return k, nil
		},
		execIn:  linux.Exec,
		lockDir: lock.DefaultDir,
	}
}

// exitCode ends a command with a code after it has printed all it had to say.
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// errReported is a failure whose explanation (diagnostics) is already printed.
const errReported = exitCode(1)

// plainError is printed as is, without the "Error: " prefix.
type plainError string

func (e plainError) Error() string { return string(e) }

func (a *app) run(args []string) int {
	defer startProfile(a.stderr)()
	defer trace.Total("command", time.Now())
	err := a.cliApp().RunContext(context.Background(), args)
	var code exitCode
	var plain plainError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &code):
		return int(code)
	case errors.As(err, &plain):
		fmt.Fprintln(a.stderr, plain)
	default:
		fmt.Fprintf(a.stderr, "Error: %v\n", err)
	}
	return 1
}

func (a *app) cliApp() *ucli.App {
	usageError := func(c *ucli.Context, err error, _ bool) error {
		return fmt.Errorf("%w (see %s -h)", err, c.Command.HelpName)
	}
	commands := []*ucli.Command{
		a.validateCommand(), a.planCommand(), a.applyCommand(),
		a.destroyCommand(), a.showCommand(), a.execCommand(),
	}
	for _, c := range commands {
		c.OnUsageError = usageError
	}
	return &ucli.App{
		Name:                      "netplan",
		Usage:                     "declare Linux container networking in HCL and make the kernel match it",
		HideVersion:               true,
		Reader:                    a.stdin,
		Writer:                    a.stdout,
		ErrWriter:                 a.stderr,
		DisableSliceFlagSeparator: true, // -var x=a,b is one value
		ExitErrHandler:            func(*ucli.Context, error) {},
		OnUsageError: func(c *ucli.Context, err error, _ bool) error {
			return fmt.Errorf("%w (see netplan -h)", err)
		},
		Action: func(c *ucli.Context) error {
			if c.NArg() > 0 {
				return fmt.Errorf("unknown command %q (see netplan -h)", c.Args().First())
			}
			return ucli.ShowAppHelp(c)
		},
		Commands: commands,
	}
}

// requireRoot fails plainly when the process lacks root: every command but
// validate needs CAP_NET_ADMIN, and the kernel's EPERM would say far less.
func (a *app) requireRoot(command, why string) error {
	if a.geteuid() != 0 {
		return plainError(fmt.Sprintf("netplan %s needs root (CAP_NET_ADMIN) to %s; try sudo", command, why))
	}
	return nil
}

func (a *app) openKernel() (drivers.Kernel, error) {
	k, err := a.newKernel()
	if err != nil {
		return nil, fmt.Errorf("open kernel handles: %w", err)
	}
	return k, nil
}
