package apply

import (
	"context"
	"slices"

	"github.com/netplan-dev/netplan/drivers"
	"github.com/netplan-dev/netplan/model"
)

// Observe is k.Observe plus the per-bridge sysctls of every bridge the
// stack owns now. A query built from the configuration names only the
// bridges it wants; a bridge about to be deleted or replaced would then be
// observed without its route_localnet, and a rollback that re-creates it
// would leave that at the kernel default. It reads a second time only when
// the stack owns bridges the query did not cover.
func Observe(ctx context.Context, k drivers.Kernel, q drivers.Query) (*drivers.Observation, error) {
	obs, err := k.Observe(ctx, q)
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
	return k.Observe(ctx, more)
}
