package config

import (
	"net/netip"
	"testing"
)

// Allocation through Load: containers in name order get the lowest free
// address, skipping the network address, the gateway (wherever it is) and
// every static address, whichever container holds it.
func TestAllocation(t *testing.T) {
	dir := writeFiles(t, map[string]string{"main.hcl": `
network "lab" {
  subnet  = "10.6.0.0/29"     # .1-.6 usable
  gateway = "10.6.0.2"
}
container "d" {
  network "lab" {}
}
container "a" {
  network "lab" {}
}
container "z" {
  network "lab" { ipv4_address = "10.6.0.3" }
}
container "c" {
  network "lab" {}
}
container "b" {
  network "lab" { ipv4_address = "10.6.0.5" }
}
`})
	cfg, diags := Load(Options{Path: dir})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	want := map[string]string{"a": "10.6.0.1", "b": "10.6.0.5", "c": "10.6.0.4", "d": "10.6.0.6", "z": "10.6.0.3"}
	for _, c := range cfg.Desired.Containers {
		got := c.Attachments[0].Address
		if got != netip.MustParseAddr(want[c.Name]) {
			t.Errorf("container %s got %s, want %s", c.Name, got, want[c.Name])
		}
		if static := c.Name == "b" || c.Name == "z"; c.Attachments[0].Static != static {
			t.Errorf("container %s static = %v, want %v", c.Name, c.Attachments[0].Static, static)
		}
	}
}

// One more container than the subnet holds is a diagnostic on the container
// that comes last in name order, not on the one declared last.
func TestAllocationExhausted(t *testing.T) {
	dir := writeFiles(t, map[string]string{"main.hcl": `network "lab" {
  subnet = "10.6.0.0/30"
}
container "b" {
  network "lab" {}
}
container "a" {
  network "lab" {}
}
`})
	_, diags := Load(Options{Path: dir})
	if len(diags) != 1 || diags[0].Subject == nil {
		t.Fatalf("want one diagnostic with a subject, got %v", diags)
	}
	if d := diags[0]; d.Summary != `No free address in network "lab"` || d.Subject.Start.Line != 5 {
		t.Errorf("got %q at line %d; want the exhausted network at container b (line 5)", d.Summary, d.Subject.Start.Line)
	}
}
