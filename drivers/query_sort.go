package drivers

import (
	"net/netip"
	"slices"
	"strings"
)

func sortQuery(q *Query) {
	slices.Sort(q.Bridges)
	slices.Sort(q.Netns)
	slices.Sort(q.Sysctls)
	slices.SortFunc(q.Subnets, func(a, b netip.Prefix) int { return strings.Compare(a.String(), b.String()) })
}
