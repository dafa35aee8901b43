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
	// Carrier is IFF_LOWER_UP: for a veth, that both ends are up.
	Carrier bool
	Port    portFlags // when the link is a bridge port
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
	return dumpLinks(d, "list links", nl.NewIfInfomsg(unix.AF_UNSPEC), nl.NewRtAttr(unix.IFLA_EXT_MASK, nl.Uint32Attr(rtextFilterSkipStats)))
}

// dumpLinks runs an RTM_GETLINK dump with the request data given.
func dumpLinks(d dumper, what string, data ...nl.NetlinkRequestData) ([]rawLink, error) {
	return dump(what, func() ([]rawLink, error) {
		var links []rawLink
		err := d.dump(unix.RTM_GETLINK, unix.RTM_NEWLINK, func(m []byte) error {
			l, err := parseLink(m)
			links = append(links, l)
			return err
		}, data...)
		return links, err
	})
}

func parseLink(m []byte) (rawLink, error) {
	ifi := nl.DeserializeIfInfomsg(m)
	l := rawLink{Index: int(ifi.Index), Up: ifi.Flags&unix.IFF_UP != 0, Carrier: ifi.Flags&unix.IFF_LOWER_UP != 0, PeerNetns: -1}
	native := nl.NativeEndian()
	u32 := func(v []byte) int {
		if len(v) < 4 {
			return 0
		}
		return int(native.Uint32(v))
	}
	err := forAttrs(m[ifi.Len():], func(typ uint16, v []byte) (err error) {
		switch typ {
		case unix.IFLA_IFNAME:
			l.Name = attrString(v)
		case unix.IFLA_LINK:
			l.Peer = u32(v)
		case unix.IFLA_LINK_NETNSID:
			l.PeerNetns = int(int32(u32(v)))
		case unix.IFLA_PROTINFO:
			// A bridge port in an AF_BRIDGE dump (see bridgePorts).
			l.Port, err = parsePortFlags(v)
		case unix.IFLA_IFALIAS:
			l.Alias = attrString(v)
		case unix.IFLA_MTU:
			l.MTU = u32(v)
		case unix.IFLA_MASTER:
			l.Master = u32(v)
		case unix.IFLA_ADDRESS:
			l.MAC = net.HardwareAddr(v).String()
		case unix.IFLA_LINKINFO:
			err = forAttrs(v, func(typ uint16, v []byte) (err error) {
				switch typ {
				case unix.IFLA_INFO_KIND:
					l.Kind = attrString(v)
				case unix.IFLA_INFO_SLAVE_DATA:
					// A bridge port's flags come with the link: no second
					// (AF_BRIDGE) dump of the host's links.
					l.Port, err = parsePortFlags(v)
				}
				return err
			})
		}
		return err
	})
	return l, err
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
			var local, address netip.Addr
			if err := forAttrs(m[ifa.Len():], func(typ uint16, v []byte) error {
				switch typ {
				case unix.IFA_LOCAL:
					local, _ = netip.AddrFromSlice(v)
				case unix.IFA_ADDRESS:
					address, _ = netip.AddrFromSlice(v)
				}
				return nil
			}); err != nil {
				return err
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

// lookupProbe is the destination defaultGateway looks up: TEST-NET-1 (RFC
// 5737), which only a default route covers on any sane host.
var lookupProbe = netip.MustParseAddr("192.0.2.1")

// defaultGateway is rawGateway through one route lookup instead of a dump
// of the main table: the kernel's FIB entry for lookupProbe (RTM_F_FIB_MATCH)
// is the lowest-metric default route whenever there is one. On 1000
// containers the dump costs 24 us a namespace and the lookup 13. Any answer
// but a unicast default route of the main table with a gateway (no route, an
// unreachable default, a more specific route, another table, several next
// hops) is settled by the dump.
func defaultGateway(s *nlSock) (netip.Addr, error) {
	if gw, plain := lookupGateway(s); plain {
		return gw, nil
	}
	return rawGateway(s)
}

// lookupGateway is the gateway of the route the kernel would use for
// lookupProbe; plain is false unless that route is a unicast default route
// of the main table with one gateway.
// Without RTM_F_LOOKUP_TABLE the kernel reports any route as the main
// table's (TestDefaultGatewayLookup, "other table").
func lookupGateway(s *nlSock) (gw netip.Addr, plain bool) {
	err := s.get(unix.RTM_GETROUTE, unix.RTM_NEWROUTE, func(m []byte) error {
		rt := nl.DeserializeRtMsg(m)
		if rt.Family != unix.AF_INET || rt.Dst_len != 0 || rt.Type != unix.RTN_UNICAST {
			return nil
		}
		attrs, err := nl.ParseRouteAttr(m[rt.Len():])
		if err != nil {
			return err
		}
		table := uint32(rt.Table)
		for _, a := range attrs {
			switch a.Attr.Type {
			case unix.RTA_TABLE:
				table = nl.NativeEndian().Uint32(a.Value)
			case unix.RTA_GATEWAY:
				gw, _ = netip.AddrFromSlice(a.Value)
			case unix.RTA_MULTIPATH:
				return nil
			}
		}
		plain = table == unix.RT_TABLE_MAIN && gw.Is4()
		return nil
	}, &nl.RtMsg{RtMsg: unix.RtMsg{Family: unix.AF_INET, Dst_len: 32, Flags: unix.RTM_F_FIB_MATCH | unix.RTM_F_LOOKUP_TABLE}},
		nl.NewRtAttr(unix.RTA_DST, lookupProbe.AsSlice()))
	return gw, err == nil && plain
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
