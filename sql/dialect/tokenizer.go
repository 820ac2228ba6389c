package dialect

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// TokenKind says what a Token is. Comments and whitespace are not tokens.
type TokenKind uint8

const (
	// Ident is an unquoted identifier or keyword; Text is folded to lower
	// case (ASCII only, as Postgres does for UTF-8).
	Ident TokenKind = iota + 1
	// QuotedIdent is a "quoted identifier"; Text is its exact value.
	QuotedIdent
	// String is '..', E'..', U&'..', N'..' or a dollar-quoted string; Text is
	// the decoded value (escapes resolved, continuation lines joined).
	String
	// BitString is B'..' or X'..'; Text is the digits, Raw tells which.
	BitString
	// Number is an integer or numeric literal; Text == Raw.
	Number
	// Param is a $n placeholder; Text is n in decimal.
	Param
	// Op is an operator: a maximal Postgres operator-character run
	// (<>, <=, ||, ~*, @>, ...) or "::". Text is the operator; "!=" is
	// reported as "<>" as Postgres does.
	Op
	// Punct is one of ( ) [ ] , ; . and a lone ':'.
	Punct
)

func (k TokenKind) String() string {
	switch k {
	case Ident:
		return "Ident"
	case QuotedIdent:
		return "QuotedIdent"
	case String:
		return "String"
	case BitString:
		return "BitString"
	case Number:
		return "Number"
	case Param:
		return "Param"
	case Op:
		return "Op"
	case Punct:
		return "Punct"
	}
	return "TokenKind(" + strconv.Itoa(int(k)) + ")"
}

// Token is one lexical token of a Postgres statement.
type Token struct {
	Kind TokenKind
	Text string // decoded value: folded identifier, string contents, operator
	Raw  string // the source bytes of the token, as written
	Pos  int    // byte offset of Raw in the tokenized text
}

// is reports whether t is the unquoted keyword kw (lower case).
func (t Token) is(kw string) bool { return t.Kind == Ident && t.Text == kw }

// isPunct reports whether t is the punctuation or operator p.
func (t Token) isPunct(p string) bool { return (t.Kind == Punct || t.Kind == Op) && t.Text == p }

// Tokenize splits Postgres SQL into tokens, dropping whitespace and comments.
// Errors (unterminated string, quoted identifier, dollar quote or comment;
// a bad escape; a lone '$') are *SyntaxError with the offending offset.
func Tokenize(sql string) ([]Token, error) {
	lx := lexer{src: sql}
	var toks []Token
	for {
		t, ok, err := lx.next()
		if err != nil {
			return toks, withPosition(err, sql)
		}
		if !ok {
			return toks, nil
		}
		toks = append(toks, t)
	}
}

type lexer struct {
	src string
	pos int
}

func isIdentStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= 0x80
}

func isIdentCont(c byte) bool { return isIdentStart(c) || isDigit(c) || c == '$' }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// isOpChar is Postgres's set of characters that make up operators.
func isOpChar(c byte) bool { return strings.IndexByte("+-*/<>=~!@#%^&|`?", c) >= 0 }

// foldIdent lowers ASCII letters only, as Postgres does in UTF-8 databases.
func foldIdent(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'A' && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// skipSpace skips whitespace and comments; it reports whether it crossed a
// newline (string continuation needs that) and fails on an open comment.
func (lx *lexer) skipSpace() (newline bool, err error) {
	for lx.pos < len(lx.src) {
		c := lx.src[lx.pos]
		switch {
		case isSpace(c):
			if c == '\n' || c == '\r' {
				newline = true
			}
			lx.pos++
		case c == '-' && strings.HasPrefix(lx.src[lx.pos:], "--"):
			end := strings.IndexAny(lx.src[lx.pos:], "\r\n")
			if end < 0 {
				lx.pos = len(lx.src)
			} else {
				lx.pos += end
			}
		case c == '/' && strings.HasPrefix(lx.src[lx.pos:], "/*"):
			// Postgres block comments nest.
			start, depth := lx.pos, 0
			for {
				if lx.pos >= len(lx.src) {
					return newline, syntaxErr(start, "unterminated /* comment")
				}
				if strings.HasPrefix(lx.src[lx.pos:], "/*") {
					depth++
					lx.pos += 2
				} else if strings.HasPrefix(lx.src[lx.pos:], "*/") {
					depth--
					lx.pos += 2
					if depth == 0 {
						break
					}
				} else {
					lx.pos++
				}
			}
		default:
			return newline, nil
		}
	}
	return newline, nil
}

func (lx *lexer) next() (Token, bool, error) {
	if _, err := lx.skipSpace(); err != nil {
		return Token{}, false, err
	}
	if lx.pos >= len(lx.src) {
		return Token{}, false, nil
	}
	start := lx.pos
	s := lx.src
	c := s[start]
	tok := func(kind TokenKind, text string) (Token, bool, error) {
		return Token{Kind: kind, Text: text, Raw: s[start:lx.pos], Pos: start}, true, nil
	}
	// Prefixed strings: E'..', B'..', X'..', N'..', U&'..', U&"..".
	if start+1 < len(s) && s[start+1] == '\'' {
		switch c {
		case 'e', 'E':
			lx.pos++
			v, err := lx.quoted(true)
			if err != nil {
				return Token{}, false, err
			}
			return tok(String, v)
		case 'n', 'N':
			lx.pos++
			v, err := lx.quoted(false)
			if err != nil {
				return Token{}, false, err
			}
			return tok(String, v)
		case 'b', 'B', 'x', 'X':
			lx.pos++
			v, err := lx.quoted(false)
			if err != nil {
				return Token{}, false, err
			}
			digits := "01"
			if c == 'x' || c == 'X' {
				digits = "0123456789abcdefABCDEF"
			}
			for i := 0; i < len(v); i++ {
				if strings.IndexByte(digits, v[i]) < 0 {
					return Token{}, false, syntaxErr(start, "%q is not a valid binary digit", v[i])
				}
			}
			return tok(BitString, v)
		}
	}
	if (c == 'u' || c == 'U') && (strings.HasPrefix(s[start+1:], "&'") || strings.HasPrefix(s[start+1:], "&\"")) {
		return lx.unicodeQuoted(start)
	}
	switch {
	case isIdentStart(c):
		for lx.pos < len(s) && isIdentCont(s[lx.pos]) {
			lx.pos++
		}
		return tok(Ident, foldIdent(s[start:lx.pos]))
	case c == '\'':
		v, err := lx.quoted(false)
		if err != nil {
			return Token{}, false, err
		}
		return tok(String, v)
	case c == '"':
		v, err := lx.quotedIdent()
		if err != nil {
			return Token{}, false, err
		}
		return tok(QuotedIdent, v)
	case c == '$':
		if start+1 < len(s) && isDigit(s[start+1]) {
			lx.pos++
			for lx.pos < len(s) && isDigit(s[lx.pos]) {
				lx.pos++
			}
			n, err := strconv.Atoi(s[start+1 : lx.pos])
			if err != nil || n == 0 || n > 65535 {
				return Token{}, false, syntaxErr(start, "there is no parameter %s", s[start:lx.pos])
			}
			return tok(Param, strconv.Itoa(n))
		}
		v, ok, err := lx.dollarQuoted()
		if err != nil {
			return Token{}, false, err
		}
		if ok {
			return tok(String, v)
		}
		return Token{}, false, syntaxErr(start, "syntax error at or near \"$\"")
	case isDigit(c) || c == '.' && start+1 < len(s) && isDigit(s[start+1]):
		lx.number()
		return tok(Number, s[start:lx.pos])
	case c == ':':
		if start+1 < len(s) && s[start+1] == ':' {
			lx.pos += 2
			return tok(Op, "::")
		}
		lx.pos++
		return tok(Punct, ":")
	case strings.IndexByte("()[],;.", c) >= 0:
		lx.pos++
		return tok(Punct, string(c))
	case isOpChar(c):
		op := lx.operator()
		if op == "!=" {
			return tok(Op, "<>")
		}
		return tok(Op, op)
	}
	r, _ := utf8.DecodeRuneInString(s[start:])
	return Token{}, false, syntaxErr(start, "syntax error at or near %q", string(r))
}

// number scans digits[.digits][e[+-]digits], Postgres 15 style: no hex, no
// underscores; "1e" without digits leaves the "e" for the next token.
func (lx *lexer) number() {
	s := lx.src
	for lx.pos < len(s) && isDigit(s[lx.pos]) {
		lx.pos++
	}
	// "1..2" is 1 then ..2 in Postgres (a range-like operator context);
	// only take the dot if it is not the start of "..".
	if lx.pos < len(s) && s[lx.pos] == '.' && !strings.HasPrefix(s[lx.pos:], "..") {
		lx.pos++
		for lx.pos < len(s) && isDigit(s[lx.pos]) {
			lx.pos++
		}
	}
	if lx.pos < len(s) && (s[lx.pos] == 'e' || s[lx.pos] == 'E') {
		p := lx.pos + 1
		if p < len(s) && (s[p] == '+' || s[p] == '-') {
			p++
		}
		if p < len(s) && isDigit(s[p]) {
			for p < len(s) && isDigit(s[p]) {
				p++
			}
			lx.pos = p
		}
	}
}

// operator scans a Postgres operator: the longest run of operator chars
// that does not start a comment, with trailing + and - dropped unless the
// run holds one of ~ ! @ # % ^ & | ` ? (so "a<-1" is a < -1).
func (lx *lexer) operator() string {
	s, start := lx.src, lx.pos
	end := start
	for end < len(s) && isOpChar(s[end]) {
		if end > start && (strings.HasPrefix(s[end:], "--") || strings.HasPrefix(s[end:], "/*")) {
			break
		}
		end++
	}
	op := s[start:end]
	if len(op) > 1 && !strings.ContainsAny(op, "~!@#%^&|`?") {
		for len(op) > 1 && (op[len(op)-1] == '+' || op[len(op)-1] == '-') {
			op = op[:len(op)-1]
		}
	}
	lx.pos = start + len(op)
	return op
}

// quoted scans '...' at lx.pos (the opening quote), with doubled-quote escapes and,
// if escapes, E-string backslash escapes. Adjacent literals separated by
// whitespace holding a newline are one literal, as in Postgres.
func (lx *lexer) quoted(escapes bool) (string, error) {
	s := lx.src
	var b strings.Builder
	for {
		open := lx.pos
		lx.pos++ // opening quote
		for {
			if lx.pos >= len(s) {
				return "", syntaxErr(open, "unterminated quoted string")
			}
			c := s[lx.pos]
			if c == '\'' {
				if lx.pos+1 < len(s) && s[lx.pos+1] == '\'' {
					b.WriteByte('\'')
					lx.pos += 2
					continue
				}
				lx.pos++
				break
			}
			if c == '\\' && escapes {
				if err := lx.escape(&b); err != nil {
					return "", err
				}
				continue
			}
			b.WriteByte(c)
			lx.pos++
		}
		// Continuation: whitespace with a newline, then another quote.
		save := lx.pos
		nl := false
		for lx.pos < len(s) && isSpace(s[lx.pos]) {
			if s[lx.pos] == '\n' || s[lx.pos] == '\r' {
				nl = true
			}
			lx.pos++
		}
		if !nl || lx.pos >= len(s) || s[lx.pos] != '\'' {
			lx.pos = save
			break
		}
	}
	v := b.String()
	if !utf8.ValidString(v) {
		return "", codedErr(CodeInvalidByteSequence, lx.pos, "invalid byte sequence for encoding \"UTF8\"")
	}
	if strings.IndexByte(v, 0) >= 0 {
		return "", codedErr(CodeInvalidByteSequence, lx.pos, "invalid byte sequence for encoding \"UTF8\": 0x00")
	}
	return v, nil
}

// escape decodes one backslash escape of an E-string at lx.pos.
func (lx *lexer) escape(b *strings.Builder) error {
	s, at := lx.src, lx.pos
	if at+1 >= len(s) {
		return syntaxErr(at, "unterminated quoted string")
	}
	c := s[at+1]
	lx.pos = at + 2
	switch c {
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
	case 'x':
		n := lx.hexRun(2)
		if n < 0 {
			b.WriteByte('x') // "\x" without digits is just "x"
			return nil
		}
		b.WriteByte(byte(n))
	case 'u', 'U':
		width := 4
		if c == 'U' {
			width = 8
		}
		r, err := lx.unicodeEscape(at, width)
		if err != nil {
			return err
		}
		if r >= 0xD800 && r <= 0xDBFF {
			// A high surrogate must be followed by \u low surrogate.
			if !strings.HasPrefix(s[lx.pos:], "\\u") {
				return syntaxErr(at, "invalid Unicode surrogate pair")
			}
			lx.pos += 2
			lo, err := lx.unicodeEscape(at, 4)
			if err != nil {
				return err
			}
			if lo < 0xDC00 || lo > 0xDFFF {
				return syntaxErr(at, "invalid Unicode surrogate pair")
			}
			r = (r-0xD800)<<10 + (lo - 0xDC00) + 0x10000
		} else if r >= 0xDC00 && r <= 0xDFFF {
			return syntaxErr(at, "invalid Unicode surrogate pair")
		}
		b.WriteRune(rune(r))
	default:
		if c >= '0' && c <= '7' {
			n := int(c - '0')
			for i := 0; i < 2 && lx.pos < len(s) && s[lx.pos] >= '0' && s[lx.pos] <= '7'; i++ {
				n = n*8 + int(s[lx.pos]-'0')
				lx.pos++
			}
			b.WriteByte(byte(n))
			return nil
		}
		// Any other character stands for itself (\\ \' \" ...); keep whole
		// UTF-8 sequences intact.
		_, size := utf8.DecodeRuneInString(s[at+1:])
		b.WriteString(s[at+1 : at+1+size])
		lx.pos = at + 1 + size
	}
	return nil
}

// hexRun reads up to max hex digits; -1 if there are none.
func (lx *lexer) hexRun(max int) int {
	n, i := 0, 0
	for ; i < max && lx.pos < len(lx.src); i++ {
		d := hexVal(lx.src[lx.pos])
		if d < 0 {
			break
		}
		n = n*16 + d
		lx.pos++
	}
	if i == 0 {
		return -1
	}
	return n
}

func hexVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// unicodeEscape reads exactly width hex digits forming a code point.
func (lx *lexer) unicodeEscape(at, width int) (int, error) {
	n := 0
	for i := 0; i < width; i++ {
		if lx.pos >= len(lx.src) || hexVal(lx.src[lx.pos]) < 0 {
			return 0, syntaxErr(at, "invalid Unicode escape")
		}
		n = n*16 + hexVal(lx.src[lx.pos])
		lx.pos++
	}
	if n == 0 || n > utf8.MaxRune {
		return 0, syntaxErr(at, "invalid Unicode escape value")
	}
	return n, nil
}

// quotedIdent scans "..." with "" escapes.
func (lx *lexer) quotedIdent() (string, error) {
	s, open := lx.src, lx.pos
	var b strings.Builder
	lx.pos++
	for {
		if lx.pos >= len(s) {
			return "", syntaxErr(open, "unterminated quoted identifier")
		}
		c := s[lx.pos]
		if c == '"' {
			if lx.pos+1 < len(s) && s[lx.pos+1] == '"' {
				b.WriteByte('"')
				lx.pos += 2
				continue
			}
			lx.pos++
			break
		}
		b.WriteByte(c)
		lx.pos++
	}
	if b.Len() == 0 {
		return "", syntaxErr(open, "zero-length delimited identifier")
	}
	return b.String(), nil
}

// dollarQuoted scans $tag$...$tag$ at lx.pos; ok is false (and nothing is
// consumed) when the '$' does not open a dollar quote.
func (lx *lexer) dollarQuoted() (string, bool, error) {
	s, start := lx.src, lx.pos
	p := start + 1
	if p < len(s) && isIdentStart(s[p]) {
		for p < len(s) && (isIdentStart(s[p]) || isDigit(s[p])) {
			p++
		}
	}
	if p >= len(s) || s[p] != '$' {
		return "", false, nil
	}
	delim := s[start : p+1]
	body := p + 1
	end := strings.Index(s[body:], delim)
	if end < 0 {
		return "", false, syntaxErr(start, "unterminated dollar-quoted string")
	}
	lx.pos = body + end + len(delim)
	v := s[body : body+end]
	if !utf8.ValidString(v) || strings.IndexByte(v, 0) >= 0 {
		return "", false, codedErr(CodeInvalidByteSequence, start, "invalid byte sequence for encoding \"UTF8\"")
	}
	return v, true, nil
}

// unicodeQuoted scans U&'..' or U&"..", with \XXXX and \+XXXXXX escapes
// (the default escape character; UESCAPE is not supported).
func (lx *lexer) unicodeQuoted(start int) (Token, bool, error) {
	lx.pos = start + 2
	quote := lx.src[lx.pos]
	var raw string
	var err error
	if quote == '\'' {
		raw, err = lx.quoted(false)
	} else {
		raw, err = lx.quotedIdent()
	}
	if err != nil {
		return Token{}, false, err
	}
	var b strings.Builder
	for i := 0; i < len(raw); i++ {
		if raw[i] != '\\' {
			b.WriteByte(raw[i])
			continue
		}
		if i+1 < len(raw) && raw[i+1] == '\\' {
			b.WriteByte('\\')
			i++
			continue
		}
		width, j := 4, i+1
		if j < len(raw) && raw[j] == '+' {
			width, j = 6, j+1
		}
		if j+width > len(raw) {
			return Token{}, false, syntaxErr(start, "invalid Unicode escape")
		}
		n, perr := strconv.ParseUint(raw[j:j+width], 16, 32)
		if perr != nil || n == 0 || n > utf8.MaxRune || n >= 0xD800 && n <= 0xDFFF {
			return Token{}, false, syntaxErr(start, "invalid Unicode escape value")
		}
		b.WriteRune(rune(n))
		i = j + width - 1
	}
	kind := String
	if quote == '"' {
		kind = QuotedIdent
	}
	return Token{Kind: kind, Text: b.String(), Raw: lx.src[start:lx.pos], Pos: start}, true, nil
}
