package dialect

// FuncOrdinals is the planner's array of an array's element positions,
// 1 to its cardinality: the n of information_schema._pg_expandarray.
const FuncOrdinals = "pdb_array_ordinals"

// rewriteExpandArray handles information_schema._pg_expandarray(a), which
// Postgres defines as a set-returning function of composite rows (x, n):
// each element of a and its position from 1. PersianDB has no composite
// types, so the two ways drivers use it (pgjdbc's getPrimaryKeys and
// getIndexInfo) become set-returning calls of one column each, which
// the select list runs in step, as Postgres runs several set-returning
// functions there:
//
//   - (information_schema._pg_expandarray(a)).x becomes unnest(a), and
//     .n becomes unnest(pdb_array_ordinals(a));
//   - information_schema._pg_expandarray(a) AS k, a whole row kept under
//     an alias, becomes unnest(a) AS k, and (q.k).x or (k).x later in the
//     statement reads it as q.k or k. Any other use of the alias's fields
//     is left alone and fails to parse, as does the function anywhere
//     else.
func rewriteExpandArray(toks []Token) []Token {
	at := func(j int) Token {
		if j >= 0 && j < len(toks) {
			return toks[j]
		}
		return Token{}
	}
	// isCall reports whether toks[j:] starts information_schema._pg_expandarray(,
	// returning the index of its "(".
	isCall := func(j int) (int, bool) {
		if at(j).is("information_schema") && at(j+1).isPunct(".") && at(j+2).is("_pg_expandarray") && at(j+3).isPunct("(") {
			return j + 3, true
		}
		return 0, false
	}
	// The aliases of whole rows, first: a reference may come before the
	// definition, in a select list reading a subquery's row.
	rows := map[string]bool{}
	has := false
	for j := range toks {
		open, ok := isCall(j)
		if !ok {
			continue
		}
		has = true
		if end := matchForward(toks, open); end > 0 && !at(j-1).isPunct("(") {
			k := end + 1
			if at(k).is("as") {
				k++
			}
			if isName(at(k)) {
				rows[at(k).Text] = true
			}
		}
	}
	if !has {
		return toks
	}
	word := func(w string, p int) Token { return synth(Ident, w, p) }
	punct := func(w string, p int) Token { return synth(Punct, w, p) }
	// The alias is quoted where it is defined and read: pgjdbc names it
	// keys, a keyword of the grammar underneath.
	quoted := func(t Token) Token { return synth(QuotedIdent, t.Text, t.Pos) }
	var out []Token
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		// ( information_schema._pg_expandarray(a) ) . field
		if t.isPunct("(") {
			if open, ok := isCall(i + 1); ok {
				if end := matchForward(toks, open); end > 0 && at(end+1).isPunct(")") && at(end+2).isPunct(".") &&
					(at(end+3).is("x") || at(end+3).is("n")) {
					args := toks[open+1 : end]
					out = append(out, word("unnest", t.Pos), punct("(", t.Pos))
					if at(end + 3).is("n") {
						out = append(out, word(FuncOrdinals, t.Pos), punct("(", t.Pos))
						out = append(out, args...)
						out = append(out, punct(")", t.Pos))
					} else {
						out = append(out, args...)
					}
					out = append(out, punct(")", t.Pos))
					i = end + 3
					continue
				}
			}
			// (q.k).x or (k).x for a row alias k.
			if at(i+2).isPunct(")") && at(i+3).isPunct(".") && at(i+4).is("x") && rows[at(i+1).Text] {
				out = append(out, quoted(at(i+1)))
				i += 4
				continue
			}
			if isName(at(i+1)) && at(i+2).isPunct(".") && rows[at(i+3).Text] && at(i+4).isPunct(")") &&
				at(i+5).isPunct(".") && at(i+6).is("x") {
				out = append(out, at(i+1), at(i+2), quoted(at(i+3)))
				i += 6
				continue
			}
		}
		// information_schema._pg_expandarray(a) AS k
		if open, ok := isCall(i); ok {
			if end := matchForward(toks, open); end > 0 {
				j := end + 1
				if at(j).is("as") {
					j++
				}
				if isName(at(j)) {
					out = append(out, word("unnest", t.Pos))
					out = append(out, toks[open:end+1]...)
					out = append(out, word("as", t.Pos), quoted(at(j)))
					i = j
					continue
				}
			}
		}
		out = append(out, t)
	}
	return out
}
