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

// list writes a slice of n elements as encoding/json does: null when the
// slice is nil, else each element, written by elem, between brackets.
func (e *stateEncoder) list(isNil bool, n int, elem func(i int)) {
	if isNil {
		e.raw("null")
		return
	}
	e.raw("[")
	for i := range n {
		if i > 0 {
			e.raw(",")
		}
		elem(i)
	}
	e.raw("]")
}

func (e *stateEncoder) strs(ss []string) {
	e.list(ss == nil, len(ss), func(i int) { e.str(ss[i]) })
}

// addr and prefix: netip values marshal as their text, where the zero
// value is "" (not String's "invalid IP").
func (e *stateEncoder) addr(a netip.Addr) {
	var b [64]byte
	t, _ := a.AppendText(b[:0])
	e.buf = appendJSONString(e.buf, t)
}

func (e *stateEncoder) prefixes(ps []netip.Prefix) {
	if ps != nil && !slices.IsSortedFunc(ps, comparePrefix) {
		ps = slices.SortedFunc(slices.Values(ps), comparePrefix)
	}
	e.list(ps == nil, len(ps), func(i int) {
		var b [64]byte
		t, _ := ps[i].AppendText(b[:0])
		e.buf = appendJSONString(e.buf, t)
	})
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
