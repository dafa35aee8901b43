package linux

import (
	"net/netip"
	"reflect"
	"strings"
	"testing"

	"github.com/netplan-dev/netplan/drivers"
	"github.com/netplan-dev/netplan/model"
)

func testBridge(stack, network, name string) *model.Bridge {
	return &model.Bridge{
		Owner: model.NetworkAddress(network),
		Name:  name,
		MTU:   1500,
		MAC:   model.BridgeMAC(stack, network),
		Up:    true,
		Addrs: []netip.Prefix{netip.MustParsePrefix("172.30.0.1/16")},
	}
}

// TestBridgeSteps applies each bridge step and checks that Observe reads back
// exactly the bridge the step describes.
func TestBridgeSteps(t *testing.T) {
	const stack = "brsteps"
	k := newKernel(t, stack)
	cleanupLinks(t, "np-brs")
	base := testBridge(stack, "front", "np-brs")
	q := drivers.Query{Stack: stack, Bridges: []string{"np-brs"}}

	with := func(f func(b *model.Bridge)) *model.Bridge {
		b := *base
		b.Addrs = append([]netip.Prefix(nil), base.Addrs...)
		f(&b)
		return &b
	}
	second := netip.MustParsePrefix("172.30.9.1/24")
	cases := []struct {
		name string
		step model.Step
		want *model.Bridge // nil: no bridge
	}{
		{"create", model.Step{Kind: model.StepCreateBridge, Owner: base.Owner, Bridge: base}, base},
		{"set mtu mac down", model.Step{Kind: model.StepSetBridge, Owner: base.Owner, Bridge: with(func(b *model.Bridge) {
			b.MTU, b.MAC, b.Up = 1400, "02:00:00:00:00:42", false
		})}, with(func(b *model.Bridge) { b.MTU, b.MAC, b.Up = 1400, "02:00:00:00:00:42", false })},
		{"set back", model.Step{Kind: model.StepSetBridge, Owner: base.Owner, Bridge: base}, base},
		{"add addr", model.Step{Kind: model.StepAddBridgeAddr, Owner: base.Owner, Link: "np-brs", Addr: second},
			with(func(b *model.Bridge) { b.Addrs = append(b.Addrs, second) })},
		{"add addr again", model.Step{Kind: model.StepAddBridgeAddr, Owner: base.Owner, Link: "np-brs", Addr: second},
			with(func(b *model.Bridge) { b.Addrs = append(b.Addrs, second) })},
		{"del addr", model.Step{Kind: model.StepDelBridgeAddr, Owner: base.Owner, Link: "np-brs", Addr: second}, base},
		{"delete", model.Step{Kind: model.StepDeleteBridge, Owner: base.Owner, Link: "np-brs"}, nil},
		{"delete again", model.Step{Kind: model.StepDeleteBridge, Owner: base.Owner, Link: "np-brs"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			do(t, k, c.step)
			obs := observe(t, k, q)
			got := obs.State.Bridges["np-brs"]
			if !reflect.DeepEqual(got, c.want) {
				t.Fatalf("observed %+v, want %+v", got, c.want)
			}
			if len(obs.Foreign) != 0 {
				t.Fatalf("own bridge reported foreign: %+v", obs.Foreign)
			}
			if c.want != nil {
				if l := ipLinkShow(t, "", "np-brs"); l.Alias != model.Label(stack, "network.front") || l.LinkInfo.Kind != "bridge" {
					t.Fatalf("ip sees alias %q kind %q", l.Alias, l.LinkInfo.Kind)
				}
			} else if linkExists("np-brs") {
				t.Fatal("bridge still exists")
			}
		})
	}
}

// TestBridgeDrift changes a bridge behind netplan's back and checks that
// Observe reports what the kernel now holds.
func TestBridgeDrift(t *testing.T) {
	const stack = "brdrift"
	k := newKernel(t, stack)
	cleanupLinks(t, "np-brd")
	b := testBridge(stack, "front", "np-brd")
	do(t, k, model.Step{Kind: model.StepCreateBridge, Owner: b.Owner, Bridge: b})
	sh(t, "ip link set np-brd down mtu 1280 && ip addr del 172.30.0.1/16 dev np-brd && ip addr add 172.30.0.2/16 dev np-brd")
	got := observe(t, k, drivers.Query{Stack: stack}).State.Bridges["np-brd"]
	want := &model.Bridge{Owner: b.Owner, Name: b.Name, MTU: 1280, MAC: b.MAC, Up: false,
		Addrs: []netip.Prefix{netip.MustParsePrefix("172.30.0.2/16")}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("observed %+v, want %+v", got, want)
	}
}

// TestDeleteUnlabelledBridge: a bridge without a netplan label is deleted
// only when it is unfinished (see drivers.Query.BridgeMACs): no alias at all,
// and the MAC netplan derives for the step owner's network in this stack.
func TestDeleteUnlabelledBridge(t *testing.T) {
	const stack = "refuse"
	k := newKernel(t, stack)
	cleanupLinks(t, "np-unl")
	step := model.Step{Kind: model.StepDeleteBridge, Owner: model.NetworkAddress("x"), Link: "np-unl"}
	for _, c := range []struct {
		name, shell string
		deleted     bool
	}{
		{"any MAC", "ip link add np-unl type bridge", false},
		{"another network's MAC", "ip link add np-unl address " + model.BridgeMAC(stack, "y") + " type bridge", false},
		{"another stack's MAC", "ip link add np-unl address " + model.BridgeMAC("other", "x") + " type bridge", false},
		{"an alias", "ip link add np-unl address " + model.BridgeMAC(stack, "x") + " type bridge && ip link set np-unl alias mine", false},
		{"unfinished", "ip link add np-unl address " + model.BridgeMAC(stack, "x") + " type bridge", true},
	} {
		sh(t, c.shell)
		err := k.Do(t.Context(), step)
		if gone := !linkExists("np-unl"); gone != c.deleted || (err == nil) != c.deleted {
			t.Errorf("%s: deleted %v (err %v), want deleted %v", c.name, gone, err, c.deleted)
		}
		sh(t, "ip link del np-unl 2>/dev/null; true")
	}
}

// TestUnfinishedBridgeAdopted: a bridge an apply made and was killed before
// labelling (no alias, the MAC netplan derives for it, nothing added) is
// neither the stack's nor foreign to Observe but unfinished, and creating it
// adopts it.
// Anything else holding the name stays foreign: a different MAC, an alias,
// a port, an address.
func TestUnfinishedBridgeAdopted(t *testing.T) {
	const stack = "brunf"
	k := newKernel(t, stack)
	cleanupLinks(t, "np-unf", "np-unf-p")
	b := testBridge(stack, "front", "np-unf")
	b.MTU = 1400
	q := drivers.Query{Stack: stack, Bridges: []string{"np-unf"}, BridgeMACs: map[string]string{"np-unf": b.MAC}}
	killedCreate := "ip link add np-unf address " + b.MAC + " type bridge"

	for _, c := range []struct{ name, shell string }{
		{"other MAC", "ip link add np-unf address 02:00:00:00:00:99 type bridge"},
		{"an alias", killedCreate + " && ip link set np-unf alias mine"},
		{"a port", killedCreate + " && ip link add np-unf-p type veth peer name np-unf-q && ip link set np-unf-p master np-unf"},
		{"an address", killedCreate + " && ip addr add 172.30.0.1/16 dev np-unf"},
	} {
		sh(t, c.shell)
		obs := observe(t, k, q)
		if len(obs.Foreign) != 1 || obs.State.Bridges["np-unf"] != nil || len(obs.Unfinished) != 0 {
			t.Errorf("%s: foreign %+v, state %+v, unfinished %+v; want the bridge foreign", c.name, obs.Foreign, obs.State.Bridges, obs.Unfinished)
		}
		sh(t, "ip link del np-unf; ip link del np-unf-p 2>/dev/null; true")
	}

	sh(t, killedCreate)
	obs := observe(t, k, q)
	if len(obs.Foreign) != 0 || len(obs.State.Bridges) != 0 {
		t.Fatalf("unfinished bridge: foreign %+v, state %+v; want neither", obs.Foreign, obs.State.Bridges)
	}
	if len(obs.Unfinished) != 1 || obs.Unfinished[0].Name != "np-unf" || obs.Unfinished[0].MAC != b.MAC || obs.Unfinished[0].Owner != "" {
		t.Fatalf("unfinished %+v, want np-unf with MAC %s and no owner", obs.Unfinished, b.MAC)
	}
	do(t, k, model.Step{Kind: model.StepCreateBridge, Owner: b.Owner, Bridge: b})
	if got := observe(t, k, q).State.Bridges["np-unf"]; !reflect.DeepEqual(got, b) {
		t.Fatalf("after create: %+v, want %+v", got, b)
	}
}

// TestHostIndex: the ioctl that create-veth and set-veth find a bridge
// with gives the index iproute2 shows, and names a link that is missing.
func TestHostIndex(t *testing.T) {
	k := newKernel(t, "hostindex")
	cleanupLinks(t, "np-hix")
	sh(t, "ip link add np-hix type bridge")
	got, err := k.hostIndex("np-hix")
	if want := ipLinkShow(t, "", "np-hix").Index; err != nil || got != want || want == 0 {
		t.Fatalf("hostIndex(np-hix) = %d, %v; ip link shows index %d", got, err, want)
	}
	if _, err := k.hostIndex("np-nosuch"); err == nil || !strings.Contains(err.Error(), "no link np-nosuch") {
		t.Fatalf("hostIndex of a missing link: %v, want an error naming it", err)
	}
}
