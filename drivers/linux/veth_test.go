package linux

import (
	"fmt"
	"net/netip"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vishvananda/netlink"

	"github.com/netplan-dev/netplan/drivers"
	"github.com/netplan-dev/netplan/model"
)

func testVeth(stack, container, iface, bridge, addr string) *model.Veth {
	p := netip.MustParsePrefix(addr)
	return &model.Veth{
		Name: iface, HostName: model.HostVethName(stack, container, iface), Bridge: bridge,
		Hairpin: true, MTU: 1500, MAC: model.MACFromAddr(p.Addr()),
		Addrs: []netip.Prefix{p}, Up: true, HostUp: true,
	}
}

// vethFixture makes a bridge and a namespace for veth steps.
func vethFixture(t *testing.T, k *Kernel, stack, brName, nsName string) (*model.Bridge, *model.Netns) {
	t.Helper()
	cleanupLinks(t, brName)
	cleanupNetns(t, nsName)
	br := testBridge(stack, "front", brName)
	n := emptyNetns("web", nsName)
	do(t, k,
		model.Step{Kind: model.StepCreateBridge, Owner: br.Owner, Bridge: br},
		model.Step{Kind: model.StepCreateNetns, Owner: n.Owner, Netns: n})
	return br, n
}

func observedVeth(t *testing.T, k *Kernel, stack, ns, iface string) *model.Veth {
	t.Helper()
	n := observe(t, k, drivers.Query{Stack: stack}).State.Netns[ns]
	if n == nil {
		t.Fatalf("netns %s not observed", ns)
	}
	return n.Veths[iface]
}

// TestVethSteps applies each attachment step and reads the pair back.
func TestVethSteps(t *testing.T) {
	const stack = "vethsteps"
	k := newKernel(t, stack)
	_, n := vethFixture(t, k, stack, "np-vs", "vs-web")
	cleanupLinks(t, "np-vs2")
	br2 := testBridge(stack, "back", "np-vs2")
	br2.Addrs = []netip.Prefix{netip.MustParsePrefix("172.31.0.1/16")}
	do(t, k, model.Step{Kind: model.StepCreateBridge, Owner: br2.Owner, Bridge: br2})

	base := testVeth(stack, "web", "eth0", "np-vs", "172.30.0.10/16")
	with := func(f func(v *model.Veth)) *model.Veth {
		v := *base
		v.Addrs = append([]netip.Prefix(nil), base.Addrs...)
		f(&v)
		return &v
	}
	extra := netip.MustParsePrefix("172.30.5.5/24")
	changed := with(func(v *model.Veth) {
		v.Bridge, v.Hairpin, v.Isolated, v.MTU, v.MAC, v.Up, v.HostUp = "np-vs2", false, true, 1400, "02:42:00:00:00:99", false, false
	})
	cases := []struct {
		name string
		step model.Step
		want *model.Veth
	}{
		{"create", model.Step{Kind: model.StepCreateVeth, Veth: base}, base},
		{"set everything", model.Step{Kind: model.StepSetVeth, Veth: changed}, changed},
		{"set back", model.Step{Kind: model.StepSetVeth, Veth: base}, base},
		{"add addr", model.Step{Kind: model.StepAddAddr, Veth: base, Addr: extra}, with(func(v *model.Veth) { v.Addrs = append(v.Addrs, extra) })},
		{"del addr", model.Step{Kind: model.StepDelAddr, Veth: base, Addr: extra}, base},
		{"delete", model.Step{Kind: model.StepDeleteVeth, Veth: base}, nil},
		{"delete again", model.Step{Kind: model.StepDeleteVeth, Veth: base}, nil},
		{"create isolated", model.Step{Kind: model.StepCreateVeth, Veth: with(func(v *model.Veth) { v.Isolated = true })},
			with(func(v *model.Veth) { v.Isolated = true })},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.step.Owner, c.step.Netns = n.Owner, n
			do(t, k, c.step)
			if got := observedVeth(t, k, stack, "vs-web", "eth0"); !reflect.DeepEqual(got, c.want) {
				t.Fatalf("observed %+v\nwant     %+v", got, c.want)
			}
			if c.want == nil {
				if linkExists(base.HostName) {
					t.Fatal("host end still exists")
				}
				return
			}
			// iproute2 agrees on what the kernel holds.
			host := ipLinkShow(t, "", c.want.HostName)
			d := host.LinkInfo.SlaveData
			if host.Alias != model.Label(stack, "container.web/eth0") || host.Master != c.want.Bridge ||
				d.Hairpin != c.want.Hairpin || d.Isolated != c.want.Isolated {
				t.Fatalf("ip sees host end %+v", host)
			}
			if peer := ipLinkShow(t, "vs-web", "eth0"); peer.Address != c.want.MAC || peer.MTU != c.want.MTU {
				t.Fatalf("ip sees container end %+v", peer)
			}
		})
	}
}

// TestVethDrift changes a pair by hand; Observe shows the change, and a pair
// whose container end was renamed shows as broken (no container end under
// the expected name) rather than vanishing.
func TestVethDrift(t *testing.T) {
	const stack = "vethdrift"
	k := newKernel(t, stack)
	_, n := vethFixture(t, k, stack, "np-vd", "vd-web")
	v := testVeth(stack, "web", "eth0", "np-vd", "172.30.0.10/16")
	do(t, k, model.Step{Kind: model.StepCreateVeth, Owner: n.Owner, Netns: n, Veth: v})

	sh(t, "ip -n vd-web addr flush dev eth0 && ip -n vd-web addr add 172.30.0.11/16 dev eth0 && ip -n vd-web link set eth0 down")
	sh(t, "ip link set "+v.HostName+" down type bridge_slave hairpin off")
	got := observedVeth(t, k, stack, "vd-web", "eth0")
	want := *v
	want.Addrs, want.Up, want.HostUp, want.Hairpin = []netip.Prefix{netip.MustParsePrefix("172.30.0.11/16")}, false, false, false
	if !reflect.DeepEqual(got, &want) {
		t.Fatalf("observed %+v\nwant     %+v", got, &want)
	}

	// A host end that is no bridge port is found through its container end.
	sh(t, "ip link set "+v.HostName+" nomaster")
	want.Bridge, want.Hairpin, want.Isolated = "", false, false
	if got := observedVeth(t, k, stack, "vd-web", "eth0"); !reflect.DeepEqual(got, &want) {
		t.Fatalf("detached host end: observed %+v\nwant     %+v", got, &want)
	}
	sh(t, "ip link set "+v.HostName+" master np-vd")

	sh(t, "ip -n vd-web link set eth0 name eth9")
	obs := observe(t, k, drivers.Query{Stack: stack}).State.Netns["vd-web"]
	if e := obs.Veths["eth0"]; e == nil || e.Name != "" || e.HostName != v.HostName {
		t.Fatalf("host end without container end: %+v", e)
	}
	if e := obs.Veths["eth9"]; e == nil || e.Name != "eth9" || e.HostName != "" {
		t.Fatalf("container end without host end: %+v", e)
	}
}

// TestCreateVethAfterDeleteNetns re-creates a container at once: the old
// namespace's host end may still exist while the kernel tears it down.
func TestCreateVethAfterDeleteNetns(t *testing.T) {
	const stack = "vethagain"
	k := newKernel(t, stack)
	_, n := vethFixture(t, k, stack, "np-va", "va-web")
	v := testVeth(stack, "web", "eth0", "np-va", "172.30.0.10/16")
	for i := range 5 {
		do(t, k,
			model.Step{Kind: model.StepCreateVeth, Owner: n.Owner, Netns: n, Veth: v},
			model.Step{Kind: model.StepDeleteNetns, Owner: n.Owner, Netns: n},
			model.Step{Kind: model.StepCreateNetns, Owner: n.Owner, Netns: n})
		if i == 4 {
			do(t, k, model.Step{Kind: model.StepCreateVeth, Owner: n.Owner, Netns: n, Veth: v})
		}
	}
	if got := observedVeth(t, k, stack, "va-web", "eth0"); !reflect.DeepEqual(got, v) {
		t.Fatalf("observed %+v, want %+v", got, v)
	}
}

// TestCreateVethForeignName: a host end name held by a link netplan does not
// own is never taken over; the error names the veth and its owner.
func TestCreateVethForeignName(t *testing.T) {
	const stack = "vethforeign"
	k := newKernel(t, stack)
	_, n := vethFixture(t, k, stack, "np-vf", "vf-web")
	v := testVeth(stack, "web", "eth0", "np-vf", "172.30.0.10/16")
	cleanupLinks(t, v.HostName)
	sh(t, "ip link add "+v.HostName+" type bridge")
	saved := createVethWait
	createVethWait = 50 * time.Millisecond
	defer func() { createVethWait = saved }()
	err := k.Do(t.Context(), model.Step{Kind: model.StepCreateVeth, Owner: n.Owner, Netns: n, Veth: v})
	if err == nil || !strings.Contains(err.Error(), "create veth "+v.HostName+" (container.web/eth0): file exists") {
		t.Fatalf("got %v", err)
	}
	if l := ipLinkShow(t, "", v.HostName); l.LinkInfo.Kind != "bridge" {
		t.Fatalf("foreign link replaced: %+v", l)
	}
}

// TestConcurrentCreate runs 50 containers' create-netns steps in parallel,
// then their create-veth steps in parallel, as two phases of a plan would.
func TestConcurrentCreate(t *testing.T) {
	const stack = "concurrent"
	const count = 50
	k := newKernel(t, stack)
	cleanupLinks(t, "np-cc")
	br := testBridge(stack, "front", "np-cc")
	do(t, k, model.Step{Kind: model.StepCreateBridge, Owner: br.Owner, Bridge: br})
	nss := make([]*model.Netns, count)
	veths := make([]*model.Veth, count)
	for i := range nss {
		name := fmt.Sprintf("cc-%02d", i)
		cleanupNetns(t, name)
		nss[i] = emptyNetns(name, name)
		veths[i] = testVeth(stack, name, "eth0", "np-cc", fmt.Sprintf("172.30.1.%d/16", i+10))
	}
	phase := func(step func(i int) model.Step) {
		var wg sync.WaitGroup
		errs := make([]error, count)
		for i := range count {
			wg.Go(func() { errs[i] = k.Do(t.Context(), step(i)) })
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	start := time.Now()
	phase(func(i int) model.Step {
		return model.Step{Kind: model.StepCreateNetns, Owner: nss[i].Owner, Netns: nss[i]}
	})
	phase(func(i int) model.Step {
		return model.Step{Kind: model.StepCreateVeth, Owner: nss[i].Owner, Netns: nss[i], Veth: veths[i]}
	})
	t.Logf("%d containers created concurrently in %v (%v each)", count, time.Since(start), time.Since(start)/count)

	got := observe(t, k, drivers.Query{Stack: stack}).State.Netns
	if len(got) != count {
		t.Fatalf("observed %d namespaces, want %d", len(got), count)
	}
	for i, n := range nss {
		want := *n
		want.Veths = map[string]*model.Veth{"eth0": veths[i]}
		if !reflect.DeepEqual(got[n.Name], &want) {
			t.Fatalf("netns %s: observed %+v, want %+v", n.Name, got[n.Name], &want)
		}
	}
}

// TestCreateVethLean: a pair is born with one queue per end (oneQueue), and
// its host end never gets an IPv6 link-local address (noLinkLocal), where an
// ordinary veth on the same bridge does.
func TestCreateVethLean(t *testing.T) {
	const stack = "vethlean"
	k := newKernel(t, stack)
	_, n := vethFixture(t, k, stack, "np-vl", "vl-web")
	cleanupLinks(t, "vl-plain")
	v := testVeth(stack, "web", "eth0", "np-vl", "172.30.0.10/16")
	do(t, k, model.Step{Kind: model.StepCreateVeth, Owner: n.Owner, Netns: n, Veth: v})
	sh(t, "ip link add vl-plain type veth peer name vl-plainp && ip link set vl-plain master np-vl up && ip link set vl-plainp up")

	nh, err := k.nss.get(n.Name)
	if err != nil {
		t.Fatal(err)
	}
	peer, err := nh.h.LinkByName(v.Name)
	if err != nil {
		t.Fatal(err)
	}
	host := linkWhenUp(t, v.HostName)
	for _, l := range []netlink.Link{host, peer} {
		if a := l.Attrs(); a.NumTxQueues != 1 || a.NumRxQueues != 1 {
			t.Errorf("%s has %d tx and %d rx queues, want 1 and 1", a.Name, a.NumTxQueues, a.NumRxQueues)
		}
	}
	plain := linkWhenUp(t, "vl-plain")
	if addrs := v6Addrs(t, plain); len(addrs) == 0 {
		t.Fatal("an ordinary veth got no IPv6 link-local address here, so this test cannot tell")
	}
	if addrs := v6Addrs(t, host); len(addrs) != 0 {
		t.Errorf("host end %s has IPv6 addresses %v, want none", v.HostName, addrs)
	}
}

// linkWhenUp reads a host link once its carrier is reported up: the kernel
// gives a link its link-local address then, up to a second after both ends
// are up (linkwatch).
func linkWhenUp(t *testing.T, name string) netlink.Link {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		l, err := netlink.LinkByName(name)
		if err != nil {
			t.Fatal(err)
		}
		if l.Attrs().OperState == netlink.OperUp {
			return l
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s still %s after 5 s", name, l.Attrs().OperState)
		}
	}
}

func v6Addrs(t *testing.T, l netlink.Link) []netlink.Addr {
	t.Helper()
	addrs, err := netlink.AddrList(l, netlink.FAMILY_V6)
	if err != nil {
		t.Fatal(err)
	}
	return addrs
}

// TestCreateVethSmallMTU: a host end whose MTU is too small for IPv6 has no
// IPv6 settings to take, and the veths created after it still get no
// link-local address.
func TestCreateVethSmallMTU(t *testing.T) {
	const stack = "vethsmall"
	k := newKernel(t, stack)
	_, small := vethFixture(t, k, stack, "np-vm", "vm-small")
	cleanupNetns(t, "vm-big")
	big := emptyNetns("big", "vm-big")
	do(t, k, model.Step{Kind: model.StepCreateNetns, Owner: big.Owner, Netns: big})
	v1 := testVeth(stack, "small", "eth0", "np-vm", "172.30.0.10/16")
	v1.MTU = 1000
	v2 := testVeth(stack, "big", "eth0", "np-vm", "172.30.0.11/16")
	do(t, k,
		model.Step{Kind: model.StepCreateVeth, Owner: small.Owner, Netns: small, Veth: v1},
		model.Step{Kind: model.StepCreateVeth, Owner: big.Owner, Netns: big, Veth: v2})
	if got := observedVeth(t, k, stack, "vm-small", "eth0"); got == nil || got.MTU != 1000 {
		t.Fatalf("observed %+v, want MTU 1000", got)
	}
	if addrs := v6Addrs(t, linkWhenUp(t, v2.HostName)); len(addrs) != 0 {
		t.Errorf("host end %s made after a small-MTU one has IPv6 addresses %v, want none", v2.HostName, addrs)
	}
}
