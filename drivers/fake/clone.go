package fake

import (
	"maps"
	"slices"

	"github.com/netplan-dev/netplan/model"
)

// The fake hands out and keeps only copies, so neither a test nor the code
// under test can change the world except through Do, SetState and Mutate.

func cloneState(s *model.State) *model.State {
	c := &model.State{Stack: s.Stack, Bridges: map[string]*model.Bridge{}, Netns: map[string]*model.Netns{},
		Sysctls: maps.Clone(s.Sysctls), Firewall: cloneFirewall(s.Firewall)}
	for k, b := range s.Bridges {
		c.Bridges[k] = cloneBridge(b)
	}
	for k, n := range s.Netns {
		nc := *n
		nc.Veths = map[string]*model.Veth{}
		for vk, v := range n.Veths {
			nc.Veths[vk] = cloneVeth(v)
		}
		c.Netns[k] = &nc
	}
	return c
}

func cloneBridge(b *model.Bridge) *model.Bridge {
	c := *b
	c.Addrs = slices.Clone(b.Addrs)
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
	c := &model.Firewall{Table: f.Table, Rules: slices.Clone(f.Rules), Ports: slices.Clone(f.Ports), Sets: map[string][]string{}}
	for k, v := range f.Sets {
		c.Sets[k] = slices.Clone(v)
	}
	return c
}
