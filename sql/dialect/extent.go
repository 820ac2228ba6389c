package dialect

// Operand extents. Rewrites that turn an infix form into a call (x::t,
// a ~ b) or wrap both sides (IS DISTINCT FROM) must find how far each
// operand reaches, which depends on Postgres operator precedence. These
// helpers walk token slices with a small precedence table instead of a full
// expression parser: an operand is a run of units (literal, parameter,
// qualified name, call, bracket group, CASE..END, subscript) joined by
// binary operators that bind tighter than the one being rewritten.

// Postgres binding levels, loosest first (the table in "Lexical
// Structure: Operator Precedence").
const (
	lvlOr      = 1
	lvlAnd     = 2
	lvlNot     = 3
	lvlIs      = 4
	lvlCompare = 5
	lvlLike    = 6 // BETWEEN IN LIKE ILIKE SIMILAR
	lvlOther   = 7 // any other operator: || ~ @> ...
	lvlAdd     = 8
	lvlMul     = 9
	lvlPow     = 10
	lvlUnary   = 13
	lvlCast    = 15
)

// clauseWords end an operand: they start or separate clauses.
var clauseWords = map[string]bool{
	"select": true, "from": true, "where": true, "group": true, "having": true, "order": true,
	"by": true, "limit": true, "offset": true, "union": true, "intersect": true, "except": true,
	"on": true, "using": true, "when": true, "then": true, "else": true, "as": true, "set": true,
	"values": true, "returning": true, "into": true, "join": true, "inner": true, "left": true,
	"right": true, "full": true, "cross": true, "natural": true, "with": true, "distinct": true,
	"all": true, "asc": true, "desc": true, "nulls": true, "for": true, "window": true,
	"escape": true, "do": true, "conflict": true, "update": true, "delete": true, "insert": true,
	"fetch": true, "filter": true, "over": true, "partition": true, "collate": true, "at": true,
	"and": true, "or": true, "not": true, "is": true, "isnull": true, "notnull": true,
	"between": true, "in": true, "like": true, "ilike": true, "similar": true, "case": true, "end": true,
}

// binaryLevel is the level of t used as an infix operator, 0 if it is not one.
func binaryLevel(t Token) int {
	switch t.Kind {
	case Op:
		switch t.Text {
		case "=", "<", ">", "<=", ">=", "<>":
			return lvlCompare
		case "+", "-":
			return lvlAdd
		case "*", "/", "%":
			return lvlMul
		case "^":
			return lvlPow
		case "::":
			return lvlCast
		}
		return lvlOther
	case Ident:
		switch t.Text {
		case "or":
			return lvlOr
		case "and":
			return lvlAnd
		case "is", "isnull", "notnull":
			return lvlIs
		case "between", "in", "like", "ilike", "similar":
			return lvlLike
		}
	}
	return 0
}

// endsOperand reports whether t can be the last token of an operand.
func endsOperand(t Token) bool {
	switch t.Kind {
	case QuotedIdent, String, BitString, Number, Param:
		return true
	case Ident:
		return !clauseWords[t.Text] || t.Text == "end"
	case Punct:
		return t.Text == ")" || t.Text == "]"
	}
	return false
}

// isName reports whether t can be a (function or column) name.
func isName(t Token) bool {
	return t.Kind == QuotedIdent || t.Kind == Ident && !clauseWords[t.Text]
}

// matchOpen returns the index of the bracket or CASE opening the one that
// closes at toks[close] (")", "]" or END), or -1.
func matchOpen(toks []Token, close int) int {
	depth := 0
	for i := close; i >= 0; i-- {
		t := toks[i]
		switch {
		case t.isPunct(")") || t.isPunct("]") || t.is("end"):
			depth++
		case t.isPunct("(") || t.isPunct("[") || t.is("case"):
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// matchForward returns the index of the token closing the bracket or CASE
// at toks[open], or -1.
func matchForward(toks []Token, open int) int {
	depth := 0
	for i := open; i < len(toks); i++ {
		t := toks[i]
		switch {
		case t.isPunct("(") || t.isPunct("[") || t.is("case"):
			depth++
		case t.isPunct(")") || t.isPunct("]") || t.is("end"):
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// unitStart returns the first index of the unit ending at toks[end-1], or
// -1 if toks[end-1] cannot end an operand.
func unitStart(toks []Token, end int) int {
	if end <= 0 || !endsOperand(toks[end-1]) {
		return -1
	}
	k := end - 1
	t := toks[k]
	switch {
	case t.isPunct(")") || t.is("end"):
		k = matchOpen(toks, k)
		if k < 0 {
			return -1
		}
		if t.isPunct(")") && k > 0 && isName(toks[k-1]) {
			k-- // a call: name(...)
		} else if t.isPunct(")") && k > 0 && toks[k-1].Kind == Ident && (toks[k-1].Text == "exists" || toks[k-1].Text == "array") {
			k--
		}
	case t.isPunct("]"):
		k = matchOpen(toks, k)
		if k < 0 {
			return -1
		}
		if k > 0 && toks[k-1].is("array") {
			return k - 1
		}
		if b := unitStart(toks, k); b >= 0 {
			return b // subscript: base[...]
		}
		return k
	}
	// Qualified names: a.b.c, a.b(...).
	for k >= 2 && toks[k-1].isPunct(".") && isName(toks[k-2]) {
		k -= 2
	}
	return k
}

// isPrefixOp reports whether toks[i] is a prefix (unary) operator: an
// operator not preceded by something that ends an operand.
func isPrefixOp(toks []Token, i int) bool {
	t := toks[i]
	if !(t.Kind == Op && (t.Text == "-" || t.Text == "+" || t.Text == "~") || t.is("not")) {
		return false
	}
	return i == 0 || !endsOperand(toks[i-1])
}

func prefixLevel(t Token) int {
	if t.is("not") {
		return lvlNot
	}
	return lvlUnary
}

// operandStart returns where the left operand of an infix operator of
// level lvl begins, given that the operand ends at toks[end-1]; -1 if
// there is no operand.
func operandStart(toks []Token, end, lvl int) int {
	i := end
	for {
		j := unitStart(toks, i)
		if j < 0 {
			if i == end {
				return -1
			}
			return i
		}
		i = j
		for i > 0 && isPrefixOp(toks, i-1) && prefixLevel(toks[i-1]) >= lvl {
			i--
		}
		if i == 0 || isPrefixOp(toks, i-1) {
			return i
		}
		// Left associativity: operators of the same level belong to the
		// left operand ((a ~ b) ~ c).
		if l := binaryLevel(toks[i-1]); l >= lvl && l != lvlIs && i >= 2 && endsOperand(toks[i-2]) {
			i--
			continue
		}
		return i
	}
}

// operandEnd returns the index just past the right operand of an infix
// operator of level lvl whose operand starts at toks[start]; -1 if none.
func operandEnd(toks []Token, start, lvl int) int {
	i := start
	for {
		for i < len(toks) && (toks[i].Kind == Op && (toks[i].Text == "-" || toks[i].Text == "+" || toks[i].Text == "~") || toks[i].is("not") && lvl < lvlNot) {
			i++
		}
		if i >= len(toks) {
			return -1
		}
		t := toks[i]
		switch {
		case t.isPunct("(") || t.is("case"):
			i = matchForward(toks, i)
		case t.is("exists") || t.is("array"):
			i++
			if i < len(toks) && (toks[i].isPunct("(") || toks[i].isPunct("[")) {
				i = matchForward(toks, i)
			}
		case endsOperand(t):
			for i+2 < len(toks) && toks[i+1].isPunct(".") && isName(toks[i+2]) {
				i += 2
			}
			if i+1 < len(toks) && toks[i+1].isPunct("(") && isName(toks[i]) {
				i = matchForward(toks, i+1)
			}
		default:
			return -1
		}
		if i < 0 {
			return -1
		}
		i++
		for i < len(toks) && toks[i].isPunct("[") {
			if i = matchForward(toks, i); i < 0 {
				return -1
			}
			i++
		}
		if i < len(toks) {
			if l := binaryLevel(toks[i]); l > lvl {
				i++
				continue
			}
		}
		return i
	}
}
