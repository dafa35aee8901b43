package apply

import (
	"context"
	"os"
	"testing"

	"github.com/netplan-dev/netplan/drivers"
	"github.com/netplan-dev/netplan/drivers/fake"
	"github.com/netplan-dev/netplan/model"
	"github.com/netplan-dev/netplan/planner"
	"github.com/netplan-dev/netplan/planner/plannertest"
)

// The applier's tests describe the table with the planner's stand-in;
// TestConvergeRealFirewall runs the convergence walk with firewall.Build.
func TestMain(m *testing.M) {
	restore := planner.SetFirewallBuilder(plannertest.Firewall)
	code := m.Run()
	restore()
	os.Exit(code)
}

// planFor plans d against k the way the CLI does: observe what the
// configuration names, then Target and Diff.
func planFor(t testing.TB, k drivers.Kernel, d *model.Desired) (*planner.Plan, drivers.Query) {
	t.Helper()
	pre, err := planner.Target(d, nil)
	if err != nil {
		t.Fatal(err)
	}
	q := drivers.QueryFor(pre)
	obs, err := Observe(context.Background(), k, q)
	if err != nil {
		t.Fatal(err)
	}
	p, err := planner.Make(d, obs.State)
	if err != nil {
		t.Fatal(err)
	}
	return p, q
}

// mustApply plans and applies d on k, failing the test on any error.
func mustApply(t testing.TB, k *fake.Kernel, d *model.Desired) *planner.Plan {
	t.Helper()
	p, q := planFor(t, k, d)
	if _, err := Apply(context.Background(), k, p, Options{Query: q}); err != nil {
		t.Fatalf("apply: %v", err)
	}
	return p
}

// liveDump renders what k holds for the stack in the terms of target: the
// stack's objects and the sysctl keys target names.
func liveDump(t testing.TB, k *fake.Kernel, target *model.State) string {
	t.Helper()
	obs, err := k.Observe(context.Background(), drivers.QueryFor(target))
	if err != nil {
		t.Fatal(err)
	}
	return fake.DumpState(obs.State)
}
