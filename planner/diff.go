package planner

import (
	"cmp"
	"maps"
	"slices"
	"strings"

	"github.com/netplan-dev/netplan/model"
)

func diff(target, observed *model.State) *Plan {
	if observed == nil {
		observed = model.NewState(target.Stack)
	}
	t, o := target.Clone(), observed.Clone()
	d := &differ{t: t, o: o, newBridges: map[string]bool{}}
	d.bridges()
	d.sysctls()
	d.namespaces()
	d.firewall()
	sortSteps(d.steps)
	p := &Plan{
		Stack:       t.Stack,
		Steps:       d.steps,
		Target:      t,
		Observed:    o,
		Fingerprint: fingerprint(o),
	}
	if p.Steps == nil {
		p.Steps = []model.Step{}
	}
	p.Changes = changes(t, o, p.Steps)
	return p
}

// differ collects the steps from o to t.
type differ struct {
	t, o  *model.State
	steps []model.Step
	// newBridges are created by this plan: their ports and per-link sysctls
	// start from kernel defaults whatever o says about a former bridge of
	// the same name.
	newBridges map[string]bool
}

func (d *differ) add(s model.Step) { d.steps = append(d.steps, s) }

func (d *differ) bridges() {
	for _, name := range sortedKeys(d.t.Bridges) {
		tb, ob := d.t.Bridges[name], d.o.Bridges[name]
		if ob != nil && ob.Owner != tb.Owner {
			// Another network now wants this bridge name: replace the link.
			d.add(model.Step{Kind: model.StepDeleteBridge, Owner: ob.Owner, Phase: PhaseDeleteBridge, Link: name})
			ob = nil
		}
		if ob == nil {
			d.add(model.Step{Kind: model.StepCreateBridge, Owner: tb.Owner, Phase: PhaseBridge, Link: name, Bridge: tb.Clone()})
			d.newBridges[name] = true
			continue
		}
		if ob.MTU != tb.MTU || ob.MAC != tb.MAC || ob.Up != tb.Up {
			d.add(model.Step{Kind: model.StepSetBridge, Owner: tb.Owner, Phase: PhaseBridge, Link: name, Bridge: tb.Clone()})
		}
		for _, a := range tb.Addrs {
			if !slices.Contains(ob.Addrs, a) {
				d.add(model.Step{Kind: model.StepAddBridgeAddr, Owner: tb.Owner, Phase: PhaseBridge, Link: name, Addr: a})
			}
		}
		for _, a := range ob.Addrs {
			if !slices.Contains(tb.Addrs, a) {
				d.add(model.Step{Kind: model.StepDelBridgeAddr, Owner: tb.Owner, Phase: PhaseRemove, Link: name, Addr: a})
			}
		}
	}
	for _, name := range sortedKeys(d.o.Bridges) {
		if d.t.Bridges[name] == nil {
			d.add(model.Step{Kind: model.StepDeleteBridge, Owner: d.o.Bridges[name].Owner, Phase: PhaseDeleteBridge, Link: name})
		}
	}
}

// sysctls sets the keys target names whose live value differs; keys only
// observed are left alone (destroy does not reset ip_forward).
func (d *differ) sysctls() {
	for _, key := range sortedKeys(d.t.Sysctls) {
		want := d.t.Sysctls[key]
		have, ok := d.o.Sysctls[key]
		if ok && have == want && !d.onNewBridge(key) {
			continue
		}
		d.add(model.Step{Kind: model.StepSetSysctl, Owner: sysctlAddress(key), Phase: PhaseSysctl, Key: key, Value: want})
	}
}

func (d *differ) onNewBridge(key string) bool {
	rest, ok := strings.CutPrefix(key, "net.ipv4.conf.")
	if !ok {
		return false
	}
	for b := range d.newBridges {
		if strings.HasPrefix(rest, b+".") {
			return true
		}
	}
	return false
}

func (d *differ) firewall() {
	tf, of := d.t.Firewall, d.o.Firewall
	switch {
	case tf == nil && of != nil:
		d.add(model.Step{Kind: model.StepDeleteFirewall, Owner: firewallAddress(of.Table), Phase: PhaseFirewall, Firewall: &model.Firewall{Table: of.Table}})
	case tf != nil && !firewallEqual(tf, of):
		d.add(model.Step{Kind: model.StepSyncFirewall, Owner: firewallAddress(tf.Table), Phase: PhaseFirewall, Firewall: tf.Clone()})
	}
	if of == nil {
		return
	}
	// Connections DNATed to a target that changed or vanished would keep
	// going to the old one until they time out.
	type key struct {
		proto string
		ip    string
		port  uint16
	}
	want := map[key]model.PublishedPort{}
	if tf != nil {
		for _, p := range tf.Ports {
			want[key{p.Protocol, p.HostIP.String(), p.HostPort}] = p
		}
	}
	stale := map[string][]model.PublishedPort{}
	for _, p := range of.Ports {
		w, ok := want[key{p.Protocol, p.HostIP.String(), p.HostPort}]
		if !ok || w.Addr != p.Addr || w.Port != p.Port {
			stale[p.Owner] = append(stale[p.Owner], p)
		}
	}
	if len(stale) == 0 {
		return
	}
	// One step for every stale port: each flush is a dump of the whole
	// conntrack table (about 13 ms even when empty), so one per container
	// made destroying 100 containers take over a second. The step belongs
	// to the container when only one is concerned, else to the firewall.
	owners := sortedKeys(stale)
	owner := owners[0]
	if len(owners) > 1 {
		owner = firewallAddress(of.Table)
	}
	var ports []model.PublishedPort
	for _, o := range owners {
		ports = append(ports, stale[o]...)
	}
	slices.SortFunc(ports, comparePort)
	d.add(model.Step{Kind: model.StepFlushConntrack, Owner: owner, Phase: PhaseConntrack, Ports: ports})
}

func firewallEqual(a, b *model.Firewall) bool {
	if a == nil || b == nil {
		return a == b
	}
	a, b = canonicalFirewall(a), canonicalFirewall(b)
	return a.Table == b.Table && slices.Equal(a.Rules, b.Rules) && slices.Equal(a.Ports, b.Ports) &&
		maps.EqualFunc(nonEmpty(a.Sets), nonEmpty(b.Sets), slices.Equal)
}

func canonicalFirewall(f *model.Firewall) *model.Firewall {
	c := f.Clone()
	for _, v := range c.Sets {
		slices.Sort(v)
	}
	slices.SortFunc(c.Ports, comparePort)
	return c
}

// nonEmpty drops empty sets: an empty set and a missing one read back alike.
func nonEmpty(m map[string][]string) map[string][]string {
	out := map[string][]string{}
	for k, v := range m {
		if len(v) > 0 {
			out[k] = v
		}
	}
	return out
}

func sysctlAddress(key string) string     { return "sysctl." + key }
func firewallAddress(table string) string { return "firewall." + table }

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

// sortSteps orders steps by phase, then by resource and object, so the same
// inputs always give the same plan. Within a phase, bridge deletions come
// first: they are the longest steps (the kernel releases ports one at a
// time), and the applier starts a phase's steps in order.
func sortSteps(steps []model.Step) {
	slices.SortStableFunc(steps, func(a, b model.Step) int {
		return cmp.Or(
			cmp.Compare(a.Phase, b.Phase),
			cmp.Compare(startLate(a), startLate(b)),
			cmp.Compare(a.Owner, b.Owner),
			cmp.Compare(a.Kind, b.Kind),
			cmp.Compare(stepObject(a), stepObject(b)),
		)
	})
}

// startLate is 0 for steps that should start first in their phase.
func startLate(s model.Step) int {
	if s.Kind == model.StepDeleteBridge {
		return 0
	}
	return 1
}

// stepObject names what a step acts on, for ordering and messages.
func stepObject(s model.Step) string {
	var parts []string
	if s.Netns != nil {
		parts = append(parts, "netns "+s.Netns.Name)
	}
	if s.Veth != nil {
		parts = append(parts, "veth "+s.Veth.Name)
	}
	if s.Link != "" {
		parts = append(parts, "link "+s.Link)
	}
	if s.Addr.IsValid() {
		parts = append(parts, "addr "+s.Addr.String())
	}
	if s.Gateway.IsValid() {
		parts = append(parts, "gateway "+s.Gateway.String())
	}
	if s.Key != "" {
		parts = append(parts, s.Key)
	}
	if s.Firewall != nil {
		parts = append(parts, "table "+s.Firewall.Table)
	}
	return strings.Join(parts, " ")
}

// StepObject describes what a step acts on ("netns web veth eth0 addr
// 172.17.0.2/16"), for error messages and progress lines.
func StepObject(s model.Step) string { return stepObject(s) }
