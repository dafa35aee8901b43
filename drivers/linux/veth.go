package linux

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"time"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/netplan-dev/netplan/model"
)

// vethOwner is the owner written on a veth's host end: the namespace's
// owner (the container's address) and the interface it pairs with.
func vethOwner(n *model.Netns, fallback, iface string) string {
	owner := n.Owner
	if owner == "" {
		owner = fallback
	}
	return owner + "/" + iface
}

// createVethWait bounds how long create-veth waits for a host end of the
// same name to go away: a namespace deleted just before takes its veths with
// it 20-280 ms later (FIELD-NOTES).
var createVethWait = 2 * time.Second

// createVeth makes the pair in one request, with the container end born
// inside the namespace under its final name and MAC (create-move-rename
// costs ten times more), then labels the host end and attaches it to its
// bridge in one request, sets its port flags and configures the container
// end.
func (k *Kernel) createVeth(n *model.Netns, stepOwner string, v *model.Veth) error {
	owner := vethOwner(n, stepOwner, v.Name)
	fail := func(err error) error { return fmt.Errorf("create veth %s (%s): %w", v.HostName, owner, err) }
	label, err := k.label(owner)
	if err != nil {
		return fail(err)
	}
	nh, err := k.nss.get(n.Name)
	if err != nil {
		return fail(err)
	}
	master, err := k.hostIndex(v.Bridge)
	if err != nil {
		return fail(fmt.Errorf("find bridge %s: %w", v.Bridge, err))
	}
	spec := vethSpec{
		Host: v.HostName, Peer: v.Name, MTU: v.MTU, Master: master,
		HostUp: v.HostUp, PeerNs: int(nh.ns),
	}
	if v.MAC != "" {
		if spec.PeerMAC, err = net.ParseMAC(v.MAC); err != nil {
			return fail(err)
		}
	}
	index, err := k.addVeth(spec, label)
	if err != nil {
		return fail(err)
	}
	if err := k.attachHostEnd(index, label, spec); err != nil {
		return fail(fmt.Errorf("label and attach host end: %w", err))
	}
	if err := k.setPortFlags(index, portFlags{Hairpin: v.Hairpin, Isolated: v.Isolated}); err != nil {
		return fail(err)
	}
	peer, err := nh.h.LinkByName(v.Name)
	if err != nil {
		return fail(fmt.Errorf("find %s in netns %s: %w", v.Name, n.Name, err))
	}
	for _, p := range v.Addrs {
		if err := changeAddr(nh.h, peer, p, true); err != nil {
			return fail(fmt.Errorf("add address %s to %s: %w", p, v.Name, err))
		}
	}
	if v.Up {
		if err := nh.h.LinkSetUp(peer); err != nil {
			return fail(fmt.Errorf("set %s up: %w", v.Name, err))
		}
	}
	return nil
}

// addVeth adds the pair. A host end of the same name that exists already is
// one of three things: gone by the time we look (retry), ours (a leftover of
// this attachment, or one whose namespace the kernel is still tearing down:
// delete it and retry), or not ours (wait briefly for a teardown, then fail).
func (k *Kernel) addVeth(veth vethSpec, label string) (int, error) {
	deadline := time.Now().Add(createVethWait)
	for pause := 5 * time.Millisecond; ; pause = min(2*pause, 100*time.Millisecond) {
		index, err := k.addVethPair(veth)
		if !errors.Is(err, unix.EEXIST) {
			return index, err
		}
		old, lerr := k.host.LinkByName(veth.Host)
		switch {
		case lerr != nil && !isNotFound(lerr):
			return 0, fmt.Errorf("%w (and reading the existing link: %v)", err, lerr)
		case lerr == nil && (old.Attrs().Alias == label || k.unlabelledPeerIn(old, netlink.NsFd(veth.PeerNs))):
			if derr := k.host.LinkDel(old); derr != nil && !isNotFound(derr) {
				return 0, fmt.Errorf("%w (a leftover of ours that could not be deleted: %v)", err, derr)
			}
			continue
		case lerr != nil:
			// Gone already: the name is free, or the clash was the peer's name.
			if pause > 5*time.Millisecond {
				return 0, fmt.Errorf("%w (the name is free in the host: is %s taken inside the namespace?)", err, veth.Peer)
			}
		}
		if time.Now().After(deadline) {
			if lerr == nil {
				return 0, fmt.Errorf("%w (held by a %s link labelled %q)", err, old.Type(), old.Attrs().Alias)
			}
			return 0, err
		}
		time.Sleep(pause)
	}
}

// deleteVeth deletes a pair through its host end; one already gone is not
// an error.
func (k *Kernel) deleteVeth(v *model.Veth) error {
	l, found, err := k.ownedLink(v.HostName)
	if err == nil && found {
		err = k.host.LinkDel(l)
		if isNotFound(err) {
			err = nil
		}
	}
	if err != nil {
		return fmt.Errorf("delete veth %s (%s): %w", v.HostName, v.Name, err)
	}
	return nil
}

// setVeth makes both ends of an existing pair match v: the host end's
// master, port flags, MTU and state, the container end's MTU, MAC and state.
func (k *Kernel) setVeth(ns string, v *model.Veth) error {
	fail := func(err error) error {
		return fmt.Errorf("set veth %s (%s in netns %s): %w", v.HostName, v.Name, ns, err)
	}
	host, found, err := k.ownedLink(v.HostName)
	if err != nil {
		return fail(err)
	}
	if !found {
		return fail(errors.New("no host end"))
	}
	master, err := k.hostIndex(v.Bridge)
	if err != nil {
		return fail(fmt.Errorf("find bridge %s: %w", v.Bridge, err))
	}
	if host.Attrs().MasterIndex != master {
		if err := k.host.LinkSetMasterByIndex(host, master); err != nil {
			return fail(fmt.Errorf("set master %s: %w", v.Bridge, err))
		}
	}
	// A port joining a bridge starts with default flags: set them after the master.
	if err := k.setPortFlags(host.Attrs().Index, portFlags{Hairpin: v.Hairpin, Isolated: v.Isolated}); err != nil {
		return fail(err)
	}
	if err := setLink(k.host, host, v.MTU, "", v.HostUp); err != nil {
		return fail(fmt.Errorf("host end: %w", err))
	}
	nh, err := k.nss.get(ns)
	if err != nil {
		return fail(err)
	}
	peer, err := nh.h.LinkByName(v.Name)
	if err != nil {
		return fail(fmt.Errorf("find %s: %w", v.Name, err))
	}
	if err := setLink(nh.h, peer, v.MTU, v.MAC, v.Up); err != nil {
		return fail(fmt.Errorf("container end: %w", err))
	}
	return nil
}

// vethAddr adds or deletes an address of a container end.
func (k *Kernel) vethAddr(ns, iface string, p netip.Prefix, add bool) error {
	nh, err := k.nss.get(ns)
	var l netlink.Link
	if err == nil {
		l, err = nh.h.LinkByName(iface)
	}
	if err == nil {
		err = changeAddr(nh.h, l, p, add)
	}
	if err != nil {
		return fmt.Errorf("%s address %s on %s in netns %s: %w", addrVerb(add), p, iface, ns, err)
	}
	return nil
}
