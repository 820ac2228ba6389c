package dialect

// identitySerial maps an identity column's integer type to the serial
// type that gives it the same default: a sequence owned by the column.
var identitySerial = map[string]string{
	"smallint": "smallserial", "int2": "smallserial",
	"int": "serial", "integer": "serial", "int4": "serial",
	"bigint": "bigserial", "int8": "bigserial",
}

// rewriteIdentity rewrites, in CREATE TABLE and ALTER TABLE, two column
// and constraint clauses the grammar underneath lacks:
//
//   - col int GENERATED {ALWAYS | BY DEFAULT} AS IDENTITY becomes col
//     serial (bigint: bigserial, smallint: smallserial): a NOT NULL column
//     whose default takes the next value of a sequence it owns, which is
//     what an identity column is. GENERATED ALWAYS does not refuse
//     explicit values here (Postgres wants OVERRIDING SYSTEM VALUE), and
//     sequence options in parentheses are 0A000.
//   - DEFERRABLE, NOT DEFERRABLE and INITIALLY DEFERRED | IMMEDIATE are
//     dropped: constraints are checked when the statement ends, as
//     Postgres checks the NOT DEFERRABLE and INITIALLY IMMEDIATE ones.
func rewriteIdentity(toks []Token) ([]Token, error) {
	if len(toks) < 2 || !(toks[0].is("create") || toks[0].is("alter")) {
		return toks, nil
	}
	at := func(j int) Token {
		if j >= 0 && j < len(toks) {
			return toks[j]
		}
		return Token{}
	}
	var out []Token
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch {
		case t.is("deferrable") && len(out) > 0 && out[len(out)-1].is("not"):
			out = out[:len(out)-1]
			continue
		case t.is("deferrable"):
			continue
		case t.is("initially") && (at(i+1).is("deferred") || at(i+1).is("immediate")):
			i++
			continue
		case t.is("generated") && (at(i+1).is("always") && at(i+2).is("as") && at(i+3).is("identity") ||
			at(i+1).is("by") && at(i+2).is("default") && at(i+3).is("as") && at(i+4).is("identity")):
			j := i + 4
			if at(i + 1).is("by") {
				j++
			}
			if at(j).isPunct("(") {
				return nil, codedErr(CodeFeatureNotSupported, at(j).Pos, "sequence options of an identity column are not supported")
			}
			// The column's type is the second token of its definition,
			// which starts after the "(" or "," before it, or after ADD
			// [COLUMN] [IF NOT EXISTS].
			k := len(out) - 1
			for depth := 0; k >= 0; k-- {
				o := out[k]
				if o.isPunct(")") {
					depth++
				} else if o.isPunct("(") && depth > 0 {
					depth--
				} else if depth == 0 && (o.isPunct("(") || o.isPunct(",") || o.is("add") || o.is("column") || o.is("exists")) {
					break
				}
			}
			typ := k + 2
			if k < 0 || typ >= len(out) {
				return nil, syntaxErr(t.Pos, "syntax error at or near %q", t.Text)
			}
			serial, ok := identitySerial[out[typ].Text]
			if !ok || out[typ].Kind != Ident {
				return nil, codedErr("22023", out[typ].Pos, "identity column type must be smallint, integer, or bigint")
			}
			out[typ] = synth(Ident, serial, out[typ].Pos)
			i = j - 1
			continue
		}
		out = append(out, t)
	}
	return out, nil
}
