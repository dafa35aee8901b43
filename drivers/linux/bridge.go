package linux

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/netplan-dev/netplan/model"
)

// bridgeState describes a live bridge link as the model sees it.
func bridgeState(l rawLink, owner string, addrs []netip.Prefix) *model.Bridge {
	return &model.Bridge{Owner: owner, Name: l.Name, MTU: l.MTU, MAC: l.MAC, Up: l.Up, Addrs: addrs}
}

// unfinishedBridge reports whether l is a bridge an apply killed between
// making and labelling it (see drivers.Query.BridgeMACs): no alias at all,
// the MAC netplan derives for the stack's network of that name (mac), and
// nothing added yet, neither ports nor addresses.
func unfinishedBridge(l rawLink, mac string, hv *hostView, addrs int) bool {
	if l.Alias != "" || mac == "" || !strings.EqualFold(l.MAC, mac) || addrs > 0 {
		return false
	}
	for _, p := range hv.ports {
		if p.Master == l.Index {
			return false
		}
	}
	return true
}

// createBridge makes the bridge with its MTU and MAC, then labels it (an
// alias given at creation is dropped) and adds its addresses. A bridge of
// that name that an apply killed before labelling it is adopted (see
// drivers.Query.BridgeMACs): its MAC is b's, and the rest is set here.
func (k *Kernel) createBridge(b *model.Bridge) error {
	fail := func(err error) error { return fmt.Errorf("create bridge %s (%s): %w", b.Name, b.Owner, err) }
	label, err := k.label(b.Owner)
	if err != nil {
		return fail(err)
	}
	attrs := netlink.NewLinkAttrs()
	attrs.Name = b.Name
	attrs.MTU = b.MTU
	if b.MAC != "" {
		if attrs.HardwareAddr, err = net.ParseMAC(b.MAC); err != nil {
			return fail(err)
		}
	}
	if b.Up {
		attrs.Flags = net.FlagUp
	}
	var br netlink.Link = &netlink.Bridge{LinkAttrs: attrs}
	err = k.host.LinkAdd(br)
	adopted := false
	if errors.Is(err, unix.EEXIST) {
		if l, ok := k.unfinishedBridgeLink(b); ok {
			br, adopted, err = l, true, nil
		}
	}
	if err != nil {
		return fail(err)
	}
	if err := k.host.LinkSetAlias(br, label); err != nil {
		return fail(fmt.Errorf("label: %w", err))
	}
	if adopted {
		if err := setLink(k.host, br, b.MTU, b.MAC, b.Up); err != nil {
			return fail(err)
		}
	}
	for _, p := range b.Addrs {
		if err := changeAddr(k.host, br, p, true); err != nil {
			return fail(fmt.Errorf("add address %s: %w", p, err))
		}
	}
	return nil
}

// unfinishedBridgeLink reads the link that holds b's name and returns it
// when it is a bridge that a killed apply made for b and did not label:
// no alias and b's MAC. Observe found it without ports or addresses.
func (k *Kernel) unfinishedBridgeLink(b *model.Bridge) (netlink.Link, bool) {
	l, err := k.host.LinkByName(b.Name)
	if err != nil || l.Type() != "bridge" || l.Attrs().Alias != "" || b.MAC == "" {
		return nil, false
	}
	return l, strings.EqualFold(l.Attrs().HardwareAddr.String(), b.MAC)
}

// ownedLink finds a host link that netplan may change or delete: one whose
// label is a netplan label. found is false when no link has the name.
func (k *Kernel) ownedLink(name string) (l netlink.Link, found bool, err error) {
	l, err = k.host.LinkByName(name)
	if err != nil {
		if isNotFound(err) {
			return nil, false, nil
		}
		return nil, false, err
	}
	if _, _, ok := model.ParseLabel(l.Attrs().Alias); !ok {
		return nil, true, fmt.Errorf("link is not netplan's (label %q)", l.Attrs().Alias)
	}
	return l, true, nil
}

// deleteBridge deletes owner's bridge; one already gone is not an error.
// An unlabelled one is deleted only if it is unfinished (see
// drivers.Query.BridgeMACs): its MAC is the one netplan derives for owner's
// network in this stack, which no other bridge has.
func (k *Kernel) deleteBridge(owner, name string) error {
	l, found, err := k.ownedLink(name)
	if stack := k.currentStack(); err != nil && found && stack != "" {
		if network, ok := strings.CutPrefix(owner, model.NetworkAddress("")); ok {
			if u, ok := k.unfinishedBridgeLink(&model.Bridge{Name: name, MAC: model.BridgeMAC(stack, network)}); ok {
				l, err = u, nil
			}
		}
	}
	if err == nil && found {
		// Down first: the kernel removes a deleted bridge's ports one by
		// one, and while the bridge is up each removal re-runs the port
		// state selection over the ports left, rearming every port's
		// multicast timers (O(ports²): 1000 ports took 340-370 ms to
		// delete up, 50 ms down plus 270 ms to delete).
		if l.Attrs().Flags&net.FlagUp != 0 {
			err = k.host.LinkSetDown(l)
		}
		if err == nil {
			err = k.host.LinkDel(l)
		}
		if isNotFound(err) {
			err = nil
		}
	}
	if err != nil {
		return fmt.Errorf("delete bridge %s: %w", name, err)
	}
	return nil
}

// setBridge makes an existing bridge's MTU, MAC and admin state match b.
func (k *Kernel) setBridge(b *model.Bridge) error {
	fail := func(err error) error { return fmt.Errorf("set bridge %s (%s): %w", b.Name, b.Owner, err) }
	l, found, err := k.ownedLink(b.Name)
	if err != nil {
		return fail(err)
	}
	if !found {
		return fail(fmt.Errorf("no such link"))
	}
	if err := setLink(k.host, l, b.MTU, b.MAC, b.Up); err != nil {
		return fail(err)
	}
	return nil
}

// setLink changes only the attributes of l that differ, so a set step costs
// nothing for what already matches. mtu 0 and mac "" mean "leave alone".
func setLink(h *netlink.Handle, l netlink.Link, mtu int, mac string, up bool) error {
	a := l.Attrs()
	if mtu != 0 && a.MTU != mtu {
		if err := h.LinkSetMTU(l, mtu); err != nil {
			return fmt.Errorf("set mtu %d: %w", mtu, err)
		}
	}
	if mac != "" && a.HardwareAddr.String() != mac {
		hw, err := net.ParseMAC(mac)
		if err != nil {
			return err
		}
		if err := h.LinkSetHardwareAddr(l, hw); err != nil {
			return fmt.Errorf("set mac %s: %w", mac, err)
		}
	}
	if isUp := a.Flags&net.FlagUp != 0; isUp != up {
		set, verb := h.LinkSetUp, "up"
		if !up {
			set, verb = h.LinkSetDown, "down"
		}
		if err := set(l); err != nil {
			return fmt.Errorf("set %s: %w", verb, err)
		}
	}
	return nil
}

// bridgeAddr adds or deletes one address of a bridge.
func (k *Kernel) bridgeAddr(name string, p netip.Prefix, add bool) error {
	l, found, err := k.ownedLink(name)
	if err == nil && !found {
		err = fmt.Errorf("no such link")
	}
	if err == nil {
		err = changeAddr(k.host, l, p, add)
	}
	if err != nil {
		return fmt.Errorf("%s address %s on bridge %s: %w", addrVerb(add), p, name, err)
	}
	return nil
}
