// Package linux is the only package that talks to the kernel: links,
// addresses and routes through netlink, namespaces through netns, sysctls
// through /proc/sys, and the stack's table through nftables. One kernel object
// kind per file.
package linux
