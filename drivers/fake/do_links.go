package fake

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/netplan-dev/netplan/model"
)

func (k *Kernel) doBridge(s *model.State, st model.Step) error {
	name := st.Link
	if name == "" && st.Bridge != nil {
		name = st.Bridge.Name
	}
	if st.Kind == model.StepCreateBridge {
		if st.Bridge == nil {
			return fmt.Errorf("create bridge %q: step has no bridge", name)
		}
		if k.linkTaken(name) {
			return fmt.Errorf("create bridge %q: %w", name, errExist)
		}
		b := st.Bridge.Clone()
		b.Name = name
		s.Bridges[name] = b
		k.linkCreated(name)
		return nil
	}
	b := s.Bridges[name]
	if b == nil {
		return fmt.Errorf("%s %q: %w", st.Kind, name, errNotExist)
	}
	var err error
	switch st.Kind {
	case model.StepDeleteBridge:
		delete(s.Bridges, name)
		k.linkDeleted(name)
		k.releasePorts(name)
	case model.StepSetBridge:
		b.MTU, b.MAC, b.Up = st.Bridge.MTU, st.Bridge.MAC, st.Bridge.Up
	case model.StepAddBridgeAddr:
		b.Addrs, err = addPrefix(b.Addrs, st.Addr)
	case model.StepDelBridgeAddr:
		b.Addrs, err = delPrefix(b.Addrs, st.Addr)
	}
	if err != nil {
		return fmt.Errorf("%s %s on %q: %w", st.Kind, st.Addr, name, err)
	}
	return nil
}

// releasePorts is what deleting a bridge does to its ports: they stay, with
// no master and without the per-port flags.
func (k *Kernel) releasePorts(bridge string) {
	for _, s := range k.stacks {
		for _, n := range s.Netns {
			for _, v := range n.Veths {
				if v.Bridge == bridge {
					v.Bridge, v.Hairpin, v.Isolated = "", false, false
				}
			}
		}
	}
}

func (k *Kernel) ports(bridge string) int {
	count := 0
	for _, s := range k.stacks {
		for _, n := range s.Netns {
			for _, v := range n.Veths {
				if v.Bridge == bridge {
					count++
				}
			}
		}
	}
	return count
}

// enslave checks that a veth may join bridge (it exists, it has room).
func (k *Kernel) enslave(s *model.State, bridge string) error {
	if bridge == "" {
		return nil
	}
	if s.Bridges[bridge] == nil {
		return fmt.Errorf("master %q: %w", bridge, errNotExist)
	}
	if k.ports(bridge) >= maxPorts {
		return fmt.Errorf("enslave to %q: %w", bridge, errFull)
	}
	return nil
}

func (k *Kernel) doNetns(s *model.State, st model.Step) error {
	if st.Netns == nil {
		return fmt.Errorf("%s: step has no namespace", st.Kind)
	}
	name := st.Netns.Name
	if st.Kind == model.StepCreateNetns {
		if _, foreign := k.foreign["netns"][name]; foreign || k.netnsTaken(name) {
			return fmt.Errorf("create netns %q: %w", name, errExist)
		}
		s.Netns[name] = &model.Netns{Owner: st.Netns.Owner, Name: name, LoUp: true, Veths: map[string]*model.Veth{}}
		return nil
	}
	n := s.Netns[name]
	if n == nil {
		return fmt.Errorf("%s %q: %w", st.Kind, name, errNotExist)
	}
	switch st.Kind {
	case model.StepDeleteNetns:
		// The namespace takes its veths, and with them their host ends.
		for _, v := range n.Veths {
			k.linkDeleted(v.HostName)
		}
		delete(s.Netns, name)
	case model.StepSetLoUp:
		n.LoUp = true
	}
	return nil
}

func (k *Kernel) netnsTaken(name string) bool {
	for _, s := range k.stacks {
		if s.Netns[name] != nil {
			return true
		}
	}
	return false
}

func (k *Kernel) doVeth(s *model.State, st model.Step) error {
	if st.Netns == nil || st.Veth == nil {
		return fmt.Errorf("%s: step needs a namespace and a veth", st.Kind)
	}
	n := s.Netns[st.Netns.Name]
	if n == nil {
		return fmt.Errorf("%s %q in netns %q: netns: %w", st.Kind, st.Veth.Name, st.Netns.Name, errNotExist)
	}
	want := st.Veth
	if st.Kind == model.StepCreateVeth {
		if k.linkTaken(want.HostName) || n.Veths[want.Name] != nil {
			return fmt.Errorf("create veth %q/%q: %w", want.HostName, want.Name, errExist)
		}
		if err := k.enslave(s, want.Bridge); err != nil {
			return fmt.Errorf("create veth %q: %w", want.HostName, err)
		}
		n.Veths[want.Name] = want.Clone()
		k.linkCreated(want.HostName)
		return nil
	}
	if st.Kind == model.StepDeleteVeth {
		return k.deleteVeth(s, n, want)
	}
	v := n.Veths[want.Name]
	if v == nil {
		return fmt.Errorf("%s %q in netns %q: %w", st.Kind, want.Name, n.Name, errNotExist)
	}
	var err error
	switch st.Kind {
	case model.StepSetVeth:
		if want.Bridge != v.Bridge {
			if err := k.enslave(s, want.Bridge); err != nil {
				return fmt.Errorf("set veth %q: %w", v.HostName, err)
			}
		}
		v.Bridge, v.Hairpin, v.Isolated = want.Bridge, want.Hairpin, want.Isolated
		v.MTU, v.MAC, v.Up, v.HostUp = want.MTU, want.MAC, want.Up, want.HostUp
		if !v.Up {
			dropUnreachableRoute(n)
		}
	case model.StepAddAddr:
		v.Addrs, err = addPrefix(v.Addrs, st.Addr)
	case model.StepDelAddr:
		v.Addrs, err = delPrefix(v.Addrs, st.Addr)
		dropUnreachableRoute(n)
	}
	if err != nil {
		return fmt.Errorf("%s %s on %q in netns %q: %w", st.Kind, st.Addr, v.Name, n.Name, err)
	}
	return nil
}

// deleteVeth deletes a pair by its host end, or by its container end when
// the step names no host end (a dangling container end).
func (k *Kernel) deleteVeth(s *model.State, n *model.Netns, want *model.Veth) error {
	for iface, v := range n.Veths {
		if (want.HostName != "" && v.HostName == want.HostName) || (want.HostName == "" && iface == want.Name) {
			delete(n.Veths, iface)
			k.linkDeleted(v.HostName)
			dropUnreachableRoute(n)
			return nil
		}
	}
	return fmt.Errorf("delete veth %q/%q in netns %q: %w", want.HostName, want.Name, n.Name, errNotExist)
}

// dropUnreachableRoute does what the kernel does to a route whose gateway
// no up interface reaches any more: it goes away.
func dropUnreachableRoute(n *model.Netns) {
	if n.Gateway.IsValid() && !reachable(n, n.Gateway) {
		n.Gateway = netip.Addr{}
	}
}

func reachable(n *model.Netns, gw netip.Addr) bool {
	for _, v := range n.Veths {
		if !v.Up {
			continue
		}
		if slices.ContainsFunc(v.Addrs, func(p netip.Prefix) bool { return p.Masked().Contains(gw) }) {
			return true
		}
	}
	return false
}

func (k *Kernel) doRoute(s *model.State, st model.Step) error {
	if st.Netns == nil {
		return fmt.Errorf("%s: step has no namespace", st.Kind)
	}
	n := s.Netns[st.Netns.Name]
	if n == nil {
		return fmt.Errorf("%s in netns %q: %w", st.Kind, st.Netns.Name, errNotExist)
	}
	if st.Kind == model.StepDelRoute {
		if !n.Gateway.IsValid() {
			return fmt.Errorf("delete default route in netns %q: %w", n.Name, errNoRoute)
		}
		n.Gateway = netip.Addr{}
		return nil
	}
	if !reachable(n, st.Gateway) {
		return fmt.Errorf("set default route via %s in netns %q: %w", st.Gateway, n.Name, errUnreachable)
	}
	n.Gateway = st.Gateway
	return nil
}

func (k *Kernel) doFirewall(s *model.State, st model.Step) error {
	switch st.Kind {
	case model.StepFlushConntrack:
		k.flushed = append(k.flushed, st.Ports...)
		return nil
	case model.StepDeleteFirewall:
		if s.Firewall == nil || st.Firewall == nil || s.Firewall.Table != st.Firewall.Table {
			return fmt.Errorf("delete table ip %s: %w", tableOf(st), errNotExist)
		}
		s.Firewall = nil
		return nil
	}
	if st.Firewall == nil {
		return fmt.Errorf("sync firewall: step has no table")
	}
	if st.Firewall.Table != model.TableName(s.Stack) {
		return fmt.Errorf("sync table ip %s: not the table of stack %q", st.Firewall.Table, s.Stack)
	}
	if d, foreign := k.foreign["table"][st.Firewall.Table]; foreign {
		return fmt.Errorf("sync table ip %s: owned by %s: %w", st.Firewall.Table, d, errExist)
	}
	s.Firewall = st.Firewall.Clone()
	return nil
}

func tableOf(st model.Step) string {
	if st.Firewall == nil {
		return ""
	}
	return st.Firewall.Table
}
