package config

import (
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

func TestCIDRFunctions(t *testing.T) {
	for _, tc := range []struct {
		expr, want, err string
	}{
		{expr: `cidrhost("10.1.0.0/24", 1)`, want: "10.1.0.1"},
		{expr: `cidrhost("10.1.0.0/24", 0)`, want: "10.1.0.0"},
		{expr: `cidrhost("10.1.0.0/24", 255)`, want: "10.1.0.255"},
		{expr: `cidrhost("10.1.0.0/24", -1)`, want: "10.1.0.255"},
		{expr: `cidrhost("10.1.0.0/24", -256)`, want: "10.1.0.0"},
		{expr: `cidrhost("10.1.0.77/24", 5)`, want: "10.1.0.5"}, // host bits are masked off
		{expr: `cidrhost("172.16.0.0/12", 65536)`, want: "172.17.0.0"},
		{expr: `cidrhost("0.0.0.0/0", 4294967295)`, want: "255.255.255.255"},
		{expr: `cidrhost("10.0.0.7/32", 0)`, want: "10.0.0.7"},
		{expr: `cidrhost("10.1.0.0/24", 256)`, err: "out of range"},
		{expr: `cidrhost("10.1.0.0/24", -257)`, err: "out of range"},
		{expr: `cidrhost("10.1.0.0/24", 1.5)`, err: "whole number"},
		{expr: `cidrhost("10.1.0.0/24", 1e30)`, err: "out of range"},
		{expr: `cidrhost("10.1.0.0", 1)`, err: "invalid CIDR"},
		{expr: `cidrhost("fd00::/64", 1)`, err: "only IPv4"},
		{expr: `cidrhost("10.1.0.0/24", "x")`, err: "a number is required"},

		{expr: `cidrsubnet("10.0.0.0/8", 8, 2)`, want: "10.2.0.0/16"},
		{expr: `cidrsubnet("10.0.0.0/8", 16, 258)`, want: "10.1.2.0/24"},
		{expr: `cidrsubnet("10.0.0.0/8", 0, 0)`, want: "10.0.0.0/8"},
		{expr: `cidrsubnet("10.20.0.0/16", 8, 255)`, want: "10.20.255.0/24"},
		{expr: `cidrsubnet("192.168.1.0/24", 8, 7)`, want: "192.168.1.7/32"},
		{expr: `cidrsubnet("0.0.0.0/0", 1, 1)`, want: "128.0.0.0/1"},
		{expr: `cidrsubnet("10.9.9.9/8", 8, 1)`, want: "10.1.0.0/16"},
		{expr: `cidrsubnet("10.0.0.0/8", 8, 256)`, err: "out of range"},
		{expr: `cidrsubnet("10.0.0.0/8", 8, -1)`, err: "out of range"},
		{expr: `cidrsubnet("10.0.0.0/8", 25, 0)`, err: "longer than 32"},
		{expr: `cidrsubnet("10.0.0.0/8", 100, 0)`, err: "longer than 32"},
		{expr: `cidrsubnet("10.0.0.0/8", -1, 0)`, err: "negative"},
		{expr: `cidrsubnet("10.0.0.0/8", 0.5, 0)`, err: "whole number"},
		{expr: `cidrsubnet("::/0", 8, 0)`, err: "only IPv4"},

		{expr: `cidrnetmask("10.0.0.0/8")`, want: "255.0.0.0"},
		{expr: `cidrnetmask("172.16.0.0/12")`, want: "255.240.0.0"},
		{expr: `cidrnetmask("10.1.2.3/32")`, want: "255.255.255.255"},
		{expr: `cidrnetmask("0.0.0.0/0")`, want: "0.0.0.0"},
		{expr: `cidrnetmask("10.0.0.0/33")`, err: "invalid CIDR"},
		{expr: `cidrnetmask("fd00::/8")`, err: "only IPv4"},
	} {
		t.Run(tc.expr, func(t *testing.T) {
			got, err := evalFunc(tc.expr)
			if tc.err != "" {
				if err == "" || !strings.Contains(err, tc.err) {
					t.Fatalf("got %q, error %q; want error containing %q", got, err, tc.err)
				}
				return
			}
			if err != "" || got != tc.want {
				t.Fatalf("got %q, error %q; want %q", got, err, tc.want)
			}
		})
	}
}

// evalFunc evaluates an expression with the configuration's functions and
// returns its string value or the text of its first error.
func evalFunc(src string) (string, string) {
	expr, diags := hclsyntax.ParseExpression([]byte(src), "test.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		return "", diags.Error()
	}
	v, diags := expr.Value(&hcl.EvalContext{Functions: functions()})
	if diags.HasErrors() {
		return "", diags.Error()
	}
	if !v.Type().Equals(stringType) {
		return v.GoString(), ""
	}
	return v.AsString(), ""
}

func TestFunctions(t *testing.T) {
	for _, tc := range []struct {
		expr, want, err string
	}{
		{expr: `upper("web")`, want: "WEB"},
		{expr: `format("np-%s-%02d", "app", 7)`, want: "np-app-07"},
		{expr: `format("port 8080: %d", 80)`, want: "port 8080: 80"}, // digits outside verbs are no width
		{expr: `format("%999999999d", 1)`, err: "width or precision"},
		{expr: `format("%.99999s", "x")`, err: "width or precision"},
		{expr: `formatlist("%2000s", ["a"])`, err: "width or precision"},
		{expr: `join(",", concat(["a"], ["b"]))`, want: "a,b"},
		{expr: `tostring(max(1, 5, 3))`, want: "5"},
		{expr: `element(split(".", "10.1.2.3"), 2)`, want: "2"},
		{expr: `jsonencode({a = 1})`, want: `{"a":1}`},
		{expr: `tostring(length(range(3)))`, want: "3"},
		{expr: `replace(trimspace(" a-b "), "-", "_")`, want: "a_b"},
		{expr: `coalesce(null, "x")`, want: "x"},
		{expr: `length(range(100000))`, err: "1024"},
		{expr: `setproduct([1], [2])`, err: "no function named"},
	} {
		t.Run(tc.expr, func(t *testing.T) {
			got, err := evalFunc(tc.expr)
			if tc.err != "" {
				if err == "" || !strings.Contains(err, tc.err) {
					t.Fatalf("got %q, error %q; want error containing %q", got, err, tc.err)
				}
				return
			}
			if err != "" || got != tc.want {
				t.Fatalf("got %q, error %q; want %q", got, err, tc.want)
			}
		})
	}
}
