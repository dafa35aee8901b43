package config

import (
	"fmt"
	"net/netip"
	"sync/atomic"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/netplan-dev/netplan/model"
)

var networkSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "driver"}, {Name: "bridge"}, {Name: "subnet"}, {Name: "gateway"},
		{Name: "mtu"}, {Name: "internal"}, {Name: "icc"}, {Name: "masquerade"},
	},
}

const (
	defaultMTU = 1500
	minMTU     = 68 // the IPv4 minimum (RFC 791)
	maxMTU     = 65535
	maxBits    = 30 // a /30 still holds a gateway and one container
)

// network is one network being decoded: the model plus what validation needs.
type network struct {
	model.Network
	block    *hcl.Block // nil for the built-in "bridge" when not declared
	builtin  bool
	declared bool
	used     atomic.Bool // some container attaches to it; set by parallel decoders
	// Parts that decoded cleanly; later checks skip the others so one
	// mistake yields one diagnostic.
	bridgeOK, subnetOK, gatewayOK, mtuOK bool
}

// networks holds the built-in "bridge" and every declared network.
type networks struct {
	byName map[string]*network
	list   []*network // the built-in first, then declaration order
}

// names lists every network a container may attach to, for "did you mean".
func (ns *networks) names() []string {
	out := []string{model.NetworkHost, model.NetworkNone}
	for _, n := range ns.list {
		out = append(out, n.Name)
	}
	return out
}

func (l *loader) loadNetworks(blocks []*hcl.Block) *networks {
	builtin := &network{
		Network: model.Network{
			Name:       model.NetworkBridge,
			Bridge:     model.DefaultBridgeName,
			Subnet:     model.DefaultBridgeSubnet,
			Gateway:    model.DefaultBridgeSubnet.Addr().Next(),
			MTU:        defaultMTU,
			ICC:        true,
			Masquerade: true,
		},
		builtin:  true,
		bridgeOK: true, subnetOK: true, gatewayOK: true, mtuOK: true,
	}
	ns := &networks{byName: map[string]*network{builtin.Name: builtin}, list: []*network{builtin}}
	for _, b := range blocks {
		name := b.Labels[0]
		switch {
		case name == model.NetworkHost || name == model.NetworkNone:
			l.errorf(b.LabelRanges[0], fmt.Sprintf("Cannot declare built-in network %q", name),
				"Network %q is built in and has no attributes. Remove this block; containers use it with network %q {}.", name, name)
			continue
		case nameProblem("network", name) != "":
			l.errorf(b.LabelRanges[0], "Invalid network name", "The %s.", nameProblem("network", name))
			continue
		}
		n := ns.byName[name]
		switch {
		case n != nil && (n.declared || !n.builtin):
			l.errorf(b.LabelRanges[0], fmt.Sprintf("Duplicate network %q", name),
				"Network %q is already declared at %s. Remove or rename one of them.", name, at(n.block.DefRange))
			continue
		case n == nil:
			n = &network{Network: model.Network{Name: name, Bridge: "np-" + name, MTU: defaultMTU, ICC: true, Masquerade: true}}
			ns.byName[name] = n
			ns.list = append(ns.list, n)
		}
		n.block, n.declared = b, true
		l.decodeNetwork(n, b)
	}
	return ns
}

// decodeNetwork evaluates a network block over the defaults already in n.
func (l *loader) decodeNetwork(n *network, b *hcl.Block) {
	addr := model.NetworkAddress(n.Name)
	l.cfg.Ranges[addr] = b.DefRange
	content, diags := bodyContent(b.Body, networkSchema)
	l.diags = append(l.diags, diags...)
	attrs := content.Attributes
	for name, a := range attrs {
		l.cfg.Ranges[addr+"."+name] = a.Range
	}
	ctx := l.baseCtx()

	if f := l.field(attrs, "driver", ctx, stringType); f.ok && f.val.AsString() != "bridge" {
		l.errorf(*f.exprRange(), "Unsupported network driver",
			"Driver %q is not supported; the only driver is \"bridge\" (the default): remove the attribute or set driver = \"bridge\".", f.val.AsString())
	}

	f := l.field(attrs, "bridge", ctx, stringType)
	n.Bridge = f.str(n.Bridge)
	switch {
	case f.failed:
		n.bridgeOK = false
	case f.ok:
		n.bridgeOK = l.checkIfname("bridge", n.Bridge, *f.exprRange(), "Choose a shorter bridge name.")
	default:
		n.bridgeOK = l.checkIfname("bridge", n.Bridge, b.LabelRanges[0],
			fmt.Sprintf("The default bridge name is \"np-\" followed by the network name; set bridge = \"...\" explicitly or shorten network %q.", n.Name))
	}

	f = l.field(attrs, "subnet", ctx, stringType)
	switch {
	case f.failed:
		n.subnetOK = false
	case f.ok:
		n.Subnet, n.subnetOK = l.parseSubnet(f)
	case n.builtin:
		n.subnetOK = true // the built-in default stays
	default:
		l.errorf(b.DefRange, "Missing subnet",
			"Network %q needs an IPv4 subnet: add subnet = \"172.18.0.0/16\" (any free private range).", n.Name)
	}

	f = l.field(attrs, "gateway", ctx, stringType)
	switch {
	case f.failed:
		n.gatewayOK = false
	case !n.subnetOK:
		n.gatewayOK = false // nothing to check it against; the subnet is already reported
	case f.ok:
		n.Gateway, n.gatewayOK = l.parseGateway(f, n.Subnet)
	default:
		n.Gateway, n.gatewayOK = n.Subnet.Addr().Next(), true
	}

	if f := l.field(attrs, "mtu", ctx, numberType); f.ok {
		n.mtuOK = false
		if v, ok := l.int(f); ok {
			n.MTU = v
			if n.mtuOK = v >= minMTU && v <= maxMTU; !n.mtuOK {
				l.errorf(*f.exprRange(), "Invalid MTU", "MTU %d is outside %d..%d; the usual value is 1500.", v, minMTU, maxMTU)
			}
		}
	} else {
		n.mtuOK = !f.failed
	}
	if f := l.field(attrs, "internal", ctx, boolType); f.ok {
		n.Internal = f.val.True()
	}
	if f := l.field(attrs, "icc", ctx, boolType); f.ok {
		n.ICC = f.val.True()
	}
	if f := l.field(attrs, "masquerade", ctx, boolType); f.ok {
		n.Masquerade = f.val.True()
	}
}

// parseSubnet checks an IPv4 CIDR: network address exact, room for hosts.
func (l *loader) parseSubnet(f field) (netip.Prefix, bool) {
	s := f.val.AsString()
	p, err := netip.ParsePrefix(s)
	switch {
	case err != nil:
		l.errorf(*f.exprRange(), "Invalid subnet", "%q is not an IPv4 CIDR (%s); write it like \"172.18.0.0/16\".", s, trimNetipErr(err))
	case !p.Addr().Is4():
		l.errorf(*f.exprRange(), "Invalid subnet", "%q is not an IPv4 prefix; only IPv4 is supported: write it like \"172.18.0.0/16\".", s)
	case p.Masked() != p:
		l.errorf(*f.exprRange(), "Subnet has host bits set",
			"%q has bits set after the /%d prefix. Did you mean %q?", s, p.Bits(), p.Masked().String())
	case p.Bits() > maxBits:
		l.errorf(*f.exprRange(), "Subnet too small",
			"%q leaves no room for a gateway and a container; use a /%d or larger prefix (a shorter length).", s, maxBits)
	default:
		return p, true
	}
	return netip.Prefix{}, false
}

func (l *loader) parseGateway(f field, subnet netip.Prefix) (netip.Addr, bool) {
	s := f.val.AsString()
	a, err := netip.ParseAddr(s)
	switch {
	case err != nil || !a.Is4():
		l.errorf(*f.exprRange(), "Invalid gateway", "%q is not an IPv4 address; write it like %q.", s, subnet.Addr().Next().String())
	case !subnet.Contains(a):
		l.errorf(*f.exprRange(), "Gateway outside subnet",
			"Gateway %s is not inside subnet %s; use an address of the subnet such as %s.", a, subnet, subnet.Addr().Next())
	case a == subnet.Addr() || a == model.Broadcast(subnet):
		l.errorf(*f.exprRange(), "Invalid gateway",
			"Gateway %s is the network or broadcast address of %s; use a host address such as %s.", a, subnet, subnet.Addr().Next())
	default:
		return a, true
	}
	return netip.Addr{}, false
}

// checkIfname reports a bad kernel link name (bridge or interface); hint
// says how to shorten one that is too long.
func (l *loader) checkIfname(kind, name string, rng hcl.Range, hint string) bool {
	p := ifnameProblem(kind, name)
	if p == "" {
		return true
	}
	if len(name) > maxIfnameLen {
		l.errorf(rng, capitalize(kind)+" name too long", "The %s. %s", p, hint)
	} else {
		l.errorf(rng, "Invalid "+kind+" name", "The %s.", p)
	}
	return false
}

// object is the value of `network` in container expressions:
// network.<name>.{bridge,subnet,gateway,mtu}; parts that failed are unknown.
func (ns *networks) object() cty.Value {
	m := map[string]cty.Value{}
	for _, n := range ns.list {
		v := map[string]cty.Value{
			"bridge":  cty.UnknownVal(cty.String),
			"subnet":  cty.UnknownVal(cty.String),
			"gateway": cty.UnknownVal(cty.String),
			"mtu":     cty.UnknownVal(cty.Number),
		}
		if n.bridgeOK {
			v["bridge"] = cty.StringVal(n.Bridge)
		}
		if n.subnetOK {
			v["subnet"] = cty.StringVal(n.Subnet.String())
		}
		if n.gatewayOK {
			v["gateway"] = cty.StringVal(n.Gateway.String())
		}
		if n.mtuOK {
			v["mtu"] = cty.NumberIntVal(int64(n.MTU))
		}
		m[n.Name] = cty.ObjectVal(v)
	}
	return cty.ObjectVal(m)
}
