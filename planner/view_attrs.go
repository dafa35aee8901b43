package planner

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/netplan-dev/netplan/model"
)

// viewer holds what views of many containers have in common, so building
// them allocates little more than the maps and each container's address.
type viewer struct {
	vethKeys map[string]*[len(vethKeyNames)]string // iface -> "eth0.network"...
	texts    map[netip.Addr]string                 // gateways: a few for all containers
	ints     map[int]string                        // MTUs
}

func newViewer() *viewer {
	return &viewer{vethKeys: map[string]*[len(vethKeyNames)]string{}, texts: map[netip.Addr]string{}, ints: map[int]string{}}
}

// vethKeyNames are a veth's attributes, prefixed with its interface name.
var vethKeyNames = [...]string{"network", "ipv4_address", "mac_address", "mtu", "state", "host_veth", "host_state", "hairpin", "isolated"}

const (
	kNetwork = iota
	kIPv4
	kMAC
	kMTU
	kState
	kHostVeth
	kHostState
	kHairpin
	kIsolated
)

func (vw *viewer) keys(iface string) *[len(vethKeyNames)]string {
	if k := vw.vethKeys[iface]; k != nil {
		return k
	}
	k := new([len(vethKeyNames)]string)
	for i, name := range vethKeyNames {
		k[i] = iface + "." + name
	}
	vw.vethKeys[iface] = k
	return k
}

func (vw *viewer) addr(a netip.Addr) string {
	if t, ok := vw.texts[a]; ok {
		return t
	}
	t := a.String()
	vw.texts[a] = t
	return t
}

func (vw *viewer) itoa(n int) string {
	if t, ok := vw.ints[n]; ok {
		return t
	}
	t := strconv.Itoa(n)
	vw.ints[n] = t
	return t
}

func networkView(a map[string]string, b *model.Bridge, fw *model.Firewall) {
	a["bridge"] = b.Name
	if len(b.Addrs) > 0 {
		addrs := sortedPrefixes(b.Addrs)
		a["subnet"] = addrs[0].Masked().String()
		a["gateway"] = addrs[0].Addr().String()
		if len(addrs) > 1 {
			a["addresses"] = joinPrefixes(addrs)
		}
	}
	a["mtu"] = strconv.Itoa(b.MTU)
	a["mac"] = b.MAC
	a["state"] = upDown(b.Up)
	if fw != nil {
		a["internal"] = strconv.FormatBool(inSet(fw, setInternal, b.Name))
		a["masquerade"] = strconv.FormatBool(inSet(fw, setMasq, b.Name))
		if _, old := fw.Sets[setICCOff]; old {
			a["icc"] = strconv.FormatBool(!inSet(fw, setICCOff, b.Name))
		} else {
			a["icc"] = strconv.FormatBool(inSet(fw, setSameNet, b.Name+" . "+b.Name))
		}
	}
}

func (vw *viewer) containerView(a map[string]string, n *model.Netns, s *model.State) {
	a["netns"] = n.Name
	a["lo"] = upDown(n.LoUp)
	if n.Gateway.IsValid() {
		a["gateway"] = vw.addr(n.Gateway)
	}
	var buf [4]string
	for _, iface := range appendSortedKeys(buf[:0], n.Veths) {
		v := n.Veths[iface]
		k := vw.keys(iface)
		network := v.Bridge
		b := s.Bridges[v.Bridge]
		if b != nil {
			network = strings.TrimPrefix(b.Owner, "network.")
		}
		a[k[kNetwork]] = network
		addrs := sortedPrefixes(v.Addrs)
		switch len(addrs) {
		case 0:
			a[k[kIPv4]] = ""
		case 1:
			a[k[kIPv4]] = addrs[0].Addr().String()
		default:
			ips := make([]string, len(addrs))
			for i, x := range addrs {
				ips[i] = x.Addr().String()
			}
			a[k[kIPv4]] = strings.Join(ips, ",")
		}
		if len(addrs) > 0 && b != nil && len(b.Addrs) > 0 && addrs[0].Bits() != b.Addrs[0].Bits() {
			// Show a drifted prefix length; normally it is the subnet's.
			a[k[kIPv4]] = joinPrefixes(addrs)
		}
		a[k[kMAC]] = v.MAC
		a[k[kMTU]] = vw.itoa(v.MTU)
		a[k[kState]] = upDown(v.Up)
		a[k[kHostVeth]] = v.HostName
		a[k[kHostState]] = upDown(v.HostUp)
		a[k[kHairpin]] = strconv.FormatBool(v.Hairpin)
		a[k[kIsolated]] = strconv.FormatBool(v.Isolated)
	}
}

// sortedPrefixes is ps in order, ps itself when it already is (one address,
// the usual case): the State is never written to.
func sortedPrefixes(ps []netip.Prefix) []netip.Prefix {
	if slices.IsSortedFunc(ps, comparePrefix) {
		return ps
	}
	return slices.SortedFunc(slices.Values(ps), comparePrefix)
}

// portsByOwner is the table's published ports ordered by owner, then as the
// kernel keys them, so each container's runs of ports are consecutive.
func portsByOwner(fw *model.Firewall) []model.PublishedPort {
	if fw == nil {
		return nil
	}
	byOwner := func(a, b model.PublishedPort) int {
		if a.Owner != b.Owner {
			return strings.Compare(a.Owner, b.Owner)
		}
		return comparePort(a, b)
	}
	if slices.IsSortedFunc(fw.Ports, byOwner) {
		return fw.Ports // only read
	}
	ps := slices.Clone(fw.Ports)
	slices.SortFunc(ps, byOwner)
	return ps
}

// publishRuns writes published ports, one attribute per run of consecutive
// ports: "publish[tcp/0.0.0.0:8080-8081]" = "172.17.0.2:80-81". ps is
// sorted by portsByOwner; attrs gives the map of an owner.
func publishRuns(ps []model.PublishedPort, attrs func(owner string) map[string]string) {
	var buf []byte
	for i := 0; i < len(ps); {
		j := i + 1
		for j < len(ps) && continues(ps[j-1], ps[j]) {
			j++
		}
		first, last := ps[i], ps[j-1]
		buf = append(buf[:0], "publish["...)
		buf = append(buf, first.Protocol...)
		buf = append(buf, '/')
		if first.HostIP.IsValid() {
			buf = first.HostIP.AppendTo(buf)
		} else {
			buf = append(buf, "0.0.0.0"...)
		}
		buf = append(buf, ':')
		buf = append(appendPortRange(buf, first.HostPort, last.HostPort), ']')
		key := string(buf)
		// The target as fmt's %s prints it: String, "invalid IP" when unset.
		if first.Addr.IsValid() {
			buf = first.Addr.AppendTo(buf[:0])
		} else {
			buf = append(buf[:0], first.Addr.String()...)
		}
		buf = appendPortRange(append(buf, ':'), first.Port, last.Port)
		attrs(first.Owner)[key] = string(buf)
		i = j
	}
}

func continues(a, b model.PublishedPort) bool {
	return a.Owner == b.Owner && a.Protocol == b.Protocol && a.HostIP == b.HostIP && a.Addr == b.Addr &&
		b.HostPort == a.HostPort+1 && b.Port == a.Port+1
}

// appendPortRange appends "8080", or "8080-8081" for a range.
func appendPortRange(b []byte, first, last uint16) []byte {
	b = strconv.AppendUint(b, uint64(first), 10)
	if first == last {
		return b
	}
	return strconv.AppendUint(append(b, '-'), uint64(last), 10)
}

func inSet(fw *model.Firewall, set, elem string) bool {
	for _, e := range fw.Sets[set] {
		if e == elem || e == strconv.Quote(elem) {
			return true
		}
	}
	return false
}

// summary shows a list as its length and a short hash, so any change to it
// (a flushed table, a rule added by hand) shows as a changed attribute.
func summary(n int, items []string) string {
	h := sha256.New()
	for _, it := range items {
		h.Write([]byte(it))
		h.Write([]byte{0})
	}
	return fmt.Sprintf("%d (sha256:%s)", n, hex.EncodeToString(h.Sum(nil))[:12])
}

func joinPrefixes(ps []netip.Prefix) string {
	var s []string
	for _, p := range ps {
		s = append(s, p.String())
	}
	return strings.Join(s, ",")
}

func upDown(up bool) string {
	if up {
		return "up"
	}
	return "down"
}
