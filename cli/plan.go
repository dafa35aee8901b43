package cli

import (
	"context"
	"fmt"
	"github.com/netplan-dev/netplan/internal/trace"
	"os"
	"time"

	ucli "github.com/urfave/cli/v2"

	"github.com/netplan-dev/netplan/planfile"
	"github.com/netplan-dev/netplan/planner"
	"github.com/netplan-dev/netplan/render"
)

type planFlags struct {
	configFlags
	stack        string
	json         bool
	detailedExit bool
	out          string
	destroy      bool
	noRefresh    bool
}

func (a *app) planCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "plan",
		Usage:     "show what apply would change",
		ArgsUsage: " ",
		Flags: append(configFlagDefs(),
			stackFlag,
			&ucli.BoolFlag{Name: "json", Usage: "print the plan as one JSON document"},
			&ucli.BoolFlag{Name: "detailed-exitcode", Usage: "exit 0 with no changes, 2 with changes, 1 on error"},
			&ucli.StringFlag{Name: "out", Usage: "save the plan to `FILE` for netplan apply FILE"},
			&ucli.BoolFlag{Name: "destroy", Usage: "plan the removal of everything the stack owns"},
			refreshFlag,
		),
		Action: func(c *ucli.Context) error {
			if c.NArg() > 0 {
				return fmt.Errorf("plan takes no arguments (got %q); name the configuration with -c", c.Args().First())
			}
			return a.plan(c.Context, planFlags{
				configFlags: readConfigFlags(c), stack: c.String("stack"), json: c.Bool("json"),
				detailedExit: c.Bool("detailed-exitcode"), out: c.String("out"), destroy: c.Bool("destroy"),
				noRefresh: !c.Bool("refresh"),
			})
		},
	}
}

func (a *app) plan(ctx context.Context, f planFlags) error {
	if f.stack != "" && !f.destroy {
		return fmt.Errorf("-stack works only with -destroy: a plan to build needs the configuration")
	}
	s, err := a.open(ctx, "plan", f.configFlags, f.stack, 0)
	if err != nil {
		return err
	}
	defer s.close()
	s.noRefresh = f.noRefresh
	pl, err := s.plan(ctx, f.destroy)
	if err != nil {
		return err
	}
	p := pl.plan
	if f.out != "" {
		if err := writePlanFile(f.out, pl); err != nil {
			return err
		}
	}
	defer trace.Since("render", time.Now())
	if f.json {
		if err := render.PlanJSON(a.stdout, p); err != nil {
			return err
		}
	} else {
		if err := render.Plan(a.stdout, p, render.Options{Color: a.color(f.configFlags)}); err != nil {
			return err
		}
		if f.out != "" {
			// On stderr: the contract keeps "Plan: ..." the last line of stdout.
			fmt.Fprintf(a.stderr, "\nSaved the plan to: %s\nTo perform exactly these actions, run: netplan apply %s\n", f.out, f.out)
		}
	}
	if f.detailedExit && !p.Empty() {
		return exitCode(2)
	}
	return nil
}

func writePlanFile(path string, pl *planned) error {
	if pl.plan.Fingerprint == "" {
		pl.plan.Fingerprint = planner.Fingerprint(pl.plan.Observed)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("save plan: %w", err)
	}
	if err := planfile.Write(f, pl.plan); err != nil {
		f.Close()
		return fmt.Errorf("save plan to %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("save plan to %s: %w", path, err)
	}
	return nil
}
