package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/netplan-dev/netplan/internal/sandbox"
)

var bin struct{ netplan, peer, root string }

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "netplan-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	_ = os.Chmod(dir, 0o755) // TestWithoutRoot runs the binary as nobody
	root, _ := filepath.Abs("..")
	bin.root = root
	bin.netplan, bin.peer = filepath.Join(dir, "netplan"), filepath.Join(dir, "peer")
	for out, pkg := range map[string]string{bin.netplan: "./cmd/netplan", bin.peer: "./e2e/peer"} {
		cmd := exec.Command("go", "build", "-o", out, pkg)
		cmd.Dir = root
		if b, err := cmd.CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "build %s: %v\n%s", pkg, err, b)
			return 1
		}
	}
	return m.Run()
}

// host is a sandboxed machine at 192.168.1.10 whose uplink leads to an
// "outside" machine at 192.168.1.20 (a namespace netplan does not own).
type host struct {
	*sandbox.Box
	t    *testing.T
	dir  string // configuration directory
	pids []int
}

const (
	hostAddr    = "192.168.1.10"
	outsideAddr = "192.168.1.20"
)

func newHost(t *testing.T) *host {
	t.Helper()
	h := &host{Box: sandbox.New(t), t: t, dir: worldReadableDir(t)}
	h.Sh(`set -e
sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ip netns add outside
ip netns exec outside sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ip link add uplink type veth peer name eth0 netns outside
ip addr add ` + hostAddr + `/24 dev uplink
ip link set uplink up
ip -n outside addr add ` + outsideAddr + `/24 dev eth0
ip -n outside link set eth0 up
ip -n outside link set lo up
ip -n outside route add default via ` + hostAddr + `
for i in $(seq 100); do ip link show uplink | grep -q NO-CARRIER || break; sleep 0.02; done
for i in $(seq 100); do ip -n outside link show eth0 | grep -q NO-CARRIER || break; sleep 0.02; done
`)
	t.Cleanup(h.stopAll)
	return h
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// config writes files into the host's configuration directory.
func (h *host) config(files map[string]string) {
	h.t.Helper()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(h.dir, name), []byte(text), 0o644); err != nil {
			h.t.Fatal(err)
		}
	}
}

// netplan runs the binary inside the sandbox with -c pointing at the config dir
// inserted after the subcommand (unless args ask otherwise).
func (h *host) netplan(args ...string) (string, int) {
	h.t.Helper()
	return h.Run(bin.netplan, args...)
}

func (h *host) mustNetplan(args ...string) string {
	h.t.Helper()
	out, code := h.netplan(args...)
	if code != 0 {
		h.t.Fatalf("netplan %s: exit %d\n%s", strings.Join(args, " "), code, out)
	}
	return out
}

// serve starts a peer server in namespace ns ("" = the host) and waits until it listens.
func (h *host) serve(ns, proto, addr, text string) {
	h.t.Helper()
	args := []string{bin.peer, "serve", proto, addr, text}
	if ns != "" {
		args = append([]string{"ip", "netns", "exec", ns}, args...)
	}
	cmd := h.Command(args[0], args[1:]...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		h.t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		h.t.Fatal(err)
	}
	h.pids = append(h.pids, cmd.Process.Pid)
	go func() { _ = cmd.Wait() }()
	buf := make([]byte, 6)
	done := make(chan error, 1)
	go func() { _, err := stdout.Read(buf); done <- err }()
	select {
	case err := <-done:
		if err != nil || string(buf) != "ready\n" {
			h.t.Fatalf("server %s %s in %q did not start: %v %q", proto, addr, ns, err, buf)
		}
	case <-time.After(5 * time.Second):
		h.t.Fatalf("server %s %s in %q did not start", proto, addr, ns)
	}
}

func (h *host) stopAll() {
	for _, pid := range h.pids {
		if p, err := os.FindProcess(pid); err == nil {
			_ = p.Kill() // a server this test started, by its PID
		}
	}
}

// get sends one request from namespace ns ("" = the host) and returns the answer.
func (h *host) get(ns, proto, addr string) (string, bool) {
	h.t.Helper()
	args := []string{bin.peer, "get", proto, addr}
	if ns != "" {
		args = append([]string{"ip", "netns", "exec", ns}, args...)
	}
	out, code := h.Run(args[0], args[1:]...)
	return strings.TrimSpace(out), code == 0
}

// ipJSON runs `ip -j ARGS` inside the sandbox and decodes the result.
func (h *host) ipJSON(args ...string) []map[string]any {
	h.t.Helper()
	out := h.MustRun("ip", append([]string{"-j"}, args...)...)
	var v []map[string]any
	if strings.TrimSpace(out) == "" {
		return nil
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		h.t.Fatalf("ip -j %v: %v\n%s", args, err, out)
	}
	return v
}

// snapshot is the host's whole network state as the stock tools print it:
// used to prove a command changed nothing.
func (h *host) snapshot() string {
	h.t.Helper()
	return h.Sh(`ip -d link show; ip addr show; ip route show table all; ip netns list;
for ns in $(ip netns list | cut -d' ' -f1); do echo "== $ns"; ip -n "$ns" -d link show; ip -n "$ns" addr; ip -n "$ns" route; done
nft list ruleset; sysctl net.ipv4.ip_forward`)
}

// worldReadableDir is a temporary directory that an unprivileged user can read.
func worldReadableDir(t *testing.T) string {
	dir, err := os.MkdirTemp("", "netplan-e2e-config-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}
