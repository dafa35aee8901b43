package apply

import (
	"context"
	"slices"

	"github.com/netplan-dev/netplan/drivers"
	"github.com/netplan-dev/netplan/model"
)

// NetnsObserver is a Kernel that can observe while entering only some
// namespaces (drivers/linux does). Verification uses it so that the cost of
// checking an apply follows the change, not the size of the stack.
type NetnsObserver interface {
	ObserveNetns(ctx context.Context, q drivers.Query, netns []string) (*drivers.Observation, error)
}

// GoneObserver is a Kernel that can observe what is left of the objects a
// query names without reading every host link (drivers/linux does).
// Verification of a plan that leaves no bridge and no namespace uses it:
// after namespaces are deleted, the kernel's teardown makes a full link
// dump slower than the deletions themselves.
type GoneObserver interface {
	ObserveGone(ctx context.Context, q drivers.Query) (*drivers.Observation, error)
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

// observeTouched observes the host after steps ran: entering only the
// namespaces the steps touched when k allows it and that is fewer than all,
// and taking the others from before, which no step changed.
func observeTouched(ctx context.Context, k drivers.Kernel, q drivers.Query, before *model.State, target *model.State, steps []model.Step) (*model.State, error) {
	if g, ok := k.(GoneObserver); ok && target != nil && len(target.Bridges) == 0 && len(target.Netns) == 0 {
		obs, err := observeWith(q, func(q drivers.Query) (*drivers.Observation, error) { return g.ObserveGone(ctx, q) })
		if err != nil {
			return nil, err
		}
		return obs.State, nil
	}
	po, can := k.(NetnsObserver)
	touched := map[string]bool{}
	for _, s := range steps {
		if s.Netns != nil {
			touched[s.Netns.Name] = true
		}
	}
	if !can || before == nil || len(touched) >= len(before.Netns) {
		obs, err := Observe(ctx, k, q)
		if err != nil {
			return nil, err
		}
		return obs.State, nil
	}
	names := make([]string, 0, len(touched))
	for name := range touched {
		names = append(names, name)
	}
	slices.Sort(names)
	obs, err := observeWith(q, func(q drivers.Query) (*drivers.Observation, error) { return po.ObserveNetns(ctx, q, names) })
	if err != nil {
		return nil, err
	}
	now := obs.State
	for name, n := range before.Netns {
		if !touched[name] {
			now.Netns[name] = n
		}
	}
	return now, nil
}
