package linux

import (
	"context"

	"github.com/netplan-dev/netplan/drivers"
	"github.com/netplan-dev/netplan/model"
)

// Kernel implements drivers.Kernel on the running Linux kernel.
type Kernel struct{}

var _ drivers.Kernel = (*Kernel)(nil)

// New opens the netlink and nftables handles a Kernel needs.
func New() (*Kernel, error) { panic("linux.New: not implemented yet") }

func (k *Kernel) Observe(ctx context.Context, q drivers.Query) (*drivers.Observation, error) {
	panic("not implemented yet")
}

func (k *Kernel) Do(ctx context.Context, step model.Step) error { panic("not implemented yet") }

func (k *Kernel) Close() error { return nil }
