package sandbox

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

const envInside = "NETPLAN_SANDBOXED"

// setup runs inside a new namespace pair: a private /run so namespaces and
// locks never show on the host, and lo up as on any host.
const setup = `set -e
mount --make-rprivate /
mount -t tmpfs netplan-sandbox /run
mkdir -p /run/netns /run/netplan
ip link set lo up
`

// netnsInode returns the inode of the network namespace of pid ("self" allowed).
func netnsInode(pid string) (uint64, error) {
	var st syscall.Stat_t
	if err := syscall.Stat("/proc/"+pid+"/ns/net", &st); err != nil {
		return 0, err
	}
	return st.Ino, nil
}

// initNetInode is the inode the kernel gives its initial network namespace
// (PROC_NET_INIT_INO, fixed since Linux 3.8). It is the reference when pid 1's
// namespace cannot be read, as on these machines.
const initNetInode = 0xEFFFFFF9

// IsSandboxed reports whether pid ("self" allowed) runs in a network namespace
// other than the machine's initial one (and other than pid 1's, when readable).
func IsSandboxed(pid string) (bool, error) {
	mine, err := netnsInode(pid)
	if err != nil {
		return false, err
	}
	if mine == initNetInode {
		return false, nil
	}
	if initial, err := netnsInode("1"); err == nil && initial == mine {
		return false, nil
	}
	return true, nil
}

// MustBeSandboxed panics unless this process runs in its own network
// namespace. Call it before the first change to the kernel.
func MustBeSandboxed() {
	ok, err := IsSandboxed("self")
	if err != nil || !ok {
		panic(fmt.Sprintf("refusing to touch the kernel outside a sandbox (sandboxed=%v, err=%v)", ok, err))
	}
}

// rootOrSkip fails under CI without root (CI is root, so a missing privilege
// is a broken setup, never a reason to skip) and skips elsewhere.
func rootOrSkip(tb testing.TB) {
	tb.Helper()
	if os.Geteuid() == 0 {
		return
	}
	if os.Getenv("CI") != "" {
		tb.Fatal("this test needs root (CAP_NET_ADMIN) and CI runs as root: the CI setup is broken")
	}
	tb.Skip("needs root (CAP_NET_ADMIN); run make test as root")
}

// Main runs a test binary's tests inside a fresh sandbox: outside one it
// re-executes itself under unshare and returns that run's exit code. Use it
// from TestMain: os.Exit(sandbox.Main(m)).
func Main(m *testing.M) int {
	if os.Getenv(envInside) == "1" {
		MustBeSandboxed()
		return m.Run()
	}
	if os.Geteuid() != 0 {
		if os.Getenv("CI") != "" {
			fmt.Fprintln(os.Stderr, "sandbox: these tests need root and CI runs as root: the CI setup is broken")
			return 1
		}
		fmt.Fprintln(os.Stderr, "sandbox: not root, kernel tests skipped (run make test as root)")
		return 0
	}
	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, "sandbox:", err)
		return 1
	}
	script := setup + `exec "$@"`
	args := append([]string{"--net", "--mount", "--propagation", "private", "--", "sh", "-c", script, "sh", exe}, os.Args[1:]...)
	cmd := exec.Command("unshare", args...)
	cmd.Env = append(os.Environ(), envInside+"=1")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode()
		}
		fmt.Fprintln(os.Stderr, "sandbox:", err)
		return 1
	}
	return 0
}

// Box is a long-lived sandbox: a process holding a fresh network and mount
// namespace that commands enter with nsenter.
type Box struct {
	tb  testing.TB
	pid int
	cmd *exec.Cmd
}

// New starts a sandbox and stops it (by its PID) when the test ends.
func New(tb testing.TB) *Box {
	tb.Helper()
	rootOrSkip(tb)
	cmd := exec.Command("unshare", "--net", "--mount", "--propagation", "private", "--",
		"sh", "-c", setup+"echo ready\nexec sleep 100000")
	var out bytes.Buffer
	cmd.Stderr = &out
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatalf("start sandbox: %v", err)
	}
	b := &Box{tb: tb, pid: cmd.Process.Pid, cmd: cmd}
	tb.Cleanup(b.stop)
	buf := make([]byte, 6)
	if _, err := stdout.Read(buf); err != nil || string(buf) != "ready\n" {
		tb.Fatalf("sandbox did not start: %v %q %s", err, buf, out.String())
	}
	if ok, err := IsSandboxed(strconv.Itoa(b.pid)); err != nil || !ok {
		tb.Fatalf("sandbox process %d shares the machine's network namespace (err=%v)", b.pid, err)
	}
	return b
}

func (b *Box) stop() {
	_ = b.cmd.Process.Kill() // our own sleep, by PID; the namespaces die with it
	_ = b.cmd.Wait()
}

// PID is the sandbox holder's process ID.
func (b *Box) PID() int { return b.pid }

// Command returns a command that runs inside the sandbox.
func (b *Box) Command(name string, args ...string) *exec.Cmd {
	all := append([]string{"-t", strconv.Itoa(b.pid), "-n", "-m", "--", name}, args...)
	return exec.Command("nsenter", all...)
}

// Run runs a command inside the sandbox and returns its combined output and exit code.
// It fails the test only when the command cannot be started.
func (b *Box) Run(name string, args ...string) (string, int) {
	b.tb.Helper()
	cmd := b.Command(name, args...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			return string(out), ee.ExitCode()
		}
		b.tb.Fatalf("run %s %s: %v", name, strings.Join(args, " "), err)
	}
	return string(out), 0
}

// MustRun runs a command inside the sandbox and fails the test if it exits non-zero.
func (b *Box) MustRun(name string, args ...string) string {
	b.tb.Helper()
	out, code := b.Run(name, args...)
	if code != 0 {
		b.tb.Fatalf("%s %s: exit %d\n%s", name, strings.Join(args, " "), code, out)
	}
	return out
}

// Sh runs a shell script inside the sandbox and fails the test if it exits non-zero.
func (b *Box) Sh(script string) string {
	b.tb.Helper()
	return b.MustRun("sh", "-c", script)
}

// Eventually retries f until it returns nil or the attempts run out; for
// conditions the kernel settles asynchronously (namespace teardown).
func Eventually(attempts int, pause time.Duration, f func() error) error {
	var err error
	for i := 0; i < attempts; i++ {
		if err = f(); err == nil {
			return nil
		}
		time.Sleep(pause)
	}
	return err
}
