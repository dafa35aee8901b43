package plannertest

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/netplan-dev/netplan/firewall"
	"github.com/netplan-dev/netplan/model"
)

// Firewall is a deterministic stand-in for firewall.Build: a fixed set of
// rules, the per-network flag sets, and one element per published port.
func Firewall(d *model.Desired) *model.Firewall {
	if len(d.Networks) == 0 {
		return nil
	}
	f := &model.Firewall{
		Table: model.TableName(d.Stack),
		Rules: []string{
			"chain prerouting { type nat hook prerouting priority dstnat; fib daddr type local dnat ip to ip daddr . meta l4proto . th dport map @published }",
			"chain output { type nat hook output priority dstnat; fib daddr type local dnat ip to ip daddr . meta l4proto . th dport map @published }",
			"chain postrouting { type nat hook postrouting priority srcnat; oifname != @bridges iifname @masq-bridges masquerade }",
			"chain forward { type filter hook forward priority filter; iifname . oifname @same-net accept }",
		},
		Sets: map[string][]string{},
	}
	addSet := func(set, elem string) { f.Sets[set] = append(f.Sets[set], elem) }
	for _, n := range d.Networks {
		addSet("bridges", n.Bridge)
		if n.Internal {
			addSet("internal-bridges", n.Bridge)
		}
		if n.Masquerade && !n.Internal {
			addSet("masq-bridges", n.Bridge)
		}
		if n.ICC {
			addSet("same-net", n.Bridge+" . "+n.Bridge)
		}
	}
	n := 0
	for _, c := range d.Containers {
		for _, p := range c.Publish {
			n += int(max(p.Count, 1))
		}
	}
	f.Ports = make([]model.PublishedPort, 0, n)
	for _, c := range d.Containers {
		var addr netip.Addr
		for _, a := range c.Attachments {
			if n := d.Network(a.Network); n != nil && !n.Internal {
				addr = a.Address
				break
			}
		}
		if !addr.IsValid() {
			continue
		}
		for _, p := range c.Publish {
			for i := range max(p.Count, 1) {
				f.Ports = append(f.Ports, model.PublishedPort{
					Owner: model.ContainerAddress(c.Name), Protocol: p.Protocol, HostIP: p.HostIP,
					HostPort: p.HostPort + i, Addr: addr, Port: p.ContainerPort + i,
				})
			}
		}
	}
	for k := range f.Sets {
		slices.Sort(f.Sets[k])
	}
	if len(f.Ports) == 0 {
		f.Ports = nil // as when nothing was appended: it encodes as null
	}
	sortPorts(f.Ports)
	return f
}

// sortPorts orders ports by the text of protocol, host address and host
// port as fmt.Sprint writes them ("tcp0.0.0.0 8080"; so 10000 sorts before
// 9000). Each key is built once, without fmt, rather than twice per
// comparison: plans of 1000 containers spent more time here than in the
// planner. The pairs sort with the same comparisons as the ports did, so
// the order, ties included, is the one sorting the ports themselves gave.
func sortPorts(ports []model.PublishedPort) {
	type keyed struct {
		key  string
		port model.PublishedPort
	}
	keys := make([]string, len(ports))
	var buf []byte
	for i, p := range ports {
		buf = portKey(buf[:0], p)
		keys[i] = string(buf)
	}
	// Ports made in container order usually are in key order already; with
	// every key distinct that order is the only sorted one, whatever the
	// sort would have done with ties.
	increasing := true
	for i := 1; i < len(keys) && increasing; i++ {
		increasing = keys[i-1] < keys[i]
	}
	if increasing {
		return
	}
	ks := make([]keyed, len(ports))
	for i, p := range ports {
		ks[i] = keyed{keys[i], p}
	}
	slices.SortFunc(ks, func(a, b keyed) int { return strings.Compare(a.key, b.key) })
	for i := range ks {
		ports[i] = ks[i].port
	}
}

// portKey appends fmt.Sprint(p.Protocol, p.HostIP, p.HostPort): no space
// after the string operand, one between the other two.
func portKey(b []byte, p model.PublishedPort) []byte {
	b = append(b, p.Protocol...)
	if p.HostIP.IsValid() {
		b = p.HostIP.AppendTo(b)
	} else {
		b = append(b, p.HostIP.String()...)
	}
	b = append(b, ' ')
	return strconv.AppendUint(b, uint64(p.HostPort), 10)
}

// RealFirewallReady reports whether firewall.Build is implemented yet
// (it panics until it lands), so tests can also run against it.
func RealFirewallReady() (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	firewall.Build(&model.Desired{Stack: "probe", Networks: []model.Network{Net("probe", "np-probe", "10.99.0.0/24")}})
	return true
}

// Net is a plain bridge network: gateway the first host, MTU 1500, icc and
// masquerade on.
func Net(name, bridge, subnet string) model.Network {
	p := netip.MustParsePrefix(subnet)
	return model.Network{Name: name, Bridge: bridge, Subnet: p, Gateway: p.Addr().Next(), MTU: 1500, ICC: true, Masquerade: true}
}

// Container attaches a container to networks in order (eth0, eth1, ...),
// addresses left to allocation.
func Container(name string, networks ...string) model.Container {
	c := model.Container{Name: name, Netns: name, Mode: model.ModeBridge}
	for i, n := range networks {
		c.Attachments = append(c.Attachments, model.Attachment{Network: n, Interface: fmt.Sprintf("eth%d", i)})
	}
	return c
}

// None is a container with --network none.
func None(name string) model.Container {
	return model.Container{Name: name, Netns: name, Mode: model.ModeNone}
}

// Host is a container with --network host.
func Host(name string) model.Container {
	return model.Container{Name: name, Mode: model.ModeHost}
}

// Publish returns a tcp port (or range) on every local address.
func Publish(host, container, count uint16) model.Port {
	return model.Port{HostIP: netip.IPv4Unspecified(), HostPort: host, ContainerPort: container, Count: count, Protocol: "tcp"}
}

// Sorted returns d with networks and containers in name order, as config delivers it.
func Sorted(d *model.Desired) *model.Desired {
	slices.SortFunc(d.Networks, func(a, b model.Network) int { return strings.Compare(a.Name, b.Name) })
	slices.SortFunc(d.Containers, func(a, b model.Container) int { return strings.Compare(a.Name, b.Name) })
	return d
}

// Demo is a representative configuration: two networks (one internal with
// icc off), four containers (two networks on one, none, host) and ports.
func Demo(stack string) *model.Desired {
	back := Net("back", "np-back", "172.20.0.0/24")
	back.Internal, back.ICC, back.Masquerade = true, false, false
	web := Container("web", "front", "back")
	web.Publish = []model.Port{Publish(8080, 80, 1), Publish(9000, 9000, 3)}
	db := Container("db", "back")
	return Sorted(&model.Desired{
		Stack:      stack,
		Networks:   []model.Network{Net("front", "np-front", "172.18.0.0/16"), back},
		Containers: []model.Container{web, db, None("jail"), Host("tools")},
	})
}

// Clone deep-copies a Desired so a test can derive variants.
func Clone(d *model.Desired) *model.Desired {
	c := &model.Desired{Stack: d.Stack, Networks: slices.Clone(d.Networks), Containers: slices.Clone(d.Containers)}
	for i := range c.Containers {
		c.Containers[i].Attachments = slices.Clone(c.Containers[i].Attachments)
		c.Containers[i].Publish = slices.Clone(c.Containers[i].Publish)
	}
	return c
}
