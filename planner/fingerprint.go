package planner

import (
	"crypto/sha256"
	"encoding/hex"
	"hash"

	"github.com/netplan-dev/netplan/model"
)

// fingerprint hashes the canonical JSON of s: the bytes json.Marshal gives
// for s with every order-free slice sorted (encoding/json sorts map keys).
// Saved plans carry this hash and apply compares it with a fresh one, so the
// bytes must not change. They are written by stateEncoder instead of
// json.Marshal of a sorted copy: on 1000 containers the copy and the
// reflection cost more than the rest of a no-op plan (TestFingerprintIsJSON
// holds the two to the same bytes).
func fingerprint(s *model.State) string {
	if s == nil {
		s = model.NewState("")
	}
	return hashState(s, sortedKeys(s.Netns))
}

// hashState is fingerprint given s's namespace names in order.
func hashState(s *model.State, netns []string) string {
	e := &stateEncoder{h: sha256.New(), buf: make([]byte, 0, encoderFlush+512)}
	e.state(s, netns)
	e.flush()
	return hex.EncodeToString(e.h.Sum(nil))
}

// encoderFlush is how many bytes stateEncoder collects before hashing them:
// the JSON of a large stack is never held whole.
const encoderFlush = 8 << 10

// stateEncoder writes a State's canonical JSON into a hash.
type stateEncoder struct {
	h   hash.Hash
	buf []byte
}

func (e *stateEncoder) flush() {
	e.h.Write(e.buf)
	e.buf = e.buf[:0]
}

// maybeFlush is called between objects, so buf stays about encoderFlush long.
func (e *stateEncoder) maybeFlush() {
	if len(e.buf) >= encoderFlush {
		e.flush()
	}
}

func (e *stateEncoder) state(s *model.State, netns []string) {
	e.raw(`{"Stack":`)
	e.str(s.Stack)
	// canonical went through State.Clone, which makes every map: a nil one
	// encodes as {} like an empty one.
	e.raw(`,"Bridges":{`)
	for i, name := range sortedKeys(s.Bridges) {
		e.key(i, name)
		e.bridge(s.Bridges[name])
	}
	e.raw(`},"Netns":{`)
	for i, name := range netns {
		e.key(i, name)
		e.netns(s.Netns[name])
		e.maybeFlush()
	}
	e.raw(`},"Sysctls":{`)
	for i, k := range sortedKeys(s.Sysctls) {
		e.key(i, k)
		e.str(s.Sysctls[k])
	}
	e.raw(`},"Firewall":`)
	e.firewall(s.Firewall)
	e.raw(`}`)
}

func (e *stateEncoder) bridge(b *model.Bridge) {
	if b == nil {
		e.raw("null")
		return
	}
	e.raw(`{"Owner":`)
	e.str(b.Owner)
	e.raw(`,"Name":`)
	e.str(b.Name)
	e.raw(`,"MTU":`)
	e.int(b.MTU)
	e.raw(`,"MAC":`)
	e.str(b.MAC)
	e.raw(`,"Up":`)
	e.bool(b.Up)
	e.raw(`,"Addrs":`)
	e.prefixes(b.Addrs)
	e.raw(`}`)
}

func (e *stateEncoder) netns(n *model.Netns) {
	if n == nil {
		e.raw("null")
		return
	}
	e.raw(`{"Owner":`)
	e.str(n.Owner)
	e.raw(`,"Name":`)
	e.str(n.Name)
	e.raw(`,"LoUp":`)
	e.bool(n.LoUp)
	e.raw(`,"Veths":{`)
	var buf [4]string
	for i, iface := range appendSortedKeys(buf[:0], n.Veths) {
		e.key(i, iface)
		e.veth(n.Veths[iface])
	}
	e.raw(`},"Gateway":`)
	e.addr(n.Gateway)
	e.raw(`}`)
}

func (e *stateEncoder) veth(v *model.Veth) {
	if v == nil {
		e.raw("null")
		return
	}
	e.raw(`{"Name":`)
	e.str(v.Name)
	e.raw(`,"HostName":`)
	e.str(v.HostName)
	e.raw(`,"Bridge":`)
	e.str(v.Bridge)
	e.raw(`,"Hairpin":`)
	e.bool(v.Hairpin)
	e.raw(`,"Isolated":`)
	e.bool(v.Isolated)
	e.raw(`,"MTU":`)
	e.int(v.MTU)
	e.raw(`,"MAC":`)
	e.str(v.MAC)
	e.raw(`,"Addrs":`)
	e.prefixes(v.Addrs)
	e.raw(`,"Up":`)
	e.bool(v.Up)
	e.raw(`,"HostUp":`)
	e.bool(v.HostUp)
	e.raw(`}`)
}

func (e *stateEncoder) firewall(f *model.Firewall) {
	if f == nil {
		e.raw("null")
		return
	}
	e.raw(`{"Table":`)
	e.str(f.Table)
	e.raw(`,"Rules":`)
	e.strs(f.Rules)
	e.raw(`,"Sets":`)
	if f.Sets == nil {
		e.raw("null")
	} else {
		e.raw("{")
		for i, name := range sortedKeys(f.Sets) {
			e.key(i, name)
			e.strs(sortedStrings(f.Sets[name]))
		}
		e.raw("}")
	}
	e.raw(`,"Ports":`)
	e.ports(sortedPorts(f.Ports))
	e.raw(`}`)
}

func (e *stateEncoder) ports(ps []model.PublishedPort) {
	e.list(ps == nil, len(ps), func(i int) {
		p := ps[i]
		e.raw(`{"Owner":`)
		e.str(p.Owner)
		e.raw(`,"Protocol":`)
		e.str(p.Protocol)
		e.raw(`,"HostIP":`)
		e.addr(p.HostIP)
		e.raw(`,"HostPort":`)
		e.int(int(p.HostPort))
		e.raw(`,"Addr":`)
		e.addr(p.Addr)
		e.raw(`,"Port":`)
		e.int(int(p.Port))
		e.raw(`}`)
		e.maybeFlush()
	})
}
