package planner

import (
	"net/netip"

	"github.com/netplan-dev/netplan/model"
)

// Names is the part of Target that names things: the bridges with their
// gateway prefixes and MACs, the namespaces (empty) and the sysctls. It is
// what an observation must ask about (drivers.QueryFor), and it costs no
// address allocation and no firewall: names never depend on live addresses.
// Errors of the configuration (two networks on one bridge...) are left to
// Target, which runs after observing.
func Names(d *model.Desired) *model.State {
	t := model.NewState(d.Stack)
	external := false
	for _, n := range d.Networks {
		t.Bridges[n.Bridge] = &model.Bridge{
			Owner: model.NetworkAddress(n.Name),
			Name:  n.Bridge,
			MAC:   model.BridgeMAC(d.Stack, n.Name), // see drivers.Query.BridgeMACs
			Addrs: []netip.Prefix{netip.PrefixFrom(n.Gateway, n.Subnet.Bits())},
		}
		if !n.Internal {
			external = true
			t.Sysctls[model.SysctlRouteLocalnet(n.Bridge)] = "1"
		}
	}
	if external {
		t.Sysctls[model.SysctlIPForward] = "1"
	}
	for _, c := range d.Containers {
		if c.Mode == model.ModeBridge || c.Mode == model.ModeNone {
			t.Netns[c.Netns] = &model.Netns{Owner: model.ContainerAddress(c.Name), Name: c.Netns}
		}
	}
	return t
}
