package cli

import (
	"context"
	"fmt"
	"time"

	ucli "github.com/urfave/cli/v2"
)

type destroyFlags struct {
	configFlags
	stack       string
	autoApprove bool
	noRollback  bool
	lockTimeout time.Duration
}

func (a *app) destroyCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "destroy",
		Usage:     "remove everything the stack owns; -stack NAME works without configuration files",
		ArgsUsage: " ",
		Flags:     append(append(configFlagDefs(), stackFlag), lockFlags()...),
		Action: func(c *ucli.Context) error {
			if c.NArg() > 0 {
				return fmt.Errorf("destroy takes no arguments (got %q); name the stack with -stack or the configuration with -c", c.Args().First())
			}
			return a.destroy(c.Context, destroyFlags{
				configFlags: readConfigFlags(c), stack: c.String("stack"),
				autoApprove: c.Bool("auto-approve"), noRollback: c.Bool("no-rollback"), lockTimeout: c.Duration("lock-timeout"),
			})
		},
	}
}

func (a *app) destroy(ctx context.Context, f destroyFlags) error {
	if f.lockTimeout <= 0 {
		f.lockTimeout = time.Nanosecond
	}
	s, err := a.open(ctx, "destroy", f.configFlags, f.stack, f.lockTimeout)
	if err != nil {
		return err
	}
	defer s.close()
	pl, err := s.plan(ctx, true)
	if err != nil {
		return err
	}
	res, ran, err := a.confirmAndExecute(ctx, s, pl, f.configFlags, f.autoApprove, f.noRollback, confirmation{
		question: fmt.Sprintf("Do you really want to destroy everything stack %q owns?", s.stack),
		warning:  "netplan will delete the objects described above. There is no undo.",
		refused:  "Destroy cancelled.",
	})
	if err != nil {
		return err
	}
	if !ran {
		fmt.Fprintln(a.stdout, "\nDestroy complete! Resources: 0 destroyed.")
		return nil
	}
	fmt.Fprintf(a.stdout, "\nDestroy complete! Resources: %d destroyed.\n", res.Destroyed)
	return nil
}
