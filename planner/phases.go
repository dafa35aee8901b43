package planner

// Phases of a plan. Steps of one phase never depend on each other, so the
// applier may run them in parallel; every phase depends only on earlier ones.
const (
	// Default routes first: deleting a veth or an address can take the route
	// with it, and a del-route racing that would fail.
	PhaseDelRoute = 1 + iota
	// What goes away or is replaced: namespaces (taking their veths), veths
	// and addresses of surviving namespaces, bridge addresses, bridges.
	// A bridge may go in the same phase as the veths enslaved to it: the
	// kernel releases the ports of a deleted bridge, and a veth deleted first
	// leaves the bridge. Deleting them together lets the bridge's teardown
	// (one port at a time, under the rtnl lock) overlap the namespaces' own
	// asynchronous teardown instead of queueing behind it: a 1000-container
	// destroy took 1.15 s one after the other and 0.43 s together.
	// The stack's table goes here too, when the stack goes: the kernel frees
	// a deleted table after an RCU grace period, and a netfilter socket
	// closed before that waits for it (nft_rcv_nl_event): 9.5 ms at the end
	// of a 100-container destroy when the table went last. Deleted with the
	// bridges, the grace period passes during their teardown. Nothing is
	// published any more once the table is gone, so its containers can go
	// with it.
	PhaseRemove
	// Bridges and their addresses.
	PhaseBridge
	// Sysctls: per-bridge keys exist only once the bridge does.
	PhaseSysctl
	// Namespaces and their lo.
	PhaseNetns
	// Veth pairs need their bridge and namespace.
	PhaseVeth
	// Addresses on existing veths.
	PhaseAddr
	// The default route needs its gateway reachable through an address.
	PhaseRoute
	// The stack's table, in one transaction, once every container it
	// publishes is in place.
	PhaseFirewall
	// Conntrack entries DNATed to old targets, once the table no longer makes new ones.
	PhaseConntrack
)

// PhaseDeleteBridge is PhaseRemove: see there why bridges go with the veths.
const PhaseDeleteBridge = PhaseRemove
