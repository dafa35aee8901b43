package apply

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/netplan-dev/netplan/drivers"
	"github.com/netplan-dev/netplan/internal/trace"
	"github.com/netplan-dev/netplan/planner"
)

// Options tunes an apply.
type Options struct {
	Query      drivers.Query // what to observe for verification and rollback
	Workers    int           // parallel steps within a phase; 0 means a default
	NoRollback bool          // keep the partial state when a step fails
	Progress   func(Event)   // called for every step started and finished; may be nil
}

// Event reports progress on one resource.
type Event struct {
	Address string // resource address
	Step    string // step kind
	Done    bool
	Err     error
}

// Result says what an apply did.
type Result struct {
	Added, Changed, Destroyed int // resources, as the plan counted them
	StepsDone                 int
	RolledBack                bool
}

// DefaultWorkers is how many steps of a phase run at once when Options.Workers is 0.
const DefaultWorkers = 4

// Apply executes p on k: phase by phase, the steps of a phase in parallel.
// When a step fails or ctx is cancelled it starts no more steps, lets the
// running ones finish and, unless opts.NoRollback, returns the host to
// p.Observed. When every step succeeded it observes again and requires the
// host to match p.Target (a driver may report success and still miss).
func Apply(ctx context.Context, k drivers.Kernel, p *planner.Plan, opts Options) (Result, error) {
	if p.Observed == nil {
		return Result{}, errors.New("apply: plan has no observed State to roll back to")
	}
	var res Result
	res.Added, res.Changed, res.Destroyed = p.Summary()
	// What verify or rollback observes, every name of both States sorted
	// (1 ms at 1000 containers), is worked out while the steps wait on the
	// kernel.
	qc := make(chan drivers.Query, 1)
	go func() { qc <- query(p, opts.Query) }()
	r := &runner{k: k, workers: opts.Workers, progress: opts.Progress}
	done, failure := r.run(ctx, p.Steps)
	res.StepsDone = done
	q := <-qc
	if failure == nil {
		t0 := time.Now()
		defer trace.Since("verify", t0)
		return res, verify(context.WithoutCancel(ctx), k, p, q)
	}
	what := fmt.Sprintf("%d of %d steps done", done, len(p.Steps))
	if opts.NoRollback {
		return res, fmt.Errorf("apply: %w; %s, left in place (no rollback): %s", failure, what, touched(p.Steps, failure.done))
	}
	// The caller's context may be the cancelled one: rollback must still run.
	if err := rollback(context.WithoutCancel(ctx), k, p, q, opts); err != nil {
		return res, fmt.Errorf("apply: %w; %s; rollback failed, host left between states: %w", failure, what, err)
	}
	res.RolledBack = true
	return res, fmt.Errorf("apply: %w; %s and rolled back", failure, what)
}

// rollback plans from the live host back to p.Observed, runs that plan
// (without rolling back the rollback) and checks the host got there.
func rollback(ctx context.Context, k drivers.Kernel, p *planner.Plan, q drivers.Query, opts Options) error {
	now, err := Observe(ctx, k, q)
	if err != nil {
		return fmt.Errorf("observe for rollback: %w", err)
	}
	back := planner.Diff(p.Observed, now.State)
	r := &runner{k: k, workers: opts.Workers, progress: opts.Progress}
	if _, failure := r.run(ctx, back.Steps); failure != nil {
		return fmt.Errorf("rollback: %w", failure)
	}
	after, err := Observe(ctx, k, q)
	if err != nil {
		return fmt.Errorf("observe after rollback: %w", err)
	}
	if left := planner.Steps(p.Observed, after.State); len(left) > 0 {
		return fmt.Errorf("rollback did not restore %s", pending(left))
	}
	return nil
}

// ErrNotConverged marks a verification failure: every step succeeded, so
// nothing is rolled back; the next plan shows what is still different.
var ErrNotConverged = errors.New("the host did not converge")

// verify observes the host after a successful apply and names every
// resource that is not what the plan promised (issue #5).
// Namespaces no step touched are taken from p.Observed (see observeTouched).
func verify(ctx context.Context, k drivers.Kernel, p *planner.Plan, q drivers.Query) error {
	t0 := time.Now()
	now, read, err := observeTouched(ctx, k, q, p.Observed, p.Target, p.Steps)
	if err != nil {
		return fmt.Errorf("apply: observe to verify: %w", err)
	}
	trace.Part("verify observe", t0)
	defer trace.Part("verify compare", time.Now())
	if left := planner.StepsAmong(p.Target, now, read); len(left) > 0 {
		return fmt.Errorf("apply: every step succeeded but %w: %s\nstill different:\n%s", ErrNotConverged, pending(left), differences(p.Target, now))
	}
	return nil
}

// StepError is the first step of an apply that failed.
type StepError struct {
	Index int    // in the plan's Steps
	Kind  string // step kind
	Owner string // resource address
	What  string // the object, as planner.StepObject names it
	Err   error
}

func (e *StepError) Error() string {
	return fmt.Sprintf("step %d %s of %s (%s) failed: %v", e.Index+1, e.Kind, e.Owner, e.What, e.Err)
}

func (e *StepError) Unwrap() error { return e.Err }

// Cancelled reports an apply stopped by its context before a step started.
var Cancelled = errors.New("interrupted")
