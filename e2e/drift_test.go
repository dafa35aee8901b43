package e2e

import (
	"encoding/json"
	"strings"
	"testing"
)

const frontConfig = `
stack = "drift"
network "front" {
  subnet = "172.20.0.0/16"
}
container "web" {
  network "front" {}
  publish {
    host_port      = 8080
    container_port = 80
  }
}
container "db" {
  network "front" {}
}
`

// appliedFront is a host with frontConfig applied and a server in "web".
func appliedFront(t *testing.T) *host {
	h := newHost(t)
	h.config(map[string]string{"netplan.hcl": frontConfig})
	h.mustNetplan("apply", "-c", h.dir, "-auto-approve")
	h.serve("web", "tcp", "0.0.0.0:80", "web")
	h.expectTraffic()
	return h
}

func (h *host) expectTraffic() {
	h.t.Helper()
	if got, ok := h.get("outside", "tcp", hostAddr+":8080"); !ok || !strings.Contains(got, "web") {
		h.t.Fatalf("outside -> published port: %q ok=%v", got, ok)
	}
}

// TestDriftIsRepaired: each hand-made change shows in plan (exit 2, named in
// user terms), apply repairs it, the next plan is empty and traffic flows.
func TestDriftIsRepaired(t *testing.T) {
	cases := []struct {
		name   string
		break_ string   // shell commands run inside the sandbox
		want   []string // in the plan output
	}{
		{"host veth deleted", `ip link del "$(ip -o link show master np-front | head -n1 | cut -d' ' -f2 | cut -d@ -f1)"`,
			[]string{"container.", "will be updated in-place"}},
		{"container address changed", "ip -n web addr flush dev eth0 && ip -n web addr add 172.20.0.99/16 dev eth0",
			[]string{"# container.web will be updated in-place", "172.20.0.99"}},
		{"bridge set down", "ip link set np-front down",
			[]string{"# network.front will be updated in-place", `"down" -> "up"`}},
		{"namespace deleted", "ip netns del db",
			[]string{"# container.db will be created"}},
		{"table flushed", "nft flush table ip netplan-drift",
			[]string{"firewall"}},
		{"rule added by hand", "nft insert rule ip netplan-drift filter-forward counter",
			[]string{"firewall"}},
	}
	for _, c := range cases {
		t.Run(strings.ReplaceAll(c.name, " ", "_"), func(t *testing.T) {
			h := appliedFront(t)
			h.Sh(c.break_)
			out, code := h.netplan("plan", "-c", h.dir, "-detailed-exitcode", "-no-color")
			if code != 2 {
				t.Fatalf("plan after %s: exit %d, want 2\n%s", c.name, code, out)
			}
			for _, w := range c.want {
				if !strings.Contains(out, w) {
					t.Errorf("plan after %s lacks %q:\n%s", c.name, w, out)
				}
			}
			if strings.Contains(out, "must be replaced") || strings.Contains(out, "will be destroyed") {
				t.Errorf("repairing %s should not replace or destroy anything:\n%s", c.name, out)
			}
			h.mustNetplan("apply", "-c", h.dir, "-auto-approve")
			if out, code := h.netplan("plan", "-c", h.dir, "-detailed-exitcode"); code != 0 {
				t.Fatalf("plan after repair: exit %d\n%s", code, out)
			}
			if c.name == "namespace deleted" {
				return // the server lived in web; db was rebuilt
			}
			h.expectTraffic()
		})
	}
}

// TestForeignObjectsAreRefused: a bridge and a namespace carrying the
// configuration's names but not the stack's make plan fail, and stay as they were.
func TestForeignObjectsAreRefused(t *testing.T) {
	h := newHost(t)
	h.config(map[string]string{"netplan.hcl": frontConfig})
	h.Sh("ip link add np-front type bridge && ip netns add web")
	before := h.snapshot()
	out, code := h.netplan("plan", "-c", h.dir)
	if code != 1 || !strings.Contains(out, "np-front") || !strings.Contains(out, `"web"`) {
		t.Fatalf("plan with foreign objects: exit %d, want 1 naming np-front and web\n%s", code, out)
	}
	if _, code := h.netplan("apply", "-c", h.dir, "-auto-approve"); code != 1 {
		t.Fatalf("apply with foreign objects: exit %d, want 1", code)
	}
	if after := h.snapshot(); after != before {
		t.Fatalf("foreign objects were touched:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

// TestTwoStacksSideBySide: destroying one stack leaves the other working.
func TestTwoStacksSideBySide(t *testing.T) {
	h := appliedFront(t)
	other := worldReadableDir(t)
	writeFile(t, other+"/netplan.hcl", `
stack = "other"
network "back" {
  subnet = "172.21.0.0/16"
}
container "api" {
  network "back" {}
  publish {
    host_port      = 9090
    container_port = 80
  }
}
`)
	h.mustNetplan("apply", "-c", other, "-auto-approve")
	h.serve("api", "tcp", "0.0.0.0:80", "api")
	if got, ok := h.get("outside", "tcp", hostAddr+":9090"); !ok || !strings.Contains(got, "api") {
		t.Fatalf("second stack's port: %q", got)
	}
	h.mustNetplan("destroy", "-stack", "drift", "-auto-approve")
	if got, ok := h.get("outside", "tcp", hostAddr+":9090"); !ok || !strings.Contains(got, "api") {
		t.Fatalf("destroying stack drift broke stack other: %q", got)
	}
	if out, code := h.netplan("plan", "-c", other, "-detailed-exitcode"); code != 0 {
		t.Fatalf("stack other drifted when drift was destroyed: exit %d\n%s", code, out)
	}
	if _, code := h.Run("ip", "link", "show", "np-front"); code == 0 {
		t.Fatal("destroy -stack drift left its bridge")
	}
}

type jsonPlan struct {
	FormatVersion   string `json:"format_version"`
	ResourceChanges []struct {
		Address string `json:"address"`
		Change  struct {
			Actions []string `json:"actions"`
		} `json:"change"`
	} `json:"resource_changes"`
	Summary struct{ Add, Change, Destroy int } `json:"summary"`
}

func (h *host) planJSON() jsonPlan {
	h.t.Helper()
	out, code := h.netplan("plan", "-c", h.dir, "-json")
	if code != 0 {
		h.t.Fatalf("plan -json: exit %d\n%s", code, out)
	}
	var p jsonPlan
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		h.t.Fatalf("plan -json is not one JSON document: %v\n%s", err, out)
	}
	return p
}

func actionsOf(p jsonPlan, address string) string {
	for _, rc := range p.ResourceChanges {
		if rc.Address == address {
			return strings.Join(rc.Change.Actions, ",")
		}
	}
	return "(absent)"
}

// TestUpdateOrReplace: a published port changes in place; a bridge rename
// replaces the network and says which attribute forces it.
func TestUpdateOrReplace(t *testing.T) {
	h := appliedFront(t)
	h.config(map[string]string{"netplan.hcl": strings.Replace(frontConfig, "8080", "8081", 1)})
	p := h.planJSON()
	if a := actionsOf(p, "container.web"); a != "update" {
		t.Errorf("changed port: container.web actions = %s, want update", a)
	}
	if a := actionsOf(p, "container.db"); a != "no-op" {
		t.Errorf("changed port: container.db actions = %s, want no-op", a)
	}
	h.mustNetplan("apply", "-c", h.dir, "-auto-approve")
	if got, ok := h.get("outside", "tcp", hostAddr+":8081"); !ok || !strings.Contains(got, "web") {
		t.Fatalf("moved port 8081: %q", got)
	}
	if _, ok := h.get("outside", "tcp", hostAddr+":8080"); ok {
		t.Fatal("old port 8080 still answers")
	}

	h.config(map[string]string{"netplan.hcl": strings.Replace(frontConfig, `subnet = "172.20.0.0/16"`, "subnet = \"172.20.0.0/16\"\n  bridge = \"np-front2\"", 1)})
	p = h.planJSON()
	if a := actionsOf(p, "network.front"); a != "delete,create" {
		t.Errorf("renamed bridge: network.front actions = %s, want delete,create", a)
	}
	out, _ := h.netplan("plan", "-c", h.dir, "-no-color")
	if !strings.Contains(out, "forces replacement") {
		t.Errorf("plan does not say which attribute forces the replacement:\n%s", out)
	}
	h.mustNetplan("apply", "-c", h.dir, "-auto-approve")
	if out, code := h.netplan("plan", "-c", h.dir, "-detailed-exitcode"); code != 0 {
		t.Fatalf("after replace: exit %d\n%s", code, out)
	}
	h.expectTraffic()
}

// TestStableAddresses: an allocated address a container holds live is kept
// whatever containers come and go around it, and newcomers get the lowest
// free address.
func TestStableAddresses(t *testing.T) {
	h := appliedFront(t) // db gets 172.20.0.2, web 172.20.0.3 (name order)
	addrOf := func(ns string) string {
		links := h.ipJSON("-n", ns, "addr", "show", "eth0")
		for _, ip := range []string{"172.20.0.2", "172.20.0.3", "172.20.0.4"} {
			if len(links) == 1 && hasAddr(links[0], ip, 16) {
				return ip
			}
		}
		return "?"
	}
	if addrOf("db") != "172.20.0.2" || addrOf("web") != "172.20.0.3" {
		t.Fatalf("initial allocation: db=%s web=%s", addrOf("db"), addrOf("web"))
	}
	// db goes, aaa comes (first in name order), then bbb.
	cfg := strings.Replace(frontConfig, "container \"db\" {", "container \"aaa\" {", 1)
	h.config(map[string]string{"netplan.hcl": cfg})
	h.mustNetplan("apply", "-c", h.dir, "-auto-approve")
	if a, w := addrOf("aaa"), addrOf("web"); a != "172.20.0.2" || w != "172.20.0.3" {
		t.Fatalf("after db -> aaa: aaa=%s web=%s, want .2 and .3 (web keeps its address)", a, w)
	}
	h.config(map[string]string{"netplan.hcl": cfg + "\ncontainer \"bbb\" {\n  network \"front\" {}\n}\n"})
	h.mustNetplan("apply", "-c", h.dir, "-auto-approve")
	if a, b, w := addrOf("aaa"), addrOf("bbb"), addrOf("web"); a != "172.20.0.2" || b != "172.20.0.4" || w != "172.20.0.3" {
		t.Fatalf("after adding bbb: aaa=%s bbb=%s web=%s, want .2 .4 .3", a, b, w)
	}
	h.expectTraffic()
}
