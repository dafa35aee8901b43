package e2e

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

const matrixConfig = `
stack = "matrix"

network "front" {
  subnet = "172.20.0.0/16"
}
network "back" {
  subnet = "172.21.0.0/16"
}
network "intern" {
  subnet   = "172.22.0.0/16"
  internal = true
}
network "quiet" {
  subnet = "172.23.0.0/16"
  icc    = false
}
network "plain" {
  subnet     = "172.24.0.0/16"
  masquerade = false
}

container "web" {
  network "front" { ipv4_address = "172.20.0.10" }
  publish {
    host_port      = 8080
    container_port = 80
  }
  publish {
    host_port      = 5353
    container_port = 53
    protocol       = "udp"
  }
  publish {
    host_port      = "8001-8002"
    container_port = "81-82"
  }
  publish {
    host_port      = 7070
    container_port = 80
    host_ip        = "127.0.0.1"
  }
}
container "peer" {
  network "front" { ipv4_address = "172.20.0.11" }
}
container "api" {
  network "back" { ipv4_address = "172.21.0.10" }
  publish {
    host_port      = 9090
    container_port = 80
  }
}
container "vault" {
  network "intern" { ipv4_address = "172.22.0.10" }
}
container "q1" {
  network "quiet" { ipv4_address = "172.23.0.10" }
}
container "q2" {
  network "quiet" { ipv4_address = "172.23.0.11" }
}
container "raw" {
  network "plain" { ipv4_address = "172.24.0.10" }
}
`

// TestTrafficMatrix sends real TCP and UDP along every path of the firewall's
// contract, allowed or denied, and prints the matrix.
func TestTrafficMatrix(t *testing.T) {
	h := newHost(t)
	// A foreign table with chains on the same hooks: netplan's rules must work
	// beside it, and it must stay exactly as it was.
	h.Sh(`nft -f - <<'EOF'
table inet other {
	chain other_forward { type filter hook forward priority -10; policy accept; counter; }
	chain other_pre { type nat hook prerouting priority -150; policy accept; tcp dport 1 counter; }
	chain other_post { type nat hook postrouting priority 50; policy accept; counter; }
}
EOF`)
	foreign := func() string {
		return strings.ReplaceAll(h.MustRun("nft", "list", "table", "inet", "other"), "\t", "")
	}
	counterless := regexp.MustCompile(`counter packets \d+ bytes \d+`)
	foreignBefore := counterless.ReplaceAllString(foreign(), "counter")
	h.config(map[string]string{"netplan.hcl": matrixConfig})
	h.mustNetplan("apply", "-c", h.dir, "-auto-approve")
	h.serve("web", "tcp", "0.0.0.0:80", "web:80")
	h.serve("web", "tcp", "0.0.0.0:81", "web:81")
	h.serve("web", "tcp", "0.0.0.0:82", "web:82")
	h.serve("web", "udp", "0.0.0.0:53", "web:53/udp")
	h.serve("api", "tcp", "0.0.0.0:80", "api:80")
	h.serve("vault", "tcp", "0.0.0.0:80", "vault:80")
	h.serve("q2", "tcp", "0.0.0.0:80", "q2:80")
	h.serve("outside", "tcp", "0.0.0.0:9000", "outside:9000")

	rows := []struct {
		from, proto, to, want string // want: answer text, or "" for denied
		client                string // regexp the server must see as client, if set
	}{
		{"outside", "tcp", hostAddr + ":8080", "web:80", `client=` + outsideAddr + `:`},
		{"outside", "udp", hostAddr + ":5353", "web:53/udp", `client=` + outsideAddr + `:`},
		{"outside", "tcp", hostAddr + ":8001", "web:81", ""},
		{"outside", "tcp", hostAddr + ":8002", "web:82", ""},
		{"outside", "tcp", hostAddr + ":9090", "api:80", ""},
		{"outside", "tcp", "172.20.0.10:80", "", ""},
		{"outside", "tcp", "172.22.0.10:80", "", ""},
		{"outside", "tcp", hostAddr + ":7070", "", ""},
		{"", "tcp", hostAddr + ":8080", "web:80", ""},
		{"", "tcp", "127.0.0.1:8080", "web:80", ""},
		{"", "tcp", "127.0.0.1:7070", "web:80", ""},
		{"", "tcp", hostAddr + ":7070", "", ""},
		{"", "udp", "127.0.0.1:5353", "web:53/udp", ""},
		{"peer", "tcp", "172.20.0.10:80", "web:80", `client=172\.20\.0\.11:`},
		{"peer", "tcp", hostAddr + ":8080", "web:80", ""},
		{"web", "tcp", hostAddr + ":8080", "web:80", ""},
		{"api", "tcp", "172.20.0.10:80", "", ""},
		{"api", "tcp", hostAddr + ":8080", "web:80", ""},
		{"web", "tcp", hostAddr + ":9090", "api:80", ""},
		{"web", "tcp", outsideAddr + ":9000", "outside:9000", `client=` + hostAddr + `:`},
		{"raw", "tcp", outsideAddr + ":9000", "outside:9000", `client=172\.24\.0\.10:`},
		{"vault", "tcp", outsideAddr + ":9000", "", ""},
		{"vault", "tcp", hostAddr + ":8080", "", ""},
		{"web", "tcp", "172.22.0.10:80", "", ""},
		{"q1", "tcp", "172.23.0.11:80", "", ""},
		{"outside", "tcp", "172.23.0.11:80", "", ""},
	}
	var table strings.Builder
	fmt.Fprintf(&table, "\n%-8s %-5s %-22s %-9s %-9s %s\n", "from", "proto", "to", "expected", "got", "answer")
	for _, r := range rows {
		from := r.from
		if from == "" {
			from = "host"
		}
		got, ok := h.get(r.from, r.proto, r.to)
		want, have := "allow", "deny"
		if r.want == "" {
			want = "deny"
		}
		if ok {
			have = "allow"
		}
		mark := ""
		switch {
		case want != have:
			mark = "  <-- WRONG"
			t.Errorf("%s -> %s/%s: %s, want %s (%q)", from, r.to, r.proto, have, want, got)
		case ok && !strings.Contains(got, r.want):
			mark = "  <-- WRONG SERVER"
			t.Errorf("%s -> %s/%s answered %q, want %q", from, r.to, r.proto, got, r.want)
		case ok && r.client != "" && !regexp.MustCompile(r.client).MatchString(got):
			mark = "  <-- WRONG SOURCE"
			t.Errorf("%s -> %s/%s: server saw %q, want client %s", from, r.to, r.proto, got, r.client)
		}
		fmt.Fprintf(&table, "%-8s %-5s %-22s %-9s %-9s %s%s\n", from, r.proto, r.to, want, have, strings.TrimSpace(got), mark)
	}
	t.Log(table.String())
	h.mustNetplan("destroy", "-c", h.dir, "-auto-approve")
	if after := counterless.ReplaceAllString(foreign(), "counter"); after != foreignBefore {
		t.Fatalf("the foreign table changed:\nbefore:\n%s\nafter:\n%s", foreignBefore, after)
	}
}

// TestRuleCountIsFlat: the stack's table has as many rules for 1 published
// port as for 10,000, and all 10,000 work as one map.
func TestRuleCountIsFlat(t *testing.T) {
	h := newHost(t)
	cfg := func(hostPorts, containerPorts string) string {
		return `
stack = "flat"
container "web" {
  publish {
    host_port      = ` + hostPorts + `
    container_port = ` + containerPorts + `
  }
}
`
	}
	count := func() int {
		return strings.Count(h.MustRun("nft", "-j", "list", "table", "ip", "netplan-flat"), `{"rule":`)
	}
	h.config(map[string]string{"netplan.hcl": cfg("10000", "20000")})
	h.mustNetplan("apply", "-c", h.dir, "-auto-approve")
	one := count()
	h.config(map[string]string{"netplan.hcl": cfg(`"10000-19999"`, `"20000-29999"`)})
	h.mustNetplan("apply", "-c", h.dir, "-auto-approve")
	many := count()
	t.Logf("rules with 1 published port: %d; with 10,000: %d", one, many)
	if one == 0 || one != many {
		t.Fatalf("rule count grows with ports: %d for 1, %d for 10,000", one, many)
	}
	jsonOut := h.MustRun("nft", "-j", "list", "map", "ip", "netplan-flat", "ports-any")
	if n := strings.Count(jsonOut, `"concat"`); n < 10000 {
		t.Fatalf("ports-any holds %d elements, want 10,000", n/2)
	}
	h.serve("web", "tcp", "0.0.0.0:25555", "web:25555")
	if got, ok := h.get("outside", "tcp", hostAddr+":15555"); !ok || !strings.Contains(got, "web:25555") {
		t.Fatalf("port 15555 of the 10,000 does not reach container port 25555: %q", got)
	}
	if out, code := h.netplan("plan", "-c", h.dir, "-detailed-exitcode"); code != 0 {
		t.Fatalf("plan after 10,000 ports: exit %d\n%s", code, out)
	}
}

// TestStaleUDPFlowFollowsTheMapping: a UDP flow keeps its 5-tuple while the
// published port moves to another container; the next datagram reaches the
// new container, because apply removed the conntrack entry of the old one.
func TestStaleUDPFlowFollowsTheMapping(t *testing.T) {
	h := newHost(t)
	cfg := func(owner string) string {
		return `
stack = "udp"
container "a" {}
container "b" {}
container "` + owner + `" {
  publish {
    host_port      = 5353
    container_port = 53
    protocol       = "udp"
  }
}
`
	}
	h.config(map[string]string{"netplan.hcl": strings.Replace(cfg("a"), `container "a" {}`, "", 1)})
	h.mustNetplan("apply", "-c", h.dir, "-auto-approve")
	h.serve("a", "udp", "0.0.0.0:53", "a")
	h.serve("b", "udp", "0.0.0.0:53", "b")
	send := func() string {
		out, code := h.Run("ip", "netns", "exec", "outside", "env", "PEER_LOCAL="+outsideAddr+":40000", bin.peer, "get", "udp", hostAddr+":5353")
		if code != 0 {
			t.Fatalf("udp flow: %s", out)
		}
		return out
	}
	if got := send(); !strings.HasPrefix(got, "a ") {
		t.Fatalf("before the move: %q", got)
	}
	h.config(map[string]string{"netplan.hcl": strings.Replace(cfg("b"), `container "b" {}`, "", 1)})
	h.mustNetplan("apply", "-c", h.dir, "-auto-approve")
	if got := send(); !strings.HasPrefix(got, "b ") {
		t.Fatalf("after the mapping moved to b, the same flow still reaches: %q", got)
	}
}

// TestDestroyForgetsDNATedFlows: a UDP flow DNATed to a container leaves a
// conntrack entry that outlives the container; destroy removes it, so a
// stack made again at the same addresses does not inherit its flows (as
// Docker clears UDP entries when it unpublishes a port).
func TestDestroyForgetsDNATedFlows(t *testing.T) {
	h := newHost(t)
	h.config(map[string]string{"netplan.hcl": `
stack = "gone"
container "dns" {
  publish {
    host_port      = 5353
    container_port = 53
    protocol       = "udp"
  }
}
`})
	h.mustNetplan("apply", "-c", h.dir, "-auto-approve")
	h.serve("dns", "udp", "0.0.0.0:53", "dns")
	if got, ok := h.get("outside", "udp", hostAddr+":5353"); !ok || !strings.HasPrefix(got, "dns") {
		t.Fatalf("udp to the published port: %q", got)
	}
	flows := func() string {
		out, _ := h.Run("conntrack", "-L", "-p", "udp", "--orig-port-dst", "5353")
		return out
	}
	if before := flows(); !strings.Contains(before, "src=172.17.0.2") {
		t.Fatalf("no conntrack entry DNATed to the container after a reply:\n%s", before)
	}
	h.mustNetplan("destroy", "-c", h.dir, "-auto-approve")
	if after := flows(); strings.Contains(after, "172.17.0.2") {
		t.Fatalf("destroy left the flow DNATed to the gone container:\n%s", after)
	}
}
