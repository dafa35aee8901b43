package model

import "net/netip"

// DefaultStack is the stack name used when a configuration does not set one.
const DefaultStack = "default"

// Names of the built-in networks, as in `docker network ls`.
const (
	NetworkBridge = "bridge" // the default network: bridge netplan0, 172.17.0.0/16
	NetworkHost   = "host"   // share the host's namespace: nothing is created
	NetworkNone   = "none"   // a namespace with only lo
)

// Defaults of the built-in "bridge" network.
var (
	DefaultBridgeName   = "netplan0"
	DefaultBridgeSubnet = netip.MustParsePrefix("172.17.0.0/16")
)

// Mode is how a container is networked.
type Mode string

const (
	ModeBridge Mode = "bridge" // one or more bridge attachments
	ModeNone   Mode = "none"   // own namespace, lo only
	ModeHost   Mode = "host"   // the host's namespace, nothing created
)

// Desired is a whole configuration after evaluation and validation: what the
// user asked for, in user terms. Networks and Containers are sorted by name.
type Desired struct {
	Stack      string
	Networks   []Network
	Containers []Container
}

// Network is a bridge network (user-declared or the built-in "bridge" when used).
type Network struct {
	Name       string
	Bridge     string       // kernel link name, at most 15 bytes
	Subnet     netip.Prefix // masked IPv4 prefix
	Gateway    netip.Addr
	MTU        int
	Internal   bool
	ICC        bool
	Masquerade bool
}

// Container is a network namespace with its attachments and published ports.
type Container struct {
	Name        string
	Netns       string // name under /run/netns; empty for ModeHost
	Mode        Mode
	Attachments []Attachment // ModeBridge only, in declaration order (eth0 first)
	Publish     []Port
}

// Attachment joins a container to a bridge network through a veth pair.
type Attachment struct {
	Network   string     // network name
	Interface string     // link name inside the namespace
	Address   netip.Addr // invalid until allocated when the user gave none
	Static    bool       // the user wrote ipv4_address
	MAC       string     // lower-case aa:bb:..; empty: derived from Address
}

// Port is one published port or port range (docker run -p).
type Port struct {
	HostIP        netip.Addr // unspecified (0.0.0.0): every local address
	HostPort      uint16     // first host port
	ContainerPort uint16     // first container port
	Count         uint16     // width of the range, 1 for a single port
	Protocol      string     // "tcp" or "udp"
}

// Network returns the network with the given name, or nil.
func (d *Desired) Network(name string) *Network {
	for i := range d.Networks {
		if d.Networks[i].Name == name {
			return &d.Networks[i]
		}
	}
	return nil
}
