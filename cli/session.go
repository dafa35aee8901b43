package cli

import (
	"context"
	"errors"
	"fmt"
	"github.com/netplan-dev/netplan/internal/trace"
	"time"

	"github.com/netplan-dev/netplan/config"
	"github.com/netplan-dev/netplan/drivers"
	"github.com/netplan-dev/netplan/internal/lock"
)

// session is one command's hold on a stack: its configuration (nil when
// -stack named the stack), the kernel and, for commands that change it, the
// stack lock.
type session struct {
	app    *app
	stack  string
	cfg    *config.Config
	flags  configFlags
	kernel drivers.Kernel
	lock   *lock.Lock
	// noRefresh is -refresh=false: the plan takes what it can from the
	// stack's record (see refreshFlag).
	noRefresh bool
}

// open loads the configuration unless stack is given, checks for root, takes
// the stack lock when lockTimeout > 0, and opens the kernel. The lock comes
// before observing so the plan a run shows is the one it applies.
func (a *app) open(ctx context.Context, command string, f configFlags, stack string, lockTimeout time.Duration) (*session, error) {
	s := &session{app: a, stack: stack, flags: f}
	if stack == "" {
		t0 := time.Now()
		cfg, err := a.loadConfig(f)
		trace.Since("load config", t0)
		if err != nil {
			return nil, err
		}
		s.cfg, s.stack = cfg, cfg.Desired.Stack
	}
	why := "read the kernel's network state"
	if lockTimeout > 0 {
		why = "change the kernel's network state"
	}
	if err := a.requireRoot(command, why); err != nil {
		return nil, err
	}
	if lockTimeout > 0 {
		defer trace.Since("lock", time.Now())
		lctx, cancel := context.WithTimeout(ctx, lockTimeout)
		l, err := lock.Acquire(lctx, a.lockDir, s.stack)
		cancel()
		if err != nil {
			return nil, err
		}
		s.lock = l
	}
	t0 := time.Now()
	k, err := a.openKernel()
	trace.Since("open kernel", t0)
	if err != nil {
		s.close()
		return nil, err
	}
	s.kernel = k
	return s, nil
}

// plan observes and plans the configuration, or the stack's removal.
func (s *session) plan(ctx context.Context, destroy bool) (*planned, error) {
	if destroy || s.cfg == nil {
		return s.app.planDestroy(ctx, s.kernel, s.stack, s.cfg)
	}
	t0 := time.Now()
	s.handRecord(s.noRefresh)
	trace.Since("read record", t0)
	return s.app.planConfig(ctx, s.kernel, s.cfg, s.app.color(s.flags))
}

func (s *session) close() {
	var errs []error
	if s.kernel != nil {
		errs = append(errs, s.kernel.Close())
		s.kernel = nil
	}
	if s.lock != nil {
		errs = append(errs, s.lock.Release())
		s.lock = nil
	}
	if err := errors.Join(errs...); err != nil {
		fmt.Fprintf(s.app.stderr, "Warning: %v\n", err)
	}
}
