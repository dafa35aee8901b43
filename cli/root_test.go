package cli

import (
	"testing"

	"github.com/netplan-dev/netplan/drivers"
)

// TestNeedsRoot fakes a non-root euid (the tests run as root here) and
// checks each kernel command refuses plainly, before opening the kernel.
func TestNeedsRoot(t *testing.T) {
	const read = " needs root (CAP_NET_ADMIN) to read the kernel's network state; try sudo\n"
	const change = " needs root (CAP_NET_ADMIN) to change the kernel's network state; try sudo\n"
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"plan", "-c", "testdata/good"}, "netplan plan" + read},
		{[]string{"plan", "-destroy", "-stack", "demo"}, "netplan plan" + read},
		{[]string{"apply", "-c", "testdata/good", "-auto-approve"}, "netplan apply" + change},
		{[]string{"destroy", "-c", "testdata/good"}, "netplan destroy" + change},
		{[]string{"destroy", "--stack", "demo"}, "netplan destroy" + change},
		{[]string{"show", "-stack", "demo"}, "netplan show" + read},
		{[]string{"show", "-c", "testdata/good"}, "netplan show" + read},
		{[]string{"exec", "web", "--", "true"}, "netplan exec needs root (CAP_NET_ADMIN) to enter a container's network namespace; try sudo\n"},
		{[]string{"exec", "-stack", "demo", "web", "--", "true"}, "netplan exec needs root (CAP_NET_ADMIN) to enter a container's network namespace; try sudo\n"},
	}
	for _, tt := range tests {
		h := newHarness(t, 1000)
		h.a.newKernel = func() (drivers.Kernel, error) {
			t.Fatalf("%v opened the kernel without root", tt.args)
			return nil, nil
		}
		if code := h.run(tt.args...); code != 1 {
			t.Errorf("%v: exit %d, want 1", tt.args, code)
		}
		if h.err.String() != tt.want {
			t.Errorf("%v: stderr = %q, want %q", tt.args, &h.err, tt.want)
		}
	}
}

// TestConfigErrorsBeforeRoot: a broken configuration is reported as such,
// even without root, since nothing needs the kernel to find it.
func TestConfigErrorsBeforeRoot(t *testing.T) {
	h := newHarness(t, 1000)
	h.expect(1, nil, []string{"Unknown network", "testdata/bad/netplan.hcl:8:11"}, "plan", "-c", "testdata/bad")
}
