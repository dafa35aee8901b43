package linux

import (
	"net/netip"
	"regexp"
	"slices"
	"testing"

	"github.com/netplan-dev/netplan/firewall"
	"github.com/netplan-dev/netplan/model"
)

// tableHandle is the kernel's handle of a table: replacing the table whole
// gives a new one, updating its elements keeps it.
func tableHandle(t *testing.T, table string) string {
	t.Helper()
	m := regexp.MustCompile(`table ip \S+ \{ # handle (\d+)`).FindStringSubmatch(nftOut(t, "-a", "list", "table", "ip", table))
	if m == nil {
		t.Fatalf("no handle for table %s", table)
	}
	return m[1]
}

// changedFirewall is fw with one port gone, one moved to another address,
// one added, and a container address added.
func changedFirewall(fw *model.Firewall) *model.Firewall {
	c := fw.Clone()
	c.Ports = slices.DeleteFunc(c.Ports, func(p model.PublishedPort) bool { return p.HostPort == 1003 })
	i := slices.IndexFunc(c.Ports, func(p model.PublishedPort) bool { return p.HostPort == 1005 })
	c.Ports[i].Addr, c.Ports[i].Owner = netip.MustParseAddr("172.17.0.9"), "container.other"
	c.Ports = append(c.Ports, model.PublishedPort{Owner: "container.other", Protocol: "udp", HostIP: netip.IPv4Unspecified(), HostPort: 5000, Addr: netip.MustParseAddr("172.17.0.9"), Port: 53})
	firewall.SortPorts(c.Ports)
	c.Sets[firewall.SetContainers] = append(c.Sets[firewall.SetContainers], "172.17.0.9")
	slices.Sort(c.Sets[firewall.SetContainers])
	return c
}

func TestFirewallElementUpdate(t *testing.T) {
	tests := []struct {
		name        string
		behind      []string // nft command run between observing and syncing
		prior       func(observed *model.Firewall) *model.Firewall
		wantUpdated bool
	}{
		{name: "elements only", prior: func(o *model.Firewall) *model.Firewall { return o }, wantUpdated: true},
		{name: "no prior", prior: func(*model.Firewall) *model.Firewall { return nil }},
		{name: "rules differ", prior: func(o *model.Firewall) *model.Firewall {
			c := o.Clone()
			c.Rules = c.Rules[:len(c.Rules)-1]
			return c
		}},
		{name: "element deleted behind our back", behind: []string{"delete", "element", "ip", model.TableName("fwdelta"), firewall.MapPortsAny, "{ tcp . 1003 }"},
			prior: func(o *model.Firewall) *model.Firewall { return o }},
		// Adding an element that is there is no error: the update goes
		// through, and the table is what was wanted all the same.
		{name: "element added behind our back", behind: []string{"add", "element", "ip", model.TableName("fwdelta"), firewall.SetContainers, "{ 172.17.0.9 }"},
			prior: func(o *model.Firewall) *model.Firewall { return o }, wantUpdated: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fw := testFirewall("fwdelta", 12)
			mustSync(t, fw)
			observed := mustObserve(t, "fwdelta")
			if len(tt.behind) > 0 {
				nftOut(t, tt.behind...)
			}
			before := nftOut(t, "-j", "list", "table", "ip", fw.Table)
			handle := tableHandle(t, fw.Table)
			want := changedFirewall(fw)

			updated, err := updateElements(testNft(t), want, tt.prior(observed))
			if err != nil || updated != tt.wantUpdated {
				t.Fatalf("updateElements: updated=%v err=%v, want updated=%v", updated, err, tt.wantUpdated)
			}
			if updated {
				diffFirewall(t, mustObserve(t, "fwdelta"), want)
				if h := tableHandle(t, fw.Table); h != handle {
					t.Errorf("table handle %s -> %s: replaced, not updated", handle, h)
				}
				return
			}
			if after := nftOut(t, "-j", "list", "table", "ip", fw.Table); after != before {
				t.Fatalf("a refused update changed the table:\n%s\n%s", before, after)
			}
			// The sync falls back to replacing the table, which repairs it.
			if err := syncFirewall(testNft(t), want, tt.prior(observed)); err != nil {
				t.Fatal(err)
			}
			diffFirewall(t, mustObserve(t, "fwdelta"), want)
		})
	}
}
