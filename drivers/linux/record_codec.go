package linux

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"maps"
	"net/netip"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/netplan-dev/netplan/model"
)

// A record is written as lines of space-separated fields, strings quoted
// as Go quotes them, one line per namespace, veth, rule, set element and
// published port:
//
//	netplan-record 1 "stack"
//	firewall GEN            the firewall known at generation GEN...
//	table "name"            ...and its table, when there is one
//	rule "text"
//	set "name"
//	elem "set" "element"
//	port "owner" "proto" "host ip" HOSTPORT "addr" PORT
//	netns "name" DEV INO "owner" LOUP "gateway"
//	veth "name" PEER INNER "host name" "bridge" HAIRPIN ISOLATED MTU "mac" UP HOSTUP "addrs"
//
// (a veth belongs to the netns line before it; PEER and INNER are -1 when
// the record has none). encoding/gob did the same job at twice the cost,
// and its package initialisation (0.7 ms) ran at the start of every
// command. A record of 1000 containers, each publishing a port (199 KB),
// encodes in 1.0-1.2 ms and decodes in 3.0-3.4 (BenchmarkRecordCodec).

const recordMagic = "netplan-record"

func encodeRecord(f *recordFile) []byte {
	// The firewall's lines and the namespaces' take about half the time
	// each at the end of every apply (1000 containers: 1.8 ms on one CPU),
	// so the header and firewall, and each run of namespaces, are written
	// side by side and joined in order: the same bytes as one writer's.
	names := slices.Sorted(maps.Keys(f.Netns))
	runs := recordChunks(len(names))
	out := make([][]byte, 1+len(runs))
	var wg sync.WaitGroup
	wg.Go(func() { out[0] = encodeHead(f) })
	for i, r := range runs {
		wg.Go(func() {
			w := &recordWriter{b: make([]byte, 0, 200*(r[1]-r[0]))}
			encodeNamespaces(w, f, names[r[0]:r[1]])
			out[1+i] = w.b
		})
	}
	wg.Wait()
	return bytes.Join(out, nil)
}

// encodeHead writes the record's first line and its firewall.
func encodeHead(f *recordFile) []byte {
	w := &recordWriter{b: make([]byte, 0, 64)}
	w.word(recordMagic).num(int64(f.Version)).str(f.Stack).end()
	fw := f.Firewall
	if fw == nil {
		return w.b
	}
	w.word("firewall").num(int64(fw.Gen)).end()
	s := fw.State
	if s == nil {
		return w.b
	}
	w.word("table").str(s.Table).end()
	for _, r := range s.Rules {
		w.word("rule").str(r).end()
	}
	for _, name := range slices.Sorted(maps.Keys(s.Sets)) {
		w.word("set").str(name).end()
		for _, e := range s.Sets[name] {
			w.word("elem").str(name).str(e).end()
		}
	}
	for _, p := range s.Ports {
		w.word("port").str(p.Owner).str(p.Protocol).addr(p.HostIP).num(int64(p.HostPort)).addr(p.Addr).num(int64(p.Port)).end()
	}
	return w.b
}

// recordChunkMin is the fewest namespaces worth a goroutine of their own.
const recordChunkMin = 256

// recordChunks splits n namespaces into runs [start, end), one per CPU at
// most, each at least recordChunkMin long (one run for fewer).
func recordChunks(n int) [][2]int {
	k := max(1, min(runtime.GOMAXPROCS(0), n/recordChunkMin))
	out := make([][2]int, 0, k)
	for i := range k {
		out = append(out, [2]int{i * n / k, (i + 1) * n / k})
	}
	return out
}

// encodeNamespaces writes the lines of the namespaces names, in order.
func encodeNamespaces(w *recordWriter, f *recordFile, names []string) {
	var ifaces []string
	for _, name := range names {
		r := f.Netns[name]
		n := r.Netns
		if n == nil {
			continue
		}
		w.word("netns").str(name).unum(r.Dev).unum(r.Ino).str(n.Owner).flag(n.LoUp).addr(n.Gateway).end()
		ifaces = ifaces[:0]
		for iface := range n.Veths {
			ifaces = append(ifaces, iface)
		}
		slices.Sort(ifaces)
		for _, iface := range ifaces {
			v := n.Veths[iface]
			peer, inner := -1, -1
			if p, ok := r.Peers[iface]; ok {
				peer = p
			}
			if i, ok := r.Inner[iface]; ok {
				inner = i
			}
			w.word("veth").str(iface).num(int64(peer)).num(int64(inner)).str(v.HostName).str(v.Bridge).
				flag(v.Hairpin).flag(v.Isolated).num(int64(v.MTU)).str(v.MAC).flag(v.Up).flag(v.HostUp).prefixes(v.Addrs).end()
		}
	}
}

// recordWriter appends one line's fields: on one goroutine 1.5 ms for 1000
// containers where fmt.Fprintf took 2.6, before str stopped quoting plain
// text rune by rune (BenchmarkRecordCodec).
type recordWriter struct{ b []byte }

func (w *recordWriter) word(s string) *recordWriter { w.b = append(w.b, s...); return w }
func (w *recordWriter) str(s string) *recordWriter {
	w.b = append(w.b, ' ')
	if !plainASCII(s) {
		w.b = strconv.AppendQuote(w.b, s)
		return w
	}
	// What strconv.Quote makes of it, without its per-rune checks (two
	// fifths of the encoding's time).
	w.b = append(append(append(w.b, '"'), s...), '"')
	return w
}

// plainASCII says whether s is printable ASCII without a quote or a
// backslash: what Go quotes by wrapping in quotes alone.
func plainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c > '~' || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// addr writes a quoted as str would, "" for the zero Addr (netip's
// MarshalText), without making a string of it first.
func (w *recordWriter) addr(a netip.Addr) *recordWriter {
	w.b = append(a.AppendTo(append(w.b, ' ', '"')), '"')
	return w
}

// prefixes writes ps quoted as one field, comma-separated.
func (w *recordWriter) prefixes(ps []netip.Prefix) *recordWriter {
	w.b = append(w.b, ' ', '"')
	for i, p := range ps {
		if i > 0 {
			w.b = append(w.b, ',')
		}
		if p.IsValid() {
			w.b = p.AppendTo(w.b)
		} else {
			w.b = append(w.b, p.String()...)
		}
	}
	w.b = append(w.b, '"')
	return w
}

func (w *recordWriter) num(n int64) *recordWriter {
	w.b = strconv.AppendInt(append(w.b, ' '), n, 10)
	return w
}
func (w *recordWriter) unum(n uint64) *recordWriter {
	w.b = strconv.AppendUint(append(w.b, ' '), n, 10)
	return w
}
func (w *recordWriter) flag(v bool) *recordWriter { return w.num(int64(bit(v))) }
func (w *recordWriter) end()                      { w.b = append(w.b, '\n') }

// decodeHeader reads a record's first line.
func decodeHeader(data []byte) (version int, stack string, err error) {
	first, _, _ := bytes.Cut(data, []byte("\n"))
	t := &tokens{rest: string(first)}
	if t.word() != recordMagic {
		return 0, "", errors.New("not a netplan record")
	}
	version, stack = t.int(), t.str()
	return version, stack, t.end()
}

func decodeRecord(data []byte) (*recordFile, error) { return decodeRecordPart(data, false) }

// decodeRecordPart decodes a record, or with firewallOnly its header and
// firewall, stopping where the namespaces start.
func decodeRecordPart(data []byte, firewallOnly bool) (*recordFile, error) {
	f := &recordFile{Netns: map[string]nsRecord{}}
	var (
		last    *nsRecord
		lastKey string
	)
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for line := 1; sc.Scan(); line++ {
		t := &tokens{rest: sc.Text()}
		kind := t.word()
		if kind == "netns" && firewallOnly {
			break
		}
		if line == 1 {
			if kind != recordMagic {
				return nil, errors.New("not a netplan record")
			}
			f.Version, f.Stack = t.int(), t.str()
			if err := t.end(); err != nil {
				return nil, fmt.Errorf("line %d: %w", line, err)
			}
			continue
		}
		fw := f.Firewall
		needTable := func() *model.Firewall {
			if fw == nil || fw.State == nil {
				t.fail("%s before its table", kind)
				return &model.Firewall{}
			}
			return fw.State
		}
		switch kind {
		case "firewall":
			f.Firewall = &firewallAt{Gen: uint32(t.int())}
		case "table":
			if fw == nil {
				t.fail("table before firewall")
				break
			}
			fw.State = &model.Firewall{Table: t.str()}
		case "rule":
			s := needTable()
			s.Rules = append(s.Rules, t.str())
		case "set":
			s := needTable()
			if s.Sets == nil {
				s.Sets = map[string][]string{}
			}
			s.Sets[t.str()] = nil
		case "elem":
			s := needTable()
			name, elem := t.str(), t.str()
			if _, ok := s.Sets[name]; !ok {
				t.fail("element of undeclared set %q", name)
				break
			}
			s.Sets[name] = append(s.Sets[name], elem)
		case "port":
			s := needTable()
			s.Ports = append(s.Ports, model.PublishedPort{Owner: t.str(), Protocol: t.str(), HostIP: t.addr(), HostPort: t.port(), Addr: t.addr(), Port: t.port()})
		case "netns":
			if last != nil {
				f.Netns[lastKey] = *last
			}
			lastKey = t.str()
			last = &nsRecord{Dev: uint64(t.int()), Ino: uint64(t.int()), Peers: map[string]int{}, Inner: map[string]int{}}
			last.Netns = &model.Netns{Name: lastKey, Owner: t.str(), LoUp: t.bit(), Gateway: t.addr(), Veths: map[string]*model.Veth{}}
		case "veth":
			if last == nil {
				t.fail("veth before its netns")
				break
			}
			v := &model.Veth{Name: t.str()}
			if peer := t.int(); peer >= 0 {
				last.Peers[v.Name] = peer
			}
			if inner := t.int(); inner >= 0 {
				last.Inner[v.Name] = inner
			}
			v.HostName, v.Bridge, v.Hairpin, v.Isolated = t.str(), t.str(), t.bit(), t.bit()
			v.MTU, v.MAC, v.Up, v.HostUp, v.Addrs = t.int(), t.str(), t.bit(), t.bit(), t.prefixes()
			last.Netns.Veths[v.Name] = v
		default:
			t.fail("unknown line %q", kind)
		}
		if err := t.end(); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if f.Version == 0 {
		return nil, errors.New("not a netplan record")
	}
	if last != nil {
		f.Netns[lastKey] = *last
	}
	return f, nil
}

// tokens reads the fields of one line; the first error sticks.
type tokens struct {
	rest string
	err  error
}

func (t *tokens) fail(format string, args ...any) {
	if t.err == nil {
		t.err = fmt.Errorf(format, args...)
	}
}

func (t *tokens) word() string {
	t.rest = strings.TrimLeft(t.rest, " ")
	w, rest, _ := strings.Cut(t.rest, " ")
	if w == "" {
		t.fail("missing field")
	}
	t.rest = rest
	return w
}

func (t *tokens) str() string {
	t.rest = strings.TrimLeft(t.rest, " ")
	quoted, err := strconv.QuotedPrefix(t.rest)
	if err != nil {
		t.fail("want a quoted string at %.20q", t.rest)
		return ""
	}
	t.rest = t.rest[len(quoted):]
	s, err := strconv.Unquote(quoted)
	if err != nil {
		t.fail("bad string %s", quoted)
	}
	return s
}

func (t *tokens) int() int {
	w := t.word()
	n, err := strconv.Atoi(w)
	if err != nil {
		t.fail("want a number, got %q", w)
	}
	return n
}

func (t *tokens) port() uint16 {
	n := t.int()
	if n < 0 || n > 65535 {
		t.fail("port %d out of range", n)
	}
	return uint16(n)
}

func (t *tokens) bit() bool {
	switch w := t.word(); w {
	case "0":
		return false
	case "1":
		return true
	default:
		t.fail("want 0 or 1, got %q", w)
		return false
	}
}

func (t *tokens) addr() netip.Addr {
	var a netip.Addr
	if err := a.UnmarshalText([]byte(t.str())); err != nil {
		t.fail("%v", err)
	}
	return a
}

func (t *tokens) prefixes() []netip.Prefix {
	s := t.str()
	if s == "" {
		return nil
	}
	var out []netip.Prefix
	for _, p := range strings.Split(s, ",") {
		pfx, err := netip.ParsePrefix(p)
		if err != nil {
			t.fail("%v", err)
		}
		out = append(out, pfx)
	}
	return out
}

func (t *tokens) end() error {
	if t.err == nil && strings.TrimSpace(t.rest) != "" {
		t.fail("extra fields %.20q", t.rest)
	}
	return t.err
}

func bit(b bool) int {
	if b {
		return 1
	}
	return 0
}
