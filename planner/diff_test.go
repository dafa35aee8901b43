package planner

import (
	"net/netip"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/netplan-dev/netplan/model"
	"github.com/netplan-dev/netplan/planner/plannertest"
)

// Demo: networks front (172.18.0.0/16) and back (internal, icc off,
// 172.20.0.0/24); web on front+back publishing 8080 and 9000-9002; db on
// back; jail with --network none; tools with --network host.
// Allocated: web eth0 172.18.0.2, web eth1 172.20.0.3, db eth0 172.20.0.2.

// nonNil is steps, nil when empty, as Steps returns them.
func nonNil(steps []model.Step) []model.Step {
	if len(steps) == 0 {
		return nil
	}
	return steps
}

func TestDiff(t *testing.T) {
	const s = "t"
	tests := []struct {
		name    string
		desired func(d *model.Desired)      // change to the configuration
		drift   func(o *model.State)        // change to the live host
		steps   []string                    // expected, in plan order
		actions []string                    // resources that change
		check   func(t *testing.T, p *Plan) // anything else
	}{
		{
			name:    "no-op",
			steps:   nil,
			actions: nil,
		},
		{
			name:  "static address changed by hand",
			drift: func(o *model.State) { o.Netns["web"].Veths["eth0"].Addrs = pfx("172.18.0.99/16") },
			desired: func(d *model.Desired) {
				web := &d.Containers[slices.IndexFunc(d.Containers, func(c model.Container) bool { return c.Name == "web" })]
				web.Attachments[0].Address, web.Attachments[0].Static = netip.MustParseAddr("172.18.0.2"), true
			},
			steps: []string{
				"del-addr container.web eth0 172.18.0.99/16",
				"add-addr container.web eth0 172.18.0.2/16",
				"set-route container.web 172.18.0.1",
			},
			actions: []string{"container.web update"},
		},
		{
			name: "allocated address moved out of its subnet",
			drift: func(o *model.State) {
				o.Netns["web"].Veths["eth0"].Addrs = pfx("10.9.0.2/16")
				o.Netns["web"].Gateway = netip.Addr{}
			},
			steps: []string{
				"del-addr container.web eth0 10.9.0.2/16",
				"add-addr container.web eth0 172.18.0.2/16",
				"set-route container.web 172.18.0.1",
			},
			actions: []string{"container.web update"},
		},
		{
			name:    "bridge set down",
			drift:   func(o *model.State) { o.Bridges["np-front"].Up = false },
			steps:   []string{"set-bridge network.front np-front"},
			actions: []string{"network.front update"},
			check:   wantDrift("network.front", "state"),
		},
		{
			name:  "veth set down: link and route come back",
			drift: func(o *model.State) { o.Netns["web"].Veths["eth0"].Up = false; o.Netns["web"].Gateway = netip.Addr{} },
			steps: []string{
				"set-veth container.web eth0",
				"set-route container.web 172.18.0.1",
			},
			actions: []string{"container.web update"},
			check:   wantDrift("container.web", "eth0.state"),
		},
		{
			name:    "host veth gone (the pair with it)",
			drift:   func(o *model.State) { delete(o.Netns["db"].Veths, "eth0") },
			steps:   []string{"create-veth container.db eth0"},
			actions: []string{"container.db update"},
			check:   wantDrift("container.db", "eth0.host_veth"),
		},
		{
			name: "host end gone, container end dangling",
			drift: func(o *model.State) {
				o.Netns["web"].Veths["eth0"].HostName = ""
				o.Netns["web"].Veths["eth0"].Bridge = ""
			},
			steps: []string{
				"delete-veth container.web eth0",
				"create-veth container.web eth0",
				"set-route container.web 172.18.0.1",
			},
			actions: []string{"container.web update"},
		},
		{
			name:  "namespace deleted by hand",
			drift: func(o *model.State) { delete(o.Netns, "web") },
			steps: []string{
				"create-netns container.web",
				"create-veth container.web eth0",
				"create-veth container.web eth1",
				"set-route container.web 172.18.0.1",
			},
			actions: []string{"container.web create"},
		},
		{
			name:    "lo set down",
			drift:   func(o *model.State) { o.Netns["jail"].LoUp = false },
			steps:   []string{"set-lo-up container.jail"},
			actions: []string{"container.jail update"},
			check:   wantDrift("container.jail", "lo"),
		},
		{
			name:    "table flushed",
			drift:   func(o *model.State) { o.Firewall.Rules = nil },
			steps:   []string{"sync-firewall firewall.netplan-t"},
			actions: []string{"firewall.netplan-t update"},
			check:   wantDrift("firewall.netplan-t", "rules"),
		},
		{
			name:    "table deleted: ports come back, nothing to flush",
			drift:   func(o *model.State) { o.Firewall = nil },
			steps:   []string{"sync-firewall firewall.netplan-t"},
			actions: []string{"container.web update", "firewall.netplan-t create", "network.back update", "network.front update"},
		},
		{
			name: "rule added by hand",
			drift: func(o *model.State) {
				o.Firewall.Rules = append(o.Firewall.Rules, "chain input { tcp dport 22 accept }")
			},
			steps:   []string{"sync-firewall firewall.netplan-t"},
			actions: []string{"firewall.netplan-t update"},
		},
		{
			name:    "ip_forward reset",
			drift:   func(o *model.State) { o.Sysctls[model.SysctlIPForward] = "0" },
			steps:   []string{"set-sysctl sysctl.net.ipv4.ip_forward"},
			actions: []string{"sysctl.net.ipv4.ip_forward update"},
		},
		{
			name:    "port changed",
			desired: func(d *model.Desired) { web(d).Publish[0].HostPort = 8081 },
			steps: []string{
				"sync-firewall firewall.netplan-t",
				"flush-conntrack container.web",
			},
			actions: []string{"container.web update"},
			check: func(t *testing.T, p *Plan) {
				last := p.Steps[len(p.Steps)-1]
				if len(last.Ports) != 1 || last.Ports[0].HostPort != 8080 {
					t.Errorf("flush-conntrack ports = %+v, want the old 8080 only", last.Ports)
				}
				attr := findAttr(p, "container.web", "publish[tcp/0.0.0.0:9000-9002]")
				if attr != nil {
					t.Errorf("unchanged range shows as a change: %+v", attr)
				}
				if a := findAttr(p, "container.web", "publish[tcp/0.0.0.0:8081]"); a == nil || a.After != "172.18.0.2:80" {
					t.Errorf("publish 8081 attr = %+v", a)
				}
			},
		},
		{
			name:    "network icc changed",
			desired: func(d *model.Desired) { d.Networks[1].ICC = false }, // front
			steps: []string{
				"set-veth container.web eth0",
				"sync-firewall firewall.netplan-t",
			},
			actions: []string{"container.web update", "network.front update"},
			check: func(t *testing.T, p *Plan) {
				if a := findAttr(p, "network.front", "icc"); a == nil || a.Before != "true" || a.After != "false" || a.Drift {
					t.Errorf("icc attr = %+v", a)
				}
			},
		},
		{
			name:    "bridge renamed: network replaced",
			desired: func(d *model.Desired) { d.Networks[1].Bridge = "np-front2" },
			steps: []string{
				"delete-bridge network.front np-front",
				"create-bridge network.front np-front2",
				"set-sysctl sysctl.net.ipv4.conf.np-front2.route_localnet",
				"set-veth container.web eth0",
				"sync-firewall firewall.netplan-t",
			},
			actions: []string{
				"container.web update", "network.front replace",
				"sysctl.net.ipv4.conf.np-front2.route_localnet create",
			},
			check: func(t *testing.T, p *Plan) {
				if a := findAttr(p, "network.front", "bridge"); a == nil || !a.ForcesReplace {
					t.Errorf("bridge attr = %+v, want ForcesReplace", a)
				}
			},
		},
		{
			name:    "netns renamed: container replaced, address kept",
			desired: func(d *model.Desired) { web(d).Netns = "web2" },
			steps: []string{
				"delete-netns container.web",
				"create-netns container.web",
				"create-veth container.web eth0",
				"create-veth container.web eth1",
				"set-route container.web 172.18.0.1",
			},
			actions: []string{"container.web replace"},
			check: func(t *testing.T, p *Plan) {
				if got := p.Target.Netns["web2"].Veths["eth0"].Addrs; !slices.Equal(got, pfx("172.18.0.2/16")) {
					t.Errorf("web2 eth0 = %v, want the address web held", got)
				}
				if a := findAttr(p, "container.web", "netns"); a == nil || !a.ForcesReplace {
					t.Errorf("netns attr = %+v, want ForcesReplace", a)
				}
			},
		},
		{
			name:    "interface renamed: veth replaced",
			desired: func(d *model.Desired) { web(d).Attachments[1].Interface = "back0" },
			steps: []string{
				"delete-veth container.web eth1",
				"create-veth container.web back0",
			},
			actions: []string{"container.web update"},
		},
		{
			name: "container removed",
			desired: func(d *model.Desired) {
				d.Containers = slices.DeleteFunc(d.Containers, func(c model.Container) bool { return c.Name == "db" })
			},
			steps:   []string{"delete-netns container.db"},
			actions: []string{"container.db delete"},
		},
		{
			name: "published container removed: its conntrack entries go",
			desired: func(d *model.Desired) {
				d.Containers = slices.DeleteFunc(d.Containers, func(c model.Container) bool { return c.Name == "web" })
			},
			steps: []string{
				"delete-netns container.web",
				"sync-firewall firewall.netplan-t",
				"flush-conntrack container.web",
			},
			actions: []string{"container.web delete"},
		},
		{
			name: "ports of two containers stale: one flush for both",
			drift: func(o *model.State) {
				o.Firewall.Ports = append(o.Firewall.Ports, model.PublishedPort{Owner: "container.db", Protocol: "tcp",
					HostIP: netip.IPv4Unspecified(), HostPort: 7000, Addr: netip.MustParseAddr("172.20.0.3"), Port: 70})
			},
			desired: func(d *model.Desired) {
				d.Containers = slices.DeleteFunc(d.Containers, func(c model.Container) bool { return c.Name == "web" })
			},
			steps: []string{
				"delete-netns container.web",
				"sync-firewall firewall.netplan-t",
				"flush-conntrack firewall.netplan-t",
			},
			actions: []string{"container.db update", "container.web delete"},
			check: func(t *testing.T, p *Plan) {
				owners := map[string]bool{}
				for _, pp := range p.Steps[len(p.Steps)-1].Ports {
					owners[pp.Owner] = true
				}
				if !owners["container.web"] || !owners["container.db"] {
					t.Errorf("flush-conntrack owners = %v, want web and db", owners)
				}
			},
		},
		{
			name:  "namespace gone and container removed: only its ports go",
			drift: func(o *model.State) { delete(o.Netns, "web") },
			desired: func(d *model.Desired) {
				d.Containers = slices.DeleteFunc(d.Containers, func(c model.Container) bool { return c.Name == "web" })
			},
			steps: []string{
				"sync-firewall firewall.netplan-t",
				"flush-conntrack container.web",
			},
			actions: []string{"container.web delete"},
		},
		{
			name: "network removed with its attachments",
			desired: func(d *model.Desired) {
				d.Networks = d.Networks[1:] // back
				d.Containers = slices.DeleteFunc(d.Containers, func(c model.Container) bool { return c.Name == "db" })
				web(d).Attachments = web(d).Attachments[:1]
			},
			steps: []string{
				"delete-bridge network.back np-back",
				"delete-netns container.db",
				"delete-veth container.web eth1",
				"sync-firewall firewall.netplan-t",
			},
			actions: []string{"container.db delete", "container.web update", "network.back delete"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := plannertest.Demo(s)
			o := applied(t, base)
			d := plannertest.Clone(base)
			if tt.desired != nil {
				tt.desired(d)
			}
			if tt.drift != nil {
				tt.drift(o)
			}
			p, err := Make(d, o)
			if err != nil {
				t.Fatal(err)
			}
			if steps := Steps(p.Target, o); !reflect.DeepEqual(steps, nonNil(p.Steps)) {
				t.Errorf("Steps differs from Diff's steps:\n  got  %v\n  want %v", steps, p.Steps)
			}
			// Namespaces no step names contribute no steps: verification
			// compares only those it read again.
			named := map[string]bool{}
			for _, st := range p.Steps {
				if st.Netns != nil {
					named[st.Netns.Name] = true
				}
			}
			if steps := StepsAmong(p.Target, o, named); !reflect.DeepEqual(steps, nonNil(p.Steps)) {
				t.Errorf("StepsAmong the namespaces steps name differs from Diff's steps:\n  got  %v\n  want %v", steps, p.Steps)
			}
			if got := stepLines(p); !slices.Equal(got, tt.steps) {
				t.Errorf("steps:\n  got  %s\n  want %s", strings.Join(got, "\n       "), strings.Join(tt.steps, "\n       "))
			}
			if got := actions(p); !slices.Equal(got, tt.actions) {
				t.Errorf("actions:\n  got  %q\n  want %q", got, tt.actions)
			}
			if tt.check != nil {
				tt.check(t, p)
			}
		})
	}
}

func web(d *model.Desired) *model.Container {
	return &d.Containers[slices.IndexFunc(d.Containers, func(c model.Container) bool { return c.Name == "web" })]
}

func pfx(ss ...string) []netip.Prefix {
	var out []netip.Prefix
	for _, s := range ss {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}

func findAttr(p *Plan, addr, path string) *AttrChange {
	for _, c := range p.Changes {
		if c.Address != addr {
			continue
		}
		for i := range c.Attrs {
			if c.Attrs[i].Path == path {
				return &c.Attrs[i]
			}
		}
	}
	return nil
}

func wantDrift(addr, path string) func(*testing.T, *Plan) {
	return func(t *testing.T, p *Plan) {
		t.Helper()
		if a := findAttr(p, addr, path); a == nil || !a.Drift {
			t.Errorf("%s %s = %+v, want a drift attribute", addr, path, a)
		}
	}
}
