package e2e

import (
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// TestBrokenConfigTouchesNothing: validate, plan and apply of a broken
// configuration exit 1 with a file:line:col diagnostic, and the host is
// byte-for-byte what it was.
func TestBrokenConfigTouchesNothing(t *testing.T) {
	h := newHost(t)
	h.config(map[string]string{"netplan.hcl": `
network "front" {
  subnet = "172.20.0.0/16"
}
container "web" {
  network "frnt" {}
}
`})
	before := h.snapshot()
	loc := regexp.MustCompile(`netplan\.hcl:6:\d+`)
	for _, args := range [][]string{
		{"validate", "-c", h.dir},
		{"plan", "-c", h.dir},
		{"apply", "-c", h.dir, "-auto-approve"},
	} {
		out, code := h.netplan(args...)
		if code != 1 {
			t.Errorf("%s: exit %d, want 1\n%s", args[0], code, out)
		}
		if !loc.MatchString(out) || !strings.Contains(out, `"frnt"`) || !strings.Contains(out, `"front"`) {
			t.Errorf("%s: diagnostic lacks file:line:col, the name or the suggestion:\n%s", args[0], out)
		}
	}
	if after := h.snapshot(); after != before {
		t.Fatalf("a broken configuration changed the host:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

// TestWithoutRoot: validate works without root; the others say they need it.
func TestWithoutRoot(t *testing.T) {
	h := newHost(t)
	h.config(map[string]string{"netplan.hcl": seedConfig(t)})
	if _, err := exec.LookPath("setpriv"); err != nil {
		t.Fatal("setpriv (util-linux) is needed to drop root")
	}
	nobody := []string{"--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all", bin.netplan}
	out, code := h.Run("setpriv", append(nobody, "validate", "-c", h.dir)...)
	if code != 0 {
		t.Fatalf("validate without root: exit %d\n%s", code, out)
	}
	for _, cmd := range []string{"plan", "apply", "destroy", "show"} {
		out, code := h.Run("setpriv", append(nobody, cmd, "-c", h.dir)...)
		if code != 1 || !strings.Contains(out, "root") || !strings.Contains(out, "CAP_NET_ADMIN") {
			t.Errorf("%s without root: exit %d, want 1 and a message about root/CAP_NET_ADMIN:\n%s", cmd, code, out)
		}
	}
}
