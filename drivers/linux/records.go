package linux

import (
	"fmt"
	"maps"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/netplan-dev/netplan/internal/trace"
	"github.com/netplan-dev/netplan/model"
)

// A record is what this process last read inside each of the stack's
// namespaces, for a later run to trust instead of reading it again (see
// drivers.Recorder): reading a namespace takes a socket inside it and three
// requests, 50-70 µs of CPU each, most of a 1000-container plan's work.
//
// The host shows a good deal of a namespace for nothing, since Observe reads
// the host anyway: the mount at /run/netns/NAME (which namespace it is), and
// for each veth its host end, by the index the container end names, with
// that end's name, the index of its peer and its carrier (up only when both
// ends are). A record is trusted while all of that still matches; a
// namespace without veths is always read. What the host cannot show, and a
// trusted record misses: addresses, routes, loopback, names and lo's label
// changed by hand inside a namespace that keeps its veths.
type nsRecord struct {
	Dev, Ino uint64       // the namespace's identity (nsID)
	Netns    *model.Netns // as read; its host ends are joined afresh
	Peers    map[string]int
	Inner    map[string]int
}

// recordVersion changes whenever nsRecord or model.Netns does: a record of
// another version is ignored, and every namespace read.
const recordVersion = 1

type recordFile struct {
	Version  int
	Stack    string
	Netns    map[string]nsRecord
	Firewall *firewallAt // nil when not known (see nft_gen.go)
}

// Record encodes what the last observations read inside the stack's
// namespaces (drivers.Recorder).
func (k *Kernel) Record() ([]byte, error) {
	fw := k.knownFirewall()
	k.mu.Lock()
	f := recordFile{Version: recordVersion, Stack: k.stack, Netns: make(map[string]nsRecord, len(k.records)), Firewall: fw}
	// Host ends are recorded as they were joined; a trusted record gets
	// them afresh (contradicted asks that every veth's end be found).
	maps.Copy(f.Netns, k.records)
	k.mu.Unlock()
	return encodeRecord(&f), nil
}

// Trust makes the next Observe of the record's stack take each namespace
// from rec, as long as the host still agrees with it (drivers.Recorder).
// It checks the record's first line; Observe decodes the rest while it
// reads the host, and reads everything when the rest does not decode.
func (k *Kernel) Trust(rec []byte) error { return k.takeRecord(rec, false) }

// Recall hands rec to the next Observe of its stack for its firewall only,
// which that Observe takes when nftables' generation is still the one the
// record holds: every commit in the namespace, by anyone, moves it, so the
// table is then exactly as recorded, and reading it again (1000 published
// ports: 5 ms of a CPU) would find the same. The namespaces are read.
func (k *Kernel) Recall(rec []byte) error { return k.takeRecord(rec, true) }

func (k *Kernel) takeRecord(rec []byte, firewallOnly bool) error {
	version, stack, err := decodeHeader(rec)
	if err != nil {
		return fmt.Errorf("decode record: %w", err)
	}
	if version != recordVersion {
		return fmt.Errorf("record of version %d, not %d", version, recordVersion)
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.trusted = &pendingRecord{stack: stack, text: rec, firewallOnly: firewallOnly}
	return nil
}

// pendingRecord is a record handed to Trust or Recall, decoded by the
// Observe that takes it.
type pendingRecord struct {
	stack        string
	text         []byte
	firewallOnly bool // Recall's: the record's namespaces are not decoded
	done         chan struct{}
	f            *recordFile // once done is closed; nil when the record did not decode
}

// takeTrusted hands the record Trust or Recall gave for stack to one
// Observe (of a recalled one, only the firewall is decoded), which
// starts decoding it: the observations after it (verifying, rolling back)
// read what they read. nil when there is none for stack.
func (k *Kernel) takeTrusted(stack string) *pendingRecord {
	k.mu.Lock()
	p := k.trusted
	k.trusted = nil
	k.mu.Unlock()
	if p == nil || p.stack != stack {
		return nil
	}
	p.done = make(chan struct{})
	go func() {
		defer close(p.done)
		f, err := decodeRecordPart(p.text, p.firewallOnly)
		if err != nil {
			trace.Line("record not used: " + err.Error())
			return
		}
		p.f = f
	}()
	return p
}

// decoded waits for the record and returns what it holds; nothing for a
// nil or undecodable record.
func (p *pendingRecord) decoded() (map[string]nsRecord, *firewallAt) {
	if p == nil {
		return nil, nil
	}
	<-p.done
	if p.f == nil {
		return nil, nil
	}
	return p.f.Netns, p.f.Firewall
}

// remember records the stack's namespaces among views; with all, views are
// every namespace there is, and records of the others go.
func (k *Kernel) remember(views []nsView, all bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if all || k.records == nil {
		k.records = make(map[string]nsRecord, len(views))
	}
	for _, v := range views {
		if v.state == nil || v.absent || v.err != nil {
			delete(k.records, v.name)
			continue
		}
		k.records[v.name] = nsRecord{Dev: v.id.dev, Ino: v.id.ino, Netns: v.state, Peers: v.peers, Inner: v.inner}
	}
}

// forgetRecords drops the records of names, which an observation of parts
// read again and may not have found.
func (k *Kernel) forgetRecords(names []string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, name := range names {
		delete(k.records, name)
	}
}

// recordedView is the view rec gives of the namespace mounted at name, when
// the mount still holds the namespace recorded.
func recordedView(name, stack string, rec nsRecord) (nsView, bool) {
	var st unix.Stat_t
	if rec.Netns == nil || unix.Stat(netnsDir+"/"+name, &st) != nil || nsIDOf(&st) != (nsID{rec.Dev, rec.Ino}) {
		return nsView{}, false
	}
	// The record was decoded for this observation alone: its Netns is
	// this view's to keep.
	n := rec.Netns
	return nsView{name: name, label: model.Label(stack, n.Owner), state: n, id: nsIDOf(&st), peers: rec.Peers, inner: rec.Inner, recorded: true}, true
}

// contradicted says whether the host disagrees with a recorded view: every
// veth's host end must be the port the record names, with the planner's name
// for it, the container end as its peer, and a carrier that matches the
// container end's state (which an end that is down cannot show).
func contradicted(v nsView, hv *hostView, stack string) bool {
	container, isContainer := strings.CutPrefix(v.state.Owner, model.ContainerAddress(""))
	if !isContainer || len(v.state.Veths) == 0 {
		return true
	}
	for iface, veth := range v.state.Veths {
		host, named := v.peers[iface]
		p, isPort := hv.ports[host]
		if !named || !isPort || p.Name != model.HostVethName(stack, container, iface) ||
			p.Peer != v.inner[iface] || !p.Up || p.Carrier != veth.Up {
			return true
		}
	}
	return false
}
