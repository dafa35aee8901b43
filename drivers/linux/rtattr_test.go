package linux

import (
	"testing"

	"github.com/vishvananda/netlink"
)

// TestRawLinksMatchNetlink: the links Observe parses with forAttrs are what
// the netlink library parses from its own dump, and the bridge ports' flags
// are what it reads from AF_BRIDGE.
func TestRawLinksMatchNetlink(t *testing.T) {
	k := newKernel(t, "rawlinks")
	sh(t, `ip link add np-ra type bridge && ip link set np-ra alias netplan:rawlinks:network.ra mtu 1400 up &&
		ip netns add ra-ns && ip link add vra0 mtu 1400 type veth peer name eth0 netns ra-ns &&
		ip link set vra0 alias "with space" master np-ra up && ip link set vra0 type bridge_slave hairpin on`)
	t.Cleanup(func() { sh(t, "ip netns del ra-ns; ip link del np-ra") })
	links, err := rawLinks(handleDumper{k.raw})
	if err != nil {
		t.Fatal(err)
	}
	want, err := netlink.LinkList()
	if err != nil {
		t.Fatal(err)
	}
	if len(links) != len(want) {
		t.Fatalf("%d links, netlink lists %d", len(links), len(want))
	}
	for i, l := range links {
		a := want[i].Attrs()
		kind := want[i].Type()
		if kind == "device" {
			kind = "" // netlink's name for links without IFLA_INFO_KIND
		}
		mac := a.HardwareAddr.String()
		if mac == "" {
			mac = "00:00:00:00:00:00" // netlink drops an all-zero address (lo's)
		}
		peerNetns := -1
		if a.NetNsID >= 0 && kind == "veth" {
			peerNetns = a.NetNsID
		}
		if l.Index != a.Index || l.Name != a.Name || l.Alias != a.Alias || l.MTU != a.MTU || l.Master != a.MasterIndex ||
			l.MAC != mac || l.Up != (a.Flags&1 != 0) || l.Kind != kind ||
			(kind == "veth" && (l.Peer != a.ParentIndex || l.PeerNetns != peerNetns)) {
			t.Errorf("parsed %+v\nnetlink %s %+v", l, kind, *a)
		}
	}
	ports, err := bridgePorts(handleDumper{k.raw})
	if err != nil {
		t.Fatal(err)
	}
	if len(ports) != 1 || ports[0].Name != "vra0" || !ports[0].Port.Hairpin || ports[0].Port.Isolated || !ports[0].Up || ports[0].MTU != 1400 {
		t.Fatalf("bridge ports %+v", ports)
	}
}
