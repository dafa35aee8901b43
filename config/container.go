package config

import (
	"fmt"
	"net"
	"net/netip"

	"github.com/hashicorp/hcl/v2"

	"github.com/netplan-dev/netplan/model"
)

var containerSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "netns"}},
	Blocks: []hcl.BlockHeaderSchema{
		{Type: "network", LabelNames: []string{"name"}},
		{Type: "publish"},
	},
}

var attachmentSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "interface"}, {Name: "ipv4_address"}, {Name: "mac_address"}},
}

// container is one container being decoded.
type container struct {
	model.Container
	block   *hcl.Block
	netnsOK bool
	// attachFailed: an attachment was dropped or the mode is in doubt, so
	// checks that need the full set of attachments are skipped.
	attachFailed bool
	ports        []*publishDecl
}

// admitContainer reports a container block whose name is invalid or taken
// by an earlier one; any other gets its container, registered by name and
// decoded later (decodeContainer).
func (l *loader) admitContainer(b *hcl.Block) *container {
	name := b.Labels[0]
	if p := nameProblem("container", name); p != "" {
		l.errorf(b.LabelRanges[0], "Invalid container name", "The %s.", p)
		return nil
	}
	if other := l.ctrByName[name]; other != nil {
		l.errorf(b.LabelRanges[0], fmt.Sprintf("Duplicate container %q", name),
			"Container %q is already declared at %s. Remove or rename one of them.", name, at(other.block.DefRange))
		return nil
	}
	c := &container{Container: model.Container{Name: name, Netns: name, Mode: model.ModeBridge}, block: b, netnsOK: true}
	l.ctrByName[name] = c
	return c
}

// decodeContainer fills an admitted container from its block. It reads the
// loader's networks and evaluation context and writes only c, l.diags and
// l.cfg.Ranges (and marks networks used), so loaders forked from one
// (see loadContainers) decode containers side by side.
func (l *loader) decodeContainer(c *container) {
	b := c.block
	addr := model.ContainerAddress(c.Name)
	l.cfg.Ranges[addr] = b.DefRange
	content, diags := bodyContent(b.Body, containerSchema)
	l.diags = append(l.diags, diags...)
	ctx := l.containerCtx()

	netnsField := l.field(content.Attributes, "netns", ctx, stringType)
	if netnsField.attr != nil {
		l.cfg.Ranges[addr+".netns"] = netnsField.attr.Range
	}
	switch {
	case netnsField.failed:
		c.netnsOK = false
	case netnsField.ok:
		c.Netns = netnsField.val.AsString()
		if p := netnsProblem(c.Netns); p != "" {
			l.errorf(*netnsField.exprRange(), "Invalid netns name", "The %s.", p)
			c.netnsOK = false
		}
	}

	var nets, pubs []*hcl.Block
	for _, nb := range content.Blocks {
		if nb.Type == "network" {
			nets = append(nets, nb)
		} else {
			pubs = append(pubs, nb)
		}
	}
	l.attachments(c, nets)
	if c.Mode == model.ModeHost {
		c.Netns = ""
		if netnsField.attr != nil {
			l.errorf(netnsField.attr.NameRange, "netns not allowed with network \"host\"",
				"A container on the host network shares the host's namespace; remove netns, or attach the container to a bridge network.")
		}
	}
	for i, pb := range pubs {
		if p := l.loadPublish(c, i, pb, ctx); p != nil {
			c.ports = append(c.ports, p)
		}
	}
	l.checkPublishTarget(c, pubs)
}

// attachments decodes the container's network blocks and sets its mode.
func (l *loader) attachments(c *container, blocks []*hcl.Block) {
	addr := model.ContainerAddress(c.Name)
	if len(blocks) == 0 {
		l.nets.byName[model.NetworkBridge].used.Store(true)
		c.Attachments = []model.Attachment{{Network: model.NetworkBridge, Interface: "eth0"}}
		return
	}
	var special *hcl.Block // the first host or none block
	seen := map[string]*hcl.Block{}
	ifaces := map[string]bool{}
	for i, nb := range blocks {
		netName := nb.Labels[0]
		if prev := seen[netName]; prev != nil {
			l.errorf(nb.LabelRanges[0], "Duplicate attachment",
				"Container %q is already attached to network %q at %s; a container joins a network once.", c.Name, netName, at(prev.DefRange))
			continue
		}
		seen[netName] = nb
		key := addr + ".network." + netName
		l.cfg.Ranges[key] = nb.DefRange
		content, diags := bodyContent(nb.Body, attachmentSchema)
		l.diags = append(l.diags, diags...)
		if netName == model.NetworkHost || netName == model.NetworkNone {
			for _, a := range sortedAttrs(content.Attributes) {
				l.errorf(a.NameRange, fmt.Sprintf("Attribute not allowed on network %q", netName),
					"Network %q has no interface of its own; remove %s, or use network %q {}.", netName, a.Name, netName)
			}
			if special == nil {
				special = nb
			}
			continue
		}
		n := l.nets.byName[netName]
		if n == nil {
			l.errorf(nb.LabelRanges[0], fmt.Sprintf("Unknown network %q", netName),
				"No network %q is declared.%s Declare it with a network %q { subnet = \"...\" } block, or use one of %s.",
				netName, didYouMean(netName, l.nets.names()), netName, quoteList(l.nets.names()))
			c.attachFailed = true
			continue
		}
		n.used.Store(true)
		for name, a := range content.Attributes {
			l.cfg.Ranges[key+"."+name] = a.Range
		}
		att := l.attachment(c, n, nb, i, content.Attributes, ifaces)
		c.Attachments = append(c.Attachments, att)
	}
	if special == nil {
		return
	}
	mode := model.ModeHost
	if special.Labels[0] == model.NetworkNone {
		mode = model.ModeNone
	}
	if len(blocks) > 1 {
		l.errorf(special.LabelRanges[0], fmt.Sprintf("Network %q combined with other networks", special.Labels[0]),
			"Container %q uses network %q, which excludes every other attachment; keep only that block, or only bridge networks.", c.Name, special.Labels[0])
		c.attachFailed = true
		return
	}
	c.Mode = mode
	c.Attachments = nil
}

// attachment decodes one bridge attachment; index i gives the default interface name.
func (l *loader) attachment(c *container, n *network, nb *hcl.Block, i int, attrs hcl.Attributes, ifaces map[string]bool) model.Attachment {
	ctx := l.containerCtx()
	att := model.Attachment{Network: n.Name, Interface: fmt.Sprintf("eth%d", i)}
	rng, check := nb.LabelRanges[0], true
	switch f := l.field(attrs, "interface", ctx, stringType); {
	case f.failed:
		check = false
	case f.ok:
		att.Interface, rng = f.val.AsString(), *f.exprRange()
		if att.Interface == "lo" {
			l.errorf(rng, "Invalid interface name", "\"lo\" is the namespace's loopback; choose another name such as \"eth%d\".", i)
			check = false
		} else {
			check = l.checkIfname("interface", att.Interface, rng, "Choose a shorter interface name such as \"eth0\".")
		}
	}
	// A default eth<i> can collide with a name given to another attachment.
	if check && ifaces[att.Interface] {
		l.errorf(rng, "Duplicate interface name",
			"Container %q already has an interface %q; give each attachment its own interface = \"...\".", c.Name, att.Interface)
	}
	ifaces[att.Interface] = true

	if f := l.field(attrs, "ipv4_address", ctx, stringType); f.ok {
		if a, ok := l.parseAddress(f, n); ok {
			att.Address, att.Static = a, true
		}
	}
	if f := l.field(attrs, "mac_address", ctx, stringType); f.ok {
		att.MAC, _ = l.parseMAC(f)
	}
	return att
}

// parseAddress checks a static address against its network.
func (l *loader) parseAddress(f field, n *network) (netip.Addr, bool) {
	s := f.val.AsString()
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is4() {
		l.errorf(*f.exprRange(), "Invalid IPv4 address", "%q is not an IPv4 address; write it like \"172.18.0.10\", or use cidrhost(network.%s.subnet, 10).", s, n.Name)
		return netip.Addr{}, false
	}
	if !n.subnetOK || !n.gatewayOK {
		return a, false // the network's own error is already reported
	}
	switch {
	case !n.Subnet.Contains(a):
		l.errorf(*f.exprRange(), "Address outside subnet",
			"%s is not inside subnet %s of network %q; use an address such as %s, or remove ipv4_address to allocate one.", a, n.Subnet, n.Name, hostExample(n))
	case a == n.Subnet.Addr():
		l.errorf(*f.exprRange(), "Address is the network address",
			"%s is the network address of %s; use a host address such as %s.", a, n.Subnet, hostExample(n))
	case a == model.Broadcast(n.Subnet):
		l.errorf(*f.exprRange(), "Address is the broadcast address",
			"%s is the broadcast address of %s; use a host address such as %s.", a, n.Subnet, hostExample(n))
	case a == n.Gateway:
		l.errorf(*f.exprRange(), "Address is the gateway",
			"%s is the gateway of network %q; use another address such as %s.", a, n.Name, hostExample(n))
	default:
		return a, true
	}
	return netip.Addr{}, false
}

// hostExample is a usable address of n to suggest in details.
func hostExample(n *network) netip.Addr {
	a := n.Subnet.Addr().Next()
	if a == n.Gateway {
		a = a.Next()
	}
	return a
}

// parseMAC accepts a unicast Ethernet address and returns it in lower case.
func (l *loader) parseMAC(f field) (string, bool) {
	s := f.val.AsString()
	hw, err := net.ParseMAC(s)
	switch {
	case err != nil || len(hw) != 6:
		l.errorf(*f.exprRange(), "Invalid MAC address", "%q is not an Ethernet address; write it like \"02:42:ac:12:00:0a\".", s)
	case hw[0]&1 == 1:
		l.errorf(*f.exprRange(), "Invalid MAC address",
			"%s is a multicast address (lowest bit of the first byte set); use a unicast one, for example starting with \"02:\".", hw)
	case hw.String() == "00:00:00:00:00:00":
		l.errorf(*f.exprRange(), "Invalid MAC address", "The all-zero address is not usable; remove mac_address to derive one from the IP address.")
	default:
		return hw.String(), true
	}
	return "", false
}
