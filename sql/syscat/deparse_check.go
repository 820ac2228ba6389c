package syscat

import (
	"strings"

	"github.com/persiandb/persiandb/sql/catalog"
	"github.com/persiandb/persiandb/sql/dialect"
	"github.com/persiandb/persiandb/sql/planner"
	"github.com/persiandb/persiandb/sql/sem"
	"github.com/persiandb/persiandb/storage"
)

// verbatim marks a token whose Raw Respace writes unchanged: the
// rewrites below put printed text (casts included) in it.
const verbatim dialect.TokenKind = 200

// comparisons are the operators a CHECK compares a column with a
// constant by.
var comparisons = map[string]bool{"=": true, "<>": true, "<": true, ">": true, "<=": true, ">=": true}

// typedCheck rewrites a CHECK expression's tokens into the shape
// Postgres's deparser prints for the common comparisons of a column with
// constants, where the constant (and sometimes the column) is shown with
// the cast the parser put there: t <> 'x'::text, v::text <> 'x'::text,
// n > 0::numeric, i::numeric > 1.5, x ~~ 'a%'::text (LIKE),
// c = ANY (ARRAY[1, 2]) (IN), c >= 1 AND c <= 5 (BETWEEN). Anything else
// is left as written.
// qual prefixes column names ("t." in a view's WHERE, "" in a CHECK).
func typedCheck(t *catalog.Table, toks []dialect.Token, qual string) []dialect.Token {
	colType := func(tk dialect.Token) (planner.Type, bool) {
		if tk.Kind != dialect.Ident && tk.Kind != dialect.QuotedIdent {
			return planner.Type{}, false
		}
		i := t.ColumnIndex(tk.Text)
		if i < 0 {
			return planner.Type{}, false
		}
		return ColumnType(t.Columns[i]), true
	}
	lit := func(tk dialect.Token) bool { return tk.Kind == dialect.String || tk.Kind == dialect.Number }
	// boundary reports whether toks[j] ends or starts an operand: the
	// column or constant next to it is a whole operand.
	boundary := func(j int) bool {
		if j < 0 || j >= len(toks) {
			return true
		}
		tk := toks[j]
		return tk.Kind == dialect.Punct && (tk.Text == "(" || tk.Text == ")" || tk.Text == ",") ||
			tk.Kind == dialect.Ident && (tk.Text == "and" || tk.Text == "or" || tk.Text == "not")
	}
	out := make([]dialect.Token, 0, len(toks))
	for i := 0; i < len(toks); i++ {
		tk := toks[i]
		at := func(j int) dialect.Token {
			if j >= 0 && j < len(toks) {
				return toks[j]
			}
			return dialect.Token{}
		}
		ct, isCol := colType(tk)
		if !isCol || !boundary(i-1) {
			out = append(out, tk)
			continue
		}
		op := at(i + 1)
		switch {
		case op.Kind == dialect.Op && comparisons[op.Text] && lit(at(i+2)) && boundary(i+3):
			c, l := typedPair(qual, tk, ct, at(i+2))
			out = append(out, c, op, l)
			i += 2
			continue
		case (op.Text == "like" || op.Text == "ilike") && op.Kind == dialect.Ident && at(i+2).Kind == dialect.String && boundary(i+3):
			c, l := typedPair(qual, tk, ct, at(i+2))
			sym := "~~"
			if op.Text == "ilike" {
				sym = "~~*"
			}
			out = append(out, c, dialect.Token{Kind: dialect.Op, Text: sym, Raw: sym}, l)
			i += 2
			continue
		case op.Text == "in" && op.Kind == dialect.Ident && at(i+2).Text == "(" && at(i+2).Kind == dialect.Punct:
			j := i + 3
			var elems []dialect.Token
			var c dialect.Token
			for lit(at(j)) && (at(j+1).Text == "," || at(j+1).Text == ")") && at(j+1).Kind == dialect.Punct {
				var l dialect.Token
				c, l = typedPair(qual, tk, ct, at(j))
				elems = append(elems, l)
				j += 2
				if at(j-1).Text == ")" {
					break
				}
			}
			if len(elems) > 0 && at(j-1).Text == ")" && boundary(j) {
				var b strings.Builder
				b.WriteString("ARRAY[")
				for k, e := range elems {
					if k > 0 {
						b.WriteString(", ")
					}
					b.WriteString(e.Raw)
				}
				b.WriteString("]")
				out = append(out, c, dialect.Token{Kind: dialect.Op, Text: "=", Raw: "="},
					dialect.Token{Kind: verbatim, Raw: "ANY (" + b.String() + ")"})
				i = j - 1
				continue
			}
		case op.Text == "between" && op.Kind == dialect.Ident && lit(at(i+2)) && at(i+3).Text == "and" && lit(at(i+4)) && boundary(i+5):
			c, lo := typedPair(qual, tk, ct, at(i+2))
			_, hi := typedPair(qual, tk, ct, at(i+4))
			out = append(out, c, dialect.Token{Kind: dialect.Op, Text: ">=", Raw: ">="}, lo,
				dialect.Token{Kind: dialect.Ident, Text: "and"}, c, dialect.Token{Kind: dialect.Op, Text: "<=", Raw: "<="}, hi)
			i += 4
			continue
		}
		out = append(out, tk)
	}
	return out
}

// typedPair prints a column and a constant compared with it as
// Postgres's parser types them: the constant takes the column's type (a
// quoted one) or keeps its own with a cast to the column's (a number),
// and varchar columns compare as text.
func typedPair(qual string, col dialect.Token, ct planner.Type, l dialect.Token) (dialect.Token, dialect.Token) {
	name := qual + sem.QuoteIdent(col.Text)
	v := func(s string) dialect.Token { return dialect.Token{Kind: verbatim, Raw: s} }
	if l.Kind == dialect.String {
		switch {
		case ct.Name == "character varying":
			return v(name + "::text"), v(sem.QuoteLiteral(l.Text) + "::text")
		case ct.T == storage.TypeText && ct.Name == "character":
			return v(name), v(sem.QuoteLiteral(l.Text) + "::bpchar")
		case ct.T == storage.TypeText:
			return v(name), v(sem.QuoteLiteral(l.Text) + "::text")
		case ct.T == storage.TypeInt16 || ct.T == storage.TypeInt32 || ct.T == storage.TypeInt64:
			return v(name), v(strings.TrimSpace(l.Text))
		}
		typ := FormatType(ct.OID(), -1, false)
		// The constant is stored converted; it prints in its type's
		// output form ('2030-01-01 00:00:00+00' for a timestamptz).
		if val, err := sem.ParseText(nil, l.Text, ct.T); err == nil && !ct.IsArray() {
			return v(name), v(sem.QuoteLiteral(string(sem.AppendFormat(nil, val, nil))) + "::" + typ)
		}
		return v(name), v(sem.QuoteLiteral(l.Text) + "::" + typ)
	}
	isInt := !strings.ContainsAny(l.Text, ".eE")
	switch ct.T {
	case storage.TypeInt16, storage.TypeInt32, storage.TypeInt64:
		if !isInt {
			return v(name + "::numeric"), v(l.Text)
		}
	case storage.TypeNumeric:
		if isInt {
			return v(name), v(l.Text + "::numeric")
		}
	case storage.TypeFloat32, storage.TypeFloat64:
		return v(name), v(l.Text + "::double precision")
	}
	return v(name), v(l.Text)
}
