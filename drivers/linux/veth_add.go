package linux

import (
	"errors"
	"fmt"
	"net"
	"slices"

	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"
)

// vethSpec is a veth pair: what it is born with in one RTM_NEWLINK, and the
// host end's master and state, which come with its label (see attachHostEnd).
type vethSpec struct {
	Host, Peer string
	MTU        int
	Master     int // bridge ifindex; 0 for none
	HostUp     bool
	PeerMAC    net.HardwareAddr
	PeerNs     int // fd of the namespace the peer is born in
}

// addVethPair creates the pair in one request and returns the host end's
// index. The host end is born down and detached: it joins its bridge in the
// request that labels it (attachHostEnd).
func (k *Kernel) addVethPair(s vethSpec) (int, error) {
	req := nl.NewNetlinkRequest(unix.RTM_NEWLINK, unix.NLM_F_CREATE|unix.NLM_F_EXCL|unix.NLM_F_ACK)
	req.Sockets = map[int]*nl.SocketHandle{unix.NETLINK_ROUTE: k.raw}
	msg := nl.NewIfInfomsg(unix.AF_UNSPEC)
	req.AddData(msg)
	req.AddData(nl.NewRtAttr(unix.IFLA_IFNAME, nl.ZeroTerminated(s.Host)))
	if s.MTU > 0 {
		req.AddData(nl.NewRtAttr(unix.IFLA_MTU, nl.Uint32Attr(uint32(s.MTU))))
	}
	for _, a := range oneQueue() {
		req.AddData(a)
	}
	info := nl.NewRtAttr(unix.IFLA_LINKINFO, nil)
	info.AddRtAttr(nl.IFLA_INFO_KIND, nl.NonZeroTerminated("veth"))
	data := info.AddRtAttr(nl.IFLA_INFO_DATA, nil)
	peer := data.AddRtAttr(nl.VETH_INFO_PEER, nil)
	// The peer is born down: this kernel refuses IFF_UP for a peer born in
	// another namespace (ENOTCONN).
	nl.NewIfInfomsgChild(peer, unix.AF_UNSPEC)
	peer.AddRtAttr(unix.IFLA_IFNAME, nl.ZeroTerminated(s.Peer))
	if s.MTU > 0 {
		peer.AddRtAttr(unix.IFLA_MTU, nl.Uint32Attr(uint32(s.MTU)))
	}
	if len(s.PeerMAC) > 0 {
		peer.AddRtAttr(unix.IFLA_ADDRESS, []byte(s.PeerMAC))
	}
	for _, a := range oneQueue() {
		peer.AddChild(a)
	}
	peer.AddRtAttr(unix.IFLA_NET_NS_FD, nl.Uint32Attr(uint32(s.PeerNs)))
	req.AddData(info)
	if _, err := req.Execute(unix.NETLINK_ROUTE, 0); err != nil {
		return 0, err
	}
	// NLM_F_ECHO would return the index without this lookup, but the kernel
	// fails it (ENOTCONN) when the peer is born in another namespace. The
	// lookup must be an RTM_GETLINK, not the lock-free ioctl hostIndex
	// uses: the kernel answers it only after settling the new link's
	// operstate (rtnl_getlink calls linkwatch_sync_dev). Without that the
	// link is still "unknown", which counts as up, when attachHostEnd makes
	// it a port, and the bridge enables the port at once and re-runs its
	// port state selection over every port, rearming each one's multicast
	// timers: O(ports) per container. With the ioctl, the create-veth
	// phase of 1000 containers took 997-1325 ms against 651-964.
	l, err := k.host.LinkByName(s.Host)
	if err != nil {
		return 0, fmt.Errorf("find the new link: %w", err)
	}
	return l.Attrs().Index, nil
}

// oneQueue asks for one transmit and one receive queue. A veth is born with
// a queue per CPU and, unless told otherwise, the kernel then shrinks it to
// one (veth_init_queues), waiting out an expedited RCU grace period per end
// while it holds the rtnl lock every other worker waits on (202 waits for
// 100 containers, perf sched). Born with one queue, it ends the same.
func oneQueue() []*nl.RtAttr {
	return []*nl.RtAttr{
		nl.NewRtAttr(unix.IFLA_NUM_TX_QUEUES, nl.Uint32Attr(1)),
		nl.NewRtAttr(unix.IFLA_NUM_RX_QUEUES, nl.Uint32Attr(1)),
	}
}

// setUp makes an ifinfomsg set IFF_UP, or leave the link down.
func setUp(msg *nl.IfInfomsg, up bool) {
	msg.Change = unix.IFF_UP
	if up {
		msg.Flags = unix.IFF_UP
	}
}

// attachHostEnd labels a new host end and, in the same request, makes it a
// port of its bridge and sets its state. An alias given at creation is
// dropped by the kernel (FIELD-NOTES), so labelling follows addVethPair. One
// request carries both, and the kernel sets the alias first (do_setlink):
// a host end netplan made is a bridge port only once labelled, even if
// netplan is killed right after creating it. Observe relies on that: it
// reads bridge ports without their labels (see readHostView).
func (k *Kernel) attachHostEnd(index int, alias string, s vethSpec) error {
	if index <= 0 {
		return errors.New("no link index to label")
	}
	req := nl.NewNetlinkRequest(unix.RTM_SETLINK, unix.NLM_F_ACK)
	req.Sockets = map[int]*nl.SocketHandle{unix.NETLINK_ROUTE: k.raw}
	msg := nl.NewIfInfomsg(unix.AF_UNSPEC)
	msg.Index = int32(index)
	setUp(msg, s.HostUp)
	req.AddData(msg)
	req.AddData(nl.NewRtAttr(unix.IFLA_IFALIAS, []byte(alias)))
	if s.Master > 0 {
		req.AddData(nl.NewRtAttr(unix.IFLA_MASTER, nl.Uint32Attr(uint32(s.Master))))
	}
	// A link with an MTU below IPv6's minimum has no IPv6 to turn off, and
	// the kernel refuses IPv6 settings for it as it would for a kernel
	// without IPv6.
	if k.hostEndIPv6.Load() && (s.MTU == 0 || s.MTU >= ipv6MinMTU) {
		_, err := noLinkLocal(req).Execute(unix.NETLINK_ROUTE, 0)
		if !errors.Is(err, unix.EAFNOSUPPORT) {
			return err
		}
		// A kernel without IPv6 has no link-local address to spare us.
		k.hostEndIPv6.Store(false)
	}
	_, err := req.Execute(unix.NETLINK_ROUTE, 0)
	return err
}

// noLinkLocal returns req asking, too, that the link get no IPv6 link-local
// address (addrgenmode none), as LXD does for the host ends of its bridged
// NICs. A bridge port's own addresses never see a packet: the bridge takes
// them first. Yet each one costs duplicate address detection and two routes,
// work done under the rtnl lock, and every link event walks the host's IPv6
// routes (rt6_sync_down_dev), so the cost of each container grew with the
// number before it: an apply of 1000 containers took 2.8-3.1 s with them
// and 2.6 s without. The kernel applies the mode before the link goes up in
// the same request (do_setlink), so no address is ever made. The request is
// copied, so the caller can send req as it was if the kernel has no IPv6.
func noLinkLocal(req *nl.NetlinkRequest) *nl.NetlinkRequest {
	c := *req
	c.Data = slices.Clone(req.Data)
	spec := nl.NewRtAttr(unix.IFLA_AF_SPEC, nil)
	spec.AddRtAttr(unix.AF_INET6, nil).AddRtAttr(unix.IFLA_INET6_ADDR_GEN_MODE, []byte{addrGenModeNone})
	c.AddData(spec)
	return &c
}

const (
	addrGenModeNone = 1    // IN6_ADDR_GEN_MODE_NONE (linux/if_link.h)
	ipv6MinMTU      = 1280 // IPV6_MIN_MTU (net/ipv6.h)
)
