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
	// The plain subset parseLiterals takes, and its edges.
	"literals":      "a {\n}\nb \"x\" y {\n  s = \"v\" # c\n  n = 8080 // d\n  t = true\n  f = false\n  z = null\n  c_1-x { }\n  d {}\n}\ne = 1",
	"not literals":  "a {\n}\nb {\n  n = 1.5\n  m = 1e3\n  o = -1\n}\nc {\n  s = \"\"\n}\nd {\n  r = [1]\n}\ne {\n  s = \"a\\\"b\"\n}\nf {\n  s = \"$${x}\"\n}\n",
	"one-line body": "a {\n}\nb { x = 1 }\nc {\n}\n",
	"repeat inside": "a {\n}\nb {\n  x = 1\n  x = 2\n}\n",
	"after brace":   "a {\n}\nb {\n} c\nd {\n}\n",
	"bare value":    "a {\n}\nb {\n  x = truex\n  y = true.z\n}\n",
	"value on next": "a {\n}\nb {\n  x =\n  1\n}\n",
	"eof in block":  "a {\n}\nb {\n  x = 1\n",
	"eof in string": "a {\n}\nb \"x",
	"eof comment":   "a {\n}\nb {\n}\n# end",
	"trailing sp":   "a {\n}\nb {\n}\n  \t",
	"underscore":    "a {\n}\n_b \"_\" {\n  _x = \"%\"\n}\n",
	"references":    "a {\n}\nb {\n  x = var.a.b-c\n  y = local.x[0]\n  z = f(1)\n}\nc {\n  x = var. a\n  y = var.0\n  z = true.a\n}\n",
	"hand-written":  handWritten,
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

// handWritten is a configuration as a person writes one: blank lines and
// comments between blocks, references, aligned attributes.
const handWritten = `# lab
stack = "lab"

network "front" {
  subnet = var.front # from the caller
}

// the web tier
container "web" {
  network "front" {
    ipv4_address = local.web_ip
  }
  publish {
    host_port      = 8080
    container_port = 80
  }
}

container "db" {
  network "front" {}
}
`

// The configuration of make bench, and one written by hand, keep to the
// subset parseLiterals parses: every part after the first takes the fast
// path. (The differential tests above check what it returns.)
func TestParseLiteralsTakesPlainParts(t *testing.T) {
	for name, src := range map[string][]byte{"bench": []byte(benchConfig(1001)), "hand-written": []byte(handWritten)} {
		parts := splitParts(src, 1)
		if len(parts) < 3 {
			t.Errorf("%s: %d parts", name, len(parts))
		}
		for _, p := range parts[1:] {
			if _, ok := parseLiterals(src, "t.hcl", p.start, p.end); !ok {
				t.Errorf("%s: refused %q", name, src[p.start.Byte:p.end])
			}
		}
	}
}
