package e2e

import (
	"strings"
	"testing"
)

const cacheContainer = `
container "cache" {
  network "front" {}
  publish {
    host_port      = 8081
    container_port = 80
  }
}
`

// TestRefreshFalseTrustsTheRecord: after an apply, plan -refresh=false takes
// what that apply verified inside each container from the record it left,
// while the host shows the container's namespace and veths unchanged. A
// route deleted by hand inside goes unseen (a full plan sees it); what the
// host shows (a container end set down, a namespace deleted) is read and
// planned. apply -refresh=false adds a container that serves real traffic,
// and a destroy leaves no record behind.
func TestRefreshFalseTrustsTheRecord(t *testing.T) {
	h := appliedFront(t)
	const record = "/run/netplan/drift.record"
	h.Sh("test -s " + record)

	h.Sh("ip -n db route del default")
	if out, code := h.netplan("plan", "-c", h.dir, "-refresh=false", "-detailed-exitcode"); code != 0 {
		t.Fatalf("plan -refresh=false after a route went inside db: exit %d, want 0 (the record is trusted)\n%s", code, out)
	}
	if out, code := h.netplan("plan", "-c", h.dir, "-detailed-exitcode", "-no-color"); code != 2 || !strings.Contains(out, "# container.db will be updated in-place") {
		t.Fatalf("full plan after a route went inside db: exit %d, want 2 and container.db updated\n%s", code, out)
	}
	h.mustNetplan("apply", "-c", h.dir, "-auto-approve")

	for _, c := range []struct{ name, break_, want string }{
		{"container end down", "ip -n db link set eth0 down", "# container.db will be updated in-place"},
		{"namespace deleted", "ip netns del db", "# container.db will be created"},
	} {
		h.Sh(c.break_)
		out, code := h.netplan("plan", "-c", h.dir, "-refresh=false", "-detailed-exitcode", "-no-color")
		if code != 2 || !strings.Contains(out, c.want) {
			t.Fatalf("plan -refresh=false after %s: exit %d, want 2 and %q\n%s", c.name, code, c.want, out)
		}
		h.mustNetplan("apply", "-c", h.dir, "-refresh=false", "-auto-approve")
		if out, code := h.netplan("plan", "-c", h.dir, "-detailed-exitcode"); code != 0 {
			t.Fatalf("full plan after apply -refresh=false repaired %s: exit %d\n%s", c.name, code, out)
		}
	}

	h.config(map[string]string{"netplan.hcl": frontConfig + cacheContainer})
	out := h.mustNetplan("apply", "-c", h.dir, "-refresh=false", "-auto-approve", "-no-color")
	if !strings.Contains(out, "Resources: 1 added, 0 changed, 0 destroyed") {
		t.Fatalf("apply -refresh=false of one more container:\n%s", out)
	}
	if out, code := h.netplan("plan", "-c", h.dir, "-detailed-exitcode"); code != 0 {
		t.Fatalf("full plan after apply -refresh=false: exit %d\n%s", code, out)
	}
	h.serve("cache", "tcp", "0.0.0.0:80", "cache")
	if got, ok := h.get("outside", "tcp", hostAddr+":8081"); !ok || !strings.Contains(got, "cache") {
		t.Fatalf("outside -> cache's published port: %q ok=%v", got, ok)
	}
	h.expectTraffic()

	h.mustNetplan("destroy", "-c", h.dir, "-auto-approve")
	h.Sh("test ! -e " + record)
}
