// Package apply executes a planner.Plan through a drivers.Kernel: phase by
// phase, independent steps in parallel, then observes again to verify that
// the host converged, and rolls back to the State it found when a step fails.
package apply
