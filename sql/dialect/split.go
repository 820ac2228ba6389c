package dialect

import "strings"

// Split cuts a simple-Query string into statements at top-level ';' — a ';'
// that is not inside a string, quoted identifier, dollar quote or comment.
// Parentheses do not matter: Postgres splits there too. Each statement is
// the source text between separators, trimmed of surrounding whitespace
// (comments inside are kept); statements holding no token (";;", "-- x")
// are dropped. An all-empty query yields an empty slice and no error: the
// wire layer answers it with EmptyQueryResponse.
//
// A tokenizing error anywhere fails the whole query, as in Postgres (which
// parses the whole string before running any of it).
func Split(sql string) ([]string, error) {
	toks, err := Tokenize(sql)
	if err != nil {
		return nil, err
	}
	var out []string
	start, n := 0, 0 // n counts tokens since start
	for _, t := range toks {
		if t.Kind == Punct && t.Text == ";" {
			if n > 0 {
				out = append(out, trimSpace(sql[start:t.Pos]))
			}
			start, n = t.Pos+1, 0
			continue
		}
		n++
	}
	if n > 0 {
		out = append(out, trimSpace(sql[start:]))
	}
	return out, nil
}

// trimSpace trims Postgres whitespace only: a non-ASCII space such as
// U+2000 is an identifier character to Postgres, not whitespace.
func trimSpace(s string) string { return strings.Trim(s, " \t\n\r\f\v") }
