package sandbox

import (
	"os"
	"strings"
	"testing"
)

func TestMain(m *testing.M) { os.Exit(Main(m)) }

func TestMainRunsInsideASandbox(t *testing.T) {
	ok, err := IsSandboxed("self")
	if err != nil || !ok {
		t.Fatalf("test process is not sandboxed: %v %v", ok, err)
	}
	data, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "netplan-sandbox") {
		t.Fatal("/run is not the sandbox's private tmpfs")
	}
}

func TestBoxIsItsOwnHost(t *testing.T) {
	a, b := New(t), New(t)
	a.Sh("ip link add br-a type bridge")
	if out, _ := b.Run("ip", "link", "show", "br-a"); !strings.Contains(out, "does not exist") {
		t.Fatalf("a link made in one box shows in another: %s", out)
	}
	a.Sh("ip netns add x")
	if out := b.MustRun("ip", "netns", "list"); strings.Contains(out, "x") {
		t.Fatalf("a namespace made in one box shows in another: %s", out)
	}
}
