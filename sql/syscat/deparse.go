package syscat

import (
	"math"
	"strconv"
	"strings"

	"github.com/persiandb/persiandb/sql/catalog"
	"github.com/persiandb/persiandb/sql/dialect"
	"github.com/persiandb/persiandb/sql/sem"
	"github.com/persiandb/persiandb/storage"
)

// The catalog keeps defaults and CHECK expressions as the SQL text the
// user wrote; Postgres keeps plan trees and prints them back in a
// canonical form. These functions print the common shapes the way
// Postgres 15 does (a string default gets a cast to the column's type,
// nextval's argument is a regclass, keywords are upper case) and fall
// back to the stored text, re-spaced, for the rest.

// DefaultDef is a column default as pg_get_expr prints it.
func DefaultDef(c catalog.Column) string {
	toks, err := dialect.Tokenize(c.Default)
	if err != nil || len(toks) == 0 {
		return c.Default
	}
	toks = dropIntroducers(toks)
	t := ColumnType(c)
	switch {
	case len(toks) == 1 && toks[0].Kind == dialect.String:
		return literalDefault(toks[0].Text, t.T, FormatType(t.OID(), -1, false))
	case len(toks) == 2 && toks[0].Kind == dialect.Op && toks[0].Text == "-" && toks[1].Kind == dialect.Number:
		// A negative constant keeps its literal's own type (the cast
		// to the column's type is implicit and not printed).
		return "'-" + toks[1].Text + "'::" + literalType(toks[1].Text)
	case len(toks) == 4 && toks[0].Text == "nextval" && toks[2].Kind == dialect.String:
		return "nextval(" + sem.QuoteLiteral(toks[2].Text) + "::regclass)"
	}
	return Respace(toks)
}

// literalType is the type Postgres gives a numeric literal: integer if
// it fits, else bigint, else numeric.
func literalType(num string) string {
	if n, err := strconv.ParseInt(num, 10, 64); err == nil {
		if n <= math.MaxInt32 {
			return "integer"
		}
		return "bigint"
	}
	return "numeric"
}

// sqlValueFunctions are written without parentheses; stored text has
// them (CURRENT_TIMESTAMP()).
var sqlValueFunctions = map[string]bool{
	"current_timestamp": true, "current_date": true, "current_time": true, "localtimestamp": true,
	"localtime": true, "current_user": true, "session_user": true, "current_role": true, "user": true,
	"current_catalog": true, "current_schema": true,
}

// dropIntroducers removes the character set introducers (_utf8mb4 'x')
// that stored expression text carries before string literals.
func dropIntroducers(toks []dialect.Token) []dialect.Token {
	out := toks[:0:0]
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.Kind == dialect.Ident && strings.HasPrefix(t.Text, "_utf8") && i+1 < len(toks) && toks[i+1].Kind == dialect.String {
			continue
		}
		out = append(out, t)
		if t.Kind == dialect.Ident && sqlValueFunctions[t.Text] && i+2 < len(toks) && toks[i+1].Text == "(" && toks[i+2].Text == ")" {
			i += 2
		}
	}
	return out
}

// literalDefault prints a string constant default: Postgres converted it
// to the column's type when the table was made, and prints numbers and
// booleans bare, everything else quoted with a cast.
func literalDefault(s string, t storage.Type, typeName string) string {
	switch t {
	case storage.TypeInt16, storage.TypeInt32, storage.TypeInt64, storage.TypeNumeric, storage.TypeFloat32, storage.TypeFloat64:
		if s != "" && s[0] != '-' && !strings.ContainsAny(s, " eEnNiI") {
			return s
		}
	case storage.TypeBool:
		switch strings.ToLower(strings.TrimSpace(s)) {
		case "t", "true", "yes", "on", "1":
			return "true"
		case "f", "false", "no", "off", "0":
			return "false"
		}
	}
	return sem.QuoteLiteral(s) + "::" + typeName
}

// upperWords are the keywords Postgres's deparser prints in upper case.
var upperWords = map[string]bool{
	"and": true, "or": true, "not": true, "is": true, "null": true, "in": true, "between": true,
	"like": true, "ilike": true, "case": true, "when": true, "then": true, "else": true, "end": true,
	"current_timestamp": true, "current_date": true, "localtimestamp": true, "distinct": true, "from": true,
}

// Respace writes tokens back as text with Postgres's spacing: one space
// between tokens, none inside parentheses or before a comma, keywords in
// upper case, strings and identifiers quoted as needed.
func Respace(toks []dialect.Token) string {
	var b strings.Builder
	for i, t := range toks {
		if i > 0 {
			prev := toks[i-1]
			glue := prev.Text == "(" && prev.Kind == dialect.Punct || t.Kind == dialect.Punct && (t.Text == ")" || t.Text == "," || t.Text == "[" || t.Text == "]") ||
				prev.Kind == dialect.Punct && (prev.Text == "[" || prev.Text == ".") || t.Kind == dialect.Punct && t.Text == "." ||
				t.Kind == dialect.Op && t.Text == "::" || prev.Kind == dialect.Op && prev.Text == "::" ||
				t.Kind == dialect.Punct && t.Text == "(" && (prev.Kind == dialect.Ident && !upperWords[prev.Text] || prev.Kind == dialect.QuotedIdent)
			if !glue {
				b.WriteByte(' ')
			}
		}
		switch t.Kind {
		case verbatim:
			b.WriteString(t.Raw)
		case dialect.String:
			b.WriteString(sem.QuoteLiteral(t.Text))
			if inCallArgs(toks, i) {
				// A function's unknown-typed argument resolved to
				// text, which Postgres prints as a cast.
				b.WriteString("::text")
			}
		case dialect.QuotedIdent:
			b.WriteString(sem.QuoteIdent(t.Text))
		case dialect.Ident:
			if upperWords[t.Text] {
				b.WriteString(strings.ToUpper(t.Text))
			} else {
				b.WriteString(t.Text)
			}
		case dialect.Op:
			b.WriteString(t.Text) // != is <>
		default:
			b.WriteString(t.Raw)
		}
	}
	return b.String()
}

// inCallArgs reports whether toks[i] is a whole argument of a function
// call: between the call's parenthesis or a comma and a comma or the
// closing parenthesis.
func inCallArgs(toks []dialect.Token, i int) bool {
	punct := func(j int, p string) bool { return toks[j].Kind == dialect.Punct && toks[j].Text == p }
	if i < 2 || i+1 >= len(toks) || !punct(i+1, ",") && !punct(i+1, ")") || !punct(i-1, ",") && !punct(i-1, "(") {
		return false
	}
	depth := 0
	for j := i - 1; j >= 0; j-- {
		switch {
		case punct(j, ")"):
			depth++
		case punct(j, "(") && depth == 0:
			return j > 0 && toks[j-1].Kind == dialect.Ident && !upperWords[toks[j-1].Text]
		case punct(j, "("):
			depth--
		}
	}
	return false
}

// CheckDef is a CHECK constraint's expression as Postgres prints it:
// pretty (psql's \d) without extra parentheses, otherwise wrapped in one
// more pair.
func CheckDef(t *catalog.Table, c catalog.Check, pretty bool) string {
	toks, err := dialect.Tokenize(c.Expr)
	body := c.Expr
	if err == nil {
		body = Respace(typedCheck(t, dropIntroducers(toks), ""))
	}
	if pretty {
		return "CHECK (" + body + ")"
	}
	return "CHECK ((" + body + "))"
}

// checkColumns are the attnums of the columns a CHECK mentions (conkey).
func checkColumns(t *catalog.Table, c catalog.Check) []int16 {
	toks, err := dialect.Tokenize(c.Expr)
	if err != nil {
		return nil
	}
	seen := map[int]bool{}
	var out []int16
	for _, tk := range toks {
		if tk.Kind != dialect.Ident && tk.Kind != dialect.QuotedIdent {
			continue
		}
		if i := t.ColumnIndex(tk.Text); i >= 0 && !seen[i] {
			seen[i] = true
			out = append(out, int16(i+1))
		}
	}
	return out
}

// columnList is "(a, b)" with names quoted as needed.
func columnList(t *catalog.Table, cols []int) string {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = sem.QuoteIdent(t.Columns[c].Name)
	}
	return "(" + strings.Join(names, ", ") + ")"
}

// IndexDef is pg_get_indexdef: the CREATE INDEX statement, or with col >
// 0 only that key column's name (without its ordering, as Postgres
// prints it). pretty leaves out the schema of a visible table.
func IndexDef(t *catalog.Table, ix catalog.Index, primary bool, col int, pretty bool) string {
	if col > 0 {
		if col > len(ix.Columns) {
			return ""
		}
		return sem.QuoteIdent(t.Columns[ix.Columns[col-1]].Name)
	}
	key := func(i int) string {
		s := sem.QuoteIdent(t.Columns[ix.Columns[i]].Name)
		if i < len(ix.Keys) {
			k := ix.Keys[i]
			if k.Desc {
				s += " DESC"
				if !k.NullsFirst {
					s += " NULLS LAST"
				}
			} else if k.NullsFirst {
				s += " NULLS FIRST"
			}
		}
		return s
	}
	keys := make([]string, len(ix.Columns))
	for i := range ix.Columns {
		keys[i] = key(i)
	}
	unique := ""
	if ix.Unique || primary {
		unique = "UNIQUE "
	}
	schema := "public."
	if pretty {
		schema = ""
	}
	return "CREATE " + unique + "INDEX " + sem.QuoteIdent(ix.Name) + " ON " + schema + sem.QuoteIdent(t.Name) +
		" USING btree (" + strings.Join(keys, ", ") + ")"
}

// foreignKeyDef is a FOREIGN KEY constraint's definition.
func foreignKeyDef(t *catalog.Table, fk catalog.ForeignKey, ref *catalog.Table) string {
	s := "FOREIGN KEY " + columnList(t, fk.Columns) + " REFERENCES " + sem.QuoteIdent(fk.RefTable)
	if ref != nil {
		s += columnList(ref, fk.RefColumns)
	}
	action := func(a string) string {
		switch a {
		case "restrict":
			return "RESTRICT"
		case "cascade":
			return "CASCADE"
		case "set null":
			return "SET NULL"
		case "set default":
			return "SET DEFAULT"
		}
		return ""
	}
	if a := action(fk.OnUpdate); a != "" {
		s += " ON UPDATE " + a
	}
	if a := action(fk.OnDelete); a != "" {
		s += " ON DELETE " + a
	}
	return s
}
