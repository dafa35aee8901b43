package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExamplesConverge keeps every example runnable: each one validates,
// applies, plans empty, shows and destroys cleanly.
func TestExamplesConverge(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join(bin.root, "examples", "*"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no examples: %v", err)
	}
	for _, dir := range dirs {
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			continue
		}
		t.Run(filepath.Base(dir), func(t *testing.T) {
			h := newHost(t)
			h.mustNetplan("validate", "-c", dir)
			h.mustNetplan("apply", "-c", dir, "-auto-approve")
			if out, code := h.netplan("plan", "-c", dir, "-detailed-exitcode"); code != 0 {
				t.Fatalf("plan after apply: exit %d\n%s", code, out)
			}
			if out := h.mustNetplan("show", "-c", dir); !strings.Contains(out, "CONTAINER") {
				t.Errorf("show lists no containers:\n%s", out)
			}
			h.mustNetplan("destroy", "-c", dir, "-auto-approve")
			if out := h.MustRun("ip", "netns", "list"); strings.TrimSpace(out) != "outside (id: 0)" && strings.TrimSpace(out) != "outside" {
				t.Errorf("namespaces left after destroy:\n%s", out)
			}
		})
	}
}

// TestLabInternalNetwork: in examples/lab, the proxy publishes 8443 from the
// front network while app and db sit on an internal network: reachable from
// the proxy, with no way out.
func TestLabInternalNetwork(t *testing.T) {
	h := newHost(t)
	dir := filepath.Join(bin.root, "examples", "lab")
	h.mustNetplan("apply", "-c", dir, "-auto-approve")
	h.serve("proxy", "tcp", "0.0.0.0:443", "proxy")
	h.serve("db", "tcp", "0.0.0.0:5432", "db")
	h.serve("outside", "tcp", "0.0.0.0:9000", "outside")
	if got, ok := h.get("outside", "tcp", hostAddr+":8443"); !ok || !strings.Contains(got, "proxy") {
		t.Errorf("outside -> 8443 -> proxy: %q", got)
	}
	if got, ok := h.get("proxy", "tcp", "10.88.2.50:5432"); !ok || !strings.Contains(got, "db") {
		t.Errorf("proxy -> db on the internal network: %q", got)
	}
	if got, ok := h.get("app", "tcp", outsideAddr+":9000"); ok {
		t.Errorf("app on an internal network reached the outside: %q", got)
	}
	if got, ok := h.get("outside", "tcp", "10.88.2.50:5432"); ok {
		t.Errorf("outside reached db on an internal network: %q", got)
	}
}
