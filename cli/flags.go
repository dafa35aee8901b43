package cli

import (
	"cmp"
	"errors"
	"os"
	"time"

	ucli "github.com/urfave/cli/v2"

	"github.com/netplan-dev/netplan/config"
)

// configFlags are the flags of every command that reads a configuration,
// accepted after the command name as in Terraform (netplan plan -var x=1).
type configFlags struct {
	path     string
	vars     []string
	varFiles []string
	noColor  bool
	pathSet  bool // -c was given: the user means a configuration
}

func configFlagDefs() []ucli.Flag {
	return []ucli.Flag{
		&ucli.StringFlag{Name: "config", Aliases: []string{"c"}, Value: ".", Usage: "configuration `PATH`: a .hcl file or a directory of them"},
		&ucli.StringSliceFlag{Name: "var", Usage: "set a variable: `NAME=VALUE` (repeatable)"},
		&ucli.StringSliceFlag{Name: "var-file", Usage: "read variables from `FILE` (repeatable)"},
		&ucli.BoolFlag{Name: "no-color", Usage: "no ANSI colors in the output"},
	}
}

func readConfigFlags(c *ucli.Context) configFlags {
	return configFlags{
		path:     c.String("config"),
		vars:     c.StringSlice("var"),
		varFiles: c.StringSlice("var-file"),
		noColor:  c.Bool("no-color"),
		pathSet:  c.IsSet("config"),
	}
}

// stackFlag names a stack without reading any configuration.
var stackFlag = &ucli.StringFlag{Name: "stack", Usage: "act on stack `NAME` without reading configuration files"}

func lockFlags() []ucli.Flag {
	return []ucli.Flag{
		&ucli.DurationFlag{Name: "lock-timeout", Value: 5 * time.Second, Usage: "how long to wait for another netplan run on the stack"},
		&ucli.BoolFlag{Name: "auto-approve", Usage: "do not ask for confirmation"},
		&ucli.BoolFlag{Name: "no-rollback", Usage: "keep the partial changes when a step fails"},
	}
}

// color says whether human output gets ANSI colors: a terminal, no
// -no-color, no NO_COLOR (https://no-color.org).
func (a *app) color(f configFlags) bool {
	return !f.noColor && os.Getenv("NO_COLOR") == "" && a.stdoutTTY()
}

// loadConfig loads and validates the configuration, printing diagnostics
// (warnings too). On errors it returns errReported.
func (a *app) loadConfig(f configFlags) (*config.Config, error) {
	useHugePages(sizeOfConfig(cmp.Or(f.path, ".")))
	cfg, diags := a.load(config.Options{Path: f.path, Vars: f.vars, VarFiles: f.varFiles, Env: a.env})
	if len(diags) > 0 {
		config.WriteDiagnostics(a.stderr, filesOf(cfg), diags, a.color(f))
	}
	if diags.HasErrors() || cfg == nil || cfg.Desired == nil {
		if !diags.HasErrors() {
			return nil, errors.New("configuration loaded without a result and without an error")
		}
		return nil, errReported
	}
	return cfg, nil
}
