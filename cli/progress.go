package cli

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/netplan-dev/netplan/apply"
	"github.com/netplan-dev/netplan/planner"
)

// progress turns the applier's events into Terraform's per-resource lines:
// "container.web: Creating..." when its first step starts and
// "container.web: Creation complete after 2ms" when its last step ends (the
// applier reports each once per resource). Events may come from several
// goroutines at once.
type progress struct {
	mu        sync.Mutex
	w         io.Writer
	now       func() time.Time
	actions   map[string]planner.Action
	started   map[string]time.Time
	finished  map[string]bool
	failed    bool
	rollbacks map[string]bool
}

func newProgress(w io.Writer, p *planner.Plan, now func() time.Time) *progress {
	pr := &progress{w: w, now: now, actions: map[string]planner.Action{},
		started: map[string]time.Time{}, finished: map[string]bool{}, rollbacks: map[string]bool{}}
	for _, rc := range p.Changes {
		pr.actions[rc.Address] = rc.Action
	}
	return pr
}

var verbs = map[planner.Action][3]string{ // starting, done, failed
	planner.Create:  {"Creating...", "Creation complete", "Creation failed"},
	planner.Update:  {"Modifying...", "Modifications complete", "Modification failed"},
	planner.Delete:  {"Destroying...", "Destruction complete", "Destruction failed"},
	planner.Replace: {"Replacing...", "Replacement complete", "Replacement failed"},
}

func (pr *progress) verbs(addr string) [3]string {
	if v, ok := verbs[pr.actions[addr]]; ok {
		return v
	}
	return verbs[planner.Update]
}

func (pr *progress) event(e apply.Event) {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	if pr.failed {
		// After a failure the applier rolls back: say so once per resource.
		if !e.Done && !pr.rollbacks[e.Address] {
			pr.rollbacks[e.Address] = true
			fmt.Fprintf(pr.w, "%s: Rolling back...\n", e.Address)
		}
		return
	}
	v := pr.verbs(e.Address)
	if !e.Done {
		if _, ok := pr.started[e.Address]; !ok {
			pr.started[e.Address] = pr.now()
			fmt.Fprintf(pr.w, "%s: %s\n", e.Address, v[0])
		}
		return
	}
	elapsed := formatElapsed(pr.now().Sub(pr.started[e.Address]))
	if e.Err != nil {
		pr.failed = true
		fmt.Fprintf(pr.w, "%s: %s after %s: %v\n", e.Address, v[2], elapsed, e.Err)
		return
	}
	if !pr.finished[e.Address] {
		pr.finished[e.Address] = true
		fmt.Fprintf(pr.w, "%s: %s after %s\n", e.Address, v[1], elapsed)
	}
}

// formatElapsed keeps the precision a reader cares about: steps take
// microseconds to tens of milliseconds.
func formatElapsed(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return d.Round(time.Microsecond).String()
	case d < time.Second:
		return d.Round(time.Millisecond).String()
	}
	return d.Round(10 * time.Millisecond).String()
}
