package config

import (
	"io"
	"testing"
)

// FuzzLoad parses and evaluates arbitrary file content: user input may
// produce diagnostics, never a panic, and a load without errors always has
// a model. The seed corpus in testdata/fuzz/FuzzLoad holds the valid and
// invalid fixtures. Run: go test ./config -run '^$' -fuzz FuzzLoad -fuzztime 30s
func FuzzLoad(f *testing.F) {
	f.Fuzz(func(t *testing.T, src []byte) {
		cfg, diags := load([]source{{name: "fuzz.hcl", data: src}}, Options{})
		if cfg == nil {
			t.Fatal("nil Config")
		}
		if !diags.HasErrors() && cfg.Desired == nil {
			t.Fatal("no error and no model")
		}
		WriteDiagnostics(io.Discard, cfg.Files, diags, false)
	})
}
