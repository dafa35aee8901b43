package plannertest

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/netplan-dev/netplan/model"
)

func TestPortKeyIsSprint(t *testing.T) {
	for _, p := range []model.PublishedPort{
		{Protocol: "tcp", HostIP: netip.IPv4Unspecified(), HostPort: 8080},
		{Protocol: "udp", HostIP: netip.MustParseAddr("127.0.0.1"), HostPort: 0},
		{Protocol: "tcp", HostPort: 65535},
		{Protocol: "", HostIP: netip.MustParseAddr("fe80::1%eth0"), HostPort: 9},
	} {
		if got, want := string(portKey(nil, p)), fmt.Sprint(p.Protocol, p.HostIP, p.HostPort); got != want {
			t.Errorf("portKey = %q, fmt.Sprint = %q", got, want)
		}
	}
}
