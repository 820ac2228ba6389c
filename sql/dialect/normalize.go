package dialect

import (
	"strconv"
	"strings"
)

// LiteralType is the type Postgres gives a constant written in a
// statement: an integer is integer if it fits, else bigint, else numeric;
// a number with a decimal point is numeric; a quoted string is unknown
// (typed later by its context).
type LiteralType uint8

const (
	LitInt4 LiteralType = iota + 1
	LitInt8
	LitNumeric
	LitUnknown
)

// Literal is one constant that Normalize replaced by a parameter.
type Literal struct {
	Type LiteralType
	// Text is the number as written, or the string's decoded value.
	Text string
}

// maxLiteralDigits bounds the numbers Normalize replaces: the TiDB parser
// reads longer decimals with less precision than numeric input does, so
// those stay in the text (and the statement is planned with them).
const maxLiteralDigits = 30

// Normalize prepares a simple-protocol statement for a plan cache. For a
// SELECT, INSERT, UPDATE or DELETE without $n parameters, it returns the
// statement with each eligible literal replaced by $1, $2, ... in order,
// and the literals. Statements that differ only in those literals
// normalize to the same text; ok is false for every other statement
// (utility statements, DDL, several statements, SELECT INTO, text that
// does not tokenize), which the caller runs as usual.
//
// # Which literals are replaced
//
// Only literals whose replacement by a typed parameter cannot change the
// statement's meaning, as far as the token stream shows:
//
//  1. Clauses: WHERE (of the statement or of a subquery that is itself
//     in an eligible place), UPDATE's SET list, and the rows of INSERT's
//     VALUES list. Never the select list (result names and types), FROM,
//     GROUP BY / ORDER BY (ordinals, matching select items), HAVING,
//     LIMIT / OFFSET, RETURNING, ON CONFLICT, JOIN ... ON or DDL.
//  2. Place: directly an operand of a comparison or arithmetic operator
//     (= <> < > <= >= + - * / %), an element of an IN list, or a value
//     of a VALUES row; never a function or type-constructor argument
//     (inside f(...) or [...]), never before :: or COLLATE, never after a
//     type name (interval '1 day'), LIKE, BETWEEN, IS ... FROM.
//  3. Form: '...' and E'...' strings; numbers written as digits, or digits
//     '.' digits, of at most maxLiteralDigits digits (no exponents).
//
// The caller still checks that the plan of the normalized statement has
// the shape the literal statement's plan has before it reuses it.
func Normalize(src string) (norm string, lits []Literal, ok bool) {
	toks, err := Tokenize(src)
	if err != nil || len(toks) == 0 {
		return "", nil, false
	}
	for len(toks) > 0 && toks[len(toks)-1].isPunct(";") {
		toks = toks[:len(toks)-1]
	}
	if len(toks) == 0 {
		return "", nil, false
	}
	var root frame
	root.stmt, root.inherit = true, true
	switch {
	case toks[0].is("select"), toks[0].is("insert"), toks[0].is("update"), toks[0].is("delete"):
		root.verb = toks[0].Text
	default:
		return "", nil, false
	}
	stack := []frame{root}
	var b strings.Builder
	last := 0 // bytes of src copied to b so far
	for i, t := range toks {
		top := &stack[len(stack)-1]
		switch t.Kind {
		case Param:
			return "", nil, false
		case Ident:
			if top.stmt {
				if t.is("into") && top.verb == "select" {
					return "", nil, false
				}
				top.clauseWord(t.Text, prevTok(toks, i))
			}
			continue
		case Punct, Op:
			switch t.Text {
			case ";":
				return "", nil, false
			case "(":
				stack = append(stack, openParen(stack, toks, i))
			case "[":
				stack = append(stack, frame{kind: frameFunc})
			case ")", "]":
				if len(stack) == 1 {
					return "", nil, false
				}
				stack = stack[:len(stack)-1]
			}
			continue
		case Number, String:
		default:
			continue
		}
		lit, eligible := literalOf(t)
		if !eligible || !top.eligible() || !prevOK(toks, i, top) || !nextOK(toks, i, top) {
			continue
		}
		if t.Kind == Number && i > 0 && toks[i-1].isPunct("-") && unaryAt(toks, i-1) && lit.Type != LitInt4 {
			// -2147483648 is an integer to Postgres, minus applied to a
			// bigint to a parameter; keep such numbers.
			continue
		}
		if b.Cap() == 0 {
			b.Grow(len(src) + 8)
		}
		b.WriteString(src[last:t.Pos])
		n := strconv.Itoa(len(lits) + 1)
		// Keep the parameter a token of its own (E'x'and, 1and).
		if t.Pos > 0 && isIdentCont(src[t.Pos-1]) {
			b.WriteByte(' ')
		}
		b.WriteByte('$')
		b.WriteString(n)
		last = t.Pos + len(t.Raw)
		if last < len(src) && (isIdentCont(src[last]) || src[last] == '.') {
			b.WriteByte(' ')
		}
		lits = append(lits, lit)
	}
	if len(stack) != 1 {
		return "", nil, false
	}
	if len(lits) == 0 {
		return src, nil, true
	}
	b.WriteString(src[last:])
	return b.String(), lits, true
}

type clause uint8

const (
	clauseOther    clause = iota // parameters not allowed
	clauseWhere                  // WHERE
	clauseSet                    // UPDATE ... SET
	clauseValues                 // INSERT ... VALUES
	clauseConflict               // ON CONFLICT ...: the rest of the statement
)

type frameKind uint8

const (
	frameStmt  frameKind = iota // the statement or a subquery
	frameGroup                  // ( expr ) in an expression
	frameIn                     // IN ( list )
	frameRow                    // a VALUES row of the INSERT
	frameFunc                   // function arguments, type modifiers, [ ]
)

// frame is one level of parentheses while Normalize walks the tokens.
type frame struct {
	kind frameKind
	stmt bool // kind == frameStmt
	// verb is the statement's first keyword (root frame only).
	verb   string
	clause clause
	// inherit: the frame sits where literals may be replaced (for a
	// subquery: in an eligible clause of its parent; else the parent's
	// eligibility when the frame opened).
	inherit bool
}

// eligible reports whether literals directly in f may be replaced.
func (f *frame) eligible() bool {
	if !f.inherit {
		return false
	}
	switch f.kind {
	case frameStmt:
		return f.clause == clauseWhere || f.clause == clauseSet && f.verb == "update"
	case frameGroup, frameIn, frameRow:
		return true
	}
	return false
}

// clauseWord notes a keyword at a statement frame's own level.
func (f *frame) clauseWord(w string, prev Token) {
	if f.clause == clauseConflict {
		return
	}
	switch w {
	case "where":
		f.clause = clauseWhere
	case "set":
		if f.verb == "update" {
			f.clause = clauseSet
		} else {
			f.clause = clauseOther
		}
	case "values":
		if f.verb == "insert" {
			f.clause = clauseValues
		} else {
			f.clause = clauseOther
		}
	case "conflict":
		if prev.is("on") {
			f.clause = clauseConflict
		}
	case "select", "from", "group", "order", "having", "limit", "offset", "fetch",
		"returning", "union", "intersect", "except", "window", "for", "using", "join",
		"on", "into", "default", "with", "lateral", "distinct", "by":
		f.clause = clauseOther
	}
}

// openParen classifies the '(' at toks[i].
func openParen(stack []frame, toks []Token, i int) frame {
	top := &stack[len(stack)-1]
	prev, next := prevTok(toks, i), Token{}
	if i+1 < len(toks) {
		next = toks[i+1]
	}
	if next.is("select") || next.is("with") || next.is("values") {
		return frame{kind: frameStmt, stmt: true, inherit: top.eligible()}
	}
	switch {
	case prev.is("in"):
		return frame{kind: frameIn, inherit: top.eligible()}
	case top.stmt && len(stack) == 1 && top.clause == clauseValues && top.verb == "insert" &&
		(prev.is("values") || prev.isPunct(",")):
		return frame{kind: frameRow, inherit: top.inherit}
	case prev.Kind == Op && prev.Text != "::", prev.isPunct("("), prev.isPunct(","),
		prev.is("and"), prev.is("or"), prev.is("not"), prev.is("where"):
		return frame{kind: frameGroup, inherit: top.eligible()}
	}
	return frame{kind: frameFunc}
}

func prevTok(toks []Token, i int) Token {
	if i > 0 {
		return toks[i-1]
	}
	return Token{}
}

// arithCmp are the operators whose literal operands may be parameters.
var arithCmp = map[string]bool{"=": true, "<>": true, "<": true, ">": true, "<=": true, ">=": true,
	"+": true, "-": true, "*": true, "/": true, "%": true}

func prevOK(toks []Token, i int, top *frame) bool {
	if i == 0 {
		return false
	}
	p := toks[i-1]
	switch {
	case p.Kind == Op:
		return arithCmp[p.Text]
	case p.isPunct("("):
		return top.kind == frameIn || top.kind == frameRow || top.kind == frameGroup
	case p.isPunct(","):
		return top.kind == frameIn || top.kind == frameRow
	case p.is("and"):
		return !betweenAnd(toks, i-1)
	case p.is("where"), p.is("or"):
		return true
	}
	return false
}

// betweenAnd reports whether the AND at toks[i] is BETWEEN's.
func betweenAnd(toks []Token, i int) bool {
	depth := 0
	for j := i - 1; j >= 0; j-- {
		t := toks[j]
		switch {
		case t.isPunct(")") || t.isPunct("]"):
			depth++
		case t.isPunct("(") || t.isPunct("["):
			if depth == 0 {
				return false
			}
			depth--
		case depth > 0:
		case t.is("between"):
			return true
		case t.is("and"), t.is("or"), t.is("where"), t.is("set"), t.is("when"), t.is("then"):
			return false
		}
	}
	return false
}

// nextWords may follow a replaced literal.
var nextWords = map[string]bool{"and": true, "or": true, "order": true, "group": true, "limit": true,
	"offset": true, "returning": true, "having": true, "window": true, "for": true, "union": true,
	"intersect": true, "except": true, "fetch": true, "where": true, "from": true}

func nextOK(toks []Token, i int, top *frame) bool {
	if i+1 == len(toks) {
		return top.stmt
	}
	q := toks[i+1]
	switch {
	case q.Kind == Op:
		return arithCmp[q.Text]
	case q.isPunct(")"):
		return top.kind == frameIn || top.kind == frameRow || top.kind == frameGroup || top.stmt
	case q.isPunct(","):
		return top.kind == frameIn || top.kind == frameRow || top.stmt && top.clause == clauseSet
	case q.Kind == Ident:
		return nextWords[q.Text]
	}
	return false
}

// unaryAt reports whether the '-' at toks[i] may be a prefix minus (when
// in doubt, it says yes).
func unaryAt(toks []Token, i int) bool {
	if i == 0 {
		return true
	}
	switch p := toks[i-1]; p.Kind {
	case Number, String, BitString, Param, QuotedIdent:
		return false
	case Punct:
		return !(p.Text == ")" || p.Text == "]")
	case Ident:
		return keywordBeforeOperand[p.Text]
	}
	return true
}

// keywordBeforeOperand are keywords after which '-' starts an operand.
var keywordBeforeOperand = map[string]bool{"where": true, "and": true, "or": true, "not": true,
	"select": true, "set": true, "values": true, "when": true, "then": true, "else": true,
	"case": true, "by": true, "in": true, "is": true, "like": true, "ilike": true, "between": true,
	"return": true, "returning": true, "having": true, "limit": true, "offset": true, "on": true,
	"all": true, "any": true, "some": true, "distinct": true, "from": true, "array": true}

// literalOf reads t as a replaceable literal.
func literalOf(t Token) (Literal, bool) {
	if t.Kind == String {
		if t.Raw == "" || !(t.Raw[0] == '\'' || (t.Raw[0] == 'e' || t.Raw[0] == 'E') && len(t.Raw) > 1 && t.Raw[1] == '\'') {
			return Literal{}, false
		}
		return Literal{Type: LitUnknown, Text: t.Text}, true
	}
	s := t.Raw
	digits, dot := 0, -1
	for j := 0; j < len(s); j++ {
		switch c := s[j]; {
		case isDigit(c):
			digits++
		case c == '.' && dot < 0:
			dot = j
		default:
			return Literal{}, false
		}
	}
	if digits == 0 || digits > maxLiteralDigits || dot == 0 || dot == len(s)-1 {
		return Literal{}, false
	}
	if dot > 0 {
		return Literal{Type: LitNumeric, Text: s}, true
	}
	if v, err := strconv.ParseInt(s, 10, 64); err == nil {
		if v <= 1<<31-1 {
			return Literal{Type: LitInt4, Text: s}, true
		}
		return Literal{Type: LitInt8, Text: s}, true
	}
	return Literal{Type: LitNumeric, Text: s}, true
}
