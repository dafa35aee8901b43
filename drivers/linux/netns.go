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
	nh, err := newNamedNs(n.Name, label)
	if err != nil {
		return fail(err)
	}
	k.nss.put(n.Name, nh)
	var st unix.Stat_t
	if unix.Fstat(int(nh.ns), &st) == nil {
		k.owned.set(n.Name, nsIDOf(&st))
	}
	return nil
}

// newNamedNs creates the namespace on a thread of its own, which enters it
// and never leaves: the goroutine locks its thread and never unlocks, so the
// runtime retires the thread (FIELD-NOTES). lo is set up and labelled
// before the namespace is bind-mounted under its name, so a netplan killed
// at any moment leaves either a labelled namespace or none (at worst an
// unmounted mount point, which observe treats as absent and this reuses);
// never an unlabelled namespace that would look foreign to the next apply.
func newNamedNs(name, label string) (*nsHandle, error) {
	type result struct {
		nh  *nsHandle
		err error
	}
	ch := make(chan result, 1)
	go func() {
		runtime.LockOSThread()
		nh, err := unshareNamed(name, label)
		ch <- result{nh: nh, err: err}
	}()
	r := <-ch
	return r.nh, r.err
}

// unshareNamed runs on a locked thread that it moves into the new namespace.
func unshareNamed(name, label string) (*nsHandle, error) {
	path := netnsDir + "/" + name
	if err := os.MkdirAll(netnsDir, 0o755); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE|os.O_EXCL, 0o444)
	switch {
	case err == nil:
		f.Close()
	case errors.Is(err, fs.ErrExist) && !isNsMount(path):
		// A mount point left by a create that was killed: reuse it.
	default:
		return nil, err
	}
	if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
		return nil, fmt.Errorf("unshare: %w", err)
	}
	if err := disableIPv6Default(); err != nil {
		return nil, err
	}
	if err := labelLoUp(label); err != nil {
		return nil, fmt.Errorf("set lo up and label it: %w", err)
	}
	h, err := netlink.NewHandle(unix.NETLINK_ROUTE)
	if err != nil {
		return nil, fmt.Errorf("open netlink socket: %w", err)
	}
	fail := func(err error) (*nsHandle, error) { h.Close(); return nil, err }
	self := fmt.Sprintf("/proc/self/task/%d/ns/net", unix.Gettid())
	if err := unix.Mount(self, path, "none", unix.MS_BIND, ""); err != nil {
		return fail(fmt.Errorf("bind-mount %s: %w", path, err))
	}
	ns, err := netns.Get()
	if err != nil {
		return fail(err)
	}
	return &nsHandle{ns: ns, h: h}, nil
}

// labelLoUp sets lo up and labels it in one request, on a socket of its own
// in the calling thread's namespace: one rtnl lock and one link event where
// two requests took two of each. Not through the netlink library: its
// receive keeps a 64 KiB buffer on the stack, which grows the stack of
// every fresh goroutine that calls it to 128 KiB (a copy and 32 fresh
// pages), and this goroutine is fresh for every namespace.
func labelLoUp(label string) error {
	s, err := openRtnl(make([]byte, 4096)) // an acknowledgement, or an error quoting the request
	if err != nil {
		return err
	}
	defer s.close()
	msg := nl.NewIfInfomsg(unix.AF_UNSPEC)
	msg.Index = loIndex
	setUp(msg, true)
	ignore := func([]byte) error { return nil }
	return s.exchange(unix.RTM_SETLINK, unix.NLM_F_ACK, unix.RTM_NEWLINK, ignore, msg, nl.NewRtAttr(unix.IFLA_IFALIAS, []byte(label)))
}

// disableIPv6Default turns IPv6 off for the links the new namespace will
// get (lo keeps ::1). netplan's networks are IPv4-only, as Docker disables
// IPv6 on interfaces of IPv4-only networks; left on, every container end
// sends DAD and MLD packets that the bridge floods to all of its ports,
// which made each container cost more the more containers there were.
// A kernel without IPv6 has no such file, and nothing to turn off.
func disableIPv6Default() error {
	// The thread is in the new namespace, and /proc/sys/net follows the
	// opening thread's namespace.
	err := os.WriteFile("/proc/sys/net/ipv6/conf/default/disable_ipv6", []byte("1"), 0)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("disable IPv6 for new links: %w", err)
	}
	return nil
}

// isNsMount says whether path is a mounted namespace, as opposed to the
// empty file that stands in its place before the bind mount.
func isNsMount(path string) bool {
	var st unix.Statfs_t
	return unix.Statfs(path, &st) == nil && st.Type == unix.NSFS_MAGIC
}

// deleteNetns deletes a namespace netplan labelled; its veths go with it.
// One already gone is not an error. The label is read again unless this
// process saw this very namespace as the stack's (see ownedNs). The kernel frees the namespace 20-280 ms
// later, once nothing holds it: our own handle is closed first.
func (k *Kernel) deleteNetns(name string) error {
	fail := func(err error) error { return fmt.Errorf("delete netns %s: %w", name, err) }
	var st unix.Stat_t
	if err := unix.Stat(netnsDir+"/"+name, &st); errors.Is(err, unix.ENOENT) {
		k.nss.drop(name)
		k.owned.forget(name)
		return nil
	}
	if !k.owned.is(name, &st) {
		if err := k.checkNetnsLabel(name); err != nil {
			return fail(err)
		}
	}
	k.nss.drop(name)
	k.owned.forget(name)
	if err := netns.DeleteNamed(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fail(err)
	}
	return nil
}

// checkNetnsLabel reads lo's label to make sure the namespace is netplan's.
func (k *Kernel) checkNetnsLabel(name string) error {
	nh, err := k.nss.get(name)
	if err != nil {
		return err
	}
	lo, err := nh.h.LinkByIndex(loIndex)
	if err != nil {
		return fmt.Errorf("read lo: %w", err)
	}
	if _, _, ok := model.ParseLabel(lo.Attrs().Alias); !ok {
		return fmt.Errorf("namespace is not netplan's (lo label %q)", lo.Attrs().Alias)
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
	name   string
	label  string       // lo's alias
	state  *model.Netns // nil unless labelled with the stack
	absent bool         // the name's mount point holds no namespace
	id     nsID         // the namespace's identity, when it was opened
	// peers maps each veth whose other end is in another namespace to that
	// end's index there: how Observe finds the host ends (see hostEndsOf).
	peers map[string]int
	// inner maps the same veths to their own index, which their host
	// ends name as their peer: what lets a record be checked from the host
	// (see records.go).
	inner map[string]int
	// recorded says the view came from a record, not from a read.
	recorded bool
	err      error
}

// nsReader reads namespaces on one locked OS thread. To open a socket inside
// a namespace it moves its thread there and stays until the next namespace,
// which halves the setns calls of netlink.NewHandleAt and skips its
// /proc lookup of the current namespace; close moves the thread home.
type nsReader struct {
	home netns.NsHandle
	away bool
	buf  []byte // receive buffer, shared by the sockets it opens one after another
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

// socketIn opens a NETLINK_ROUTE socket inside the namespace at path, and
// says which namespace that is.
func (r *nsReader) socketIn(path string) (*nlSock, nsID, error) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, nsID{}, err
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return nil, nsID{}, err
	}
	r.away = true
	err = unix.Setns(fd, unix.CLONE_NEWNET)
	unix.Close(fd)
	if err != nil {
		return nil, nsID{}, fmt.Errorf("enter: %w", err)
	}
	if r.buf == nil {
		r.buf = make([]byte, 1<<16)
	}
	s, err := openRtnl(r.buf)
	return s, nsIDOf(&st), err
}

// observe reads one namespace through a socket of its own, closed before
// returning so it never keeps a namespace alive. Only a namespace labelled
// with stack has its addresses and routes read.
func (r *nsReader) observe(name, stack string) nsView {
	v := nsView{name: name}
	h, id, err := r.socketIn(netnsDir + "/" + name)
	if err != nil && !isNsMount(netnsDir+"/"+name) {
		v.absent = true // a mount point without a namespace: a killed create
		return v
	}
	if err != nil {
		v.err = fmt.Errorf("open netns %s: %w", name, err)
		return v
	}
	defer h.close()
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
	gw, err := defaultGateway(h)
	if err != nil {
		v.err = fmt.Errorf("observe netns %s: %w", name, err)
		return v
	}
	n := &model.Netns{Owner: owner, Name: name, LoUp: lo.Up, Veths: map[string]*model.Veth{}, Gateway: gw}
	for _, l := range links {
		if l.Kind != "veth" {
			continue
		}
		n.Veths[l.Name] = &model.Veth{Name: l.Name, MTU: l.MTU, MAC: l.MAC, Up: l.Up, Addrs: addrs[l.Index]}
		if l.PeerNetns >= 0 {
			if v.peers == nil {
				v.peers, v.inner = map[string]int{}, map[string]int{}
			}
			v.peers[l.Name], v.inner[l.Name] = l.Peer, l.Index
		}
	}
	v.state, v.id = n, id
	return v
}
