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
