package apply

import (
	"flag"
	"math/rand/v2"
	"net/netip"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/netplan-dev/netplan/drivers"
	"github.com/netplan-dev/netplan/drivers/fake"
	"github.com/netplan-dev/netplan/firewall"
	"github.com/netplan-dev/netplan/model"
	"github.com/netplan-dev/netplan/planner"
	"github.com/netplan-dev/netplan/planner/plannertest"
)

// The convergence walk follows tailscale's router tests
// (wgengine/router/osrouter/router_linux_test.go): a fake OS, a table of
// named configurations, and a check after each that the next plan is
// empty. Here the configurations are visited in random order with drift
// in between, so every transition between them gets exercised over runs.
// Replay a failure with -seed N (or NETPLAN_TEST_SEED=N).
var seedFlag = flag.Uint64("seed", 0, "seed of the convergence walk (0: random)")

const stack = "walk"

func configs() []struct {
	name string
	d    *model.Desired
} {
	demo := func() *model.Desired { return plannertest.Demo(stack) }
	with := func(f func(d *model.Desired)) *model.Desired { d := demo(); f(d); return plannertest.Sorted(d) }
	byName := func(d *model.Desired, name string) *model.Container {
		return &d.Containers[slices.IndexFunc(d.Containers, func(c model.Container) bool { return c.Name == name })]
	}
	front := func(d *model.Desired) *model.Network { return d.Network("front") }
	return []struct {
		name string
		d    *model.Desired
	}{
		{"empty", &model.Desired{Stack: stack}},
		{"demo", demo()},
		{"newcomer-first-in-name-order", with(func(d *model.Desired) {
			d.Containers = append(d.Containers, plannertest.Container("aaa", "front"))
		})},
		{"icc-off", with(func(d *model.Desired) { front(d).ICC = false })},
		{"bridge-renamed", with(func(d *model.Desired) { front(d).Bridge = "np-front2" })},
		{"network-renamed-bridge-kept", with(func(d *model.Desired) {
			front(d).Name = "edge"
			for ci := range d.Containers {
				for ai := range d.Containers[ci].Attachments {
					if a := &d.Containers[ci].Attachments[ai]; a.Network == "front" {
						a.Network = "edge"
					}
				}
			}
		})},
		{"netns-renamed", with(func(d *model.Desired) { byName(d, "web").Netns = "web-ns" })},
		{"ports-changed", with(func(d *model.Desired) {
			byName(d, "web").Publish = []model.Port{plannertest.Publish(8081, 80, 1), {HostIP: netip.MustParseAddr("127.0.0.1"), HostPort: 53, ContainerPort: 53, Count: 1, Protocol: "udp"}}
		})},
		{"back-only", with(func(d *model.Desired) {
			d.Networks = slices.DeleteFunc(d.Networks, func(n model.Network) bool { return n.Name == "front" })
			d.Containers = slices.DeleteFunc(d.Containers, func(c model.Container) bool { return c.Name == "web" })
		})},
		{"mtu-and-static-address", with(func(d *model.Desired) {
			front(d).MTU = 9000
			w := byName(d, "web")
			w.Attachments[0].Address, w.Attachments[0].Static = netip.MustParseAddr("172.18.0.77"), true
			w.Attachments[0].MAC = "02:00:00:00:00:77"
		})},
		{"interface-renamed", with(func(d *model.Desired) { byName(d, "web").Attachments[1].Interface = "back0" })},
		{"default-bridge", &model.Desired{Stack: stack,
			Networks:   []model.Network{plannertest.Net(model.NetworkBridge, model.DefaultBridgeName, model.DefaultBridgeSubnet.String())},
			Containers: []model.Container{plannertest.None("jail"), plannertest.Container("plain", model.NetworkBridge)}}},
	}
}

// drifts are changes made to the host behind netplan's back.
var drifts = []struct {
	name string
	f    func(s *model.State)
}{
	{"none", func(*model.State) {}},
	{"bridge-down", func(s *model.State) {
		for _, b := range s.Bridges {
			b.Up = false
			return
		}
	}},
	{"netns-deleted", func(s *model.State) {
		for name := range s.Netns {
			delete(s.Netns, name)
			return
		}
	}},
	{"veth-deleted", func(s *model.State) {
		for _, n := range s.Netns {
			for iface, v := range n.Veths {
				delete(n.Veths, iface)
				if carries(v, n.Gateway) {
					n.Gateway = netip.Addr{}
				}
				return
			}
		}
	}},
	{"host-end-gone", func(s *model.State) {
		for _, n := range s.Netns {
			for _, v := range n.Veths {
				v.HostName, v.Bridge, v.Hairpin, v.Isolated = "", "", false, false
				return
			}
		}
	}},
	{"address-changed", func(s *model.State) {
		for _, n := range s.Netns {
			for _, v := range n.Veths {
				v.Addrs = []netip.Prefix{netip.MustParsePrefix("10.250.0.9/16")}
				n.Gateway = netip.Addr{}
				return
			}
		}
	}},
	{"veth-down", func(s *model.State) {
		for _, n := range s.Netns {
			for _, v := range n.Veths {
				v.Up = false
				if carries(v, n.Gateway) {
					n.Gateway = netip.Addr{}
				}
				return
			}
		}
	}},
	{"table-flushed", func(s *model.State) {
		if s.Firewall != nil {
			s.Firewall.Rules = nil
		}
	}},
	{"rule-added", func(s *model.State) {
		if s.Firewall != nil {
			s.Firewall.Rules = append(s.Firewall.Rules, "chain input { accept }")
		}
	}},
	{"ip-forward-off", func(s *model.State) { s.Sysctls[model.SysctlIPForward] = "0" }},
	{"lo-down", func(s *model.State) {
		for _, n := range s.Netns {
			n.LoUp = false
			return
		}
	}},
}

func carries(v *model.Veth, gw netip.Addr) bool {
	return slices.ContainsFunc(v.Addrs, func(p netip.Prefix) bool { return p.Masked().Contains(gw) })
}

func walkSeed(t *testing.T) uint64 {
	seed := *seedFlag
	if env := os.Getenv("NETPLAN_TEST_SEED"); seed == 0 && env != "" {
		v, err := strconv.ParseUint(env, 10, 64)
		if err != nil {
			t.Fatalf("NETPLAN_TEST_SEED: %v", err)
		}
		seed = v
	}
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("convergence walk seed %d (replay: go test ./apply -run %s -seed %d)", seed, t.Name(), seed)
	return seed
}

func TestConverge(t *testing.T) {
	walk(t, walkSeed(t), 60)
}

func TestConvergeRealFirewall(t *testing.T) {
	if !plannertest.RealFirewallReady() {
		t.Skip("firewall.Build not implemented yet; the stand-in walk ran in TestConverge")
	}
	defer planner.SetFirewallBuilder(firewall.Build)()
	walk(t, walkSeed(t), 60)
}

// walk visits visits configurations in the seed's order, drifting the host
// in between, and checks each apply converges.
func walk(t *testing.T, seed uint64, visits int) {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	cs := configs()
	k := fake.New()
	k.AddForeign("bridge", "docker0", "bridge docker0")
	k.AddForeign("netns", "other", "ip netns add other")
	// Visit every configuration once first, in random order, then at random.
	order := rng.Perm(len(cs))
	for len(order) < visits {
		order = append(order, rng.IntN(len(cs)))
	}
	for i, ci := range order {
		c := cs[ci]
		dr := drifts[rng.IntN(len(drifts))]
		k.Mutate(stack, dr.f)
		p, q := planFor(t, k, c.d)
		if _, err := Apply(t.Context(), k, p, Options{Query: q, Workers: 1 + rng.IntN(4)}); err != nil {
			t.Fatalf("visit %d %s after drift %s: %v", i, c.name, dr.name, err)
		}
		again, _ := planFor(t, k, c.d)
		if !again.Empty() {
			t.Fatalf("visit %d %s after drift %s: plan after apply not empty: %+v", i, c.name, dr.name, again.Steps)
		}
		if want, got := fake.DumpState(p.Target), liveDump(t, k, p.Target); got != want {
			t.Fatalf("visit %d %s after drift %s: host differs from target\ngot:\n%s\nwant:\n%s", i, c.name, dr.name, got, want)
		}
	}
	// Destroy leaves only what the stack did not own (and sysctls).
	obs, err := k.Observe(t.Context(), queryStack())
	if err != nil {
		t.Fatal(err)
	}
	p := planner.Diff(model.NewState(stack), obs.State)
	p.Destroy = true
	if _, err := Apply(t.Context(), k, p, Options{Query: queryStack()}); err != nil {
		t.Fatalf("destroy: %v", err)
	}
	after, _ := k.Observe(t.Context(), queryStack())
	if s := after.State; len(s.Bridges)+len(s.Netns) != 0 || s.Firewall != nil {
		t.Fatalf("destroy left %s", fake.DumpState(s))
	}
}

func queryStack() drivers.Query { return drivers.Query{Stack: stack} }
