package linux

import (
	"net/netip"
	"reflect"
	"testing"

	"github.com/netplan-dev/netplan/drivers"
	"github.com/netplan-dev/netplan/model"
)

// TestRouteSteps: set-route, replace it, drift by hand, del-route.
func TestRouteSteps(t *testing.T) {
	const stack = "routes"
	k := newKernel(t, stack)
	_, n := vethFixture(t, k, stack, "np-rt", "rt-web")
	v := testVeth(stack, "web", "eth0", "np-rt", "172.30.0.10/16")
	do(t, k, model.Step{Kind: model.StepCreateVeth, Owner: n.Owner, Netns: n, Veth: v})
	gateway := func() netip.Addr {
		t.Helper()
		return observe(t, k, drivers.Query{Stack: stack}).State.Netns["rt-web"].Gateway
	}
	if gw := gateway(); gw.IsValid() {
		t.Fatalf("gateway %v before set-route", gw)
	}
	cases := []struct {
		name string
		step model.Step
		want string // "" for none
	}{
		{"set", model.Step{Kind: model.StepSetRoute, Gateway: netip.MustParseAddr("172.30.0.1")}, "172.30.0.1"},
		{"replace", model.Step{Kind: model.StepSetRoute, Gateway: netip.MustParseAddr("172.30.0.2")}, "172.30.0.2"},
		{"delete", model.Step{Kind: model.StepDelRoute}, ""},
		{"delete again", model.Step{Kind: model.StepDelRoute}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.step.Owner, c.step.Netns = n.Owner, n
			do(t, k, c.step)
			var want netip.Addr
			if c.want != "" {
				want = netip.MustParseAddr(c.want)
			}
			if gw := gateway(); gw != want {
				t.Fatalf("gateway %v, want %v", gw, want)
			}
		})
	}
	sh(t, "ip -n rt-web route add default via 172.30.0.7")
	if gw := gateway(); gw != netip.MustParseAddr("172.30.0.7") {
		t.Fatalf("route added by hand not observed: %v", gw)
	}
}

// TestForeignRoutes: a route overlapping a wanted subnet through a device
// the stack does not own is foreign; the stack's own bridge routes and
// default routes are not.
func TestForeignRoutes(t *testing.T) {
	const stack = "froutes"
	k := newKernel(t, stack)
	cleanupLinks(t, "np-fr", "other-fr")
	br := testBridge(stack, "front", "np-fr") // its connected route 172.30.0.0/16 is ours
	do(t, k, model.Step{Kind: model.StepCreateBridge, Owner: br.Owner, Bridge: br})
	sh(t, `ip link add other-fr type bridge && ip link set other-fr up &&
		ip addr add 10.77.0.1/24 dev other-fr && ip route add 10.88.0.0/16 dev other-fr &&
		ip route add blackhole 10.99.1.0/24 && ip route add default via 10.77.0.254`)
	t.Cleanup(func() { sh(t, "ip route del blackhole 10.99.1.0/24; ip route del default via 10.77.0.254 || true") })
	q := drivers.Query{Stack: stack, Subnets: []netip.Prefix{
		netip.MustParsePrefix("172.30.0.0/16"),  // ours
		netip.MustParsePrefix("10.88.128.0/17"), // inside another device's route
		netip.MustParsePrefix("10.99.0.0/16"),   // contains a blackhole
		netip.MustParsePrefix("10.50.0.0/16"),   // free
	}}
	want := []drivers.Foreign{
		{Kind: "route", Name: "10.88.0.0/16", Detail: "dev other-fr"},
		{Kind: "route", Name: "10.99.1.0/24", Detail: "blackhole"},
	}
	if got := observe(t, k, q).Foreign; !reflect.DeepEqual(got, want) {
		t.Fatalf("foreign %+v, want %+v", got, want)
	}
}
