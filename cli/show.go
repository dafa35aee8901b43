package cli

import (
	"context"
	"fmt"

	ucli "github.com/urfave/cli/v2"

	"github.com/netplan-dev/netplan/drivers"
	"github.com/netplan-dev/netplan/render"
)

func (a *app) showCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "show",
		Usage:     "show the stack's live networks, containers, addresses and published ports",
		ArgsUsage: " ",
		Flags: append(configFlagDefs(), stackFlag,
			&ucli.BoolFlag{Name: "json", Usage: "print one JSON document"}),
		Action: func(c *ucli.Context) error {
			if c.NArg() > 0 {
				return fmt.Errorf("show takes no arguments (got %q); name the stack with -stack", c.Args().First())
			}
			return a.show(c.Context, readConfigFlags(c), c.String("stack"), c.Bool("json"))
		},
	}
}

func (a *app) show(ctx context.Context, f configFlags, stack string, asJSON bool) error {
	s, err := a.open(ctx, "show", f, stack, 0)
	if err != nil {
		return err
	}
	defer s.close()
	// Observing by label alone finds every object of the stack.
	obs, err := s.kernel.Observe(ctx, drivers.Query{Stack: s.stack})
	if err != nil {
		return fmt.Errorf("observe stack %q: %w", s.stack, err)
	}
	v := render.NewView(obs.State)
	if asJSON {
		return render.ShowJSON(a.stdout, v)
	}
	return render.Show(a.stdout, v, render.Options{Color: a.color(f)})
}
