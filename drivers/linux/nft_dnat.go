package linux

import (
	"fmt"

	"github.com/google/nftables"
	"github.com/google/nftables/expr"

	"github.com/netplan-dev/netplan/firewall"
)

// dnatCount sums the counters of the stack's DNAT rules (firewall.dnatRules):
// how many connections the table's published ports have DNATed since it was
// made, plus what it was made with (see replaceTable). found is false when
// the table does not exist.
//
// Conntrack entries carrying one of the stack's DNATs exist only if that
// count is above zero, and the count only grows: read after a change to the
// table has been committed, a zero means that no flow can still be bound to
// an old target, and the walk of the whole conntrack table (13 ms: the
// kernel visits each of its 262,144 buckets) can be skipped.
func dnatCount(c *nftables.Conn, table string) (n uint64, found bool, err error) {
	t, err := findTable(c, table)
	if err != nil || t == nil {
		return 0, false, err
	}
	n, err = tableDNATCount(c, t)
	return n, true, err
}

// tableDNATCount is dnatCount for a table already found.
func tableDNATCount(c *nftables.Conn, t *nftables.Table) (n uint64, err error) {
	for _, name := range firewall.DNATChains {
		rules, err := c.GetRules(t, &nftables.Chain{Name: name, Table: t})
		if err != nil {
			return 0, fmt.Errorf("read the DNAT counters of %s: %w", name, err)
		}
		for _, r := range rules {
			for _, e := range r.Exprs {
				if ctr, ok := e.(*expr.Counter); ok {
					n += ctr.Packets
				}
			}
		}
	}
	return n, nil
}

// startCounter sets the initial value of the first counter in exprs, and
// says whether there was one.
func startCounter(exprs []expr.Any, packets uint64) bool {
	for _, e := range exprs {
		if ctr, ok := e.(*expr.Counter); ok {
			ctr.Packets = packets
			return true
		}
	}
	return false
}

// conntrackNeedsWalk says whether the flush after a firewall change must
// walk the conntrack table: unless the stack's DNAT count is known to be
// zero, it must. The count comes from the table as it is now or, once a
// destroy deleted it, from the count the deletion read (k.deletedDNAT).
func (k *Kernel) conntrackNeedsWalk(table string) bool {
	n, found, err := dnatCount(k.nft, table)
	if err != nil {
		dropLasting(k.nft)
		return true
	}
	if !found {
		k.mu.Lock()
		defer k.mu.Unlock()
		n, found = k.deletedDNAT[table]
	}
	return !found || n > 0
}
