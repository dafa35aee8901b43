package planner

import "github.com/netplan-dev/netplan/model"

// Action is what a plan does to one resource, in Terraform's vocabulary.
type Action string

const (
	NoOp    Action = "no-op"
	Create  Action = "create"
	Update  Action = "update"
	Delete  Action = "delete"
	Replace Action = "replace" // delete, then create
)

// JSONActions is the action list of plan -json: ["delete","create"] for a replace.
func (a Action) JSONActions() []string {
	if a == Replace {
		return []string{"delete", "create"}
	}
	return []string{string(a)}
}

// Plan is the difference between a configuration and the live kernel.
type Plan struct {
	Stack    string           `json:"stack"`
	Destroy  bool             `json:"destroy"`
	Changes  []ResourceChange `json:"changes"`  // every resource, sorted by address, no-ops included
	Steps    []model.Step     `json:"steps"`    // kernel operations, in phase order
	Target   *model.State     `json:"target"`   // the State the steps lead to
	Observed *model.State     `json:"observed"` // the live State the plan was made from (rollback returns to it)
	// Fingerprint is Fingerprint(Observed) once the plan is saved: the
	// planner leaves it empty, since only a saved plan needs it (1-2 ms of
	// CPU on 1000 containers, in every plan when it made one).
	Fingerprint string `json:"fingerprint"`
}

// ResourceChange is one resource (network, container, sysctl, firewall table)
// as a person reads it.
type ResourceChange struct {
	Address string            `json:"address"` // "container.web"
	Type    string            `json:"type"`    // "network", "container", "sysctl", "firewall"
	Name    string            `json:"name"`
	Action  Action            `json:"action"`
	Before  map[string]string `json:"before"` // user-level attributes; nil when absent
	After   map[string]string `json:"after"`  // nil when deleted
	Attrs   []AttrChange      `json:"attrs"`  // attributes that differ, sorted by Path
}

// AttrChange is one attribute of a resource that differs.
type AttrChange struct {
	Path          string `json:"path"` // "state", "eth0.ipv4_address", "publish[tcp/8080]"
	Before        string `json:"before"`
	After         string `json:"after"`
	ForcesReplace bool   `json:"forces_replace"`
	Drift         bool   `json:"drift"` // the live host moved away from what netplan set
}

// Summary counts resources to add, change and destroy (a replace counts as add and destroy).
func (p *Plan) Summary() (add, change, destroy int) {
	for _, c := range p.Changes {
		switch c.Action {
		case Create:
			add++
		case Update:
			change++
		case Delete:
			destroy++
		case Replace:
			add++
			destroy++
		}
	}
	return
}

// Empty reports whether the plan changes nothing.
func (p *Plan) Empty() bool { return len(p.Steps) == 0 }
