package fake

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"

	"github.com/netplan-dev/netplan/model"
)

// Dump renders the whole world as canonical text: every stack's objects,
// host-wide sysctls and foreign objects, each sorted, one object a line, so
// two worlds are equal exactly when their dumps are.
func (k *Kernel) Dump() string {
	k.mu.Lock()
	defer k.mu.Unlock()
	var b strings.Builder
	for _, name := range slices.Sorted(maps.Keys(k.stacks)) {
		dumpState(&b, k.stacks[name])
	}
	for _, key := range slices.Sorted(maps.Keys(k.sysctls)) {
		fmt.Fprintf(&b, "sysctl %s = %s\n", key, k.sysctls[key])
	}
	for _, kind := range slices.Sorted(maps.Keys(k.foreign)) {
		for _, name := range slices.Sorted(maps.Keys(k.foreign[kind])) {
			fmt.Fprintf(&b, "foreign %s %s (%s)\n", kind, name, k.foreign[kind][name])
		}
	}
	for _, p := range slices.SortedFunc(maps.Keys(k.routes), func(a, b netip.Prefix) int { return strings.Compare(a.String(), b.String()) }) {
		fmt.Fprintf(&b, "foreign route %s dev %s\n", p, k.routes[p])
	}
	return b.String()
}

// DumpState renders one State the way Dump renders a stack, so a test can
// compare the fake's world with a target State (sysctls included).
func DumpState(s *model.State) string {
	var b strings.Builder
	dumpState(&b, s)
	for _, key := range slices.Sorted(maps.Keys(s.Sysctls)) {
		fmt.Fprintf(&b, "sysctl %s = %s\n", key, s.Sysctls[key])
	}
	return b.String()
}

func dumpState(b *strings.Builder, s *model.State) {
	st := s.Stack
	for _, name := range slices.Sorted(maps.Keys(s.Bridges)) {
		br := s.Bridges[name]
		fmt.Fprintf(b, "%s bridge %s owner=%s mtu=%d mac=%s up=%t addrs=%s\n", st, name, br.Owner, br.MTU, br.MAC, br.Up, prefixes(br.Addrs))
	}
	for _, name := range slices.Sorted(maps.Keys(s.Netns)) {
		n := s.Netns[name]
		gw := "none"
		if n.Gateway.IsValid() {
			gw = n.Gateway.String()
		}
		fmt.Fprintf(b, "%s netns %s owner=%s lo=%t gateway=%s\n", st, name, n.Owner, n.LoUp, gw)
		for _, iface := range slices.Sorted(maps.Keys(n.Veths)) {
			v := n.Veths[iface]
			fmt.Fprintf(b, "%s netns %s veth %s host=%s bridge=%s hairpin=%t isolated=%t mtu=%d mac=%s up=%t hostup=%t addrs=%s\n",
				st, name, iface, v.HostName, v.Bridge, v.Hairpin, v.Isolated, v.MTU, v.MAC, v.Up, v.HostUp, prefixes(v.Addrs))
		}
	}
	if f := s.Firewall; f != nil {
		fmt.Fprintf(b, "%s table %s\n", st, f.Table)
		for i, r := range f.Rules {
			fmt.Fprintf(b, "%s table %s rule %d %s\n", st, f.Table, i, r)
		}
		for _, set := range slices.Sorted(maps.Keys(f.Sets)) {
			fmt.Fprintf(b, "%s table %s set %s {%s}\n", st, f.Table, set, strings.Join(slices.Sorted(slices.Values(f.Sets[set])), ", "))
		}
		ports := make([]string, 0, len(f.Ports))
		for _, p := range f.Ports {
			ports = append(ports, fmt.Sprintf("%s %s %s:%d -> %s:%d", p.Owner, p.Protocol, p.HostIP, p.HostPort, p.Addr, p.Port))
		}
		slices.Sort(ports)
		for _, p := range ports {
			fmt.Fprintf(b, "%s table %s port %s\n", st, f.Table, p)
		}
	}
}

func prefixes(ps []netip.Prefix) string {
	s := make([]string, 0, len(ps))
	for _, p := range ps {
		s = append(s, p.String())
	}
	slices.Sort(s)
	return "[" + strings.Join(s, " ") + "]"
}
