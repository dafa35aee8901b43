package linux

import (
	"context"
	"errors"
	"fmt"
	"github.com/netplan-dev/netplan/internal/trace"
	"time"

	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"

	"github.com/netplan-dev/netplan/drivers"
	"github.com/netplan-dev/netplan/model"
)

// ObserveGone observes what is left of the bridges and namespaces q names,
// for verifying a plan that deletes them all (destroy). It reads each bridge
// by name instead of dumping every link: right after namespaces are deleted
// the kernel tears them down holding the rtnl lock, and a dump of the
// hundreds of links still going away waits on it for as long as the whole
// teardown (200 ms for 300 containers); so does a lookup by name, so only
// the names that still exist (an ioctl that takes no lock) are read.
// A bridge the stack owns that q does not name is not seen; veth host ends
// are not read, so a namespace still present shows without them.
func (k *Kernel) ObserveGone(ctx context.Context, q drivers.Query) (*drivers.Observation, error) {
	if q.Stack == "" {
		return nil, errors.New("observe: no stack given")
	}
	k.SetStack(q.Stack)
	st := model.NewState(q.Stack)
	obs := &drivers.Observation{State: st}
	t0 := time.Now()
	for _, name := range q.Bridges {
		if !k.hostHasLink(name) {
			continue
		}
		l, found, err := k.rawLinkByName(name)
		if err != nil {
			return nil, fmt.Errorf("observe bridge %s: %w", name, err)
		}
		stack, owner, labelled := model.ParseLabel(l.Alias)
		switch {
		case !found:
		case labelled && stack == q.Stack && l.Kind == "bridge":
			st.Bridges[name] = bridgeState(l, owner, nil)
		default:
			obs.Foreign = append(obs.Foreign, drivers.Foreign{Kind: "bridge", Name: name, Detail: linkDetail(l, stack, labelled)})
		}
	}
	trace.Part("observe bridges by name", t0)
	if err := k.observeNamespaces(ctx, q, obs, map[string]hostEnd{}, setOf(q.Netns)); err != nil {
		return nil, err
	}
	var err error
	if st.Sysctls, err = readSysctls(q.Sysctls); err != nil {
		return nil, fmt.Errorf("observe: %w", err)
	}
	fw, foreign, err := observeFirewallFn(q.Stack)
	if err != nil {
		return nil, fmt.Errorf("observe firewall: %w", err)
	}
	st.Firewall = fw
	if foreign {
		obs.Foreign = append(obs.Foreign, drivers.Foreign{Kind: "table", Name: model.TableName(q.Stack), Detail: "not labelled with stack " + q.Stack})
	}
	return obs, nil
}

// hostHasLink says whether the host has a link of that name, asking through
// an ioctl that the kernel answers under RCU, without the rtnl lock that the
// namespace teardown holds. On any doubt it says yes, and the caller reads
// the link through netlink.
// The ioctl goes through the host's netlink socket, so it asks the host
// namespace whatever namespace the calling thread is in.
func (k *Kernel) hostHasLink(name string) bool {
	ifr, err := unix.NewIfreq(name)
	if err != nil {
		return true
	}
	return !errors.Is(unix.IoctlIfreq(k.raw.Socket.GetFd(), unix.SIOCGIFINDEX, ifr), unix.ENODEV)
}

// rawLinkByName reads one host link; found is false when there is none.
func (k *Kernel) rawLinkByName(name string) (rawLink, bool, error) {
	req := nl.NewNetlinkRequest(unix.RTM_GETLINK, unix.NLM_F_ACK)
	req.Sockets = map[int]*nl.SocketHandle{unix.NETLINK_ROUTE: k.raw}
	req.AddData(nl.NewIfInfomsg(unix.AF_UNSPEC))
	req.AddData(nl.NewRtAttr(unix.IFLA_EXT_MASK, nl.Uint32Attr(rtextFilterSkipStats)))
	req.AddData(nl.NewRtAttr(unix.IFLA_IFNAME, nl.ZeroTerminated(name)))
	msgs, err := req.Execute(unix.NETLINK_ROUTE, unix.RTM_NEWLINK)
	if errors.Is(err, unix.ENODEV) {
		return rawLink{}, false, nil
	}
	if err != nil {
		return rawLink{}, false, err
	}
	if len(msgs) == 0 {
		return rawLink{}, false, nil
	}
	l, err := parseLink(msgs[0])
	return l, err == nil, err
}
