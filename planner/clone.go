package planner

import (
	"cmp"
	"net/netip"
	"slices"

	"github.com/netplan-dev/netplan/model"
)

// canonical returns a copy of s with every order-free slice sorted, so equal
// States encode to equal bytes. Rules keep their order: it is table order.
func canonical(s *model.State) *model.State {
	c := s.Clone()
	for _, b := range c.Bridges {
		slices.SortFunc(b.Addrs, comparePrefix)
	}
	for _, n := range c.Netns {
		for _, v := range n.Veths {
			slices.SortFunc(v.Addrs, comparePrefix)
		}
	}
	if c.Firewall != nil {
		for _, v := range c.Firewall.Sets {
			slices.Sort(v)
		}
		slices.SortFunc(c.Firewall.Ports, comparePort)
	}
	return c
}

func comparePrefix(a, b netip.Prefix) int {
	if c := a.Addr().Compare(b.Addr()); c != 0 {
		return c
	}
	return cmp.Compare(a.Bits(), b.Bits())
}

// comparePort orders published ports by what the kernel keys them on
// (protocol, host address, host port), then by target.
func comparePort(a, b model.PublishedPort) int {
	return cmp.Or(
		cmp.Compare(a.Protocol, b.Protocol),
		a.HostIP.Compare(b.HostIP),
		cmp.Compare(a.HostPort, b.HostPort),
		cmp.Compare(a.Owner, b.Owner),
		a.Addr.Compare(b.Addr),
		cmp.Compare(a.Port, b.Port),
	)
}
