package dialect

// moveDMLFrom rewrites Postgres's UPDATE ... FROM and DELETE ... USING,
// which the TiDB parser rejects, into MySQL's multi-table forms, with the
// target table first in the table list, and INSERT ... DEFAULT VALUES
// into MySQL's spelling of it:
//
//	UPDATE t [AS a] SET ... FROM <list> [WHERE ...]  ->  UPDATE t [AS a], <list> SET ... [WHERE ...]
//	DELETE FROM t [AS a] USING <list> [WHERE ...]    ->  DELETE a FROM t [AS a], <list> [WHERE ...]
//	INSERT INTO t DEFAULT VALUES                     ->  INSERT INTO t () VALUES ()
//
// The planner reads the first table of the list as the target
// (UpdateStmt.MultipleTable; DeleteStmt.IsMultiTable with BeforeFrom, a
// form Postgres has no spelling of, so it always comes from here). The
// comma binds looser than JOIN in MySQL as in Postgres, so "FROM a JOIN b
// ON ..." stays one item. RETURNING and ON CONFLICT are already cut off.
func moveDMLFrom(toks []Token) []Token {
	// The statement's own keyword: the first top-level DML word (WITH
	// queries before it are parenthesized).
	k := topLevel(toks, 0, func(i int) bool {
		t := toks[i]
		return t.is("update") || t.is("delete") || t.is("insert") || t.is("select") || t.is("values")
	})
	if k < 0 {
		return toks
	}
	switch {
	case toks[k].is("insert"):
		// The alias of INSERT INTO t AS a is already cut (cutOnConflict).
		if k+1 >= len(toks) || !toks[k+1].is("into") {
			return toks
		}
		i := k + 3
		if i+1 < len(toks) && toks[i].isPunct(".") {
			i += 2
		}
		if i+2 != len(toks) || !toks[i].is("default") || !toks[i+1].is("values") {
			return toks
		}
		p := toks[i].Pos
		return append(toks[:i:i], synth(Punct, "(", p), synth(Punct, ")", p), toks[i+1], synth(Punct, "(", p), synth(Punct, ")", p))
	case toks[k].is("update"):
		tEnd, ok := targetEnd(toks, k+1)
		if !ok || tEnd >= len(toks) || !toks[tEnd].is("set") {
			return toks
		}
		from := topLevel(toks, tEnd, func(i int) bool { return toks[i].is("from") && !toks[i-1].is("distinct") })
		if from < 0 {
			return toks
		}
		end := topLevel(toks, from+1, func(i int) bool { return toks[i].is("where") })
		if end < 0 {
			end = len(toks)
		}
		out := make([]Token, 0, len(toks)+1)
		out = append(out, toks[:tEnd]...)
		out = append(out, synth(Punct, ",", toks[from].Pos))
		out = append(out, toks[from+1:end]...)
		out = append(out, toks[tEnd:from]...)
		return append(out, toks[end:]...)
	case toks[k].is("delete"):
		if k+1 >= len(toks) || !toks[k+1].is("from") {
			return toks
		}
		tEnd, ok := targetEnd(toks, k+2)
		if !ok || tEnd >= len(toks) || !toks[tEnd].is("using") {
			return toks
		}
		// The name the target goes by: its alias, else its table name.
		name := toks[tEnd-1]
		out := make([]Token, 0, len(toks)+2)
		out = append(out, toks[:k+1]...)
		out = append(out, name, toks[k+1])
		out = append(out, toks[k+2:tEnd]...)
		out = append(out, synth(Punct, ",", toks[tEnd].Pos))
		return append(out, toks[tEnd+1:]...)
	}
	return toks
}

// targetEnd returns the index just after a DML target "name[.name] [[AS]
// alias]" starting at i.
func targetEnd(toks []Token, i int) (int, bool) {
	if i >= len(toks) || !isName(toks[i]) {
		return 0, false
	}
	i++
	if i+1 < len(toks) && toks[i].isPunct(".") && isName(toks[i+1]) {
		i += 2
	}
	switch {
	case i+1 < len(toks) && toks[i].is("as") && isName(toks[i+1]):
		i += 2
	case i < len(toks) && isName(toks[i]):
		i++
	}
	return i, true
}
