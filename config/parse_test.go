package config

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// Sources whose "}" lines are followed by a letter inside a heredoc, a
// comment, a multi-line expression or a string, so the cut falls inside
// them; and files that differ from the sum of their parts in other ways.
var partsCases = map[string]string{
	"blocks":        "stack = \"a\"\nnetwork \"n\" {\n  subnet = \"10.0.0.0/16\"\n}\ncontainer \"c\" {\n  network \"n\" {}\n}\n",
	"heredoc":       "x = <<EOT\n}\nabc = 1\nEOT\ny = 2\n",
	"indented":      "x = <<-EOT\n  {\n}\nfoo\n  EOT\n",
	"block comment": "/*\n}\ncontainer \"c\" {}\n*/\nnetwork \"n\" {}\n",
	"object":        "x = {\n  a = 1\n}\ny = 2\n",
	"call":          "x = max(1,\n}\ny)\n",
	"string":        "x = \"${ {\n}\ny = 1\n}\"\n",
	"template":      "x = \"%{ if true }\n}\nz %{ endif }\"\n",
	"repeated attr": "stack = \"a\"\nn {\n}\nstack = \"b\"\n",
	"unclosed":      "a {\n}\nb {\n",
	"extra brace":   "a {\n}\n}\nb {}\n",
	"crlf":          "a {\r\n}\r\nb {\r\n}\r\nc = 1\r\n",
	"lone cr":       "a {\r}\nb {\r}\nc = \"\r\"\n",
	"bom":           "\xef\xbb\xbfa {\n}\nb {}\n",
	"tabs":          "a {\n\tx = 1\n}\nb\t{\n}\n",
	"unicode":       "a \"é\" {\n  x = \"👍🏽\"\n}\nb \"e\u0301\" {\n}\n",
	"bad utf8":      "a {\n}\nb \"\xff\" {}\n",
	"no newline":    "a {\n}\nb {}",
	"comments":      "a {\n}\n# c\nb {\n}\n// d\nc {\n}\n",
	"blank lines":   "a {\n}\n\n\nb {\n}\n",
}

// parseInParts returns exactly what hclsyntax.ParseConfig returns for the
// whole file, however small the parts.
func TestParseInParts(t *testing.T) {
	for name, src := range partsCases {
		t.Run(name, func(t *testing.T) { checkParts(t, []byte(src)) })
	}
	files, _ := filepath.Glob("testdata/*/*.hcl")
	more, _ := filepath.Glob("testdata/*/*/*.hcl")
	for _, f := range append(files, more...) {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(f, func(t *testing.T) { checkParts(t, src) })
	}
	t.Run("bench", func(t *testing.T) { checkParts(t, []byte(benchConfig(1001))) })
}

// Large files are cut into parts at all: the fast path is taken.
func TestSplitParts(t *testing.T) {
	src := []byte(benchConfig(1000))
	parts := splitParts(src, partBytes)
	if len(parts) < len(src)/partBytes/2 {
		t.Fatalf("%d bytes cut into %d parts", len(src), len(parts))
	}
	f, diags := parseConfig(src, "bench.hcl")
	if len(diags) > 0 || len(f.Body.(*hclsyntax.Body).Blocks) != 1001 { // one network, 1000 containers
		t.Fatalf("diagnostics %v, %d blocks", diags, len(f.Body.(*hclsyntax.Body).Blocks))
	}
}

func checkParts(t *testing.T, src []byte) {
	t.Helper()
	want, wantDiags := hclsyntax.ParseConfig(src, "t.hcl", hcl.InitialPos)
	for _, size := range []int{1, 16, partBytes} {
		got, gotDiags := parseInParts(src, "t.hcl", size)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("parts of %d bytes: file differs from ParseConfig's", size)
		}
		if !reflect.DeepEqual(gotDiags, wantDiags) {
			t.Errorf("parts of %d bytes: diagnostics %v, want %v", size, gotDiags, wantDiags)
		}
	}
}

// FuzzParseInParts compares parseInParts with ParseConfig on any input.
// Run: go test ./config -run '^$' -fuzz FuzzParseInParts -fuzztime 30s
func FuzzParseInParts(f *testing.F) {
	for _, src := range partsCases {
		f.Add([]byte(src))
	}
	f.Fuzz(func(t *testing.T, src []byte) { checkParts(t, src) })
}
