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
	attrs     map[string]string
}

// view turns a kernel-level State into the resources a person recognises:
// networks, containers, sysctls and the firewall table.
func view(s *model.State) map[string]*resource {
	out := map[string]*resource{}
	get := func(addr string) *resource {
		if r := out[addr]; r != nil {
			return r
		}
		typ, name, _ := strings.Cut(addr, ".")
		r := &resource{typ: typ, name: name, attrs: map[string]string{}}
		out[addr] = r
		return r
	}
	for _, name := range sortedKeys(s.Bridges) {
		b := s.Bridges[name]
		networkView(get(b.Owner).attrs, b, s.Firewall)
	}
	for _, name := range sortedKeys(s.Netns) {
		n := s.Netns[name]
		containerView(get(n.Owner).attrs, n, s)
	}
	if s.Firewall != nil {
		publishView(s.Firewall.Ports, get)
		// The table's own attribute is its rules; set and map elements are
		// shown where a person declared them: under networks and containers.
		r := get(firewallAddress(s.Firewall.Table))
		r.attrs["rules"] = summary(len(s.Firewall.Rules), s.Firewall.Rules)
	}
	for key, v := range s.Sysctls {
		get(sysctlAddress(key)).attrs["value"] = v
	}
	return out
}

func networkView(a map[string]string, b *model.Bridge, fw *model.Firewall) {
	a["bridge"] = b.Name
	if len(b.Addrs) > 0 {
		addrs := slices.Clone(b.Addrs)
		slices.SortFunc(addrs, comparePrefix)
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

func containerView(a map[string]string, n *model.Netns, s *model.State) {
	a["netns"] = n.Name
	a["lo"] = upDown(n.LoUp)
	if n.Gateway.IsValid() {
		a["gateway"] = n.Gateway.String()
	}
	for _, iface := range sortedKeys(n.Veths) {
		v := n.Veths[iface]
		p := iface + "."
		network := v.Bridge
		if b := s.Bridges[v.Bridge]; b != nil {
			network = strings.TrimPrefix(b.Owner, "network.")
		}
		a[p+"network"] = network
		addrs := slices.Clone(v.Addrs)
		slices.SortFunc(addrs, comparePrefix)
		var ips []string
		for _, x := range addrs {
			ips = append(ips, x.Addr().String())
		}
		a[p+"ipv4_address"] = strings.Join(ips, ",")
		if len(addrs) > 0 && s.Bridges[v.Bridge] != nil && len(s.Bridges[v.Bridge].Addrs) > 0 &&
			addrs[0].Bits() != s.Bridges[v.Bridge].Addrs[0].Bits() {
			// Show a drifted prefix length; normally it is the subnet's.
			a[p+"ipv4_address"] = joinPrefixes(addrs)
		}
		a[p+"mac_address"] = v.MAC
		a[p+"mtu"] = strconv.Itoa(v.MTU)
		a[p+"state"] = upDown(v.Up)
		a[p+"host_veth"] = v.HostName
		a[p+"host_state"] = upDown(v.HostUp)
		a[p+"hairpin"] = strconv.FormatBool(v.Hairpin)
		a[p+"isolated"] = strconv.FormatBool(v.Isolated)
	}
}

// publishView adds published ports to their containers, one attribute per
// run of consecutive ports: "publish[tcp/0.0.0.0:8080-8081]" = "172.17.0.2:80-81".
func publishView(ports []model.PublishedPort, get func(string) *resource) {
	ps := slices.Clone(ports)
	slices.SortFunc(ps, func(a, b model.PublishedPort) int {
		if a.Owner != b.Owner {
			return strings.Compare(a.Owner, b.Owner)
		}
		return comparePort(a, b)
	})
	for i := 0; i < len(ps); {
		j := i + 1
		for j < len(ps) && continues(ps[j-1], ps[j]) {
			j++
		}
		first, last := ps[i], ps[j-1]
		key := fmt.Sprintf("publish[%s/%s:%s]", first.Protocol, hostIP(first.HostIP), portRange(first.HostPort, last.HostPort))
		get(first.Owner).attrs[key] = fmt.Sprintf("%s:%s", first.Addr, portRange(first.Port, last.Port))
		i = j
	}
}

func continues(a, b model.PublishedPort) bool {
	return a.Owner == b.Owner && a.Protocol == b.Protocol && a.HostIP == b.HostIP && a.Addr == b.Addr &&
		b.HostPort == a.HostPort+1 && b.Port == a.Port+1
}

func portRange(first, last uint16) string {
	if first == last {
		return strconv.Itoa(int(first))
	}
	return fmt.Sprintf("%d-%d", first, last)
}

func hostIP(a netip.Addr) string {
	if !a.IsValid() {
		return "0.0.0.0"
	}
	return a.String()
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
