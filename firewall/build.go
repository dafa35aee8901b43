package firewall

import (
	"cmp"
	"net/netip"
	"slices"
	"strconv"

	"github.com/netplan-dev/netplan/model"
)

// Build returns the table a configuration needs (addresses allocated), or nil
// when the configuration has no bridge network at all.
func Build(d *model.Desired) *model.Firewall {
	if len(d.Networks) == 0 {
		return nil
	}
	sets := map[string][]string{}
	add := func(set, elem string) { sets[set] = append(sets[set], elem) }
	for _, n := range d.Networks {
		add(SetBridges, n.Bridge)
		switch {
		case n.Internal:
			add(SetInternal, n.Bridge)
		case n.Masquerade:
			add(SetMasqBridges, n.Bridge)
		}
		if n.ICC {
			add(SetSameNet, n.Bridge+" . "+n.Bridge)
		}
	}
	var ports []model.PublishedPort
	for _, c := range d.Containers {
		for _, a := range c.Attachments {
			if d.Network(a.Network) != nil && a.Address.IsValid() {
				add(SetContainers, a.Address.String())
			}
		}
		addr, ok := publishTarget(d, &c)
		if !ok {
			continue // validation refuses publish without a non-internal bridge attachment
		}
		for _, p := range c.Publish {
			for i := range max(p.Count, 1) {
				pp := model.PublishedPort{
					Owner:    model.ContainerAddress(c.Name),
					Protocol: p.Protocol,
					HostIP:   HostIP(p.HostIP),
					HostPort: p.HostPort + i,
					Addr:     addr,
					Port:     p.ContainerPort + i,
				}
				ports = append(ports, pp)
				if pp.HostIP.IsLoopback() {
					add(SetLoopbackPorts, PortKey(pp))
				}
			}
		}
	}
	for _, elems := range sets {
		SortElements(elems)
	}
	SortPorts(ports)
	return &model.Firewall{Table: model.TableName(d.Stack), Rules: Layout(), Sets: sets, Ports: ports}
}

// publishTarget is the container's address on its first non-internal bridge
// attachment: the one its default route, and so its replies, go through.
func publishTarget(d *model.Desired, c *model.Container) (netip.Addr, bool) {
	for _, a := range c.Attachments {
		if n := d.Network(a.Network); n != nil && !n.Internal && a.Address.IsValid() {
			return a.Address, true
		}
	}
	return netip.Addr{}, false
}

// HostIP is the canonical host address of a publish: 0.0.0.0 for "every
// local address", whether the configuration left it unset or wrote it.
func HostIP(a netip.Addr) netip.Addr {
	if !a.IsValid() || a.IsUnspecified() {
		return netip.IPv4Unspecified()
	}
	return a
}

// PortKey is the canonical "ip . proto . port" element of a published port.
func PortKey(p model.PublishedPort) string {
	return p.HostIP.String() + " . " + p.Protocol + " . " + strconv.Itoa(int(p.HostPort))
}

// SortPorts puts published ports in canonical order: host ip, protocol, host port.
func SortPorts(ports []model.PublishedPort) { slices.SortFunc(ports, comparePorts) }

func comparePorts(a, b model.PublishedPort) int {
	return cmp.Or(a.HostIP.Compare(b.HostIP), cmp.Compare(a.Protocol, b.Protocol), cmp.Compare(a.HostPort, b.HostPort))
}

// compareElements orders set elements; addresses by value, so the order is
// the same whether the elements were built or read back.
func compareElements(a, b string) int {
	x, errA := netip.ParseAddr(a)
	y, errB := netip.ParseAddr(b)
	if errA == nil && errB == nil {
		return x.Compare(y)
	}
	return cmp.Compare(a, b)
}

// SortElements puts set elements in canonical order.
func SortElements(elems []string) { slices.SortFunc(elems, compareElements) }
