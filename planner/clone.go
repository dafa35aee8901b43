package planner

import (
	"cmp"
	"maps"
	"net/netip"
	"slices"

	"github.com/netplan-dev/netplan/model"
)

// cloneState deep-copies s, so a plan never shares memory with its inputs
// (the applier and drivers may keep or change what they are given).
func cloneState(s *model.State) *model.State {
	if s == nil {
		return nil
	}
	c := &model.State{
		Stack:    s.Stack,
		Bridges:  make(map[string]*model.Bridge, len(s.Bridges)),
		Netns:    make(map[string]*model.Netns, len(s.Netns)),
		Sysctls:  maps.Clone(s.Sysctls),
		Firewall: cloneFirewall(s.Firewall),
	}
	if c.Sysctls == nil {
		c.Sysctls = map[string]string{}
	}
	for k, b := range s.Bridges {
		c.Bridges[k] = cloneBridge(b)
	}
	for k, n := range s.Netns {
		c.Netns[k] = cloneNetns(n)
	}
	return c
}

func cloneBridge(b *model.Bridge) *model.Bridge {
	c := *b
	c.Addrs = slices.Clone(b.Addrs)
	return &c
}

func cloneNetns(n *model.Netns) *model.Netns {
	c := *n
	c.Veths = make(map[string]*model.Veth, len(n.Veths))
	for k, v := range n.Veths {
		c.Veths[k] = cloneVeth(v)
	}
	return &c
}

func cloneVeth(v *model.Veth) *model.Veth {
	c := *v
	c.Addrs = slices.Clone(v.Addrs)
	return &c
}

func cloneFirewall(f *model.Firewall) *model.Firewall {
	if f == nil {
		return nil
	}
	c := &model.Firewall{Table: f.Table, Rules: slices.Clone(f.Rules), Ports: slices.Clone(f.Ports)}
	if f.Sets != nil {
		c.Sets = make(map[string][]string, len(f.Sets))
		for k, v := range f.Sets {
			c.Sets[k] = slices.Clone(v)
		}
	}
	return c
}

// canonical returns a copy of s with every order-free slice sorted, so equal
// States encode to equal bytes. Rules keep their order: it is table order.
func canonical(s *model.State) *model.State {
	c := cloneState(s)
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
