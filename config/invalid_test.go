package config

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
)

// Every testdata/invalid/NAME.hcl holds one mistake, marked on its line by a
// comment "# ERROR: TEXT"; TEXT is part of the expected diagnostic's summary.
// An optional sidecar NAME.opts sets options, one per line:
//
//	var NAME=VALUE    a -var option
//	var-file FILE     a -var-file, relative to testdata/invalid
//	env KEY=VALUE     an environment entry
//
// The marker may sit in a var-file instead of the .hcl file; the first error
// diagnostic must point at the marker's file and line.
func TestInvalid(t *testing.T) {
	files, err := filepath.Glob("testdata/invalid/*.hcl")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 45 {
		t.Fatalf("only %d invalid fixtures", len(files))
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".hcl")
		t.Run(name, func(t *testing.T) {
			opts := fixtureOptions(t, file)
			var marks []errorMark
			for _, f := range append([]string{file}, opts.VarFiles...) {
				marks = append(marks, errorMarks(t, f)...)
			}
			if len(marks) != 1 {
				t.Fatalf("want exactly one # ERROR: comment, found %d", len(marks))
			}
			want := marks[0]

			cfg, diags := Load(opts)
			if !diags.HasErrors() {
				t.Fatalf("no error diagnostic; want %q", want.text)
			}
			if cfg == nil || cfg.Desired != nil {
				t.Errorf("on error want a Config without Desired, got %+v", cfg)
			}
			first := diags.Errs()[0].(*hcl.Diagnostic)
			if first.Subject == nil {
				t.Fatalf("first error %q has no source range; want %s:%d", first.Summary, want.file, want.line)
			}
			if first.Subject.Filename != want.file || first.Subject.Start.Line != want.line {
				t.Errorf("first error %q at %s:%d; want %s:%d", first.Summary,
					first.Subject.Filename, first.Subject.Start.Line, want.file, want.line)
			}
			if !strings.Contains(first.Summary, want.text) {
				t.Errorf("first error summary %q does not contain %q", first.Summary, want.text)
			}
			if first.Detail == "" {
				t.Errorf("first error %q has no detail saying how to fix it", first.Summary)
			}
			var out bytes.Buffer
			WriteDiagnostics(&out, cfg.Files, diags, false)
			if !strings.Contains(out.String(), want.file+":") {
				t.Errorf("rendered diagnostics do not name %s:\n%s", want.file, out.String())
			}
			if testing.Verbose() {
				t.Logf("%d diagnostic(s):\n%s", len(diags), out.String())
			}
		})
	}
}

type errorMark struct {
	file, text string
	line       int
}

func errorMarks(t *testing.T, file string) []errorMark {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var marks []errorMark
	for i, line := range strings.Split(string(b), "\n") {
		if _, text, ok := strings.Cut(line, "# ERROR: "); ok {
			marks = append(marks, errorMark{file: file, text: strings.TrimSpace(text), line: i + 1})
		}
	}
	return marks
}

// fixtureOptions reads the optional NAME.opts sidecar of a fixture.
func fixtureOptions(t *testing.T, file string) Options {
	t.Helper()
	opts := Options{Path: file}
	f, err := os.Open(strings.TrimSuffix(file, ".hcl") + ".opts")
	if os.IsNotExist(err) {
		return opts
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		kind, arg, _ := strings.Cut(strings.TrimSpace(sc.Text()), " ")
		switch kind {
		case "var":
			opts.Vars = append(opts.Vars, arg)
		case "var-file":
			opts.VarFiles = append(opts.VarFiles, filepath.Join(filepath.Dir(file), arg))
		case "env":
			opts.Env = append(opts.Env, arg)
		case "":
		default:
			t.Fatalf("%s: unknown option %q", f.Name(), kind)
		}
	}
	return opts
}
