package config

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/hashicorp/hcl/v2"
)

// plainDiags is diags without their expressions and evaluation contexts,
// which hold functions and so never compare equal.
func plainDiags(diags hcl.Diagnostics) []hcl.Diagnostic {
	out := make([]hcl.Diagnostic, len(diags))
	for i, d := range diags {
		out[i] = *d
		out[i].Expression, out[i].EvalContext = nil, nil
	}
	return out
}

// TestLoadContainersInParallel: decoding the containers on every CPU gives
// what one loop gives, diagnostics included and in the same order, on every
// fixture, valid and invalid, and on a large configuration.
func TestLoadContainersInParallel(t *testing.T) {
	paths, _ := filepath.Glob("testdata/*/*.hcl")
	dirs, _ := filepath.Glob("testdata/valid/*/")
	big := filepath.Join(t.TempDir(), "big.hcl")
	if err := os.WriteFile(big, []byte(benchConfig(600)), 0o644); err != nil {
		t.Fatal(err)
	}
	paths = append(append(paths, dirs...), big)
	saved := parallelContainers
	t.Cleanup(func() { parallelContainers = saved })
	for _, path := range paths {
		t.Run(path, func(t *testing.T) {
			parallelContainers = 1 << 30
			want, wantDiags := Load(Options{Path: path})
			parallelContainers = 1
			got, gotDiags := Load(Options{Path: path})
			if !reflect.DeepEqual(plainDiags(gotDiags), plainDiags(wantDiags)) {
				t.Fatalf("diagnostics differ:\n got  %v\n want %v", gotDiags, wantDiags)
			}
			if !reflect.DeepEqual(got.Desired, want.Desired) || !reflect.DeepEqual(got.Ranges, want.Ranges) {
				t.Fatal("the configuration differs")
			}
		})
	}
}
