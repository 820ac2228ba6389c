package dialect

import "strings"

// closers holds tokens to insert before input index i (where a wrapped
// right operand ends). Rewrites emit the opening part at once and keep
// processing the right operand's tokens normally, so rewrites nested in it
// still apply.
type closers map[int][]Token

func (c closers) flush(out []Token, i int) []Token {
	if cl, ok := c[i]; ok {
		// Closers added later belong to inner (shorter) operands ending
		// at the same place, so they close first.
		for k := len(cl) - 1; k >= 0; k-- {
			out = append(out, cl[k])
		}
		delete(c, i)
	}
	return out
}

// rewriteDistinctFrom writes a IS NOT DISTINCT FROM b as ((a) <=> (b)) and
// a IS DISTINCT FROM b as (NOT ((a) <=> (b))). IS binds looser than
// comparison and arithmetic, so a+1 IS DISTINCT FROM b*2 compares whole
// sums; the parentheses keep that under MySQL's precedence.
func rewriteDistinctFrom(toks []Token) ([]Token, error) {
	out := make([]Token, 0, len(toks))
	cl := closers{}
	for i := 0; i < len(toks); i++ {
		out = cl.flush(out, i)
		t := toks[i]
		if !t.is("is") {
			out = append(out, t)
			continue
		}
		j, not := i+1, false
		if j < len(toks) && toks[j].is("not") {
			j, not = j+1, true
		}
		if !(j+1 < len(toks) && toks[j].is("distinct") && toks[j+1].is("from")) {
			out = append(out, t)
			continue
		}
		start := operandStart(out, len(out), lvlIs)
		end := operandEnd(toks, j+2, lvlIs)
		if start < 0 || end < 0 {
			return nil, syntaxErr(t.Pos, "syntax error at or near \"IS\"")
		}
		p := t.Pos
		left := append([]Token(nil), out[start:]...)
		out = out[:start]
		if !not {
			out = append(out, synth(Punct, "(", p), synth(Ident, "not", p))
		}
		out = append(out, synth(Punct, "(", p), synth(Punct, "(", p))
		out = append(out, left...)
		out = append(out, synth(Punct, ")", p), synth(Op, "<=>", p), synth(Punct, "(", p))
		closing := []Token{synth(Punct, ")", p), synth(Punct, ")", p)}
		if !not {
			closing = append(closing, synth(Punct, ")", p))
		}
		// Stored reversed by flush's order: append in closing order.
		for k := len(closing) - 1; k >= 0; k-- {
			cl[end] = append(cl[end], closing[k])
		}
		i = j + 1
	}
	out = cl.flush(out, len(toks))
	return out, nil
}

// rewriteRegex writes a ~ b as pdb_regex_match(a, b), ~* as
// pdb_regex_imatch, and !~ / !~* as (NOT pdb_regex_...(a, b)). Prefix ~
// (bitwise not) is left alone.
func rewriteRegex(toks []Token) ([]Token, error) {
	out := make([]Token, 0, len(toks))
	cl := closers{}
	for i := 0; i < len(toks); i++ {
		out = cl.flush(out, i)
		t := toks[i]
		if t.Kind != Op || (t.Text != "~" && t.Text != "~*" && t.Text != "!~" && t.Text != "!~*") {
			out = append(out, t)
			continue
		}
		if t.Text == "~" && (len(out) == 0 || !endsOperand(out[len(out)-1])) {
			out = append(out, t) // bitwise not
			continue
		}
		start := operandStart(out, len(out), lvlOther)
		end := operandEnd(toks, i+1, lvlOther)
		if start < 0 || end < 0 {
			return nil, syntaxErr(t.Pos, "syntax error at or near %q", t.Text)
		}
		p := t.Pos
		fn := FuncRegexMatch
		if t.Text == "~*" || t.Text == "!~*" {
			fn = FuncRegexIMatch
		}
		neg := t.Text[0] == '!'
		left := append([]Token(nil), out[start:]...)
		out = out[:start]
		if neg {
			out = append(out, synth(Punct, "(", p), synth(Ident, "not", p))
		}
		out = append(out, synth(Ident, fn, p), synth(Punct, "(", p))
		out = append(out, left...)
		out = append(out, synth(Punct, ",", p))
		if neg {
			cl[end] = append(cl[end], synth(Punct, ")", p))
		}
		cl[end] = append(cl[end], synth(Punct, ")", p))
	}
	out = cl.flush(out, len(toks))
	return out, nil
}

// rewriteNulls turns "expr [ASC|DESC] NULLS FIRST|LAST" into
// "pdb_nulls_first(expr) [ASC|DESC]" wherever an ORDER BY item is.
func rewriteNulls(toks []Token) []Token {
	out := make([]Token, 0, len(toks))
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if !(t.is("nulls") && i+1 < len(toks) && (toks[i+1].is("first") || toks[i+1].is("last"))) {
			out = append(out, t)
			continue
		}
		fn := FuncNullsFirst
		if toks[i+1].is("last") {
			fn = FuncNullsLast
		}
		end := len(out)
		for end > 0 && (out[end-1].is("asc") || out[end-1].is("desc")) {
			end--
		}
		// The item starts after the ',' or BY (or '(') at its level.
		start, depth := end, 0
		for start > 0 {
			p := out[start-1]
			if p.isPunct(")") || p.isPunct("]") || p.is("end") {
				depth++
			} else if p.isPunct("(") || p.isPunct("[") || p.is("case") {
				if depth == 0 {
					break
				}
				depth--
			} else if depth == 0 && (p.isPunct(",") || p.is("by")) {
				break
			}
			start--
		}
		suffix := append([]Token(nil), out[end:]...)
		expr := append([]Token(nil), out[start:end]...)
		out = append(out[:start], synth(Ident, fn, t.Pos), synth(Punct, "(", t.Pos))
		out = append(out, expr...)
		out = append(out, synth(Punct, ")", t.Pos))
		out = append(out, suffix...)
		i++
	}
	return out
}

// rewriteDistinctOn turns "SELECT DISTINCT ON (e, ...) list" into
// "SELECT pdb_distinct_on(e, ...) AS pdb_distinct_on, list".
func rewriteDistinctOn(toks []Token) ([]Token, error) {
	out := make([]Token, 0, len(toks)+4)
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if !(t.is("distinct") && i+2 < len(toks) && toks[i+1].is("on") && toks[i+2].isPunct("(")) {
			out = append(out, t)
			continue
		}
		closeAt := matchForward(toks, i+2)
		if closeAt < 0 {
			return nil, syntaxErr(t.Pos, "syntax error in DISTINCT ON")
		}
		p := t.Pos
		out = append(out, synth(Ident, FuncDistinctOn, p))
		out = append(out, toks[i+2:closeAt+1]...)
		out = append(out, synth(Ident, "as", p), synth(Ident, FuncDistinctOn, p), synth(Punct, ",", p))
		i = closeAt
	}
	return out, nil
}

// rewriteConcatFunc renames calls of concat( to FuncConcat, leaving the
// TiDB parser's own concat (from ||) as the only one.
func rewriteConcatFunc(toks []Token) []Token {
	for i := 0; i+1 < len(toks); i++ {
		if toks[i].Kind == Ident && strings.EqualFold(toks[i].Text, "concat") && toks[i+1].isPunct("(") {
			toks[i].Text = FuncConcat
		}
	}
	return toks
}

// valueFuncs are Postgres's SQL value functions written without
// parentheses that the MySQL grammar does not know as such.
var valueFuncs = map[string]bool{"session_user": true, "current_role": true, "current_schema": true, "current_catalog": true, "user": true}

// rewriteValueFuncs turns the bare keywords session_user, current_role,
// current_schema, current_catalog and user into calls: name().
func rewriteValueFuncs(toks []Token) []Token {
	out := toks[:0:0]
	for i, t := range toks {
		out = append(out, t)
		if t.Kind != Ident || !valueFuncs[t.Text] || strings.HasPrefix(t.Raw, `"`) {
			continue
		}
		if i+1 < len(toks) && (toks[i+1].isPunct("(") || toks[i+1].isPunct(".")) || i > 0 && toks[i-1].isPunct(".") {
			continue
		}
		out = append(out, Token{Kind: Punct, Text: "(", Raw: "(", Pos: t.Pos}, Token{Kind: Punct, Text: ")", Raw: ")", Pos: t.Pos})
	}
	return out
}

// rewriteExtract writes EXTRACT(field FROM x) as pdb_extract('field', x):
// the MySQL grammar knows only its own field names (no epoch, dow, ...).
func rewriteExtract(toks []Token) []Token {
	out := toks[:0:0]
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.Kind == Ident && strings.EqualFold(t.Text, "extract") && i+3 < len(toks) && toks[i+1].isPunct("(") &&
			(toks[i+2].Kind == Ident || toks[i+2].Kind == String) && strings.EqualFold(toks[i+3].Text, "from") && toks[i+3].Kind == Ident {
			field := strings.ToLower(toks[i+2].Text)
			out = append(out, synth(Ident, FuncExtract, t.Pos), toks[i+1], synth(String, field, toks[i+2].Pos), synth(Punct, ",", toks[i+3].Pos))
			i += 3
			continue
		}
		out = append(out, t)
	}
	return out
}

// rewriteFullJoin writes FULL [OUTER] JOIN as STRAIGHT_JOIN, a MySQL join
// with an ON clause that Postgres has no use for, which the planner reads
// back as a full join. A STRAIGHT_JOIN written by the user is refused.
func rewriteFullJoin(toks []Token) ([]Token, error) {
	out := toks[:0:0]
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.Kind == Ident && strings.EqualFold(t.Raw, "straight_join") {
			return nil, syntaxErr(t.Pos, "syntax error at or near %q", t.Raw)
		}
		if t.is("full") {
			j := i + 1
			if j < len(toks) && toks[j].is("outer") {
				j++
			}
			if j < len(toks) && toks[j].is("join") {
				out = append(out, synth(Ident, "straight_join", t.Pos))
				i = j
				continue
			}
		}
		out = append(out, t)
	}
	return out, nil
}

// noLimit stands for LIMIT ALL and for the LIMIT the MySQL grammar needs
// before an OFFSET: no query returns more rows.
const noLimit = "9223372036854775807"

// rewriteLimit writes LIMIT ALL as LIMIT noLimit and puts LIMIT noLimit
// before an OFFSET that has no LIMIT, which the MySQL grammar requires.
func rewriteLimit(toks []Token) []Token {
	out := toks[:0:0]
	seen := []bool{false} // per parenthesis depth: a LIMIT in this query
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		d := len(seen) - 1
		switch {
		case t.isPunct("("):
			seen = append(seen, false)
		case t.isPunct(")") && d > 0:
			seen = seen[:d]
		case t.is("select") || t.is("union") || t.is("intersect") || t.is("except"):
			seen[d] = false
		case t.is("limit"):
			seen[d] = true
			if i+1 < len(toks) && toks[i+1].is("all") {
				out = append(out, t, synth(Number, noLimit, toks[i+1].Pos))
				i++
				continue
			}
		case t.is("offset") && !seen[d]:
			seen[d] = true
			if j, end := limitAfter(toks, i); j > 0 {
				// OFFSET n LIMIT m: the MySQL grammar wants LIMIT first.
				out = append(out, rewriteLimit(toks[j:end])...)
				out = append(out, t)
				out = append(out, rewriteLimit(toks[i+1:j])...)
				i = end - 1
				continue
			}
			out = append(out, synth(Ident, "limit", t.Pos), synth(Number, noLimit, t.Pos))
		}
		out = append(out, t)
	}
	return out
}

// limitAfter finds a LIMIT clause following the OFFSET at toks[i] in the
// same query: its start j and the end of the query level, or j = 0.
func limitAfter(toks []Token, i int) (j, end int) {
	depth := 0
	for k := i + 1; k < len(toks); k++ {
		t := toks[k]
		switch {
		case t.isPunct("("):
			depth++
		case t.isPunct(")"):
			if depth == 0 {
				return j, k
			}
			depth--
		case depth == 0 && (t.isPunct(";") || t.is("union") || t.is("intersect") || t.is("except") || t.is("for")):
			return j, k
		case depth == 0 && t.is("limit") && j == 0:
			j = k
		}
	}
	return j, len(toks)
}
