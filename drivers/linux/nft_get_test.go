package linux

import (
	"net/netip"
	"slices"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/netplan-dev/netplan/firewall"
	"github.com/netplan-dev/netplan/model"
)

// TestFirewallReadByKey: a read narrowed to some elements returns the
// table's rules whole and, of the elements, exactly those asked for that
// the kernel holds, with their current values and owners.
func TestFirewallReadByKey(t *testing.T) {
	fw := testFirewall("fwkeys", 5)
	mustSync(t, fw)
	anyPort := func(port uint16) model.PublishedPort {
		for _, p := range fw.Ports {
			if p.HostPort == port {
				return p
			}
		}
		t.Fatalf("no published port %d in %v", port, fw.Ports)
		return model.PublishedPort{}
	}
	loopback, any1000, any1001 := anyPort(81), anyPort(1000), anyPort(1001)
	// A value changed by hand reads as the kernel has it.
	nftOut(t, "delete", "element", "ip", fw.Table, firewall.MapPortsAny, "{ tcp . 1001 }")
	nftOut(t, "add", "element", "ip", fw.Table, firewall.MapPortsAny, "{ tcp . 1001 : 172.17.0.9 . 2001 }")
	moved := any1001
	moved.Addr, moved.Owner = netip.MustParseAddr("172.17.0.9"), ""
	absent := model.PublishedPort{Protocol: "udp", HostIP: netip.IPv4Unspecified(), HostPort: 5555}

	cases := []struct {
		name      string
		only      *model.Firewall
		wantPorts []model.PublishedPort
		wantSets  map[string][]string
	}{
		{"nothing", &model.Firewall{}, nil, map[string][]string{}},
		{"ports of both maps", &model.Firewall{Ports: []model.PublishedPort{any1000, loopback}},
			[]model.PublishedPort{loopback, any1000}, map[string][]string{}},
		{"a changed value and a missing port", &model.Firewall{Ports: []model.PublishedPort{any1001, absent}},
			[]model.PublishedPort{moved}, map[string][]string{}},
		{"set elements present and not", &model.Firewall{Sets: map[string][]string{
			firewall.SetContainers: {"172.17.0.2", "172.17.0.77"},
			firewall.SetBridges:    {"npt-fwkeys", "np-nothere"},
			firewall.SetSameNet:    {"npt-fwkeys . npt-fwkeys"},
		}}, nil, map[string][]string{
			firewall.SetContainers: {"172.17.0.2"},
			firewall.SetBridges:    {"npt-fwkeys"},
			firewall.SetSameNet:    {"npt-fwkeys . npt-fwkeys"},
		}},
		{"a key of the wrong type reads as absent", &model.Firewall{Sets: map[string][]string{
			firewall.SetContainers: {"npt-fwkeys"},
		}}, nil, map[string][]string{}},
	}
	get, err := openNetlink(unix.NETLINK_NETFILTER, make([]byte, 1<<14))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(get.close)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, foreign, err := observeFirewall(testNft(t), get, "fwkeys", tc.only)
			if err != nil || foreign {
				t.Fatalf("foreign=%v err=%v", foreign, err)
			}
			firewall.SortPorts(tc.wantPorts)
			want := &model.Firewall{Table: fw.Table, Rules: fw.Rules, Sets: tc.wantSets, Ports: tc.wantPorts}
			diffFirewall(t, got, want)
		})
	}
	if !slices.Contains(fw.Sets[firewall.SetSameNet], "npt-fwkeys . npt-fwkeys") {
		t.Fatalf("the fixture changed: same-net is %v", fw.Sets[firewall.SetSameNet])
	}
}
