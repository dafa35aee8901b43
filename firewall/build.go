package firewall

import "github.com/netplan-dev/netplan/model"

// Build returns the table a configuration needs (addresses allocated), or nil
// when the configuration has no bridge network at all.
func Build(d *model.Desired) *model.Firewall {
	panic("firewall.Build: not implemented yet")
}
