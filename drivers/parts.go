package drivers

// Parts limits an observation to named objects, for verifying an apply
// whose steps touched only those: reading them costs what the change
// touched, not the size of the stack. See apply.PartsObserver.
type Parts struct {
	Bridges  []string // bridges, by link name
	HostEnds []string // veth host ends, by link name; joined to the namespaces below
	Netns    []string // namespaces, by name
	Firewall bool     // the stack's table
}
