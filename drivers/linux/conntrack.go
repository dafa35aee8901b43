package linux

import (
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"

	"github.com/netplan-dev/netplan/model"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// flushConntrack deletes conntrack entries DNATed to the given old targets,
// so a flow (UDP above all, which never ends on its own while packets keep
// coming) follows a published port that moved instead of sticking to the old
// container. h is a NETLINK_NETFILTER handle kept open for the whole command:
// closing such a socket makes the kernel finish the last nftables
// transaction's cleanup first (see newNftConn), an RCU grace period that
// would otherwise be paid here rather than behind verification.
func flushConntrack(h *netlink.Handle, ports []model.PublishedPort) error {
	if len(ports) == 0 {
		return nil
	}
	// Listing the table walks every bucket of the hash, about 13 ms even
	// when empty; the namespace's entry count is free to read.
	if n, err := conntrackCount(); err == nil && n == 0 {
		return nil
	}
	if _, err := h.ConntrackDeleteFilters(netlink.ConntrackTable, unix.AF_INET, dnatTargets(ports)); err != nil {
		return fmt.Errorf("delete conntrack entries of %d old published ports: %w", len(ports), err)
	}
	return nil
}

// dnatTargets matches a flow whose original direction went to a published
// host port and whose reply comes from that port's old target.
type dnatTargets []model.PublishedPort

func (d dnatTargets) MatchConntrackFlow(f *netlink.ConntrackFlow) bool {
	for _, p := range d {
		if f.Forward.Protocol != protoNumbers[p.Protocol] || f.Forward.DstPort != p.HostPort {
			continue
		}
		if !p.HostIP.IsUnspecified() && p.HostIP.IsValid() && !f.Forward.DstIP.Equal(net.IP(p.HostIP.AsSlice())) {
			continue
		}
		target := net.IP(p.Addr.AsSlice())
		if f.Reverse.SrcIP.Equal(target) && f.Reverse.SrcPort == p.Port && !f.Forward.DstIP.Equal(target) {
			return true
		}
	}
	return false
}

// conntrackCount is the number of conntrack entries of this network
// namespace; an error when conntrack is not loaded.
func conntrackCount() (int, error) {
	b, err := os.ReadFile("/proc/sys/net/netfilter/nf_conntrack_count")
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(strings.TrimSpace(string(b)))
}
