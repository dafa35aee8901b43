package config

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/valid/*.golden.json")

// Every testdata/valid/NAME.hcl (or directory NAME) loads without a
// diagnostic into the model.Desired of NAME.golden.json. NAME.opts sets
// options as in TestInvalid. Regenerate with: go test ./config -update
func TestValid(t *testing.T) {
	entries, err := os.ReadDir("testdata/valid")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		name, isHCL := strings.CutSuffix(e.Name(), ".hcl")
		if !e.IsDir() && !isHCL {
			continue
		}
		n++
		path := filepath.Join("testdata/valid", e.Name())
		t.Run(name, func(t *testing.T) {
			opts := fixtureOptions(t, filepath.Join("testdata/valid", name+".hcl"))
			opts.Path = path
			cfg, diags := Load(opts)
			if len(diags) > 0 {
				var out bytes.Buffer
				WriteDiagnostics(&out, cfg.Files, diags, false)
				t.Fatalf("unexpected diagnostics:\n%s", out.String())
			}
			got, err := json.MarshalIndent(cfg.Desired, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden := filepath.Join("testdata/valid", name+".golden.json")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./config -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("model differs from %s (run with -update if intended):\n%s", golden, got)
			}
		})
	}
	if n < 5 {
		t.Fatalf("only %d valid fixtures", n)
	}
}

// The ranges let later errors point at a line of the configuration.
func TestRanges(t *testing.T) {
	cfg, diags := Load(Options{Path: "testdata/valid/multi.hcl"})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	for addr, line := range map[string]int{
		"stack":                                   3,
		"variable.base":                           5,
		"local.front":                             17,
		"network.front":                           26,
		"network.front.subnet":                    27,
		"network.back.bridge":                     33,
		"container.web":                           40,
		"container.web.netns":                     41,
		"container.web.network.front":             42,
		"container.web.network.front.mac_address": 44,
		"container.web.publish[1]":                53,
		"container.web.publish[1].host_ip":        57,
	} {
		r, ok := cfg.Ranges[addr]
		if !ok {
			t.Errorf("no range for %s", addr)
			continue
		}
		if r.Filename != "testdata/valid/multi.hcl" || r.Start.Line != line {
			t.Errorf("range of %s is %s:%d, want line %d", addr, r.Filename, r.Start.Line, line)
		}
	}
}
