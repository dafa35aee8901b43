package config

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// bodyContent is body.Content(schema), cheaper when the body fits the schema.
// hclsyntax's Content builds five maps and a leftover body per call, which
// for a stack of a thousand containers (three bodies each) costs more than
// everything else the loader does. A parsed body that holds only attributes
// and blocks the schema names, with the right number of labels, yields no
// diagnostic and exactly the attributes and blocks built here; anything
// else goes through Content so its diagnostics stay hcl's own.
func bodyContent(body hcl.Body, schema *hcl.BodySchema) (*hcl.BodyContent, hcl.Diagnostics) {
	sb, ok := body.(*hclsyntax.Body)
	if !ok || !fits(sb, schema) {
		return body.Content(schema)
	}
	c := &hcl.BodyContent{MissingItemRange: sb.MissingItemRange()}
	// Attributes is left nil when empty, as most bodies are: the loader only
	// reads it. The attributes and blocks are built as AsHCLAttribute and
	// AsHCLBlock do, but in one allocation each.
	if len(sb.Attributes) > 0 {
		c.Attributes = make(hcl.Attributes, len(sb.Attributes))
		all := make([]hcl.Attribute, 0, len(sb.Attributes))
		for name, a := range sb.Attributes {
			all = append(all, *a.AsHCLAttribute())
			c.Attributes[name] = &all[len(all)-1]
		}
	}
	if len(sb.Blocks) > 0 {
		c.Blocks = make(hcl.Blocks, len(sb.Blocks))
		all := make([]hcl.Block, len(sb.Blocks))
		for i, b := range sb.Blocks {
			all[i] = *b.AsHCLBlock()
			c.Blocks[i] = &all[i]
		}
	}
	return c, nil
}

// fits reports whether Content(schema) would accept every item of sb
// without a diagnostic. Required attributes are not handled (no schema here
// has one), so a schema with one always takes the slow path.
func fits(sb *hclsyntax.Body, schema *hcl.BodySchema) bool {
	for _, s := range schema.Attributes {
		if s.Required {
			return false
		}
	}
	for name := range sb.Attributes {
		if !hasAttribute(schema, name) {
			return false
		}
	}
	for _, b := range sb.Blocks {
		if n, ok := blockLabels(schema, b.Type); !ok || n != len(b.Labels) {
			return false
		}
	}
	return true
}

func hasAttribute(schema *hcl.BodySchema, name string) bool {
	for _, s := range schema.Attributes {
		if s.Name == name {
			return true
		}
	}
	return false
}

// blockLabels returns how many labels the schema wants on blocks of type ty.
func blockLabels(schema *hcl.BodySchema, ty string) (int, bool) {
	for _, s := range schema.Blocks {
		if s.Type == ty {
			return len(s.LabelNames), true
		}
	}
	return 0, false
}

// countItems counts the attributes and blocks in a parsed body and the
// bodies nested in it: an upper bound of the source ranges the loader
// records for it, so Config.Ranges can be allocated once.
func countItems(body hcl.Body) int {
	sb, ok := body.(*hclsyntax.Body)
	if !ok {
		return 0
	}
	n := len(sb.Attributes)
	for _, b := range sb.Blocks {
		n += 1 + countItems(b.Body)
	}
	return n
}
