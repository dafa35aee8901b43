package linux

import (
	"fmt"

	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"
)

// portFlags are the bridge port flags netplan manages on a veth's host end.
type portFlags struct {
	Hairpin, Isolated bool
}

// parsePortFlags reads hairpin and isolation out of a bridge port's
// attributes (IFLA_INFO_SLAVE_DATA of the link, or IFLA_PROTINFO).
func parsePortFlags(b []byte) (portFlags, error) {
	var pf portFlags
	err := forAttrs(b, func(typ uint16, v []byte) error {
		if len(v) == 0 {
			return nil
		}
		switch typ {
		case nl.IFLA_BRPORT_MODE:
			pf.Hairpin = v[0] != 0
		case nl.IFLA_BRPORT_ISOLATED:
			pf.Isolated = v[0] != 0
		}
		return nil
	})
	return pf, err
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
