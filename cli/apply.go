package cli

import (
	"context"
	"fmt"
	"github.com/netplan-dev/netplan/apply"
	"github.com/netplan-dev/netplan/internal/trace"
	"os"
	"time"

	ucli "github.com/urfave/cli/v2"

	"github.com/netplan-dev/netplan/drivers"
	"github.com/netplan-dev/netplan/planfile"
	"github.com/netplan-dev/netplan/planner"
	"github.com/netplan-dev/netplan/render"
)

type applyFlags struct {
	configFlags
	planFile    string
	autoApprove bool
	noRollback  bool
	lockTimeout time.Duration
	varsSet     bool // -var or -var-file given
	noRefresh   bool
}

func (a *app) applyCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "apply",
		Usage:     "make the kernel match the configuration, or apply a saved plan",
		ArgsUsage: "[PLANFILE]",
		Flags:     append(append(configFlagDefs(), lockFlags()...), refreshFlag),
		Action: func(c *ucli.Context) error {
			if c.NArg() > 1 {
				return fmt.Errorf("apply takes at most one argument, a saved plan (got %q); flags go before it", c.Args().Slice())
			}
			return a.apply(c.Context, applyFlags{
				configFlags: readConfigFlags(c), planFile: c.Args().First(),
				autoApprove: c.Bool("auto-approve"), noRollback: c.Bool("no-rollback"),
				lockTimeout: c.Duration("lock-timeout"), varsSet: c.IsSet("var") || c.IsSet("var-file"),
				noRefresh: !c.Bool("refresh"),
			})
		},
	}
}

func (a *app) apply(ctx context.Context, f applyFlags) error {
	if f.lockTimeout <= 0 {
		f.lockTimeout = time.Nanosecond // try once
	}
	if f.planFile != "" {
		return a.applySaved(ctx, f)
	}
	s, err := a.open(ctx, "apply", f.configFlags, "", f.lockTimeout)
	if err != nil {
		return err
	}
	defer s.close()
	s.noRefresh = f.noRefresh
	pl, err := s.plan(ctx, false)
	if err != nil {
		return err
	}
	res, ran, err := a.confirmAndExecute(ctx, s, pl, f.configFlags, f.autoApprove, f.noRollback, confirmation{
		question: "Do you want to perform these actions?",
		warning:  "netplan will perform the actions described above.",
		refused:  "Apply cancelled.",
	})
	if err != nil {
		return err
	}
	// The host is now what the plan promised, verified: what was read and
	// verified inside its namespaces is the record a later -refresh=false
	// plan starts from.
	s.saveRecord()
	if !ran {
		fmt.Fprintln(a.stdout, "\nApply complete! Resources: 0 added, 0 changed, 0 destroyed.")
		return nil
	}
	fmt.Fprintf(a.stdout, "\nApply complete! Resources: %d added, %d changed, %d destroyed.\n", res.Added, res.Changed, res.Destroyed)
	return nil
}

// applySaved applies a plan file exactly, or refuses it when the host moved
// since it was made: the plan's steps assume the state it was made from.
func (a *app) applySaved(ctx context.Context, f applyFlags) error {
	if f.varsSet || f.pathSet {
		return fmt.Errorf("a saved plan already holds its configuration: -c, -var and -var-file cannot be used with %s", f.planFile)
	}
	p, err := readPlanFile(f.planFile)
	if err != nil {
		return err
	}
	s, err := a.open(ctx, "apply", f.configFlags, p.Stack, f.lockTimeout)
	if err != nil {
		return err
	}
	defer s.close()
	q := drivers.QueryFor(p.Target)
	obs, err := s.kernel.Observe(ctx, q)
	if err != nil {
		return fmt.Errorf("observe stack %q: %w", p.Stack, err)
	}
	if len(obs.Foreign) > 0 || planner.Fingerprint(obs.State) != p.Fingerprint {
		return fmt.Errorf("the host changed since this plan was made; run netplan plan again")
	}
	res, err := s.execute(ctx, &planned{plan: p, query: q}, f.noRollback)
	if err != nil {
		return err
	}
	if !p.Destroy {
		s.saveRecord()
	}
	verb := "Apply"
	if p.Destroy {
		verb = "Destroy"
	}
	fmt.Fprintf(a.stdout, "\n%s complete! Resources: %d added, %d changed, %d destroyed.\n", verb, res.Added, res.Changed, res.Destroyed)
	return nil
}

func readPlanFile(path string) (*planner.Plan, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read plan: %w", err)
	}
	defer f.Close()
	p, err := planfile.Read(f)
	if err != nil {
		return nil, fmt.Errorf("read plan %s: %w", path, err)
	}
	return p, nil
}

// confirmation is what a command asks before it changes the host.
type confirmation struct{ question, warning, refused string }

// confirmAndExecute shows the plan, asks for approval (unless autoApprove)
// and executes it. ran is false when the plan was empty and nothing ran.
func (a *app) confirmAndExecute(ctx context.Context, s *session, pl *planned, f configFlags, autoApprove, noRollback bool, c confirmation) (res apply.Result, ran bool, err error) {
	t0 := time.Now()
	if err := render.Plan(a.stdout, pl.plan, render.Options{Color: a.color(f)}); err != nil {
		return res, false, err
	}
	trace.Since("render", t0)
	if pl.plan.Empty() {
		return res, false, nil
	}
	if !autoApprove {
		if err := a.confirm(c.question, c.warning, c.refused); err != nil {
			return res, false, err
		}
	} else {
		fmt.Fprintln(a.stdout)
	}
	res, err = s.execute(ctx, pl, noRollback)
	return res, err == nil, err
}
