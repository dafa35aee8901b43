package linux

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/google/nftables"
	"github.com/netplan-dev/netplan/firewall"
	"github.com/netplan-dev/netplan/model"
)

// Set elements travel as canonical strings ("np-front . np-front",
// "127.0.0.1 . tcp . 8080"); these functions turn them into the kernel's
// bytes and back, field by field according to the set's datatypes.

var nftDatatypes = map[string]nftables.SetDatatype{
	"ifname":       nftables.TypeIFName,
	"ipv4_addr":    nftables.TypeIPAddr,
	"inet_proto":   nftables.TypeInetProto,
	"inet_service": nftables.TypeInetService,
}

var protoNumbers = map[string]uint8{"tcp": 6, "udp": 17}

func setDatatype(types []string) (nftables.SetDatatype, error) {
	dts := make([]nftables.SetDatatype, len(types))
	for i, name := range types {
		dt, ok := nftDatatypes[name]
		if !ok {
			return nftables.SetDatatype{}, fmt.Errorf("unsupported set datatype %q", name)
		}
		dts[i] = dt
	}
	if len(dts) == 1 {
		return dts[0], nil
	}
	return nftables.ConcatSetType(dts...)
}

// encodeElement turns "a . b" into key bytes; fields of a concatenation are
// padded to 4-byte registers.
func encodeElement(types []string, elem string) ([]byte, error) {
	fields := strings.Split(elem, " . ")
	if len(fields) != len(types) {
		return nil, fmt.Errorf("element %q: want %d fields", elem, len(types))
	}
	var out []byte
	for i, f := range fields {
		b, err := encodeField(types[i], f)
		if err != nil {
			return nil, fmt.Errorf("element %q: %w", elem, err)
		}
		out = append(out, b...)
		if len(types) > 1 {
			for len(out)%4 != 0 {
				out = append(out, 0)
			}
		}
	}
	return out, nil
}

func encodeField(typ, f string) ([]byte, error) {
	switch typ {
	case "ifname":
		if len(f) == 0 || len(f) >= 16 {
			return nil, fmt.Errorf("bad interface name %q", f)
		}
		b := make([]byte, 16)
		copy(b, f)
		return b, nil
	case "ipv4_addr":
		a, err := netip.ParseAddr(f)
		if err != nil || !a.Is4() {
			return nil, fmt.Errorf("bad IPv4 address %q", f)
		}
		b := a.As4()
		return b[:], nil
	case "inet_proto":
		if n, ok := protoNumbers[f]; ok {
			return []byte{n}, nil
		}
		return nil, fmt.Errorf("bad protocol %q", f)
	case "inet_service":
		n, err := strconv.ParseUint(f, 10, 16)
		if err != nil {
			return nil, fmt.Errorf("bad port %q", f)
		}
		return binary.BigEndian.AppendUint16(nil, uint16(n)), nil
	}
	return nil, fmt.Errorf("unsupported datatype %q", typ)
}

// decodeElement is the inverse of encodeElement.
func decodeElement(types []string, b []byte) (string, error) {
	raw, err := splitElement(types, b, make([][]byte, 0, 3))
	if err != nil {
		return "", err
	}
	fields := make([]string, len(types))
	for i, typ := range types {
		fields[i] = decodeField(typ, raw[i])
	}
	return strings.Join(fields, " . "), nil
}

// splitElement cuts an element's bytes into its fields, appended to raw: a
// concatenation pads each field to 4 bytes.
func splitElement(types []string, b []byte, raw [][]byte) ([][]byte, error) {
	for _, typ := range types {
		dt, ok := nftDatatypes[typ]
		if !ok {
			return nil, fmt.Errorf("unsupported datatype %q", typ)
		}
		size := int(dt.Bytes)
		if len(b) < size {
			return nil, fmt.Errorf("element %x too short for %s", b, strings.Join(types, " . "))
		}
		raw = append(raw, b[:size])
		if len(types) > 1 {
			size = (size + 3) &^ 3
		}
		b = b[min(size, len(b)):]
	}
	return raw, nil
}

func decodeField(typ string, b []byte) string {
	switch typ {
	case "ifname":
		return string(bytes.TrimRight(b, "\x00"))
	case "ipv4_addr":
		return netip.AddrFrom4([4]byte(b)).String()
	case "inet_proto":
		if name, ok := protoNames[b[0]]; ok {
			return name
		}
		return strconv.Itoa(int(b[0]))
	default: // inet_service
		return strconv.Itoa(int(binary.BigEndian.Uint16(b)))
	}
}

// portElement is a published port as an element of its map: ports-ip when
// bound to one host address, ports-any otherwise. The owner rides along as
// the element's comment.
func portElement(p model.PublishedPort) (mapName string, e nftables.SetElement, err error) {
	val := p.Addr.String() + " . " + strconv.Itoa(int(p.Port))
	key := p.Protocol + " . " + strconv.Itoa(int(p.HostPort))
	spec := portMaps[firewall.MapPortsAny]
	if !firewall.HostIP(p.HostIP).IsUnspecified() {
		key = firewall.PortKey(p)
		spec = portMaps[firewall.MapPortsIP]
	}
	if e.Key, err = encodeElement(spec.Key, key); err != nil {
		return "", e, err
	}
	if e.Val, err = encodeElement(spec.Data, val); err != nil {
		return "", e, err
	}
	e.Comment = p.Owner
	return spec.Name, e, nil
}

// decodePort is the inverse of portElement: it reads an element of a
// published-port map straight from its bytes (ports-ip: address . protocol
// . port : address . port; ports-any the same without the host address): a
// stack of 1000 containers has 1000.
func decodePort(mapName string, e nftables.SetElement) (model.PublishedPort, error) {
	spec := portMaps[mapName]
	var buf [5][]byte
	raw, err := splitElement(spec.Key, e.Key, buf[:0])
	if err == nil {
		raw, err = splitElement(spec.Data, e.Val, raw)
	}
	if err != nil {
		return model.PublishedPort{}, fmt.Errorf("map %s: %w", mapName, err)
	}
	if mapName == firewall.MapPortsAny {
		raw = append([][]byte{netip.IPv4Unspecified().AsSlice()}, raw...)
	}
	return model.PublishedPort{
		Owner: e.Comment, Protocol: decodeField("inet_proto", raw[1]),
		HostIP: netip.AddrFrom4([4]byte(raw[0])), HostPort: binary.BigEndian.Uint16(raw[2]),
		Addr: netip.AddrFrom4([4]byte(raw[3])), Port: binary.BigEndian.Uint16(raw[4]),
	}, nil
}

// protoNames is protoNumbers the other way round.
var protoNames = func() map[uint8]string {
	m := map[uint8]string{}
	for name, n := range protoNumbers {
		m[n] = name
	}
	return m
}()

// portMaps are the layout's published-port maps by name.
var portMaps = func() map[string]firewall.SetSpec {
	m := map[string]firewall.SetSpec{}
	for _, s := range firewall.Sets {
		if s.Name == firewall.MapPortsIP || s.Name == firewall.MapPortsAny {
			m[s.Name] = s
		}
	}
	return m
}()
