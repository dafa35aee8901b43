package linux

import (
	"errors"
	"fmt"
	"slices"

	"github.com/google/nftables"
	"github.com/netplan-dev/netplan/firewall"
	"github.com/netplan-dev/netplan/model"
)

// updateElements brings the stack's table from prior (as observed) to fw by
// deleting and adding only the set and map elements that differ, in one
// atomic batch: adding one container to a stack of 1000 sends a few
// elements, not 2000. It applies only when prior has fw's table, chains and
// rules; updated is false when it did not apply, and the caller replaces
// the table. Should an element it deletes be gone already (the table is
// no longer what was observed), the kernel refuses the batch, nothing
// changes, and updated is false too. An element someone added since the
// observation stays; verification reads the table after the apply and
// reports it, and the next plan removes it.
func updateElements(c *nftables.Conn, fw, prior *model.Firewall) (updated bool, err error) {
	if prior == nil || prior.Table != fw.Table || !slices.Equal(prior.Rules, fw.Rules) {
		return false, nil
	}
	// Compare the canonical forms first and encode only what differs:
	// encoding every element of a large stack costs more than the batch.
	was, now := firewall.ElementsDelta(prior, fw)

	t := &nftables.Table{Name: fw.Table, Family: nftables.TableFamilyIPv4}
	queued := 0
	for _, line := range fw.Rules {
		l, err := firewall.ParseLine(line)
		if err != nil {
			return false, err
		}
		if l.Set == nil {
			continue
		}
		gone, err := setElements(*l.Set, was)
		if err != nil {
			return false, err
		}
		added, err := setElements(*l.Set, now)
		if err != nil {
			return false, err
		}
		if len(gone)+len(added) == 0 {
			continue
		}
		s, err := setFor(t, *l.Set)
		if err != nil {
			return false, err
		}
		// Deletions first: a changed map value is a delete and an add of the
		// same key, and an add over an existing key fails (FIELD-NOTES).
		if err := errors.Join(
			inChunks(gone, func(e []nftables.SetElement) error { return c.SetDeleteElements(s, e) }),
			inChunks(added, func(e []nftables.SetElement) error { return c.SetAddElements(s, e) }),
		); err != nil {
			return false, fmt.Errorf("set %s: %w", s.Name, err)
		}
		queued += len(gone) + len(added)
	}
	if queued == 0 {
		return false, nil // the difference is not in the elements
	}
	if err := c.Flush(); err != nil {
		dropLasting(c)
		return false, nil // not the table observed: replace it whole
	}
	return true, nil
}
