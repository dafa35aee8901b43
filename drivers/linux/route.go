package linux

import (
	"errors"
	"fmt"
	"maps"
	"net"
	"net/netip"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/netplan-dev/netplan/drivers"
)

// mainRoutes dumps the IPv4 routes of a namespace's main table.
func mainRoutes(h *netlink.Handle) ([]netlink.Route, error) {
	filter := &netlink.Route{Table: unix.RT_TABLE_MAIN}
	return dump("list routes", func() ([]netlink.Route, error) {
		return h.RouteListFiltered(netlink.FAMILY_V4, filter, netlink.RT_FILTER_TABLE)
	})
}

func isDefault(r netlink.Route) bool {
	if r.Dst == nil {
		return true
	}
	ones, _ := r.Dst.Mask.Size()
	return ones == 0
}

func defaultRoute(gw netip.Addr) *netlink.Route {
	r := &netlink.Route{
		Dst:   &net.IPNet{IP: net.IPv4zero.To4(), Mask: net.CIDRMask(0, 32)},
		Table: unix.RT_TABLE_MAIN,
	}
	if gw.IsValid() {
		r.Gw = gw.AsSlice()
	}
	return r
}

// setRoute replaces the namespace's default route with one via gw.
func (k *Kernel) setRoute(name string, gw netip.Addr) error {
	nh, err := k.nss.get(name)
	if err == nil {
		if !gw.Is4() {
			err = fmt.Errorf("gateway %v is not an IPv4 address", gw)
		} else {
			err = nh.h.RouteReplace(defaultRoute(gw))
		}
	}
	if err != nil {
		return fmt.Errorf("set default route via %s in netns %s: %w", gw, name, err)
	}
	return nil
}

// delRoute deletes the namespace's default routes; none is not an error.
func (k *Kernel) delRoute(name string) error {
	nh, err := k.nss.get(name)
	for err == nil {
		err = nh.h.RouteDel(defaultRoute(netip.Addr{}))
	}
	if errors.Is(err, unix.ESRCH) {
		return nil
	}
	return fmt.Errorf("delete default route in netns %s: %w", name, err)
}

// routeLinkNames is known plus the names of the links that routes other
// than default ones go through and known lacks, read one by one: the main
// table of a host has few such routes.
func (k *Kernel) routeLinkNames(routes []netlink.Route, known map[int]string) (map[int]string, error) {
	names := maps.Clone(known)
	for _, r := range routes {
		if r.LinkIndex <= 0 || isDefault(r) {
			continue
		}
		if _, ok := names[r.LinkIndex]; ok {
			continue
		}
		l, found, err := k.rawLinkByIndex(r.LinkIndex)
		if err != nil {
			return nil, err
		}
		if found {
			names[r.LinkIndex] = l.Name
		}
	}
	return names, nil
}

// foreignRoutes reports main-table routes that overlap a subnet the
// configuration wants and do not go through one of the stack's bridges.
// Default routes overlap everything and say nothing about a clash: skipped.
func foreignRoutes(routes []netlink.Route, subnets []netip.Prefix, ownIndex map[int]bool, names map[int]string) []drivers.Foreign {
	var out []drivers.Foreign
	seen := map[string]bool{}
	for _, r := range routes {
		if isDefault(r) || ownIndex[r.LinkIndex] {
			continue
		}
		dst, ok := prefixOf(r.Dst)
		if !ok {
			continue
		}
		dst = dst.Masked()
		for _, s := range subnets {
			if !s.Overlaps(dst) || seen[dst.String()] {
				continue
			}
			seen[dst.String()] = true
			out = append(out, drivers.Foreign{Kind: "route", Name: dst.String(), Detail: routeDetail(r, names)})
		}
	}
	return out
}

func routeDetail(r netlink.Route, names map[int]string) string {
	if name, ok := names[r.LinkIndex]; ok {
		return "dev " + name
	}
	switch r.Type {
	case unix.RTN_BLACKHOLE:
		return "blackhole"
	case unix.RTN_UNREACHABLE:
		return "unreachable"
	case unix.RTN_PROHIBIT:
		return "prohibit"
	}
	if len(r.MultiPath) > 0 {
		return "multipath"
	}
	return "no device"
}
