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
	out := &model.Firewall{Table: now.Table, Sets: map[string][]string{}}
	n := 0
	for name := range SetNames(was, now) {
		gone, added := Delta(was.Sets[name], now.Sets[name])
		if len(gone)+len(added) > 0 {
			out.Sets[name] = append(gone, added...)
			n += len(gone) + len(added)
		}
	}
	gone, added := Delta(was.Ports, now.Ports)
	keys := map[portKey]bool{}
	for _, p := range append(gone, added...) {
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

// SetNames is every set name the tables hold elements of.
func SetNames(fws ...*model.Firewall) map[string]bool {
	names := map[string]bool{}
	for _, fw := range fws {
		for name := range fw.Sets {
			names[name] = true
		}
	}
	return names
}

// Delta returns what was holds that now does not, and the reverse. Ports
// compare whole, so a port whose target changed is in both.
func Delta[E comparable](was, now []E) (gone, added []E) {
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

// WithElements is the table read back by key (see ChangedElements): read's
// chains and rules, and for the elements asked the ones read holds, every
// other element as before.
func WithElements(before, read, asked *model.Firewall) *model.Firewall {
	if before == nil || read == nil {
		return read
	}
	out := &model.Firewall{Table: read.Table, Rules: read.Rules, Sets: map[string][]string{}}
	for name, elems := range before.Sets {
		for _, e := range elems {
			if !slices.Contains(asked.Sets[name], e) {
				out.Sets[name] = append(out.Sets[name], e)
			}
		}
	}
	for name, elems := range read.Sets {
		out.Sets[name] = append(out.Sets[name], elems...)
	}
	for name := range out.Sets {
		SortElements(out.Sets[name])
	}
	askedKeys := map[portKey]bool{}
	for _, p := range asked.Ports {
		askedKeys[keyOf(p)] = true
	}
	for _, p := range before.Ports {
		if !askedKeys[keyOf(p)] {
			out.Ports = append(out.Ports, p)
		}
	}
	out.Ports = append(out.Ports, read.Ports...)
	SortPorts(out.Ports)
	return out
}

// portKey is what identifies an element of the published-port maps.
type portKey struct {
	protocol string
	hostIP   netip.Addr
	hostPort uint16
}

func keyOf(p model.PublishedPort) portKey {
	return portKey{p.Protocol, HostIP(p.HostIP), p.HostPort}
}
