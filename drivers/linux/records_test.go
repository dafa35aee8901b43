package linux

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/netplan-dev/netplan/drivers"
	"github.com/netplan-dev/netplan/model"
)

// recordFixture builds count containers of stack on one bridge, each with a
// veth, an address and a default route, and returns what Observe reads.
func recordFixture(t *testing.T, k *Kernel, stack, bridge string, count int) *drivers.Observation {
	t.Helper()
	cleanupLinks(t, bridge)
	br := testBridge(stack, "front", bridge)
	do(t, k, model.Step{Kind: model.StepCreateBridge, Bridge: br})
	for i := range count {
		name := fmt.Sprintf("%s-%d", stack, i)
		cleanupNetns(t, name)
		n := emptyNetns(name, name)
		v := testVeth(stack, name, "eth0", bridge, fmt.Sprintf("172.30.0.%d/16", i+10))
		do(t, k,
			model.Step{Kind: model.StepCreateNetns, Netns: n},
			model.Step{Kind: model.StepCreateVeth, Netns: n, Veth: v},
			model.Step{Kind: model.StepSetRoute, Netns: n, Gateway: br.Addrs[0].Addr()})
	}
	return observe(t, k, drivers.Query{Stack: stack})
}

// TestTrustedRecord: a kernel handed a record takes each namespace from it
// while the host agrees, and reads the namespaces the host contradicts. A
// route deleted inside goes unseen (what a record cannot see); a container
// end set down drops its host end's carrier and is read; a namespace
// deleted is gone. The record serves one Observe only.
func TestTrustedRecord(t *testing.T) {
	const stack = "rec"
	k := newKernel(t, stack)
	before := recordFixture(t, k, stack, "np-rec", 3)
	record, err := k.Record()
	if err != nil {
		t.Fatal(err)
	}
	sh(t, `ip -n rec-0 route del default && ip -n rec-1 link set eth0 down && ip netns del rec-2`)

	k2 := newKernel(t, stack)
	if err := k2.Trust(record); err != nil {
		t.Fatal(err)
	}
	trusted := observe(t, k2, drivers.Query{Stack: stack}).State
	if got, want := trusted.Netns["rec-0"], before.State.Netns["rec-0"]; !reflect.DeepEqual(got, want) {
		t.Errorf("rec-0 (route deleted inside, host unchanged) from the record:\n%+v\nwant as recorded\n%+v", got, want)
	}
	if n := trusted.Netns["rec-1"]; n == nil || n.Veths["eth0"] == nil || n.Veths["eth0"].Up {
		t.Errorf("rec-1 (container end down): want it read, eth0 down; got %+v", n)
	}
	if n, ok := trusted.Netns["rec-2"]; ok {
		t.Errorf("rec-2 (deleted): still observed: %+v", n)
	}
	if gw := observe(t, k2, drivers.Query{Stack: stack}).State.Netns["rec-0"].Gateway; gw.IsValid() {
		t.Errorf("second Observe: rec-0 gateway %v; the record is for one observation, the route is gone", gw)
	}
}

// TestRecordRefused: Trust refuses what is not a record of this version;
// a record whose body does not decode, or of another stack, leaves the
// observation reading everything.
func TestRecordRefused(t *testing.T) {
	const stack = "recx"
	k := newKernel(t, stack)
	recordFixture(t, k, stack, "np-recx", 1)
	record, err := k.Record()
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range [][]byte{nil, []byte("not a record"), []byte("netplan-record 99 \"recx\"\n")} {
		if err := newKernel(t, stack).Trust(bad); err == nil {
			t.Errorf("Trust(%q) accepted", bad)
		}
	}
	sh(t, `ip -n recx-0 route del default`)
	// The gateway is gone: an observation that reads recx-0 sees none.
	readsAll := func(k *Kernel, rec []byte, observeAs string) {
		t.Helper()
		if err := k.Trust(rec); err != nil {
			t.Fatal(err)
		}
		k.SetStack(stack)
		if n := observe(t, k, drivers.Query{Stack: observeAs}).State.Netns["recx-0"]; observeAs == stack && n.Gateway.IsValid() {
			t.Errorf("gateway %v taken from a record that should not have been used", n.Gateway)
		}
	}
	// Whole, then one damaged line: a decoder that kept what it had read
	// before the damage would trust recx-0 and report its gateway.
	damaged := append(append([]byte{}, record...), "veth \"eth9\" 1\n"...)
	readsAll(newKernel(t, stack), damaged, stack)
	other := newKernel(t, "else")
	readsAll(other, record, "else")
	if gw := observe(t, other, drivers.Query{Stack: stack}).State.Netns["recx-0"].Gateway; gw.IsValid() {
		t.Errorf("record of stack %s used after an Observe of another stack: gateway %v", stack, gw)
	}
}
