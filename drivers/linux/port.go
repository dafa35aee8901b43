package linux

import (
	"errors"
	"fmt"

	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"
)

// portFlags are the bridge port flags netplan manages on a veth's host end.
type portFlags struct {
	Hairpin, Isolated bool
}

// bridgePorts reads the flags of every bridge port of the host in one
// AF_BRIDGE dump. netlink's LinkGetProtinfo dumps every port to answer for
// one, which makes reading N ports cost N dumps.
func (k *Kernel) bridgePorts() (map[int]portFlags, error) {
	return dump("dump bridge ports", func() (map[int]portFlags, error) {
		req := nl.NewNetlinkRequest(unix.RTM_GETLINK, unix.NLM_F_DUMP)
		req.Sockets = map[int]*nl.SocketHandle{unix.NETLINK_ROUTE: k.raw}
		req.AddData(nl.NewIfInfomsg(unix.AF_BRIDGE))
		ports := map[int]portFlags{}
		var perr error
		err := req.ExecuteIter(unix.NETLINK_ROUTE, unix.RTM_NEWLINK, func(m []byte) bool {
			idx, pf, ok, err := parsePort(m)
			if err != nil {
				perr = err
				return false
			}
			if ok {
				ports[idx] = pf
			}
			return true
		})
		if err == nil {
			err = perr
		}
		return ports, err
	})
}

// parsePort reads the port flags out of one AF_BRIDGE RTM_NEWLINK message;
// ok is false for links that are not bridge ports (the bridges themselves).
func parsePort(m []byte) (index int, pf portFlags, ok bool, err error) {
	if len(m) < unix.SizeofIfInfomsg {
		return 0, pf, false, errors.New("short ifinfomsg")
	}
	ifi := nl.DeserializeIfInfomsg(m)
	attrs, err := nl.ParseRouteAttr(m[ifi.Len():])
	if err != nil {
		return 0, pf, false, err
	}
	for _, a := range attrs {
		if a.Attr.Type&^unix.NLA_F_NESTED != unix.IFLA_PROTINFO {
			continue
		}
		infos, err := nl.ParseRouteAttr(a.Value)
		if err != nil {
			return 0, pf, false, err
		}
		for _, info := range infos {
			if len(info.Value) == 0 {
				continue
			}
			switch info.Attr.Type {
			case nl.IFLA_BRPORT_MODE:
				pf.Hairpin = info.Value[0] != 0
			case nl.IFLA_BRPORT_ISOLATED:
				pf.Isolated = info.Value[0] != 0
			}
		}
		return int(ifi.Index), pf, true, nil
	}
	return 0, pf, false, nil
}

// setPortFlags sets hairpin and isolation of a bridge port in one request
// (netlink's setters send one request per flag).
func (k *Kernel) setPortFlags(index int, pf portFlags) error {
	req := nl.NewNetlinkRequest(unix.RTM_SETLINK, unix.NLM_F_ACK)
	req.Sockets = map[int]*nl.SocketHandle{unix.NETLINK_ROUTE: k.raw}
	msg := nl.NewIfInfomsg(unix.AF_BRIDGE)
	msg.Index = int32(index)
	req.AddData(msg)
	info := nl.NewRtAttr(unix.IFLA_PROTINFO|unix.NLA_F_NESTED, nil)
	info.AddRtAttr(nl.IFLA_BRPORT_MODE, boolByte(pf.Hairpin))
	info.AddRtAttr(nl.IFLA_BRPORT_ISOLATED, boolByte(pf.Isolated))
	req.AddData(info)
	if _, err := req.Execute(unix.NETLINK_ROUTE, 0); err != nil {
		return fmt.Errorf("set port flags: %w", err)
	}
	return nil
}

func boolByte(b bool) []byte {
	if b {
		return []byte{1}
	}
	return []byte{0}
}
