package planner

import (
	"maps"
	"slices"
	"strings"

	"github.com/netplan-dev/netplan/model"
)

// Names of the firewall sets that carry per-network flags (firewall package).
const (
	setInternal = "internal-bridges"
	setMasq     = "masq-bridges"
	setICCOff   = "icc-off-bridges" // older layout: networks with icc off
	setSameNet  = "same-net"        // "br . br" for every network with icc on
)

// resource is one resource as a person reads it: flat string attributes.
type resource struct {
	typ, name string
	attrs     map[string]string // nil while deferred

	// A container whose only sources are one namespace and its published
	// ports is deferred: built once all sources are known, and then, when
	// they are the same in both States, built once for both (see finish).
	deferred bool
	pure     bool // built from ns and ports alone
	same     bool // attrs copy the other view's: equal without comparing
	ns       *model.Netns
	ports    []model.PublishedPort // its runs, consecutive in portsByOwner order
}

// view turns a kernel-level State into the resources a person recognises:
// networks, containers, sysctls and the firewall table. A plan views every
// resource of both States, changed or not (a no-op plan lists them all),
// which made this the planner's hottest path on large stacks: a container's
// map of a dozen attributes costs more to make than everything else the
// planner does for it. other, the view of the other State (o, when s is t),
// lends its maps to the containers that come out the same.
//
// netns is s's namespace names in order.
func (vw *viewer) view(s *model.State, netns []string, other map[string]*resource, otherState *model.State) map[string]*resource {
	b := vw.collect(s, netns)
	b.finish(other, otherState)
	return b.out
}

// viewBuilder gathers a State's resources in the order their attributes
// are written (a later source may overwrite an earlier one's key).
type viewBuilder struct {
	vw       *viewer
	s        *model.State
	out      map[string]*resource
	slab     []resource
	deferred []*resource
}

func (vw *viewer) collect(s *model.State, netns []string) *viewBuilder {
	n := len(s.Bridges) + len(s.Netns) + len(s.Sysctls) + 1
	b := &viewBuilder{
		vw:  vw,
		s:   s,
		out: make(map[string]*resource, n),
		// One array for the resources of the usual kinds; more (ports of a
		// container without a namespace) are allocated one by one.
		slab:     make([]resource, 0, n),
		deferred: make([]*resource, 0, len(s.Netns)),
	}
	for _, name := range sortedKeys(s.Bridges) {
		br := s.Bridges[name]
		networkView(b.get(br.Owner, 11).attrs, br, s.Firewall)
	}
	for _, name := range netns {
		ns := s.Netns[name]
		if r := b.out[ns.Owner]; r != nil {
			vw.containerView(b.built(r).attrs, ns, s)
			continue
		}
		r := b.add(ns.Owner)
		r.deferred, r.pure, r.ns = true, true, ns
		b.deferred = append(b.deferred, r)
	}
	if s.Firewall != nil {
		b.publish(portsByOwner(s.Firewall))
		// The table's own attribute is its rules; set and map elements are
		// shown where a person declared them: under networks and containers.
		r := b.get(firewallAddress(s.Firewall.Table), 1)
		r.attrs["rules"] = summary(len(s.Firewall.Rules), s.Firewall.Rules)
	}
	for key, v := range s.Sysctls {
		b.get(sysctlAddress(key), 1).attrs["value"] = v
	}
	return b
}

func (b *viewBuilder) add(addr string) *resource {
	typ, name, _ := strings.Cut(addr, ".")
	var r *resource
	if len(b.slab) < cap(b.slab) {
		b.slab = append(b.slab, resource{})
		r = &b.slab[len(b.slab)-1]
	} else {
		r = &resource{}
	}
	r.typ, r.name = typ, name
	b.out[addr] = r
	return r
}

// get returns the resource at addr with its attributes built, to write more.
func (b *viewBuilder) get(addr string, size int) *resource {
	if r := b.out[addr]; r != nil {
		return b.built(r)
	}
	r := b.add(addr)
	r.attrs = make(map[string]string, size)
	return r
}

// built writes a deferred resource's attributes now: another source is
// about to add to them, after (in write order) those it has.
func (b *viewBuilder) built(r *resource) *resource {
	if r.deferred {
		b.build(r)
	}
	r.pure = false
	return r
}

func (b *viewBuilder) build(r *resource) {
	// Room for lo, netns, gateway, the veths and the port runs.
	r.attrs = make(map[string]string, 3+len(vethKeyNames)*len(r.ns.Veths)+len(r.ports))
	b.vw.containerView(r.attrs, r.ns, b.s)
	publishRuns(r.ports, func(string) map[string]string { return r.attrs })
	r.deferred = false
}

// publish adds published ports to their containers (ps is sorted by
// portsByOwner): to a deferred one as a source, else as attributes.
func (b *viewBuilder) publish(ps []model.PublishedPort) {
	for i := 0; i < len(ps); {
		j := i + 1
		for j < len(ps) && ps[j].Owner == ps[i].Owner {
			j++
		}
		if r := b.out[ps[i].Owner]; r != nil && r.deferred {
			r.ports = ps[i:j]
		} else {
			publishRuns(ps[i:j], func(owner string) map[string]string { return b.get(owner, 1).attrs })
		}
		i = j
	}
}

// finish builds the deferred containers. One whose namespace, ports and
// bridges are the same in the other view gets a copy of the attributes
// built there: the same sources write the same map.
func (b *viewBuilder) finish(other map[string]*resource, otherState *model.State) {
	for _, r := range b.deferred {
		if !r.deferred {
			continue // built when another source came
		}
		o := other[r.ns.Owner] // the address r was made under
		if o != nil && o.pure && o.ns != nil && sameContainer(r, o, b.s, otherState) {
			r.attrs, r.same, r.deferred = maps.Clone(o.attrs), true, false
			continue
		}
		b.build(r)
	}
}

// sameContainer reports whether containerView and publishRuns see the same
// sources for a in state s as for b in state t.
func sameContainer(a, b *resource, s, t *model.State) bool {
	if a.typ != b.typ || a.name != b.name || !netnsEqual(a.ns, b.ns, s, t) || !slices.Equal(a.ports, b.ports) {
		return false
	}
	return true
}
