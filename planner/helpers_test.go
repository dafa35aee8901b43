package planner

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/netplan-dev/netplan/model"
	"github.com/netplan-dev/netplan/planner/plannertest"
)

// The planner's tests describe the table with the stand-in: firewall.Build
// is another package's job, and these tests are about diffing.
func TestMain(m *testing.M) {
	restore := SetFirewallBuilder(plannertest.Firewall)
	code := m.Run()
	restore()
	os.Exit(code)
}

// applied is the live State after a perfect apply of d on an empty host,
// with the sysctls the kernel would report for the keys the target names.
func applied(t testing.TB, d *model.Desired) *model.State {
	t.Helper()
	s, err := Target(d, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustTarget(t testing.TB, d *model.Desired, observed *model.State) *model.State {
	t.Helper()
	s, err := Target(d, observed)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// stepLines describes steps compactly: "kind owner object".
func stepLines(p *Plan) []string {
	var out []string
	for _, s := range p.Steps {
		out = append(out, strings.TrimSpace(fmt.Sprintf("%s %s %s", s.Kind, s.Owner, shortObject(s))))
	}
	return out
}

// shortObject is the part of a step's object a test table needs to tell
// steps of one resource apart.
func shortObject(s model.Step) string {
	switch {
	case s.Veth != nil && s.Addr.IsValid():
		return s.Veth.Name + " " + s.Addr.String()
	case s.Veth != nil:
		return s.Veth.Name
	case s.Addr.IsValid():
		return s.Addr.String()
	case s.Kind == model.StepCreateBridge || s.Kind == model.StepDeleteBridge || s.Kind == model.StepSetBridge:
		return s.Link
	case s.Gateway.IsValid():
		return s.Gateway.String()
	}
	return ""
}

// actions lists every resource whose action is not no-op: "address action".
func actions(p *Plan) []string {
	var out []string
	for _, c := range p.Changes {
		if c.Action != NoOp {
			out = append(out, c.Address+" "+string(c.Action))
		}
	}
	return out
}
