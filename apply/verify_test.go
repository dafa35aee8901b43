package apply

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/netplan-dev/netplan/drivers"
	"github.com/netplan-dev/netplan/drivers/fake"
	"github.com/netplan-dev/netplan/model"
	"github.com/netplan-dev/netplan/planner"
	"github.com/netplan-dev/netplan/planner/plannertest"
)

// partsKernel is the fake kernel recording what each partial observation
// was limited to.
type partsKernel struct {
	*fake.Kernel
	asked []drivers.Parts
}

func (k *partsKernel) ObserveParts(ctx context.Context, q drivers.Query, parts drivers.Parts) (*drivers.Observation, error) {
	k.asked = append(k.asked, parts)
	return k.Kernel.ObserveParts(ctx, q, parts)
}

// Verification after a small change reads only what the plan touched, and
// still catches a step the kernel dropped there.
func TestVerifyReadsOnlyTouchedParts(t *testing.T) {
	base := plannertest.Demo("s")
	grown := plannertest.Clone(base)
	cache := plannertest.Container("cache", "front")
	cache.Publish = []model.Port{plannertest.Publish(8081, 80, 1)}
	grown.Containers = append(grown.Containers, cache)
	plannertest.Sorted(grown)
	tests := []struct {
		name    string
		drop    func(model.Step) bool
		wantErr string
	}{
		{"clean", func(model.Step) bool { return false }, ""},
		{"route dropped", func(s model.Step) bool { return s.Kind == model.StepSetRoute }, "container.cache (set-route)"},
		{"firewall dropped", func(s model.Step) bool { return s.Kind == model.StepSyncFirewall }, "(sync-firewall)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := &partsKernel{Kernel: fake.New()}
			mustApply(t, k.Kernel, base)
			p, q := planFor(t, k, grown)
			k.Drop = tt.drop
			_, err := Apply(context.Background(), k, p, Options{Query: q})
			if tt.wantErr == "" && err != nil {
				t.Fatalf("apply: %v", err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("apply error = %v, want %q named", err, tt.wantErr)
			}
			if len(k.asked) != 1 {
				t.Fatalf("partial observations: %+v, want one", k.asked)
			}
			got := k.asked[0]
			if !slices.Equal(got.Netns, []string{"cache"}) || !slices.Equal(got.Bridges, []string{"np-front"}) ||
				!slices.Equal(got.HostEnds, []string{model.HostVethName("s", "cache", "eth0")}) {
				t.Errorf("verification read %+v, want only cache, its host end and np-front", got)
			}
			// Of the table, only what the new container adds: its port.
			if !got.Firewall || got.Elements == nil || len(got.Elements.Sets) != 0 ||
				len(got.Elements.Ports) != 1 || got.Elements.Ports[0].HostPort != 8081 {
				t.Errorf("verification read the table's elements %+v, want only the port of cache", got.Elements)
			}
		})
	}
}

// Verification of a destroy reads objects by name; the destroy query names
// none (it finds the stack by label), so verification must ask for what the
// plan removes, or a bridge that survived would go unnoticed.
func TestVerifyDestroyNamesWhatItRemoves(t *testing.T) {
	for _, kind := range []model.StepKind{model.StepDeleteBridge, model.StepDeleteNetns} {
		t.Run(string(kind), func(t *testing.T) {
			k := fake.New()
			mustApply(t, k, plannertest.Demo("s"))
			q := drivers.QueryFor(model.NewState("s"))
			obs, err := Observe(context.Background(), k, q)
			if err != nil {
				t.Fatal(err)
			}
			p := planner.Diff(model.NewState("s"), obs.State)
			k.Drop = func(s model.Step) bool { return s.Kind == kind }
			_, err = Apply(context.Background(), k, p, Options{Query: q})
			if err == nil || !strings.Contains(err.Error(), "did not converge") {
				t.Fatalf("a destroy whose %s steps were dropped verified clean: %v", kind, err)
			}
		})
	}
}
