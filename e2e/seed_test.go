package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func seedConfig(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(bin.root, "examples/seed/netplan.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestSeedScenario applies examples/seed and checks every traffic path of
// the seed document with real TCP, then a second plan, then destroy.
func TestSeedScenario(t *testing.T) {
	h := newHost(t)
	h.config(map[string]string{"netplan.hcl": seedConfig(t)})
	// Objects the stack does not own; destroy must leave them alone.
	h.Sh("ip link add keepme type bridge && ip netns add keepns")

	out := h.mustNetplan("plan", "-c", h.dir)
	for _, want := range []string{"# network.bridge will be created", "# container.web will be created",
		"# container.isolated will be created", "Plan: "} {
		if !strings.Contains(out, want) {
			t.Errorf("plan output lacks %q:\n%s", want, out)
		}
	}
	out = h.mustNetplan("apply", "-c", h.dir, "-auto-approve")
	if !strings.Contains(out, "Apply complete!") {
		t.Fatalf("apply output lacks the summary line:\n%s", out)
	}

	// The kernel holds what the seed describes.
	links := h.ipJSON("-n", "web", "addr", "show", "eth0")
	if len(links) != 1 || !hasAddr(links[0], "172.17.0.2", 16) {
		t.Fatalf("web's eth0 does not hold 172.17.0.2/16: %v", links)
	}
	br := h.ipJSON("addr", "show", "netplan0")
	if len(br) != 1 || !hasAddr(br[0], "172.17.0.1", 16) {
		t.Fatalf("bridge netplan0 does not hold 172.17.0.1/16: %v", br)
	}
	if l := h.ipJSON("-n", "isolated", "link", "show"); len(l) != 1 || l[0]["ifname"] != "lo" {
		t.Fatalf("isolated should hold only lo: %v", l)
	}
	if _, code := h.Run("ip", "netns", "exec", "hostnet", "true"); code == 0 {
		t.Fatal("a host-mode container got a namespace of its own")
	}
	if out := h.mustNetplan("exec", "-c", h.dir, "hostnet", "--", "ip", "-br", "link", "show", "netplan0"); !strings.Contains(out, "netplan0") {
		t.Fatalf("exec in a host-network container does not see the host's links:\n%s", out)
	}
	if out := h.mustNetplan("exec", "-c", h.dir, "web", "--", "ip", "-br", "addr", "show", "eth0"); !strings.Contains(out, "172.17.0.2/16") {
		t.Fatalf("exec in web does not see its eth0:\n%s", out)
	}

	h.serve("web", "tcp", "0.0.0.0:80", "Welcome to nginx!")
	h.serve("outside", "tcp", "0.0.0.0:9000", "outside")
	paths := []struct {
		name, from, to, wantClient string
	}{
		{"outside -> host address", "outside", hostAddr + ":8080", outsideAddr},
		{"host -> its own address", "", hostAddr + ":8080", ""},
		{"host -> 127.0.0.1", "", "127.0.0.1:8080", ""},
		{"container -> host's published port (hairpin)", "web", hostAddr + ":8080", ""},
		{"host -> container address", "", "172.17.0.2:80", "172.17.0.1"},
	}
	for _, p := range paths {
		got, ok := h.get(p.from, "tcp", p.to)
		if !ok || !strings.Contains(got, "Welcome to nginx!") {
			t.Errorf("%s: no answer from the web container: %q", p.name, got)
		} else if p.wantClient != "" && !strings.Contains(got, "client="+p.wantClient+":") {
			t.Errorf("%s: server saw the wrong client: %q", p.name, got)
		}
	}
	if got, ok := h.get("web", "tcp", outsideAddr+":9000"); !ok || !strings.Contains(got, "client="+hostAddr+":") {
		t.Errorf("container -> outside is not masqueraded behind the host address: %q ok=%v", got, ok)
	}
	for _, to := range []string{hostAddr + ":8080", "172.17.0.2:80", outsideAddr + ":9000", "127.0.0.1:8080"} {
		if got, ok := h.get("isolated", "tcp", to); ok {
			t.Errorf("container on none reached %s: %q", to, got)
		}
	}

	out, code := h.netplan("plan", "-c", h.dir, "-detailed-exitcode")
	if code != 0 || !strings.Contains(out, "No changes") {
		t.Fatalf("second plan: exit %d, want 0 and \"No changes\":\n%s", code, out)
	}
	out = h.mustNetplan("apply", "-c", h.dir, "-auto-approve")
	if !strings.Contains(out, "0 added, 0 changed, 0 destroyed") {
		t.Fatalf("second apply changed something:\n%s", out)
	}

	h.stopAll()
	h.mustNetplan("destroy", "-c", h.dir, "-auto-approve")
	for _, ns := range []string{"web", "isolated"} {
		if _, code := h.Run("ip", "netns", "exec", ns, "true"); code == 0 {
			t.Errorf("namespace %s survived destroy", ns)
		}
	}
	if _, code := h.Run("ip", "link", "show", "netplan0"); code == 0 {
		t.Error("bridge netplan0 survived destroy")
	}
	if out := h.MustRun("nft", "list", "tables"); strings.Contains(out, "netplan-seed") {
		t.Errorf("table survived destroy: %s", out)
	}
	h.MustRun("ip", "link", "show", "keepme")
	h.MustRun("ip", "netns", "exec", "keepns", "true")
	h.MustRun("ip", "netns", "exec", "outside", "true")
	out, code = h.netplan("plan", "-c", h.dir, "-detailed-exitcode")
	if code != 2 {
		t.Fatalf("plan after destroy: exit %d, want 2:\n%s", code, out)
	}
}

func hasAddr(link map[string]any, ip string, prefix float64) bool {
	infos, _ := link["addr_info"].([]any)
	for _, i := range infos {
		m, _ := i.(map[string]any)
		if m["local"] == ip && m["prefixlen"] == prefix {
			return true
		}
	}
	return false
}
