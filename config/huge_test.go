package config

import (
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// lexedHuge is hugeNumbers without the screen: the reference.
func lexedHuge(src []byte) int {
	toks, _ := hclsyntax.LexConfig(src, "t.hcl", hcl.InitialPos)
	n := 0
	for _, t := range toks {
		if t.Type != hclsyntax.TokenNumberLit {
			continue
		}
		if _, err := strconv.ParseFloat(string(t.Bytes), 64); err != nil {
			n++
		}
	}
	return n
}

func TestHugeNumbersScreen(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		huge      int
		screened  bool // the screen lets the text through to the lexer
	}{
		{"exponent", "mtu = 1e999999999\n", 1, true},
		{"capital exponent", "mtu = 2E400\n", 1, true},
		{"fraction and exponent", "x = 1.5e309\n", 1, true},
		{"309 digits", "x = 2" + strings.Repeat("0", 308) + "\n", 1, true},
		{"small exponent", "x = 1e3\n", 0, true},
		{"identifier with e", "container \"c0e1\" {}\n", 0, true},
		{"plain numbers", "x = 1500\ny = 65535\nz = \"10.0.0.1\"\n", 0, false},
		{"308 digits", "x = " + strings.Repeat("9", 299) + "\n", 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := []byte(tc.src)
			if got := mayHoldHugeNumber(src); got != tc.screened {
				t.Errorf("mayHoldHugeNumber = %v, want %v", got, tc.screened)
			}
			if got := len(hugeNumbers(src, "t.hcl")); got != tc.huge || got != lexedHuge(src) {
				t.Errorf("hugeNumbers found %d, lexer finds %d, want %d", got, lexedHuge(src), tc.huge)
			}
		})
	}
}
