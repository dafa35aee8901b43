package linux

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"golang.org/x/sys/unix"
)

// forAttrs calls f with the type (flags masked off) and value of each
// rtnetlink attribute in b, in order, stopping at f's first error. It
// allocates nothing: nl.ParseRouteAttr builds a slice of attributes per
// message, and Observe parses three messages per namespace and one per host
// bridge port.
func forAttrs(b []byte, f func(typ uint16, val []byte) error) error {
	for len(b) >= unix.SizeofRtAttr {
		l := int(binary.NativeEndian.Uint16(b[0:2]))
		typ := binary.NativeEndian.Uint16(b[2:4]) &^ (unix.NLA_F_NESTED | unix.NLA_F_NET_BYTEORDER)
		if l < unix.SizeofRtAttr || l > len(b) {
			return fmt.Errorf("malformed attribute (length %d of %d)", l, len(b))
		}
		if err := f(typ, b[unix.SizeofRtAttr:l]); err != nil {
			return err
		}
		b = b[min(nlmAlign(l), len(b)):]
	}
	return nil
}

// attrString is a string attribute's value up to its first NUL.
func attrString(v []byte) string {
	if i := bytes.IndexByte(v, 0); i >= 0 {
		v = v[:i]
	}
	return string(v)
}
