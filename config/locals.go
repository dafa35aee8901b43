package config

import (
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// locals holds the local values, evaluated in dependency order.
type locals struct {
	attrs map[string]*hcl.Attribute
	order []string             // declaration order
	vals  map[string]cty.Value // evaluated so far; cty.DynamicVal when failed
}

// object is the value of `local` in expressions. Every declared local is
// present (unknown until evaluated), so a reference to a declared local never
// reads as "unsupported attribute" while one to an undeclared local does.
func (ls *locals) object() cty.Value {
	if len(ls.attrs) == 0 {
		return cty.EmptyObjectVal
	}
	m := make(map[string]cty.Value, len(ls.attrs))
	for n := range ls.attrs {
		if v, ok := ls.vals[n]; ok {
			m[n] = v
		} else {
			m[n] = cty.DynamicVal
		}
	}
	return cty.ObjectVal(m)
}

// loadLocals gathers every locals block (there may be several, across files)
// and evaluates each local after the locals it references, reporting cycles.
func (l *loader) loadLocals(blocks []*hcl.Block) *locals {
	ls := &locals{attrs: map[string]*hcl.Attribute{}, vals: map[string]cty.Value{}}
	l.locals = ls // locals evaluate in baseCtx, which reads l.locals
	for _, b := range blocks {
		attrs, diags := b.Body.JustAttributes()
		l.diags = append(l.diags, diags...)
		for _, a := range sortedAttrs(attrs) {
			if prev := ls.attrs[a.Name]; prev != nil {
				l.errorf(a.NameRange, "Duplicate local value",
					"Local %q is already defined at %s. Remove or rename one of them.", a.Name, at(prev.NameRange))
				continue
			}
			ls.attrs[a.Name] = a
			ls.order = append(ls.order, a.Name)
			l.cfg.Ranges["local."+a.Name] = a.Range
		}
	}
	visiting := map[string]bool{}
	var stack []string
	var eval func(name string)
	eval = func(name string) {
		if _, done := ls.vals[name]; done {
			return
		}
		a := ls.attrs[name]
		visiting[name] = true
		stack = append(stack, name)
		for _, dep := range localRefs(a.Expr) {
			if ls.attrs[dep] == nil {
				continue // evaluation reports the undeclared local
			}
			if visiting[dep] {
				l.cycle(ls, stack, dep)
				continue
			}
			eval(dep)
		}
		stack = stack[:len(stack)-1]
		delete(visiting, name)
		if _, done := ls.vals[name]; done {
			return // part of a reported cycle
		}
		v, diags := a.Expr.Value(l.baseCtx())
		l.diags = append(l.diags, diags...)
		switch {
		case diags.HasErrors():
			v = cty.DynamicVal
		case hugeNumber(v):
			l.errorf(a.Expr.Range(), "Number out of range", "Local %q holds a number beyond the range of a 64-bit float.", name)
			v = cty.DynamicVal
		}
		ls.vals[name] = v
	}
	for _, n := range ls.order {
		eval(n)
	}
	return ls
}

// cycle reports the cycle that closes at dep and marks its members failed.
func (l *loader) cycle(ls *locals, stack []string, dep string) {
	start := len(stack) - 1
	for start > 0 && stack[start] != dep {
		start--
	}
	members := append(append([]string{}, stack[start:]...), dep)
	path := "local." + strings.Join(members, " -> local.")
	l.errorf(ls.attrs[dep].NameRange, "Cycle in local values",
		"These locals refer to each other: %s. Break the cycle by computing one of them from variables or literals.", path)
	for _, m := range members {
		ls.vals[m] = cty.DynamicVal
	}
}

// localRefs lists the local names an expression references.
func localRefs(expr hcl.Expression) []string {
	var names []string
	for _, t := range expr.Variables() {
		if t.RootName() != "local" || len(t) < 2 {
			continue
		}
		if a, ok := t[1].(hcl.TraverseAttr); ok {
			names = append(names, a.Name)
		}
	}
	return names
}
