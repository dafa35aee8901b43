// Package config turns HCL files into a model.Desired: it decodes the
// language of DESIGN.md Part 1, evaluates variables, locals and functions,
// allocates addresses and reports every problem as an hcl.Diagnostic with a
// source range, before anything touches the kernel.
package config
