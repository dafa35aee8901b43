// Package cli is netplan's command line (urfave/cli/v2): one file per
// command, each a flags struct and a run function. It is the only package
// that prints.
package cli
