package planner

import (
	"slices"

	"github.com/netplan-dev/netplan/model"
)

// netnsEqual compares everything containerView reads of a namespace a in
// state s and b in state t, its veths' bridges included.
func netnsEqual(a, b *model.Netns, s, t *model.State) bool {
	if a.Owner != b.Owner || a.Name != b.Name || a.LoUp != b.LoUp || a.Gateway != b.Gateway || len(a.Veths) != len(b.Veths) {
		return false
	}
	for iface, va := range a.Veths {
		vb := b.Veths[iface]
		if va == nil || vb == nil || !vethSame(va, vb) || !sameBridgeView(s.Bridges[va.Bridge], t.Bridges[vb.Bridge]) {
			return false
		}
	}
	return true
}

func vethSame(a, b *model.Veth) bool {
	return a.Name == b.Name && a.HostName == b.HostName && a.Bridge == b.Bridge && a.Hairpin == b.Hairpin &&
		a.Isolated == b.Isolated && a.MTU == b.MTU && a.MAC == b.MAC && a.Up == b.Up && a.HostUp == b.HostUp &&
		slices.Equal(a.Addrs, b.Addrs)
}

// sameBridgeView compares what a veth's view reads of its bridge: whether
// it exists, its owner (the network's name) and its first prefix length.
func sameBridgeView(a, b *model.Bridge) bool {
	if a == nil || b == nil {
		return a == b
	}
	if a.Owner != b.Owner || (len(a.Addrs) > 0) != (len(b.Addrs) > 0) {
		return false
	}
	return len(a.Addrs) == 0 || a.Addrs[0].Bits() == b.Addrs[0].Bits()
}
