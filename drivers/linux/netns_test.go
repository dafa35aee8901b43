package linux

import (
	"reflect"
	"testing"

	"github.com/netplan-dev/netplan/drivers"
	"github.com/netplan-dev/netplan/internal/sandbox"
	"github.com/netplan-dev/netplan/model"
)

func emptyNetns(container, name string) *model.Netns {
	return &model.Netns{Owner: model.ContainerAddress(container), Name: name, LoUp: true, Veths: map[string]*model.Veth{}}
}

// TestNetnsSteps: create-netns, set-lo-up after drift, delete-netns, each
// read back through Observe and checked against iproute2.
func TestNetnsSteps(t *testing.T) {
	const stack = "nssteps"
	k := newKernel(t, stack)
	cleanupNetns(t, "nss-web")
	want := emptyNetns("web", "nss-web")
	q := drivers.Query{Stack: stack, Netns: []string{"nss-web"}}

	do(t, k, model.Step{Kind: model.StepCreateNetns, Owner: want.Owner, Netns: want})
	obs := observe(t, k, q)
	if got := obs.State.Netns["nss-web"]; !reflect.DeepEqual(got, want) || len(obs.Foreign) != 0 {
		t.Fatalf("after create: %+v (foreign %+v), want %+v", got, obs.Foreign, want)
	}
	if lo := ipLinkShow(t, "nss-web", "lo"); lo.Alias != model.Label(stack, "container.web") {
		t.Fatalf("lo label %q", lo.Alias)
	}
	if !netnsExists(t, "nss-web") {
		t.Fatal("ip netns list does not show the namespace")
	}

	sh(t, "ip -n nss-web link set lo down")
	if got := observe(t, k, q).State.Netns["nss-web"]; got == nil || got.LoUp {
		t.Fatalf("lo down not observed: %+v", got)
	}
	do(t, k, model.Step{Kind: model.StepSetLoUp, Owner: want.Owner, Netns: want})
	if got := observe(t, k, q).State.Netns["nss-web"]; !reflect.DeepEqual(got, want) {
		t.Fatalf("after set-lo-up: %+v", got)
	}

	do(t, k, model.Step{Kind: model.StepDeleteNetns, Owner: want.Owner, Netns: want})
	if got := observe(t, k, q).State.Netns; len(got) != 0 || netnsExists(t, "nss-web") {
		t.Fatalf("after delete: %+v", got)
	}
	do(t, k, model.Step{Kind: model.StepDeleteNetns, Owner: want.Owner, Netns: want}) // gone already: no error
}

// TestNetnsDeletedByHand: a namespace removed with `ip netns del` vanishes
// from Observe, and the handle Do cached for it does not keep its veth alive.
func TestNetnsDeletedByHand(t *testing.T) {
	const stack = "nshand"
	k := newKernel(t, stack)
	cleanupLinks(t, "np-nsh")
	cleanupNetns(t, "nsh-web")
	br := testBridge(stack, "front", "np-nsh")
	n := emptyNetns("web", "nsh-web")
	v := testVeth(stack, "web", "eth0", "np-nsh", "172.30.0.10/16")
	do(t, k,
		model.Step{Kind: model.StepCreateBridge, Bridge: br},
		model.Step{Kind: model.StepCreateNetns, Netns: n},
		model.Step{Kind: model.StepCreateVeth, Owner: n.Owner, Netns: n, Veth: v})
	if got := observe(t, k, drivers.Query{Stack: stack}).State.Netns; got["nsh-web"] == nil {
		t.Fatal("namespace not observed")
	}
	sh(t, "ip netns del nsh-web")
	if got := observe(t, k, drivers.Query{Stack: stack}).State.Netns; len(got) != 0 {
		t.Fatalf("deleted namespace still observed: %+v", got)
	}
	err := sandbox.Eventually(100, 10e6, func() error {
		if linkExists(v.HostName) {
			return errHostEndAlive
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

type constErr string

func (e constErr) Error() string { return string(e) }

const errHostEndAlive = constErr("host veth end outlived its namespace")
