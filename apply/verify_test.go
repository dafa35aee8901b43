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

// netnsKernel is the fake kernel with ObserveNetns, recording which
// namespaces each partial observation entered.
type netnsKernel struct {
	*fake.Kernel
	entered [][]string
}

func (k *netnsKernel) ObserveNetns(ctx context.Context, q drivers.Query, names []string) (*drivers.Observation, error) {
	obs, err := k.Observe(ctx, q)
	if err != nil {
		return nil, err
	}
	for name := range obs.State.Netns {
		if !slices.Contains(names, name) {
			delete(obs.State.Netns, name)
		}
	}
	k.entered = append(k.entered, names)
	return obs, nil
}

// Verification after a small change enters only the namespaces the plan
// touched, and still catches a step the kernel dropped there.
func TestVerifyEntersOnlyTouchedNetns(t *testing.T) {
	base := plannertest.Demo("s")
	grown := plannertest.Clone(base)
	grown.Containers = append(grown.Containers, plannertest.Container("cache", "front"))
	plannertest.Sorted(grown)
	tests := []struct {
		name    string
		drop    func(model.Step) bool
		wantErr string
	}{
		{"clean", func(model.Step) bool { return false }, ""},
		{"route dropped", func(s model.Step) bool { return s.Kind == model.StepSetRoute }, "container.cache (set-route)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := &netnsKernel{Kernel: fake.New()}
			mustApply(t, k.Kernel, base)
			if len(k.entered) != 0 {
				t.Fatalf("apply from empty observed partially: %v", k.entered)
			}
			p, q := planFor(t, k, grown)
			k.Drop = tt.drop
			_, err := Apply(context.Background(), k, p, Options{Query: q})
			if tt.wantErr == "" && err != nil {
				t.Fatalf("apply: %v", err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("apply error = %v, want %q named", err, tt.wantErr)
			}
			if len(k.entered) == 0 || !slices.Equal(k.entered[0], []string{"cache"}) {
				t.Errorf("verification entered %v, want only [cache]", k.entered)
			}
		})
	}
}

// goneKernel is the fake kernel with ObserveGone as drivers/linux has it:
// only the bridges and namespaces the query names are read.
type goneKernel struct{ *fake.Kernel }

func (k *goneKernel) ObserveGone(ctx context.Context, q drivers.Query) (*drivers.Observation, error) {
	obs, err := k.Observe(ctx, q)
	if err != nil {
		return nil, err
	}
	for name := range obs.State.Bridges {
		if !slices.Contains(q.Bridges, name) {
			delete(obs.State.Bridges, name)
		}
	}
	for name := range obs.State.Netns {
		if !slices.Contains(q.Netns, name) {
			delete(obs.State.Netns, name)
		}
	}
	return obs, nil
}

// Verification of a destroy reads objects by name; the destroy query names
// none (it finds the stack by label), so verification must ask for what the
// plan removes, or a bridge that survived would go unnoticed.
func TestVerifyDestroyNamesWhatItRemoves(t *testing.T) {
	for _, kind := range []model.StepKind{model.StepDeleteBridge, model.StepDeleteNetns} {
		t.Run(string(kind), func(t *testing.T) {
			k := &goneKernel{Kernel: fake.New()}
			mustApply(t, k.Kernel, plannertest.Demo("s"))
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
