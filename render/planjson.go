package render

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/netplan-dev/netplan/planner"
)

// PlanJSONFormatVersion is plan -json's "format_version"; it changes only
// when a field changes meaning or disappears.
const PlanJSONFormatVersion = "1.0"

type planJSON struct {
	FormatVersion   string           `json:"format_version"`
	Stack           string           `json:"stack"`
	ResourceChanges []resourceChange `json:"resource_changes"`
	Summary         summaryJSON      `json:"summary"`
}

type resourceChange struct {
	Address string     `json:"address"`
	Type    string     `json:"type"`
	Name    string     `json:"name"`
	Change  changeJSON `json:"change"`
}

type changeJSON struct {
	Actions []string          `json:"actions"`
	Before  map[string]string `json:"before"` // null when the resource does not exist yet
	After   map[string]string `json:"after"`  // null when it is deleted
}

type summaryJSON struct {
	Add     int `json:"add"`
	Change  int `json:"change"`
	Destroy int `json:"destroy"`
}

// PlanJSON writes p as the one JSON document of DESIGN.md (plan -json),
// no-op resources included.
func PlanJSON(w io.Writer, p *planner.Plan) error {
	doc := planJSON{FormatVersion: PlanJSONFormatVersion, Stack: p.Stack, ResourceChanges: []resourceChange{}}
	for _, rc := range p.Changes {
		action := rc.Action
		if action == "" {
			action = planner.NoOp
		}
		doc.ResourceChanges = append(doc.ResourceChanges, resourceChange{
			Address: rc.Address, Type: rc.Type, Name: rc.Name,
			Change: changeJSON{Actions: action.JSONActions(), Before: rc.Before, After: rc.After},
		})
	}
	doc.Summary.Add, doc.Summary.Change, doc.Summary.Destroy = p.Summary()
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("write plan JSON: %w", err)
	}
	return nil
}
