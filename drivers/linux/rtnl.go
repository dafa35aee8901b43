package linux

import (
	"net"
	"net/netip"

	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"
)

// Observe reads hundreds of namespaces, and netlink's LinkList parses every
// attribute of every link (stats, VF info, per-family config) into objects:
// most of the time of a namespace read. These readers ask the kernel to skip
// statistics and parse only what the model holds.

// rtextFilterSkipStats is RTEXT_FILTER_SKIP_STATS (linux/rtnetlink.h), which
// x/sys does not define; kernels older than 5.x ignore it.
const rtextFilterSkipStats = 1 << 3

// rawLink is the part of a link the model needs.
type rawLink struct {
	Index, Master, MTU int
	Name, Alias, Kind  string
	MAC                string // lower-case colon form
	Up                 bool
	Port               portFlags // when the link is a bridge port
	// Peer is a veth's other end, by its index in the namespace that
	// PeerNetns names (the link's own when -1, IFLA_LINK_NETNSID).
	Peer, PeerNetns int
}

// iterate runs a dump and hands each message to f, which returns an error
// to stop. ErrDumpInterrupted comes back for dump() to retry.
func iterate(req *nl.NetlinkRequest, resType uint16, f func(m []byte) error) error {
	var ferr error
	err := req.ExecuteIter(unix.NETLINK_ROUTE, resType, func(m []byte) bool {
		ferr = f(m)
		return ferr == nil
	})
	if ferr != nil {
		return ferr
	}
	return err
}

// rawLinks dumps the links of the socket's namespace.
func rawLinks(d dumper) ([]rawLink, error) {
	return dump("list links", func() ([]rawLink, error) {
		var links []rawLink
		err := d.dump(unix.RTM_GETLINK, unix.RTM_NEWLINK, func(m []byte) error {
			l, err := parseLink(m)
			links = append(links, l)
			return err
		}, nl.NewIfInfomsg(unix.AF_UNSPEC), nl.NewRtAttr(unix.IFLA_EXT_MASK, nl.Uint32Attr(rtextFilterSkipStats)))
		return links, err
	})
}

func parseLink(m []byte) (rawLink, error) {
	ifi := nl.DeserializeIfInfomsg(m)
	l := rawLink{Index: int(ifi.Index), Up: ifi.Flags&unix.IFF_UP != 0, PeerNetns: -1}
	attrs, err := nl.ParseRouteAttr(m[ifi.Len():])
	if err != nil {
		return l, err
	}
	native := nl.NativeEndian()
	for _, a := range attrs {
		switch a.Attr.Type &^ (unix.NLA_F_NESTED | unix.NLA_F_NET_BYTEORDER) {
		case unix.IFLA_IFNAME:
			l.Name = nl.BytesToString(a.Value)
		case unix.IFLA_LINK:
			l.Peer = int(native.Uint32(a.Value))
		case unix.IFLA_LINK_NETNSID:
			l.PeerNetns = int(int32(native.Uint32(a.Value)))
		case unix.IFLA_PROTINFO:
			// A bridge port in an AF_BRIDGE dump (see bridgePorts).
			if l.Port, err = parsePortFlags(a.Value); err != nil {
				return l, err
			}
		case unix.IFLA_IFALIAS:
			l.Alias = nl.BytesToString(a.Value)
		case unix.IFLA_MTU:
			l.MTU = int(native.Uint32(a.Value))
		case unix.IFLA_MASTER:
			l.Master = int(native.Uint32(a.Value))
		case unix.IFLA_ADDRESS:
			l.MAC = net.HardwareAddr(a.Value).String()
		case unix.IFLA_LINKINFO:
			infos, err := nl.ParseRouteAttr(a.Value)
			if err != nil {
				return l, err
			}
			for _, info := range infos {
				switch info.Attr.Type {
				case unix.IFLA_INFO_KIND:
					l.Kind = nl.BytesToString(info.Value)
				case unix.IFLA_INFO_SLAVE_DATA:
					// A bridge port's flags come with the link: no second
					// (AF_BRIDGE) dump of the host's links.
					if l.Port, err = parsePortFlags(info.Value); err != nil {
						return l, err
					}
				}
			}
		}
	}
	return l, nil
}

// rawAddrs dumps the IPv4 addresses of the socket's namespace, by link index.
func rawAddrs(d dumper) (map[int][]netip.Prefix, error) {
	out, err := dump("list addresses", func() (map[int][]netip.Prefix, error) {
		out := map[int][]netip.Prefix{}
		err := d.dump(unix.RTM_GETADDR, unix.RTM_NEWADDR, func(m []byte) error {
			ifa := nl.DeserializeIfAddrmsg(m)
			if ifa.Family != unix.AF_INET {
				return nil
			}
			attrs, err := nl.ParseRouteAttr(m[ifa.Len():])
			if err != nil {
				return err
			}
			var local, address netip.Addr
			for _, a := range attrs {
				switch a.Attr.Type {
				case unix.IFA_LOCAL:
					local, _ = netip.AddrFromSlice(a.Value)
				case unix.IFA_ADDRESS:
					address, _ = netip.AddrFromSlice(a.Value)
				}
			}
			// IFA_LOCAL is the interface's own address; IFA_ADDRESS differs
			// from it only on point-to-point links (the peer).
			if !local.IsValid() {
				local = address
			}
			if local.Is4() {
				out[int(ifa.Index)] = append(out[int(ifa.Index)], netip.PrefixFrom(local, int(ifa.Prefixlen)))
			}
			return nil
		}, nl.NewIfAddrmsg(unix.AF_INET))
		return out, err
	})
	for _, ps := range out {
		sortPrefixes(ps)
	}
	return out, err
}

// rawGateway returns the gateway of the main table's IPv4 default route, the
// lowest metric one when there are several; invalid when there is none.
func rawGateway(d dumper) (netip.Addr, error) {
	return dump("list routes", func() (netip.Addr, error) {
		var gw netip.Addr
		best := uint32(0)
		err := d.dump(unix.RTM_GETROUTE, unix.RTM_NEWROUTE, func(m []byte) error {
			rt := nl.DeserializeRtMsg(m)
			if rt.Family != unix.AF_INET || rt.Dst_len != 0 || rt.Type != unix.RTN_UNICAST || rt.Flags&unix.RTM_F_CLONED != 0 {
				return nil
			}
			attrs, err := nl.ParseRouteAttr(m[rt.Len():])
			if err != nil {
				return err
			}
			table, prio := uint32(rt.Table), uint32(0)
			var via netip.Addr
			for _, a := range attrs {
				switch a.Attr.Type {
				case unix.RTA_TABLE:
					table = nl.NativeEndian().Uint32(a.Value)
				case unix.RTA_PRIORITY:
					prio = nl.NativeEndian().Uint32(a.Value)
				case unix.RTA_GATEWAY:
					via, _ = netip.AddrFromSlice(a.Value)
				}
			}
			if table == unix.RT_TABLE_MAIN && via.Is4() && (!gw.IsValid() || prio < best) {
				gw, best = via, prio
			}
			return nil
		}, &nl.RtMsg{RtMsg: unix.RtMsg{Family: unix.AF_INET, Table: unix.RT_TABLE_MAIN}})
		return gw, err
	})
}
