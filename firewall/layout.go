package firewall

// The table's fixed shape, as data. Everything that varies with the
// configuration (bridges, flags, published ports) is an element of one of
// these sets or maps, so the rules below never change with the port count.

// Names of the sets and maps rules refer to.
const (
	SetBridges        = "bridges"          // every network's bridge
	SetMasqBridges    = "masq-bridges"     // non-internal networks with masquerade on
	SetInternal       = "internal-bridges" // internal networks: no way out
	SetSameNet        = "same-net"         // "br . br" of networks with icc on
	SetLoopbackPorts  = "loopback-ports"   // "127.0.0.1 . tcp . 8080" of ports bound to 127.0.0.0/8
	SetContainers     = "container-addrs"  // every container address on our bridges
	MapPortsIP        = "ports-ip"         // host ip . proto . port -> addr . port
	MapPortsAny       = "ports-any"        // proto . port -> addr . port (host_ip 0.0.0.0)
	policyAccept      = "accept"
	chainLinePrefix   = "chain "
	setLinePrefix     = "set "
	mapLinePrefix     = "map "
	declarationMarker = "type "
)

// SetSpec declares a named set (Data empty) or map. Key and Data are nft
// datatype names; more than one makes a concatenation.
type SetSpec struct {
	Name string
	Key  []string
	Data []string
}

// ChainSpec declares a base chain with policy accept: netplan never drops
// traffic it does not own by default, and never changes other tables' policies.
type ChainSpec struct {
	Name     string
	Type     string // filter or nat
	Hook     string // prerouting, input, forward, output, postrouting
	Priority int
	Rules    []string // canonical rule texts, in order
}

var (
	ifname  = []string{"ifname"}
	ipProto = []string{"ipv4_addr", "inet_proto", "inet_service"}
	target  = []string{"ipv4_addr", "inet_service"}
)

// Sets is every set and map of the table, in table order.
var Sets = []SetSpec{
	{Name: SetBridges, Key: ifname},
	{Name: SetMasqBridges, Key: ifname},
	{Name: SetInternal, Key: ifname},
	{Name: SetSameNet, Key: []string{"ifname", "ifname"}},
	{Name: SetLoopbackPorts, Key: ipProto},
	{Name: SetContainers, Key: []string{"ipv4_addr"}},
	{Name: MapPortsIP, Key: ipProto, Data: target},
	{Name: MapPortsAny, Key: []string{"inet_proto", "inet_service"}, Data: target},
}

// Chains is every chain of the table, in table order.
var Chains = []ChainSpec{
	{Name: "raw-prerouting", Type: "filter", Hook: "prerouting", Priority: -300, Rules: []string{
		// Our bridges have route_localnet on: nothing from a container may reach the host's loopback.
		"iifname @bridges ip daddr 127.0.0.0/8 drop",
		// moby#45610: other hosts must not reach ports bound to 127.0.0.1 by sending to it.
		"iifname != lo ip daddr . meta l4proto . th dport @loopback-ports drop",
	}},
	{Name: "nat-prerouting", Type: "nat", Hook: "prerouting", Priority: -100, Rules: dnatRules},
	{Name: "nat-output", Type: "nat", Hook: "output", Priority: -100, Rules: dnatRules},
	{Name: "nat-postrouting", Type: "nat", Hook: "postrouting", Priority: 100, Rules: []string{
		// host -> 127.0.0.1:port: the container cannot answer a loopback source.
		"ip saddr 127.0.0.0/8 oifname @bridges masquerade",
		// hairpin (a container reaching a published port, its own included) and
		// network -> published port of another network: replies must come back
		// through the host. Matched on the source, not iifname: when br_netfilter
		// bridges a DNATed frame back into its own bridge, postrouting has no input device.
		"ct status dnat ip saddr @container-addrs oifname @bridges masquerade",
		// containers -> the outside world.
		"iifname @masq-bridges oifname != @bridges masquerade",
	}},
	{Name: "filter-forward", Type: "filter", Hook: "forward", Priority: 0, Rules: []string{
		"oifname @bridges ct state established,related accept",
		// icc on: seen here only when br_netfilter hands bridged traffic to the ip hooks.
		"iifname . oifname @same-net accept",
		"iifname @internal-bridges drop",
		// published ports, from anywhere (including another network through a host address).
		"oifname @bridges ct status dnat accept",
		// networks are isolated from each other; icc off within one.
		"iifname @bridges oifname @bridges drop",
		// other hosts reach containers only through published ports, even with a route.
		"oifname @bridges drop",
	}},
}

// dnatRules count the connections they DNAT (the counter sits behind the
// map lookup, so it counts only matches): while the count is zero, no
// conntrack entry can hold one of the stack's DNATs, and a moved or removed
// published port needs no walk of the conntrack table.
var dnatRules = []string{
	"fib daddr type local ip daddr . meta l4proto . th dport @ports-ip counter dnat to ip daddr . meta l4proto . th dport map @ports-ip",
	"fib daddr type local meta l4proto . th dport @ports-any counter dnat to meta l4proto . th dport map @ports-any",
}

// DNATChains are the chains that hold dnatRules.
var DNATChains = []string{"nat-prerouting", "nat-output"}

// Layout returns the canonical lines of the whole table in table order: sets
// and maps, then each chain followed by its rules.
func Layout() []string {
	var lines []string
	for _, s := range Sets {
		lines = append(lines, s.Line())
	}
	for _, c := range Chains {
		lines = append(lines, c.Line())
		for _, r := range c.Rules {
			lines = append(lines, RuleLine(c.Name, r))
		}
	}
	return lines
}

// RuleCount is the number of rules of the layout, whatever the configuration.
func RuleCount() int {
	n := 0
	for _, c := range Chains {
		n += len(c.Rules)
	}
	return n
}
