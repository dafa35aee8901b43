package planner

import (
	"encoding/json"
	"net/netip"
	"slices"
	"strconv"

	"github.com/netplan-dev/netplan/model"
)

// The JSON primitives of stateEncoder, each writing what encoding/json
// writes for the same Go value.

func (e *stateEncoder) raw(s string) { e.buf = append(e.buf, s...) }

// key starts the i-th member of an object.
func (e *stateEncoder) key(i int, k string) {
	if i > 0 {
		e.raw(",")
	}
	e.str(k)
	e.raw(":")
}

func (e *stateEncoder) int(n int) { e.buf = strconv.AppendInt(e.buf, int64(n), 10) }

func (e *stateEncoder) bool(b bool) { e.buf = strconv.AppendBool(e.buf, b) }

func (e *stateEncoder) str(s string) { e.buf = appendJSONString(e.buf, s) }

func (e *stateEncoder) strs(ss []string) {
	if ss == nil {
		e.raw("null")
		return
	}
	e.raw("[")
	for i, s := range ss {
		if i > 0 {
			e.raw(",")
		}
		e.str(s)
	}
	e.raw("]")
}

// addr and prefix: netip values marshal as their text, where the zero
// value is "" (not String's "invalid IP").
func (e *stateEncoder) addr(a netip.Addr) {
	var b [64]byte
	t, _ := a.AppendText(b[:0])
	e.buf = appendJSONString(e.buf, t)
}

func (e *stateEncoder) prefixes(ps []netip.Prefix) {
	if ps == nil {
		e.raw("null")
		return
	}
	if !slices.IsSortedFunc(ps, comparePrefix) {
		ps = slices.SortedFunc(slices.Values(ps), comparePrefix)
	}
	e.raw("[")
	for i, p := range ps {
		if i > 0 {
			e.raw(",")
		}
		var b [64]byte
		t, _ := p.AppendText(b[:0])
		e.buf = appendJSONString(e.buf, t)
	}
	e.raw("]")
}

// appendJSONString quotes s as encoding/json does (HTML-safe). Names,
// addresses and rules are plain ASCII, written as they are; anything else
// is left to encoding/json itself.
func appendJSONString[T string | []byte](b []byte, s T) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, err := json.Marshal(string(s))
			if err != nil {
				panic("planner: encode string: " + err.Error()) // a string always encodes
			}
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// sortedStrings and sortedPorts return the slice itself when it is already
// in canonical order (the usual case), else a sorted copy: the State they
// come from is never written to. nil stays nil: it encodes as null.
func sortedStrings(ss []string) []string {
	if slices.IsSorted(ss) {
		return ss
	}
	return slices.Sorted(slices.Values(ss))
}

func sortedPorts(ps []model.PublishedPort) []model.PublishedPort {
	if slices.IsSortedFunc(ps, comparePort) {
		return ps
	}
	return slices.SortedFunc(slices.Values(ps), comparePort)
}

// appendSortedKeys appends m's keys to dst in order. With a small array
// behind dst (a namespace has one or two veths) it allocates nothing.
func appendSortedKeys[V any](dst []string, m map[string]V) []string {
	for k := range m {
		dst = append(dst, k)
	}
	slices.Sort(dst)
	return dst
}
