package planner

import (
	"net/netip"
	"slices"

	"github.com/netplan-dev/netplan/model"
)

func (d *differ) namespaces() {
	d.reserveNetns()
	for _, name := range d.tNetns {
		tn, on := d.t.Netns[name], d.o.Netns[name]
		if on != nil && on.Owner != tn.Owner {
			// Another container now wants this namespace name.
			d.add(model.Step{Kind: model.StepDeleteNetns, Owner: on.Owner, Phase: PhaseRemove, Netns: nsRef(on)})
			on = nil
		}
		if on == nil {
			d.createNetns(tn)
			continue
		}
		d.repairNetns(tn, on)
	}
	for _, name := range d.oNetns {
		if d.t.Netns[name] == nil {
			on := d.o.Netns[name]
			d.add(model.Step{Kind: model.StepDeleteNetns, Owner: on.Owner, Phase: PhaseRemove, Netns: nsRef(on)})
		}
	}
}

// reserveNetns makes room for the steps of the namespaces to create and
// delete, known in advance: a plan of 1000 new containers spent a fifth of
// its time growing the step slice (a Step is a few hundred bytes).
func (d *differ) reserveNetns() {
	n := 0
	for _, name := range d.tNetns {
		if tn := d.t.Netns[name]; d.o.Netns[name] == nil {
			n += 2 + len(tn.Veths) // namespace, veths, route
		}
	}
	for _, name := range d.oNetns {
		if d.t.Netns[name] == nil {
			n++
		}
	}
	d.steps = slices.Grow(d.steps, n)
}

func (d *differ) createNetns(tn *model.Netns) {
	d.add(model.Step{Kind: model.StepCreateNetns, Owner: tn.Owner, Phase: PhaseNetns, Netns: nsRef(tn)})
	var buf [4]string
	for _, iface := range appendSortedKeys(buf[:0], tn.Veths) {
		d.add(model.Step{Kind: model.StepCreateVeth, Owner: tn.Owner, Phase: PhaseVeth, Netns: nsRef(tn), Veth: tn.Veths[iface].Clone()})
	}
	if tn.Gateway.IsValid() {
		d.add(model.Step{Kind: model.StepSetRoute, Owner: tn.Owner, Phase: PhaseRoute, Netns: nsRef(tn), Gateway: tn.Gateway})
	}
}

// repairNetns plans the smallest change that turns on into tn.
func (d *differ) repairNetns(tn, on *model.Netns) {
	// Every step of the namespace names it; made on the first one, as most
	// namespaces of a large stack need none.
	var shared *model.Netns
	ref := func() *model.Netns {
		if shared == nil {
			shared = nsRef(tn)
		}
		return shared
	}
	if !on.LoUp {
		d.add(model.Step{Kind: model.StepSetLoUp, Owner: tn.Owner, Phase: PhaseNetns, Netns: ref()})
	}
	// routeLost: the kernel drops a route whose gateway becomes unreachable,
	// so when what carries the default route goes away or was down, the
	// route is set again even though its gateway stays the same.
	routeLost := false
	var buf [4]string
	for _, iface := range appendSortedKeys(buf[:0], tn.Veths) {
		tv, ov := tn.Veths[iface], on.Veths[iface]
		if ov != nil && ov.HostName != tv.HostName {
			// A container end whose host end is gone or another: replace the pair.
			d.add(model.Step{Kind: model.StepDeleteVeth, Owner: tn.Owner, Phase: PhaseRemove, Netns: ref(), Veth: ov.Clone()})
			routeLost = routeLost || carries(ov, on.Gateway)
			ov = nil
		}
		if ov == nil {
			d.add(model.Step{Kind: model.StepCreateVeth, Owner: tn.Owner, Phase: PhaseVeth, Netns: ref(), Veth: tv.Clone()})
			continue
		}
		if vethDiffers(tv, ov) || d.newBridges[tv.Bridge] {
			d.add(model.Step{Kind: model.StepSetVeth, Owner: tn.Owner, Phase: PhaseVeth, Netns: ref(), Veth: tv.Clone()})
			routeLost = routeLost || !ov.Up
		}
		for _, a := range ov.Addrs {
			if !slices.Contains(tv.Addrs, a) {
				d.add(model.Step{Kind: model.StepDelAddr, Owner: tn.Owner, Phase: PhaseRemove, Netns: ref(), Veth: vethRef(ov), Addr: a})
				routeLost = routeLost || a.Masked().Contains(on.Gateway)
			}
		}
		for _, a := range tv.Addrs {
			if !slices.Contains(ov.Addrs, a) {
				d.add(model.Step{Kind: model.StepAddAddr, Owner: tn.Owner, Phase: PhaseAddr, Netns: ref(), Veth: vethRef(tv), Addr: a})
			}
		}
	}
	for _, iface := range appendSortedKeys(buf[:0], on.Veths) {
		if ov := on.Veths[iface]; tn.Veths[iface] == nil {
			d.add(model.Step{Kind: model.StepDeleteVeth, Owner: tn.Owner, Phase: PhaseRemove, Netns: ref(), Veth: ov.Clone()})
			routeLost = routeLost || carries(ov, on.Gateway)
		}
	}
	switch {
	case tn.Gateway.IsValid() && (tn.Gateway != on.Gateway || routeLost):
		d.add(model.Step{Kind: model.StepSetRoute, Owner: tn.Owner, Phase: PhaseRoute, Netns: ref(), Gateway: tn.Gateway})
	case !tn.Gateway.IsValid() && on.Gateway.IsValid():
		d.add(model.Step{Kind: model.StepDelRoute, Owner: tn.Owner, Phase: PhaseDelRoute, Netns: ref(), Gateway: on.Gateway})
	}
}

// carries reports whether v is the link the default route via gw goes out of.
func carries(v *model.Veth, gw netip.Addr) bool {
	if !gw.IsValid() {
		return false
	}
	return slices.ContainsFunc(v.Addrs, func(p netip.Prefix) bool { return p.Masked().Contains(gw) })
}

// vethDiffers compares what set-veth can change (addresses have their own steps).
func vethDiffers(a, b *model.Veth) bool {
	return a.Bridge != b.Bridge || a.Hairpin != b.Hairpin || a.Isolated != b.Isolated ||
		a.MTU != b.MTU || a.MAC != b.MAC || a.Up != b.Up || a.HostUp != b.HostUp
}

// nsRef is the namespace as a step names it: identity and lo, not contents.
func nsRef(n *model.Netns) *model.Netns {
	return &model.Netns{Owner: n.Owner, Name: n.Name, LoUp: n.LoUp}
}

// vethRef names a veth for an address step.
func vethRef(v *model.Veth) *model.Veth {
	return &model.Veth{Name: v.Name, HostName: v.HostName, Bridge: v.Bridge}
}
