// Package drivers defines the Kernel interface: the only way the planner's
// output reaches the kernel. drivers/linux implements it with netlink, netns
// and nftables; drivers/fake implements it in memory for unit tests.
package drivers
