package fake

import (
	"context"
	"slices"

	"github.com/netplan-dev/netplan/drivers"
	"github.com/netplan-dev/netplan/firewall"
	"github.com/netplan-dev/netplan/model"
)

// ObserveParts is Observe limited to parts, as drivers/linux reads them:
// bridges and namespaces outside parts are missing, a veth whose host end
// is not named has no host half (it reads as broken), the firewall is nil
// unless asked for, and holds only the elements asked for when
// parts.Elements says which. Verification that forgets to name an object it
// changed therefore fails here as it would on a real kernel.
func (k *Kernel) ObserveParts(ctx context.Context, q drivers.Query, parts drivers.Parts) (*drivers.Observation, error) {
	obs, err := k.Observe(ctx, q)
	if err != nil {
		return nil, err
	}
	st := obs.State
	for name := range st.Bridges {
		if !slices.Contains(parts.Bridges, name) {
			delete(st.Bridges, name)
		}
	}
	for name, n := range st.Netns {
		if !slices.Contains(parts.Netns, name) {
			delete(st.Netns, name)
			continue
		}
		for _, v := range n.Veths {
			if !slices.Contains(parts.HostEnds, v.HostName) {
				v.HostName, v.Bridge, v.HostUp, v.Hairpin, v.Isolated = "", "", false, false, false
			}
		}
	}
	if !parts.Firewall {
		st.Firewall = nil
	} else if parts.Elements != nil && st.Firewall != nil {
		st.Firewall = onlyElements(st.Firewall, parts.Elements)
	}
	obs.Foreign = slices.DeleteFunc(obs.Foreign, func(f drivers.Foreign) bool {
		return (f.Kind == "bridge" && !slices.Contains(parts.Bridges, f.Name)) ||
			(f.Kind == "netns" && !slices.Contains(parts.Netns, f.Name)) ||
			(f.Kind == "table" && !parts.Firewall)
	})
	return obs, nil
}

// onlyElements is fw with, of its elements, only those asked names.
func onlyElements(fw, asked *model.Firewall) *model.Firewall {
	out := &model.Firewall{Table: fw.Table, Rules: fw.Rules, Sets: map[string][]string{}}
	for name, elems := range fw.Sets {
		for _, e := range elems {
			if slices.Contains(asked.Sets[name], e) {
				out.Sets[name] = append(out.Sets[name], e)
			}
		}
	}
	for _, p := range fw.Ports {
		if slices.ContainsFunc(asked.Ports, func(a model.PublishedPort) bool { return firewall.SameKey(a, p) }) {
			out.Ports = append(out.Ports, p)
		}
	}
	return out
}
