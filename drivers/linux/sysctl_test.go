package linux

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/netplan-dev/netplan/drivers"
	"github.com/netplan-dev/netplan/model"
)

func TestSysctlPath(t *testing.T) {
	cases := []struct{ key, want string }{
		{"net.ipv4.ip_forward", "/proc/sys/net/ipv4/ip_forward"},
		{"net.ipv4.conf.np-front.route_localnet", "/proc/sys/net/ipv4/conf/np-front/route_localnet"},
		{"net.ipv4.conf.br.100.route_localnet", "/proc/sys/net/ipv4/conf/br.100/route_localnet"},
		{"net.ipv6.conf.all.forwarding", "/proc/sys/net/ipv6/conf/all/forwarding"},
		{"net.ipv4.conf.x", ""},
		{"net/ipv4/ip_forward", ""},
		{"net.ipv4.conf.....route_localnet", ""},
		{"", ""},
	}
	for _, c := range cases {
		got, err := sysctlPath(c.key)
		if c.want == "" {
			if err == nil {
				t.Errorf("%q: got %q, want an error", c.key, got)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%q: got %q, %v; want %q", c.key, got, err, c.want)
		}
	}
}

// TestSysctlSteps writes sysctls of the sandbox and reads them back,
// including a per-bridge key whose bridge name holds a dot.
func TestSysctlSteps(t *testing.T) {
	const stack = "sysctls"
	k := newKernel(t, stack)
	cleanupLinks(t, "np-s.1")
	br := testBridge(stack, "dotted", "np-s.1")
	do(t, k, model.Step{Kind: model.StepCreateBridge, Owner: br.Owner, Bridge: br})
	localnet := model.SysctlRouteLocalnet("np-s.1")
	missing := model.SysctlRouteLocalnet("np-absent")
	do(t, k,
		model.Step{Kind: model.StepSetSysctl, Key: model.SysctlIPForward, Value: "1"},
		model.Step{Kind: model.StepSetSysctl, Key: localnet, Value: "1"})
	q := drivers.Query{Stack: stack, Sysctls: []string{model.SysctlIPForward, localnet, missing}}
	want := map[string]string{model.SysctlIPForward: "1", localnet: "1"}
	if got := observe(t, k, q).State.Sysctls; !reflect.DeepEqual(got, want) {
		t.Fatalf("sysctls %v, want %v", got, want)
	}
	data, err := os.ReadFile(filepath.Join("/proc/sys/net/ipv4/conf/np-s.1/route_localnet"))
	if err != nil || string(data) != "1\n" {
		t.Fatalf("route_localnet file: %q %v", data, err)
	}
	do(t, k, model.Step{Kind: model.StepSetSysctl, Key: model.SysctlIPForward, Value: "0"})
	if got := observe(t, k, q).State.Sysctls[model.SysctlIPForward]; got != "0" {
		t.Fatalf("ip_forward %q after setting 0", got)
	}
	if err := k.Do(t.Context(), model.Step{Kind: model.StepSetSysctl, Key: missing, Value: "1"}); err == nil {
		t.Fatal("writing a sysctl of a missing bridge succeeded")
	}
}
