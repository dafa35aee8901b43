package planner

import (
	"maps"
	"slices"
	"strings"

	"github.com/netplan-dev/netplan/model"
)

// changes compares the user-level views of t and o (tv and ov), resource
// by resource.
func changes(tv, ov map[string]*resource, steps []model.Step) []ResourceChange {
	stepOwners := map[string]bool{}
	for _, s := range steps {
		stepOwners[s.Owner] = true
	}
	addrs := make([]string, 0, max(len(tv), len(ov)))
	for a := range tv {
		addrs = append(addrs, a)
	}
	for a := range ov {
		if tv[a] == nil {
			addrs = append(addrs, a)
		}
	}
	slices.Sort(addrs)
	out := make([]ResourceChange, 0, len(addrs))
	for _, addr := range addrs {
		after, before := tv[addr], ov[addr]
		r := after
		if r == nil {
			r = before
		}
		c := ResourceChange{Address: addr, Type: r.typ, Name: r.name}
		switch {
		case before == nil || (after != nil && r.typ == "container" && before.attrs["netns"] == "" && after.attrs["netns"] != ""):
			// A container whose namespace is gone is created again, even if
			// its published ports are still in the table.
			c.Action, c.After = Create, after.attrs
		case after == nil && r.typ == "sysctl":
			// Keys the target does not name are left as they are.
			c.Action, c.Before, c.After = NoOp, before.attrs, maps.Clone(before.attrs)
		case after == nil:
			c.Action, c.Before = Delete, before.attrs
		default:
			c.Before, c.After = before.attrs, after.attrs
			if !after.same && !maps.Equal(before.attrs, after.attrs) {
				// Most resources of a large stack are unchanged: no need
				// to sort and walk their attributes.
				c.Attrs = attrChanges(r.typ, before.attrs, after.attrs)
			}
			c.Action = NoOp
			for _, a := range c.Attrs {
				c.Action = Update
				if a.ForcesReplace {
					c.Action = Replace
					break
				}
			}
			if c.Action == NoOp && stepOwners[addr] {
				// A kernel detail outside the view drifted: still a change.
				c.Action = Update
			}
		}
		out = append(out, c)
	}
	quietFirewall(out)
	return out
}

// quietFirewall keeps a table sync that only carries other resources'
// changes (a publish, a network's icc) out of the plan: the firewall shows
// as changed only when its own rules differ, or when nothing else explains
// the sync (a set element edited by hand).
func quietFirewall(changes []ResourceChange) {
	explained := false
	for _, c := range changes {
		if c.Type != "firewall" && c.Type != "sysctl" && c.Action != NoOp {
			explained = true
		}
	}
	for i, c := range changes {
		if c.Type == "firewall" && c.Action == Update && len(c.Attrs) == 0 && explained {
			changes[i].Action = NoOp
		}
	}
}

func attrChanges(typ string, before, after map[string]string) []AttrChange {
	keys := slices.Sorted(maps.Keys(after))
	for k := range before {
		if _, ok := after[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var out []AttrChange
	for _, k := range keys {
		b, a := before[k], after[k]
		if a == b {
			continue
		}
		out = append(out, AttrChange{
			Path:          k,
			Before:        b,
			After:         a,
			ForcesReplace: a != "" && b != "" && forcesReplace(typ, k),
			Drift:         drift(typ, k),
		})
	}
	return out
}

// forcesReplace: a network's bridge name and a container's namespace name
// identify kernel objects; changing them means new objects.
func forcesReplace(typ, path string) bool {
	return (typ == "network" && path == "bridge") || (typ == "container" && path == "netns")
}

// drift: attributes no configuration sets, so a difference can only come
// from the host moving away from what netplan made.
func drift(typ, path string) bool {
	last := path
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		last = path[i+1:]
	}
	switch typ {
	case "network":
		return path == "state" || path == "mac" || path == "addresses"
	case "container":
		return path == "lo" || last == "state" || last == "host_state" || last == "host_veth" || last == "hairpin"
	case "firewall":
		return path == "rules"
	}
	return false
}
