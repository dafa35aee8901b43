package linux

import (
	"errors"
	"testing"

	"github.com/google/nftables"

	"github.com/netplan-dev/netplan/drivers"
	"github.com/netplan-dev/netplan/model"
)

// refuseTableRead stands in for observeFirewall: an observation that reads
// the table fails.
func refuseTableRead(*nftables.Conn, *nlSock, string, *model.Firewall) (*model.Firewall, bool, error) {
	return nil, false, errors.New("table read")
}

// firewallKernel is a kernel for stack that reads the table for real (these
// tests are about the table), and the stack's firewall (testFirewall with
// ports), whose table is deleted when the test ends.
func firewallKernel(t *testing.T, stack string, ports int) (*Kernel, *model.Firewall) {
	t.Helper()
	fw := testFirewall(stack, ports)
	k := newKernel(t, stack)
	observeFirewallFn = observeFirewall
	t.Cleanup(func() { _, _ = deleteFirewall(testNft(t), fw.Table) })
	return k, fw
}

// TestFirewallFromRecord: a record carries the stack's firewall with the
// nftables generation it was read at, or reached by this process's own
// step. A kernel that trusts the record takes the firewall from it without
// reading the table while the generation holds; any commit since, even to
// another table, makes it read the table again.
func TestFirewallFromRecord(t *testing.T) {
	const stack = "fwrec"
	k, fw := firewallKernel(t, stack, 3)
	observe(t, k, drivers.Query{Stack: stack})
	do(t, k, model.Step{Kind: model.StepSyncFirewall, Firewall: fw})
	record, err := k.Record()
	if err != nil {
		t.Fatal(err)
	}

	// Reading the table now fails the observation: only a firewall taken
	// from the record lets it through.
	refuse := refuseTableRead
	k2 := newKernel(t, stack)
	observeFirewallFn = refuse
	if err := k2.Trust(record); err != nil {
		t.Fatal(err)
	}
	diffFirewall(t, observe(t, k2, drivers.Query{Stack: stack}).State.Firewall, fw)

	sh(t, "nft add table ip fwrec-other && nft delete table ip fwrec-other")
	k3 := newKernel(t, stack)
	observeFirewallFn = refuse
	if err := k3.Trust(record); err != nil {
		t.Fatal(err)
	}
	if _, err := k3.Observe(t.Context(), drivers.Query{Stack: stack}); err == nil {
		t.Fatal("observe after another commit took the firewall from the record")
	}
	observeFirewallFn = observeFirewall
	if err := k3.Trust(record); err != nil {
		t.Fatal(err)
	}
	diffFirewall(t, observe(t, k3, drivers.Query{Stack: stack}).State.Firewall, fw)
}

// TestFirewallUnknownAfterOthersCommit: a commit of someone else's between
// this process's read and its own step leaves the firewall unknown, and the
// record without one.
func TestFirewallUnknownAfterOthersCommit(t *testing.T) {
	const stack = "fwrec2"
	k, fw := firewallKernel(t, stack, 2)
	observe(t, k, drivers.Query{Stack: stack})
	sh(t, "nft add table ip fwrec2-other && nft delete table ip fwrec2-other")
	do(t, k, model.Step{Kind: model.StepSyncFirewall, Firewall: fw})
	record, err := k.Record()
	if err != nil {
		t.Fatal(err)
	}
	k2 := newKernel(t, stack)
	if err := k2.Trust(record); err != nil {
		t.Fatal(err)
	}
	if _, fwAt := k2.takeTrusted(stack).decoded(); fwAt != nil {
		t.Fatalf("record holds a firewall at generation %d after someone else's commit", fwAt.Gen)
	}
}

// TestRecalledRecord: a kernel that recalls a record (a plain plan) reads
// every namespace, so a route deleted inside shows, and takes only the
// firewall from the record, while the nftables generation is the record's;
// after anyone's commit it reads the table.
func TestRecalledRecord(t *testing.T) {
	const stack = "recall"
	k, fw := firewallKernel(t, stack, 2)
	recordFixture(t, k, stack, "np-recall", 1)
	do(t, k, model.Step{Kind: model.StepSyncFirewall, Firewall: fw})
	record, err := k.Record()
	if err != nil {
		t.Fatal(err)
	}
	sh(t, "ip -n recall-0 route del default")

	refuse := refuseTableRead
	k2 := newKernel(t, stack)
	observeFirewallFn = refuse
	if err := k2.Recall(record); err != nil {
		t.Fatal(err)
	}
	st := observe(t, k2, drivers.Query{Stack: stack}).State
	diffFirewall(t, st.Firewall, fw)
	if n := st.Netns["recall-0"]; n == nil || n.Gateway.IsValid() {
		t.Errorf("recall-0 (route deleted inside): want it read, without a gateway; got %+v", n)
	}

	sh(t, "nft add table ip recall-other && nft delete table ip recall-other")
	k3 := newKernel(t, stack)
	observeFirewallFn = refuse // newKernel put the default back
	if err := k3.Recall(record); err != nil {
		t.Fatal(err)
	}
	if _, err := k3.Observe(t.Context(), drivers.Query{Stack: stack}); err == nil {
		t.Fatal("observe after another commit took the firewall from the record")
	}
	observeFirewallFn = observeFirewall
}
