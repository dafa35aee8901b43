package e2e

import (
	"strings"
	"testing"
)

// TestLoopbackPublishIsHostOnly is moby#45610: a port published on 127.0.0.1
// must not answer packets from other machines, even on a host that accepts
// 127.0.0.0/8 from its uplink (route_localnet=1, as kube-proxy sets it) and
// from a neighbour that routes 127.0.0.1 to it. A host process listening on
// loopback is the control: the crafted path does reach the host's loopback.
func TestLoopbackPublishIsHostOnly(t *testing.T) {
	h := newHost(t)
	h.Sh(`set -e
sysctl -qw net.ipv4.conf.uplink.route_localnet=1 net.ipv4.conf.all.route_localnet=1
ip netns exec outside sh -c '
  sysctl -qw net.ipv4.conf.all.route_localnet=1 net.ipv4.conf.eth0.route_localnet=1
  ip rule add pref 10 to 127.0.0.1 lookup 100
  ip rule del pref 0
  ip rule add pref 20 lookup local
  ip route add 127.0.0.1/32 via ` + hostAddr + ` dev eth0 src ` + outsideAddr + ` table 100'
`)
	h.config(map[string]string{"netplan.hcl": `
stack = "lo"
container "web" {
  publish {
    host_port      = 7070
    container_port = 80
    host_ip        = "127.0.0.1"
  }
}
`})
	h.mustNetplan("apply", "-c", h.dir, "-auto-approve")
	h.serve("web", "tcp", "0.0.0.0:80", "web")
	h.serve("", "tcp", "127.0.0.1:7072", "host-loopback")

	if got, ok := h.get("outside", "tcp", "127.0.0.1:7072"); !ok || !strings.Contains(got, "host-loopback") {
		t.Fatalf("control: the crafted route does not reach the host's loopback (%q), so the test proves nothing", got)
	}
	if got, ok := h.get("outside", "tcp", "127.0.0.1:7070"); ok {
		t.Fatalf("another machine reached a port published on 127.0.0.1 only: %q", got)
	}
	if got, ok := h.get("", "tcp", "127.0.0.1:7070"); !ok || !strings.Contains(got, "web") {
		t.Fatalf("the host itself cannot reach its 127.0.0.1 port: %q", got)
	}
}
