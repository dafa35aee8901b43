package config

import (
	"fmt"
	"net/netip"

	"github.com/hashicorp/hcl/v2"

	"github.com/netplan-dev/netplan/model"
)

// active lists the networks that will exist: every declared one, and the
// built-in "bridge" when declared or used. The built-in comes first so a
// clash with it is reported on the user's network, which has a source line.
func (ns *networks) active() []*network {
	var out []*network
	for _, n := range ns.list {
		if n.declared || n.used.Load() {
			out = append(out, n)
		}
	}
	return out
}

// validate runs the checks that span resources, skipping parts that failed
// to decode so one mistake is reported once.
func (l *loader) validate() {
	l.checkNetworkClashes()
	l.checkNetnsClashes()
	l.checkAddressClashes()
	l.checkPortClashes()
}

func (l *loader) checkNetworkClashes() {
	nets := l.nets.active()
	for i, n := range nets {
		addr := model.NetworkAddress(n.Name)
		for _, o := range nets[:i] {
			if n.bridgeOK && o.bridgeOK && n.Bridge == o.Bridge {
				l.errorf(l.subject(addr+".bridge", addr), "Duplicate bridge name",
					"Networks %q and %q both use bridge %q; set a different bridge = \"...\" on one of them.", o.Name, n.Name, n.Bridge)
			}
			if n.subnetOK && o.subnetOK && n.Subnet.Overlaps(o.Subnet) {
				l.errorf(l.subject(addr+".subnet", addr), "Overlapping subnets",
					"Subnet %s of network %q overlaps subnet %s of network %q%s; choose a range that does not overlap.",
					n.Subnet, n.Name, o.Subnet, o.Name, l.where(model.NetworkAddress(o.Name)+".subnet"))
			}
		}
	}
}

func (l *loader) checkNetnsClashes() {
	owner := make(map[string]string, len(l.ctrs))
	for _, c := range l.ctrs {
		if c.Mode == model.ModeHost || !c.netnsOK {
			continue
		}
		addr := model.ContainerAddress(c.Name)
		if prev, ok := owner[c.Netns]; ok {
			l.errorf(l.subject(addr+".netns", addr), "Duplicate netns name",
				"Containers %q and %q both use namespace %q; give one of them another netns = \"...\".", prev, c.Name, c.Netns)
			continue
		}
		owner[c.Netns] = c.Name
	}
}

// checkAddressClashes reports a static IPv4 or MAC address given twice on one network.
func (l *loader) checkAddressClashes() {
	type key struct{ network, value string }
	seen := map[key]string{}
	for _, c := range l.ctrs {
		for _, a := range c.Attachments {
			// Built only for a diagnostic: most attachments have no clash.
			at := func() string { return model.ContainerAddress(c.Name) + ".network." + a.Network }
			if a.Static {
				k := key{a.Network, a.Address.String()}
				if prev, ok := seen[k]; ok {
					l.errorf(l.subject(at()+".ipv4_address", at()), "Duplicate IPv4 address",
						"%s on network %q is already given to container %q; remove ipv4_address to allocate a free one, or choose another.", a.Address, a.Network, prev)
				} else {
					seen[k] = c.Name
				}
			}
			if a.MAC != "" {
				k := key{a.Network, "mac " + a.MAC}
				if prev, ok := seen[k]; ok {
					l.errorf(l.subject(at()+".mac_address", at()), "Duplicate MAC address",
						"%s on network %q is already given to container %q; remove mac_address to derive one from the address, or choose another.", a.MAC, a.Network, prev)
				} else {
					seen[k] = c.Name
				}
			}
		}
	}
}

// checkPortClashes reports two publishes that would claim the same host
// address, protocol and port: 0.0.0.0 claims every address, ranges overlap.
func (l *loader) checkPortClashes() {
	type claim struct {
		*publishDecl
		container string
	}
	type slot struct {
		protocol string
		port     int
	}
	var claims []claim
	// Claims by each host port they cover, so a stack of a thousand ports
	// checks each against the few that share its port, not against all.
	at := make(map[slot][]int, len(l.ctrs))
	for _, c := range l.ctrs {
		for _, p := range c.ports {
			cur := p.port
			first := -1 // the earliest clashing claim, as a scan in order finds it
			for port := int(cur.HostPort); port <= int(cur.HostPort)+int(cur.Count)-1; port++ {
				for _, i := range at[slot{cur.Protocol, port}] {
					if (first < 0 || i < first) && ipsOverlap(claims[i].port.HostIP, cur.HostIP) {
						first = i
					}
				}
			}
			if first >= 0 {
				o := claims[first]
				l.errorf(l.subject(p.addr+".host_port", p.addr), "Host port already published",
					"%s is already published by container %q%s; choose another host_port or host_ip.",
					describePort(cur), o.container, l.where(o.addr))
			}
			for port := int(cur.HostPort); port <= int(cur.HostPort)+int(cur.Count)-1; port++ {
				at[slot{cur.Protocol, port}] = append(at[slot{cur.Protocol, port}], len(claims))
			}
			claims = append(claims, claim{p, c.Name})
		}
	}
}

func ipsOverlap(a, b netip.Addr) bool { return a == b || a.IsUnspecified() || b.IsUnspecified() }

func describePort(p model.Port) string {
	ports := fmt.Sprint(p.HostPort)
	if p.Count > 1 {
		ports = fmt.Sprintf("%d-%d", p.HostPort, int(p.HostPort)+int(p.Count)-1)
	}
	return fmt.Sprintf("%s:%s/%s", p.HostIP, ports, p.Protocol)
}

// allocate gives dynamic attachments their addresses; an exhausted subnet
// is reported on the first attachment left without one.
func (l *loader) allocate(d *model.Desired) {
	err := model.Allocate(d, nil)
	if err == nil {
		return
	}
	for _, c := range d.Containers {
		for _, a := range c.Attachments {
			if a.Address.IsValid() {
				continue
			}
			n := d.Network(a.Network)
			at := model.ContainerAddress(c.Name)
			l.errorf(l.subject(at+".network."+a.Network, at), fmt.Sprintf("No free address in network %q", a.Network),
				"Subnet %s has no free address left for container %q (containers are served in name order, after static addresses); use a larger subnet or fewer containers.",
				n.Subnet, c.Name)
			return
		}
	}
	l.diags = append(l.diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Address allocation failed", Detail: err.Error()})
}
