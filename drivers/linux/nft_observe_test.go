package linux

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/netplan-dev/netplan/model"
)

// TestRereadWhileTorn: a listing with an element twice is read again, after
// doubling pauses, until it comes back whole or the reads run out.
func TestRereadWhileTorn(t *testing.T) {
	port := func(hostPort uint16, target string) model.PublishedPort {
		return model.PublishedPort{Owner: "container.web", Protocol: "tcp", HostIP: netip.IPv4Unspecified(), HostPort: hostPort, Addr: netip.MustParseAddr(target), Port: 80}
	}
	whole := &model.Firewall{Table: "t", Ports: []model.PublishedPort{port(1, "10.0.0.2"), port(2, "10.0.0.2")}, Sets: map[string][]string{"s": {"a", "b"}}}
	tornPorts := &model.Firewall{Table: "t", Ports: []model.PublishedPort{port(1, "10.0.0.2"), port(1, "10.0.0.2")}, Sets: map[string][]string{"s": {"a", "b"}}}
	tornSet := &model.Firewall{Table: "t", Ports: whole.Ports, Sets: map[string][]string{"s": {"a", "a"}}}
	// Same key, other target: still one key twice, which a set cannot hold.
	tornKey := &model.Firewall{Table: "t", Ports: []model.PublishedPort{port(1, "10.0.0.2"), port(1, "10.0.0.3")}}
	failed := errors.New("netlink: boom")
	tests := []struct {
		name      string
		reads     []*model.Firewall // nil entry: the read fails
		wantReads int
		wantErr   string
	}{
		{name: "whole at once", reads: []*model.Firewall{whole}, wantReads: 1},
		{name: "ports torn once", reads: []*model.Firewall{tornPorts, whole}, wantReads: 2},
		{name: "set torn twice", reads: []*model.Firewall{tornSet, tornSet, whole}, wantReads: 3},
		{name: "same key other target", reads: []*model.Firewall{tornKey, whole}, wantReads: 2},
		{name: "read fails", reads: []*model.Firewall{nil}, wantReads: 1, wantErr: "boom"},
		{name: "torn every time", reads: []*model.Firewall{tornSet}, wantReads: tornReads, wantErr: `listed element "a" of set s twice in each of 10 reads`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var reads int
			var slept []time.Duration
			read := func() (*model.Firewall, bool, error) {
				fw := tt.reads[min(reads, len(tt.reads)-1)]
				reads++
				if fw == nil {
					return nil, false, failed
				}
				return fw, false, nil
			}
			fw, _, err := rereadWhileTorn(read, func(d time.Duration) { slept = append(slept, d) })
			if reads != tt.wantReads {
				t.Errorf("%d reads, want %d", reads, tt.wantReads)
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || fw != whole {
				t.Fatalf("got %v, %v; want the whole listing", fw, err)
			}
			for i, d := range slept {
				if want := time.Millisecond << i; d != want {
					t.Errorf("pause %d: %v, want %v", i, d, want)
				}
			}
			if len(slept) != reads-1 {
				t.Errorf("%d pauses for %d reads", len(slept), reads)
			}
		})
	}
}
