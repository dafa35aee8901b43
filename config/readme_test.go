package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadmeLanguageExampleIsValid keeps the README's "language at a
// glance" honest: its HCL block must load without diagnostics.
func TestReadmeLanguageExampleIsValid(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(readme), "```hcl\n")
	if !ok {
		t.Fatal("README.md has no ```hcl block")
	}
	example, _, _ := strings.Cut(rest, "```")
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "readme.hcl"), []byte(example), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, diags := Load(Options{Path: dir})
	if diags.HasErrors() {
		var b strings.Builder
		WriteDiagnostics(&b, cfg.Files, diags, false)
		t.Fatalf("the README's language example does not load:\n%s", b.String())
	}
	if n := len(cfg.Desired.Containers); n < 4 {
		t.Fatalf("the README example declares %d containers, want at least 4", n)
	}
}
