package config

import (
	"github.com/hashicorp/hcl/v2"

	"github.com/netplan-dev/netplan/model"
)

// Options says where the configuration is and how variables are set.
type Options struct {
	Path     string   // file or directory (every *.hcl in it, name order); "" means "."
	Vars     []string // -var NAME=VALUE, in command-line order
	VarFiles []string // -var-file FILE, in command-line order
	Env      []string // environment, for NETPLAN_VAR_<name>; usually os.Environ()
}

// Config is a loaded, validated configuration.
type Config struct {
	Desired *model.Desired
	// Files holds every parsed file by name, for printing diagnostics with source lines.
	Files map[string]*hcl.File
	// Ranges gives the source range of each resource ("network.front",
	// "container.web") and attribute ("network.front.bridge", "container.web.netns"),
	// so errors found later (against the live host) still point at a line.
	Ranges map[string]hcl.Range
}

// Load reads, evaluates and validates a configuration. On any error
// diagnostic Config may be nil.
func Load(opts Options) (*Config, hcl.Diagnostics) {
	panic("config.Load: not implemented yet")
}
