package model

import "net/netip"

// StepKind names one kernel operation. Each kind is small enough that the
// planner can repair exactly what drifted, and each has an inverse, so an
// applier can roll back by planning from the new State to the old one.
type StepKind string

const (
	// Host namespace.
	StepCreateBridge  StepKind = "create-bridge"   // Bridge: link, label, MTU, MAC, Addrs, up
	StepDeleteBridge  StepKind = "delete-bridge"   // Link
	StepSetBridge     StepKind = "set-bridge"      // Bridge: MTU, MAC, Up of an existing bridge
	StepAddBridgeAddr StepKind = "add-bridge-addr" // Link, Addr
	StepDelBridgeAddr StepKind = "del-bridge-addr" // Link, Addr
	StepSetSysctl     StepKind = "set-sysctl"      // Key, Value

	// Namespaces.
	StepCreateNetns StepKind = "create-netns" // Netns (Name, Owner): namespace, lo up, label
	StepDeleteNetns StepKind = "delete-netns" // Netns.Name; takes its veths with it
	StepSetLoUp     StepKind = "set-lo-up"    // Netns.Name

	// Attachments (Netns.Name names the namespace, Veth the pair).
	StepCreateVeth StepKind = "create-veth" // Veth complete: pair, label, master, hairpin, isolation, MAC, Addrs, up
	StepDeleteVeth StepKind = "delete-veth" // Veth.HostName
	StepSetVeth    StepKind = "set-veth"    // Veth: master, hairpin, isolation, MTU, MAC, Up, HostUp
	StepAddAddr    StepKind = "add-addr"    // Veth.Name, Addr
	StepDelAddr    StepKind = "del-addr"    // Veth.Name, Addr
	StepSetRoute   StepKind = "set-route"   // Gateway: replace the default route
	StepDelRoute   StepKind = "del-route"   // the default route

	// Firewall.
	StepSyncFirewall   StepKind = "sync-firewall"   // Firewall: replace the stack's table atomically
	StepDeleteFirewall StepKind = "delete-firewall" // Firewall.Table
	StepFlushConntrack StepKind = "flush-conntrack" // Ports: drop conntrack entries DNATed to these old targets
)

// Step is one kernel operation of a plan. Only the fields its Kind names are
// set. Steps with the same Phase do not depend on each other and may run in
// parallel; phases run in increasing order.
type Step struct {
	Kind     StepKind     `json:"kind"`
	Owner    string       `json:"owner"` // resource address the step belongs to
	Phase    int          `json:"phase"`
	Link     string       `json:"link,omitempty"`
	Addr     netip.Prefix `json:"addr,omitzero"`
	Gateway  netip.Addr   `json:"gateway,omitzero"`
	Key      string       `json:"key,omitempty"`
	Value    string       `json:"value,omitempty"`
	Bridge   *Bridge      `json:"bridge,omitempty"`
	Netns    *Netns       `json:"netns,omitempty"` // for veth, addr and route steps: the namespace (Name) they act in
	Veth     *Veth        `json:"veth,omitempty"`
	Firewall *Firewall    `json:"firewall,omitempty"`
	// Prior is the stack's table as observed, for sync-firewall: when its
	// chains and rules are the target's, a driver may send only the
	// elements that differ (one port of 1000) instead of the whole table.
	Prior *Firewall       `json:"prior,omitempty"`
	Ports []PublishedPort `json:"ports,omitempty"`
}
