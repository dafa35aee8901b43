package linux

import (
	"errors"
	"fmt"

	"github.com/vishvananda/netlink"
)

// dumpAttempts bounds the retries of one dump. A dump is interrupted when the
// table changes under it (112 of 164 link dumps during a bulk create, see
// FIELD-NOTES), so a reader that gives up at once fails under load.
const dumpAttempts = 20

// dump runs a netlink dump until it completes without interruption.
func dump[T any](what string, f func() (T, error)) (T, error) {
	var (
		v   T
		err error
	)
	for range dumpAttempts {
		v, err = f()
		if !errors.Is(err, netlink.ErrDumpInterrupted) {
			if err != nil {
				return v, fmt.Errorf("%s: %w", what, err)
			}
			return v, nil
		}
	}
	return v, fmt.Errorf("%s: interrupted %d times in a row: %w", what, dumpAttempts, err)
}
