package dialect

// Array syntax. The MySQL grammar has no brackets, no ARRAY keyword and
// reads && as AND, so every array form becomes a marker call:
//
//	ARRAY[a, b]             pdb_array(a, b)       ARRAY[[1,2],[3,4]] nests pdb_array
//	ARRAY(SELECT ...)       pdb_array_sub((SELECT ...))
//	x[i][j]                 pdb_subscript(x, i, j)
//	x[i:j][k]               pdb_slice(x, i, j, 1, k)   an omitted bound is pdb_omitted()
//	a @> b, a <@ b, a && b  pdb_contains(a, b), pdb_contains(b, a), pdb_overlap(a, b)
//	x op ANY (arr)          pdb_any(x, 'op', arr); ALL gives pdb_all; SOME is ANY
//	x NOT LIKE ANY (arr)    pdb_any(x, 'not like', arr); so LIKE, [NOT] ILIKE, ~ ~* !~ !~*
//
// op ANY (SELECT ...) stays as it is for comparisons: the MySQL grammar
// has it. The MySQL grammar has no LIKE ANY (SELECT ...), so that becomes
// pdb_any(x, 'like', ARRAY(SELECT ...)), which is the same test.
// array_agg(..) is written group_concat(..), the one MySQL aggregate whose
// grammar takes DISTINCT and ORDER BY; the planner reads it back as
// array_agg (its separator argument is the grammar's, not the user's).
const (
	FuncArray     = "pdb_array"
	FuncArraySub  = "pdb_array_sub"
	FuncSubscript = "pdb_subscript"
	FuncSlice     = "pdb_slice"
	FuncOmitted   = "pdb_omitted"
	FuncContains  = "pdb_contains"
	FuncOverlap   = "pdb_overlap"
	FuncAny       = "pdb_any"
	FuncAll       = "pdb_all"
	// FuncCardinality is cardinality(..), a keyword of the MySQL grammar.
	FuncCardinality = "pdb_cardinality"
)

// rewriteArrayOps turns @>, <@ and && into calls, as rewriteRegex does
// for ~ (they share its precedence level).
func rewriteArrayOps(toks []Token) ([]Token, error) {
	out := make([]Token, 0, len(toks))
	cl := closers{}
	for i := 0; i < len(toks); i++ {
		out = cl.flush(out, i)
		t := toks[i]
		if t.Kind != Op || (t.Text != "@>" && t.Text != "<@" && t.Text != "&&") {
			out = append(out, t)
			continue
		}
		start := operandStart(out, len(out), lvlOther)
		end := operandEnd(toks, i+1, lvlOther)
		if start < 0 || end < 0 {
			return nil, syntaxErr(t.Pos, "syntax error at or near %q", t.Text)
		}
		p := t.Pos
		left := append([]Token(nil), out[start:]...)
		out = out[:start]
		if t.Text == "<@" {
			// a <@ b is b @> a: the right operand goes first, so it is
			// rewritten on its own and moved.
			right, err := rewriteArrayOps(toks[i+1 : end])
			if err != nil {
				return nil, err
			}
			out = append(out, synth(Ident, FuncContains, p), synth(Punct, "(", p))
			out = append(out, right...)
			out = append(out, synth(Punct, ",", p))
			out = append(out, left...)
			out = append(out, synth(Punct, ")", p))
			i = end - 1
			continue
		}
		fn := FuncContains
		if t.Text == "&&" {
			fn = FuncOverlap
		}
		out = append(out, synth(Ident, fn, p), synth(Punct, "(", p))
		out = append(out, left...)
		out = append(out, synth(Punct, ",", p))
		cl[end] = append(cl[end], synth(Punct, ")", p))
	}
	out = cl.flush(out, len(toks))
	return out, nil
}

var anyOps = map[string]bool{"=": true, "<>": true, "<": true, "<=": true, ">": true, ">=": true}

// anyMatchOps are the pattern-matching operators that take ANY/ALL, by
// the token that ends them (NOT LIKE and NOT ILIKE are two tokens).
var anyMatchOps = map[string]bool{"like": true, "ilike": true, "~": true, "~*": true, "!~": true, "!~*": true}

// anyOperator returns the operator of "op ANY (" that ends out: its text
// as pdb_any's second argument says it, how many tokens it spans, and the
// precedence level its left operand binds tighter than; n is 0 if out
// does not end in such an operator.
func anyOperator(out []Token) (op string, n, lvl int) {
	if len(out) == 0 {
		return "", 0, 0
	}
	t := out[len(out)-1]
	switch {
	case t.Kind == Op && anyOps[t.Text]:
		return t.Text, 1, lvlCompare + 1
	case t.Kind == Op && anyMatchOps[t.Text]:
		// ~ and friends are left-associative with the other operators
		// of their level.
		return t.Text, 1, lvlOther
	case t.Kind == Ident && anyMatchOps[t.Text]:
		if len(out) > 1 && out[len(out)-2].is("not") {
			return "not " + t.Text, 2, lvlLike + 1
		}
		return t.Text, 1, lvlLike + 1
	}
	return "", 0, 0
}

// rewriteAnyAll turns x op ANY/SOME/ALL (expr) into pdb_any / pdb_all
// when expr is not a subquery.
func rewriteAnyAll(toks []Token) ([]Token, error) {
	out := make([]Token, 0, len(toks))
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		opText, opLen, lvl := anyOperator(out)
		if !((t.is("any") || t.is("some") || t.is("all")) && i+1 < len(toks) && toks[i+1].isPunct("(") && opLen > 0) {
			out = append(out, t)
			continue
		}
		closeAt := matchForward(toks, i+1)
		if closeAt < 0 {
			return nil, syntaxErr(t.Pos, "syntax error at or near %q", t.Text)
		}
		sub := i+2 < len(toks) && (toks[i+2].is("select") || toks[i+2].is("with") || toks[i+2].is("values") || toks[i+2].is("table"))
		if sub && anyOps[opText] {
			out = append(out, t) // a subquery
			continue
		}
		op := out[len(out)-opLen]
		start := operandStart(out, len(out)-opLen, lvl)
		if start < 0 {
			return nil, syntaxErr(op.Pos, "syntax error at or near %q", op.Text)
		}
		left := append([]Token(nil), out[start:len(out)-opLen]...)
		inner, err := rewriteAnyAll(toks[i+2 : closeAt])
		if err != nil {
			return nil, err
		}
		if sub {
			p := toks[i+1].Pos
			inner = append(append([]Token{synth(Ident, "array", p), synth(Punct, "(", p)}, inner...), synth(Punct, ")", p))
		}
		fn := FuncAny
		if t.is("all") {
			fn = FuncAll
		}
		p := op.Pos
		out = out[:start]
		out = append(out, synth(Ident, fn, p), synth(Punct, "(", p))
		out = append(out, left...)
		out = append(out, synth(Punct, ",", p), synth(String, opText, p), synth(Punct, ",", p))
		out = append(out, inner...)
		out = append(out, synth(Punct, ")", toks[closeAt].Pos))
		i = closeAt
	}
	return out, nil
}

// rewriteArrays turns ARRAY[...], ARRAY(...) and subscripts into calls.
func rewriteArrays(toks []Token) ([]Token, error) {
	out := make([]Token, 0, len(toks))
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch {
		case t.is("array") && i+1 < len(toks) && toks[i+1].isPunct("["):
			closeAt := matchForward(toks, i+1)
			if closeAt < 0 {
				return nil, syntaxErr(toks[i+1].Pos, "syntax error at or near \"[\"")
			}
			lit, err := arrayLiteral(t.Pos, toks[i+2:closeAt], toks[closeAt].Pos)
			if err != nil {
				return nil, err
			}
			if closeAt+1 < len(toks) && toks[closeAt+1].isPunct("[") {
				// Postgres's grammar wants (ARRAY[..])[i].
				return nil, syntaxErr(toks[closeAt+1].Pos, "syntax error at or near \"[\"")
			}
			out = append(out, lit...)
			i = closeAt
		case t.is("array") && i+1 < len(toks) && toks[i+1].isPunct("("):
			closeAt := matchForward(toks, i+1)
			if closeAt < 0 {
				return nil, syntaxErr(toks[i+1].Pos, "syntax error at or near \"(\"")
			}
			inner, err := rewriteArrays(toks[i+2 : closeAt])
			if err != nil {
				return nil, err
			}
			out = append(out, synth(Ident, FuncArraySub, t.Pos), synth(Punct, "(", t.Pos), synth(Punct, "(", toks[i+1].Pos))
			out = append(out, inner...)
			out = append(out, synth(Punct, ")", toks[closeAt].Pos), synth(Punct, ")", toks[closeAt].Pos))
			i = closeAt
		case t.isPunct("[") && len(out) > 0 && endsOperand(out[len(out)-1]):
			start := unitStart(out, len(out))
			if start < 0 {
				return nil, syntaxErr(t.Pos, "syntax error at or near \"[\"")
			}
			base := append([]Token(nil), out[start:]...)
			var groups [][][]Token // per [..]: its ':'-separated parts
			slice := false
			j := i
			for j < len(toks) && toks[j].isPunct("[") {
				closeAt := matchForward(toks, j)
				if closeAt < 0 {
					return nil, syntaxErr(toks[j].Pos, "syntax error at or near \"[\"")
				}
				parts := splitTop(toks[j+1:closeAt], ":")
				if len(parts) > 2 {
					return nil, syntaxErr(toks[j].Pos, "syntax error at or near \":\"")
				}
				if len(parts) == 2 {
					slice = true
				} else if len(parts[0]) == 0 {
					return nil, syntaxErr(toks[closeAt].Pos, "syntax error at or near \"]\"")
				}
				for k := range parts {
					r, err := rewriteArrays(parts[k])
					if err != nil {
						return nil, err
					}
					parts[k] = r
				}
				groups = append(groups, parts)
				j = closeAt + 1
			}
			fn := FuncSubscript
			if slice {
				fn = FuncSlice
			}
			out = out[:start]
			out = append(out, synth(Ident, fn, t.Pos), synth(Punct, "(", t.Pos))
			out = append(out, base...)
			for _, parts := range groups {
				if slice && len(parts) == 1 {
					parts = [][]Token{{synth(Number, "1", t.Pos)}, parts[0]}
				}
				for _, part := range parts {
					out = append(out, synth(Punct, ",", t.Pos))
					if len(part) == 0 {
						out = append(out, synth(Ident, FuncOmitted, t.Pos), synth(Punct, "(", t.Pos), synth(Punct, ")", t.Pos))
						continue
					}
					out = append(out, part...)
				}
			}
			out = append(out, synth(Punct, ")", toks[j-1].Pos))
			i = j - 1
		default:
			out = append(out, t)
		}
	}
	return out, nil
}

// arrayLiteral writes the inside of ARRAY[...] (elems) as pdb_array(...);
// an element that is itself a bracket group ([1,2] in ARRAY[[1,2],[3,4]])
// becomes a nested pdb_array.
func arrayLiteral(pos int, elems []Token, closePos int) ([]Token, error) {
	out := []Token{synth(Ident, FuncArray, pos), synth(Punct, "(", pos)}
	if len(elems) > 0 {
		for k, part := range splitTop(elems, ",") {
			if k > 0 {
				out = append(out, synth(Punct, ",", pos))
			}
			if len(part) > 0 && part[0].isPunct("[") && matchForward(part, 0) == len(part)-1 {
				lit, err := arrayLiteral(part[0].Pos, part[1:len(part)-1], part[len(part)-1].Pos)
				if err != nil {
					return nil, err
				}
				out = append(out, lit...)
				continue
			}
			r, err := rewriteArrays(part)
			if err != nil {
				return nil, err
			}
			out = append(out, r...)
		}
	}
	return append(out, synth(Punct, ")", closePos)), nil
}

// splitTop splits toks at the punctuation sep outside brackets and CASE.
func splitTop(toks []Token, sep string) [][]Token {
	var parts [][]Token
	depth, from := 0, 0
	for i, t := range toks {
		switch {
		case t.isPunct("(") || t.isPunct("[") || t.is("case"):
			depth++
		case t.isPunct(")") || t.isPunct("]") || t.is("end"):
			depth--
		case depth == 0 && t.isPunct(sep):
			parts = append(parts, toks[from:i])
			from = i + 1
		}
	}
	return append(parts, toks[from:])
}

// rewriteArrayNames renames array_agg calls to group_concat and
// cardinality calls to pdb_cardinality.
func rewriteArrayNames(toks []Token) ([]Token, error) {
	for i, t := range toks {
		if i+1 < len(toks) && toks[i+1].isPunct("(") {
			switch {
			case t.is("array_agg"):
				// The grammar would drop an ORDER BY of a window call.
				if end := matchForward(toks, i+1); end > 0 && end+1 < len(toks) && toks[end+1].is("over") {
					for _, part := range splitTop(toks[i+2:end], ",") {
						for _, x := range part {
							if x.is("order") {
								return nil, codedErr(CodeFeatureNotSupported, t.Pos, "aggregate ORDER BY is not implemented for window functions")
							}
						}
					}
				}
				toks[i] = synth(Ident, "group_concat", t.Pos)
			case t.is("cardinality"):
				toks[i] = synth(Ident, FuncCardinality, t.Pos)
			}
		}
	}
	return toks, nil
}

// FuncArraySet is the assignment to an array element in UPDATE ... SET:
// col[i][j] = v becomes col = pdb_array_set(col, i, j, v).
// FuncArraySetSlice is the assignment to a slice: col[i:j][k] = v becomes
// col = pdb_array_set_slice(col, i, j, 1, k, v), bounds in pairs as in
// pdb_slice (a plain subscript next to a slice is 1:k, as in Postgres; an
// omitted bound is pdb_omitted()).
const (
	FuncArraySet      = "pdb_array_set"
	FuncArraySetSlice = "pdb_array_set_slice"
)

// rewriteArrayAssign rewrites element assignments in the SET list of an
// UPDATE (ON CONFLICT's DO UPDATE is an UPDATE by now).
func rewriteArrayAssign(toks []Token) ([]Token, error) {
	out := make([]Token, 0, len(toks))
	var rangeVar *Token // the UPDATE target's alias or table name
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		out = append(out, t)
		if t.is("update") {
			rangeVar = updateTarget(toks, i+1)
		}
		if !t.is("set") || rangeVar == nil {
			continue
		}
		// The SET list: items up to a clause keyword at its depth.
		j := i + 1
		for j < len(toks) {
			end := setItemEnd(toks, j)
			item := toks[j:end]
			if len(item) > 2 && isName(item[0]) && item[1].isPunct("[") {
				r, err := arrayAssignItem(item, rangeVar)
				if err != nil {
					return nil, err
				}
				out = append(out, r...)
			} else {
				out = append(out, item...)
			}
			j = end
			if j < len(toks) && toks[j].isPunct(",") {
				out = append(out, toks[j])
				j++
				continue
			}
			break
		}
		i = j - 1
	}
	return out, nil
}

// updateTarget returns the range variable of the UPDATE target starting
// at toks[j] ("[ONLY] [schema.]name [[AS] alias]"): the alias, else the
// table name. It qualifies the column read in col = pdb_array_set(col,
// ...), which would be ambiguous next to excluded or a joined table.
func updateTarget(toks []Token, j int) *Token {
	if j < len(toks) && toks[j].is("only") {
		j++
	}
	if j >= len(toks) || !isName(toks[j]) {
		return nil
	}
	for j+2 < len(toks) && toks[j+1].isPunct(".") && isName(toks[j+2]) {
		j += 2
	}
	name := &toks[j]
	j++
	if j < len(toks) && toks[j].is("as") {
		j++
	}
	if j < len(toks) && isName(toks[j]) && !toks[j].is("set") && !toks[j].is("join") {
		return &toks[j]
	}
	return name
}

// setItemEnd returns the end of the SET item starting at toks[j]: the next
// comma or clause keyword outside brackets.
func setItemEnd(toks []Token, j int) int {
	depth := 0
	for k := j; k < len(toks); k++ {
		t := toks[k]
		switch {
		case t.isPunct("(") || t.isPunct("[") || t.is("case"):
			depth++
		case t.isPunct(")") || t.isPunct("]") || t.is("end"):
			if depth == 0 {
				return k
			}
			depth--
		case depth == 0 && (t.isPunct(",") || t.isPunct(";") || t.is("where") || t.is("from") || t.is("returning")):
			return k
		}
	}
	return len(toks)
}

// arrayAssignItem rewrites one "col[i]... = v" item.
func arrayAssignItem(item []Token, rangeVar *Token) ([]Token, error) {
	name := item[0]
	p := item[1].Pos
	var groups [][][]Token // per [..]: its ':'-separated parts
	slice := false
	k := 1
	for k < len(item) && item[k].isPunct("[") {
		closeAt := matchForward(item, k)
		if closeAt < 0 {
			return nil, syntaxErr(item[k].Pos, "syntax error at or near \"[\"")
		}
		parts := splitTop(item[k+1:closeAt], ":")
		switch {
		case len(parts) > 2:
			return nil, syntaxErr(item[k].Pos, "syntax error at or near \":\"")
		case len(parts) == 2:
			slice = true
		case len(parts[0]) == 0:
			return nil, syntaxErr(item[closeAt].Pos, "syntax error at or near \"]\"")
		}
		groups = append(groups, parts)
		k = closeAt + 1
	}
	fn := FuncArraySet
	var subs [][]Token
	for _, parts := range groups {
		if slice && len(parts) == 1 {
			parts = [][]Token{{synth(Number, "1", p)}, parts[0]}
		}
		for _, part := range parts {
			if len(part) == 0 {
				part = []Token{synth(Ident, FuncOmitted, p), synth(Punct, "(", p), synth(Punct, ")", p)}
			}
			subs = append(subs, part)
		}
	}
	if slice {
		fn = FuncArraySetSlice
	}
	if k >= len(item) || !(item[k].Kind == Op && item[k].Text == "=") || k+1 >= len(item) {
		return nil, syntaxErr(item[min(k, len(item)-1)].Pos, "syntax error at or near %q", item[min(k, len(item)-1)].Text)
	}
	out := []Token{name, item[k], synth(Ident, fn, p), synth(Punct, "(", p)}
	if rangeVar != nil {
		q := *rangeVar
		q.Pos = name.Pos
		out = append(out, q, synth(Punct, ".", name.Pos))
	}
	out = append(out, name)
	for _, s := range subs {
		out = append(out, synth(Punct, ",", p))
		out = append(out, s...)
	}
	out = append(out, synth(Punct, ",", p))
	out = append(out, item[k+1:]...)
	return append(out, synth(Punct, ")", p)), nil
}
