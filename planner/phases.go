package planner

// Phases of a plan. Steps of one phase never depend on each other, so the
// applier may run them in parallel; every phase depends only on earlier ones.
const (
	// Default routes first: deleting a veth or an address can take the route
	// with it, and a del-route racing that would fail.
	PhaseDelRoute = 1 + iota
	// What goes away or is replaced: namespaces (taking their veths), veths
	// and addresses of surviving namespaces, bridge addresses.
	PhaseRemove
	// Bridges after the veths enslaved to them.
	PhaseDeleteBridge
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
	// The stack's table, in one transaction.
	PhaseFirewall
	// Conntrack entries DNATed to old targets, once the table no longer makes new ones.
	PhaseConntrack
)
