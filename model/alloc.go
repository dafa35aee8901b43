package model

import (
	"fmt"
	"net/netip"
)

// AttachmentKey identifies an attachment for allocation: container and network.
type AttachmentKey struct{ Container, Network string }

// Allocate gives every attachment without a static address the lowest free
// address of its network's subnet, skipping the network and broadcast
// addresses, the gateway and every address already given. Containers are
// served in name order (d.Containers is sorted). An address in live that a
// container already holds is kept when it is still valid and free, so adding
// or removing containers never renumbers the others.
//
// Allocate owns every non-static address: it clears them first, so calling
// it again (with other live addresses) never keeps a stale choice.
func Allocate(d *Desired, live map[AttachmentKey]netip.Addr) error {
	for ci := range d.Containers {
		for ai := range d.Containers[ci].Attachments {
			if a := &d.Containers[ci].Attachments[ai]; !a.Static {
				a.Address = netip.Addr{}
			}
		}
	}
	taken := map[string]map[netip.Addr]bool{}
	for _, n := range d.Networks {
		taken[n.Name] = map[netip.Addr]bool{n.Gateway: true}
	}
	for _, c := range d.Containers {
		for _, a := range c.Attachments {
			if a.Static && taken[a.Network] != nil {
				taken[a.Network][a.Address] = true
			}
		}
	}
	// Live addresses first, so a newcomer earlier in name order cannot take them.
	for ci := range d.Containers {
		c := &d.Containers[ci]
		for ai := range c.Attachments {
			a := &c.Attachments[ai]
			n := d.Network(a.Network)
			if a.Static || n == nil {
				continue
			}
			if old, ok := live[AttachmentKey{c.Name, a.Network}]; ok && usable(n, old) && !taken[n.Name][old] {
				a.Address = old
				taken[n.Name][old] = true
			}
		}
	}
	cursor := map[string]netip.Addr{}
	for ci := range d.Containers {
		c := &d.Containers[ci]
		for ai := range c.Attachments {
			a := &c.Attachments[ai]
			n := d.Network(a.Network)
			if a.Static || n == nil || a.Address.IsValid() {
				continue
			}
			addr, ok := lowestFree(n, taken[n.Name], cursor[n.Name])
			if !ok {
				return fmt.Errorf("network %q: no free address left in %s for container %q", n.Name, n.Subnet, c.Name)
			}
			a.Address = addr
			taken[n.Name][addr] = true
			cursor[n.Name] = addr // taken only grows here, so the lowest free never goes down
		}
	}
	return nil
}

// usable reports whether a is a host address of n's subnet other than the gateway.
func usable(n *Network, a netip.Addr) bool {
	return a.Is4() && n.Subnet.Contains(a) && a != n.Subnet.Addr() && a != Broadcast(n.Subnet) && a != n.Gateway
}

// lowestFree scans from after (or the subnet's start when after is invalid).
func lowestFree(n *Network, taken map[netip.Addr]bool, after netip.Addr) (netip.Addr, bool) {
	if !after.IsValid() {
		after = n.Subnet.Addr()
	}
	for a := after.Next(); n.Subnet.Contains(a); a = a.Next() {
		if usable(n, a) && !taken[a] {
			return a, true
		}
	}
	return netip.Addr{}, false
}

// Broadcast returns the last address of an IPv4 prefix.
func Broadcast(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().As4()
	host := uint32(1)<<(32-p.Bits()) - 1
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3]) | host
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}
