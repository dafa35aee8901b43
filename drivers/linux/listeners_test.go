package linux

import (
	"net"
	"net/netip"
	"slices"
	"testing"

	"github.com/netplan-dev/netplan/internal/sandbox"
)

// TestListening finds TCP listeners and bound UDP sockets on 0.0.0.0, on a
// specific address and on IPv6, and leaves out connected and listening-on-
// nothing sockets.
func TestListening(t *testing.T) {
	sandbox.MustBeSandboxed()
	k := newKernel(t, "listen")
	tcp4, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer tcp4.Close()
	tcp6, err := net.Listen("tcp6", "[::1]:0")
	if err != nil {
		t.Fatal(err)
	}
	defer tcp6.Close()
	udp4, err := net.ListenPacket("udp4", "0.0.0.0:0")
	if err != nil {
		t.Fatal(err)
	}
	defer udp4.Close()
	// A connection's two ends are not listeners.
	client, err := net.Dial("tcp4", tcp4.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()

	socks, err := k.Listening()
	if err != nil {
		t.Fatal(err)
	}
	want := []Socket{
		{"tcp", netip.MustParseAddr("127.0.0.1"), uint16(tcp4.Addr().(*net.TCPAddr).Port)},
		{"tcp", netip.MustParseAddr("::1"), uint16(tcp6.Addr().(*net.TCPAddr).Port)},
		{"udp", netip.IPv4Unspecified(), uint16(udp4.LocalAddr().(*net.UDPAddr).Port)},
	}
	for _, w := range want {
		if !slices.Contains(socks, w) {
			t.Errorf("%v not listed in %v", w, socks)
		}
	}
	clientPort := uint16(client.LocalAddr().(*net.TCPAddr).Port)
	for _, s := range socks {
		if s.Port == clientPort {
			t.Errorf("the client end of a connection is listed: %v", s)
		}
	}
}
