package drivers

import "github.com/netplan-dev/netplan/model"

// QueryFor asks about every name a target State uses, so one Observe both
// reads the stack and finds foreign objects in the way.
func QueryFor(target *model.State) Query {
	q := Query{Stack: target.Stack}
	for name, b := range target.Bridges {
		q.Bridges = append(q.Bridges, name)
		if b.MAC != "" {
			if q.BridgeMACs == nil {
				q.BridgeMACs = map[string]string{}
			}
			q.BridgeMACs[name] = b.MAC
		}
		for _, a := range b.Addrs {
			q.Subnets = append(q.Subnets, a.Masked())
		}
	}
	for name := range target.Netns {
		q.Netns = append(q.Netns, name)
	}
	for key := range target.Sysctls {
		q.Sysctls = append(q.Sysctls, key)
	}
	sortQuery(&q)
	return q
}
