package linux

import (
	"fmt"
	"sync"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// nsHandle is an open container namespace: its file (for PeerNamespace) and
// one NETLINK_ROUTE socket inside it. Both keep the namespace alive, so they
// are closed before the namespace is deleted.
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
