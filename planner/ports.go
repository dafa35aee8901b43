package planner

import (
	"cmp"
	"net/netip"
	"slices"

	"github.com/netplan-dev/netplan/model"
)

// samePorts reports whether the table keeps every published port as it is,
// so no connection can be DNATed to an old target. It is what the stale
// search of differ.firewall finds, without a lookup per port: equal lists,
// where no two ports share a key (with duplicates, only the last of them
// counts as wanted).
func samePorts(want, have []model.PublishedPort) bool {
	if len(want) != len(have) {
		return false
	}
	want = sortedPorts(want)
	return slices.Equal(want, sortedPorts(have)) && uniqueKeys(want)
}

// wantedPorts looks up the port of tf the kernel keys as p (protocol, host
// address, host port); when several share a key the last one in tf's order
// is the one kept. Ports sorted with unique keys, as tables are, are
// searched where they are; a map of a large stack's ports would cost more
// than the rest of an incremental plan's firewall.
func wantedPorts(tf *model.Firewall) func(model.PublishedPort) (model.PublishedPort, bool) {
	if tf == nil {
		return func(model.PublishedPort) (model.PublishedPort, bool) { return model.PublishedPort{}, false }
	}
	if ps := sortedPorts(tf.Ports); uniqueKeys(ps) {
		return func(p model.PublishedPort) (model.PublishedPort, bool) {
			i, ok := slices.BinarySearchFunc(ps, p, comparePortKey)
			if !ok {
				return model.PublishedPort{}, false
			}
			return ps[i], true
		}
	}
	type key struct {
		proto string
		ip    netip.Addr // equal Addrs are equal text, and the reverse
		port  uint16
	}
	want := make(map[key]model.PublishedPort, len(tf.Ports))
	for _, p := range tf.Ports {
		want[key{p.Protocol, p.HostIP, p.HostPort}] = p
	}
	return func(p model.PublishedPort) (model.PublishedPort, bool) {
		w, ok := want[key{p.Protocol, p.HostIP, p.HostPort}]
		return w, ok
	}
}

// comparePortKey orders ports by their kernel key alone: the first keys of
// comparePort, so ports sorted by comparePort are sorted by it.
func comparePortKey(a, b model.PublishedPort) int {
	return cmp.Or(
		cmp.Compare(a.Protocol, b.Protocol),
		a.HostIP.Compare(b.HostIP),
		cmp.Compare(a.HostPort, b.HostPort),
	)
}

// uniqueKeys reports whether no two ports of ps (sorted by comparePort)
// share a kernel key.
func uniqueKeys(ps []model.PublishedPort) bool {
	for i := 1; i < len(ps); i++ {
		if comparePortKey(ps[i-1], ps[i]) == 0 {
			return false
		}
	}
	return true
}
