package firewall

import (
	"net/netip"
	"slices"

	"github.com/netplan-dev/netplan/model"
)

// ChangedElements names the elements that differ between two versions of a
// table with the same chains and rules: the set elements either holds and
// the other does not, and the published ports whose map key (protocol, host
// address, host port) either maps differently. It is nil when the tables
// differ in more than their elements, or in more than limit of them: then
// the whole table is worth reading.
func ChangedElements(was, now *model.Firewall, limit int) *model.Firewall {
	if was == nil || now == nil || was.Table != now.Table || !slices.Equal(was.Rules, now.Rules) {
		return nil
	}
	gone, added := ElementsDelta(was, now)
	out := &model.Firewall{Table: now.Table, Sets: map[string][]string{}}
	n := 0
	for name := range setNames(gone, added) {
		out.Sets[name] = append(slices.Clone(gone.Sets[name]), added.Sets[name]...)
		n += len(out.Sets[name])
	}
	keys := map[portKey]bool{}
	for _, p := range append(slices.Clone(gone.Ports), added.Ports...) {
		if k := keyOf(p); !keys[k] { // a port mapped anew is in both
			keys[k] = true
			out.Ports = append(out.Ports, p)
			n++
		}
	}
	if n > limit {
		return nil
	}
	return out
}

// ElementsDelta returns the elements was holds that now does not, and the
// reverse: set by set, and the published ports (compared whole, so a port
// mapped anew is in both).
func ElementsDelta(was, now *model.Firewall) (gone, added *model.Firewall) {
	gone, added = &model.Firewall{Sets: map[string][]string{}}, &model.Firewall{Sets: map[string][]string{}}
	for name := range setNames(was, now) {
		g, a := sortedDelta(was.Sets[name], now.Sets[name], compareElements)
		if len(g) > 0 {
			gone.Sets[name] = g
		}
		if len(a) > 0 {
			added.Sets[name] = a
		}
	}
	gone.Ports, added.Ports = sortedDelta(was.Ports, now.Ports, comparePorts)
	return gone, added
}

func setNames(fws ...*model.Firewall) map[string]bool {
	names := map[string]bool{}
	for _, fw := range fws {
		for name := range fw.Sets {
			names[name] = true
		}
	}
	return names
}

// mapDelta is sortedDelta for lists in any order.
func mapDelta[E comparable](was, now []E) (gone, added []E) {
	in := func(s []E) map[E]bool {
		m := make(map[E]bool, len(s))
		for _, e := range s {
			m[e] = true
		}
		return m
	}
	old, cur := in(was), in(now)
	for _, e := range was {
		if !cur[e] {
			gone = append(gone, e)
		}
	}
	for _, e := range now {
		if !old[e] {
			added = append(added, e)
		}
	}
	return gone, added
}

// sortedDelta returns what was holds that now does not, and the reverse,
// for two lists in the order cmp gives (an observation's and a target's
// elements are in canonical order), in one walk instead of two maps: 0.1 ms
// instead of 1 for a stack of 1000. Equal under cmp is not equal: a port
// mapped anew has the same key. Lists out of order go to mapDelta.
func sortedDelta[E comparable](was, now []E, cmp func(a, b E) int) (gone, added []E) {
	if !slices.IsSortedFunc(was, cmp) || !slices.IsSortedFunc(now, cmp) {
		return mapDelta(was, now)
	}
	i, j := 0, 0
	for i < len(was) && j < len(now) {
		switch c := cmp(was[i], now[j]); {
		case c < 0:
			gone = append(gone, was[i])
			i++
		case c > 0:
			added = append(added, now[j])
			j++
		default:
			if was[i] != now[j] {
				gone, added = append(gone, was[i]), append(added, now[j])
			}
			i, j = i+1, j+1
		}
	}
	return append(gone, was[i:]...), append(added, now[j:]...)
}

// WithElements is the table read back by key (see ChangedElements): read's
// chains and rules, and for the elements asked the ones read holds, every
// other element as before. Elements stay in canonical order: before's, an
// observation, are in it already, and those read go where they belong.
func WithElements(before, read, asked *model.Firewall) *model.Firewall {
	if before == nil || read == nil {
		return read
	}
	out := &model.Firewall{Table: read.Table, Rules: read.Rules, Sets: map[string][]string{}}
	for name, elems := range before.Sets {
		askedHere := asked.Sets[name]
		kept := make([]string, 0, len(elems))
		for _, e := range elems {
			if !slices.Contains(askedHere, e) {
				kept = append(kept, e)
			}
		}
		if len(kept) > 0 {
			out.Sets[name] = kept
		}
	}
	for name, elems := range read.Sets {
		out.Sets[name] = mergeSorted(out.Sets[name], elems, compareElements)
	}
	askedKeys := map[portKey]bool{}
	for _, p := range asked.Ports {
		askedKeys[keyOf(p)] = true
	}
	out.Ports = make([]model.PublishedPort, 0, len(before.Ports)+len(read.Ports))
	for _, p := range before.Ports {
		if !askedKeys[keyOf(p)] {
			out.Ports = append(out.Ports, p)
		}
	}
	out.Ports = mergeSorted(out.Ports, read.Ports, comparePorts)
	return out
}

// mergeSorted inserts the few elements of more into sorted, in order; a
// sorted that is not sorts whole.
func mergeSorted[E any](sorted, more []E, cmp func(a, b E) int) []E {
	if !slices.IsSortedFunc(sorted, cmp) {
		out := append(sorted, more...)
		slices.SortFunc(out, cmp)
		return out
	}
	for _, e := range more {
		i, _ := slices.BinarySearchFunc(sorted, e, cmp)
		sorted = slices.Insert(sorted, i, e)
	}
	return sorted
}

// portKey is what identifies an element of the published-port maps.
type portKey struct {
	protocol string
	hostIP   netip.Addr
	hostPort uint16
}

// SameKey says whether two published ports are the same element key of
// the published-port maps.
func SameKey(a, b model.PublishedPort) bool { return keyOf(a) == keyOf(b) }

func keyOf(p model.PublishedPort) portKey {
	return portKey{p.Protocol, HostIP(p.HostIP), p.HostPort}
}
