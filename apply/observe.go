package apply

import (
	"context"
	"maps"
	"slices"

	"github.com/netplan-dev/netplan/drivers"
	"github.com/netplan-dev/netplan/firewall"
	"github.com/netplan-dev/netplan/model"
)

// PartsObserver is a Kernel that can observe only named objects
// (drivers/linux and drivers/fake do). Verification uses it so that the cost
// of checking an apply follows the change, not the size of the stack, and
// so that a destroy is checked without dumping every link while the kernel
// is still tearing the namespaces down.
type PartsObserver interface {
	ObserveParts(ctx context.Context, q drivers.Query, parts drivers.Parts) (*drivers.Observation, error)
}

// Observe is k.Observe plus the per-bridge sysctls of every bridge the
// stack owns now. A query built from the configuration names only the
// bridges it wants; a bridge about to be deleted or replaced would then be
// observed without its route_localnet, and a rollback that re-creates it
// would leave that at the kernel default. It reads a second time only when
// the stack owns bridges the query did not cover.
func Observe(ctx context.Context, k drivers.Kernel, q drivers.Query) (*drivers.Observation, error) {
	return observeWith(q, func(q drivers.Query) (*drivers.Observation, error) { return k.Observe(ctx, q) })
}

func observeWith(q drivers.Query, observe func(drivers.Query) (*drivers.Observation, error)) (*drivers.Observation, error) {
	obs, err := observe(q)
	if err != nil {
		return nil, err
	}
	more := q
	more.Sysctls = slices.Clone(q.Sysctls)
	for name := range obs.State.Bridges {
		if key := model.SysctlRouteLocalnet(name); !slices.Contains(more.Sysctls, key) {
			more.Sysctls = append(more.Sysctls, key)
		}
	}
	if len(more.Sysctls) == len(q.Sysctls) {
		return obs, nil
	}
	slices.Sort(more.Sysctls)
	return observe(more)
}

// observeTouched observes the host after steps ran. When k can, it reads
// only what the steps touched (see partsOf) and takes everything else from
// before, which no step changed; read names the namespaces it read again
// (nil when it read them all).
func observeTouched(ctx context.Context, k drivers.Kernel, q drivers.Query, before, target *model.State, steps []model.Step) (now *model.State, read map[string]bool, err error) {
	po, can := k.(PartsObserver)
	if !can || before == nil || target == nil {
		obs, err := Observe(ctx, k, q)
		if err != nil {
			return nil, nil, err
		}
		return obs.State, nil, nil
	}
	parts := partsOf(steps, before, target)
	obs, err := observeWith(q, func(q drivers.Query) (*drivers.Observation, error) { return po.ObserveParts(ctx, q, parts) })
	if err != nil {
		return nil, nil, err
	}
	now = obs.State
	readBridges, readNetns := setOf(parts.Bridges), setOf(parts.Netns)
	for name, b := range before.Bridges {
		if !readBridges[name] {
			now.Bridges[name] = b
		}
	}
	for name, n := range before.Netns {
		if !readNetns[name] {
			now.Netns[name] = n
		}
	}
	switch {
	case !parts.Firewall:
		now.Firewall = before.Firewall
	case parts.Elements != nil:
		now.Firewall = firewall.WithElements(before.Firewall, now.Firewall, parts.Elements)
	}
	return now, readNetns, nil
}

// elementsByKey is how many changed elements verification reads one by one
// at most; past that, it lists the table (7 to 13 ms for 2000 elements).
const elementsByKey = 64

// partsOf names what steps may have changed: the bridges and namespaces
// they act on; the firewall when a step rewrote it, and of its elements
// only those that differ when its chains and rules stay (the driver then
// updates elements, and the rest is as before); and, for each touched
// namespace the target keeps, the host ends of its veths and the bridges
// they join (before and after), since creating or moving a veth changes
// both. A namespace that goes away takes its veths with it, so their host
// ends are not read: the kernel may still be tearing them down.
func partsOf(steps []model.Step, before, target *model.State) drivers.Parts {
	bridges, netns, ends := map[string]bool{}, map[string]bool{}, map[string]bool{}
	var fw bool
	for _, s := range steps {
		switch s.Kind {
		case model.StepCreateBridge, model.StepSetBridge:
			bridges[s.Bridge.Name] = true
		case model.StepDeleteBridge, model.StepAddBridgeAddr, model.StepDelBridgeAddr:
			bridges[s.Link] = true
		case model.StepSyncFirewall, model.StepDeleteFirewall:
			fw = true
		}
		if s.Netns != nil {
			netns[s.Netns.Name] = true
		}
	}
	for name := range netns {
		if target.Netns[name] == nil {
			continue
		}
		for _, st := range []*model.State{before, target} {
			if n := st.Netns[name]; n != nil {
				for _, v := range n.Veths {
					if v.HostName != "" {
						ends[v.HostName] = true
					}
					if v.Bridge != "" {
						bridges[v.Bridge] = true
					}
				}
			}
		}
	}
	parts := drivers.Parts{Bridges: sortedSet(bridges), HostEnds: sortedSet(ends), Netns: sortedSet(netns), Firewall: fw}
	if fw {
		parts.Elements = firewall.ChangedElements(before.Firewall, target.Firewall, elementsByKey)
	}
	return parts
}

func sortedSet(m map[string]bool) []string {
	return slices.Sorted(maps.Keys(m))
}

func setOf(names []string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}
