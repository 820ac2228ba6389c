package syscat

import (
	"strings"

	"github.com/persiandb/persiandb/sql/catalog"
	"github.com/persiandb/persiandb/sql/dialect"
	"github.com/persiandb/persiandb/sql/sem"
)

// ViewDef is pg_get_viewdef(view, true): Postgres prints the view's
// stored query tree, not its text. The simple views (columns of one
// table, a WHERE, an ORDER BY of columns) print exactly as Postgres
// prints them:
//
//	SELECT t.a,
//	   t.b AS x
//	  FROM t
//	 WHERE t.a > 1;
//
// Any other query prints as written, after a space and with a
// semicolon, which is the shape but not the text Postgres would give.
func ViewDef(s *Snapshot, v *catalog.View) string {
	if def, ok := simpleViewDef(s, v); ok {
		return def
	}
	return " " + strings.TrimSpace(v.Query) + ";"
}

func simpleViewDef(s *Snapshot, v *catalog.View) (string, bool) {
	toks, err := dialect.Tokenize(v.Query)
	if err != nil || len(toks) == 0 || !isWord(toks[0], "select") {
		return "", false
	}
	toks = dropIntroducers(toks)
	at := func(j int) dialect.Token {
		if j < len(toks) {
			return toks[j]
		}
		return dialect.Token{}
	}
	// The select list: column names or *.
	var items []string
	i := 1
	for {
		tk := at(i)
		switch {
		case tk.Kind == dialect.Op && tk.Text == "*":
			items = append(items, "*")
		case isName(tk) && !isWord(tk, "from"):
			items = append(items, tk.Text)
		default:
			return "", false
		}
		i++
		if !punctIs(at(i), ",") {
			break
		}
		i++
	}
	if !isWord(at(i), "from") {
		return "", false
	}
	i++
	if isWord(at(i), "public") && punctIs(at(i+1), ".") {
		i += 2
	}
	if !isName(at(i)) {
		return "", false
	}
	t := s.TableByName(at(i).Text)
	if t == nil {
		return "", false
	}
	i++
	qual := sem.QuoteIdent(t.Name) + "."
	var cols []string
	for _, it := range items {
		if it != "*" {
			if t.ColumnIndex(it) < 0 {
				return "", false
			}
			cols = append(cols, it)
			continue
		}
		for _, c := range t.Columns {
			if !c.Hidden && !c.Dropped {
				cols = append(cols, c.Name)
			}
		}
	}
	if len(cols) != len(v.Columns) {
		return "", false
	}
	var b strings.Builder
	b.WriteString(" SELECT ")
	for k, c := range cols {
		if k > 0 {
			b.WriteString(",\n    ")
		}
		b.WriteString(qual + sem.QuoteIdent(c))
		if v.Columns[k].Name != c {
			b.WriteString(" AS " + sem.QuoteIdent(v.Columns[k].Name))
		}
	}
	b.WriteString("\n   FROM " + sem.QuoteIdent(t.Name))
	if isWord(at(i), "where") {
		end := i + 1
		for end < len(toks) && !(isWord(toks[end], "order") && isWord(at(end+1), "by")) {
			end++
		}
		where := qualify(t, typedCheck(t, toks[i+1:end], qual), qual)
		b.WriteString("\n  WHERE " + Respace(where))
		i = end
	}
	if isWord(at(i), "order") && isWord(at(i+1), "by") {
		var keys []string
		for i += 2; isName(at(i)) && t.ColumnIndex(at(i).Text) >= 0; {
			key := qual + sem.QuoteIdent(at(i).Text)
			i++
			switch {
			case isWord(at(i), "desc"):
				key += " DESC"
				i++
			case isWord(at(i), "asc"):
				i++
			}
			keys = append(keys, key)
			if !punctIs(at(i), ",") {
				break
			}
			i++
		}
		if len(keys) == 0 {
			return "", false
		}
		b.WriteString("\n  ORDER BY " + strings.Join(keys, ", "))
	}
	if i != len(toks) {
		return "", false
	}
	b.WriteString(";")
	return b.String(), true
}

// qualify writes the table's columns among toks as qual.column (the
// ones typedCheck already printed are verbatim and stay as they are).
func qualify(t *catalog.Table, toks []dialect.Token, qual string) []dialect.Token {
	out := make([]dialect.Token, len(toks))
	for i, tk := range toks {
		out[i] = tk
		call := i+1 < len(toks) && punctIs(toks[i+1], "(")
		dotted := i > 0 && punctIs(toks[i-1], ".") || i+1 < len(toks) && punctIs(toks[i+1], ".")
		if isName(tk) && !call && !dotted && !upperWords[tk.Text] && t.ColumnIndex(tk.Text) >= 0 {
			out[i] = dialect.Token{Kind: verbatim, Raw: qual + sem.QuoteIdent(tk.Text)}
		}
	}
	return out
}

func isWord(t dialect.Token, w string) bool { return t.Kind == dialect.Ident && t.Text == w }

func isName(t dialect.Token) bool { return t.Kind == dialect.Ident || t.Kind == dialect.QuotedIdent }

func punctIs(t dialect.Token, p string) bool { return t.Kind == dialect.Punct && t.Text == p }
