package cli

import (
	"context"
	"fmt"
	"github.com/netplan-dev/netplan/internal/trace"
	"time"

	"github.com/netplan-dev/netplan/config"
	"github.com/netplan-dev/netplan/drivers"
	"github.com/netplan-dev/netplan/model"
	"github.com/netplan-dev/netplan/planner"
)

// planned is a plan together with the query that observed it, which apply
// reuses to verify the result and to roll back.
type planned struct {
	plan  *planner.Plan
	query drivers.Query
}

// planConfig observes what the configuration needs and plans it. The names
// to ask about come from the configuration alone (planner.Names: they do not
// depend on live addresses, so no allocation is needed to learn them); the
// plan is made from the observation. Foreign objects stop it with diagnostics.
func (a *app) planConfig(ctx context.Context, k drivers.Kernel, cfg *config.Config, color bool) (*planned, error) {
	d := cfg.Desired
	t0 := time.Now()
	q := drivers.QueryFor(planner.Names(d))
	trace.Since("target names", t0)
	listening := listenersAsync(k)
	t0 = time.Now()
	obs, err := k.Observe(ctx, q)
	trace.Since("observe", t0)
	if err != nil {
		return nil, fmt.Errorf("observe stack %q: %w", d.Stack, err)
	}
	if len(obs.Foreign) > 0 {
		config.WriteDiagnostics(a.stderr, cfg.Files, foreignDiagnostics(cfg, d.Stack, obs.Foreign), color)
		return nil, errReported
	}
	t0 = time.Now()
	p, err := planner.Make(d, obs.State)
	trace.Since("plan", t0)
	if err != nil {
		return nil, fmt.Errorf("plan stack %q: %w", d.Stack, err)
	}
	t0 = time.Now()
	complete(p, d.Stack, obs.State)
	trace.Since("complete", t0)
	t0 = time.Now()
	a.warnTakenPorts(listening, p.Target)
	trace.Since("taken ports", t0)
	return &planned{plan: p, query: q}, nil
}

// planDestroy plans the removal of everything stack owns. It needs no
// configuration: observing by label finds every object of the stack. Given
// the configuration (cfg, when not nil), it also removes the bridges an
// apply was killed before labelling (see drivers.Query.BridgeMACs), which
// only the configuration's network names can tell from others.
func (a *app) planDestroy(ctx context.Context, k drivers.Kernel, stack string, cfg *config.Config) (*planned, error) {
	// The configuration's bridges, by name and MAC only: their subnets,
	// namespaces and sysctls would make the observation read routes and
	// report foreign objects that a destroy has no use for.
	bridges := model.NewState(stack)
	if cfg != nil && cfg.Desired.Stack == stack {
		for name, b := range planner.Names(cfg.Desired).Bridges {
			bridges.Bridges[name] = &model.Bridge{Owner: b.Owner, Name: name, MAC: b.MAC}
		}
	}
	q := drivers.QueryFor(bridges)
	t0 := time.Now()
	obs, err := k.Observe(ctx, q)
	trace.Since("observe", t0)
	if err != nil {
		return nil, fmt.Errorf("observe stack %q: %w", stack, err)
	}
	observed := withUnfinished(obs, bridges)
	p := planner.Diff(model.NewState(stack), observed)
	p.Destroy = true
	// The fingerprint is of the observation as Observe reports it, without
	// the unfinished bridges, as the one that checks a saved plan will be.
	p.Fingerprint = planner.Fingerprint(obs.State)
	complete(p, stack, obs.State)
	return &planned{plan: p, query: q}, nil
}

// withUnfinished is the observed State with the unfinished bridges added,
// owned by the network that would have made them (as bridges names them).
func withUnfinished(obs *drivers.Observation, bridges *model.State) *model.State {
	if len(obs.Unfinished) == 0 {
		return obs.State
	}
	st := obs.State.Clone()
	for _, u := range obs.Unfinished {
		if b := bridges.Bridges[u.Name]; b != nil && st.Bridges[u.Name] == nil {
			owned := *u
			owned.Owner = b.Owner
			st.Bridges[u.Name] = &owned
		}
	}
	return st
}

// complete fills what the applier relies on, should the planner have left
// it out. A saved plan's fingerprint is writePlanFile's.
func complete(p *planner.Plan, stack string, observed *model.State) {
	if p.Stack == "" {
		p.Stack = stack
	}
	if p.Observed == nil {
		p.Observed = observed
	}
}
