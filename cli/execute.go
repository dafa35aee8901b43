package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"syscall"

	"github.com/netplan-dev/netplan/apply"
)

// execute runs the plan with progress lines. SIGINT or SIGTERM cancels it,
// and the applier rolls back what it did; a second signal kills netplan the
// usual way for a user who will not wait.
func (s *session) execute(ctx context.Context, pl *planned, noRollback bool) (apply.Result, error) {
	a := s.app
	if err := s.preflight(ctx, pl); err != nil {
		return apply.Result{}, err
	}
	s.dropRecord()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	go func() {
		select {
		case sig := <-sigs:
			signal.Stop(sigs)
			fmt.Fprintf(a.stderr, "\n%s received: stopping; netplan undoes what this run changed. Send it again to quit at once.\n", sig)
			cancel()
		case <-ctx.Done():
		}
	}()

	pr := newProgress(a.stdout, pl.plan, a.now)
	res, err := apply.Apply(ctx, s.kernel, pl.plan, apply.Options{Query: pl.query, NoRollback: noRollback, Progress: pr.event, Workers: workers()})
	if err == nil {
		return res, nil
	}
	switch {
	case res.RolledBack:
		err = fmt.Errorf("%w\n\nnetplan rolled back: the host is as it was before this run", err)
	case errors.Is(err, apply.ErrNotConverged):
		err = fmt.Errorf("%w\n\nnothing was rolled back (every step succeeded); netplan plan shows what still differs", err)
	case noRollback:
		err = fmt.Errorf("%w\n\nWhat succeeded was kept (-no-rollback): netplan plan shows what is left to do", err)
	default:
		err = fmt.Errorf("%w\n\nthe rollback did not complete; run netplan plan to see the host's state", err)
	}
	return res, err
}

// workers is how many steps of a phase run at once: NETPLAN_WORKERS when
// set (a hidden knob for measuring), else the applier's default.
func workers() int {
	n, _ := strconv.Atoi(os.Getenv("NETPLAN_WORKERS"))
	return max(n, 0)
}
