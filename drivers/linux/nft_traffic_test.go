package linux

import (
	"fmt"
	"net/netip"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/netplan-dev/netplan/firewall"
	"github.com/netplan-dev/netplan/internal/sandbox"
	"github.com/netplan-dev/netplan/model"
	"github.com/vishvananda/netns"
)

// enterFreshNetns moves the test goroutine, locked to its thread for good, into
// a new network namespace that plays the host: the other tests sharing the
// package's sandbox never see its links, sysctls or table. Commands the test
// runs inherit the thread's namespace. The thread dies with the goroutine.
func enterFreshNetns(t *testing.T) {
	t.Helper()
	sandbox.MustBeSandboxed()
	runtime.LockOSThread()
	ns, err := netns.New()
	if err != nil {
		t.Fatalf("new netns: %v", err)
	}
	t.Cleanup(func() { _ = ns.Close() })
}

// The topology of FIELD-NOTES "Traffic paths", built by hand with ip: an
// outside host on the uplink with a route to the default network through us,
// two containers on the default network, one on a second network, one on an
// internal network (given a default route anyway, to prove the firewall
// alone keeps it in).
const trafficTopology = `set -e
ip link set lo up
sysctl -qw net.ipv4.ip_forward=1
ip netns add fwt-out
ip link add up0 type veth peer name eth0 netns fwt-out
ip addr add 192.168.1.10/24 dev up0
ip link set up0 up
ip -n fwt-out link set lo up
ip -n fwt-out addr add 192.168.1.20/24 dev eth0
ip -n fwt-out link set eth0 up
ip -n fwt-out route add 172.17.0.0/16 via 192.168.1.10
bridge() {
	ip link add $1 type bridge
	ip addr add $2 dev $1
	ip link set $1 up
	sysctl -qw net.ipv4.conf.$1.route_localnet=1
}
bridge fwt0 172.17.0.1/16
bridge fwt1 172.18.0.1/16
bridge fwt2 10.8.0.1/24
container() {
	ip netns add $1
	ip link add v$1 type veth peer name eth0 netns $1
	ip link set v$1 master $2
	ip link set v$1 type bridge_slave hairpin on
	ip link set v$1 up
	ip -n $1 link set lo up
	ip -n $1 addr add $3 dev eth0
	ip -n $1 link set eth0 up
	ip -n $1 route add default via $4
}
container fwt-c2 fwt0 172.17.0.2/16 172.17.0.1
container fwt-c3 fwt0 172.17.0.3/16 172.17.0.1
container fwt-c4 fwt1 172.18.0.2/16 172.18.0.1
container fwt-c5 fwt2 10.8.0.2/24 10.8.0.1
# icc = false: bridge port isolation, as the driver sets it (Veth.Isolated).
bridge fwt3 172.19.0.1/16
container fwt-c6 fwt3 172.19.0.2/16 172.19.0.1
container fwt-c7 fwt3 172.19.0.3/16 172.19.0.1
ip link set vfwt-c6 type bridge_slave isolated on
ip link set vfwt-c7 type bridge_slave isolated on
`

func trafficDesired() *model.Desired {
	net := func(name, br, subnet string, internal bool) model.Network {
		p := netip.MustParsePrefix(subnet)
		return model.Network{Name: name, Bridge: br, Subnet: p, Gateway: p.Addr().Next(), MTU: 1500, Internal: internal, ICC: true, Masquerade: true}
	}
	ctr := func(name, network, addr string, publish ...model.Port) model.Container {
		return model.Container{Name: name, Netns: name, Mode: model.ModeBridge, Publish: publish,
			Attachments: []model.Attachment{{Network: network, Interface: "eth0", Address: netip.MustParseAddr(addr)}}}
	}
	quiet := net("quiet", "fwt3", "172.19.0.0/16", false)
	quiet.ICC = false
	return &model.Desired{Stack: "fwtraffic",
		Networks: []model.Network{net("bridge", "fwt0", "172.17.0.0/16", false), net("second", "fwt1", "172.18.0.0/16", false), net("int", "fwt2", "10.8.0.0/24", true), quiet},
		Containers: []model.Container{
			ctr("fwt-c2", "bridge", "172.17.0.2",
				model.Port{HostPort: 8080, ContainerPort: 80, Count: 1, Protocol: "tcp"},
				model.Port{HostIP: netip.MustParseAddr("127.0.0.1"), HostPort: 8081, ContainerPort: 81, Count: 1, Protocol: "tcp"},
				model.Port{HostPort: 5353, ContainerPort: 53, Count: 1, Protocol: "udp"}),
			ctr("fwt-c3", "bridge", "172.17.0.3"),
			ctr("fwt-c4", "second", "172.18.0.2"),
			ctr("fwt-c5", "int", "10.8.0.2"),
			ctr("fwt-c6", "quiet", "172.19.0.2"),
			ctr("fwt-c7", "quiet", "172.19.0.3", model.Port{HostPort: 8090, ContainerPort: 80, Count: 1, Protocol: "tcp"}),
		}}
}

// serve starts a socat server in a namespace that answers each client with
// the source address it saw, so a check can tell masqueraded from kept sources.
// A non-empty reply is sent instead, to tell servers apart.
func serve(t *testing.T, ns, listen, reply string) {
	t.Helper()
	answer := "SYSTEM:echo $SOCAT_PEERADDR"
	if reply != "" {
		answer = "SYSTEM:echo " + reply
	}
	cmd := exec.Command("ip", "netns", "exec", ns, "socat", listen+",fork,reuseaddr", answer)
	if err := cmd.Start(); err != nil {
		t.Fatalf("start server %s in %s: %v", listen, ns, err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }) // our own socat, by PID
}

// dial connects from a namespace ("" is the host) and returns what the
// server answered: the client address it saw. Every client is bounded in time.
func dial(ns, proto, addr string) (string, error) {
	target := "TCP:" + addr + ",connect-timeout=2"
	input := ""
	switch proto {
	case "udp":
		target, input = "UDP:"+addr, "x\n"
	case "udp-fixed": // one source port, so every dial is the same conntrack flow
		target, input = "UDP:"+addr+",sourceport=40000,reuseaddr", "x\n"
	}
	args := []string{"timeout", "4", "socat", "-t2", "-T2", "-", target}
	if ns != "" {
		args = append([]string{"ip", "netns", "exec", ns}, args...)
	}
	attempts := 1
	if proto != "tcp" {
		attempts = 3 // a datagram may be lost; TCP retransmits by itself
	}
	var peer string
	var err error
	for range attempts {
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Stdin = strings.NewReader(input)
		var out []byte
		out, err = cmd.CombinedOutput()
		peer = strings.TrimSpace(string(out))
		if err == nil && peer == "" {
			err = fmt.Errorf("no answer")
		}
		if err == nil {
			break
		}
	}
	return peer, err
}

func waitListening(t *testing.T, ns, flag, port string) {
	t.Helper()
	err := sandbox.Eventually(50, 50*time.Millisecond, func() error {
		out, err := exec.Command("ip", "netns", "exec", ns, "ss", "-H", "-n", flag, "sport", "= :"+port).Output()
		if err != nil || len(strings.TrimSpace(string(out))) == 0 {
			return fmt.Errorf("nothing listens on %s %s in %s", flag, port, ns)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// trafficHost builds the topology in a fresh namespace with the given
// bridge-nf-call-iptables setting, starts the servers and checks the controls.
func trafficHost(t *testing.T, brNetfilter string) {
	t.Helper()
	enterFreshNetns(t)
	t.Cleanup(func() {
		for _, ns := range []string{"fwt-out", "fwt-c2", "fwt-c3", "fwt-c4", "fwt-c5", "fwt-c6", "fwt-c7"} {
			_ = exec.Command("ip", "netns", "del", ns).Run()
		}
	})
	sh(t, trafficTopology+"sysctl -qw net.bridge.bridge-nf-call-iptables="+brNetfilter)
	serve(t, "fwt-c2", "TCP-LISTEN:80", "")
	serve(t, "fwt-c2", "TCP-LISTEN:81", "")
	serve(t, "fwt-c2", "UDP-RECVFROM:53", "c2")
	serve(t, "fwt-c3", "TCP-LISTEN:80", "")
	serve(t, "fwt-c3", "UDP-RECVFROM:53", "c3")
	serve(t, "fwt-out", "TCP-LISTEN:9000", "")
	serve(t, "fwt-c7", "TCP-LISTEN:80", "")
	waitListening(t, "fwt-c2", "-lt", "80")
	waitListening(t, "fwt-c2", "-lt", "81")
	waitListening(t, "fwt-c2", "-lu", "53")
	waitListening(t, "fwt-c3", "-lt", "80")
	waitListening(t, "fwt-c3", "-lu", "53")
	waitListening(t, "fwt-out", "-lt", "9000")
	waitListening(t, "fwt-c7", "-lt", "80")

	// Controls: without the table these paths are open, so blocking them
	// below is the table's doing and not the topology's.
	for _, c := range []struct{ from, addr string }{{"fwt-out", "172.17.0.2:80"}, {"fwt-c4", "172.17.0.2:80"}} {
		if _, err := dial(c.from, "tcp", c.addr); err != nil {
			t.Fatalf("control %s -> %s without the table: %v", c.from, c.addr, err)
		}
	}
	// The controls left conntrack entries that would let later flows through.
	if out, err := exec.Command("conntrack", "-F").CombinedOutput(); err != nil {
		t.Fatalf("conntrack -F: %v %s", err, out)
	}
}

// TestFirewallTrafficPaths proves the layout with real packets, with
// br_netfilter handing bridged traffic to the ip hooks (the sandbox's and
// Docker hosts' default) and without.
func TestFirewallTrafficPaths(t *testing.T) {
	for _, brNetfilter := range []string{"1", "0"} {
		t.Run("bridge-nf-call-iptables="+brNetfilter, func(t *testing.T) {
			trafficHost(t, brNetfilter)
			if err := syncFirewall(testNft(t), firewall.Build(trafficDesired()), nil); err != nil {
				t.Fatal(err)
			}
			checkPaths(t, brNetfilter == "1")
		})
	}
}

func checkPaths(t *testing.T, brNetfilter bool) {
	const blocked = "blocked"
	checks := []struct {
		name, from, proto, addr string
		want                    string // source address the server saw, "" any, or blocked
		// Known gap: with br_netfilter on, a DNATed frame whose target is on
		// the bridge it came from is bridged, not routed, and port isolation
		// (icc = false) drops it between two isolated ports.
		isolationHairpin bool
	}{
		{"outside -> published port keeps the client address", "fwt-out", "tcp", "192.168.1.10:8080", "192.168.1.20", false},
		{"outside -> published udp port", "fwt-out", "udp", "192.168.1.10:5353", "c2", false},
		{"host -> its own address", "", "tcp", "192.168.1.10:8080", "192.168.1.10", false},
		{"host -> 127.0.0.1", "", "tcp", "127.0.0.1:8080", "172.17.0.1", false},
		{"host -> the bridge gateway address", "", "tcp", "172.17.0.1:8080", "", false},
		{"container -> host address -> another container (hairpin)", "fwt-c3", "tcp", "192.168.1.10:8080", "172.17.0.1", false},
		{"container -> its own published port", "fwt-c2", "tcp", "192.168.1.10:8080", "172.17.0.1", false},
		{"container -> same network directly (icc)", "fwt-c2", "tcp", "172.17.0.3:80", "172.17.0.2", false},
		{"other network -> container directly", "fwt-c4", "tcp", "172.17.0.2:80", blocked, false},
		{"other network -> published port through a host address", "fwt-c4", "tcp", "192.168.1.10:8080", "", false},
		{"outside -> container directly, with a route", "fwt-out", "tcp", "172.17.0.2:80", blocked, false},
		{"host -> 127.0.0.1-only port", "", "tcp", "127.0.0.1:8081", "172.17.0.1", false},
		{"outside -> 127.0.0.1-only port on the host address", "fwt-out", "tcp", "192.168.1.10:8081", blocked, false},
		{"container -> outside is masqueraded", "fwt-c2", "tcp", "192.168.1.20:9000", "192.168.1.10", false},
		{"internal network -> outside", "fwt-c5", "tcp", "192.168.1.20:9000", blocked, false},
		{"internal network -> published port", "fwt-c5", "tcp", "10.8.0.1:8080", blocked, false},
		{"icc off -> same network directly", "fwt-c6", "tcp", "172.19.0.3:80", blocked, false},
		{"icc off -> same network through a published port", "fwt-c6", "tcp", "192.168.1.10:8090", "172.19.0.1", true},
		{"icc off -> own published port", "fwt-c7", "tcp", "192.168.1.10:8090", "172.19.0.1", true},
		{"icc off -> outside", "fwt-c6", "tcp", "192.168.1.20:9000", "192.168.1.10", false},
	}
	for _, c := range checks {
		peer, err := dial(c.from, c.proto, c.addr)
		from := c.from
		if from == "" {
			from = "host"
		}
		switch {
		case c.isolationHairpin && brNetfilter:
			t.Logf("known gap (not asserted) %s: %s -> %s %s (%s)", c.name, from, c.proto, c.addr, orBlocked(peer, err))
		case c.want == blocked && err == nil:
			t.Errorf("%s: %s -> %s %s went through (server saw %s)", c.name, from, c.proto, c.addr, peer)
		case c.want != blocked && err != nil:
			t.Errorf("%s: %s -> %s %s failed: %v %s", c.name, from, c.proto, c.addr, err, peer)
		case c.want != blocked && c.want != "" && peer != c.want:
			t.Errorf("%s: %s -> %s %s: server saw %s, want %s", c.name, from, c.proto, c.addr, peer, c.want)
		default:
			t.Logf("ok  %s: %s -> %s %s (%s)", c.name, from, c.proto, c.addr, orBlocked(peer, err))
		}
	}
}

func orBlocked(peer string, err error) string {
	if err != nil {
		return "blocked"
	}
	return "server saw " + peer
}
