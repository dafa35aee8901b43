package firewall

import (
	"net/netip"
	"reflect"
	"testing"

	"github.com/netplan-dev/netplan/model"
)

func port(host uint16, addr string) model.PublishedPort {
	return model.PublishedPort{Owner: "container.web", Protocol: "tcp", HostIP: netip.IPv4Unspecified(), HostPort: host,
		Addr: netip.MustParseAddr(addr), Port: 80}
}

func table(sets map[string][]string, ports ...model.PublishedPort) *model.Firewall {
	return &model.Firewall{Table: "netplan-s", Rules: []string{"chain c { }"}, Sets: sets, Ports: ports}
}

func TestChangedElements(t *testing.T) {
	base := table(map[string][]string{SetContainers: {"172.18.0.2", "172.18.0.3"}},
		port(8080, "172.18.0.2"), port(8081, "172.18.0.3"))
	otherRules := table(base.Sets, base.Ports...)
	otherRules.Rules = []string{"chain d { }"}
	cases := []struct {
		name  string
		now   *model.Firewall
		limit int
		want  *model.Firewall
	}{
		{"same", base, 64, table(map[string][]string{})},
		{"a container added", table(map[string][]string{SetContainers: {"172.18.0.2", "172.18.0.3", "172.18.0.4"}},
			port(8080, "172.18.0.2"), port(8081, "172.18.0.3"), port(8082, "172.18.0.4")), 64,
			table(map[string][]string{SetContainers: {"172.18.0.4"}}, port(8082, "172.18.0.4"))},
		{"a container removed", table(map[string][]string{SetContainers: {"172.18.0.2"}}, port(8080, "172.18.0.2")), 64,
			table(map[string][]string{SetContainers: {"172.18.0.3"}}, port(8081, "172.18.0.3"))},
		// A port mapped to another container is asked for once, by its key.
		{"a port moved", table(base.Sets, port(8080, "172.18.0.2"), port(8081, "172.18.0.2")), 64,
			table(map[string][]string{}, port(8081, "172.18.0.3"))},
		{"a set emptied", table(map[string][]string{}, base.Ports...), 64,
			table(map[string][]string{SetContainers: {"172.18.0.2", "172.18.0.3"}})},
		{"over the limit", table(map[string][]string{}), 3, nil},
		{"other rules", otherRules, 64, nil},
		{"no table now", nil, 64, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := ChangedElements(base, tc.now, tc.limit)
			if tc.want == nil || got == nil {
				if got != tc.want {
					t.Fatalf("got %+v, want %+v", got, tc.want)
				}
				return
			}
			tc.want.Rules = nil
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

// WithElements puts what was read by key into the table as it was.
func TestWithElements(t *testing.T) {
	before := table(map[string][]string{SetContainers: {"172.18.0.2", "172.18.0.3"}, SetBridges: {"np-a"}},
		port(8080, "172.18.0.2"), port(8081, "172.18.0.3"))
	unsorted := table(map[string][]string{SetContainers: {"172.18.0.5", "172.18.0.2"}, SetBridges: {"np-a"}},
		port(8085, "172.18.0.5"), port(8080, "172.18.0.2"))
	asked := table(map[string][]string{SetContainers: {"172.18.0.10", "172.18.0.3"}},
		port(8081, "172.18.0.3"), port(8090, "172.18.0.10"))
	cases := []struct {
		name         string
		before, read *model.Firewall
		want         *model.Firewall
	}{
		{"all there", before, table(map[string][]string{SetContainers: {"172.18.0.10", "172.18.0.3"}},
			port(8090, "172.18.0.10"), port(8081, "172.18.0.3")),
			table(map[string][]string{SetContainers: {"172.18.0.2", "172.18.0.3", "172.18.0.10"}, SetBridges: {"np-a"}},
				port(8080, "172.18.0.2"), port(8081, "172.18.0.3"), port(8090, "172.18.0.10"))},
		{"asked and gone", before, table(map[string][]string{}),
			table(map[string][]string{SetContainers: {"172.18.0.2"}, SetBridges: {"np-a"}}, port(8080, "172.18.0.2"))},
		{"a port read with another target", before, table(map[string][]string{}, port(8081, "172.18.0.9")),
			table(map[string][]string{SetContainers: {"172.18.0.2"}, SetBridges: {"np-a"}},
				port(8080, "172.18.0.2"), port(8081, "172.18.0.9"))},
		{"the table gone", before, nil, nil},
		// A before out of canonical order comes out in it.
		{"before out of order", unsorted, table(map[string][]string{SetContainers: {"172.18.0.10"}}, port(8090, "172.18.0.10")),
			table(map[string][]string{SetContainers: {"172.18.0.2", "172.18.0.5", "172.18.0.10"}, SetBridges: {"np-a"}},
				port(8080, "172.18.0.2"), port(8085, "172.18.0.5"), port(8090, "172.18.0.10"))},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := WithElements(tc.before, tc.read, asked); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

// The one-walk delta of sorted lists is the delta of two maps, in order.
func TestSortedDeltaIsDelta(t *testing.T) {
	cases := []struct{ was, now []string }{
		{nil, nil},
		{[]string{"10.0.0.2", "10.0.0.10"}, nil},
		{nil, []string{"10.0.0.2"}},
		{[]string{"10.0.0.2", "10.0.0.3", "10.0.0.10"}, []string{"10.0.0.3", "10.0.0.4", "10.0.0.100"}},
		{[]string{"np-a", "np-b"}, []string{"np-b", "np-c"}},
		// Out of order: the maps decide.
		{[]string{"10.0.0.10", "10.0.0.2"}, []string{"10.0.0.2", "10.0.0.3"}},
	}
	for _, tc := range cases {
		gone, added := sortedDelta(tc.was, tc.now, compareElements)
		wantGone, wantAdded := mapDelta(tc.was, tc.now)
		if !reflect.DeepEqual(gone, wantGone) || !reflect.DeepEqual(added, wantAdded) {
			t.Errorf("%v -> %v: got -%v +%v, want -%v +%v", tc.was, tc.now, gone, added, wantGone, wantAdded)
		}
	}
}
