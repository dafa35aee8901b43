// Package render turns plans and live state into text for people (Terraform's
// plan format) and JSON for programs. Golden-file tests: go test ./render -update.
package render
