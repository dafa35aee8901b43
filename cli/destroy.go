package cli

import (
	"context"
	"fmt"
	"time"

	ucli "github.com/urfave/cli/v2"

	"github.com/netplan-dev/netplan/render"
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
	if err := render.Plan(a.stdout, pl.plan, render.Options{Color: a.color(f.configFlags)}); err != nil {
		return err
	}
	if pl.plan.Empty() {
		fmt.Fprintln(a.stdout, "\nDestroy complete! Resources: 0 destroyed.")
		return nil
	}
	if !f.autoApprove {
		question := fmt.Sprintf("Do you really want to destroy everything stack %q owns?", s.stack)
		if err := a.confirm(question, "netplan will delete the objects described above. There is no undo.", "Destroy cancelled."); err != nil {
			return err
		}
	} else {
		fmt.Fprintln(a.stdout)
	}
	res, err := s.execute(ctx, pl, f.noRollback)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "\nDestroy complete! Resources: %d destroyed.\n", res.Destroyed)
	return nil
}
