package linux

import (
	"bufio"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/netip"
	"os"
	"strconv"
	"strings"
)

// Socket is a host socket bound to a local port: a TCP listener or a bound
// UDP socket.
type Socket struct {
	Protocol string     // "tcp" or "udp"
	Addr     netip.Addr // unspecified (0.0.0.0 or ::) when bound to every address
	Port     uint16
}

// procNet is where the socket tables of the calling process's namespace are.
var procNet = "/proc/self/net"

// Listening reads the host namespace's TCP listeners and bound UDP sockets.
// A published port DNATs these ports' traffic to a container, silently
// taking it from the host process (FIELD-NOTES), so the CLI warns about them.
func (k *Kernel) Listening() ([]Socket, error) {
	var out []Socket
	for _, f := range []struct{ file, proto, state string }{
		{"tcp", "tcp", "0A"}, {"tcp6", "tcp", "0A"}, // LISTEN
		{"udp", "udp", "07"}, {"udp6", "udp", "07"}, // unconnected (bound)
	} {
		socks, err := readSocketTable(procNet+"/"+f.file, f.proto, f.state)
		if err != nil {
			return nil, err
		}
		out = append(out, socks...)
	}
	return out, nil
}

// readSocketTable parses one /proc/net/{tcp,udp}[6] table, keeping the
// sockets in state. A missing table (IPv6 disabled) has no sockets.
func readSocketTable(path, proto, state string) ([]Socket, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read host sockets: %w", err)
	}
	defer f.Close()
	var out []Socket
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 4 || fields[3] != state {
			continue
		}
		addr, port, err := parseSocketAddr(fields[1])
		if err != nil {
			return nil, fmt.Errorf("read host sockets: %s: %w", path, err)
		}
		out = append(out, Socket{Protocol: proto, Addr: addr, Port: port})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read host sockets: %s: %w", path, err)
	}
	return out, nil
}

// parseSocketAddr decodes "0100007F:1F90": the address is printed as
// 32-bit words in host byte order (little-endian here), the port in hex.
func parseSocketAddr(s string) (netip.Addr, uint16, error) {
	hexAddr, hexPort, ok := strings.Cut(s, ":")
	if !ok {
		return netip.Addr{}, 0, fmt.Errorf("bad socket address %q", s)
	}
	port, err := strconv.ParseUint(hexPort, 16, 16)
	if err != nil {
		return netip.Addr{}, 0, fmt.Errorf("bad port in %q", s)
	}
	raw, err := hex.DecodeString(hexAddr)
	if err != nil || (len(raw) != 4 && len(raw) != 16) {
		return netip.Addr{}, 0, fmt.Errorf("bad address in %q", s)
	}
	for w := 0; w < len(raw); w += 4 {
		raw[w], raw[w+1], raw[w+2], raw[w+3] = raw[w+3], raw[w+2], raw[w+1], raw[w]
	}
	addr, _ := netip.AddrFromSlice(raw)
	return addr.Unmap(), uint16(port), nil
}
