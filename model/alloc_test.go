package model

import (
	"net/netip"
	"testing"
)

func allocDesired(names ...string) *Desired {
	d := &Desired{Networks: []Network{{Name: "front", Subnet: netip.MustParsePrefix("172.20.0.0/16"), Gateway: netip.MustParseAddr("172.20.0.1")}}}
	for _, n := range names {
		d.Containers = append(d.Containers, Container{Name: n, Mode: ModeBridge, Attachments: []Attachment{{Network: "front", Interface: "eth0"}}})
	}
	return d
}

func addrs(d *Desired) map[string]string {
	out := map[string]string{}
	for _, c := range d.Containers {
		out[c.Name] = c.Attachments[0].Address.String()
	}
	return out
}

// TestAllocateKeepsLiveAddresses covers allocation run twice, as it is: once
// by the configuration (no live state) and once by the planner (live state).
// A newcomer first in name order must not take a live container's address,
// even though the first run gave it that address.
func TestAllocateKeepsLiveAddresses(t *testing.T) {
	tests := []struct {
		name  string
		conts []string
		live  map[AttachmentKey]netip.Addr
		want  map[string]string
	}{
		{"empty host: lowest free in name order", []string{"aaa", "bbb", "web"}, nil,
			map[string]string{"aaa": "172.20.0.2", "bbb": "172.20.0.3", "web": "172.20.0.4"}},
		{"live web keeps .3; newcomer bbb skips it", []string{"aaa", "bbb", "web"},
			map[AttachmentKey]netip.Addr{{"aaa", "front"}: netip.MustParseAddr("172.20.0.2"), {"web", "front"}: netip.MustParseAddr("172.20.0.3")},
			map[string]string{"aaa": "172.20.0.2", "bbb": "172.20.0.4", "web": "172.20.0.3"}},
		{"a live address outside the subnet is not kept", []string{"web"},
			map[AttachmentKey]netip.Addr{{"web", "front"}: netip.MustParseAddr("10.0.0.9")},
			map[string]string{"web": "172.20.0.2"}},
		{"the gateway is never kept", []string{"web"},
			map[AttachmentKey]netip.Addr{{"web", "front"}: netip.MustParseAddr("172.20.0.1")},
			map[string]string{"web": "172.20.0.2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := allocDesired(tt.conts...)
			if err := Allocate(d, nil); err != nil { // as config.Load does
				t.Fatal(err)
			}
			if err := Allocate(d, tt.live); err != nil { // as planner.Target does
				t.Fatal(err)
			}
			got := addrs(d)
			for k, v := range tt.want {
				if got[k] != v {
					t.Errorf("%s = %s, want %s (all: %v)", k, got[k], v, got)
				}
			}
		})
	}
}

func TestAllocateExhausted(t *testing.T) {
	d := allocDesired("a", "b", "c")
	d.Networks[0].Subnet = netip.MustParsePrefix("172.20.0.0/30") // .1 gateway, .2 the only host
	d.Networks[0].Gateway = netip.MustParseAddr("172.20.0.1")
	if err := Allocate(d, nil); err == nil {
		t.Fatal("three containers fit in a /30 with a gateway")
	}
}
