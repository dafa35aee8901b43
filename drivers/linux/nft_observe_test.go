package linux

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/nftables"
)

// TestRelistWhileTorn: a set listing with a key twice is listed again, after
// doubling pauses, until it comes back whole or the listings run out.
func TestRelistWhileTorn(t *testing.T) {
	elem := func(key, val byte) nftables.SetElement {
		return nftables.SetElement{Key: []byte{0, 6, 0x27, key}, Val: []byte{10, 0, 0, val}}
	}
	whole := []nftables.SetElement{elem(1, 2), elem(2, 2)}
	torn := []nftables.SetElement{elem(1, 2), elem(1, 2)}
	// Same key, another value: still one key twice, which a set cannot hold.
	tornKey := []nftables.SetElement{elem(1, 2), elem(1, 3)}
	// An interval set's range: its start and its end element.
	interval := []nftables.SetElement{elem(1, 2), {Key: elem(1, 2).Key, IntervalEnd: true}}
	tests := []struct {
		name      string
		listings  [][]nftables.SetElement // nil entry: the listing fails
		wantLists int
		wantErr   string
	}{
		{name: "whole at once", listings: [][]nftables.SetElement{whole}, wantLists: 1},
		{name: "torn once", listings: [][]nftables.SetElement{torn, whole}, wantLists: 2},
		{name: "torn twice", listings: [][]nftables.SetElement{torn, torn, whole}, wantLists: 3},
		{name: "same key other value", listings: [][]nftables.SetElement{tornKey, whole}, wantLists: 2},
		{name: "interval start and end", listings: [][]nftables.SetElement{interval}, wantLists: 1},
		{name: "listing fails", listings: [][]nftables.SetElement{nil}, wantLists: 1, wantErr: "boom"},
		{name: "torn every time", listings: [][]nftables.SetElement{torn}, wantLists: tornReads, wantErr: "listed key 00062701 twice in each of 10 listings"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var lists int
			var slept []time.Duration
			list := func() ([]nftables.SetElement, error) {
				l := tt.listings[min(lists, len(tt.listings)-1)]
				lists++
				if l == nil {
					return nil, errors.New("netlink: boom")
				}
				return l, nil
			}
			got, err := relistWhileTorn("s", list, func(d time.Duration) { slept = append(slept, d) })
			if lists != tt.wantLists {
				t.Errorf("%d listings, want %d", lists, tt.wantLists)
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err %v, want %q", err, tt.wantErr)
				}
				return
			}
			if want := tt.listings[len(tt.listings)-1]; err != nil || len(got) != len(want) || &got[0] != &want[0] {
				t.Fatalf("got %v, %v; want the last listing", got, err)
			}
			for i, d := range slept {
				if want := time.Millisecond << i; d != want {
					t.Errorf("pause %d: %v, want %v", i, d, want)
				}
			}
			if len(slept) != lists-1 {
				t.Errorf("%d pauses for %d listings", len(slept), lists)
			}
		})
	}
}
