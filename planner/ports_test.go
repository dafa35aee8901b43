package planner

import (
	"math/rand/v2"
	"net/netip"
	"testing"

	"github.com/netplan-dev/netplan/model"
)

// TestWantedPorts holds wantedPorts to the map it replaced, where the last
// port of a key in table order wins, and samePorts to "no port is stale".
func TestWantedPorts(t *testing.T) {
	type key struct {
		proto string
		ip    netip.Addr
		port  uint16
	}
	r := rand.New(rand.NewPCG(3, 4))
	ips := []netip.Addr{{}, netip.IPv4Unspecified(), netip.MustParseAddr("127.0.0.1")}
	random := func(n int) []model.PublishedPort {
		ps := make([]model.PublishedPort, n)
		for i := range ps {
			ps[i] = model.PublishedPort{
				Owner:    []string{"container.a", "container.b"}[r.IntN(2)],
				Protocol: []string{"tcp", "udp"}[r.IntN(2)],
				HostIP:   ips[r.IntN(len(ips))],
				HostPort: uint16(8000 + r.IntN(8)), // few keys: duplicates happen
				Addr:     netip.AddrFrom4([4]byte{10, 0, 0, byte(r.IntN(3))}),
				Port:     uint16(80 + r.IntN(2)),
			}
		}
		return ps
	}
	for round := range 300 {
		tf := &model.Firewall{Ports: random(r.IntN(12))}
		if round%2 == 0 {
			tf.Ports = sortedPorts(tf.Ports) // sorted, often unique: the searched path
		}
		of := random(r.IntN(12))
		if round%3 == 0 {
			of = append([]model.PublishedPort(nil), tf.Ports...)
		}
		ref := map[key]model.PublishedPort{}
		for _, p := range tf.Ports {
			ref[key{p.Protocol, p.HostIP, p.HostPort}] = p
		}
		want := wantedPorts(tf)
		stale := false
		for _, p := range of {
			w, ok := want(p)
			rw, rok := ref[key{p.Protocol, p.HostIP, p.HostPort}]
			if ok != rok || w != rw {
				t.Fatalf("round %d: wanted(%+v) = %+v %v, map gives %+v %v", round, p, w, ok, rw, rok)
			}
			stale = stale || !ok || w.Addr != p.Addr || w.Port != p.Port
		}
		if samePorts(tf.Ports, of) && stale {
			t.Fatalf("round %d: samePorts with a stale port", round)
		}
	}
}
