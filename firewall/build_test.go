package firewall

import (
	"fmt"
	"net/netip"
	"reflect"
	"strings"
	"testing"

	"github.com/netplan-dev/netplan/model"
)

var (
	front = model.Network{Name: "front", Bridge: "np-front", Subnet: netip.MustParsePrefix("172.18.0.0/16"),
		Gateway: netip.MustParseAddr("172.18.0.1"), MTU: 1500, ICC: true, Masquerade: true}
	back = model.Network{Name: "back", Bridge: "np-back", Subnet: netip.MustParsePrefix("10.9.0.0/24"),
		Gateway: netip.MustParseAddr("10.9.0.1"), MTU: 1500, Internal: true, ICC: true, Masquerade: true}
	quiet = model.Network{Name: "quiet", Bridge: "np-quiet", Subnet: netip.MustParsePrefix("172.20.0.0/16"),
		Gateway: netip.MustParseAddr("172.20.0.1"), MTU: 1500, ICC: false, Masquerade: false}
)

func attach(network, addr string) model.Attachment {
	return model.Attachment{Network: network, Interface: "eth0", Address: netip.MustParseAddr(addr)}
}

func tcp(host, ctr uint16) model.Port {
	return model.Port{HostPort: host, ContainerPort: ctr, Count: 1, Protocol: "tcp"}
}

func pp(owner, proto, hostIP string, hostPort uint16, addr string, port uint16) model.PublishedPort {
	return model.PublishedPort{Owner: owner, Protocol: proto, HostIP: netip.MustParseAddr(hostIP), HostPort: hostPort,
		Addr: netip.MustParseAddr(addr), Port: port}
}

func TestBuild(t *testing.T) {
	cases := []struct {
		name  string
		d     model.Desired
		sets  map[string][]string
		ports []model.PublishedPort
	}{
		{
			name: "one network one port",
			d: model.Desired{Stack: "demo", Networks: []model.Network{front}, Containers: []model.Container{
				{Name: "web", Mode: model.ModeBridge, Attachments: []model.Attachment{attach("front", "172.18.0.2")}, Publish: []model.Port{tcp(8080, 80)}},
			}},
			sets: map[string][]string{"bridges": {"np-front"}, "masq-bridges": {"np-front"}, "same-net": {"np-front . np-front"},
				"container-addrs": {"172.18.0.2"}},
			ports: []model.PublishedPort{pp("container.web", "tcp", "0.0.0.0", 8080, "172.18.0.2", 80)},
		},
		{
			name: "range udp and host ip",
			d: model.Desired{Stack: "demo", Networks: []model.Network{front}, Containers: []model.Container{
				{Name: "dns", Mode: model.ModeBridge, Attachments: []model.Attachment{attach("front", "172.18.0.3")}, Publish: []model.Port{
					{HostPort: 8000, ContainerPort: 9000, Count: 3, Protocol: "udp"},
					{HostIP: netip.MustParseAddr("127.0.0.1"), HostPort: 53, ContainerPort: 53, Count: 1, Protocol: "tcp"},
					{HostIP: netip.MustParseAddr("192.168.1.10"), HostPort: 80, ContainerPort: 8080, Count: 1, Protocol: "tcp"},
				}},
			}},
			sets: map[string][]string{"bridges": {"np-front"}, "masq-bridges": {"np-front"}, "same-net": {"np-front . np-front"},
				"loopback-ports": {"127.0.0.1 . tcp . 53"}, "container-addrs": {"172.18.0.3"}},
			ports: []model.PublishedPort{
				pp("container.dns", "udp", "0.0.0.0", 8000, "172.18.0.3", 9000),
				pp("container.dns", "udp", "0.0.0.0", 8001, "172.18.0.3", 9001),
				pp("container.dns", "udp", "0.0.0.0", 8002, "172.18.0.3", 9002),
				pp("container.dns", "tcp", "127.0.0.1", 53, "172.18.0.3", 53),
				pp("container.dns", "tcp", "192.168.1.10", 80, "172.18.0.3", 8080),
			},
		},
		{
			name: "internal, icc off, no masquerade; target skips the internal attachment",
			d: model.Desired{Stack: "x", Networks: []model.Network{back, front, quiet}, Containers: []model.Container{
				{Name: "app", Mode: model.ModeBridge, Attachments: []model.Attachment{attach("back", "10.9.0.5"), attach("quiet", "172.20.0.9")},
					Publish: []model.Port{tcp(443, 8443)}},
				{Name: "db", Mode: model.ModeBridge, Attachments: []model.Attachment{attach("back", "10.9.0.10")}},
				{Name: "hostnet", Mode: model.ModeHost},
			}},
			sets: map[string][]string{"bridges": {"np-back", "np-front", "np-quiet"}, "masq-bridges": {"np-front"},
				"internal-bridges": {"np-back"}, "same-net": {"np-back . np-back", "np-front . np-front"},
				"container-addrs": {"10.9.0.5", "10.9.0.10", "172.20.0.9"}}, // by address, not as text
			ports: []model.PublishedPort{pp("container.app", "tcp", "0.0.0.0", 443, "172.20.0.9", 8443)},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fw := Build(&tc.d)
			if fw.Table != model.TableName(tc.d.Stack) {
				t.Errorf("table %q", fw.Table)
			}
			if !reflect.DeepEqual(fw.Sets, tc.sets) {
				t.Errorf("sets:\n got %v\nwant %v", fw.Sets, tc.sets)
			}
			if !reflect.DeepEqual(fw.Ports, tc.ports) {
				t.Errorf("ports:\n got %v\nwant %v", fw.Ports, tc.ports)
			}
			if !reflect.DeepEqual(fw.Rules, Layout()) {
				t.Errorf("rules are not the layout")
			}
		})
	}
}

func TestBuildWithoutNetworksIsNil(t *testing.T) {
	if fw := Build(&model.Desired{Stack: "s", Containers: []model.Container{{Name: "h", Mode: model.ModeHost}}}); fw != nil {
		t.Fatalf("got %+v", fw)
	}
}

func TestRuleCountDoesNotGrowWithPorts(t *testing.T) {
	build := func(n int) *model.Firewall {
		d := &model.Desired{Stack: "s", Networks: []model.Network{front}}
		for i := range n {
			d.Containers = append(d.Containers, model.Container{Name: fmt.Sprintf("c%04d", i), Mode: model.ModeBridge,
				Attachments: []model.Attachment{attach("front", netip.AddrFrom4([4]byte{172, 18, byte(i / 250), byte(2 + i%250)}).String())},
				Publish:     []model.Port{tcp(uint16(10000+i), 80), {HostPort: uint16(40000 + i*2), ContainerPort: 53, Count: 2, Protocol: "udp"}}})
		}
		return Build(d)
	}
	one, many := build(1), build(3000)
	if len(many.Ports) != 3*3000 {
		t.Fatalf("ports: %d", len(many.Ports))
	}
	if !reflect.DeepEqual(one.Rules, many.Rules) {
		t.Fatalf("rules differ between 1 and 3000 containers")
	}
	rules := 0
	for _, l := range many.Rules {
		if line, err := ParseLine(l); err != nil {
			t.Fatal(err)
		} else if line.Rule != "" {
			rules++
		}
	}
	if rules != RuleCount() || rules == 0 {
		t.Fatalf("%d rule lines, layout has %d", rules, RuleCount())
	}
}

func TestParseLineRoundTrip(t *testing.T) {
	for _, l := range Layout() {
		p, err := ParseLine(l)
		if err != nil {
			t.Fatal(err)
		}
		var back string
		switch {
		case p.Set != nil:
			back = p.Set.Line()
		case p.Chain != nil:
			back = p.Chain.Line()
		default:
			back = RuleLine(p.RuleChain, p.Rule)
		}
		if back != l {
			t.Errorf("%q -> %q", l, back)
		}
	}
	for _, bad := range []string{"", "table x", "chain : x", "chain c: type nat hook prerouting priority -100 policy drop", "map m: type ifname"} {
		if _, err := ParseLine(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
	if !strings.HasPrefix(UnknownRuleLine("c", 3), "unknown rule in chain c") {
		t.Error(UnknownRuleLine("c", 3))
	}
}
