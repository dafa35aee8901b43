package linux

import (
	"fmt"
	"net/netip"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/netplan-dev/netplan/model"
)

func sampleRecord() *recordFile {
	pfx := netip.MustParsePrefix
	return &recordFile{Version: recordVersion, Stack: "lab one", Firewall: &firewallAt{Gen: 41, State: &model.Firewall{
		Table: "netplan-lab",
		Rules: []string{`chain nat-pre { type nat hook prerouting priority -100; }`, `fib daddr type local dnat ip to tcp dport map @ports comment "x \" y"`},
		Sets:  map[string][]string{"bridges": {"np-a", "np-b"}, "empty": nil},
		Ports: []model.PublishedPort{
			{Owner: "container.web", Protocol: "tcp", HostIP: netip.IPv4Unspecified(), HostPort: 8080, Addr: netip.MustParseAddr("10.0.0.2"), Port: 80},
			{Owner: "container.dns", Protocol: "udp", HostIP: netip.MustParseAddr("127.0.0.1"), HostPort: 53, Addr: netip.MustParseAddr("10.0.0.3"), Port: 53},
		},
	}}, Netns: map[string]nsRecord{
		"web": {Dev: 4, Ino: 4026532291, Peers: map[string]int{"eth0": 17, "eth1": 19}, Inner: map[string]int{"eth0": 2, "eth1": 3},
			Netns: &model.Netns{Owner: "container.web", Name: "web", LoUp: true, Gateway: netip.MustParseAddr("10.0.0.1"), Veths: map[string]*model.Veth{
				"eth0": {Name: "eth0", HostName: "np-lab-web-0", Bridge: "np-a", Hairpin: true, MTU: 1500, MAC: "02:42:0a:00:00:02", Addrs: []netip.Prefix{pfx("10.0.0.2/24")}, Up: true, HostUp: true},
				"eth1": {Name: "eth1", HostName: "np-lab-web-1", Bridge: "np-b", Isolated: true, MTU: 9000, MAC: "02:42:0a:01:00:02", Addrs: []netip.Prefix{pfx("10.1.0.2/24"), pfx("10.1.0.9/24")}},
			}}},
		"none": {Dev: 4, Ino: 4026532300, Peers: map[string]int{}, Inner: map[string]int{},
			Netns: &model.Netns{Owner: "container.none", Name: "none", Veths: map[string]*model.Veth{}}},
	}}
}

// TestRecordCodecRoundTrip: what encodeRecord writes, decodeRecord reads
// back unchanged: quoted strings with spaces and quotes, sets with and
// without elements, the zero address, a firewall known to be absent.
func TestRecordCodecRoundTrip(t *testing.T) {
	noTable := sampleRecord()
	noTable.Firewall.State = nil
	unknown := sampleRecord()
	unknown.Firewall = nil
	for name, f := range map[string]*recordFile{"full": sampleRecord(), "no table": noTable, "firewall unknown": unknown, "1000 namespaces": largeRecord(1000)} {
		t.Run(name, func(t *testing.T) {
			text := encodeRecord(f)
			got, err := decodeRecord(text)
			if err != nil {
				t.Fatalf("decode: %v\n%s", err, text)
			}
			if !reflect.DeepEqual(got, f) {
				t.Fatalf("round trip differs:\n%s\ngot  %+v\nwant %+v", text, got, f)
			}
		})
	}
}

// TestRecordNamespaceOrder: the namespaces' lines, written in runs side by
// side for a large record, come out in name order, each once.
func TestRecordNamespaceOrder(t *testing.T) {
	for _, n := range []int{1, recordChunkMin*2 - 1, recordChunkMin*2 + 1, 1000} {
		var names []string
		for line := range strings.Lines(string(encodeRecord(largeRecord(n)))) {
			if rest, ok := strings.CutPrefix(line, "netns "); ok {
				names = append(names, strings.Fields(rest)[0])
			}
		}
		want := make([]string, 0, n+2)
		for name := range largeRecord(n).Netns {
			want = append(want, strconv.Quote(name))
		}
		slices.Sort(want)
		if !slices.Equal(names, want) {
			t.Errorf("%d namespaces: lines for %d namespaces, out of order or repeated", n, len(names))
		}
	}
}

// TestRecordWriterQuotesAsGo: the writer's shortcuts write what
// strconv.Quote of the text would, which is what the decoder unquotes.
func TestRecordWriterQuotesAsGo(t *testing.T) {
	for _, s := range []string{"", "plain", "with space", `q"uote`, `back\slash`, "tab\t", "ünï", "\x7f", "~", "\x00"} {
		if got, want := string((&recordWriter{}).str(s).b), " "+strconv.Quote(s); got != want {
			t.Errorf("str(%q) = %s, want %s", s, got, want)
		}
	}
	for _, a := range []netip.Addr{{}, netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("fd00::1"), netip.MustParseAddr("::ffff:10.0.0.1")} {
		if got, want := string((&recordWriter{}).addr(a).b), string((&recordWriter{}).str(addrText(a)).b); got != want {
			t.Errorf("addr(%v) = %s, want %s", a, got, want)
		}
	}
	for _, ps := range [][]netip.Prefix{nil, {netip.MustParsePrefix("10.0.0.2/24")}, {netip.MustParsePrefix("10.0.0.2/24"), netip.MustParsePrefix("fd00::2/64")}, {{}}} {
		if got, want := string((&recordWriter{}).prefixes(ps).b), string((&recordWriter{}).str(prefixesText(ps)).b); got != want {
			t.Errorf("prefixes(%v) = %s, want %s", ps, got, want)
		}
	}
}

// largeRecord is sampleRecord with n more containers like its web one.
func largeRecord(n int) *recordFile {
	f := sampleRecord()
	web := f.Netns["web"]
	for i := range n {
		name := fmt.Sprintf("c%04d", i)
		r := web
		r.Ino += uint64(i)
		r.Peers, r.Inner = map[string]int{"eth0": 100 + i}, map[string]int{"eth0": 2}
		r.Netns = &model.Netns{Owner: "container." + name, Name: name, LoUp: true, Gateway: web.Netns.Gateway, Veths: map[string]*model.Veth{"eth0": web.Netns.Veths["eth0"]}}
		f.Netns[name] = r
	}
	return f
}

// TestRecordCodecRejects: a damaged record is an error naming the line,
// never a partial record.
func TestRecordCodecRejects(t *testing.T) {
	head := "netplan-record 1 \"s\"\n"
	cases := []struct{ name, text, want string }{
		{"empty", "", "not a netplan record"},
		{"other file", "hello\n", "not a netplan record"},
		{"unquoted stack", "netplan-record 1 s\n", "line 1: want a quoted string"},
		{"unknown line", head + "route x\n", `line 2: unknown line "route"`},
		{"veth first", head + `veth "eth0" 1 2 "" "" 0 0 1500 "" 1 1 ""` + "\n", "line 2: veth before its netns"},
		{"element of no set", head + "firewall 3\ntable \"t\"\nelem \"s\" \"x\"\n", `line 4: element of undeclared set "s"`},
		{"rule without table", head + "firewall 3\nrule \"r\"\n", "line 3: rule before its table"},
		{"extra field", head + "firewall 3 4\n", `line 2: extra fields`},
		{"bad bit", head + `netns "n" 1 2 "container.n" 2 ""` + "\n", `line 2: want 0 or 1, got "2"`},
		{"bad port", head + "firewall 3\ntable \"t\"\nport \"o\" \"tcp\" \"\" 70000 \"\" 1\n", "line 4: port 70000 out of range"},
		{"bad address", head + `netns "n" 1 2 "container.n" 1 "10.0.0"` + "\n", "line 2: ParseAddr"},
		{"cut short", head + `netns "n" 1 2 "container.n`, "line 2: want a quoted string"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := decodeRecord([]byte(c.text))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("decode = %+v, %v; want an error with %q", f, err, c.want)
			}
		})
	}
}

// FuzzRecordCodec: decoding never panics, and what decodes encodes to a
// text that decodes to the same record.
func FuzzRecordCodec(f *testing.F) {
	f.Add(encodeRecord(sampleRecord()))
	f.Add([]byte("netplan-record 1 \"s\"\nfirewall 1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rec, err := decodeRecord(data)
		if err != nil {
			return
		}
		again, err := decodeRecord(encodeRecord(rec))
		if err != nil {
			t.Fatalf("re-decode: %v", err)
		}
		if !reflect.DeepEqual(again, rec) {
			t.Fatalf("round trip differs:\n%+v\n%+v", again, rec)
		}
	})
}

// BenchmarkRecordCodec: a record of 1000 containers, each publishing a
// port, written and read back.
func BenchmarkRecordCodec(b *testing.B) {
	f := largeRecord(1000)
	for i := range 1000 {
		f.Firewall.State.Ports = append(f.Firewall.State.Ports, model.PublishedPort{Owner: fmt.Sprintf("container.c%04d", i), Protocol: "tcp", HostIP: netip.IPv4Unspecified(), HostPort: uint16(20000 + i), Addr: netip.MustParseAddr("10.0.3.4"), Port: 80})
	}
	text := encodeRecord(f)
	b.Run("encode", func(b *testing.B) {
		for b.Loop() {
			encodeRecord(f)
		}
	})
	b.Run(fmt.Sprintf("decode-%dKB", len(text)>>10), func(b *testing.B) {
		for b.Loop() {
			if _, err := decodeRecord(text); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// addrText and prefixesText are the plain forms recordWriter.addr and
// recordWriter.prefixes write without building.
func addrText(a netip.Addr) string {
	b, _ := a.MarshalText()
	return string(b)
}

func prefixesText(ps []netip.Prefix) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.String()
	}
	return strings.Join(parts, ",")
}
