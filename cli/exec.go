package cli

import (
	"context"
	"fmt"
	"path/filepath"

	ucli "github.com/urfave/cli/v2"

	"github.com/netplan-dev/netplan/drivers"
	"github.com/netplan-dev/netplan/model"
)

func (a *app) execCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "exec",
		Usage:     "run a command inside a container's network namespace",
		ArgsUsage: "CONTAINER -- CMD [ARG...]",
		Flags:     append(configFlagDefs(), stackFlag),
		Action: func(c *ucli.Context) error {
			args := c.Args().Slice()
			if len(args) > 0 && args[0] == "--" {
				args = args[1:]
			}
			if len(args) < 2 {
				return fmt.Errorf("usage: netplan exec CONTAINER -- CMD [ARG...]")
			}
			argv := args[1:]
			if argv[0] == "--" {
				argv = argv[1:]
			}
			if len(argv) == 0 {
				return fmt.Errorf("usage: netplan exec CONTAINER -- CMD [ARG...]: no command")
			}
			return a.exec(c.Context, readConfigFlags(c), c.String("stack"), args[0], argv)
		},
	}
}

// exec finds the container's namespace (from -stack's live state, from the
// configuration, or, with neither, the container's name, netns's default)
// and runs argv in it. The real execIn replaces this process, so the
// command's exit status is netplan's.
func (a *app) exec(ctx context.Context, f configFlags, stack, container string, argv []string) error {
	netns, err := a.findNetns(ctx, f, stack, container)
	if err != nil {
		return err
	}
	return a.execIn(netns, argv)
}

func (a *app) findNetns(ctx context.Context, f configFlags, stack, container string) (string, error) {
	why := "enter a container's network namespace"
	switch {
	case stack != "":
		if err := a.requireRoot("exec", why); err != nil {
			return "", err
		}
		k, err := a.openKernel()
		if err != nil {
			return "", err
		}
		defer k.Close()
		obs, err := k.Observe(ctx, drivers.Query{Stack: stack})
		if err != nil {
			return "", fmt.Errorf("observe stack %q: %w", stack, err)
		}
		for _, ns := range obs.State.Netns {
			if ns.Owner == model.ContainerAddress(container) {
				return ns.Name, nil
			}
		}
		return "", fmt.Errorf("stack %q has no live container %q; netplan show -stack %s lists them", stack, container, stack)
	case f.pathSet || hasConfigFiles("."):
		cfg, err := a.loadConfig(f)
		if err != nil {
			return "", err
		}
		if err := a.requireRoot("exec", why); err != nil {
			return "", err
		}
		for _, c := range cfg.Desired.Containers {
			if c.Name != container {
				continue
			}
			return c.Netns, nil // empty for the host network: the command runs in the host's namespace
		}
		return "", fmt.Errorf("the configuration declares no container %q", container)
	}
	if err := a.requireRoot("exec", why); err != nil {
		return "", err
	}
	return container, nil
}

func hasConfigFiles(dir string) bool {
	m, _ := filepath.Glob(filepath.Join(dir, "*.hcl"))
	return len(m) > 0
}
