// Package fake is an in-memory drivers.Kernel for unit tests of the planner
// and the applier: it keeps a model.State, can hold foreign objects, injects
// failures on chosen steps and dumps itself as canonical text.
package fake
