// Package planner is pure: from what the user wants (model.Desired) and what
// the kernel has (model.State) it builds a target State and an ordered Plan of
// resource changes (for people) and kernel steps (for the applier). It does no
// I/O; the same inputs always give the same plan.
package planner
