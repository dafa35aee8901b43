package model

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/netip"
)

// ContainerAddress is the resource address of a container ("container.web").
func ContainerAddress(name string) string { return "container." + name }

// NetworkAddress is the resource address of a network ("network.front").
func NetworkAddress(name string) string { return "network." + name }

// VethOwner is the owner written on a veth's host end ("container.web/eth0").
func VethOwner(container, iface string) string { return ContainerAddress(container) + "/" + iface }

// HostVethName derives the host end's link name from what identifies the
// attachment, so the plan can show it and a re-apply finds the same name.
// "vnp" + 10 hex digits: 13 bytes, inside IFNAMSIZ, apart from bridges' "np-".
func HostVethName(stack, container, iface string) string {
	buf := make([]byte, 0, len(stack)+len(container)+len(iface)+2)
	buf = append(append(append(append(append(buf, stack...), 0), container...), 0), iface...)
	sum := sha256.Sum256(buf)
	var name [13]byte
	copy(name[:], "vnp")
	hex.Encode(name[3:], sum[:5])
	return string(name[:])
}

// MACFromAddr derives a container MAC from its IPv4 address, as Docker does
// (02:42 followed by the four address bytes).
func MACFromAddr(a netip.Addr) string {
	b := a.As4()
	return macString([]byte{0x02, 0x42, b[0], b[1], b[2], b[3]})
}

// macString formats six bytes as net.HardwareAddr does, without fmt: the
// planner derives a MAC per container on every plan.
func macString(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 3*len(b)-1)
	for i, c := range b {
		if i > 0 {
			out = append(out, ':')
		}
		out = append(out, digits[c>>4], digits[c&0xf])
	}
	return string(out)
}

// BridgeMAC derives a fixed, locally administered MAC for a network's bridge,
// so a bridge keeps its MAC across re-creation and drift is detectable.
func BridgeMAC(stack, network string) string {
	sum := sha256.Sum256([]byte(stack + "\x00" + network))
	return fmt.Sprintf("02:%02x:%02x:%02x:%02x:%02x", sum[0], sum[1], sum[2], sum[3], sum[4])
}
