package linux

import (
	"fmt"
	"sync"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// nsHandle is an open container namespace: its file (for PeerNamespace) and
// one NETLINK_ROUTE socket inside it. Both keep the namespace alive: a
// deleted namespace's handle is closed when the run ends (see hold).
type nsHandle struct {
	ns netns.NsHandle
	h  *netlink.Handle
}

func (n *nsHandle) close() {
	if n.h != nil {
		n.h.Close()
	}
	if n.ns.IsOpen() {
		_ = n.ns.Close()
	}
}

// nsCache holds one handle per namespace that Do touched, so the steps of a
// container reuse one socket instead of opening one per step.
type nsCache struct {
	mu sync.Mutex
	m  map[string]*nsHandle
	// held keeps the namespaces this run deleted alive until it ends (see
	// hold).
	held []*nsHandle
}

func newNsCache() *nsCache { return &nsCache{m: map[string]*nsHandle{}} }

// get returns the cached handle of a namespace, opening it on first use.
// Opening under the lock keeps two steps of one namespace from racing to open
// it twice; an open costs tens of microseconds.
func (c *nsCache) get(name string) (*nsHandle, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if n, ok := c.m[name]; ok {
		return n, nil
	}
	n, err := openNs(name)
	if err != nil {
		return nil, err
	}
	c.m[name] = n
	return n, nil
}

// put caches a handle opened elsewhere (create-netns), closing any older one.
func (c *nsCache) put(name string, n *nsHandle) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.m[name]; ok {
		old.close()
	}
	c.m[name] = n
}

// drop closes and forgets a namespace's handle.
func (c *nsCache) drop(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if n, ok := c.m[name]; ok {
		n.close()
		delete(c.m, name)
	}
}

// hold forgets a namespace's handle, about to be deleted, but keeps the
// namespace itself alive until closeAll, at the end of the run, opening its
// file if no handle is cached. The kernel tears a namespace down once
// nothing holds it, in a worker that takes the rtnl lock for each batch of
// namespaces and waits for RCU grace periods under it; beside a bridge's
// deletion, which holds that lock for one grace period per port, each
// waited for the other (a 1000-container destroy: the bridge took 370-440
// ms instead of 270-340). Held to the end, the namespaces are torn down
// after the run, as a batch of links that are no bridge's ports any more.
// A namespace that cannot be opened is gone or going: nothing to hold.
func (c *nsCache) hold(name string) {
	c.mu.Lock()
	n, ok := c.m[name]
	delete(c.m, name)
	c.mu.Unlock()
	if !ok {
		// Opened outside the lock: the phase's other deletions wait on it.
		ns, err := netns.GetFromName(name)
		if err != nil {
			return
		}
		n = &nsHandle{ns: ns}
	}
	c.mu.Lock()
	c.held = append(c.held, n)
	c.mu.Unlock()
}

// releaseHeld closes the handles hold kept.
func (c *nsCache) releaseHeld() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, n := range c.held {
		n.close()
	}
	c.held = nil
}

// keepOnly drops the handles of namespaces not in names: a namespace deleted
// by hand must not be kept alive by a handle of ours.
func (c *nsCache) keepOnly(names map[string]bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for name, n := range c.m {
		if !names[name] {
			n.close()
			delete(c.m, name)
		}
	}
}

func (c *nsCache) closeAll() {
	c.releaseHeld()
	c.mu.Lock()
	defer c.mu.Unlock()
	for name, n := range c.m {
		n.close()
		delete(c.m, name)
	}
}

// openNs opens /run/netns/<name> and a netlink socket inside it.
func openNs(name string) (*nsHandle, error) {
	ns, err := netns.GetFromName(name)
	if err != nil {
		return nil, fmt.Errorf("open netns %q: %w", name, err)
	}
	h, err := netlink.NewHandleAt(ns, unix.NETLINK_ROUTE)
	if err != nil {
		_ = ns.Close()
		return nil, fmt.Errorf("open netlink socket in netns %q: %w", name, err)
	}
	return &nsHandle{ns: ns, h: h}, nil
}
