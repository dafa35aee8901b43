package cli

import (
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"

	"github.com/netplan-dev/netplan/config"
	"github.com/netplan-dev/netplan/drivers"
)

func TestValidate(t *testing.T) {
	success := []string{"Success! The configuration is valid.", `Stack "clitest": 1 network, 2 containers, 1 published port.`}
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout []string
		stderr []string
	}{
		{"good, -c", []string{"validate", "-c", "testdata/good"}, 0, success, nil},
		{"good, --config", []string{"validate", "--config", "testdata/good"}, 0, success, nil},
		{"good, -config=", []string{"validate", "-config=testdata/good/netplan.hcl"}, 0, success, nil},
		{"good, --c", []string{"validate", "--c", "testdata/good"}, 0, success, nil},
		{"good, --var=", []string{"validate", "-c", "testdata/good", "--var=port=9090"}, 0, success, nil},
		{"bad network", []string{"validate", "-c", "testdata/bad"}, 1, nil,
			[]string{"Error: Unknown network", "testdata/bad/netplan.hcl:8:11", `network "frnt" {}`, `Did you mean "front"?`}},
		{"unclosed block", []string{"validate", "-c", "testdata/badsyntax"}, 1, nil,
			[]string{"Error: ", "testdata/badsyntax/netplan.hcl:3:"}},
		{"bad variable value", []string{"validate", "-c", "testdata/good", "-var", "port=99999"}, 1, nil,
			[]string{"testdata/good/netplan.hcl:15:", "var.port"}},
		{"no such path", []string{"validate", "-c", "testdata/missing"}, 1, nil, []string{"Error: "}},
		{"stray argument", []string{"validate", "testdata/good"}, 1, nil, []string{"validate takes no arguments", "-c"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, 1000) // validate needs no root
			h.a.newKernel = func() (drivers.Kernel, error) {
				t.Fatal("validate opened the kernel")
				return nil, nil
			}
			h.expect(tt.code, tt.stdout, tt.stderr, tt.args...)
			if tt.code != 0 && h.out.Len() != 0 {
				t.Errorf("failed validate wrote to stdout: %q", &h.out)
			}
		})
	}
}

// TestConfigFlagForms checks that both -flag and --flag forms reach the
// loader, repeatable flags keep their order and commas stay inside a value.
func TestConfigFlagForms(t *testing.T) {
	for _, cmd := range []string{"validate", "plan", "apply", "destroy", "show", "exec"} {
		t.Run(cmd, func(t *testing.T) {
			h := newHarness(t, 1000)
			var got config.Options
			h.a.load = func(o config.Options) (*config.Config, hcl.Diagnostics) {
				got = o
				return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "stop here"}}
			}
			args := []string{cmd, "--config", "dir", "-var", "a=1", "--var", "b=2,3", "-var-file", "one.vars", "--var-file=two.vars", "-no-color"}
			if cmd == "exec" {
				args = append(args, "web", "--", "true")
			}
			h.expect(1, nil, []string{"Error: stop here"}, args...)
			want := config.Options{Path: "dir", Vars: []string{"a=1", "b=2,3"}, VarFiles: []string{"one.vars", "two.vars"}}
			if got.Path != want.Path || strings.Join(got.Vars, "|") != strings.Join(want.Vars, "|") || strings.Join(got.VarFiles, "|") != strings.Join(want.VarFiles, "|") {
				t.Errorf("loader got %+v, want %+v", got, want)
			}
		})
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args   []string
		stderr string
	}{
		{[]string{"bogus"}, `unknown command "bogus"`},
		{[]string{"plan", "-bogus"}, "flag provided but not defined: -bogus"},
		{[]string{"plan", "--stack", "x"}, "-stack works only with -destroy"},
		{[]string{"apply", "a", "b"}, "at most one argument"},
		{[]string{"exec", "web"}, "usage: netplan exec CONTAINER -- CMD"},
		{[]string{"exec", "web", "--"}, "no command"},
	}
	for _, tt := range tests {
		h := newHarness(t, 0)
		h.expect(1, nil, []string{tt.stderr}, tt.args...)
	}
}
