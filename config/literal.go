package config

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// parseLiterals parses src[start.Byte:end] into the body that
// hclsyntax.ParseConfig(src[start.Byte:end], filename, start) returns, when
// the text keeps to the plain subset of HCL that large configurations are
// made of: blocks with quoted or bare labels, attributes set to a quoted
// string, a whole number, true, false, null or a reference such as
// var.port, and line comments, all in
// ASCII with LF line ends. At the first byte outside that subset it
// reports false, and the caller parses the text with hclsyntax.
//
// hclsyntax lexes the text into tokens first, and sizes each token by
// walking its bytes as Unicode grapheme clusters; for a thousand containers
// that is most of a load's time and half its garbage. Here each byte is
// looked at once, and only the syntax tree is allocated. The tree is the
// one hclsyntax builds, node for node and range for range:
// TestParseInParts and FuzzParseInParts compare the two.
func parseLiterals(src []byte, filename string, start hcl.Pos, end int) (*hclsyntax.Body, bool) {
	p := literalParser{src: src[:end], filename: filename, pos: start}
	p.skipSpaces()
	first := p.pos // hcl starts the body's range at the first token, of whatever kind
	body, ok := p.body(false)
	if !ok {
		return nil, false
	}
	eof := hcl.Range{Filename: filename, Start: p.pos, End: p.pos}
	body.SrcRange = hcl.RangeBetween(hcl.Range{Filename: filename, Start: first, End: first}, eof)
	body.EndRange = eof
	return body, true
}

// literalParser walks the text byte by byte; pos counts lines and columns
// as hcl does, which for ASCII without CR is one column per byte.
type literalParser struct {
	src      []byte
	filename string
	pos      hcl.Pos
}

func (p *literalParser) more() bool { return p.pos.Byte < len(p.src) }
func (p *literalParser) peek() byte { return p.src[p.pos.Byte] }

// at reports whether the next byte is c.
func (p *literalParser) at(c byte) bool { return p.more() && p.peek() == c }

func (p *literalParser) advance(n int) {
	p.pos.Byte += n
	p.pos.Column += n
}

func (p *literalParser) newline() {
	p.pos.Byte++
	p.pos.Line++
	p.pos.Column = 1
}

// rangeFrom is the range from start to the current position.
func (p *literalParser) rangeFrom(start hcl.Pos) hcl.Range {
	return hcl.Range{Filename: p.filename, Start: start, End: p.pos}
}

// one consumes one byte and returns its range.
func (p *literalParser) one() hcl.Range {
	start := p.pos
	p.advance(1)
	return p.rangeFrom(start)
}

func (p *literalParser) skipSpaces() {
	for p.more() && (p.peek() == ' ' || p.peek() == '\t') {
		p.advance(1)
	}
}

// atComment reports whether a line comment starts here; block comments
// are outside the subset.
func (p *literalParser) atComment() bool {
	if !p.more() {
		return false
	}
	i := p.pos.Byte
	return p.src[i] == '#' || p.src[i] == '/' && i+1 < len(p.src) && p.src[i+1] == '/'
}

// skipComment consumes a line comment up to and with its newline; false
// for a byte outside the subset inside it.
func (p *literalParser) skipComment() bool {
	for p.more() {
		c := p.peek()
		if c == '\n' {
			p.newline()
			return true
		}
		if !plainByte(c) {
			return false
		}
		p.advance(1)
	}
	return true
}

// endOfItem consumes what hcl requires after an attribute or a block: a
// newline, a comment (which ends in one) or the end of the text.
func (p *literalParser) endOfItem() bool {
	p.skipSpaces()
	switch {
	case !p.more():
		return true
	case p.peek() == '\n':
		p.newline()
		return true
	case p.atComment():
		return p.skipComment()
	}
	return false
}

// body parses items up to the end of the text, or, in a block, up to the
// "}" it leaves unconsumed.
func (p *literalParser) body(inBlock bool) (*hclsyntax.Body, bool) {
	b := newBody()
	for {
		p.skipSpaces()
		switch {
		case !p.more():
			return b, !inBlock
		case p.peek() == '\n':
			p.newline()
		case p.atComment():
			if !p.skipComment() {
				return nil, false
			}
		case p.peek() == '}':
			return b, inBlock
		case isIdentStart(p.peek()):
			if !p.item(b) {
				return nil, false
			}
		default:
			return nil, false
		}
	}
}

// newBody is an empty body as hcl makes one: empty, not nil, maps and slices.
func newBody() *hclsyntax.Body {
	return &hclsyntax.Body{Attributes: hclsyntax.Attributes{}, Blocks: hclsyntax.Blocks{}}
}

// item parses an attribute or a block into b.
func (p *literalParser) item(b *hclsyntax.Body) bool {
	name, nameRange := p.ident()
	p.skipSpaces()
	if p.at('=') {
		equals := p.one()
		p.skipSpaces()
		expr, ok := p.literal()
		if !ok || b.Attributes[name] != nil || !p.endOfItem() {
			return false // a repeated attribute is hcl's to report
		}
		b.Attributes[name] = &hclsyntax.Attribute{
			Name: name, Expr: expr,
			SrcRange:  hcl.RangeBetween(nameRange, expr.Range()),
			NameRange: nameRange, EqualsRange: equals,
		}
		return true
	}
	block, ok := p.block(name, nameRange)
	if ok {
		b.Blocks = append(b.Blocks, block)
	}
	return ok
}

// block parses a block's labels and body, its type already read.
func (p *literalParser) block(typ string, typeRange hcl.Range) (*hclsyntax.Block, bool) {
	block := &hclsyntax.Block{Type: typ, TypeRange: typeRange}
	for !p.at('{') {
		switch {
		case p.at('"'):
			label, r, ok := p.quoted()
			if !ok {
				return nil, false
			}
			block.Labels = append(block.Labels, label)
			block.LabelRanges = append(block.LabelRanges, hcl.RangeBetween(r.open, r.close))
		case p.more() && isIdentStart(p.peek()):
			label, r := p.ident()
			block.Labels = append(block.Labels, label)
			block.LabelRanges = append(block.LabelRanges, r)
		default:
			return nil, false
		}
		p.skipSpaces()
	}
	block.OpenBraceRange = p.one()
	p.skipSpaces()
	body := newBody()
	if !p.at('}') {
		// A body on the header's line holds one attribute: hcl's own
		// single-line form, left to hcl.
		if !p.at('\n') && !p.atComment() {
			return nil, false
		}
		var ok bool
		if body, ok = p.body(true); !ok {
			return nil, false
		}
	}
	block.CloseBraceRange = p.one()
	body.SrcRange = hcl.RangeBetween(block.OpenBraceRange, block.CloseBraceRange)
	end := block.CloseBraceRange.End
	body.EndRange = hcl.Range{Filename: p.filename, Start: end, End: end}
	block.Body = body
	return block, p.endOfItem()
}

// ident consumes an identifier; the caller has seen its first byte.
func (p *literalParser) ident() (string, hcl.Range) {
	start := p.pos
	p.advance(1)
	for p.more() && isIdentByte(p.peek()) {
		p.advance(1)
	}
	return string(p.src[start.Byte:p.pos.Byte]), p.rangeFrom(start)
}

// quotedRanges are a quoted string's ranges: its quotes and its text.
type quotedRanges struct{ open, text, close hcl.Range }

// quoted consumes a quoted string without escapes or template sequences.
// Empty strings are left to hcl, whose template parser shapes them its own
// way.
func (p *literalParser) quoted() (string, quotedRanges, bool) {
	var r quotedRanges
	r.open = p.one()
	start := p.pos
	for p.more() && p.peek() != '"' {
		c := p.peek()
		if !plainByte(c) || c == '\\' || c == '$' || c == '%' {
			return "", r, false
		}
		p.advance(1)
	}
	if !p.more() || p.pos.Byte == start.Byte {
		return "", r, false
	}
	r.text = p.rangeFrom(start)
	text := string(p.src[start.Byte:p.pos.Byte])
	r.close = p.one()
	return text, r, true
}

// literal consumes an attribute's value: a quoted string, a whole number,
// true, false, null or a reference, as hcl's expression parser shapes each.
func (p *literalParser) literal() (hclsyntax.Expression, bool) {
	if !p.more() {
		return nil, false
	}
	switch c := p.peek(); {
	case c == '"':
		text, r, ok := p.quoted()
		if !ok {
			return nil, false
		}
		return &hclsyntax.TemplateExpr{
			Parts:    []hclsyntax.Expression{&hclsyntax.LiteralValueExpr{Val: cty.StringVal(text), SrcRange: r.text}},
			SrcRange: hcl.RangeBetween(r.open, r.close),
		}, true
	case c >= '0' && c <= '9':
		start := p.pos
		for p.more() && p.peek() >= '0' && p.peek() <= '9' {
			p.advance(1)
		}
		// What follows a number is checked by endOfItem: a dot or an
		// exponent there refuses the text.
		v, err := cty.ParseNumberVal(string(p.src[start.Byte:p.pos.Byte]))
		if err != nil {
			return nil, false
		}
		return &hclsyntax.LiteralValueExpr{Val: v, SrcRange: p.rangeFrom(start)}, true
	case isIdentStart(c):
		name, r := p.ident()
		var v cty.Value
		switch name {
		case "true":
			v = cty.True
		case "false":
			v = cty.False
		case "null":
			v = cty.NullVal(cty.DynamicPseudoType)
		default:
			return p.traversal(name, r)
		}
		return &hclsyntax.LiteralValueExpr{Val: v, SrcRange: r}, true
	}
	return nil, false
}

// traversal consumes the rest of a reference such as var.port, its root
// already read: attribute steps only, each a dot and a name with no space
// between. Anything else after the reference (an index, a call, an
// operator) is refused by endOfItem.
func (p *literalParser) traversal(root string, r hcl.Range) (hclsyntax.Expression, bool) {
	expr := &hclsyntax.ScopeTraversalExpr{Traversal: hcl.Traversal{hcl.TraverseRoot{Name: root, SrcRange: r}}, SrcRange: r}
	for p.at('.') {
		dot := p.one()
		if !p.more() || !isIdentStart(p.peek()) {
			return nil, false
		}
		name, nameRange := p.ident()
		step := hcl.RangeBetween(dot, nameRange)
		expr.Traversal = append(expr.Traversal, hcl.TraverseAttr{Name: name, SrcRange: step})
		expr.SrcRange = hcl.RangeBetween(expr.SrcRange, step)
	}
	return expr, true
}

func isIdentStart(c byte) bool { return isLetter(c) || c == '_' }

func isIdentByte(c byte) bool { return isIdentStart(c) || c >= '0' && c <= '9' || c == '-' }

// plainByte is a printable ASCII byte or a tab: one column, one grapheme.
func plainByte(c byte) bool { return c >= ' ' && c < 0x7f || c == '\t' }
