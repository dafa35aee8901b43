package linux

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"net/netip"

	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"
)

// Socket is a host socket bound to a local port: a TCP listener or a bound
// UDP socket.
type Socket struct {
	Protocol string     // "tcp" or "udp"
	Addr     netip.Addr // unspecified (0.0.0.0 or ::) when bound to every address
	Port     uint16
}

// Listening reads the host namespace's TCP listeners and bound UDP sockets.
// A published port DNATs these ports' traffic to a container, silently
// taking it from the host process (FIELD-NOTES), so the CLI warns about them.
// It asks sock_diag for those states only: reading /proc/net/tcp walks every
// bucket of the established-connection hash, 10-12 ms here even when it is
// empty, where the listeners alone take microseconds.
func (k *Kernel) Listening() ([]Socket, error) {
	var out []Socket
	for _, q := range []struct {
		proto        string
		family, ipp  uint8
		state        uint32
		ipv6Optional bool
	}{
		{"tcp", unix.AF_INET, unix.IPPROTO_TCP, tcpListen, false},
		{"tcp", unix.AF_INET6, unix.IPPROTO_TCP, tcpListen, true},
		{"udp", unix.AF_INET, unix.IPPROTO_UDP, udpBound, false},
		{"udp", unix.AF_INET6, unix.IPPROTO_UDP, udpBound, true},
	} {
		socks, err := dump("list "+q.proto+" sockets", func() ([]Socket, error) {
			return diagSockets(q.proto, q.family, q.ipp, q.state)
		})
		if err != nil && !q.ipv6Optional {
			return nil, fmt.Errorf("read host sockets: %w", err)
		}
		out = append(out, socks...) // an IPv6 error: IPv6 is off, no sockets
	}
	return out, nil
}

// Socket states (include/net/tcp_states.h): a TCP listener, and a bound
// UDP socket with no peer, which the kernel keeps in TCP_CLOSE.
const (
	tcpListen = 10
	udpBound  = 7
)

// diagRequest is struct inet_diag_req_v2 asking for every socket of one
// family and protocol in one state.
type diagRequest struct {
	family, protocol uint8
	state            uint32
}

func (r diagRequest) Len() int { return 56 }

func (r diagRequest) Serialize() []byte {
	b := make([]byte, r.Len()) // the socket id (ports, addresses, cookie) stays zero: any
	b[0], b[1] = r.family, r.protocol
	binary.NativeEndian.PutUint32(b[4:8], 1<<r.state)
	return b
}

func diagSockets(proto string, family, protocol uint8, state uint32) ([]Socket, error) {
	req := nl.NewNetlinkRequest(nl.SOCK_DIAG_BY_FAMILY, unix.NLM_F_DUMP)
	req.AddData(diagRequest{family: family, protocol: protocol, state: state})
	var out []Socket
	var perr error
	err := req.ExecuteIter(unix.NETLINK_INET_DIAG, nl.SOCK_DIAG_BY_FAMILY, func(m []byte) bool {
		s, err := parseDiagMsg(proto, m)
		if err != nil {
			perr = err
			return false
		}
		out = append(out, s)
		return true
	})
	return out, cmp.Or(perr, err)
}

// parseDiagMsg reads the local address and port of a struct inet_diag_msg:
// family at 0, then the socket id at 4 (source port big-endian at 4, source
// address at 8, 16 bytes of which IPv4 uses the first 4).
func parseDiagMsg(proto string, m []byte) (Socket, error) {
	if len(m) < 24 {
		return Socket{}, fmt.Errorf("short sock_diag message (%d bytes)", len(m))
	}
	port := binary.BigEndian.Uint16(m[4:6])
	var addr netip.Addr
	if m[0] == unix.AF_INET {
		addr = netip.AddrFrom4([4]byte(m[8:12]))
	} else {
		addr = netip.AddrFrom16([16]byte(m[8:24])).Unmap()
	}
	return Socket{Protocol: proto, Addr: addr, Port: port}, nil
}
