package config

import (
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// EnvPrefix is the prefix of environment variables that set input variables.
const EnvPrefix = "NETPLAN_VAR_"

var variableSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "type"}, {Name: "default"}, {Name: "description"}},
}

// variable is one declared input variable.
type variable struct {
	name   string
	block  *hcl.Block
	ty     cty.Type  // cty.DynamicPseudoType when the declaration has no type
	val    cty.Value // cty.NilVal until a default or a value sets it
	failed bool      // a diagnostic was written; the value is unknown
}

// variables holds the declared variables and their final values.
type variables struct {
	byName map[string]*variable
	order  []string
}

// object is the value of `var` in expressions; a failed variable is unknown
// so expressions using it do not report the same problem again.
func (vs *variables) object() cty.Value {
	if len(vs.byName) == 0 {
		return cty.EmptyObjectVal
	}
	m := map[string]cty.Value{}
	for n, v := range vs.byName {
		if v.failed || v.val == cty.NilVal {
			m[n] = cty.DynamicVal
			continue
		}
		m[n] = v.val
	}
	return cty.ObjectVal(m)
}

// loadVariables decodes the declarations, then applies values in
// Terraform's order of precedence: default < environment < -var-file (in
// order) < -var (in order); a later source overrides an earlier one.
func (l *loader) loadVariables(blocks []*hcl.Block) *variables {
	vs := &variables{byName: map[string]*variable{}}
	for _, b := range blocks {
		l.declareVariable(vs, b)
	}
	l.envVariables(vs)
	for _, path := range l.opts.VarFiles {
		l.varFile(vs, path)
	}
	for _, arg := range l.opts.Vars {
		l.cliVariable(vs, arg)
	}
	for _, n := range vs.order {
		v := vs.byName[n]
		if v.val == cty.NilVal && !v.failed {
			l.errorf(v.block.DefRange, "No value for required variable",
				"Variable %q has no default. Set it with -var %s=VALUE, in a -var-file, with %s%s=VALUE in the environment, or give it a default.",
				n, n, EnvPrefix, n)
			v.failed = true
		}
	}
	return vs
}

func (l *loader) declareVariable(vs *variables, b *hcl.Block) {
	name := b.Labels[0]
	if !hclsyntax.ValidIdentifier(name) {
		l.errorf(b.LabelRanges[0], "Invalid variable name",
			"Variable %q must be a valid identifier: a letter or underscore, then letters, digits, underscores or dashes.", name)
		return
	}
	if prev := vs.byName[name]; prev != nil {
		l.errorf(b.LabelRanges[0], "Duplicate variable",
			"Variable %q is already declared at %s. Remove or rename one of them.", name, at(prev.block.DefRange))
		return
	}
	v := &variable{name: name, block: b, ty: cty.DynamicPseudoType}
	vs.byName[name] = v
	vs.order = append(vs.order, name)
	l.cfg.Ranges["variable."+name] = b.DefRange

	content, diags := bodyContent(b.Body, variableSchema)
	l.diags = append(l.diags, diags...)
	if a := content.Attributes["type"]; a != nil {
		ty, diags := typeexpr.TypeConstraint(a.Expr)
		l.diags = append(l.diags, diags...)
		if diags.HasErrors() {
			v.failed = true
			return
		}
		v.ty = ty
	}
	if a := content.Attributes["description"]; a != nil {
		l.field(content.Attributes, "description", nil, stringType)
	}
	if a := content.Attributes["default"]; a != nil {
		val, diags := a.Expr.Value(nil)
		l.diags = append(l.diags, diags...)
		if diags.HasErrors() {
			v.failed = true
			return
		}
		if val.IsNull() {
			return
		}
		cv, err := convert.Convert(val, v.ty)
		if err == nil && hugeNumber(cv) {
			err = fmt.Errorf("number out of range")
		}
		if err != nil {
			l.errorf(a.Expr.Range(), "Invalid default value for variable",
				"The default of variable %q does not match its type %s: %s.", name, typeexpr.TypeString(v.ty), err)
			v.failed = true
			return
		}
		v.val = cv
	}
}

// envVariables applies NETPLAN_VAR_<name>; like Terraform, an environment
// variable for an undeclared name is ignored, since the environment is shared.
func (l *loader) envVariables(vs *variables) {
	for _, kv := range l.opts.Env {
		k, raw, ok := strings.Cut(kv, "=")
		name, isVar := strings.CutPrefix(k, EnvPrefix)
		if !ok || !isVar {
			continue
		}
		if v := vs.byName[name]; v != nil && !v.failed {
			l.setRaw(v, raw, "environment variable "+k)
		}
	}
}

// cliVariable applies one -var NAME=VALUE. It has no source range, so its
// diagnostics carry none and say which argument they are about.
func (l *loader) cliVariable(vs *variables, arg string) {
	name, raw, ok := strings.Cut(arg, "=")
	if !ok || name == "" {
		l.diags = append(l.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid -var option",
			Detail:   fmt.Sprintf("The option -var %q is not of the form NAME=VALUE, for example -var http_port=9090.", arg),
		})
		return
	}
	v := vs.byName[name]
	if v == nil {
		l.diags = append(l.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  fmt.Sprintf("Value for undeclared variable %q", name),
			Detail: fmt.Sprintf("The option -var %q sets a variable that is not declared.%s Declare it with a variable %q {} block, or remove the option.",
				arg, didYouMean(name, vs.order), name),
		})
		return
	}
	if !v.failed {
		l.setRaw(v, raw, "option -var "+name)
	}
}

// setRaw sets v from a command-line or environment string: as a literal
// string for primitive and untyped variables, as an HCL expression for
// lists, maps and objects (Terraform's rule).
func (l *loader) setRaw(v *variable, raw, origin string) {
	val := cty.StringVal(raw)
	if !v.ty.IsPrimitiveType() && v.ty != cty.DynamicPseudoType {
		src := []byte(raw)
		if len(hugeNumbers(src, origin)) > 0 {
			l.varError(v, origin, fmt.Sprintf("%q holds a number out of range", raw))
			return
		}
		var diags hcl.Diagnostics
		expr, pdiags := hclsyntax.ParseExpression(src, origin, hcl.InitialPos)
		diags = append(diags, pdiags...)
		if !pdiags.HasErrors() {
			var vdiags hcl.Diagnostics
			val, vdiags = expr.Value(nil)
			diags = append(diags, vdiags...)
		}
		if diags.HasErrors() {
			first := diags.Errs()[0].(*hcl.Diagnostic)
			l.varError(v, origin, fmt.Sprintf("%q is not a valid %s expression (%s)", raw, typeexpr.TypeString(v.ty), strings.ToLower(first.Summary)))
			return
		}
	}
	cv, err := convert.Convert(val, v.ty)
	if err == nil && hugeNumber(cv) {
		err = fmt.Errorf("number out of range") // the bound checkNumbers puts on literals
	}
	if err != nil {
		l.varError(v, origin, fmt.Sprintf("%q is not a valid %s: %s", raw, typeexpr.TypeString(v.ty), err))
		return
	}
	v.val = cv
}

func (l *loader) varError(v *variable, origin, detail string) {
	v.failed = true
	l.diags = append(l.diags, &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  fmt.Sprintf("Invalid value for variable %q", v.name),
		Detail:   fmt.Sprintf("The %s: %s. Variable %q is declared at %s.", origin, detail, v.name, at(v.block.DefRange)),
	})
}

// varFile applies one -var-file: an HCL file of NAME = VALUE attributes.
func (l *loader) varFile(vs *variables, path string) {
	src, err := os.ReadFile(path)
	if err != nil {
		l.diags = append(l.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Cannot read variables file",
			Detail:   fmt.Sprintf("read -var-file %q: %s.", path, err),
		})
		return
	}
	if !l.checkNumbers(src, path) {
		return
	}
	var f *hcl.File
	var diags hcl.Diagnostics
	if strings.HasSuffix(path, ".json") {
		f, diags = l.parseJSON(src, path)
	} else {
		f, diags = l.parseHCL(src, path)
	}
	l.diags = append(l.diags, diags...)
	if f == nil || diags.HasErrors() {
		return
	}
	attrs, diags := f.Body.JustAttributes()
	l.diags = append(l.diags, diags...)
	names := make([]string, 0, len(attrs))
	for n := range attrs {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		return attrs[names[i]].Range.Start.Byte < attrs[names[j]].Range.Start.Byte
	})
	for _, n := range names {
		a := attrs[n]
		v := vs.byName[n]
		if v == nil {
			l.errorf(a.NameRange, fmt.Sprintf("Value for undeclared variable %q", n),
				"The variables file sets %q, which is not declared.%s Declare it with a variable %q {} block, or remove this line.",
				n, didYouMean(n, vs.order), n)
			continue
		}
		if v.failed {
			continue
		}
		val, diags := a.Expr.Value(nil)
		l.diags = append(l.diags, diags...)
		if diags.HasErrors() {
			v.failed = true
			continue
		}
		cv, err := convert.Convert(val, v.ty)
		if err == nil && hugeNumber(cv) {
			err = fmt.Errorf("number out of range")
		}
		if err != nil {
			l.errorf(a.Expr.Range(), fmt.Sprintf("Invalid value for variable %q", n),
				"Variable %q is declared with type %s: %s.", n, typeexpr.TypeString(v.ty), err)
			v.failed = true
			continue
		}
		v.val = cv
	}
}
