package config

import (
	"fmt"
	"math"
	"math/big"
	"strconv"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

var (
	stringType = cty.String
	numberType = cty.Number
	boolType   = cty.Bool
	anyType    = cty.DynamicPseudoType
)

// field is one evaluated attribute.
type field struct {
	attr   *hcl.Attribute // nil when absent
	val    cty.Value      // known, not null, converted; valid only when ok
	ok     bool           // val is usable
	failed bool           // present but unusable: a diagnostic was already written
}

// field evaluates attrs[name] in ctx and converts it to ty. An absent or null
// attribute is unset (neither ok nor failed) so the caller applies its
// default. An unknown value means an error upstream (a variable or local that
// failed), already reported, so it counts as failed without a new diagnostic.
func (l *loader) field(attrs hcl.Attributes, name string, ctx *hcl.EvalContext, ty cty.Type) field {
	a := attrs[name]
	if a == nil {
		return field{}
	}
	f := field{attr: a}
	v, diags := a.Expr.Value(ctx)
	l.diags = append(l.diags, diags...)
	switch {
	case diags.HasErrors():
		f.failed = true
		return f
	case v.IsNull():
		return f
	case !v.IsWhollyKnown():
		f.failed = true
		return f
	case !isLiteral(a.Expr) && hugeNumber(v):
		l.errorf(a.Expr.Range(), "Number out of range", "The value of %q holds a number beyond the range of a 64-bit float.", name)
		f.failed = true
		return f
	}
	if ty != anyType {
		cv, err := convert.Convert(v, ty)
		if err != nil {
			l.diags = append(l.diags, &hcl.Diagnostic{
				Severity:    hcl.DiagError,
				Summary:     "Incorrect attribute value type",
				Detail:      fmt.Sprintf("Inappropriate value for attribute %q: %s required, got %s.", name, ty.FriendlyName(), v.Type().FriendlyName()),
				Subject:     a.Expr.Range().Ptr(),
				Expression:  a.Expr,
				EvalContext: ctx,
			})
			f.failed = true
			return f
		}
		v = cv
	}
	f.val, f.ok = v, true
	return f
}

// str returns the string value, or def when the attribute is unset.
func (f field) str(def string) string {
	if f.ok {
		return f.val.AsString()
	}
	return def
}

// exprRange is where a diagnostic about the attribute's value points.
func (f field) exprRange() *hcl.Range { return f.attr.Expr.Range().Ptr() }

// int converts a number field to an int, reporting fractions and huge values.
func (l *loader) int(f field) (int, bool) {
	bf := f.val.AsBigFloat()
	i, acc := bf.Int64()
	if !bf.IsInt() || acc != big.Exact || i != int64(int(i)) {
		l.errorf(*f.exprRange(), "Invalid number", "Attribute %q must be a whole number, got %s.", f.attr.Name, bf.Text('g', 10))
		return 0, false
	}
	return int(i), true
}

// errorf appends an error diagnostic pointing at rng (none when rng is the
// zero Range, which has no file).
func (l *loader) errorf(rng hcl.Range, summary, detailFmt string, args ...any) {
	d := &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: fmt.Sprintf(detailFmt, args...)}
	if rng.Filename != "" {
		d.Subject = rng.Ptr()
	}
	l.diags = append(l.diags, d)
}

// baseCtx is what network attributes, locals and the stack see: var.*,
// local.* and the functions.
func (l *loader) baseCtx() *hcl.EvalContext {
	return &hcl.EvalContext{
		Variables: map[string]cty.Value{"var": l.vars.object(), "local": l.locals.object()},
		Functions: l.funcs,
	}
}

// checkNumbers refuses number literals outside float64's range before the
// file is parsed: converting a number like 1e999999999 to a string (as any
// template or string attribute does) would build a string of a billion digits.
func (l *loader) checkNumbers(src []byte, filename string) bool {
	bad := hugeNumbers(src, filename)
	for _, t := range bad {
		l.errorf(t.Range, "Number out of range",
			"The number %.40q is too large to be useful here; ports, MTUs and host numbers are far smaller.", t.Bytes)
	}
	return len(bad) == 0
}

// hugeNumbers returns the number literals of src that overflow a float64.
func hugeNumbers(src []byte, filename string) []hclsyntax.Token {
	if !mayHoldHugeNumber(src) {
		return nil // lexing a large file costs as much as parsing it
	}
	toks, _ := hclsyntax.LexConfig(src, filename, hcl.InitialPos)
	var bad []hclsyntax.Token
	for _, t := range toks {
		if t.Type != hclsyntax.TokenNumberLit {
			continue
		}
		if _, err := strconv.ParseFloat(string(t.Bytes), 64); err != nil {
			bad = append(bad, t)
		}
	}
	return bad
}

// mayHoldHugeNumber is a cheap, conservative screen for hugeNumbers: a
// number literal overflows a float64 only with an exponent (a digit followed
// by e or E) or with at least 309 digits in a row. Text without either
// cannot hold one; text with one (an identifier like c0e1 will do) is lexed.
func mayHoldHugeNumber(src []byte) bool {
	run := 0
	for i, b := range src {
		if b >= '0' && b <= '9' {
			if run++; run >= 300 {
				return true
			}
			if i+1 < len(src) && (src[i+1] == 'e' || src[i+1] == 'E') {
				return true
			}
			continue
		}
		run = 0
	}
	return false
}

// containerCtx adds network.<name>.{bridge,subnet,gateway,mtu} to baseCtx.
// Networks are all decoded before any container, so it is built once.
func (l *loader) containerCtx() *hcl.EvalContext {
	if l.cctx == nil {
		l.cctx = l.baseCtx()
		l.cctx.Variables["network"] = l.nets.object()
	}
	return l.cctx
}

// hugeNumber reports whether a known value holds a number that overflows a
// float64. Computed values are checked as they are stored (locals, fields),
// so repeated squaring through locals cannot build a number whose decimal
// form runs to millions of digits.
func hugeNumber(v cty.Value) bool {
	// Most values are single numbers and strings, which need no walk.
	switch ty := v.Type(); {
	case ty == cty.Number:
		return v.IsKnown() && !v.IsNull() && isInf(v)
	case ty.IsPrimitiveType():
		return false
	}
	found := false
	_ = cty.Walk(v, func(_ cty.Path, v cty.Value) (bool, error) {
		if v.IsKnown() && !v.IsNull() && v.Type() == cty.Number {
			found = found || isInf(v)
		}
		return !found, nil
	})
	return found
}

func isInf(v cty.Value) bool {
	f, _ := v.AsBigFloat().Float64()
	return math.IsInf(f, 0)
}

// isLiteral reports whether expr is a literal number, bool or null. A
// literal never holds a huge number (checkNumbers refused the file if it
// did), so the check and its copy of the number are skipped for it.
func isLiteral(expr hcl.Expression) bool {
	_, ok := expr.(*hclsyntax.LiteralValueExpr)
	return ok
}
