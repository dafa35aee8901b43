package cli

import (
	"fmt"
	"os"
	"path/filepath"

	ucli "github.com/urfave/cli/v2"

	"github.com/netplan-dev/netplan/drivers"
	"github.com/netplan-dev/netplan/internal/lock"
	"github.com/netplan-dev/netplan/internal/trace"
)

// refreshFlag is Terraform's -refresh. By default a plan reads every
// container's namespace. With -refresh=false it takes what the last apply
// verified inside a namespace from the record that apply left, for each
// namespace the host shows unchanged (its mount, its veths and their
// carrier): the plan then costs what the change touches. The record cannot
// see addresses, routes, loopback, names or labels changed by hand inside
// a container; a plan without the flag does.
var refreshFlag = &ucli.BoolFlag{Name: "refresh", Value: true,
	Usage: "read inside every container; -refresh=false trusts what the last apply verified inside those the host shows unchanged"}

// recordPath is where the stack's record lives: beside its lock, on /run,
// which a reboot empties along with every namespace a record describes.
func (a *app) recordPath(stack string) string {
	dir := a.lockDir
	if dir == "" {
		dir = lock.DefaultDir
	}
	return filepath.Join(dir, stack+".record")
}

// handRecord hands the stack's record, if there is one, to the kernel for
// the observation that comes next: with -refresh=false to trust (see
// refreshFlag), otherwise to recall only what the kernel proves unchanged
// since (drivers.Recorder). Without one, or with one the kernel cannot use,
// that observation reads everything.
func (s *session) handRecord(trust bool) {
	r, ok := s.kernel.(drivers.Recorder)
	if !ok {
		return
	}
	b, err := os.ReadFile(s.app.recordPath(s.stack))
	if err == nil {
		if trust {
			err = r.Trust(b)
		} else {
			err = r.Recall(b)
		}
	}
	if err != nil {
		trace.Line("record not used: " + err.Error())
	}
}

// dropRecord removes the stack's record before a run changes the host: a
// run stopped half-way leaves none behind, and the next plan reads.
func (s *session) dropRecord() {
	if err := os.Remove(s.app.recordPath(s.stack)); err != nil && !os.IsNotExist(err) {
		fmt.Fprintf(s.app.stderr, "Warning: cannot remove %s: %v\n", s.app.recordPath(s.stack), err)
	}
}

// saveRecord writes what the kernel read and verified of the stack, under
// the stack's lock, after an apply that ended with the host as planned.
// Writing a new file and renaming it over the old one keeps a reader from
// ever seeing half a record.
func (s *session) saveRecord() {
	r, ok := s.kernel.(drivers.Recorder)
	if !ok || s.lock == nil {
		return
	}
	b, err := r.Record()
	path := s.app.recordPath(s.stack)
	if err == nil {
		err = os.WriteFile(path+".new", b, 0o600)
	}
	if err == nil {
		err = os.Rename(path+".new", path)
	}
	if err != nil {
		fmt.Fprintf(s.app.stderr, "Warning: cannot save the record of stack %q that -refresh=false uses: %v\n", s.stack, err)
	}
}
