package planner

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/netplan-dev/netplan/firewall"
	"github.com/netplan-dev/netplan/model"
)

// buildFirewall is firewall.Build; tests swap it through SetFirewallBuilder
// so the planner can be tested on its own.
var buildFirewall = firewall.Build

// SetFirewallBuilder makes Target describe the stack's table with f instead
// of firewall.Build and returns a function that restores the previous one.
// It exists for tests in other packages (apply, cli); it is not safe to call
// while another goroutine plans.
func SetFirewallBuilder(f func(*model.Desired) *model.Firewall) (restore func()) {
	old := buildFirewall
	buildFirewall = f
	return func() { buildFirewall = old }
}

func target(d *model.Desired, observed *model.State) (*model.State, error) {
	t, _, err := buildTarget(d, observed)
	return t, err
}

// buildTarget is target, with the names of its namespaces in order: they
// come in container order, which is nearly always theirs.
func buildTarget(d *model.Desired, observed *model.State) (*model.State, []string, error) {
	if observed == nil {
		observed = model.NewState(d.Stack)
	}
	dc := copyDesired(d)
	if err := model.Allocate(dc, liveAddrs(dc, observed)); err != nil {
		return nil, nil, err
	}
	t := model.NewState(dc.Stack)
	external := false
	for i := range dc.Networks {
		n := &dc.Networks[i]
		if _, dup := t.Bridges[n.Bridge]; dup {
			return nil, nil, fmt.Errorf("network %q: bridge %q is used by another network", n.Name, n.Bridge)
		}
		t.Bridges[n.Bridge] = &model.Bridge{
			Owner: model.NetworkAddress(n.Name),
			Name:  n.Bridge,
			MTU:   n.MTU,
			MAC:   model.BridgeMAC(dc.Stack, n.Name),
			Up:    true,
			Addrs: []netip.Prefix{netip.PrefixFrom(n.Gateway, n.Subnet.Bits())},
		}
		if !n.Internal {
			external = true
			// 127.0.0.1 DNAT must be allowed to leave through the bridge (FIELD-NOTES).
			t.Sysctls[model.SysctlRouteLocalnet(n.Bridge)] = "1"
		}
	}
	if external {
		t.Sysctls[model.SysctlIPForward] = "1"
	}
	names := make([]string, 0, len(dc.Containers))
	for i := range dc.Containers {
		c := &dc.Containers[i]
		if c.Mode != model.ModeBridge && c.Mode != model.ModeNone {
			continue // host mode: the host's namespace, nothing to create
		}
		if other, dup := t.Netns[c.Netns]; dup {
			return nil, nil, fmt.Errorf("container %q: namespace %q is used by %s", c.Name, c.Netns, other.Owner)
		}
		ns, err := containerNetns(dc, c)
		if err != nil {
			return nil, nil, err
		}
		t.Netns[c.Netns] = ns
		names = append(names, c.Netns)
	}
	if !slices.IsSorted(names) {
		slices.Sort(names)
	}
	t.Firewall = buildFirewall(dc)
	return t, names, nil
}

func containerNetns(d *model.Desired, c *model.Container) (*model.Netns, error) {
	ns := &model.Netns{Owner: model.ContainerAddress(c.Name), Name: c.Netns, LoUp: true, Veths: map[string]*model.Veth{}}
	if c.Mode != model.ModeBridge {
		return ns, nil
	}
	for _, a := range c.Attachments {
		n := d.Network(a.Network)
		if n == nil {
			return nil, fmt.Errorf("container %q: unknown network %q", c.Name, a.Network)
		}
		if _, dup := ns.Veths[a.Interface]; dup {
			return nil, fmt.Errorf("container %q: interface %q used twice", c.Name, a.Interface)
		}
		mac := a.MAC
		if mac == "" {
			mac = model.MACFromAddr(a.Address)
		}
		ns.Veths[a.Interface] = &model.Veth{
			Name:     a.Interface,
			HostName: model.HostVethName(d.Stack, c.Name, a.Interface),
			Bridge:   n.Bridge,
			Hairpin:  true,
			Isolated: !n.ICC,
			MTU:      n.MTU,
			MAC:      strings.ToLower(mac),
			Addrs:    []netip.Prefix{netip.PrefixFrom(a.Address, n.Subnet.Bits())},
			Up:       true,
			HostUp:   true,
		}
		if !ns.Gateway.IsValid() && !n.Internal {
			ns.Gateway = n.Gateway
		}
	}
	return ns, nil
}

// liveAddrs finds the address each container holds on each network now, so
// Allocate keeps it (issue #3: addresses stay stable across applies). A
// veth's network is the one whose bridge it is enslaved to, by the target's
// naming first, else by the observed bridge's owner label.
func liveAddrs(d *model.Desired, observed *model.State) map[model.AttachmentKey]netip.Addr {
	byBridge := map[string]*model.Network{}
	for i := range d.Networks {
		byBridge[d.Networks[i].Bridge] = &d.Networks[i]
	}
	live := make(map[model.AttachmentKey]netip.Addr, len(observed.Netns))
	for _, ns := range observed.Netns {
		container, ok := strings.CutPrefix(ns.Owner, "container.")
		if !ok {
			continue
		}
		for _, v := range ns.Veths {
			n := byBridge[v.Bridge]
			if n == nil {
				if b := observed.Bridges[v.Bridge]; b != nil {
					if name, ok := strings.CutPrefix(b.Owner, "network."); ok {
						n = d.Network(name)
					}
				}
			}
			if n == nil || len(v.Addrs) == 0 {
				continue
			}
			addrs := sortedPrefixes(v.Addrs)
			pick := addrs[0].Addr()
			for _, p := range addrs {
				if n.Subnet.Contains(p.Addr()) {
					pick = p.Addr()
					break
				}
			}
			live[model.AttachmentKey{Container: container, Network: n.Name}] = pick
		}
	}
	return live
}

// copyDesired deep-copies d so allocation never writes into the caller's value.
func copyDesired(d *model.Desired) *model.Desired {
	c := &model.Desired{Stack: d.Stack, Networks: slices.Clone(d.Networks), Containers: slices.Clone(d.Containers)}
	// Two arrays for every container's attachments and ports rather than two
	// per container; each container gets a slice whose capacity ends where
	// its elements do, so an append never reaches the next one's.
	var na, np int
	for _, x := range d.Containers {
		na += len(x.Attachments)
		np += len(x.Publish)
	}
	atts := make([]model.Attachment, 0, na)
	ports := make([]model.Port, 0, np)
	for i := range c.Containers {
		x := &c.Containers[i]
		if x.Attachments != nil {
			atts = append(atts, x.Attachments...)
			x.Attachments = atts[len(atts)-len(x.Attachments) : len(atts) : len(atts)]
		}
		if x.Publish != nil {
			ports = append(ports, x.Publish...)
			x.Publish = ports[len(ports)-len(x.Publish) : len(ports) : len(ports)]
		}
	}
	// Allocation serves containers in name order; do not rely on the caller.
	slices.SortStableFunc(c.Networks, func(a, b model.Network) int { return strings.Compare(a.Name, b.Name) })
	slices.SortStableFunc(c.Containers, func(a, b model.Container) int { return strings.Compare(a.Name, b.Name) })
	return c
}
