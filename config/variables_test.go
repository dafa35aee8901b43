package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeFiles writes name -> content into a fresh directory and returns it.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const mtuConfig = `
variable "mtu" {
  type    = number
  default = 1000
}
network "lab" {
  subnet = "10.5.0.0/24"
  mtu    = var.mtu
}
`

// Precedence as in Terraform: default < environment < -var-file (in order) < -var (in order).
func TestVariablePrecedence(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"main.hcl": mtuConfig,
		"a.vars":   "mtu = 1300\n",
		"b.vars":   "mtu = 1400\n",
	})
	a, b := filepath.Join(dir, "a.vars"), filepath.Join(dir, "b.vars")
	env := []string{"PATH=/bin", "NETPLAN_VAR_mtu=1200", "NETPLAN_VAR_unrelated=x"}
	for _, tc := range []struct {
		name     string
		env      []string
		varFiles []string
		vars     []string
		want     int
	}{
		{name: "default", want: 1000},
		{name: "env over default", env: env, want: 1200},
		{name: "var-file over env", env: env, varFiles: []string{a}, want: 1300},
		{name: "later var-file wins", env: env, varFiles: []string{a, b}, want: 1400},
		{name: "later var-file wins, reversed", varFiles: []string{b, a}, want: 1300},
		{name: "-var over var-file", env: env, varFiles: []string{a, b}, vars: []string{"mtu=1500"}, want: 1500},
		{name: "later -var wins", vars: []string{"mtu=1500", "mtu=1600"}, want: 1600},
		{name: "-var over env", env: env, vars: []string{"mtu=1700"}, want: 1700},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, diags := Load(Options{Path: dir, Env: tc.env, VarFiles: tc.varFiles, Vars: tc.vars})
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			if got := cfg.Desired.Networks[0].MTU; got != tc.want {
				t.Errorf("mtu = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestVariableTypes(t *testing.T) {
	dir := writeFiles(t, map[string]string{"main.hcl": `
variable "names" { type = list(string) }
variable "internal" { type = bool }
variable "any" {}
network "lab" {
  subnet   = "10.5.0.0/24"
  bridge   = join("", concat(var.names, [var.any]))
  internal = var.internal
}
`})
	cfg, diags := Load(Options{Path: dir,
		Env:  []string{`NETPLAN_VAR_names=["br", "-"]`},
		Vars: []string{"internal=true", "any=x1"}, // untyped: a plain string, not the expression x1
	})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	n := cfg.Desired.Networks[0]
	if n.Bridge != "br-x1" || !n.Internal {
		t.Errorf("bridge %q internal %v; want br-x1 true", n.Bridge, n.Internal)
	}
}

// Problems with -var and the environment have no source range: the
// diagnostic has no subject and names the option in its summary or detail.
func TestVariableOptionErrors(t *testing.T) {
	dir := writeFiles(t, map[string]string{"main.hcl": mtuConfig + `
variable "names" {
  type    = list(string)
  default = []
}
`})
	for _, tc := range []struct {
		name           string
		opts           Options
		summary, about string
	}{
		{name: "undeclared", opts: Options{Vars: []string{"mut=1500"}}, summary: `Value for undeclared variable "mut"`, about: `Did you mean "mtu"?`},
		{name: "no equals", opts: Options{Vars: []string{"mtu"}}, summary: "Invalid -var option", about: "NAME=VALUE"},
		{name: "empty name", opts: Options{Vars: []string{"=5"}}, summary: "Invalid -var option", about: "NAME=VALUE"},
		{name: "wrong type", opts: Options{Vars: []string{"mtu=big"}}, summary: `Invalid value for variable "mtu"`, about: "option -var mtu"},
		{name: "huge number", opts: Options{Vars: []string{"mtu=1e999999999"}}, summary: `Invalid value for variable "mtu"`, about: "out of range"},
		{name: "bad list", opts: Options{Vars: []string{"names=[a"}}, summary: `Invalid value for variable "names"`, about: "list(string) expression"},
		{name: "wrong env type", opts: Options{Env: []string{"NETPLAN_VAR_mtu=x"}}, summary: `Invalid value for variable "mtu"`, about: "NETPLAN_VAR_mtu"},
		{name: "missing var-file", opts: Options{VarFiles: []string{filepath.Join(dir, "nope.vars")}}, summary: "Cannot read variables file", about: "nope.vars"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.opts.Path = dir
			_, diags := Load(tc.opts)
			if len(diags) != 1 {
				t.Fatalf("want one diagnostic, got %v", diags)
			}
			d := diags[0]
			if d.Subject != nil {
				t.Errorf("diagnostic has a subject %v; an option has no source range", d.Subject)
			}
			if d.Summary != tc.summary {
				t.Errorf("summary %q, want %q", d.Summary, tc.summary)
			}
			if !strings.Contains(d.Detail, tc.about) {
				t.Errorf("detail %q does not mention %q", d.Detail, tc.about)
			}
		})
	}
}

func TestMissingConfiguration(t *testing.T) {
	for _, path := range []string{filepath.Join(t.TempDir(), "absent.hcl"), t.TempDir()} {
		cfg, diags := Load(Options{Path: path})
		if !diags.HasErrors() || diags[0].Summary != "Cannot read configuration" {
			t.Errorf("%s: want a Cannot read configuration error, got %v", path, diags)
		}
		if cfg == nil || cfg.Files == nil {
			t.Errorf("%s: want a Config with Files even on error", path)
		}
	}
}
