// Package e2e holds netplan's end-to-end tests: they build the netplan binary
// and the peer traffic tool once, then give each test a fresh sandboxed host
// (internal/sandbox) with an uplink to an "outside" machine, run the binary
// there as a user would, and check the result with real packets and with the
// stock tools (ip -j, nft -j) as the reference for what the kernel holds.
package e2e
