package linux

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"

	"github.com/google/nftables"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/netplan-dev/netplan/drivers"
	"github.com/netplan-dev/netplan/internal/sandbox"
	"github.com/netplan-dev/netplan/model"
)

// The main thread stays where the test binary started: a goroutine that
// creates a namespace must never be the main thread (FIELD-NOTES).
func init() { runtime.LockOSThread() }

func TestMain(m *testing.M) { os.Exit(sandbox.Main(m)) }

// newKernel opens a Kernel for stack, closed when the test ends. The
// firewall half of Observe is stubbed so these tests cover links, namespaces
// and sysctls alone; the firewall's own tests cover the rest.
func newKernel(t *testing.T, stack string) *Kernel {
	t.Helper()
	sandbox.MustBeSandboxed()
	k, err := New()
	if err != nil {
		t.Fatal(err)
	}
	k.SetStack(stack)
	saved := observeFirewallFn
	observeFirewallFn = func(*nftables.Conn, *nlSock, string, *model.Firewall) (*model.Firewall, bool, error) {
		return nil, false, nil
	}
	t.Cleanup(func() {
		observeFirewallFn = saved
		_ = k.Close()
	})
	return k
}

func do(t *testing.T, k *Kernel, steps ...model.Step) {
	t.Helper()
	for _, s := range steps {
		if err := k.Do(context.Background(), s); err != nil {
			t.Fatalf("%s: %v", s.Kind, err)
		}
	}
}

func observe(t *testing.T, k *Kernel, q drivers.Query) *drivers.Observation {
	t.Helper()
	obs, err := k.Observe(context.Background(), q)
	if err != nil {
		t.Fatalf("observe: %v", err)
	}
	return obs
}

// sh runs a shell command in the test's sandbox and fails the test on error.
func sh(t *testing.T, script string) string {
	t.Helper()
	out, err := exec.Command("sh", "-c", script).CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", script, err, out)
	}
	return string(out)
}

// ipLink is the part of `ip -j -d link show` the tests read.
type ipLink struct {
	Index    int    `json:"ifindex"`
	Name     string `json:"ifname"`
	Alias    string `json:"ifalias"`
	Master   string `json:"master"`
	MTU      int    `json:"mtu"`
	Address  string `json:"address"`
	Flags    []string
	LinkInfo struct {
		Kind      string `json:"info_kind"`
		SlaveKind string `json:"info_slave_kind"`
		SlaveData struct {
			Hairpin  bool `json:"hairpin"`
			Isolated bool `json:"isolated"`
		} `json:"info_slave_data"`
	} `json:"linkinfo"`
}

// ipLinkShow reads one link with iproute2, the reference for what the kernel
// holds; netns "" is the test's own namespace.
func ipLinkShow(t *testing.T, netns, name string) ipLink {
	t.Helper()
	args := []string{"-j", "-d"}
	if netns != "" {
		args = append(args, "-n", netns)
	}
	out, err := exec.Command("ip", append(args, "link", "show", "dev", name)...).Output()
	if err != nil {
		t.Fatalf("ip link show %s (netns %q): %v", name, netns, err)
	}
	var links []ipLink
	if err := json.Unmarshal(out, &links); err != nil || len(links) != 1 {
		t.Fatalf("ip link show %s: %v %s", name, err, out)
	}
	return links[0]
}

// linkExists says whether iproute2 sees a link in the test's namespace.
func linkExists(name string) bool {
	return exec.Command("ip", "link", "show", "dev", name).Run() == nil
}

func netnsExists(t *testing.T, name string) bool {
	t.Helper()
	out := sh(t, "ip netns list")
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) > 0 && f[0] == name {
			return true
		}
	}
	return false
}

// cleanupLinks and cleanupNetns remove what a test made even when it fails,
// so the tests sharing this sandbox start clean.
func cleanupLinks(t *testing.T, names ...string) {
	t.Cleanup(func() {
		for _, n := range names {
			_ = exec.Command("ip", "link", "del", n).Run()
		}
	})
}

func cleanupNetns(t *testing.T, names ...string) {
	t.Cleanup(func() {
		for _, n := range names {
			_ = exec.Command("ip", "netns", "del", n).Run()
		}
	})
}

// testNft opens a lasting nftables connection in the test's namespace,
// closed when the test ends.
func testNft(t *testing.T) *nftables.Conn {
	t.Helper()
	c, err := newNftConn()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dropLasting(c) })
	return c
}

// testConntrack opens a conntrack handle in the test's namespace, closed
// when the test ends.
func testConntrack(t *testing.T) *netlink.Handle {
	t.Helper()
	h, err := netlink.NewHandle(unix.NETLINK_NETFILTER)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)
	return h
}
