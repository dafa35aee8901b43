package planner

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/netip"
	"slices"
	"testing"

	"github.com/netplan-dev/netplan/model"
	"github.com/netplan-dev/netplan/planner/plannertest"
)

// jsonFingerprint is how fingerprints were first computed: the JSON of a
// sorted copy. Saved plans carry such hashes, so fingerprint must agree.
func jsonFingerprint(s *model.State) string {
	if s == nil {
		s = model.NewState("")
	}
	c := s.Clone()
	for _, b := range c.Bridges {
		slices.SortFunc(b.Addrs, comparePrefix)
	}
	for _, n := range c.Netns {
		for _, v := range n.Veths {
			slices.SortFunc(v.Addrs, comparePrefix)
		}
	}
	if c.Firewall != nil {
		for _, v := range c.Firewall.Sets {
			slices.Sort(v)
		}
		slices.SortFunc(c.Firewall.Ports, comparePort)
	}
	b, err := json.Marshal(c)
	if err != nil {
		panic(err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func TestFingerprintIsJSON(t *testing.T) {
	demo := applied(t, plannertest.Demo("t"))
	p := netip.MustParsePrefix
	cases := map[string]func(s *model.State){
		"demo": func(s *model.State) {},
		"empty": func(s *model.State) {
			*s = *model.NewState("")
		},
		"nil maps": func(s *model.State) {
			s.Bridges, s.Netns, s.Sysctls, s.Firewall = nil, nil, nil, nil
		},
		"nil veths and addrs": func(s *model.State) {
			s.Netns["web"].Veths = nil
			s.Bridges["np-back"].Addrs = nil
		},
		"empty slices": func(s *model.State) {
			s.Bridges["np-back"].Addrs = []netip.Prefix{}
			s.Firewall.Rules, s.Firewall.Ports = []string{}, []model.PublishedPort{}
			s.Firewall.Sets["empty"] = []string{}
			s.Firewall.Sets["nil"] = nil
		},
		"nil and empty sets": func(s *model.State) { s.Firewall.Sets = nil },
		"no sets":            func(s *model.State) { s.Firewall.Sets = map[string][]string{} },
		"unsorted": func(s *model.State) {
			s.Bridges["np-back"].Addrs = []netip.Prefix{p("10.0.0.9/24"), p("10.0.0.1/24"), p("10.0.0.1/16")}
			s.Netns["web"].Veths["eth0"].Addrs = []netip.Prefix{p("10.0.0.3/8"), p("10.0.0.2/8")}
			slices.Reverse(s.Firewall.Ports)
			s.Firewall.Sets["bridges"] = []string{"z", "a", "m"}
		},
		"zero and odd addresses": func(s *model.State) {
			s.Netns["web"].Gateway = netip.Addr{}
			s.Netns["db"].Gateway = netip.MustParseAddr("fe80::1%eth<0>")
			s.Firewall.Ports[0].HostIP = netip.Addr{}
			s.Firewall.Ports[1].Addr = netip.MustParseAddr("::ffff:10.0.0.1")
			s.Bridges["np-back"].Addrs = []netip.Prefix{{}, p("2001:db8::/64")}
		},
		"escaped strings": func(s *model.State) {
			s.Stack = "a\"b\\c<d>&e\x01\t\n\u2028é\xff"
			s.Sysctls["net.<key>"] = "va&lue"
			s.Firewall.Rules = append(s.Firewall.Rules, `ip saddr "x" <script>`, "\u2029")
			s.Netns["web"].Veths["eth0"].MAC = "ÄB"
		},
	}
	for name, edit := range cases {
		t.Run(name, func(t *testing.T) {
			s := demo.Clone()
			edit(s)
			if got, want := fingerprint(s), jsonFingerprint(s); got != want {
				t.Errorf("fingerprint = %s, JSON hash = %s", got, want)
			}
		})
	}
	if got, want := fingerprint(nil), jsonFingerprint(nil); got != want {
		t.Errorf("fingerprint(nil) = %s, JSON hash = %s", got, want)
	}
}

// TestFingerprintLarge crosses the encoder's flush size many times.
func TestFingerprintLarge(t *testing.T) {
	s := applied(t, bench1000(1000))
	if got, want := fingerprint(s), jsonFingerprint(s); got != want {
		t.Errorf("fingerprint = %s, JSON hash = %s", got, want)
	}
}
