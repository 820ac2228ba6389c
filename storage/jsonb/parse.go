package jsonb

import (
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/cockroachdb/apd/v3"
)

// SyntaxError is invalid JSON input. Detail is Postgres's DETAIL line;
// NulEscape marks \u0000, which jsonb (but not json) rejects with its own
// SQLSTATE.
type SyntaxError struct {
	Detail    string
	NulEscape bool
	// Overflow marks a number jsonb cannot hold: numeric's limits of
	// 131072 digits before the decimal point and 16383 after it.
	Overflow bool
}

func (e *SyntaxError) Error() string { return "invalid input syntax for type json: " + e.Detail }

// maxDepth bounds nesting, as Postgres's stack depth check does, so that
// hostile input cannot exhaust the goroutine stack.
const maxDepth = 6400

type parser struct {
	s      string
	pos    int
	jsonb  bool // reject \u0000 (jsonb cannot hold it)
	depth  int
	sawNul bool // some string scanned held \u0000
}

// Parse parses JSON text. forJSONB makes \u0000 an error, as jsonb input
// does.
func Parse(s string, forJSONB bool) (*Node, error) {
	p := &parser{s: s, jsonb: forJSONB}
	p.space()
	if p.pos == len(p.s) {
		return nil, &SyntaxError{Detail: "The input string ended unexpectedly."}
	}
	n, err := p.value()
	if err != nil {
		return nil, err
	}
	p.space()
	if p.pos < len(p.s) {
		return nil, p.expected("end of input")
	}
	n.HasNulEscape = p.sawNul
	return n, nil
}

// Valid reports whether s is JSON text, with Parse's error if not.
func Valid(s string) error {
	_, err := Parse(s, false)
	return err
}

func (p *parser) space() {
	for p.pos < len(p.s) {
		switch p.s[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

// token returns the text of the token at pos for error details.
func (p *parser) token() string {
	if p.pos >= len(p.s) {
		return ""
	}
	c := p.s[p.pos]
	if strings.IndexByte("{}[],:", c) >= 0 {
		return string(c)
	}
	end := p.pos
	for end < len(p.s) {
		r, w := utf8.DecodeRuneInString(p.s[end:])
		if strings.ContainsRune(" \t\n\r{}[],:\"", r) {
			break
		}
		end += w
	}
	if end == p.pos {
		_, w := utf8.DecodeRuneInString(p.s[p.pos:])
		end += w
	}
	return p.s[p.pos:end]
}

func (p *parser) expected(what string) error {
	if p.pos >= len(p.s) {
		return &SyntaxError{Detail: "The input string ended unexpectedly."}
	}
	tok := p.token()
	if what == "end of input" {
		return &SyntaxError{Detail: "Expected end of input, but found \"" + tok + "\"."}
	}
	return &SyntaxError{Detail: "Expected " + what + ", but found \"" + tok + "\"."}
}

func (p *parser) value() (*Node, error) {
	if p.pos >= len(p.s) {
		return nil, &SyntaxError{Detail: "The input string ended unexpectedly."}
	}
	start := p.pos
	var n *Node
	var err error
	switch c := p.s[p.pos]; {
	case c == '{':
		n, err = p.object()
	case c == '[':
		n, err = p.array()
	case c == '"':
		var s string
		s, err = p.str()
		n = &Node{Kind: String, Str: s}
	case c == '-' || c >= '0' && c <= '9':
		n, err = p.number()
	default:
		tok := p.token()
		switch tok {
		case "true", "false":
			n = &Node{Kind: Bool, Str: tok}
		case "null":
			n = &Node{Kind: Null}
		default:
			if strings.IndexByte("}],:", c) >= 0 {
				return nil, &SyntaxError{Detail: "Expected JSON value, but found \"" + tok + "\"."}
			}
			return nil, &SyntaxError{Detail: "Token \"" + tok + "\" is invalid."}
		}
		p.pos += len(tok)
	}
	if err != nil {
		return nil, err
	}
	n.Raw = p.s[start:p.pos]
	return n, nil
}

func (p *parser) number() (*Node, error) {
	start := p.pos
	bad := func() error {
		p.pos = start
		return &SyntaxError{Detail: "Token \"" + p.token() + "\" is invalid."}
	}
	if p.s[p.pos] == '-' {
		p.pos++
	}
	digits := func() int {
		n := 0
		for p.pos < len(p.s) && p.s[p.pos] >= '0' && p.s[p.pos] <= '9' {
			p.pos++
			n++
		}
		return n
	}
	if p.pos < len(p.s) && p.s[p.pos] == '0' {
		p.pos++
	} else if digits() == 0 {
		return nil, bad()
	}
	if p.pos < len(p.s) && p.s[p.pos] == '.' {
		p.pos++
		if digits() == 0 {
			return nil, bad()
		}
	}
	if p.pos < len(p.s) && (p.s[p.pos] == 'e' || p.s[p.pos] == 'E') {
		p.pos++
		if p.pos < len(p.s) && (p.s[p.pos] == '+' || p.s[p.pos] == '-') {
			p.pos++
		}
		if digits() == 0 {
			return nil, bad()
		}
	}
	// A number running straight into letters or digits is one bad token.
	if p.pos < len(p.s) {
		if c := p.s[p.pos]; c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c >= 0x80 {
			return nil, bad()
		}
	}
	text := p.s[start:p.pos]
	if p.jsonb && !numericFits(text) {
		return nil, &SyntaxError{Detail: "value overflows numeric format", Overflow: true}
	}
	return &Node{Kind: Number, Str: text}, nil
}

// Postgres's numeric limits, which jsonb numbers share.
const (
	maxIntDigits   = 131072
	maxScaleDigits = 16383
)

// numericFits reports whether a JSON number is within numeric's limits,
// which also bounds the size of its canonical text.
func numericFits(s string) bool {
	d, _, err := apd.NewFromString(s)
	if err != nil {
		return false
	}
	if d.IsZero() {
		return -int64(d.Exponent) <= maxScaleDigits
	}
	return int64(d.Exponent)+d.NumDigits() <= maxIntDigits && -int64(d.Exponent) <= maxScaleDigits
}

func (p *parser) str() (string, error) {
	p.pos++ // opening quote
	var b strings.Builder
	for {
		if p.pos >= len(p.s) {
			return "", &SyntaxError{Detail: "Token \"" + p.s[strings.LastIndexByte(p.s, '"'):] + "\" is invalid."}
		}
		c := p.s[p.pos]
		switch {
		case c == '"':
			p.pos++
			return b.String(), nil
		case c < 0x20:
			return "", &SyntaxError{Detail: "Character with value 0x" + strconv.FormatInt(int64(c)+0x100, 16)[1:] + " must be escaped."}
		case c == '\\':
			if err := p.escape(&b); err != nil {
				return "", err
			}
		default:
			b.WriteByte(c)
			p.pos++
		}
	}
}

func (p *parser) escape(b *strings.Builder) error {
	if p.pos+1 >= len(p.s) {
		return &SyntaxError{Detail: "The input string ended unexpectedly."}
	}
	c := p.s[p.pos+1]
	p.pos += 2
	switch c {
	case '"', '\\', '/':
		b.WriteByte(c)
	case 'b':
		b.WriteByte('\b')
	case 'f':
		b.WriteByte('\f')
	case 'n':
		b.WriteByte('\n')
	case 'r':
		b.WriteByte('\r')
	case 't':
		b.WriteByte('\t')
	case 'u':
		r, ok := p.hex4()
		if !ok {
			return &SyntaxError{Detail: "\"\\u\" must be followed by four hexadecimal digits."}
		}
		if utf16.IsSurrogate(rune(r)) {
			if r >= 0xdc00 {
				return &SyntaxError{Detail: "Unicode low surrogate must follow a high surrogate."}
			}
			if p.pos+1 >= len(p.s) || p.s[p.pos] != '\\' || p.s[p.pos+1] != 'u' {
				return &SyntaxError{Detail: "Unicode low surrogate must follow a high surrogate."}
			}
			p.pos += 2
			lo, ok := p.hex4()
			if !ok {
				return &SyntaxError{Detail: "\"\\u\" must be followed by four hexadecimal digits."}
			}
			if lo < 0xdc00 || lo > 0xdfff {
				return &SyntaxError{Detail: "Unicode low surrogate must follow a high surrogate."}
			}
			b.WriteRune(utf16.DecodeRune(rune(r), rune(lo)))
			return nil
		}
		if r == 0 && p.jsonb {
			return &SyntaxError{Detail: "\\u0000 cannot be converted to text.", NulEscape: true}
		}
		if r == 0 {
			b.WriteString(`\u0000`) // json keeps it; only its text is ever shown
			p.sawNul = true
			return nil
		}
		b.WriteRune(rune(r))
	default:
		p.pos--
		return &SyntaxError{Detail: "Escape sequence \"\\" + p.token() + "\" is invalid."}
	}
	return nil
}

func (p *parser) hex4() (int, bool) {
	if p.pos+4 > len(p.s) {
		return 0, false
	}
	v, err := strconv.ParseUint(p.s[p.pos:p.pos+4], 16, 32)
	if err != nil {
		return 0, false
	}
	p.pos += 4
	return int(v), true
}

func (p *parser) enter() error {
	p.depth++
	if p.depth > maxDepth {
		return &SyntaxError{Detail: "JSON nesting is too deep."}
	}
	return nil
}

func (p *parser) array() (*Node, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	p.pos++
	n := &Node{Kind: Array}
	p.space()
	if p.pos < len(p.s) && p.s[p.pos] == ']' {
		p.pos++
		return n, nil
	}
	for {
		p.space()
		e, err := p.value()
		if err != nil {
			return nil, err
		}
		n.Elems = append(n.Elems, e)
		p.space()
		if p.pos >= len(p.s) {
			return nil, p.expected("")
		}
		switch p.s[p.pos] {
		case ',':
			p.pos++
		case ']':
			p.pos++
			return n, nil
		default:
			return nil, p.expected(`"," or "]"`)
		}
	}
}

func (p *parser) object() (*Node, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	p.pos++
	n := &Node{Kind: Object}
	p.space()
	if p.pos < len(p.s) && p.s[p.pos] == '}' {
		p.pos++
		return n, nil
	}
	for {
		p.space()
		if p.pos >= len(p.s) || p.s[p.pos] != '"' {
			return nil, p.expected("string")
		}
		k, err := p.str()
		if err != nil {
			return nil, err
		}
		p.space()
		if p.pos >= len(p.s) || p.s[p.pos] != ':' {
			return nil, p.expected(`":"`)
		}
		p.pos++
		p.space()
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		n.Pairs = append(n.Pairs, Pair{k, v})
		p.space()
		if p.pos >= len(p.s) {
			return nil, p.expected("")
		}
		switch p.s[p.pos] {
		case ',':
			p.pos++
		case '}':
			p.pos++
			return n, nil
		default:
			return nil, p.expected(`"," or "}"`)
		}
	}
}
