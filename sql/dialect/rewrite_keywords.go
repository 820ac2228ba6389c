package dialect

// mysqlReserved are words the TiDB grammar reserves that Postgres lets
// a table or column be named (a column "key", "index", "rows" or "read"
// is common). Where one is used as a name, it is emitted quoted; where
// it is part of Postgres's own syntax that the grammar also has (PRIMARY
// KEY, CREATE INDEX, ROWS BETWEEN, READ ONLY, MATCH SIMPLE, WITH CHECK
// OPTION), or a function call (mod(a, b)), it is left alone.
var mysqlReserved = map[string]func(prev, next Token) bool{
	// Each function reports whether the word is the keyword here.
	"key": func(prev, _ Token) bool { return prev.is("primary") || prev.is("foreign") },
	"index": func(prev, _ Token) bool {
		return prev.is("create") || prev.is("unique") || prev.is("drop") || prev.is("alter")
	},
	"rows":  frameWord,
	"range": frameWord,
	"read": func(_, next Token) bool {
		return next.is("only") || next.is("write") || next.is("committed") || next.is("uncommitted")
	},
	"write":      func(prev, _ Token) bool { return prev.is("read") },
	"match":      func(_, next Token) bool { return next.is("simple") || next.is("full") || next.is("partial") },
	"option":     func(prev, _ Token) bool { return prev.is("check") },
	"schema":     never,
	"database":   never,
	"usage":      never,
	"div":        never,
	"mod":        never,
	"xor":        never,
	"regexp":     never,
	"rlike":      never,
	"release":    never,
	"kill":       never,
	"optionally": never,
}

func never(Token, Token) bool { return false }

// frameWord: ROWS and RANGE start a window frame (ROWS BETWEEN, ROWS
// UNBOUNDED PRECEDING, ROWS 3 PRECEDING, ROWS CURRENT ROW), and ROWS ends
// FETCH FIRST n ROWS and OFFSET n ROWS.
func frameWord(prev, next Token) bool {
	return next.is("between") || next.is("unbounded") || next.is("current") || next.Kind == Number ||
		next.Kind == Param || prev.Kind == Number || prev.Kind == Param || prev.is("first") || prev.is("next") || prev.is("only")
}

// quoteReserved quotes the words of mysqlReserved used as names.
func quoteReserved(toks []Token) []Token {
	var out []Token
	for i, t := range toks {
		isKeyword, ok := mysqlReserved[t.Text]
		if !ok || t.Kind != Ident {
			continue
		}
		var prev, next Token
		if i > 0 {
			prev = toks[i-1]
		}
		if i+1 < len(toks) {
			next = toks[i+1]
		}
		if next.isPunct("(") || isKeyword(prev, next) {
			continue // a function call, or the keyword
		}
		if out == nil {
			out = append([]Token(nil), toks...)
		}
		out[i] = synth(QuotedIdent, t.Text, t.Pos)
	}
	if out == nil {
		return toks
	}
	return out
}
