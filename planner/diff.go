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
	t := target.Clone()
	return diffOwned(t, sortedKeys(t.Netns), observed, startObserved(observed))
}

// diffOwned is diff for a target no caller holds (Make's own: the plan
// keeps t itself), with the observed side already under way. tNetns is t's
// namespace names in order.
func diffOwned(t *model.State, tNetns []string, observed *model.State, side *observedSide) *Plan {
	// The target's view, alongside the steps: both only read t.
	tv := make(chan map[string]*resource, 1)
	go func() { tv <- newViewer().view(t, tNetns, side.resources(), side.state()) }()
	// The steps read the caller's observed State rather than the copy, so
	// they need not wait for it: every step copies what it takes from it.
	d := &differ{t: t, o: observed, newBridges: map[string]bool{}, tNetns: tNetns, oNetns: side.names()}
	d.bridges()
	d.sysctls()
	d.namespaces()
	d.firewall()
	sortSteps(d.steps)
	p := &Plan{
		Stack:    t.Stack,
		Steps:    d.steps,
		Target:   t,
		Observed: side.state(),
	}
	if p.Steps == nil {
		p.Steps = []model.Step{}
	}
	p.Changes = changes(<-tv, side.resources(), p.Steps)
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
	// tNetns and oNetns are the namespace names of t and o in order.
	tNetns, oNetns []string
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
		d.add(model.Step{Kind: model.StepDeleteFirewall, Owner: firewallAddress(of.Table), Phase: PhaseRemove, Firewall: &model.Firewall{Table: of.Table}})
	case tf != nil && !firewallEqual(tf, of):
		d.add(model.Step{Kind: model.StepSyncFirewall, Owner: firewallAddress(tf.Table), Phase: PhaseFirewall, Firewall: tf.Clone(), Prior: of.Clone()})
	}
	if of == nil || (tf != nil && samePorts(tf.Ports, of.Ports)) {
		return
	}
	// Connections DNATed to a target that changed or vanished would keep
	// going to the old one until they time out.
	want := wantedPorts(tf)
	stale := map[string][]model.PublishedPort{}
	for _, p := range of.Ports {
		w, ok := want(p)
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

// firewallEqual compares two tables as the kernel holds them: set elements
// and published ports in any order, an empty set like a missing one. It
// sorts copies only of what is out of order: the tables of a large stack
// come sorted, and copying them cost more than comparing.
func firewallEqual(a, b *model.Firewall) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Table == b.Table && slices.Equal(a.Rules, b.Rules) && len(a.Ports) == len(b.Ports) &&
		slices.Equal(sortedPorts(a.Ports), sortedPorts(b.Ports)) && setsEqual(a.Sets, b.Sets)
}

func setsEqual(a, b map[string][]string) bool {
	if nonEmptySets(a) != nonEmptySets(b) {
		return false
	}
	for name, elems := range a {
		if len(elems) > 0 && !slices.Equal(sortedStrings(elems), sortedStrings(b[name])) {
			return false
		}
	}
	return true
}

// nonEmptySets counts the sets with elements: an empty set and a missing one
// read back alike.
func nonEmptySets(m map[string][]string) int {
	n := 0
	for _, v := range m {
		if len(v) > 0 {
			n++
		}
	}
	return n
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
	// Each step's object is built once, not twice per comparison (5000
	// steps made about 120k strings), and the sort moves indices, not
	// 200-byte Steps. A stable sort of indices keeps ties in input order,
	// as sorting the steps themselves would.
	objs := make([]string, len(steps))
	idx := make([]int, len(steps))
	for i := range steps {
		objs[i], idx[i] = stepObject(steps[i]), i
	}
	slices.SortStableFunc(idx, func(i, j int) int {
		a, b := &steps[i], &steps[j]
		return cmp.Or(
			cmp.Compare(a.Phase, b.Phase),
			cmp.Compare(startLate(*a), startLate(*b)),
			cmp.Compare(a.Owner, b.Owner),
			cmp.Compare(a.Kind, b.Kind),
			cmp.Compare(objs[i], objs[j]),
		)
	})
	sorted := make([]model.Step, len(steps))
	for k, i := range idx {
		sorted[k] = steps[i]
	}
	copy(steps, sorted)
}

// startLate is 0 for steps that should start first in their phase: the
// bridge's teardown is the phase's longest, and the table's deletion leaves
// the kernel a grace period to wait out, which then passes meanwhile.
func startLate(s model.Step) int {
	if s.Kind == model.StepDeleteBridge || s.Kind == model.StepDeleteFirewall {
		return 0
	}
	return 1
}

// stepObject names what a step acts on, for ordering and messages.
func stepObject(s model.Step) string {
	var buf [96]byte
	return string(appendStepObject(buf[:0], &s))
}

// appendStepObject appends stepObject's words to b, one allocation at most:
// sortSteps calls stepObject twice per comparison.
func appendStepObject(b []byte, s *model.Step) []byte {
	start := len(b)
	part := func(b []byte, word string) []byte {
		if len(b) > start {
			b = append(b, ' ')
		}
		return append(b, word...)
	}
	if s.Netns != nil {
		b = append(part(b, "netns "), s.Netns.Name...)
	}
	if s.Veth != nil {
		b = append(part(b, "veth "), s.Veth.Name...)
	}
	if s.Link != "" {
		b = append(part(b, "link "), s.Link...)
	}
	if s.Addr.IsValid() {
		b = s.Addr.AppendTo(part(b, "addr "))
	}
	if s.Gateway.IsValid() {
		b = s.Gateway.AppendTo(part(b, "gateway "))
	}
	if s.Key != "" {
		b = part(b, s.Key)
	}
	if s.Firewall != nil {
		b = append(part(b, "table "), s.Firewall.Table...)
	}
	return b
}

// StepObject describes what a step acts on ("netns web veth eth0 addr
// 172.17.0.2/16"), for error messages and progress lines.
func StepObject(s model.Step) string { return stepObject(s) }
