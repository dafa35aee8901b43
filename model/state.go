package model

import "net/netip"

// State is the kernel-level picture of one stack: every object the stack owns
// and every attribute netplan manages on it. The planner builds a target State
// from a Desired, a driver observes the live State, and the planner diffs the
// two. A State is also what a rollback returns to, so it must hold everything
// needed to recreate what it describes.
type State struct {
	Stack    string
	Bridges  map[string]*Bridge // by link name
	Netns    map[string]*Netns  // by namespace name
	Sysctls  map[string]string  // by key ("net.ipv4.ip_forward"); only keys the stack manages
	Firewall *Firewall          // the stack's nftables table; nil when absent
}

// NewState returns an empty State for a stack.
func NewState(stack string) *State {
	return &State{Stack: stack, Bridges: map[string]*Bridge{}, Netns: map[string]*Netns{}, Sysctls: map[string]string{}}
}

// Bridge is a network's bridge link in the host namespace.
type Bridge struct {
	Owner string // resource address, "network.front"; written into the link's label
	Name  string
	MTU   int
	MAC   string // lower-case colon form
	Up    bool
	Addrs []netip.Prefix // sorted; the gateway address with the subnet's prefix length
}

// Netns is a container's named network namespace and what lives inside it.
type Netns struct {
	Owner   string // resource address, "container.web"; written into lo's label
	Name    string
	LoUp    bool
	Veths   map[string]*Veth // by interface name inside the namespace
	Gateway netip.Addr       // default route; invalid when there is none
}

// Veth is one attachment: a veth pair whose host end is a port of a bridge and
// whose container end lives in the namespace under the attachment's name.
type Veth struct {
	Name     string // container end, inside the namespace ("eth0")
	HostName string // host end, in the host namespace
	Bridge   string // master of the host end
	Hairpin  bool   // hairpin mode on the bridge port
	Isolated bool   // bridge port isolation (icc = false)
	MTU      int
	MAC      string // container end, lower-case colon form
	Addrs    []netip.Prefix
	Up       bool // container end
	HostUp   bool // host end
}

// Firewall is the stack's one nftables table, described canonically: the
// table is compared through this description, never through rule bytecode.
type Firewall struct {
	Table string
	Rules []string            // canonical text of every chain and rule, in table order
	Sets  map[string][]string // set name -> sorted canonical elements
	Ports []PublishedPort     // elements of the published-port maps, sorted
}

// PublishedPort is one element of the published-port maps: traffic to
// HostIP:HostPort/Protocol is sent to Addr:Port.
type PublishedPort struct {
	Owner    string     // resource address of the container, "container.web"
	Protocol string     // "tcp" or "udp"
	HostIP   netip.Addr // unspecified: every local address
	HostPort uint16
	Addr     netip.Addr // container address
	Port     uint16
}
