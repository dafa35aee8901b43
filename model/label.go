package model

import "strings"

// Every object netplan creates carries a label (IFLA_IFALIAS on links, on lo
// for a namespace, rule userdata in nftables) of the form
//
//	netplan:<stack>:<owner>
//
// where owner is a resource address ("network.front", "container.web") and,
// for a veth's host end, the interface it pairs with ("container.web/eth0").
const labelPrefix = "netplan:"

// Label returns the ownership label for an object of stack owned by owner.
func Label(stack, owner string) string { return labelPrefix + stack + ":" + owner }

// ParseLabel splits a label; ok is false when it is not a netplan label.
func ParseLabel(label string) (stack, owner string, ok bool) {
	rest, found := strings.CutPrefix(label, labelPrefix)
	if !found {
		return "", "", false
	}
	stack, owner, ok = strings.Cut(rest, ":")
	return stack, owner, ok && stack != "" && owner != ""
}

// TableName is the name of a stack's nftables table (family ip).
func TableName(stack string) string { return "netplan-" + stack }

// Sysctl keys netplan manages.
const SysctlIPForward = "net.ipv4.ip_forward"

// SysctlRouteLocalnet is the per-bridge key that lets 127.0.0.1 DNAT leave through the bridge.
func SysctlRouteLocalnet(bridge string) string { return "net.ipv4.conf." + bridge + ".route_localnet" }
