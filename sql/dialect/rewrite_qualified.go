package dialect

// rewriteQualified removes the spellings psql's catalog queries use that
// mean nothing more here than their plain forms:
//
//   - OPERATOR(pg_catalog.~) and OPERATOR(~) become the bare operator, so
//     the operator rewrites that follow see it as written unqualified.
//   - COLLATE default, "C", "POSIX" and ucs_basic (optionally qualified
//     with pg_catalog) are dropped: text compares bytewise, which is what
//     each of them means here (the database's default collation is
//     C.UTF-8). Any other collation is 0A000 rather than a wrong order.
//   - pg_catalog.f( becomes f(: every built-in function lives in
//     pg_catalog, which is always first on Postgres's search path, so the
//     qualified name and the bare one name the same function. Tables keep
//     their qualifier (the planner checks the schema).
//   - pg_partition_ancestors(rel) is always empty: there are no
//     partitions. In FROM (with or without WITH ORDINALITY) it becomes an
//     empty derived table with the alias's columns; elsewhere
//     unnest(NULL::oid[]), a set-returning call of no rows.
//   - UNION [ALL] VALUES (a, b), (c, d) becomes UNION [ALL] SELECT a, b
//     UNION [ALL] SELECT c, d: a VALUES list as a set operation's
//     operand, which the TiDB grammar lacks. Repeating the operator
//     keeps the meaning (UNION removes duplicates across all rows
//     either way).
//
// It runs before the structural rewrites, which would otherwise take
// OPERATOR for a column name.
func rewriteQualified(toks []Token) ([]Token, error) {
	out := toks[:0:0]
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		at := func(j int) Token {
			if j < len(toks) {
				return toks[j]
			}
			return Token{}
		}
		switch {
		case t.is("operator") && at(i+1).isPunct("("):
			j := i + 2
			if at(j).Kind == Ident && at(j+1).isPunct(".") {
				j += 2
			}
			if op := at(j); op.Kind == Op && at(j+1).isPunct(")") {
				out = append(out, synth(Op, op.Text, t.Pos))
				i = j + 1
				continue
			}
		case t.is("collate") && (at(i+1).Kind == Ident || at(i+1).Kind == QuotedIdent):
			i++
			if at(i+1).isPunct(".") && (at(i+2).Kind == Ident || at(i+2).Kind == QuotedIdent) {
				i += 2
			}
			if !byteCollations[at(i).Text] {
				return nil, codedErr(CodeFeatureNotSupported, at(i).Pos, "collation %q is not supported (text compares bytewise, as in the C collation)", at(i).Text)
			}
			continue
		case t.is("values") && len(out) > 0 && at(i+1).isPunct("(") && (out[len(out)-1].is("union") ||
			out[len(out)-1].is("all") && len(out) > 1 && out[len(out)-2].is("union")):
			op := []Token{out[len(out)-1]}
			if op[0].is("all") {
				op = []Token{out[len(out)-2], op[0]}
			}
			j := i + 1
			for first := true; at(j).isPunct("("); first = false {
				end := matchForward(toks, j)
				if end < 0 {
					break
				}
				if !first {
					out = append(out, op...)
				}
				out = append(out, synth(Ident, "select", t.Pos))
				out = append(out, toks[j+1:end]...)
				j = end + 1
				if !at(j).isPunct(",") || !at(j+1).isPunct("(") {
					break
				}
				j++
			}
			i = j - 1
			continue
		case t.is("pg_partition_ancestors") && at(i+1).isPunct("("):
			if end := matchForward(toks, i+1); end > 0 {
				var repl []Token
				repl, i = noAncestors(toks, i, end)
				out = append(out, repl...)
				continue
			}
		case t.is("pg_catalog") && at(i+1).isPunct(".") && at(i+2).Kind == Ident && at(i+3).isPunct("(") &&
			(len(out) == 0 || !out[len(out)-1].isPunct(".")):
			i++
			continue
		}
		out = append(out, t)
	}
	return out, nil
}

// byteCollations are the collations that order text bytewise.
var byteCollations = map[string]bool{"default": true, "C": true, "c": true, "POSIX": true, "posix": true,
	"ucs_basic": true, "C.UTF-8": true, "C.utf8": true}

// noAncestors replaces the pg_partition_ancestors call toks[i:end+1]
// and, in FROM, its WITH ORDINALITY and alias; it returns the tokens
// and the index of the last one consumed.
func noAncestors(toks []Token, i, end int) ([]Token, int) {
	p := toks[i].Pos
	word := func(w string) Token { return synth(Ident, w, p) }
	punct := func(w string) Token { return synth(Punct, w, p) }
	k := i - 1 // the token before the call, past a pg_catalog qualifier
	if k > 1 && toks[k].isPunct(".") && toks[k-1].is("pg_catalog") {
		k -= 2
	}
	inFrom := k >= 0 && (toks[k].is("from") || toks[k].is("join") || toks[k].isPunct(",") && inFromList(toks, k))
	if !inFrom {
		return []Token{word("unnest"), punct("("), word("null"), synth(Op, "::", p), word("oid"),
			punct("["), punct("]"), punct(")")}, end
	}
	j := end + 1
	at := func(k int) Token {
		if k < len(toks) {
			return toks[k]
		}
		return Token{}
	}
	if at(j).is("with") && at(j+1).is("ordinality") {
		j += 2
	}
	if at(j).is("as") {
		j++
	}
	alias := "pg_partition_ancestors"
	cols := []string{alias}
	if isName(at(j)) && !at(j).is("join") && !at(j).is("where") && !at(j).is("on") {
		alias, cols = at(j).Text, []string{at(j).Text}
		j++
		if at(j).isPunct("(") {
			cols = nil
			for j++; isName(at(j)); {
				cols = append(cols, at(j).Text)
				if j++; at(j).isPunct(",") {
					j++
				}
			}
			if at(j).isPunct(")") {
				j++
			}
		}
	}
	out := []Token{punct("("), word("select")}
	for k, c := range cols {
		if k > 0 {
			out = append(out, punct(","))
		}
		typ := "oid"
		if k == 1 {
			typ = "bigint"
		}
		out = append(out, word("null"), synth(Op, "::", p), word(typ), word("as"), synth(QuotedIdent, c, p))
	}
	out = append(out, word("where"), word("false"), punct(")"), word("as"), synth(QuotedIdent, alias, p))
	return out, j - 1
}
