package linux

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// sortPrefixes orders addresses by address, then prefix length.
func sortPrefixes(ps []netip.Prefix) {
	slices.SortFunc(ps, func(a, b netip.Prefix) int {
		if c := a.Addr().Compare(b.Addr()); c != 0 {
			return c
		}
		return a.Bits() - b.Bits()
	})
}

// prefixOf converts an IPv4 net.IPNet keeping the host bits (an interface
// address, not a network).
func prefixOf(n *net.IPNet) (netip.Prefix, bool) {
	if n == nil {
		return netip.Prefix{}, false
	}
	ip4 := n.IP.To4()
	if ip4 == nil {
		return netip.Prefix{}, false
	}
	ones, bits := n.Mask.Size()
	if bits != 32 {
		return netip.Prefix{}, false
	}
	return netip.PrefixFrom(netip.AddrFrom4([4]byte(ip4)), ones), true
}

func ipNet(p netip.Prefix) *net.IPNet {
	return &net.IPNet{IP: p.Addr().AsSlice(), Mask: net.CIDRMask(p.Bits(), p.Addr().BitLen())}
}

// changeAddr adds or deletes one address; adding one that is there and
// deleting one that is gone succeed, so a retried step converges.
func changeAddr(h *netlink.Handle, link netlink.Link, p netip.Prefix, add bool) error {
	a := &netlink.Addr{IPNet: ipNet(p)}
	if add {
		if err := h.AddrAdd(link, a); err != nil && !errors.Is(err, unix.EEXIST) {
			return err
		}
		return nil
	}
	if err := h.AddrDel(link, a); err != nil && !errors.Is(err, unix.EADDRNOTAVAIL) {
		return err
	}
	return nil
}

// addrVerb names an address change in errors.
func addrVerb(add bool) string {
	if add {
		return "add"
	}
	return "delete"
}

// linkByName finds a link, with an error that says which link and where.
func linkByName(h *netlink.Handle, name, where string) (netlink.Link, error) {
	l, err := h.LinkByName(name)
	if err != nil {
		var nf netlink.LinkNotFoundError
		if errors.As(err, &nf) {
			return nil, fmt.Errorf("no link %q in %s", name, where)
		}
		return nil, fmt.Errorf("find link %q in %s: %w", name, where, err)
	}
	return l, nil
}

func isNotFound(err error) bool {
	var nf netlink.LinkNotFoundError
	return errors.As(err, &nf) || errors.Is(err, unix.ENODEV)
}
