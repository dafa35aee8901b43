// Package config turns HCL files into a model.Desired: it decodes the
// language of DESIGN.md Part 1, evaluates variables, locals and functions,
// allocates addresses and reports every problem as an hcl.Diagnostic with a
// source range, before anything touches the kernel.
//
// A load runs in stages, each in its own file: variables.go (declarations,
// then default < NETPLAN_VAR_* < -var-file < -var), locals.go (dependency
// order, cycles), network.go, container.go and publish.go (one resource
// each, with the defaults of Part 1), validate.go (checks across
// resources, then model.Allocate). Each stage skips what an earlier one
// already reported, so one mistake gives one diagnostic, while independent
// mistakes are all reported in one run. functions.go and cidr.go hold the
// expression functions; names.go the naming rules; diagnostics.go the
// rendering of diagnostics and Config.Diagnostic for errors found later.
package config
