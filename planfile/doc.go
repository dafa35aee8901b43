// Package planfile saves a planner.Plan for a later `netplan apply FILE`: a
// JSON envelope naming the format, its version, the stack and a SHA-256 of
// the plan, so a corrupt, truncated, edited or foreign file is refused before
// anything touches the kernel.
package planfile
