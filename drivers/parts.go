package drivers

import "github.com/netplan-dev/netplan/model"

// Parts limits an observation to named objects, for verifying an apply
// whose steps touched only those: reading them costs what the change
// touched, not the size of the stack. See apply.PartsObserver.
type Parts struct {
	Bridges  []string // bridges, by link name
	HostEnds []string // veth host ends, by link name; joined to the namespaces below
	Netns    []string // namespaces, by name
	Firewall bool     // the stack's table
	// Elements, when not nil, narrows the read of the table to its chains,
	// rules and set declarations and, of its elements, to those Elements
	// names: set elements by their text, published ports by their map key
	// (protocol, host address, host port). The table read back holds those
	// of them the kernel has; the caller takes every other element from
	// what it observed before.
	Elements *model.Firewall
}
