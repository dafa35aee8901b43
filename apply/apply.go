package apply

import (
	"context"

	"github.com/netplan-dev/netplan/drivers"
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

// Apply executes p on k.
func Apply(ctx context.Context, k drivers.Kernel, p *planner.Plan, opts Options) (Result, error) {
	panic("apply.Apply: not implemented yet")
}
