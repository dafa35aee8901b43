package planner

import (
	"slices"

	"github.com/netplan-dev/netplan/model"
)

// Target builds the State a configuration asks for, given what is live:
// addresses are allocated keeping those containers already hold.
func Target(d *model.Desired, observed *model.State) (*model.State, error) {
	return target(d, observed)
}

// Diff plans the steps from observed to target, and the resource changes a
// person reads. Keys of observed.Sysctls that target does not name are left alone.
func Diff(target, observed *model.State) *Plan {
	return diff(target, observed)
}

// Steps is the steps Diff would plan from observed to target, and nothing
// around them: no copy of either State, no views, no fingerprint. It is
// what a check that the host converged needs, at a third of Diff's cost.
func Steps(target, observed *model.State) []model.Step {
	return StepsAmong(target, observed, nil)
}

// StepsAmong is Steps with only the namespaces in only compared (every one
// when only is nil); bridges, sysctls and the firewall are compared whole.
// Each namespace is compared on its own, against the bridges' changes, so
// one left out would have added exactly its own steps. Verification leaves
// out the namespaces no step touched: it did not read them again.
func StepsAmong(target, observed *model.State, only map[string]bool) []model.Step {
	d := &differ{t: target, o: observed, newBridges: map[string]bool{},
		tNetns: namesAmong(target.Netns, only), oNetns: namesAmong(observed.Netns, only)}
	d.bridges()
	d.sysctls()
	d.namespaces()
	d.firewall()
	sortSteps(d.steps)
	return d.steps
}

// namesAmong is m's keys in order, only those in only unless it is nil.
func namesAmong(m map[string]*model.Netns, only map[string]bool) []string {
	if only == nil {
		return sortedKeys(m)
	}
	names := make([]string, 0, len(only))
	for name := range only {
		if m[name] != nil {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

// Make is Target followed by Diff.
func Make(d *model.Desired, observed *model.State) (*Plan, error) {
	if observed == nil {
		observed = model.NewState(d.Stack)
	}
	side := startObserved(observed) // while the target is computed
	t, netns, err := buildTarget(d, observed)
	if err != nil {
		side.wait() // it reads observed: not after Make returned
		return nil, err
	}
	// The target is Make's own: Diff would copy it for nothing.
	return diffOwned(t, netns, observed, side), nil
}

// Fingerprint is a stable hash of a State, saved with a plan so apply can
// refuse it when the host changed since.
func Fingerprint(s *model.State) string {
	return fingerprint(s)
}
