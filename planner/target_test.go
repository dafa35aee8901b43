package planner

import (
	"maps"
	"net/netip"
	"reflect"
	"slices"
	"testing"

	"github.com/netplan-dev/netplan/model"
	"github.com/netplan-dev/netplan/planner/plannertest"
)

func TestTargetDemo(t *testing.T) {
	d := plannertest.Demo("t")
	before := plannertest.Clone(d)
	s := mustTarget(t, d, nil)
	if !slices.EqualFunc(d.Containers, before.Containers, func(a, b model.Container) bool {
		return slices.Equal(a.Attachments, b.Attachments)
	}) {
		t.Error("Target wrote allocated addresses into the caller's Desired")
	}
	front := s.Bridges["np-front"]
	if front == nil || front.Owner != "network.front" || !front.Up || front.MTU != 1500 ||
		front.MAC != model.BridgeMAC("t", "front") || !slices.Equal(front.Addrs, pfx("172.18.0.1/16")) {
		t.Errorf("bridge np-front = %+v", front)
	}
	if want := map[string]string{
		model.SysctlIPForward:                 "1",
		model.SysctlRouteLocalnet("np-front"): "1",
	}; !mapsEqual(s.Sysctls, want) {
		t.Errorf("sysctls = %v, want %v (none for the internal bridge)", s.Sysctls, want)
	}
	web := s.Netns["web"]
	if web == nil || web.Owner != "container.web" || !web.LoUp || web.Gateway != netip.MustParseAddr("172.18.0.1") {
		t.Fatalf("netns web = %+v", web)
	}
	eth0, eth1 := web.Veths["eth0"], web.Veths["eth1"]
	wantEth0 := model.Veth{Name: "eth0", HostName: model.HostVethName("t", "web", "eth0"), Bridge: "np-front", Hairpin: true,
		MTU: 1500, MAC: "02:42:ac:12:00:02", Addrs: pfx("172.18.0.2/16"), Up: true, HostUp: true}
	if eth0 == nil || !vethEqual(*eth0, wantEth0) {
		t.Errorf("web eth0 = %+v, want %+v", eth0, wantEth0)
	}
	if eth1 == nil || eth1.Bridge != "np-back" || !eth1.Isolated || !slices.Equal(eth1.Addrs, pfx("172.20.0.3/24")) {
		t.Errorf("web eth1 = %+v: want isolated on np-back (icc off) with 172.20.0.3/24", eth1)
	}
	if db := s.Netns["db"]; db == nil || db.Gateway.IsValid() {
		t.Errorf("db = %+v: only on an internal network, it must have no default route", db)
	}
	if jail := s.Netns["jail"]; jail == nil || len(jail.Veths) != 0 || !jail.LoUp {
		t.Errorf("jail (none) = %+v, want a namespace with lo only", jail)
	}
	if _, ok := s.Netns["tools"]; ok || len(s.Netns) != 3 {
		t.Errorf("netns = %v: host mode must create nothing", slices.Sorted(maps.Keys(s.Netns)))
	}
	if s.Firewall == nil || len(s.Firewall.Ports) != 4 {
		t.Errorf("firewall = %+v, want the stand-in's 4 port elements", s.Firewall)
	}
}

func TestTargetInternalOnlyLeavesIPForward(t *testing.T) {
	n := plannertest.Net("iso", "np-iso", "10.1.0.0/24")
	n.Internal = true
	s := mustTarget(t, &model.Desired{Stack: "t", Networks: []model.Network{n}}, nil)
	if len(s.Sysctls) != 0 {
		t.Errorf("sysctls = %v, want none for an internal-only stack", s.Sysctls)
	}
}

func TestTargetUserMAC(t *testing.T) {
	d := plannertest.Demo("t")
	web(d).Attachments[0].MAC = "02:AA:00:00:00:01"
	s := mustTarget(t, d, nil)
	if got := s.Netns["web"].Veths["eth0"].MAC; got != "02:aa:00:00:00:01" {
		t.Errorf("mac = %q, want the user's, lower-case", got)
	}
}

// Issue #3: addresses stay where they are across applies.
func TestStableAddresses(t *testing.T) {
	cs := func(names ...string) *model.Desired {
		d := &model.Desired{Stack: "t", Networks: []model.Network{plannertest.Net("front", "np-front", "10.5.0.0/24")}}
		for _, n := range names {
			d.Containers = append(d.Containers, plannertest.Container(n, "front"))
		}
		return plannertest.Sorted(d)
	}
	addr := func(s *model.State, c string) string { return s.Netns[c].Veths["eth0"].Addrs[0].String() }

	live := applied(t, cs("b", "c", "d"))
	if got := []string{addr(live, "b"), addr(live, "c"), addr(live, "d")}; !slices.Equal(got, []string{"10.5.0.2/24", "10.5.0.3/24", "10.5.0.4/24"}) {
		t.Fatalf("first allocation = %v", got)
	}
	added := mustTarget(t, cs("a", "b", "c", "d"), live)
	for _, c := range []string{"b", "c", "d"} {
		if addr(added, c) != addr(live, c) {
			t.Errorf("adding a renumbered %s: %s -> %s", c, addr(live, c), addr(added, c))
		}
	}
	if addr(added, "a") != "10.5.0.5/24" {
		t.Errorf("newcomer a = %s, want the lowest free 10.5.0.5/24", addr(added, "a"))
	}
	removed := mustTarget(t, cs("b", "d"), live)
	if addr(removed, "d") != "10.5.0.4/24" {
		t.Errorf("removing c renumbered d: %s", addr(removed, "d"))
	}
	p := Diff(removed, live)
	if got := stepLines(p); !slices.Equal(got, []string{"delete-netns container.c"}) {
		t.Errorf("removing c: steps %q", got)
	}
}

func vethEqual(a, b model.Veth) bool { return reflect.DeepEqual(a, b) }

func mapsEqual(a, b map[string]string) bool { return maps.Equal(a, b) }
