package linux

import (
	"encoding/json"
	"net/netip"
	"os/exec"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/netplan-dev/netplan/firewall"
	"github.com/netplan-dev/netplan/internal/sandbox"
	"github.com/netplan-dev/netplan/model"
)

func TestEveryLayoutRuleHasABuilder(t *testing.T) {
	for _, c := range firewall.Chains {
		for _, r := range c.Rules {
			if ruleBuilders[r] == nil {
				t.Errorf("chain %s: no builder for %q", c.Name, r)
			}
		}
	}
}

func TestElementCodecRoundTrip(t *testing.T) {
	cases := []struct {
		types []string
		elem  string
		size  int
	}{
		{[]string{"ifname"}, "np-front", 16},
		{[]string{"ifname", "ifname"}, "np-a . np-a", 32},
		{[]string{"ipv4_addr", "inet_proto", "inet_service"}, "127.0.0.1 . udp . 53", 12},
		{[]string{"inet_proto", "inet_service"}, "tcp . 65535", 8},
		{[]string{"ipv4_addr", "inet_service"}, "172.17.0.2 . 80", 8},
	}
	for _, tc := range cases {
		b, err := encodeElement(tc.types, tc.elem)
		if err != nil || len(b) != tc.size {
			t.Fatalf("%q: %x %v", tc.elem, b, err)
		}
		if back, err := decodeElement(tc.types, b); err != nil || back != tc.elem {
			t.Errorf("%q -> %x -> %q %v", tc.elem, b, back, err)
		}
	}
	for _, bad := range []string{"averyveryverylongname", "np-a . np-b"} {
		if _, err := encodeElement([]string{"ifname"}, bad); err == nil {
			t.Errorf("%q encoded", bad)
		}
	}
}

// testFirewall builds the table of a small stack whose container publishes n ports.
func testFirewall(stack string, n int) *model.Firewall {
	d := &model.Desired{Stack: stack, Networks: []model.Network{
		{Name: "bridge", Bridge: "npt-" + stack, Subnet: netip.MustParsePrefix("172.17.0.0/16"), Gateway: netip.MustParseAddr("172.17.0.1"), ICC: true, Masquerade: true},
		{Name: "int", Bridge: "npi-" + stack, Subnet: netip.MustParsePrefix("10.8.0.0/24"), Gateway: netip.MustParseAddr("10.8.0.1"), Internal: true},
	}}
	c := model.Container{Name: "web", Mode: model.ModeBridge, Attachments: []model.Attachment{
		{Network: "bridge", Interface: "eth0", Address: netip.MustParseAddr("172.17.0.2")}}}
	c.Publish = append(c.Publish, model.Port{HostIP: netip.MustParseAddr("127.0.0.1"), HostPort: 81, ContainerPort: 81, Count: 1, Protocol: "tcp"},
		model.Port{HostIP: netip.MustParseAddr("192.168.1.10"), HostPort: 82, ContainerPort: 82, Count: 1, Protocol: "udp"})
	if n > 2 {
		c.Publish = append(c.Publish, model.Port{HostPort: 1000, ContainerPort: 2000, Count: uint16(n - 2), Protocol: "tcp"})
	}
	d.Containers = []model.Container{c}
	return firewall.Build(d)
}

func mustSync(t *testing.T, fw *model.Firewall) {
	t.Helper()
	sandbox.MustBeSandboxed()
	c := testNft(t)
	if err := syncFirewall(c, fw, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = deleteFirewall(c, fw.Table) })
}

func mustObserve(t *testing.T, stack string) *model.Firewall {
	t.Helper()
	fw, foreign, err := observeFirewall(testNft(t), nil, stack, nil)
	if err != nil || foreign {
		t.Fatalf("observe %s: foreign=%v err=%v", stack, foreign, err)
	}
	return fw
}

func diffFirewall(t *testing.T, got, want *model.Firewall) {
	t.Helper()
	if got == nil || want == nil {
		t.Fatalf("got %v want %v", got, want)
	}
	if got.Table != want.Table {
		t.Errorf("table %q, want %q", got.Table, want.Table)
	}
	if !slices.Equal(got.Rules, want.Rules) {
		t.Errorf("rules:\n got %s\nwant %s", strings.Join(got.Rules, "\n     "), strings.Join(want.Rules, "\n     "))
	}
	if !reflect.DeepEqual(got.Sets, want.Sets) {
		t.Errorf("sets:\n got %v\nwant %v", got.Sets, want.Sets)
	}
	if !reflect.DeepEqual(got.Ports, want.Ports) {
		t.Errorf("ports differ: got %d, want %d; first got %v want %v", len(got.Ports), len(want.Ports), head(got.Ports), head(want.Ports))
	}
}

func head(p []model.PublishedPort) []model.PublishedPort { return p[:min(3, len(p))] }

func nftOut(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("nft", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("nft %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func TestFirewallRoundTrip(t *testing.T) {
	fw := testFirewall("fwround", 12)
	mustSync(t, fw)
	diffFirewall(t, mustObserve(t, "fwround"), fw)
	t.Log("\n" + nftOut(t, "list", "table", "ip", fw.Table))

	// Idempotent: the same table again reads back the same.
	mustSync(t, fw)
	diffFirewall(t, mustObserve(t, "fwround"), fw)

	// One port moved to another container address: only that element changes.
	moved := *fw
	moved.Ports = slices.Clone(fw.Ports)
	i := slices.IndexFunc(moved.Ports, func(p model.PublishedPort) bool { return p.HostPort == 1005 })
	moved.Ports[i].Addr, moved.Ports[i].Owner = netip.MustParseAddr("172.17.0.9"), "container.other"
	mustSync(t, &moved)
	got := mustObserve(t, "fwround")
	diffFirewall(t, got, &moved)
	changed := 0
	for j := range got.Ports {
		if got.Ports[j] != fw.Ports[j] {
			changed++
		}
	}
	if changed != 1 {
		t.Errorf("%d ports changed, want 1", changed)
	}
}

func TestFirewallHandAddedRuleIsDrift(t *testing.T) {
	fw := testFirewall("fwdrift", 3)
	mustSync(t, fw)
	nftOut(t, "add", "rule", "ip", fw.Table, "filter-forward", "counter")
	got := mustObserve(t, "fwdrift")
	var unknown []string
	for _, l := range got.Rules {
		if strings.HasPrefix(l, "unknown rule in chain filter-forward") {
			unknown = append(unknown, l)
		}
	}
	if len(unknown) != 1 || len(got.Rules) != len(fw.Rules)+1 {
		t.Fatalf("hand-added rule not seen as drift: %v", got.Rules)
	}
	// A sync repairs it.
	mustSync(t, fw)
	diffFirewall(t, mustObserve(t, "fwdrift"), fw)
}

// TestFirewallHandAddedElementIsDrift: an element added by hand to
// ports-ip with the unspecified host address has the host address, protocol
// and port of a published port in ports-any. Reading it is no error (two
// maps may hold the same port), it reads as drift, and a sync from what was
// observed repairs it without touching its twin.
func TestFirewallHandAddedElementIsDrift(t *testing.T) {
	fw := testFirewall("fwelem", 3)
	mustSync(t, fw)
	nftOut(t, "add", "element", "ip", fw.Table, firewall.MapPortsIP, "{ 0.0.0.0 . tcp . 1000 : 172.17.0.9 . 2000 }")
	c := testNft(t)
	observed, foreign, err := observeFirewall(c, nil, "fwelem", nil)
	if err != nil || foreign {
		t.Fatalf("observe with a hand-added element: foreign=%v err=%v", foreign, err)
	}
	if !slices.Contains(observed.Rules, firewall.MisplacedElementLine(firewall.MapPortsIP, "0.0.0.0 . tcp . 1000")) {
		t.Fatalf("hand-added element not seen as drift: %q", observed.Rules)
	}
	if err := syncFirewall(c, fw, observed); err != nil {
		t.Fatal(err)
	}
	diffFirewall(t, mustObserve(t, "fwelem"), fw)
}

func TestFirewallForeignTableWithOurName(t *testing.T) {
	name := model.TableName("fwforeign")
	script := "table ip " + name + " {\n chain c {\n type filter hook forward priority 0; policy accept;\n counter\n }\n}\n"
	nftScript(t, script)
	t.Cleanup(func() { _ = exec.Command("nft", "delete", "table", "ip", name).Run() })
	before := nftOut(t, "-j", "list", "table", "ip", name)
	fw, foreign, err := observeFirewall(testNft(t), nil, "fwforeign", nil)
	if err != nil || !foreign || fw != nil {
		t.Fatalf("fw=%v foreign=%v err=%v", fw, foreign, err)
	}
	if _, err := deleteFirewall(testNft(t), name); err == nil {
		t.Fatal("deleted a foreign table")
	}
	if after := nftOut(t, "-j", "list", "table", "ip", name); after != before {
		t.Fatalf("foreign table changed:\n%s\n%s", before, after)
	}
}

func TestFirewallLeavesOtherTablesAlone(t *testing.T) {
	const other = `table inet fwtest-other {
	chain in {
		type filter hook input priority 10; policy accept;
		iifname "lo" counter accept
	}
	chain forward-c {
		type filter hook forward priority -5; policy accept;
		ip daddr 10.0.0.0/8 counter
	}
}
`
	nftScript(t, other)
	t.Cleanup(func() { _ = exec.Command("nft", "delete", "table", "inet", "fwtest-other").Run() })
	before := nftOut(t, "-j", "list", "table", "inet", "fwtest-other")
	fw := testFirewall("fwother", 4)
	if err := syncFirewall(testNft(t), fw, nil); err != nil {
		t.Fatal(err)
	}
	if err := syncFirewall(testNft(t), fw, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := deleteFirewall(testNft(t), fw.Table); err != nil {
		t.Fatal(err)
	}
	if _, err := deleteFirewall(testNft(t), fw.Table); err != nil {
		t.Fatalf("second delete: %v", err)
	}
	if fw, foreign, err := observeFirewall(testNft(t), nil, "fwother", nil); fw != nil || foreign || err != nil {
		t.Fatalf("table still there: %v %v %v", fw, foreign, err)
	}
	if after := nftOut(t, "-j", "list", "table", "inet", "fwtest-other"); after != before {
		t.Fatalf("other table changed:\n%s\n%s", before, after)
	}
}

// nftScript loads a ruleset file the way an administrator would.
func nftScript(t *testing.T, script string) {
	t.Helper()
	cmd := exec.Command("nft", "-f", "-")
	cmd.Stdin = strings.NewReader(script)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("nft -f: %v\n%s\n%s", err, out, script)
	}
}

// nftRuleCount counts the rules of a table as nft itself lists them.
func nftRuleCount(t *testing.T, table string) int {
	t.Helper()
	var doc struct {
		Nftables []map[string]json.RawMessage `json:"nftables"`
	}
	if err := json.Unmarshal([]byte(nftOut(t, "-j", "list", "table", "ip", table)), &doc); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, o := range doc.Nftables {
		if _, ok := o["rule"]; ok {
			n++
		}
	}
	return n
}

func TestFirewallScale(t *testing.T) {
	small := testFirewall("fwscale", 1)
	mustSync(t, small)
	smallRules := nftRuleCount(t, small.Table)

	big := testFirewall("fwscale", 10_002)
	start := time.Now()
	if err := syncFirewall(testNft(t), big, nil); err != nil {
		t.Fatal(err)
	}
	synced := time.Since(start)
	start = time.Now()
	got := mustObserve(t, "fwscale")
	t.Logf("%d ports: sync %v, observe %v", len(big.Ports), synced, time.Since(start))
	if len(got.Ports) != len(big.Ports) || len(big.Ports) != 10_002 {
		t.Fatalf("observed %d ports, synced %d", len(got.Ports), len(big.Ports))
	}
	diffFirewall(t, got, big)
	if bigRules := nftRuleCount(t, big.Table); bigRules != smallRules || smallRules != firewall.RuleCount() {
		t.Fatalf("rules: %d with 1 port, %d with %d ports, layout %d", smallRules, bigRules, len(big.Ports), firewall.RuleCount())
	}
	if out := nftOut(t, "list", "map", "ip", big.Table, "ports-any"); strings.Count(out, ":") < 10_000 {
		t.Fatalf("nft lists %d map entries", strings.Count(out, ":"))
	}
}
