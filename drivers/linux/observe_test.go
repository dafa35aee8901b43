package linux

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/google/nftables"

	"github.com/netplan-dev/netplan/drivers"
	"github.com/netplan-dev/netplan/model"
)

// TestObserveForeign: names the configuration wants that are held by
// something else are reported, sorted, with who holds them.
func TestObserveForeign(t *testing.T) {
	const stack = "fgn"
	k := newKernel(t, stack)
	cleanupLinks(t, "np-fgn-own", "np-fgn-veth", "np-fgn-plain", "np-fgn-other")
	cleanupNetns(t, "fgn-own", "fgn-plain", "fgn-other", "fgn-unrelated")
	own := testBridge(stack, "own", "np-fgn-own")
	ownNs := emptyNetns("own", "fgn-own")
	do(t, k,
		model.Step{Kind: model.StepCreateBridge, Bridge: own},
		model.Step{Kind: model.StepCreateNetns, Netns: ownNs})
	sh(t, `ip link add np-fgn-veth type veth peer name np-fgn-peer &&
		ip link add np-fgn-plain type bridge &&
		ip link add np-fgn-other type bridge && ip link set np-fgn-other alias netplan:else:network.x &&
		ip netns add fgn-plain && ip netns add fgn-unrelated &&
		ip netns add fgn-other && ip -n fgn-other link set lo alias netplan:else:container.x`)
	observeFirewallFn = func(*nftables.Conn, *nlSock, string, *model.Firewall) (*model.Firewall, bool, error) {
		return nil, true, nil
	}

	q := drivers.Query{Stack: stack,
		Bridges: []string{"np-fgn-absent", "np-fgn-other", "np-fgn-own", "np-fgn-plain", "np-fgn-veth"},
		Netns:   []string{"fgn-absent", "fgn-other", "fgn-own", "fgn-plain"},
	}
	obs := observe(t, k, q)
	want := []drivers.Foreign{
		{Kind: "bridge", Name: "np-fgn-other", Detail: "bridge link owned by stack else"},
		{Kind: "bridge", Name: "np-fgn-plain", Detail: "bridge link"},
		{Kind: "bridge", Name: "np-fgn-veth", Detail: "veth link"},
		{Kind: "netns", Name: "fgn-other", Detail: "owned by stack else"},
		{Kind: "netns", Name: "fgn-plain", Detail: "unlabelled"},
		{Kind: "table", Name: model.TableName(stack), Detail: "not labelled with stack " + stack},
	}
	if !reflect.DeepEqual(obs.Foreign, want) {
		t.Fatalf("foreign:\n%+v\nwant\n%+v", obs.Foreign, want)
	}
	if len(obs.State.Bridges) != 1 || obs.State.Bridges["np-fgn-own"] == nil ||
		len(obs.State.Netns) != 1 || obs.State.Netns["fgn-own"] == nil {
		t.Fatalf("own objects: bridges %v netns %v", obs.State.Bridges, obs.State.Netns)
	}
	// Another stack sees the same host from its side.
	other := observe(t, k, drivers.Query{Stack: "else"}).State
	if len(other.Bridges) != 1 || other.Bridges["np-fgn-other"] == nil || len(other.Netns) != 1 || other.Netns["fgn-other"] == nil {
		t.Fatalf("stack else: bridges %v netns %v", other.Bridges, other.Netns)
	}
}

// TestObserveManyNamespaces reads 200 namespaces of the stack, each with a
// veth on one bridge, and checks every one.
func TestObserveManyNamespaces(t *testing.T) {
	const stack = "many"
	const count = 200
	k := newKernel(t, stack)
	cleanupLinks(t, "np-many")
	br := testBridge(stack, "front", "np-many")
	do(t, k, model.Step{Kind: model.StepCreateBridge, Bridge: br})
	want := map[string]*model.Netns{}
	start := time.Now()
	for i := range count {
		name := fmt.Sprintf("many-%03d", i)
		cleanupNetns(t, name)
		n := emptyNetns(name, name)
		v := testVeth(stack, name, "eth0", "np-many", fmt.Sprintf("172.30.%d.%d/16", i/200+2, i%200+10))
		do(t, k,
			model.Step{Kind: model.StepCreateNetns, Netns: n},
			model.Step{Kind: model.StepCreateVeth, Netns: n, Veth: v},
			model.Step{Kind: model.StepSetRoute, Netns: n, Gateway: br.Addrs[0].Addr()})
		w := *n
		w.Veths = map[string]*model.Veth{"eth0": v}
		w.Gateway = br.Addrs[0].Addr()
		want[name] = &w
	}
	created := time.Since(start)
	_ = k.Close() // Observe must not need Do's cached handles
	k = newKernel(t, stack)

	// The fastest of a few reads: this machine is shared, and a single read
	// mostly measures whoever else holds the CPUs.
	var obs *drivers.Observation
	took := time.Hour
	for range 3 {
		start = time.Now()
		obs = observe(t, k, drivers.Query{Stack: stack})
		took = min(took, time.Since(start))
	}
	t.Logf("created %d containers sequentially in %v (%v each, with route)", count, created, created/count)
	t.Logf("observed %d namespaces in %v (%v each, fastest of 3)", count, took, took/count)
	if !reflect.DeepEqual(obs.State.Netns, want) {
		for name, w := range want {
			if !reflect.DeepEqual(obs.State.Netns[name], w) {
				t.Fatalf("netns %s: observed %+v, want %+v", name, obs.State.Netns[name], w)
			}
		}
		t.Fatalf("observed %d namespaces, want %d", len(obs.State.Netns), len(want))
	}
}
