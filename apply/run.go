package apply

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/netplan-dev/netplan/drivers"
	"github.com/netplan-dev/netplan/internal/trace"
	"github.com/netplan-dev/netplan/model"
	"github.com/netplan-dev/netplan/planner"
)

// runner executes steps phase by phase with a bounded pool of workers.
type runner struct {
	k        drivers.Kernel
	workers  int
	progress func(Event)

	mu        sync.Mutex
	remaining map[string]int // steps left per resource
	started   map[string]bool
}

// failure is why a run stopped, and which steps were done by then.
type failure struct {
	err  error
	done []bool // by step index
}

func (f *failure) Error() string { return f.err.Error() }
func (f *failure) Unwrap() error { return f.err }

// run executes steps in phase order and returns how many succeeded. On the
// first failure, or when ctx is cancelled, it starts no more steps, waits for
// the running ones and returns why it stopped.
func (r *runner) run(ctx context.Context, steps []model.Step) (int, *failure) {
	workers := r.workers
	if workers <= 0 {
		workers = DefaultWorkers
	}
	r.remaining, r.started = map[string]int{}, map[string]bool{}
	for _, s := range steps {
		r.remaining[s.Owner]++
	}
	done := make([]bool, len(steps))
	count := 0
	// Running steps finish even if ctx is cancelled: stopping happens only
	// between steps, so no kernel object is left half made.
	stepCtx := context.WithoutCancel(ctx)
	for _, phase := range phases(steps) {
		t0 := time.Now()
		if ctx.Err() != nil {
			return count, &failure{err: fmt.Errorf("%w: %w", Cancelled, context.Cause(ctx)), done: done}
		}
		kinds := newKindTimes(t0)
		var (
			wg    sync.WaitGroup
			mu    sync.Mutex
			first *StepError
			next  = make(chan int)
		)
		for range min(workers, len(phase)) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range next {
					// The dispatcher may have handed this step over while the
					// failure that stops the run was being recorded.
					mu.Lock()
					stop := first != nil
					mu.Unlock()
					if stop || ctx.Err() != nil {
						continue
					}
					r.event(steps[i], false, nil)
					s0 := time.Now()
					err := r.k.Do(stepCtx, steps[i])
					r.event(steps[i], true, err)
					mu.Lock()
					kinds.add(steps[i].Kind, s0)
					if err == nil {
						done[i] = true
						count++
					} else if first == nil || i < first.Index {
						first = &StepError{Index: i, Kind: string(steps[i].Kind), Owner: steps[i].Owner, What: planner.StepObject(steps[i]), Err: err}
					}
					mu.Unlock()
				}
			}()
		}
		for _, i := range phase {
			mu.Lock()
			stop := first != nil
			mu.Unlock()
			if stop || ctx.Err() != nil {
				break
			}
			next <- i
		}
		close(next)
		wg.Wait()
		trace.Since(fmt.Sprintf("phase %d (%d %s)", steps[phase[0]].Phase, len(phase), steps[phase[0]].Kind), t0)
		kinds.print()
		if first != nil {
			return count, &failure{err: first, done: done}
		}
		if ctx.Err() != nil {
			return count, &failure{err: fmt.Errorf("%w: %w", Cancelled, context.Cause(ctx)), done: done}
		}
	}
	return count, nil
}

// phases groups step indices by phase, in increasing phase order.
func phases(steps []model.Step) [][]int {
	by := map[int][]int{}
	for i, s := range steps {
		by[s.Phase] = append(by[s.Phase], i)
	}
	var out [][]int
	for _, p := range slices.Sorted(maps.Keys(by)) {
		out = append(out, by[p])
	}
	return out
}

// event reports a resource's first step starting, its last step finishing,
// and any failure.
func (r *runner) event(s model.Step, finished bool, err error) {
	if r.progress == nil {
		return
	}
	r.mu.Lock()
	var ev *Event
	switch {
	case !finished && !r.started[s.Owner]:
		r.started[s.Owner] = true
		ev = &Event{Address: s.Owner, Step: string(s.Kind)}
	case finished && err != nil:
		ev = &Event{Address: s.Owner, Step: string(s.Kind), Done: true, Err: err}
	case finished:
		r.remaining[s.Owner]--
		if r.remaining[s.Owner] == 0 {
			ev = &Event{Address: s.Owner, Step: string(s.Kind), Done: true}
		}
	}
	r.mu.Unlock()
	if ev != nil {
		r.progress(*ev)
	}
}

// query is what to observe to verify or roll back p: the caller's query
// plus every name and sysctl key of both States, so no key either side
// names reads as missing.
func query(p *planner.Plan, q drivers.Query) drivers.Query {
	out := q
	if out.Stack == "" {
		out.Stack = p.Stack
	}
	for _, s := range []*model.State{p.Target, p.Observed} {
		if s == nil {
			continue
		}
		more := drivers.QueryFor(s)
		out.Bridges = union(out.Bridges, more.Bridges)
		out.Netns = union(out.Netns, more.Netns)
		out.Sysctls = union(out.Sysctls, more.Sysctls)
	}
	return out
}

func union(a, b []string) []string {
	out := slices.Concat(a, b)
	slices.Sort(out)
	return slices.Compact(out)
}

// touched lists the resources whose steps were done, for an error that
// says what a failed apply left behind.
func touched(steps []model.Step, done []bool) string {
	seen := map[string]bool{}
	for i, s := range steps {
		if i < len(done) && done[i] {
			seen[s.Owner] = true
		}
	}
	if len(seen) == 0 {
		return "nothing"
	}
	return strings.Join(slices.Sorted(maps.Keys(seen)), ", ")
}

// pending names the resources a plan would still change, with its steps.
func pending(steps []model.Step) string {
	kinds := map[string][]string{}
	for _, s := range steps {
		if !slices.Contains(kinds[s.Owner], string(s.Kind)) {
			kinds[s.Owner] = append(kinds[s.Owner], string(s.Kind))
		}
	}
	var parts []string
	for _, owner := range slices.Sorted(maps.Keys(kinds)) {
		parts = append(parts, fmt.Sprintf("%s (%s)", owner, strings.Join(kinds[owner], ", ")))
	}
	return strings.Join(parts, "; ")
}
