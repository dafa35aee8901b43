package linux

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/netplan-dev/netplan/drivers"
	"github.com/netplan-dev/netplan/model"
)

// TestObserveParts: the by-name observation used to verify an apply reads
// the named bridges, namespaces and host ends exactly as the full Observe
// does, leaves out what is not named, and finds nothing once they are
// deleted (a destroy).
func TestObserveParts(t *testing.T) {
	const stack = "parts"
	k := newKernel(t, stack)
	br, n := vethFixture(t, k, stack, "np-parts", "parts-web")
	v := testVeth(stack, "web", "eth0", br.Name, "172.30.1.2/24")
	do(t, k, model.Step{Kind: model.StepCreateVeth, Owner: n.Owner, Netns: n, Veth: v})
	_, other := vethFixture(t, k, stack, "np-parts2", "parts-other")
	cleanupLinks(t, "np-parts-plain", v.HostName)
	sh(t, "ip link add np-parts-plain type bridge")
	q := drivers.Query{Stack: stack, Bridges: []string{"np-parts", "np-parts-absent", "np-parts-plain"}, Netns: []string{"parts-web", "parts-other"}}
	full := observe(t, k, q).State

	tests := []struct {
		name  string
		parts drivers.Parts
		check func(t *testing.T, st *model.State)
	}{
		{"everything named", drivers.Parts{Bridges: []string{"np-parts", "np-parts-absent", "np-parts-plain"}, HostEnds: []string{v.HostName}, Netns: []string{"parts-web"}},
			func(t *testing.T, st *model.State) {
				if !reflect.DeepEqual(st.Bridges["np-parts"], full.Bridges["np-parts"]) || len(st.Bridges) != 1 {
					t.Errorf("bridges %v, want np-parts as the full observation has it", st.Bridges)
				}
				if !reflect.DeepEqual(st.Netns["parts-web"], full.Netns["parts-web"]) || len(st.Netns) != 1 {
					t.Errorf("netns %+v\nwant %+v", st.Netns["parts-web"], full.Netns["parts-web"])
				}
			}},
		{"host end not named", drivers.Parts{Netns: []string{"parts-web"}},
			func(t *testing.T, st *model.State) {
				if got := st.Netns["parts-web"].Veths["eth0"]; got == nil || got.HostName != "" {
					t.Errorf("veth %+v: want no host half", got)
				}
			}},
		{"other namespace only", drivers.Parts{Netns: []string{other.Name}},
			func(t *testing.T, st *model.State) {
				if len(st.Bridges) != 0 || len(st.Netns) != 1 || st.Netns[other.Name] == nil {
					t.Errorf("bridges %v netns %v", st.Bridges, st.Netns)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obs, err := k.ObserveParts(context.Background(), q, tt.parts)
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, obs.State)
			if slices.Contains(tt.parts.Bridges, "np-parts-plain") != (len(obs.Foreign) == 1 && obs.Foreign[0].Name == "np-parts-plain") {
				t.Errorf("foreign: %+v", obs.Foreign)
			}
		})
	}

	do(t, k,
		model.Step{Kind: model.StepDeleteNetns, Owner: n.Owner, Netns: n},
		model.Step{Kind: model.StepDeleteBridge, Owner: br.Owner, Link: br.Name})
	obs, err := k.ObserveParts(context.Background(), q, drivers.Parts{Bridges: []string{"np-parts"}, Netns: []string{"parts-web"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(obs.State.Bridges) != 0 || len(obs.State.Netns) != 0 {
		t.Fatalf("after delete: bridges %v netns %v", obs.State.Bridges, obs.State.Netns)
	}
}

// TestNetnsIPv6Off: links born in a namespace netplan creates have IPv6
// off (no link-local address, no DAD or MLD flooding the bridge), while lo
// keeps ::1.
func TestNetnsIPv6Off(t *testing.T) {
	const stack = "six"
	k := newKernel(t, stack)
	_, n := vethFixture(t, k, stack, "np-six", "six-web")
	v := testVeth(stack, "web", "eth0", "np-six", "172.30.0.2/24")
	do(t, k, model.Step{Kind: model.StepCreateVeth, Owner: n.Owner, Netns: n, Veth: v})
	t.Cleanup(func() { cleanupLinks(t, v.HostName) })
	got := sh(t, "nsenter --net=/run/netns/six-web sh -c 'cat /proc/sys/net/ipv6/conf/eth0/disable_ipv6 /proc/sys/net/ipv6/conf/lo/disable_ipv6; ip -6 -o addr'")
	if !strings.HasPrefix(got, "1\n0\n") || strings.Contains(got, "eth0") || !strings.Contains(got, "::1") {
		t.Fatalf("IPv6 in the namespace:\n%s", got)
	}
}
