package planner

import (
	"cmp"
	"net/netip"

	"github.com/netplan-dev/netplan/model"
)

func comparePrefix(a, b netip.Prefix) int {
	if c := a.Addr().Compare(b.Addr()); c != 0 {
		return c
	}
	return cmp.Compare(a.Bits(), b.Bits())
}

// comparePort orders published ports by what the kernel keys them on
// (protocol, host address, host port), then by target.
func comparePort(a, b model.PublishedPort) int {
	return cmp.Or(
		cmp.Compare(a.Protocol, b.Protocol),
		a.HostIP.Compare(b.HostIP),
		cmp.Compare(a.HostPort, b.HostPort),
		cmp.Compare(a.Owner, b.Owner),
		a.Addr.Compare(b.Addr),
		cmp.Compare(a.Port, b.Port),
	)
}
