package config

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
)

func TestConfigDiagnostic(t *testing.T) {
	cfg, diags := Load(Options{Path: "testdata/valid/multi.hcl"})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	for _, tc := range []struct {
		address string
		line    int // 0: no subject
	}{
		{"network.back.bridge", 33},
		{"network.front.bridge", 26}, // not written: falls back to the network block
		{"container.web.netns", 41},
		{"container.app1.netns", 61},
		{"container.web.network.back.ipv4_address", 46},
		{"container.web.publish[1].protocol", 56},
		{"container.web.publish[7].host_port", 40},
		{"container.ghost", 0},
		{"", 0},
	} {
		d := cfg.Diagnostic(tc.address, "Bridge already exists", "detail")
		if d.Severity != hcl.DiagError || d.Summary != "Bridge already exists" || d.Detail != "detail" {
			t.Errorf("%s: wrong diagnostic %+v", tc.address, d)
		}
		switch {
		case tc.line == 0 && d.Subject != nil:
			t.Errorf("%s: want no subject, got %v", tc.address, d.Subject)
		case tc.line != 0 && (d.Subject == nil || d.Subject.Start.Line != tc.line):
			t.Errorf("%s: subject %v, want line %d", tc.address, d.Subject, tc.line)
		}
	}
	var nilCfg *Config
	if d := nilCfg.Diagnostic("network.x", "s", "d"); d.Subject != nil {
		t.Errorf("nil Config: want no subject")
	}
}

// The rendered form of a few diagnostics, compared with a golden file.
func TestWriteDiagnostics(t *testing.T) {
	cfg, diags := Load(Options{Path: "testdata/render/render.hcl", Vars: []string{"nope=1"}})
	if len(diags) < 3 {
		t.Fatalf("want several diagnostics, got %v", diags)
	}
	var got bytes.Buffer
	WriteDiagnostics(&got, cfg.Files, diags, false)
	golden := "testdata/render/render.golden.txt"
	if *update {
		if err := os.WriteFile(golden, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got.String() != string(want) {
		t.Errorf("rendering differs from %s (run with -update if intended):\n%s", golden, got.String())
	}
	var colored bytes.Buffer
	WriteDiagnostics(&colored, cfg.Files, diags, true)
	if !strings.Contains(colored.String(), "\x1b[1;31mError:") || strings.Contains(got.String(), "\x1b[") {
		t.Errorf("color escapes must appear with color and only then")
	}
}
