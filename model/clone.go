package model

import (
	"maps"
	"slices"
)

// Clone deep-copies a State, so a plan, a driver or the fake kernel never
// shares memory with what it was given. Clone of nil is nil.
func (s *State) Clone() *State {
	if s == nil {
		return nil
	}
	c := &State{
		Stack:    s.Stack,
		Bridges:  make(map[string]*Bridge, len(s.Bridges)),
		Netns:    make(map[string]*Netns, len(s.Netns)),
		Sysctls:  maps.Clone(s.Sysctls),
		Firewall: s.Firewall.Clone(),
	}
	if c.Sysctls == nil {
		c.Sysctls = map[string]string{}
	}
	for k, b := range s.Bridges {
		c.Bridges[k] = b.Clone()
	}
	for k, n := range s.Netns {
		c.Netns[k] = n.Clone()
	}
	return c
}

// Clone deep-copies a Bridge.
func (b *Bridge) Clone() *Bridge {
	c := *b
	c.Addrs = slices.Clone(b.Addrs)
	return &c
}

// Clone deep-copies a Netns with its veths.
func (n *Netns) Clone() *Netns {
	c := *n
	c.Veths = make(map[string]*Veth, len(n.Veths))
	for k, v := range n.Veths {
		c.Veths[k] = v.Clone()
	}
	return &c
}

// Clone deep-copies a Veth.
func (v *Veth) Clone() *Veth {
	c := *v
	c.Addrs = slices.Clone(v.Addrs)
	return &c
}

// Clone deep-copies a Firewall; Clone of nil is nil.
func (f *Firewall) Clone() *Firewall {
	if f == nil {
		return nil
	}
	c := &Firewall{Table: f.Table, Rules: slices.Clone(f.Rules), Ports: slices.Clone(f.Ports)}
	if f.Sets != nil {
		c.Sets = make(map[string][]string, len(f.Sets))
		for k, v := range f.Sets {
			c.Sets[k] = slices.Clone(v)
		}
	}
	return c
}
