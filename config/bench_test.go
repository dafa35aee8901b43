package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// benchConfig is what scripts/gen-bench-config.sh n prints: n containers,
// each publishing one port, on one network until it is full (a bridge holds
// 1023 ports), then the next. Kept in Go so the benchmark needs no shell.
func benchConfig(n int) string {
	const per = 1023
	var b strings.Builder
	b.WriteString("stack = \"bench\"\n")
	for j := 0; j < (n+per-1)/per; j++ {
		fmt.Fprintf(&b, "network \"n%d\" {\n  subnet = \"10.%d.0.0/16\"\n}\n", j, 100+j)
	}
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "container \"c%04d\" {\n  network \"n%d\" {}\n  publish {\n    host_port      = %d\n    container_port = 80\n  }\n}\n",
			i, i/per, 20000+i)
	}
	return b.String()
}

// BenchmarkLoad loads the `make bench` configuration from a file, as the CLI
// does (Options with a path and the environment).
func BenchmarkLoad(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "netplan.hcl")
			if err := os.WriteFile(path, []byte(benchConfig(n)), 0o644); err != nil {
				b.Fatal(err)
			}
			opts := Options{Path: path, Env: os.Environ()}
			b.ReportAllocs()
			for b.Loop() {
				cfg, diags := Load(opts)
				if diags.HasErrors() || len(cfg.Desired.Containers) != n {
					b.Fatalf("load: %v", diags)
				}
			}
		})
	}
}

// BenchmarkParse isolates the HCL parser, which is most of Load's time:
// hclsyntax.ParseConfig on the whole file, and parseConfig, which parses it
// in parts.
func BenchmarkParse(b *testing.B) {
	src := []byte(benchConfig(1000))
	for _, p := range []struct {
		name  string
		parse func() (*hcl.File, hcl.Diagnostics)
	}{
		{"hcl/1000", func() (*hcl.File, hcl.Diagnostics) { return hclsyntax.ParseConfig(src, "bench.hcl", hcl.InitialPos) }},
		{"parts/1000", func() (*hcl.File, hcl.Diagnostics) { return parseConfig(src, "bench.hcl") }},
	} {
		b.Run(p.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, diags := p.parse(); len(diags) > 0 {
					b.Fatal(diags)
				}
			}
		})
	}
}

// The benchmark's configuration is valid and complete, so the benchmark
// measures the path a real apply takes.
func TestBenchConfig(t *testing.T) {
	dir := writeFiles(t, map[string]string{"netplan.hcl": benchConfig(1024)})
	cfg, diags := Load(Options{Path: dir})
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	d := cfg.Desired
	if len(d.Networks) != 2 || len(d.Containers) != 1024 {
		t.Fatalf("got %d networks and %d containers, want 2 and 1024", len(d.Networks), len(d.Containers))
	}
	last := d.Containers[1023]
	if last.Name != "c1023" || last.Attachments[0].Network != "n1" || last.Publish[0].HostPort != 21023 {
		t.Errorf("last container %+v", last)
	}
}
