package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/netplan-dev/netplan/drivers"
	"github.com/netplan-dev/netplan/drivers/fake"
)

// harness runs the command line in-process with captured output, a chosen
// euid, the in-memory kernel and a private lock directory: no test here
// needs root or touches the machine's network.
type harness struct {
	t        *testing.T
	a        *app
	out, err bytes.Buffer
	kernel   *fake.Kernel
	execs    [][]string // netns followed by argv, per execIn call
}

func newHarness(t *testing.T, euid int) *harness {
	t.Helper()
	h := &harness{t: t, kernel: fake.New()}
	h.a = newApp(strings.NewReader(""), &h.out, &h.err)
	h.a.env = nil
	h.a.geteuid = func() int { return euid }
	h.a.stdinTTY = func() bool { return false }
	h.a.stdoutTTY = func() bool { return false }
	h.a.now = func() time.Time { return time.Unix(0, 0) }
	h.a.newKernel = func() (drivers.Kernel, error) { return h.kernel, nil }
	h.a.execIn = func(netns string, argv []string) error {
		h.execs = append(h.execs, append([]string{netns}, argv...))
		return nil
	}
	h.a.lockDir = t.TempDir()
	return h
}

// run runs "netplan args..." and returns the exit code; out and err hold
// only this run's output.
func (h *harness) run(args ...string) int {
	h.t.Helper()
	h.out.Reset()
	h.err.Reset()
	code := h.a.run(append([]string{"netplan"}, args...))
	if testing.Verbose() {
		h.t.Logf("netplan %s -> %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, &h.out, &h.err)
	}
	return code
}

// expect runs and checks the exit code and that stdout/stderr hold the given strings.
func (h *harness) expect(code int, stdout, stderr []string, args ...string) {
	h.t.Helper()
	if got := h.run(args...); got != code {
		h.t.Errorf("netplan %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), got, code, &h.out, &h.err)
	}
	for _, s := range stdout {
		if !strings.Contains(h.out.String(), s) {
			h.t.Errorf("netplan %s: stdout lacks %q:\n%s", strings.Join(args, " "), s, &h.out)
		}
	}
	for _, s := range stderr {
		if !strings.Contains(h.err.String(), s) {
			h.t.Errorf("netplan %s: stderr lacks %q:\n%s", strings.Join(args, " "), s, &h.err)
		}
	}
}
