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

// TestDefaultGatewayLookup: the route lookup Observe uses answers what the
// dump of the main table answers, in every arrangement of default routes;
// it answers alone only for a plain default route.
func TestDefaultGatewayLookup(t *testing.T) {
	sh(t, `ip netns add gwl && ip -n gwl link add gwa type veth peer name gwb &&
		ip -n gwl addr add 10.9.0.2/24 dev gwa && ip -n gwl link set gwa up && ip -n gwl link set gwb up`)
	t.Cleanup(func() { sh(t, "ip netns del gwl") })
	cases := []struct {
		name, routes string
		want         string // "" for none
		plain        bool   // the lookup alone answers
	}{
		{"none", "", "", false},
		{"default", "ip -n gwl route add default via 10.9.0.1", "10.9.0.1", true},
		{"lowest metric", "ip -n gwl route add default via 10.9.0.1 metric 100 && ip -n gwl route add default via 10.9.0.5 metric 50", "10.9.0.5", true},
		{"unreachable first", "ip -n gwl route add unreachable default metric 10 && ip -n gwl route add default via 10.9.0.1 metric 100", "10.9.0.1", false},
		{"device route first", "ip -n gwl route add default dev gwa metric 10 && ip -n gwl route add default via 10.9.0.1 metric 100", "10.9.0.1", false},
		{"probe covered", "ip -n gwl route add 192.0.2.0/24 via 10.9.0.3 && ip -n gwl route add default via 10.9.0.1", "10.9.0.1", false},
		{"other table", "ip -n gwl route add default via 10.9.0.1 table 100 && ip -n gwl rule add pref 100 lookup 100", "", false},
		{"other table first", "ip -n gwl route add default via 10.9.0.9 table 100 && ip -n gwl rule add pref 100 lookup 100 && ip -n gwl route add default via 10.9.0.1", "10.9.0.1", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// The reader moves its goroutine's locked thread into the
			// namespace: one per subtest, whose goroutine it is.
			r, err := newNsReader()
			if err != nil {
				t.Fatal(err)
			}
			defer r.close()
			sh(t, "ip -n gwl route flush table main proto boot; ip -n gwl route flush table 100; ip -n gwl rule del pref 100 2>/dev/null; true")
			if c.routes != "" {
				sh(t, c.routes)
			}
			s, _, err := r.socketIn(netnsDir + "/gwl")
			if err != nil {
				t.Fatal(err)
			}
			defer s.close()
			dumped, err := rawGateway(s)
			if err != nil {
				t.Fatal(err)
			}
			got, err := defaultGateway(s)
			if err != nil {
				t.Fatal(err)
			}
			_, plain := lookupGateway(s)
			var want netip.Addr
			if c.want != "" {
				want = netip.MustParseAddr(c.want)
			}
			if got != want || dumped != want || plain != c.plain {
				t.Fatalf("defaultGateway %v, dump %v, lookup alone %v; want %v, alone %v", got, dumped, plain, want, c.plain)
			}
		})
	}
}
