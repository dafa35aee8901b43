package planner

import (
	"maps"
	"testing"

	"github.com/netplan-dev/netplan/model"
	"github.com/netplan-dev/netplan/planner/plannertest"
)

// TestViewSharing holds the attributes a view takes from the other view
// (containers whose sources are the same) to those it would build itself.
func TestViewSharing(t *testing.T) {
	tests := []struct {
		name   string
		drift  func(o *model.State)
		shared int // containers of the drifted State that borrow from the other
	}{
		{"same", func(o *model.State) {}, 3},
		{"bridge relabeled", func(o *model.State) { o.Bridges["np-front"].Owner = "network.other" }, 2},
		{"bridge prefix length", func(o *model.State) { o.Bridges["np-front"].Addrs = pfx("172.18.0.1/24") }, 2},
		{"bridge gone", func(o *model.State) { delete(o.Bridges, "np-back") }, 1},
		{"port target", func(o *model.State) { o.Firewall.Ports[0].Port = 81 }, 2},
		{"port owner", func(o *model.State) { o.Firewall.Ports[0].Owner = "container.db" }, 1},
		{"no table", func(o *model.State) { o.Firewall = nil }, 2},
		{"veth mac", func(o *model.State) { o.Netns["db"].Veths["eth0"].MAC = "02:00:00:00:00:01" }, 2},
		{"veth addresses reordered", func(o *model.State) {
			o.Netns["db"].Veths["eth0"].Addrs = pfx("172.20.0.9/24", "172.20.0.2/24")
		}, 2},
		{"second namespace of a container", func(o *model.State) {
			n := o.Netns["jail"].Clone()
			n.Name = "jail2"
			o.Netns["jail2"] = n
		}, 2},
		{"bridge labeled as a container", func(o *model.State) {
			o.Bridges["np-x"] = &model.Bridge{Owner: "container.db", Name: "np-x", MTU: 1500}
		}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := applied(t, plannertest.Demo("t"))
			b := a.Clone()
			tt.drift(b)
			// Each way round: b borrowing from a (the count checked), and a from b.
			for i, pair := range [][2]*model.State{{b, a}, {a, b}} {
				s, other := pair[0], pair[1]
				ov := newViewer().view(other, sortedKeys(other.Netns), nil, nil)
				got := newViewer().view(s, sortedKeys(s.Netns), ov, other)
				want := newViewer().view(s, sortedKeys(s.Netns), nil, nil)
				shared := 0
				for addr, w := range want {
					g := got[addr]
					if g == nil || g.typ != w.typ || g.name != w.name || !maps.Equal(g.attrs, w.attrs) {
						t.Fatalf("%s: borrowed view differs from the built one", addr)
					}
					if g.same {
						shared++
						g.attrs["probe"] = "x"
						if _, leaked := ov[addr].attrs["probe"]; leaked {
							t.Fatalf("%s: view shares its map with the other view", addr)
						}
					}
				}
				if len(got) != len(want) {
					t.Fatalf("%d resources, want %d", len(got), len(want))
				}
				if i == 0 && shared != tt.shared {
					t.Errorf("%d containers borrowed, want %d", shared, tt.shared)
				}
			}
		})
	}
}

// TestMakeDoesNotAlias: the plan keeps no part of the caller's observed
// State, which Make reads from several goroutines.
func TestMakeDoesNotAlias(t *testing.T) {
	d := plannertest.Demo("t")
	observed := applied(t, d)
	observed.Netns["web"].LoUp = false
	p, err := Make(d, observed)
	if err != nil {
		t.Fatal(err)
	}
	before := Fingerprint(p.Observed)
	if before != Fingerprint(observed) {
		t.Error("the plan's copy of the observed State is not the observed State")
	}
	observed.Netns["web"].Veths["eth0"].Addrs[0] = pfx("10.0.0.1/8")[0]
	observed.Firewall.Ports[0].Port = 1
	if Fingerprint(p.Observed) != before {
		t.Error("changing the caller's observed State changed the plan")
	}
}
