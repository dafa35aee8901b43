package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netplan-dev/netplan/internal/lock"
	"github.com/netplan-dev/netplan/model"
	"github.com/netplan-dev/netplan/render"
)

const good = "testdata/good"

// TestLifecycle drives plan, apply, show and destroy against the in-memory kernel.
func TestLifecycle(t *testing.T) {
	h := newHarness(t, 0)
	h.expect(2, []string{"netplan will perform the following actions:", "# container.web will be created",
		`+ resource "network" "front" {`, "Plan: "}, nil, "plan", "-c", good, "-detailed-exitcode")
	if h.kernel.StepsDone() != 0 {
		t.Fatalf("plan changed the kernel: %d steps", h.kernel.StepsDone())
	}
	h.expect(0, []string{"container.web: Creating...", "container.web: Creation complete after ",
		"Apply complete! Resources: "}, nil, "apply", "-c", good, "--auto-approve")
	if !strings.Contains(h.out.String(), "5 added, 1 changed, 0 destroyed") { // network, 2 containers, firewall, route_localnet; ip_forward
		t.Errorf("apply summary: %s", lastLine(h.out.String()))
	}
	h.expect(0, []string{"No changes."}, nil, "plan", "--config="+good, "--detailed-exitcode")
	h.expect(0, []string{"No changes.", "Apply complete! Resources: 0 added, 0 changed, 0 destroyed."}, nil, "apply", "-c", good)

	h.expect(0, nil, nil, "show", "-stack", "clitest", "--json")
	var v render.View
	if err := json.Unmarshal(h.out.Bytes(), &v); err != nil {
		t.Fatalf("show -json: %v\n%s", err, &h.out)
	}
	if v.Stack != "clitest" || len(v.Networks) != 1 || v.Networks[0].Subnet != "172.18.0.0/16" || len(v.Containers) != 2 {
		t.Fatalf("show -json = %+v", v)
	}
	web := v.Containers[1]
	if web.Name != "web" || len(web.Interfaces) != 1 || web.Interfaces[0].IPv4Address != "172.18.0.2" ||
		len(web.Published) != 1 || web.Published[0].HostPort != 8080 {
		t.Errorf("web = %+v", web)
	}
	h.expect(0, []string{"Stack: clitest", "front", "np-front", "0.0.0.0:8080"}, nil, "show", "-c", good)

	h.expect(1, []string{"# container.web will be destroyed"}, []string{"-auto-approve"}, "destroy", "-stack", "clitest")
	h.expect(0, []string{"Destroy complete! Resources: 4 destroyed."}, nil, "destroy", "-stack", "clitest", "-auto-approve")
	h.expect(0, []string{`Stack "clitest" owns nothing on this host.`}, nil, "show", "-stack", "clitest")
	h.expect(0, []string{"No changes.", "Destroy complete! Resources: 0 destroyed."}, nil, "destroy", "-c", good)
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

func TestPlanJSONOutput(t *testing.T) {
	h := newHarness(t, 0)
	h.expect(0, nil, nil, "plan", "-c", good, "-json")
	var doc struct {
		FormatVersion   string `json:"format_version"`
		Stack           string
		ResourceChanges []struct {
			Address string
			Change  struct{ Actions []string }
		} `json:"resource_changes"`
		Summary struct{ Add, Change, Destroy int }
	}
	if err := json.Unmarshal(h.out.Bytes(), &doc); err != nil {
		t.Fatalf("plan -json is not one JSON document: %v\n%s", err, &h.out)
	}
	if doc.FormatVersion != "1.0" || doc.Stack != "clitest" || doc.Summary.Add != 5 || doc.Summary.Change != 1 {
		t.Errorf("plan -json = %+v", doc)
	}
}

func TestApplyConfirmation(t *testing.T) {
	tests := []struct {
		name   string
		tty    bool
		input  string
		code   int
		stderr string
	}{
		{"no terminal", false, "yes\n", 1, "run again with -auto-approve"},
		{"answer no", true, "no\n", 1, "Apply cancelled."},
		{"answer y", true, "y\n", 1, "Apply cancelled."},
		{"end of input", true, "", 1, "Apply cancelled."},
		{"answer yes", true, "yes\n", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, 0)
			h.a.stdin = strings.NewReader(tt.input)
			h.a.stdinTTY = func() bool { return tt.tty }
			h.expect(tt.code, []string{"Plan: "}, []string{tt.stderr}, "apply", "-c", good)
			if tt.tty && !strings.Contains(h.out.String(), "Do you want to perform these actions?") {
				t.Errorf("no question asked:\n%s", &h.out)
			}
			if applied := h.kernel.StepsDone() > 0; applied != (tt.code == 0) {
				t.Errorf("kernel changed = %v, want %v", applied, tt.code == 0)
			}
		})
	}
}

func TestSavedPlan(t *testing.T) {
	h := newHarness(t, 0)
	file := filepath.Join(t.TempDir(), "tfplan")
	h.expect(0, []string{"Plan: "}, []string{"Saved the plan to: " + file, "netplan apply " + file}, "plan", "-c", good, "-out", file)
	if !strings.HasPrefix(lastLine(h.out.String()), "Plan: ") {
		t.Errorf("last line of plan -out = %q", lastLine(h.out.String()))
	}
	h.expect(1, nil, []string{"-c, -var and -var-file cannot be used"}, "apply", "-c", good, file)
	h.expect(0, []string{"container.web: Creating...", "Apply complete! Resources: 5 added, 1 changed, 0 destroyed."}, nil, "apply", file)

	// A second saved plan goes stale when the host moves under it.
	h.expect(0, nil, nil, "plan", "-c", good, "-destroy", "-out", file)
	steps := h.kernel.StepsDone()
	h.kernel.Mutate("clitest", func(s *model.State) { s.Bridges["np-front"].Up = false })
	h.expect(1, nil, []string{"Error: the host changed since this plan was made; run netplan plan again"}, "apply", file)
	if h.kernel.StepsDone() != steps {
		t.Error("a stale plan changed the kernel")
	}

	// A fresh destroy plan applies and says so.
	h.expect(0, nil, nil, "plan", "-destroy", "-stack", "clitest", "-out", file)
	h.expect(0, []string{"Destroy complete! Resources: 0 added, 0 changed, 4 destroyed."}, nil, "apply", file)

	if err := os.WriteFile(file, []byte(`{"format":"netplan-plan","version":1,"plan":{}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	h.expect(1, nil, []string{"plan file is corrupt"}, "apply", file)
	h.expect(1, nil, []string{"not a netplan plan file"}, "apply", "testdata/good/netplan.hcl")
}

func TestForeignObjectsStopThePlan(t *testing.T) {
	tests := []struct {
		name, kind, objName, detail string
		stderr                      []string
	}{
		{"leftover bridge", "bridge", "np-front", "link kind bridge",
			[]string{`Error: bridge "np-front" already exists and is not owned by stack "clitest"`,
				"testdata/good/netplan.hcl:8:", "ip link delete np-front"}},
		{"another stack's namespace", "netns", "web", model.Label("other", "container.web"),
			[]string{`network namespace "web" already exists and is not owned by stack "clitest"`,
				"testdata/good/netplan.hcl:12:", "netplan destroy -stack other"}},
		{"table", "table", "netplan-clitest", "",
			[]string{`nftables table "netplan-clitest" already exists`, "testdata/good/netplan.hcl:1:1", "nft delete table ip netplan-clitest"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, 0)
			h.kernel.AddForeign(tt.kind, tt.objName, tt.detail)
			h.expect(1, nil, tt.stderr, "plan", "-c", good)
			h.expect(1, nil, tt.stderr, "apply", "-c", good, "-auto-approve")
			if h.kernel.StepsDone() != 0 {
				t.Error("a foreign object did not stop apply")
			}
		})
	}
}

func TestApplyWaitsForTheStackLock(t *testing.T) {
	h := newHarness(t, 0)
	held, err := lock.Acquire(context.Background(), h.a.lockDir, "clitest")
	if err != nil {
		t.Fatal(err)
	}
	defer held.Release()
	h.expect(1, nil, []string{`Error: stack "clitest" is locked by pid `}, "apply", "-c", good, "-auto-approve", "-lock-timeout", "100ms")
	h.expect(1, nil, []string{`stack "clitest" is locked`}, "destroy", "-stack", "clitest", "-auto-approve", "--lock-timeout=1ms")
	if h.kernel.StepsDone() != 0 {
		t.Error("apply ran without the lock")
	}
	// plan only reads, so it does not wait.
	h.expect(0, []string{"Plan: "}, nil, "plan", "-c", good)
	held.Release()
	h.expect(0, []string{"Apply complete!"}, nil, "apply", "-c", good, "-auto-approve", "-lock-timeout", "1s")
}

func TestExec(t *testing.T) {
	h := newHarness(t, 0)
	h.expect(0, nil, nil, "exec", "-c", good, "web", "--", "ip", "-br", "addr")
	h.expect(0, nil, nil, "exec", "-c", good, "isolated", "ip", "link") // "--" is optional
	h.expect(0, nil, nil, "exec", "plain", "--", "true")                // no configuration: netns = name
	h.expect(1, nil, []string{`no container "nope"`}, "exec", "-c", good, "nope", "--", "true")
	h.expect(1, nil, []string{`stack "clitest" has no live container "web"`}, "exec", "-stack", "clitest", "web", "--", "true")
	h.expect(0, nil, nil, "apply", "-c", good, "-auto-approve")
	h.expect(0, nil, nil, "exec", "--stack", "clitest", "web", "--", "ping", "-c1", "172.18.0.1")
	want := [][]string{
		{"web", "ip", "-br", "addr"},
		{"isolated", "ip", "link"},
		{"plain", "true"},
		{"web", "ping", "-c1", "172.18.0.1"},
	}
	if len(h.execs) != len(want) {
		t.Fatalf("execs = %q, want %q", h.execs, want)
	}
	for i := range want {
		if strings.Join(h.execs[i], " ") != strings.Join(want[i], " ") {
			t.Errorf("exec %d = %q, want %q", i, h.execs[i], want[i])
		}
	}
}

func TestMain(m *testing.M) {
	// Colors come only from a terminal; NO_COLOR must not leak into tests
	// that check its absence.
	os.Unsetenv("NO_COLOR")
	os.Exit(m.Run())
}
