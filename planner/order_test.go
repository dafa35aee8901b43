package planner

import (
	"cmp"
	"math/rand/v2"
	"net/netip"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/netplan-dev/netplan/model"
	"github.com/netplan-dev/netplan/planner/plannertest"
)

// oldStepObject is stepObject as first written, the reference for the
// allocation-lean one.
func oldStepObject(s model.Step) string {
	var parts []string
	if s.Netns != nil {
		parts = append(parts, "netns "+s.Netns.Name)
	}
	if s.Veth != nil {
		parts = append(parts, "veth "+s.Veth.Name)
	}
	if s.Link != "" {
		parts = append(parts, "link "+s.Link)
	}
	if s.Addr.IsValid() {
		parts = append(parts, "addr "+s.Addr.String())
	}
	if s.Gateway.IsValid() {
		parts = append(parts, "gateway "+s.Gateway.String())
	}
	if s.Key != "" {
		parts = append(parts, s.Key)
	}
	if s.Firewall != nil {
		parts = append(parts, "table "+s.Firewall.Table)
	}
	return strings.Join(parts, " ")
}

// orderCorpus is steps of every kind and field, with ties: steps that
// sortSteps cannot tell apart, which must keep their relative order.
func orderCorpus(t *testing.T) []model.Step {
	demo := plannertest.Demo("t")
	live := applied(t, demo)
	var steps []model.Step
	steps = append(steps, Diff(live, model.NewState("t")).Steps...)
	steps = append(steps, Diff(model.NewState("t"), live).Steps...)
	ns := &model.Netns{Name: "web"}
	veth := &model.Veth{Name: "eth0"}
	for i, s := range []model.Step{
		{Kind: model.StepAddAddr, Owner: "container.web", Phase: PhaseAddr, Netns: ns, Veth: veth, Addr: netip.MustParsePrefix("10.0.0.2/24")},
		{Kind: model.StepAddAddr, Owner: "container.web", Phase: PhaseAddr, Netns: ns, Veth: veth, Addr: netip.MustParsePrefix("10.0.0.10/24")},
		{Kind: model.StepDelAddr, Owner: "container.web", Phase: PhaseRemove, Netns: ns, Veth: veth, Addr: netip.MustParsePrefix("10.0.0.3/24")},
		{Kind: model.StepDelRoute, Owner: "container.web", Phase: PhaseDelRoute, Netns: ns, Gateway: netip.MustParseAddr("10.0.0.1")},
		{Kind: model.StepDeleteBridge, Owner: "network.z", Phase: PhaseDeleteBridge, Link: "np-z"},
		{Kind: model.StepDelBridgeAddr, Owner: "network.a", Phase: PhaseRemove, Link: "np-a", Addr: netip.MustParsePrefix("10.1.0.1/16")},
		{Kind: model.StepSetSysctl, Owner: "sysctl.k", Phase: PhaseSysctl, Key: "k", Value: "1"},
		{Kind: model.StepDeleteFirewall, Owner: "firewall.t", Phase: PhaseRemove, Firewall: &model.Firewall{Table: "t"}},
		{Kind: model.StepSetLoUp, Owner: "container.web", Phase: PhaseNetns, Netns: ns},
	} {
		// Each step twice, told apart only by Value: a tie.
		steps = append(steps, s)
		s.Value = string(rune('a' + i))
		steps = append(steps, s)
	}
	return steps
}

func TestStepObjectUnchanged(t *testing.T) {
	for _, s := range orderCorpus(t) {
		if got, want := stepObject(s), oldStepObject(s); got != want {
			t.Errorf("stepObject = %q, want %q", got, want)
		}
	}
}

// referenceSort is sortSteps as first written: the order's definition.
func referenceSort(steps []model.Step) {
	slices.SortStableFunc(steps, func(a, b model.Step) int {
		return cmp.Or(
			cmp.Compare(a.Phase, b.Phase),
			cmp.Compare(startLate(a), startLate(b)),
			cmp.Compare(a.Owner, b.Owner),
			cmp.Compare(a.Kind, b.Kind),
			cmp.Compare(oldStepObject(a), oldStepObject(b)),
		)
	})
}

func TestSortStepsIsTheReferenceOrder(t *testing.T) {
	corpus := orderCorpus(t)
	r := rand.New(rand.NewPCG(1, 2))
	for round := range 50 {
		shuffled := append([]model.Step(nil), corpus...)
		r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		want := append([]model.Step(nil), shuffled...)
		referenceSort(want)
		got := append([]model.Step(nil), shuffled...)
		sortSteps(got)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("round %d: sortSteps order differs from the reference", round)
		}
	}
}
