package apply

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/netplan-dev/netplan/drivers"
	"github.com/netplan-dev/netplan/drivers/fake"
	"github.com/netplan-dev/netplan/model"
	"github.com/netplan-dev/netplan/planner"
	"github.com/netplan-dev/netplan/planner/plannertest"
)

// scenarios are representative plans: everything created from nothing, and
// a change that deletes, replaces and edits objects of a live stack.
func scenarios(t *testing.T) []struct {
	name  string
	setup func(k *fake.Kernel)
	d     *model.Desired
} {
	changed := plannertest.Demo("s")
	changed.Networks[1].Bridge = "np-front2" // front: replace
	changed.Networks[0].ICC = true           // back: edit the ports of its veths
	for i := range changed.Containers {
		switch c := &changed.Containers[i]; c.Name {
		case "jail":
			c.Netns = "jail2" // replace
		case "web":
			c.Publish[0].HostPort = 8081
		}
	}
	changed.Containers = slices.DeleteFunc(changed.Containers, func(c model.Container) bool { return c.Name == "db" })
	return []struct {
		name  string
		setup func(k *fake.Kernel)
		d     *model.Desired
	}{
		{"create", func(*fake.Kernel) {}, plannertest.Demo("s")},
		{"change", func(k *fake.Kernel) {
			mustApply(t, k, plannertest.Demo("s"))
			k.Mutate("s", func(s *model.State) { s.Bridges["np-back"].Up = false; s.Sysctls[model.SysctlIPForward] = "0" })
		}, changed},
		{"destroy", func(k *fake.Kernel) { mustApply(t, k, plannertest.Demo("s")) }, nil},
	}
}

// Every step of a representative plan fails in turn: the apply must say
// which step failed and leave the host exactly as it found it. With one
// worker it must also have started nothing after the failing step; with
// several, steps running beside it finish, and how many others start
// before the failure is recorded depends on scheduling (a worker
// descheduled between the kernel's error and its report lets the others
// run on), so only the rollback is checked.
func TestRollbackEveryStep(t *testing.T) {
	for _, sc := range scenarios(t) {
		for _, workers := range []int{1, 3} {
			t.Run(fmt.Sprintf("%s/workers=%d", sc.name, workers), func(t *testing.T) {
				rollbackEveryStep(t, sc.setup, sc.d, workers)
			})
		}
	}
}

func rollbackEveryStep(t *testing.T, setup func(*fake.Kernel), d *model.Desired, workers int) {
	probe := newWorld(setup)
	p, _ := planOrDestroy(t, probe, d)
	if len(p.Steps) < 7 {
		t.Fatalf("plan has only %d steps; not representative", len(p.Steps))
	}
	for i, want := range p.Steps {
		k := newWorld(setup)
		start := k.Dump()
		p, q := planOrDestroy(t, k, d)
		var failed atomic.Bool
		k.FailOn = func(s model.Step) error {
			if sameStep(s, want) && failed.CompareAndSwap(false, true) {
				return syscall.EBUSY
			}
			return nil
		}
		res, err := Apply(context.Background(), k, p, Options{Query: q, Workers: workers})
		if err == nil {
			t.Fatalf("step %d %s %s: apply succeeded", i, want.Kind, want.Owner)
		}
		var se *StepError
		if !errors.As(err, &se) || se.Index != i || !errors.Is(err, syscall.EBUSY) {
			t.Errorf("step %d: error %v does not name the step", i, err)
		}
		for _, part := range []string{string(want.Kind), want.Owner, "rolled back", "steps done"} {
			if !strings.Contains(err.Error(), part) {
				t.Errorf("step %d: error %q does not say %q", i, err, part)
			}
		}
		if !res.RolledBack || (workers == 1 && res.StepsDone != i) {
			t.Errorf("step %d: result %+v", i, res)
		}
		if got := k.Dump(); got != start {
			t.Fatalf("step %d %s %s: host not restored\ngot:\n%s\nwant:\n%s", i, want.Kind, want.Owner, got, start)
		}
	}
}

func TestNoRollbackLeavesPartialState(t *testing.T) {
	k := fake.New()
	start := k.Dump()
	p, q := planFor(t, k, plannertest.Demo("s"))
	k.FailOn = func(s model.Step) error {
		if s.Kind == model.StepCreateVeth {
			return syscall.ENOMEM
		}
		return nil
	}
	res, err := Apply(context.Background(), k, p, Options{Query: q, NoRollback: true, Workers: 1})
	if err == nil || res.RolledBack || !strings.Contains(err.Error(), "left in place") || !strings.Contains(err.Error(), "network.front") {
		t.Fatalf("apply = %+v, %v", res, err)
	}
	if k.Dump() == start {
		t.Error("no rollback asked, yet the host is back where it started")
	}
}

func TestCancelRollsBack(t *testing.T) {
	for _, sc := range scenarios(t) {
		t.Run(sc.name, func(t *testing.T) {
			k := newWorld(sc.setup)
			start := k.Dump()
			p, q := planOrDestroy(t, k, sc.d)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var n atomic.Int32
			half := int32(len(p.Steps) / 2)
			k.FailOn = func(model.Step) error {
				if n.Add(1) == half {
					cancel() // SIGINT in the middle of the apply
				}
				return nil
			}
			res, err := Apply(ctx, k, p, Options{Query: q})
			if !errors.Is(err, Cancelled) || !errors.Is(err, context.Canceled) || !res.RolledBack {
				t.Fatalf("apply = %+v, %v; want interrupted and rolled back", res, err)
			}
			if res.StepsDone < int(half) || res.StepsDone >= len(p.Steps) {
				t.Errorf("steps done %d of %d, cancelled at %d", res.StepsDone, len(p.Steps), half)
			}
			if got := k.Dump(); got != start {
				t.Fatalf("host not restored\ngot:\n%s\nwant:\n%s", got, start)
			}
		})
	}
}

// Issue #5: a kernel that reports success without doing the work is caught.
func TestVerifyCatchesIgnoredSteps(t *testing.T) {
	tests := []struct {
		name string
		drop func(model.Step) bool
		want []string
	}{
		{"route", func(s model.Step) bool { return s.Kind == model.StepSetRoute }, []string{"container.web (set-route)",
			"still different:\n  container.web gateway: want \"172.18.0.1\", host has none"}},
		{"sysctl", func(s model.Step) bool { return s.Key == model.SysctlIPForward }, []string{"sysctl.net.ipv4.ip_forward (set-sysctl)",
			"\n  sysctl.net.ipv4.ip_forward value: want \"1\", host has \"0\""}},
		{"table", func(s model.Step) bool { return s.Kind == model.StepSyncFirewall }, []string{"firewall.netplan-s (sync-firewall)",
			"\n  container.web publish[tcp/0.0.0.0:8080]: want \"172.18.0.2:80\", host has none", "\n  firewall.netplan-s: missing on the host"}},
		// Five differences at most, then a count.
		{"table and a veth", func(s model.Step) bool {
			return s.Kind == model.StepSyncFirewall || (s.Kind == model.StepCreateVeth && s.Owner == "container.db")
		}, []string{"container.db (create-veth)", "firewall.netplan-s (sync-firewall)",
			"\n  container.db eth0.ipv4_address: want \"172.20.0.2\", host has none", "\n  and 13 more"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := fake.New()
			p, q := planFor(t, k, plannertest.Demo("s"))
			k.Drop = tt.drop
			res, err := Apply(context.Background(), k, p, Options{Query: q})
			if err == nil || res.RolledBack || res.StepsDone != len(p.Steps) {
				t.Fatalf("apply = %+v, %v; want a verification error", res, err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not name %q", err, w)
				}
			}
		})
	}
}

// The other way to fake a lazy kernel: the step succeeds, then something
// reverts it behind netplan's back before verification.
func TestVerifyCatchesRevertedStep(t *testing.T) {
	k := fake.New()
	p, q := planFor(t, k, plannertest.Demo("s"))
	var once sync.Once
	k.FailOn = func(s model.Step) error {
		if s.Kind == model.StepSyncFirewall { // the last phase: the bridge exists by now
			once.Do(func() { k.Mutate("s", func(st *model.State) { st.Bridges["np-back"].Up = false }) })
		}
		return nil
	}
	if _, err := Apply(context.Background(), k, p, Options{Query: q}); err == nil || !strings.Contains(err.Error(), "network.back (set-bridge)") {
		t.Fatalf("apply error = %v, want network.back named", err)
	}
}

func TestProgressAndResult(t *testing.T) {
	k := fake.New()
	p, q := planFor(t, k, plannertest.Demo("s"))
	var mu sync.Mutex
	started, done := map[string]int{}, map[string]int{}
	res, err := Apply(context.Background(), k, p, Options{Query: q, Progress: func(e Event) {
		mu.Lock()
		defer mu.Unlock()
		if e.Err != nil {
			t.Errorf("event error %v", e.Err)
		}
		if e.Done {
			done[e.Address]++
		} else {
			started[e.Address]++
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	owners := map[string]bool{}
	for _, s := range p.Steps {
		owners[s.Owner] = true
	}
	for o := range owners {
		if started[o] != 1 || done[o] != 1 {
			t.Errorf("%s: %d start and %d done events, want 1 and 1", o, started[o], done[o])
		}
	}
	add, change, destroy := p.Summary()
	if res.Added != add || res.Changed != change || res.Destroyed != destroy || res.StepsDone != len(p.Steps) || res.RolledBack {
		t.Errorf("result %+v, plan %d/%d/%d with %d steps", res, add, change, destroy, len(p.Steps))
	}
}

// A failing rollback is reported as such, with both causes.
func TestRollbackFailure(t *testing.T) {
	k := fake.New()
	p, q := planFor(t, k, plannertest.Demo("s"))
	k.FailOn = func(s model.Step) error {
		switch s.Kind {
		case model.StepCreateVeth:
			return errors.New("boom")
		case model.StepDeleteBridge:
			return fmt.Errorf("delete bridge %q: %w", s.Link, syscall.EBUSY)
		}
		return nil
	}
	_, err := Apply(context.Background(), k, p, Options{Query: q})
	if err == nil || !strings.Contains(err.Error(), "boom") || !strings.Contains(err.Error(), "rollback failed") {
		t.Fatalf("error = %v", err)
	}
}

// planOrDestroy plans d, or with d nil a destroy of the stack as the CLI
// does it: observe the stack alone and plan toward an empty State.
func planOrDestroy(t *testing.T, k *fake.Kernel, d *model.Desired) (*planner.Plan, drivers.Query) {
	t.Helper()
	if d != nil {
		return planFor(t, k, d)
	}
	q := drivers.Query{Stack: "s"}
	obs, err := Observe(context.Background(), k, q)
	if err != nil {
		t.Fatal(err)
	}
	p := planner.Diff(model.NewState("s"), obs.State)
	p.Destroy = true
	return p, q
}

func newWorld(setup func(*fake.Kernel)) *fake.Kernel {
	k := fake.New()
	k.AddForeign("bridge", "docker0", "bridge docker0")
	setup(k)
	return k
}

func sameStep(a, b model.Step) bool {
	return a.Kind == b.Kind && a.Owner == b.Owner && planner.StepObject(a) == planner.StepObject(b)
}
