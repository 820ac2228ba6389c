package dialect

import "strings"

// rewriteStructure handles clause-level rewrites that cut the statement
// into parts before the expression rewrites run on each part: RETURNING
// and ON CONFLICT of DML, and Postgres type names, storage parameters and
// index details of DDL.
func rewriteStructure(s *Stmt, toks []Token) ([]Token, error) {
	var err error
	if toks, err = cutReturning(s, toks); err != nil {
		return nil, err
	}
	if toks, err = cutOnConflict(s, toks); err != nil {
		return nil, err
	}
	toks = moveDMLFrom(toks)
	if len(toks) > 0 && (toks[0].is("create") || toks[0].is("alter")) {
		return rewriteDDL(s, toks)
	}
	if len(toks) > 0 && toks[0].is("drop") {
		return rewriteDrop(s, toks)
	}
	return toks, nil
}

// topLevel returns the index of the first depth-0 token satisfying f at
// or after from, or -1.
func topLevel(toks []Token, from int, f func(i int) bool) int {
	depth := 0
	for i := from; i < len(toks); i++ {
		t := toks[i]
		switch {
		case t.isPunct("(") || t.isPunct("["):
			depth++
		case t.isPunct(")") || t.isPunct("]"):
			depth--
		case depth == 0 && f(i):
			return i
		}
	}
	return -1
}

// cutReturning strips "RETURNING list" (always last in Postgres) from
// INSERT/UPDATE/DELETE into s.Returning as "SELECT list".
func cutReturning(s *Stmt, toks []Token) ([]Token, error) {
	r := topLevel(toks, 0, func(i int) bool { return toks[i].is("returning") })
	if r < 0 {
		return toks, nil
	}
	if r+1 >= len(toks) {
		return nil, syntaxErr(tokPos(toks, r+1), "syntax error at end of input")
	}
	ret, err := subStmt(s, []Token{synth(Ident, "select", toks[r].Pos)}, toks[r+1:])
	if err != nil {
		return nil, err
	}
	s.rewrites().Returning = ret
	return toks[:r], nil
}

// cutOnConflict strips INSERT's ON CONFLICT clause into s.OnConflict.
// "INSERT INTO t AS a" loses its alias (TiDB has none); the DO UPDATE
// statement keeps it: "UPDATE t AS a SET ...".
func cutOnConflict(s *Stmt, toks []Token) ([]Token, error) {
	if len(toks) < 3 || !toks[0].is("insert") || !toks[1].is("into") {
		return toks, nil
	}
	// Target table tokens, then an optional alias.
	tEnd := 3
	if tEnd+1 < len(toks) && toks[tEnd].isPunct(".") {
		tEnd += 2
	}
	table := append([]Token(nil), toks[2:tEnd]...)
	var alias []Token
	if tEnd+1 < len(toks) && toks[tEnd].is("as") && isName(toks[tEnd+1]) {
		alias = append([]Token(nil), toks[tEnd:tEnd+2]...)
		toks = append(append([]Token(nil), toks[:tEnd]...), toks[tEnd+2:]...)
	}
	on := topLevel(toks, 0, func(i int) bool {
		return toks[i].is("on") && i+1 < len(toks) && toks[i+1].is("conflict")
	})
	if on < 0 {
		return toks, nil
	}
	c := s.cursor(toks, on+2)
	oc := &OnConflict{}
	switch {
	case c.peek().isPunct("("):
		cols, err := c.nameList()
		if err != nil {
			return nil, codedErr(CodeFeatureNotSupported, c.peek().Pos, "ON CONFLICT target must be a list of column names")
		}
		oc.Columns = cols
		if c.peek().is("where") {
			return nil, codedErr(CodeFeatureNotSupported, c.peek().Pos, "ON CONFLICT (...) WHERE is not supported")
		}
	case c.accept("on", "constraint"):
		n, err := c.name()
		if err != nil {
			return nil, err
		}
		oc.Constraint = n
	}
	if !c.accept("do") {
		return nil, c.errHere()
	}
	switch {
	case c.accept("nothing"):
		oc.DoNothing = true
		if err := c.expectEnd(); err != nil {
			return nil, err
		}
	case c.peek().is("update") && c.peekAt(1).is("set"):
		if oc.Columns == nil && oc.Constraint == "" {
			return nil, syntaxErr(c.peek().Pos, "ON CONFLICT DO UPDATE requires inference specification or constraint name")
		}
		lead := append([]Token{c.peek()}, table...)
		lead = append(lead, alias...)
		upd, err := subStmt(s, lead, toks[c.i+1:])
		if err != nil {
			return nil, err
		}
		oc.Update = upd
	default:
		return nil, c.errHere()
	}
	s.rewrites().OnConflict = oc
	return toks[:on], nil
}

// rewriteDDL replaces Postgres column types with placeholder MySQL types
// (recording the real ones in s.Columns), strips WITH (storage params),
// and fixes up CREATE INDEX.
func rewriteDDL(s *Stmt, toks []Token) ([]Token, error) {
	toks = stripStorageParams(s, toks)
	c := s.cursor(toks, 1)
	if toks[0].is("alter") {
		return alterTable(s, c)
	}
	c.accept("unique")
	if c.accept("index") {
		return createIndex(s, c)
	}
	for c.accept("temp") || c.accept("temporary") || c.accept("unlogged") || c.accept("global") || c.accept("local") {
	}
	if !c.accept("table") {
		return toks, nil
	}
	c.accept("if", "not", "exists")
	table, err := c.objectName()
	if err != nil {
		return nil, err
	}
	if !c.peek().isPunct("(") {
		return toks, nil // CREATE TABLE ... AS
	}
	closeAt := matchForward(toks, c.i)
	if closeAt < 0 {
		return nil, syntaxErr(c.peek().Pos, "syntax error at end of input")
	}
	out := append([]Token(nil), toks[:c.i+1]...)
	i := c.i + 1
	for i < closeAt {
		// One table element, up to the next depth-0 comma.
		end := topLevel(toks[:closeAt], i, func(k int) bool { return toks[k].isPunct(",") })
		if end < 0 {
			end = closeAt
		}
		elem, err := columnDef(s, table, toks[i:end])
		if err != nil {
			return nil, err
		}
		out = append(out, elem...)
		if end < closeAt {
			out = append(out, toks[end])
		}
		i = end + 1
	}
	return append(out, toks[closeAt:]...), nil
}

var tableConstraintWords = map[string]bool{
	"constraint": true, "primary": true, "unique": true, "check": true, "foreign": true,
	"exclude": true, "like": true,
}

// columnDef rewrites "name type rest" (a column definition) or returns a
// table constraint unchanged.
func columnDef(s *Stmt, table ObjectName, elem []Token) ([]Token, error) {
	if len(elem) < 2 || elem[0].Kind == Ident && tableConstraintWords[elem[0].Text] {
		return elem, nil
	}
	if !isName(elem[0]) && elem[0].Kind != Ident {
		return elem, nil
	}
	ty, next, err := parseType(elem, 1)
	if err != nil {
		return nil, err
	}
	s.rewrites().Columns = append(s.rewrites().Columns, ColumnType{Table: table, Column: elem[0].Text, Type: ty})
	out := []Token{elem[0], synth(Ident, mysqlType(ty), elem[1].Pos)}
	return append(out, wrapDefault(elem[next:])...), nil
}

// alterTable rewrites the column types of ALTER TABLE ... ADD [COLUMN]
// and ALTER [COLUMN] c [SET DATA] TYPE t.
func alterTable(s *Stmt, c *cursor) ([]Token, error) {
	if !c.accept("table") {
		return c.toks, nil
	}
	c.accept("if", "exists")
	c.accept("only")
	table, err := c.objectName()
	if err != nil {
		return nil, err
	}
	toks := c.toks
	out := append([]Token(nil), toks[:c.i]...)
	i := c.i
	for i < len(toks) {
		end := topLevel(toks, i, func(k int) bool { return toks[k].isPunct(",") })
		if end < 0 {
			end = len(toks)
		}
		action := toks[i:end]
		switch {
		case len(action) > 1 && action[0].is("add") && !(action[1].Kind == Ident && tableConstraintWords[action[1].Text]):
			k := 1
			if action[k].is("column") {
				k++
			}
			head := append([]Token(nil), action[:k]...)
			if k+2 < len(action) && action[k].is("if") && action[k+1].is("not") && action[k+2].is("exists") {
				k += 3 // TiDB accepts IF NOT EXISTS too
				head = append(head, action[k-3:k]...)
			}
			def, err := columnDef(s, table, action[k:])
			if err != nil {
				return nil, err
			}
			out = append(out, head...)
			out = append(out, def...)
		case len(action) > 3 && action[0].is("alter"):
			k := 1
			if action[k].is("column") {
				k++
			}
			if alt, ok := alterColumnAction(action, k); ok {
				out = append(out, alt...)
				break
			}
			col := action[k]
			rest := action[k+1:]
			if len(rest) > 2 && rest[0].is("set") && rest[1].is("data") {
				rest = rest[2:]
			}
			if len(rest) > 1 && rest[0].is("type") {
				ty, next, err := parseType(rest, 1)
				if err != nil {
					return nil, err
				}
				if next < len(rest) {
					return nil, codedErr(CodeFeatureNotSupported, rest[next].Pos, "ALTER COLUMN TYPE ... %s is not supported", strings.ToUpper(rest[next].Raw))
				}
				s.rewrites().Columns = append(s.rewrites().Columns, ColumnType{Table: table, Column: col.Text, Type: ty})
				// TiDB: MODIFY COLUMN c type.
				out = append(out, synth(Ident, "modify", action[0].Pos), synth(Ident, "column", action[0].Pos), col,
					synth(Ident, mysqlType(ty), rest[0].Pos))
				break
			}
			out = append(out, action...)
		case len(action) == 4 && action[0].is("rename") && action[2].is("to") && !action[1].is("column") && !action[1].is("constraint"):
			// RENAME a TO b: COLUMN is optional in Postgres.
			out = append(out, action[0], synth(Ident, "column", action[1].Pos), action[1], action[2], action[3])
		default:
			out = append(out, action...)
		}
		if end < len(toks) {
			out = append(out, toks[end])
		}
		i = end + 1
	}
	return out, nil
}

// createIndex names an unnamed index Postgres style (<table>_<col>_idx),
// drops CONCURRENTLY and moves USING method after the column list, where
// TiDB takes it.
func createIndex(s *Stmt, c *cursor) ([]Token, error) {
	toks := c.toks
	head := append([]Token(nil), toks[:c.i]...) // CREATE [UNIQUE] INDEX
	c.accept("concurrently")
	var name []Token
	ifNotExists := c.accept("if", "not", "exists")
	if !c.peek().is("on") {
		name = []Token{c.peek()}
		c.i++
	}
	if !c.accept("on") {
		return nil, c.errHere()
	}
	c.accept("only")
	tStart := c.i
	table, err := c.objectName()
	if err != nil {
		return nil, err
	}
	tableToks := toks[tStart:c.i]
	var using []Token
	if c.peek().is("using") {
		using = toks[c.i : c.i+2]
		c.i += 2
	}
	if !c.peek().isPunct("(") {
		return nil, c.errHere()
	}
	closeAt := matchForward(toks, c.i)
	if closeAt < 0 {
		return nil, c.errHere()
	}
	cols := indexNulls(toks[c.i : closeAt+1])
	if name == nil {
		var parts []string
		parts = append(parts, table.Name)
		for k := c.i + 1; k < closeAt; k++ {
			if (k == c.i+1 || toks[k-1].isPunct(",")) && isName(toks[k]) {
				parts = append(parts, toks[k].Text)
			}
		}
		if len(parts) == 1 {
			parts = append(parts, "expr")
		}
		gen := strings.Join(parts, "_") + "_idx"
		if len(gen) > 63 {
			gen = gen[:63]
		}
		s.rewrites().IndexName = gen
		name = []Token{synth(QuotedIdent, gen, toks[0].Pos)}
	}
	out := head
	if ifNotExists {
		out = append(out, synth(Ident, "if", toks[0].Pos), synth(Ident, "not", toks[0].Pos), synth(Ident, "exists", toks[0].Pos))
	}
	out = append(out, name...)
	out = append(out, synth(Ident, "on", toks[0].Pos))
	out = append(out, tableToks...)
	out = append(out, cols...)
	if using != nil {
		out = append(out, using...)
	}
	return append(out, toks[closeAt+1:]...), nil
}

// stripStorageParams removes "WITH (name [= value], ...)" following a
// closing parenthesis or a table name in CREATE TABLE / CREATE INDEX into
// s.StorageParams. A WITH that starts a CTE is not preceded by ")" at
// depth 0 in DDL, so it is left alone.
func stripStorageParams(s *Stmt, toks []Token) []Token {
	for i := 1; i+1 < len(toks); i++ {
		if !(toks[i].is("with") && toks[i+1].isPunct("(") && toks[i-1].isPunct(")")) {
			continue
		}
		closeAt := matchForward(toks, i+1)
		if closeAt < 0 {
			return toks
		}
		c := &cursor{toks: toks[:closeAt], i: i + 2}
		for !c.done() {
			n, err := c.dottedName()
			if err != nil {
				return toks
			}
			o := Option{Name: n, Value: "true"}
			if c.acceptPunct("=") {
				if o.Value, err = c.settingValue(); err != nil {
					return toks
				}
			}
			s.rewrites().StorageParams = append(s.rewrites().StorageParams, o)
			c.acceptPunct(",")
		}
		return append(append([]Token(nil), toks[:i]...), toks[closeAt+1:]...)
	}
	return toks
}
