package linux

import (
	"net/netip"
	"testing"

	"github.com/netplan-dev/netplan/firewall"
	"github.com/netplan-dev/netplan/model"
)

// A UDP flow keeps its DNAT target for as long as packets keep coming: after
// a published port moves, only flushing conntrack makes the flow follow it.
func TestFlushConntrackMovesUDPFlow(t *testing.T) {
	trafficHost(t, "1")
	d := trafficDesired()
	if err := syncFirewall(testNft(t), firewall.Build(d), nil); err != nil {
		t.Fatal(err)
	}
	ask := func() string {
		t.Helper()
		got, err := dial("fwt-out", "udp-fixed", "192.168.1.10:5353")
		if err != nil {
			t.Fatalf("udp to the published port: %v %s", err, got)
		}
		return got
	}
	if got := ask(); got != "c2" {
		t.Fatalf("before the move the flow reached %q, want c2", got)
	}
	old := firewall.Build(d).Ports
	// Move udp 5353 from fwt-c2 to fwt-c3.
	d.Containers[0].Publish = d.Containers[0].Publish[:2]
	d.Containers[1].Publish = []model.Port{{HostPort: 5353, ContainerPort: 53, Count: 1, Protocol: "udp"}}
	if err := syncFirewall(testNft(t), firewall.Build(d), nil); err != nil {
		t.Fatal(err)
	}
	if got := ask(); got != "c2" {
		t.Fatalf("control: without a flush the old flow should stick to c2, reached %q", got)
	}
	var moved []model.PublishedPort
	for _, p := range old {
		if p.Protocol == "udp" {
			moved = append(moved, p)
		}
	}
	if len(moved) != 1 || moved[0].Addr != netip.MustParseAddr("172.17.0.2") {
		t.Fatalf("old udp ports: %v", moved)
	}
	if err := flushConntrack(testConntrack(t), moved); err != nil {
		t.Fatal(err)
	}
	if got := ask(); got != "c3" {
		t.Fatalf("after the flush the flow reached %q, want c3", got)
	}
	// Flows to other targets survive the flush.
	if err := flushConntrack(testConntrack(t), nil); err != nil {
		t.Fatal(err)
	}
}

// TestConntrackWalkFollowsDNATCount: the flush after a published port moves
// walks the conntrack table only once some connection was DNATed, as the
// DNAT rules' counters say; a table that replaced another, or one whose
// count is unknown, always walks.
func TestConntrackWalkFollowsDNATCount(t *testing.T) {
	trafficHost(t, "1")
	d := trafficDesired()
	fw := firewall.Build(d)
	k := newKernel(t, d.Stack)
	if !k.conntrackNeedsWalk(fw.Table) {
		t.Fatal("no table and no deletion seen: the count is unknown, so the flush must walk")
	}
	do(t, k, model.Step{Kind: model.StepSyncFirewall, Firewall: fw})
	if k.conntrackNeedsWalk(fw.Table) {
		t.Fatal("a new table that DNATed nothing: no walk needed")
	}
	if got, err := dial("fwt-out", "udp-fixed", "192.168.1.10:5353"); err != nil || got != "c2" {
		t.Fatalf("udp to the published port: %q %v", got, err)
	}
	if n, _, err := dnatCount(k.nft, fw.Table); err != nil || n != 1 {
		t.Fatalf("after one DNATed flow the count is %d (%v), want 1", n, err)
	}
	if !k.conntrackNeedsWalk(fw.Table) {
		t.Fatal("after a DNATed flow the flush must walk")
	}

	// Deleted and made again by the same process (a rollback): the new
	// table starts from the deleted one's count.
	do(t, k, model.Step{Kind: model.StepDeleteFirewall, Firewall: fw})
	if !k.conntrackNeedsWalk(fw.Table) {
		t.Fatal("deleted after a DNATed flow: the flush must walk")
	}
	do(t, k, model.Step{Kind: model.StepSyncFirewall, Firewall: fw})
	if n, _, err := dnatCount(k.nft, fw.Table); err != nil || n != 1 {
		t.Fatalf("re-created after a deletion that counted 1, the count is %d (%v)", n, err)
	}

	// A table replaced whole starts above the old count; one with no
	// predecessor at zero.
	do(t, k, model.Step{Kind: model.StepDeleteFirewall, Firewall: fw})
	delete(k.deletedDNAT, fw.Table)
	do(t, k, model.Step{Kind: model.StepSyncFirewall, Firewall: fw})
	if k.conntrackNeedsWalk(fw.Table) {
		t.Fatal("created anew, with no table before it: no walk needed")
	}
	do(t, k, model.Step{Kind: model.StepSyncFirewall, Firewall: fw}) // no prior: replaced whole
	if n, _, err := dnatCount(k.nft, fw.Table); err != nil || n != 1 {
		t.Fatalf("a table replacing one that counted 0 starts at %d (%v), want 1", n, err)
	}
	do(t, k, model.Step{Kind: model.StepDeleteFirewall, Firewall: fw})
	if k.deletedDNAT[fw.Table] != 1 || !k.conntrackNeedsWalk(fw.Table) {
		t.Fatalf("deleted with count %d: the flush must walk", k.deletedDNAT[fw.Table])
	}
}
