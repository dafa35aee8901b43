package cli

import (
	"fmt"

	ucli "github.com/urfave/cli/v2"
)

func (a *app) validateCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "validate",
		Usage:     "parse and check the configuration; touches nothing, needs no root",
		ArgsUsage: " ",
		Flags:     configFlagDefs(),
		Action: func(c *ucli.Context) error {
			if c.NArg() > 0 {
				return fmt.Errorf("validate takes no arguments (got %q); name the configuration with -c", c.Args().First())
			}
			return a.validate(readConfigFlags(c))
		},
	}
}

func (a *app) validate(f configFlags) error {
	cfg, err := a.loadConfig(f)
	if err != nil {
		return err
	}
	d := cfg.Desired
	ports := 0
	for _, c := range d.Containers {
		ports += len(c.Publish)
	}
	fmt.Fprintln(a.stdout, "Success! The configuration is valid.")
	fmt.Fprintf(a.stdout, "Stack %q: %s, %s, %s.\n", d.Stack,
		plural(len(d.Networks), "network"), plural(len(d.Containers), "container"), plural(ports, "published port"))
	return nil
}

func plural(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
