package linux

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netlink/nl"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"

	"github.com/netplan-dev/netplan/model"
)

// netnsDir is where named namespaces are bind-mounted (as by `ip netns`).
const netnsDir = "/run/netns"

// loIndex is lo's index in every network namespace (LOOPBACK_IFINDEX), so
// lo needs no lookup.
const loIndex = 1

func loLink() netlink.Link {
	return &netlink.Device{LinkAttrs: netlink.LinkAttrs{Index: loIndex, Name: "lo"}}
}

// createNetns makes a named namespace with lo up and labelled, and keeps a
// handle to it for the steps that follow (veths, routes).
func (k *Kernel) createNetns(n *model.Netns) error {
	fail := func(err error) error { return fmt.Errorf("create netns %s (%s): %w", n.Name, n.Owner, err) }
	label, err := k.label(n.Owner)
	if err != nil {
		return fail(err)
	}
	k.nss.drop(n.Name) // a handle left from a namespace of the same name is stale
	nh, err := newNamedNs(n.Name)
	if err != nil {
		return fail(err)
	}
	k.nss.put(n.Name, nh)
	lo := loLink()
	if err := nh.h.LinkSetUp(lo); err != nil {
		return fail(fmt.Errorf("set lo up: %w", err))
	}
	if err := nh.h.LinkSetAlias(lo, label); err != nil {
		return fail(fmt.Errorf("label lo: %w", err))
	}
	return nil
}

// newNamedNs creates the namespace on a thread of its own. NewNamed moves the
// calling thread into the new namespace and never moves it back, so the
// goroutine locks its thread and never unlocks: when it returns, the runtime
// retires the thread instead of handing it to other goroutines (FIELD-NOTES).
// The netlink socket is opened on that thread, inside the new namespace,
// which spares the two setns calls NewHandleAt would make.
func newNamedNs(name string) (*nsHandle, error) {
	type result struct {
		nh  *nsHandle
		err error
	}
	ch := make(chan result, 1)
	go func() {
		runtime.LockOSThread()
		ns, err := netns.NewNamed(name)
		if err != nil {
			ch <- result{err: err}
			return
		}
		h, err := netlink.NewHandle(unix.NETLINK_ROUTE)
		if err != nil {
			_ = ns.Close()
			ch <- result{err: fmt.Errorf("open netlink socket: %w", err)}
			return
		}
		ch <- result{nh: &nsHandle{ns: ns, h: h}}
	}()
	r := <-ch
	return r.nh, r.err
}

// deleteNetns deletes a namespace netplan labelled; its veths go with it.
// One already gone is not an error. The kernel frees the namespace 20-280 ms
// later, once nothing holds it: our own handle is closed first.
func (k *Kernel) deleteNetns(name string) error {
	fail := func(err error) error { return fmt.Errorf("delete netns %s: %w", name, err) }
	if _, err := os.Stat(netnsDir + "/" + name); errors.Is(err, fs.ErrNotExist) {
		k.nss.drop(name)
		return nil
	}
	nh, err := k.nss.get(name)
	if err != nil {
		return fail(err)
	}
	lo, err := nh.h.LinkByIndex(loIndex)
	if err != nil {
		return fail(fmt.Errorf("read lo: %w", err))
	}
	if _, _, ok := model.ParseLabel(lo.Attrs().Alias); !ok {
		return fail(fmt.Errorf("namespace is not netplan's (lo label %q)", lo.Attrs().Alias))
	}
	k.nss.drop(name)
	if err := netns.DeleteNamed(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fail(err)
	}
	return nil
}

func (k *Kernel) setLoUp(name string) error {
	nh, err := k.nss.get(name)
	if err == nil {
		err = nh.h.LinkSetUp(loLink())
	}
	if err != nil {
		return fmt.Errorf("set lo up in netns %s: %w", name, err)
	}
	return nil
}

// nsView is what one namespace looked like: its label, and when it is the
// stack's, its contents.
type nsView struct {
	name  string
	label string       // lo's alias
	state *model.Netns // nil unless labelled with the stack
	err   error
}

// nsReader reads namespaces on one locked OS thread. To open a socket inside
// a namespace it moves its thread there and stays until the next namespace,
// which halves the setns calls of netlink.NewHandleAt and skips its
// /proc lookup of the current namespace; close moves the thread home.
type nsReader struct {
	home netns.NsHandle
	away bool
}

func newNsReader() (*nsReader, error) {
	runtime.LockOSThread()
	home, err := netns.Get()
	if err != nil {
		runtime.UnlockOSThread()
		return nil, fmt.Errorf("read current netns: %w", err)
	}
	return &nsReader{home: home}, nil
}

// close returns the thread to its namespace. A thread that cannot go home
// stays locked, so the runtime retires it when its goroutine ends.
func (r *nsReader) close() {
	if r.away {
		if err := netns.Set(r.home); err != nil {
			_ = r.home.Close()
			return
		}
	}
	_ = r.home.Close()
	runtime.UnlockOSThread()
}

// socketIn opens a NETLINK_ROUTE socket inside the namespace at path.
func (r *nsReader) socketIn(path string) (*nl.SocketHandle, error) {
	ns, err := netns.GetFromPath(path)
	if err != nil {
		return nil, err
	}
	defer ns.Close()
	r.away = true
	if err := netns.Set(ns); err != nil {
		return nil, fmt.Errorf("enter: %w", err)
	}
	s, err := nl.GetNetlinkSocketAt(netns.None(), netns.None(), unix.NETLINK_ROUTE)
	if err != nil {
		return nil, err
	}
	return &nl.SocketHandle{Socket: s}, nil
}

// observe reads one namespace through a socket of its own, closed before
// returning so it never keeps a namespace alive. Only a namespace labelled
// with stack has its addresses and routes read.
func (r *nsReader) observe(name, stack string) nsView {
	v := nsView{name: name}
	h, err := r.socketIn(netnsDir + "/" + name)
	if err != nil {
		v.err = fmt.Errorf("open netns %s: %w", name, err)
		return v
	}
	defer h.Close()
	links, err := rawLinks(h)
	if err != nil {
		v.err = fmt.Errorf("observe netns %s: %w", name, err)
		return v
	}
	var lo *rawLink
	for i := range links {
		if links[i].Index == loIndex {
			lo = &links[i]
		}
	}
	if lo == nil {
		return v
	}
	v.label = lo.Alias
	s, owner, ok := model.ParseLabel(v.label)
	if !ok || s != stack {
		return v
	}
	addrs, err := rawAddrs(h)
	if err != nil {
		v.err = fmt.Errorf("observe netns %s: %w", name, err)
		return v
	}
	gw, err := rawGateway(h)
	if err != nil {
		v.err = fmt.Errorf("observe netns %s: %w", name, err)
		return v
	}
	n := &model.Netns{Owner: owner, Name: name, LoUp: lo.Up, Veths: map[string]*model.Veth{}, Gateway: gw}
	for _, l := range links {
		if l.Kind == "veth" {
			n.Veths[l.Name] = &model.Veth{Name: l.Name, MTU: l.MTU, MAC: l.MAC, Up: l.Up, Addrs: addrs[l.Index]}
		}
	}
	v.state = n
	return v
}
