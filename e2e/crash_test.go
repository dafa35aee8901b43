package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/netplan-dev/netplan/internal/sandbox"
	"github.com/netplan-dev/netplan/model"
)

// manyContainers is how many containers the crash tests apply: enough that
// an apply takes long enough to be stopped in its middle.
const manyContainers = 120

// manyConfig is one network with n containers, each publishing a port.
func manyConfig(n int) string {
	var b strings.Builder
	b.WriteString("stack = \"crash\"\nnetwork \"many\" {\n  subnet = \"172.30.0.0/16\"\n}\n")
	for i := range n {
		fmt.Fprintf(&b, "container \"c%03d\" {\n  network \"many\" {}\n  publish {\n    host_port      = %d\n    container_port = 80\n  }\n}\n", i, 20000+i)
	}
	return b.String()
}

// settled waits, with bounded retries, until the host's snapshot is want:
// the kernel tears a deleted namespace's veths down asynchronously.
func (h *host) settled(want string) error {
	h.t.Helper()
	var got string
	err := sandbox.Eventually(100, 50*time.Millisecond, func() error {
		if got = h.snapshot(); got != want {
			return fmt.Errorf("differs")
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("host differs from before:\nbefore:\n%s\nafter:\n%s", want, got)
	}
	return nil
}

// TestPreflightRefusesReadOnlySysctls: with /proc/sys read-only, apply is
// refused before its first change, naming the sysctl, and the host is untouched.
func TestPreflightRefusesReadOnlySysctls(t *testing.T) {
	h := newHost(t)
	h.config(map[string]string{"netplan.hcl": frontConfig})
	h.Sh("mount --bind -o ro /proc/sys /proc/sys")
	before := h.snapshot()
	out, code := h.netplan("apply", "-c", h.dir, "-auto-approve")
	if code != 1 || !strings.Contains(out, "preflight") || !strings.Contains(out, "net.ipv4.ip_forward") ||
		!strings.Contains(out, "read-only") || !strings.Contains(out, "nothing was changed") {
		t.Fatalf("apply with read-only /proc/sys: exit %d, want 1 and a preflight error naming the sysctl\n%s", code, out)
	}
	if err := h.settled(before); err != nil {
		t.Fatal(err)
	}
}

// hideBridgeSysctls makes the per-bridge sysctl directories vanish behind an
// empty tmpfs: preflight sees a writable place, but once the bridge exists
// the kernel has no file for its route_localnet, so the write fails for real
// after the bridge and ip_forward were changed.
func (h *host) hideBridgeSysctls() {
	h.Sh("mount -t tmpfs hidden /proc/sys/net/ipv4/conf")
}

// TestKernelFailureMidApplyRollsBack: a sysctl write fails after the first
// objects exist; apply exits 1, names the step and the object, rolls back,
// and the stock tools show the host exactly as before.
func TestKernelFailureMidApplyRollsBack(t *testing.T) {
	h := newHost(t)
	h.config(map[string]string{"netplan.hcl": frontConfig})
	h.hideBridgeSysctls()
	before := h.snapshot()
	out, code := h.netplan("apply", "-c", h.dir, "-auto-approve")
	for _, want := range []string{"set sysctl net.ipv4.conf.np-front.route_localnet=1", "no such file or directory",
		"network.front", "rolled back", "Rolling back..."} {
		if !strings.Contains(out, want) {
			t.Errorf("failed apply output lacks %q", want)
		}
	}
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if t.Failed() {
		t.Fatalf("output:\n%s", out)
	}
	if err := h.settled(before); err != nil {
		t.Fatal(err)
	}
	// Once the cause is gone, the same apply converges.
	h.Sh("umount /proc/sys/net/ipv4/conf")
	h.mustNetplan("apply", "-c", h.dir, "-auto-approve")
	if out, code := h.netplan("plan", "-c", h.dir, "-detailed-exitcode"); code != 0 {
		t.Fatalf("plan after the repaired apply: exit %d\n%s", code, out)
	}
}

// TestNoRollbackKeepsPartialState: with -no-rollback the failed apply keeps
// what it made, says so, and the next apply converges from there.
func TestNoRollbackKeepsPartialState(t *testing.T) {
	h := newHost(t)
	h.config(map[string]string{"netplan.hcl": frontConfig})
	h.hideBridgeSysctls()
	out, code := h.netplan("apply", "-c", h.dir, "-auto-approve", "-no-rollback")
	if code != 1 || !strings.Contains(out, "no rollback") || !strings.Contains(out, "network.front") {
		t.Fatalf("apply -no-rollback: exit %d, want 1 naming what was left\n%s", code, out)
	}
	if links := h.ipJSON("link", "show", "np-front"); len(links) != 1 {
		t.Fatalf("-no-rollback removed the bridge it made: %v", links)
	}
	h.Sh("umount /proc/sys/net/ipv4/conf")
	if out, code := h.netplan("plan", "-c", h.dir, "-detailed-exitcode"); code != 2 {
		t.Fatalf("plan after a partial apply: exit %d, want 2\n%s", code, out)
	}
	h.mustNetplan("apply", "-c", h.dir, "-auto-approve")
	if out, code := h.netplan("plan", "-c", h.dir, "-detailed-exitcode"); code != 0 {
		t.Fatalf("plan after converging: exit %d\n%s", code, out)
	}
	h.expectTrafficAfterServe()
}

func (h *host) expectTrafficAfterServe() {
	h.t.Helper()
	h.serve("web", "tcp", "0.0.0.0:80", "web")
	h.expectTraffic()
}

// startApply starts an apply of the host's configuration and returns it
// with its combined output; nsenter execs netplan, so the PID is netplan's.
func (h *host) startApply(out *strings.Builder) *exec.Cmd {
	h.t.Helper()
	cmd := h.Command(bin.netplan, "apply", "-c", h.dir, "-auto-approve")
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		h.t.Fatal(err)
	}
	return cmd
}

// count runs a shell pipeline in the sandbox that prints a number.
func (h *host) count(script string) int {
	h.t.Helper()
	n, err := strconv.Atoi(strings.TrimSpace(h.Sh(script)))
	if err != nil {
		h.t.Fatalf("%s: %v", script, err)
	}
	return n
}

func (h *host) netnsCount() int {
	return h.count("ls /run/netns | grep -vcx outside || true")
}

// waitFor polls cond until it holds or the apply ends (or time runs out);
// it reports whether cond held while the apply still ran.
func waitFor(done <-chan struct{}, cond func() bool) bool {
	for range 2000 {
		select {
		case <-done:
			return false
		default:
		}
		if cond() {
			return true
		}
		time.Sleep(2 * time.Millisecond)
	}
	return false
}

// TestSIGKILLMidApplyConverges: an apply of many containers killed at
// several moments; after each, apply converges, plan is empty, and no
// namespace, veth, bridge port, address or map element is leaked or doubled.
func TestSIGKILLMidApplyConverges(t *testing.T) {
	h := newHost(t)
	h.config(map[string]string{"netplan.hcl": manyConfig(manyContainers)})
	moments := []struct {
		name string
		cond func() bool
	}{
		{"bridge exists", func() bool { _, code := h.Run("ip", "link", "show", "np-many"); return code == 0 }},
		{"a few namespaces", func() bool { return h.netnsCount() >= 5 }},
		{"half the namespaces", func() bool { return h.netnsCount() >= manyContainers/2 }},
		{"some veths", func() bool { return h.count("ip -o link show master np-many 2>/dev/null | wc -l") >= 30 }},
	}
	killed := 0
	for _, m := range moments {
		h.Run(bin.netplan, "destroy", "-c", h.dir, "-auto-approve")
		var out strings.Builder
		cmd := h.startApply(&out)
		done := make(chan struct{})
		waited := make(chan error, 1)
		go func() { waited <- cmd.Wait(); close(done) }()
		if waitFor(done, m.cond) {
			_ = syscall.Kill(cmd.Process.Pid, syscall.SIGKILL) // the apply this test started, by PID
		}
		err := <-waited
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			killed++
			t.Logf("%s: killed with %d namespaces", m.name, h.netnsCount())
		} else {
			t.Logf("%s: the apply ended before the kill (%v)", m.name, err)
		}
		if out, code := h.netplan("apply", "-c", h.dir, "-auto-approve"); code != 0 {
			t.Fatalf("%s: apply after SIGKILL: exit %d\n%s", m.name, code, out)
		}
		if out, code := h.netplan("plan", "-c", h.dir, "-detailed-exitcode"); code != 0 {
			t.Fatalf("%s: plan after converging: exit %d\n%s", m.name, code, out)
		}
		h.expectExactly(m.name, manyContainers)
	}
	if killed < len(moments)/2 {
		t.Fatalf("only %d of %d applies were killed in their middle", killed, len(moments))
	}
}

// TestDestroyRemovesUnfinishedBridge: an apply killed between making its
// bridge and labelling it leaves the bridge bare but with the MAC netplan
// derives for it; a destroy given the configuration, which names the
// network, removes it and leaves the host as before. A bridge of that name
// with any other MAC is someone else's, and stays.
func TestDestroyRemovesUnfinishedBridge(t *testing.T) {
	h := newHost(t)
	h.config(map[string]string{"netplan.hcl": manyConfig(2)})
	before := h.snapshot()
	h.Sh("ip link add np-many address " + model.BridgeMAC("crash", "many") + " type bridge")
	if out, code := h.netplan("destroy", "-c", h.dir, "-auto-approve"); code != 0 ||
		!strings.Contains(out, "# network.many will be destroyed") || !strings.Contains(out, "1 destroyed") {
		t.Fatalf("destroy after a kill before the bridge's label: exit %d, want 0 and the bridge destroyed\n%s", code, out)
	}
	if err := h.settled(before); err != nil {
		t.Fatal(err)
	}

	// The same through a saved plan, made with the configuration and
	// applied without it: the plan holds the step, and the fingerprint
	// still matches the host.
	h.Sh("ip link add np-many address " + model.BridgeMAC("crash", "many") + " type bridge")
	plan := filepath.Join(t.TempDir(), "destroy.plan")
	h.mustNetplan("plan", "-destroy", "-c", h.dir, "-out", plan)
	if out, code := h.netplan("apply", plan); code != 0 || !strings.Contains(out, "1 destroyed") {
		t.Fatalf("apply of a saved destroy plan: exit %d, want 0 and the bridge destroyed\n%s", code, out)
	}
	if err := h.settled(before); err != nil {
		t.Fatal(err)
	}

	h.Sh("ip link add np-many address 02:00:00:00:00:99 type bridge")
	if out, code := h.netplan("destroy", "-c", h.dir, "-auto-approve"); code != 0 || strings.Contains(out, "network.many") {
		t.Fatalf("destroy with another's bridge in the way: exit %d, want 0 and nothing destroyed\n%s", code, out)
	}
	if _, code := h.Run("ip", "link", "show", "np-many"); code != 0 {
		t.Fatal("destroy deleted a bridge that is not the stack's")
	}
}

// expectExactly checks that the host holds exactly n of each object a
// container brings: nothing leaked, nothing doubled.
func (h *host) expectExactly(when string, n int) {
	h.t.Helper()
	counts := map[string]int{
		"namespaces":   h.netnsCount(),
		"bridges":      h.count("ip -o link show type bridge | wc -l"),
		"host veths":   h.count("ip -o link show type veth | grep -vc ' uplink@' || true"),
		"bridge ports": h.count("ip -o link show master np-many | wc -l"),
		"addresses": h.count(`for ns in $(ls /run/netns | grep -vx outside); do
ip -n "$ns" -4 -o addr show scope global; done | wc -l`),
		"map elements": h.mapElements("netplan-crash", "ports-any"),
	}
	want := map[string]int{"namespaces": n, "bridges": 1, "host veths": n, "bridge ports": n, "addresses": n, "map elements": n}
	for what, got := range counts {
		if got != want[what] {
			h.t.Errorf("%s: %d %s, want %d", when, got, what, want[what])
		}
	}
}

// mapElements counts the elements of an nftables map as `nft -j` lists them.
func (h *host) mapElements(table, name string) int {
	h.t.Helper()
	out := h.MustRun("nft", "-j", "list", "map", "ip", table, name)
	var doc struct {
		Nftables []struct {
			Map *struct {
				Elem []json.RawMessage `json:"elem"`
			} `json:"map"`
		} `json:"nftables"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		h.t.Fatalf("nft -j list map %s: %v", name, err)
	}
	for _, o := range doc.Nftables {
		if o.Map != nil {
			return len(o.Map.Elem)
		}
	}
	return 0
}

// TestSIGINTRollsBack: SIGINT in the middle of an apply of many containers
// stops it, rolls back, says so, and leaves the host as before.
func TestSIGINTRollsBack(t *testing.T) {
	h := newHost(t)
	h.config(map[string]string{"netplan.hcl": manyConfig(manyContainers)})
	before := h.snapshot()
	var out strings.Builder
	cmd := h.startApply(&out)
	done := make(chan struct{})
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait(); close(done) }()
	if !waitFor(done, func() bool { return h.netnsCount() >= 10 }) {
		<-waited
		t.Fatalf("the apply ended before it could be interrupted:\n%s", out.String())
	}
	_ = cmd.Process.Signal(os.Interrupt) // the apply this test started, by PID
	<-waited
	if code := cmd.ProcessState.ExitCode(); code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	for _, want := range []string{"interrupt", "rolled back"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if t.Failed() {
		t.Fatalf("output:\n%s", out.String())
	}
	if err := h.settled(before); err != nil {
		t.Fatal(err)
	}
}

// TestWarnsAboutTakenPort: publishing a port a host process listens on is
// allowed, with a warning naming the port.
func TestWarnsAboutTakenPort(t *testing.T) {
	h := newHost(t)
	h.config(map[string]string{"netplan.hcl": frontConfig})
	h.serve("", "tcp", "0.0.0.0:8080", "host")
	out, code := h.netplan("plan", "-c", h.dir)
	if code != 0 || !strings.Contains(out, "Warning: container.web publishes host port 8080/tcp") {
		t.Fatalf("plan with a host listener on 8080: exit %d, want 0 and a warning\n%s", code, out)
	}
	h.config(map[string]string{"netplan.hcl": strings.Replace(frontConfig, "8080", "8081", 1)})
	if out := h.mustNetplan("plan", "-c", h.dir); strings.Contains(out, "Warning") {
		t.Fatalf("warning for a port nobody listens on:\n%s", out)
	}
}
