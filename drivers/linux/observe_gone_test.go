package linux

import (
	"context"
	"strings"
	"testing"

	"github.com/netplan-dev/netplan/drivers"
	"github.com/netplan-dev/netplan/model"
)

// TestObserveGone: the by-name observation used to verify a destroy finds
// what is left of the queried bridges and namespaces, and nothing once
// they are deleted.
func TestObserveGone(t *testing.T) {
	const stack = "gone"
	k := newKernel(t, stack)
	observeFirewallFn = func(string) (*model.Firewall, bool, error) { return nil, false, nil }
	br, n := vethFixture(t, k, stack, "np-gone", "gone-web")
	cleanupLinks(t, "np-gone-plain")
	sh(t, "ip link add np-gone-plain type bridge")
	q := drivers.Query{Stack: stack, Bridges: []string{"np-gone", "np-gone-absent", "np-gone-plain"}, Netns: []string{"gone-web"}}

	obs, err := k.ObserveGone(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	if obs.State.Bridges["np-gone"] == nil || obs.State.Netns["gone-web"] == nil || len(obs.State.Bridges) != 1 {
		t.Fatalf("before delete: bridges %v netns %v", obs.State.Bridges, obs.State.Netns)
	}
	if len(obs.Foreign) != 1 || obs.Foreign[0].Name != "np-gone-plain" {
		t.Fatalf("foreign: %+v", obs.Foreign)
	}

	do(t, k,
		model.Step{Kind: model.StepDeleteNetns, Owner: n.Owner, Netns: n},
		model.Step{Kind: model.StepDeleteBridge, Owner: br.Owner, Link: br.Name})
	obs, err = k.ObserveGone(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	if len(obs.State.Bridges) != 0 || len(obs.State.Netns) != 0 {
		t.Fatalf("after delete: bridges %v netns %v", obs.State.Bridges, obs.State.Netns)
	}
}

// TestNetnsIPv6Off: links born in a namespace netplan creates have IPv6
// off (no link-local address, no DAD or MLD flooding the bridge), while lo
// keeps ::1.
func TestNetnsIPv6Off(t *testing.T) {
	const stack = "six"
	k := newKernel(t, stack)
	_, n := vethFixture(t, k, stack, "np-six", "six-web")
	v := testVeth(stack, "web", "eth0", "np-six", "172.30.0.2/24")
	do(t, k, model.Step{Kind: model.StepCreateVeth, Owner: n.Owner, Netns: n, Veth: v})
	t.Cleanup(func() { cleanupLinks(t, v.HostName) })
	got := sh(t, "nsenter --net=/run/netns/six-web sh -c 'cat /proc/sys/net/ipv6/conf/eth0/disable_ipv6 /proc/sys/net/ipv6/conf/lo/disable_ipv6; ip -6 -o addr'")
	if !strings.HasPrefix(got, "1\n0\n") || strings.Contains(got, "eth0") || !strings.Contains(got, "::1") {
		t.Fatalf("IPv6 in the namespace:\n%s", got)
	}
}
