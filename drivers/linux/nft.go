package linux

import "github.com/netplan-dev/netplan/model"

// The stack's nftables table. These are the entry points the rest of the
// driver calls; they are replaced by the real implementation.

// observeFirewall reads the stack's table. fw is nil when the table does not
// exist; foreign is true when a table with that name exists but is not the stack's.
func observeFirewall(stack string) (fw *model.Firewall, foreign bool, err error) {
	panic("observeFirewall: not implemented yet")
}

// syncFirewall replaces the stack's table with fw in one atomic transaction.
func syncFirewall(fw *model.Firewall) error { panic("syncFirewall: not implemented yet") }

// deleteFirewall deletes the stack's table if it exists.
func deleteFirewall(table string) error { panic("deleteFirewall: not implemented yet") }

// flushConntrack deletes conntrack entries DNATed to the given old targets.
func flushConntrack(ports []model.PublishedPort) error { panic("flushConntrack: not implemented yet") }
