package planner

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/netplan-dev/netplan/model"
	"github.com/netplan-dev/netplan/planner/plannertest"
)

func TestCreateFromEmpty(t *testing.T) {
	observed := model.NewState("t")
	observed.Sysctls[model.SysctlIPForward] = "0"
	p, err := Make(plannertest.Demo("t"), observed)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"create-bridge network.back np-back",
		"create-bridge network.front np-front",
		"set-sysctl sysctl.net.ipv4.conf.np-front.route_localnet",
		"set-sysctl sysctl.net.ipv4.ip_forward",
		"create-netns container.db",
		"create-netns container.jail",
		"create-netns container.web",
		"create-veth container.db eth0",
		"create-veth container.web eth0",
		"create-veth container.web eth1",
		"set-route container.web 172.18.0.1",
		"sync-firewall firewall.netplan-t",
	}
	if got := stepLines(p); !slices.Equal(got, want) {
		t.Errorf("steps:\n  got  %s\n  want %s", strings.Join(got, "\n       "), strings.Join(want, "\n       "))
	}
	for i := 1; i < len(p.Steps); i++ {
		if p.Steps[i].Phase < p.Steps[i-1].Phase {
			t.Fatalf("steps out of phase order at %d", i)
		}
	}
	wantActions := []string{
		"container.db create", "container.jail create", "container.web create", "firewall.netplan-t create",
		"network.back create", "network.front create",
		"sysctl.net.ipv4.conf.np-front.route_localnet create", "sysctl.net.ipv4.ip_forward update",
	}
	if got := actions(p); !slices.Equal(got, wantActions) {
		t.Errorf("actions %q, want %q", got, wantActions)
	}
	if add, change, destroy := p.Summary(); add != 7 || change != 1 || destroy != 0 {
		t.Errorf("summary = %d/%d/%d, want 7/1/0", add, change, destroy)
	}
	for _, c := range p.Changes {
		if c.Action == Create && c.Before != nil {
			t.Errorf("%s: create with a Before", c.Address)
		}
	}
	web := change(p, "container.web").After
	for k, v := range map[string]string{
		"netns": "web", "eth0.network": "front", "eth0.ipv4_address": "172.18.0.2", "eth0.mac_address": "02:42:ac:12:00:02",
		"eth1.network": "back", "eth0.state": "up", "eth0.host_veth": model.HostVethName("t", "web", "eth0"),
		"publish[tcp/0.0.0.0:8080]": "172.18.0.2:80", "publish[tcp/0.0.0.0:9000-9002]": "172.18.0.2:9000-9002",
		"gateway": "172.18.0.1",
	} {
		if web[k] != v {
			t.Errorf("container.web %s = %q, want %q", k, web[k], v)
		}
	}
	back := change(p, "network.back").After
	for k, v := range map[string]string{"bridge": "np-back", "subnet": "172.20.0.0/24", "gateway": "172.20.0.1", "internal": "true", "icc": "false", "masquerade": "false"} {
		if back[k] != v {
			t.Errorf("network.back %s = %q, want %q", k, back[k], v)
		}
	}
}

func TestDestroy(t *testing.T) {
	live := applied(t, plannertest.Demo("t"))
	p := Diff(model.NewState("t"), live)
	// The table and the bridges go first in the phase of the namespaces:
	// the bridges' teardown is the longest and overlaps the namespaces',
	// and the table's grace period passes meanwhile (see PhaseRemove).
	want := []string{
		"delete-firewall firewall.netplan-t",
		"delete-bridge network.back np-back",
		"delete-bridge network.front np-front",
		"delete-netns container.db",
		"delete-netns container.jail",
		"delete-netns container.web",
		"flush-conntrack container.web",
	}
	if got := stepLines(p); !slices.Equal(got, want) {
		t.Errorf("steps:\n  got  %s\n  want %s", strings.Join(got, "\n       "), strings.Join(want, "\n       "))
	}
	if p.Steps[0].Phase != p.Steps[2].Phase {
		t.Errorf("delete-bridge in phase %d, delete-netns in phase %d: want one phase", p.Steps[0].Phase, p.Steps[2].Phase)
	}
	for _, c := range p.Changes {
		want := Delete
		if c.Type == "sysctl" {
			want = NoOp // destroy leaves ip_forward and route_localnet alone
		}
		if c.Action != want || (want == Delete && c.After != nil) {
			t.Errorf("%s: %s (after %v), want %s", c.Address, c.Action, c.After, want)
		}
	}
}

func TestDiffDeterministic(t *testing.T) {
	d := plannertest.Demo("t")
	for _, observed := range []*model.State{model.NewState("t"), applied(t, plannertest.Demo("t"))} {
		var first []byte
		for i := range 20 {
			p, err := Make(d, observed)
			if err != nil {
				t.Fatal(err)
			}
			b, err := json.Marshal(p)
			if err != nil {
				t.Fatal(err)
			}
			if i == 0 {
				first = b
			} else if !bytes.Equal(b, first) {
				t.Fatalf("plan %d differs from the first", i)
			}
		}
	}
}

func TestDiffDoesNotAlias(t *testing.T) {
	target := applied(t, plannertest.Demo("t"))
	observed := model.NewState("t")
	before := Fingerprint(target)
	p := Diff(target, observed)
	p.Steps[0].Bridge.MTU = 9000
	p.Target.Bridges["np-front"].Up = false
	if Fingerprint(target) != before {
		t.Error("changing the plan changed the caller's target State")
	}
}

// TestStepsReadsOnly: Steps works on the caller's States, uncopied, so it
// must leave them as they were.
func TestStepsReadsOnly(t *testing.T) {
	target := applied(t, plannertest.Demo("t"))
	observed := applied(t, plannertest.Demo("t"))
	delete(observed.Netns, "web")
	observed.Firewall.Ports = observed.Firewall.Ports[1:]
	tBefore, oBefore := Fingerprint(target), Fingerprint(observed)
	if len(Steps(target, observed)) == 0 {
		t.Fatal("no steps for a missing container")
	}
	if Fingerprint(target) != tBefore || Fingerprint(observed) != oBefore {
		t.Error("Steps changed a State it was given")
	}
}

func TestFingerprint(t *testing.T) {
	a := applied(t, plannertest.Demo("t"))
	b := applied(t, plannertest.Demo("t"))
	// Order-free slices in another order hash the same.
	slices.Reverse(b.Firewall.Ports)
	b.Bridges["np-front"].Addrs = append(b.Bridges["np-front"].Addrs, pfx("10.0.0.1/8")...)
	a.Bridges["np-front"].Addrs = append(pfx("10.0.0.1/8"), a.Bridges["np-front"].Addrs...)
	if Fingerprint(a) != Fingerprint(b) {
		t.Error("fingerprint depends on slice order")
	}
	b.Netns["web"].LoUp = false
	if Fingerprint(a) == Fingerprint(b) {
		t.Error("fingerprint ignores a change")
	}
	// The plan's copy of the observed State fingerprints as the State does:
	// that is what a saved plan records (the planner leaves it to the saver).
	if p := Diff(a, b); Fingerprint(p.Observed) != Fingerprint(b) || p.Fingerprint != "" {
		t.Errorf("plan: fingerprint %q, its Observed's differs from the observed State's: %v", p.Fingerprint, Fingerprint(p.Observed) != Fingerprint(b))
	}
}

func change(p *Plan, addr string) ResourceChange {
	for _, c := range p.Changes {
		if c.Address == addr {
			return c
		}
	}
	return ResourceChange{}
}
