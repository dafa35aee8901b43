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
	sum := sha256.Sum256([]byte(stack + "\x00" + container + "\x00" + iface))
	return "vnp" + hex.EncodeToString(sum[:5])
}

// MACFromAddr derives a container MAC from its IPv4 address, as Docker does
// (02:42 followed by the four address bytes).
func MACFromAddr(a netip.Addr) string {
	b := a.As4()
	return fmt.Sprintf("02:42:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3])
}

// BridgeMAC derives a fixed, locally administered MAC for a network's bridge,
// so a bridge keeps its MAC across re-creation and drift is detectable.
func BridgeMAC(stack, network string) string {
	sum := sha256.Sum256([]byte(stack + "\x00" + network))
	return fmt.Sprintf("02:%02x:%02x:%02x:%02x:%02x", sum[0], sum[1], sum[2], sum[3], sum[4])
}
