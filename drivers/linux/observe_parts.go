package linux

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"sync"
	"time"

	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"

	"github.com/netplan-dev/netplan/drivers"
	"github.com/netplan-dev/netplan/internal/trace"
	"github.com/netplan-dev/netplan/model"
)

// byNameLimit is how many host links ObserveParts reads one by one; past it
// one dump of every link is cheaper.
const byNameLimit = 64

// ObserveParts observes only the objects parts names (see drivers.Parts):
// verifying an apply that touched a few containers of a large stack costs
// what it touched. Host links are read by name, after an ioctl that takes
// no lock says they exist: right after namespaces are deleted the kernel
// tears them down holding the rtnl lock, and a dump, or a lookup of a link
// still going away, waits for the whole teardown (200 ms for 300
// containers).
func (k *Kernel) ObserveParts(ctx context.Context, q drivers.Query, parts drivers.Parts) (*drivers.Observation, error) {
	if q.Stack == "" {
		return nil, errors.New("observe: no stack given")
	}
	k.SetStack(q.Stack)
	st := model.NewState(q.Stack)
	obs := &drivers.Observation{State: st}

	// The firewall is read alongside the links and namespaces, as Observe
	// does: its requests wait on the kernel as theirs do.
	var (
		wg      sync.WaitGroup
		table   *drivers.Foreign
		restErr error
	)
	wg.Go(func() {
		table, restErr = readSysctlsAndFirewall(k.nft, k.nftGet, q, st, parts.Firewall, parts.Elements)
	})
	defer wg.Wait() // on an early return, never leave it writing st

	t0 := time.Now()
	links, err := k.hostLinks(append(append([]string{}, parts.Bridges...), parts.HostEnds...))
	if err != nil {
		return nil, fmt.Errorf("observe host: %w", err)
	}
	names := map[int]string{}
	for _, l := range links {
		names[l.Index] = l.Name
	}
	var addrs map[int][]netip.Prefix
	wanted := setOf(q.Bridges)
	for _, name := range parts.Bridges {
		l, found := links[name]
		if !found {
			continue
		}
		stack, owner, labelled := model.ParseLabel(l.Alias)
		if labelled && stack == q.Stack && l.Kind == "bridge" {
			if addrs == nil {
				if addrs, err = rawAddrs(handleDumper{k.raw}); err != nil {
					return nil, fmt.Errorf("observe host: %w", err)
				}
			}
			st.Bridges[name] = bridgeState(l, owner, addrs[l.Index])
		} else if wanted[name] {
			obs.Foreign = append(obs.Foreign, drivers.Foreign{Kind: "bridge", Name: name, Detail: linkDetail(l, stack, labelled)})
		}
	}
	ends := map[string]hostEnd{}
	for _, name := range parts.HostEnds {
		l, found := links[name]
		stack, owner, labelled := model.ParseLabel(l.Alias)
		if !found || !labelled || stack != q.Stack || l.Kind != "veth" {
			continue
		}
		master, ok := names[l.Master]
		if !ok && l.Master != 0 {
			if m, found, err := k.rawLinkByIndex(l.Master); err != nil {
				return nil, fmt.Errorf("observe host: %w", err)
			} else if found {
				master, names[l.Master] = m.Name, m.Name
			}
		}
		ends[owner] = hostEnd{name: l.Name, bridge: master, up: l.Up, flags: l.Port}
	}
	trace.Part("observe host links by name", t0)

	views, err := k.readNamespaces(ctx, q.Stack, setOf(parts.Netns), nil)
	if err != nil {
		return nil, err
	}
	k.forgetRecords(parts.Netns)
	k.remember(views, false)
	k.joinNamespaces(q, obs, views, ends)
	wg.Wait()
	if restErr != nil {
		return nil, restErr
	}
	if table != nil {
		obs.Foreign = append(obs.Foreign, *table)
	}
	return obs, nil
}

// hostLinks reads the host links of those names that exist, by name; for
// many names, one dump is cheaper than a request each.
func (k *Kernel) hostLinks(want []string) (map[string]rawLink, error) {
	out := make(map[string]rawLink, len(want))
	if len(want) > byNameLimit {
		all, err := rawLinks(handleDumper{k.raw})
		if err != nil {
			return nil, err
		}
		wanted := setOf(want)
		for _, l := range all {
			if wanted[l.Name] || l.Kind == "bridge" {
				out[l.Name] = l // bridges too: they name the masters
			}
		}
		return out, nil
	}
	for _, name := range want {
		if !k.hostHasLink(name) {
			continue
		}
		l, found, err := k.rawLinkByName(name)
		if err != nil {
			return nil, fmt.Errorf("read link %s: %w", name, err)
		}
		if found {
			out[name] = l
		}
	}
	return out, nil
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

// hostIndex is the index of the host link of that name, asked through the
// same lock-free ioctl: where a step needs only a bridge's index, an
// RTM_GETLINK would take the rtnl lock every other worker waits on and
// fill the whole bridge. (Not for a link just made: see addVethPair.) A
// missing link is an error that says so.
func (k *Kernel) hostIndex(name string) (int, error) {
	ifr, err := unix.NewIfreq(name)
	if err != nil {
		return 0, err
	}
	if err := unix.IoctlIfreq(k.raw.Socket.GetFd(), unix.SIOCGIFINDEX, ifr); err != nil {
		if errors.Is(err, unix.ENODEV) {
			return 0, fmt.Errorf("no link %s", name)
		}
		return 0, fmt.Errorf("find link %s: %w", name, err)
	}
	return int(ifr.Uint32()), nil
}

// rawLinkByName reads one host link; found is false when there is none.
func (k *Kernel) rawLinkByName(name string) (rawLink, bool, error) {
	return k.rawLinkGet(0, name)
}

// rawLinkByIndex reads one host link by index; found is false when there is none.
func (k *Kernel) rawLinkByIndex(index int) (rawLink, bool, error) {
	return k.rawLinkGet(index, "")
}

func (k *Kernel) rawLinkGet(index int, name string) (rawLink, bool, error) {
	req := nl.NewNetlinkRequest(unix.RTM_GETLINK, unix.NLM_F_ACK)
	req.Sockets = map[int]*nl.SocketHandle{unix.NETLINK_ROUTE: k.raw}
	msg := nl.NewIfInfomsg(unix.AF_UNSPEC)
	msg.Index = int32(index)
	req.AddData(msg)
	req.AddData(nl.NewRtAttr(unix.IFLA_EXT_MASK, nl.Uint32Attr(rtextFilterSkipStats)))
	if name != "" {
		req.AddData(nl.NewRtAttr(unix.IFLA_IFNAME, nl.ZeroTerminated(name)))
	}
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
