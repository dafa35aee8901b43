package linux

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/nftables"
	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netlink/nl"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"

	"github.com/netplan-dev/netplan/drivers"
	"github.com/netplan-dev/netplan/internal/trace"
	"github.com/netplan-dev/netplan/model"
)

// Kernel implements drivers.Kernel on the running Linux kernel. The namespace
// the process is in when New runs is "the host"; every host operation goes
// through sockets opened there, so a goroutine that happens to run on a thread
// in another namespace cannot misdirect it.
type Kernel struct {
	host  *netlink.Handle  // NETLINK_ROUTE in the host namespace
	raw   *nl.SocketHandle // same namespace, for requests netlink has no API for (AF_BRIDGE dumps)
	nss   *nsCache         // one handle per container namespace, for Do
	owned ownedNs          // namespaces known to be the stack's, by identity
	mu    sync.Mutex       // guards stack, seen and deletedDNAT
	stack string           // the stack labels are written for; set by Observe or SetStack
	// seen is the host's bridges and bridge ports as the last Observe read
	// them: the host the plan was made from, which Preflight checks the
	// plan against without dumping them again.
	seen *hostView
	nft  *nftables.Conn  // lasting, in the host namespace (see newNftConn)
	ct   *netlink.Handle // NETLINK_NETFILTER, for conntrack (see flushConntrack)
	// nftGet is a NETLINK_NETFILTER socket for requests the nftables
	// library has no call for (see elementGetter).
	nftGet *nlSock
	// deletedDNAT is the DNAT count (see dnatCount) of each table this
	// process deleted, read just before: the conntrack flush that follows a
	// destroy can no longer read it from the table.
	deletedDNAT map[string]uint64
	// hostEndIPv6 is whether the kernel takes IPv6 settings for links:
	// true until it refuses them for a link large enough for IPv6, as a
	// kernel without IPv6 does (see attachHostEnd).
	hostEndIPv6 atomic.Bool
	// records is what the last observations read inside the stack's
	// namespaces, and trusted what Trust gave for the next Observe to take
	// instead of reading (see records.go). Both are guarded by mu.
	records map[string]nsRecord
	trusted *pendingRecord
	// firewall is the stack's firewall as of an nftables generation, when
	// known (see nft_gen.go); guarded by mu.
	firewall *firewallAt
}

var _ drivers.Kernel = (*Kernel)(nil)

// observeFirewallFn is observeFirewall, swappable by tests that must not
// depend on the firewall half of the driver.
var observeFirewallFn = observeFirewall

// New opens the netlink handles a Kernel needs in the calling namespace.
func New() (*Kernel, error) {
	k := &Kernel{nss: newNsCache(), deletedDNAT: map[string]uint64{}}
	k.hostEndIPv6.Store(true)
	fail := func(err error) (*Kernel, error) {
		_ = k.Close() // what was opened so far
		return nil, err
	}
	var err error
	if k.host, err = netlink.NewHandle(unix.NETLINK_ROUTE); err != nil {
		return fail(fmt.Errorf("open netlink socket: %w", err))
	}
	s, err := nl.GetNetlinkSocketAt(netns.None(), netns.None(), unix.NETLINK_ROUTE)
	if err != nil {
		return fail(fmt.Errorf("open netlink socket: %w", err))
	}
	k.raw = &nl.SocketHandle{Socket: s}
	if k.nft, err = newNftConn(); err != nil {
		return fail(err)
	}
	if k.ct, err = netlink.NewHandle(unix.NETLINK_NETFILTER); err != nil {
		return fail(fmt.Errorf("open conntrack socket: %w", err))
	}
	if k.nftGet, err = openNetlink(unix.NETLINK_NETFILTER, make([]byte, 1<<14)); err != nil {
		return fail(err)
	}
	return k, nil
}

// SetStack names the stack whose labels Do writes. Observe sets it too, so
// callers that observe before applying (plan, apply) need not call it.
func (k *Kernel) SetStack(stack string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.stack = stack
}

// currentStack is the stack labels are written for, "" before Observe or SetStack.
func (k *Kernel) currentStack() string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.stack
}

// label returns the ownership label for owner in the current stack.
func (k *Kernel) label(owner string) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.stack == "" {
		return "", errors.New("no stack known to label with (Observe or SetStack first)")
	}
	return model.Label(k.stack, owner), nil
}

// Close releases every handle and socket. It is safe to call more than once.
func (k *Kernel) Close() error {
	defer trace.Since("kernel close", time.Now())
	k.nss.closeAll()
	if k.host != nil {
		k.host.Close()
		k.host = nil
	}
	if k.raw != nil {
		k.raw.Close()
		k.raw = nil
	}
	if k.nft != nil {
		dropLasting(k.nft)
		k.nft = nil
	}
	if k.nftGet != nil {
		k.nftGet.close()
		k.nftGet = nil
	}
	if k.ct != nil {
		k.ct.Close()
		k.ct = nil
	}
	return nil
}

// Do performs one step; see model.StepKind for what each kind carries.
func (k *Kernel) Do(ctx context.Context, step model.Step) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%s %s: %w", step.Kind, step.Owner, err)
	}
	switch step.Kind {
	case model.StepCreateBridge, model.StepSetBridge:
		if step.Bridge == nil {
			return missing(step, "bridge")
		}
		if step.Kind == model.StepCreateBridge {
			return k.createBridge(step.Bridge)
		}
		return k.setBridge(step.Bridge)
	case model.StepDeleteBridge:
		return k.deleteBridge(step.Owner, step.Link)
	case model.StepAddBridgeAddr:
		return k.bridgeAddr(step.Link, step.Addr, true)
	case model.StepDelBridgeAddr:
		return k.bridgeAddr(step.Link, step.Addr, false)
	case model.StepSetSysctl:
		return writeSysctl(step.Key, step.Value)
	case model.StepSyncFirewall:
		if step.Firewall == nil {
			return missing(step, "firewall")
		}
		k.mu.Lock()
		deleted := k.deletedDNAT[step.Firewall.Table]
		k.mu.Unlock()
		err := k.firewallDone(syncFirewallAfter(k.nft, step.Firewall, step.Prior, deleted))
		k.afterFirewallStep(step.Firewall, err)
		return err
	case model.StepDeleteFirewall:
		if step.Firewall == nil {
			return missing(step, "firewall")
		}
		dnatted, err := deleteFirewall(k.nft, step.Firewall.Table)
		if err == nil {
			k.mu.Lock()
			k.deletedDNAT[step.Firewall.Table] = dnatted
			k.mu.Unlock()
		}
		k.afterFirewallStep(nil, err)
		return k.firewallDone(err)
	case model.StepFlushConntrack:
		if len(step.Ports) == 0 || !k.conntrackNeedsWalk(model.TableName(k.currentStack())) {
			return nil
		}
		return flushConntrack(k.ct, step.Ports)
	}
	if step.Netns == nil {
		return missing(step, "netns")
	}
	switch step.Kind {
	case model.StepCreateNetns:
		return k.createNetns(step.Netns)
	case model.StepDeleteNetns:
		return k.deleteNetns(step.Netns.Name)
	case model.StepSetLoUp:
		return k.setLoUp(step.Netns.Name)
	case model.StepSetRoute:
		return k.setRoute(step.Netns.Name, step.Gateway)
	case model.StepDelRoute:
		return k.delRoute(step.Netns.Name)
	}
	if step.Veth == nil {
		return missing(step, "veth")
	}
	switch step.Kind {
	case model.StepCreateVeth:
		return k.createVeth(step.Netns, step.Owner, step.Veth)
	case model.StepDeleteVeth:
		return k.deleteVeth(step.Veth)
	case model.StepSetVeth:
		return k.setVeth(step.Netns.Name, step.Veth)
	case model.StepAddAddr:
		return k.vethAddr(step.Netns.Name, step.Veth.Name, step.Addr, true)
	case model.StepDelAddr:
		return k.vethAddr(step.Netns.Name, step.Veth.Name, step.Addr, false)
	}
	return fmt.Errorf("%s %s: unknown step kind", step.Kind, step.Owner)
}

// missing reports a step that lacks the object its kind needs: a planner bug.
func missing(step model.Step, what string) error {
	return fmt.Errorf("%s %s: step has no %s", step.Kind, step.Owner, what)
}
