package cli

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/netplan-dev/netplan/apply"
	"github.com/netplan-dev/netplan/model"
	"github.com/netplan-dev/netplan/planner"
)

func TestProgressLines(t *testing.T) {
	p := &planner.Plan{Changes: []planner.ResourceChange{
		{Address: "network.front", Action: planner.Create},
		{Address: "container.web", Action: planner.Update},
		{Address: "container.old", Action: planner.Delete},
		{Address: "container.db", Action: planner.Replace},
	}}
	clock := time.Unix(0, 0)
	now := func() time.Time { clock = clock.Add(1500 * time.Microsecond); return clock }
	var buf bytes.Buffer
	pr := newProgress(&buf, p, now)
	for _, e := range []apply.Event{
		{Address: "network.front"},
		{Address: "network.front", Done: true},
		{Address: "container.web"},
		{Address: "container.old"},
		{Address: "container.old", Done: true},
		{Address: "container.web", Done: true},
		{Address: "container.db"},
		{Address: "container.db", Done: true, Err: errors.New("create veth: exists")},
		// The applier rolls back: each resource once, whatever its steps.
		{Address: "container.web"},
		{Address: "container.web", Done: true},
		{Address: "network.front"},
	} {
		pr.event(e)
	}
	want := `network.front: Creating...
network.front: Creation complete after 2ms
container.web: Modifying...
container.old: Destroying...
container.old: Destruction complete after 2ms
container.web: Modifications complete after 5ms
container.db: Replacing...
container.db: Replacement failed after 2ms: create veth: exists
container.web: Rolling back...
network.front: Rolling back...
`
	if buf.String() != want {
		t.Errorf("progress:\n%s\nwant:\n%s", &buf, want)
	}
}

func TestFormatElapsed(t *testing.T) {
	for d, want := range map[time.Duration]string{
		450 * time.Microsecond:   "450µs",
		2*time.Millisecond + 400: "2ms",
		1234 * time.Millisecond:  "1.23s",
	} {
		if got := formatElapsed(d); got != want {
			t.Errorf("formatElapsed(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestApplyFailure(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		stderr     []string
		leftBridge bool
	}{
		{"rolls back", nil, []string{"Error: ", "veth refused", "netplan rolled back"}, false},
		{"no rollback", []string{"-no-rollback"}, []string{"Error: ", "veth refused", "(-no-rollback)"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, 0)
			h.kernel.FailOn = func(s model.Step) error {
				if s.Kind == model.StepCreateVeth {
					return errors.New("veth refused")
				}
				return nil
			}
			args := append([]string{"apply", "-c", good, "-auto-approve"}, tt.args...)
			h.expect(1, []string{"container.web: Creation failed after "}, tt.stderr, args...)
			if strings.Contains(h.out.String(), "Apply complete!") {
				t.Error("a failed apply said it completed")
			}
			h.expect(0, nil, nil, "show", "-stack", "clitest")
			if got := strings.Contains(h.out.String(), "np-front"); got != tt.leftBridge {
				t.Errorf("bridge left = %v, want %v:\n%s", got, tt.leftBridge, &h.out)
			}
		})
	}
}
