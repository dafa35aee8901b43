package model

import (
	"net/netip"
	"testing"
)

// The derived names and MACs are what the kernel holds: a change to them
// would make every live stack look drifted. These values were produced by
// the first (fmt-based) implementation.
func TestDerivedNamesAreStable(t *testing.T) {
	for _, tc := range []struct{ stack, container, iface, want string }{
		{"s", "web", "eth0", "vnp4a68478d3c"},
		{"bench", "c0999", "eth1", "vnpcab3d2adea"},
		{"", "", "", "vnp96a296d224"},
	} {
		if got := HostVethName(tc.stack, tc.container, tc.iface); got != tc.want {
			t.Errorf("HostVethName(%q, %q, %q) = %q, want %q", tc.stack, tc.container, tc.iface, got, tc.want)
		}
	}
	for _, tc := range []struct{ addr, want string }{
		{"172.17.0.2", "02:42:ac:11:00:02"},
		{"10.255.0.1", "02:42:0a:ff:00:01"},
		{"0.0.0.0", "02:42:00:00:00:00"},
	} {
		if got := MACFromAddr(netip.MustParseAddr(tc.addr)); got != tc.want {
			t.Errorf("MACFromAddr(%s) = %q, want %q", tc.addr, got, tc.want)
		}
	}
}
