package linux

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/netplan-dev/netplan/model"
)

// TestExecHelper is not a test: TestExec runs the test binary again with
// NETPLAN_EXEC_NETNS set, and this replaces that process with the command.
func TestExecHelper(t *testing.T) {
	name := os.Getenv("NETPLAN_EXEC_NETNS")
	if name == "" {
		t.Skip("helper process for TestExec")
	}
	err := Exec(name, strings.Fields(os.Getenv("NETPLAN_EXEC_ARGV")))
	t.Fatalf("Exec returned: %v", err) // only reached on failure
}

// TestExec runs commands through Exec and checks they ran inside the
// namespace: they see its links, in /sys too, and not the host's.
func TestExec(t *testing.T) {
	const stack = "exec"
	k := newKernel(t, stack)
	_, n := vethFixture(t, k, stack, "np-ex", "ex-web")
	v := testVeth(stack, "web", "eth0", "np-ex", "172.30.0.10/16")
	do(t, k, model.Step{Kind: model.StepCreateVeth, Owner: n.Owner, Netns: n, Veth: v})

	run := func(netns, argv string) (string, error) {
		cmd := exec.Command(os.Args[0], "-test.run=^TestExecHelper$")
		cmd.Env = append(os.Environ(), "NETPLAN_EXEC_NETNS="+netns, "NETPLAN_EXEC_ARGV="+argv)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := run("ex-web", "ip -o addr show dev eth0")
	if err != nil || !strings.Contains(out, "inet 172.30.0.10/16") {
		t.Fatalf("ip addr inside: %v\n%s", err, out)
	}
	out, err = run("ex-web", "ls /sys/class/net")
	if err != nil || strings.Fields(out)[0] != "eth0" || strings.Contains(out, "np-ex") {
		t.Fatalf("/sys inside: %v\n%s", err, out)
	}
	if out, err := run("ex-absent", "true"); err == nil || !strings.Contains(out, "exec in netns ex-absent") {
		t.Fatalf("exec in a missing namespace: %v\n%s", err, out)
	}
	if out, err := run("ex-web", "no-such-command-anywhere"); err == nil || !strings.Contains(out, "executable file not found") {
		t.Fatalf("missing command: %v\n%s", err, out)
	}
}
