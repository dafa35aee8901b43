// Package firewall describes, without touching the kernel, the one nftables
// table a stack owns: its chains, its fixed rules (each with a canonical text)
// and the contents of its sets and maps, built from a desired configuration.
// The number of rules never depends on the number of published ports: ports,
// bridges and per-network flags are set and map elements.
package firewall
