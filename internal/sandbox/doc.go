// Package sandbox keeps tests, demos and benchmarks off the machine's own
// network: everything that touches the kernel runs inside a throwaway network
// and mount namespace (unshare --net --mount, private tmpfs on /run), and every
// entry point checks that it is in one before it changes anything.
//
// Two shapes are offered: Main re-executes a whole test binary inside a
// sandbox (for driver integration tests), and New starts a long-lived sandbox
// process that commands enter with nsenter (for end-to-end tests that need a
// fresh host each).
package sandbox
