package dialect

// bitOps are the integer operators the TiDB grammar ranks differently
// from Postgres: there | is below &, which is below << and >>; in
// Postgres all four are "any other operator", one level, left
// associative (4 | 1 << 1 is (4 | 1) << 1 = 10, not 6).
var bitOps = map[string]bool{"&": true, "|": true, "<<": true, ">>": true}

// rewriteBitOps parenthesizes the left operand of each of bitOps, so the
// TiDB grammar groups a chain of them from the left as Postgres does.
// The left operand of an operator of that level already takes in the
// same-level operators before it ((a | b) & c), and the levels above
// (+, *, ::) bind tighter in both grammars. Prefix ~ (bitwise not) is
// of the same level in Postgres, below + and *, where MySQL binds it
// tightest: ~ 2 + 1 is ~(2 + 1), so its operand is parenthesized too.
func rewriteBitOps(toks []Token) ([]Token, error) {
	out := make([]Token, 0, len(toks))
	cl := closers{}
	for i, t := range toks {
		out = cl.flush(out, i)
		if t.Kind != Op {
			out = append(out, t)
			continue
		}
		if t.Text == "~" && isPrefixOp(toks, i) {
			end := operandEnd(toks, i+1, lvlOther)
			if end < 0 {
				return nil, syntaxErr(t.Pos, "syntax error at or near %q", t.Text)
			}
			out = append(out, t, synth(Punct, "(", t.Pos))
			cl[end] = append(cl[end], synth(Punct, ")", t.Pos))
			continue
		}
		if !bitOps[t.Text] {
			out = append(out, t)
			continue
		}
		start := operandStart(out, len(out), lvlOther)
		if start < 0 {
			return nil, syntaxErr(t.Pos, "syntax error at or near %q", t.Text)
		}
		left := append([]Token{synth(Punct, "(", out[start].Pos)}, out[start:]...)
		out = append(out[:start], left...)
		out = append(out, synth(Punct, ")", t.Pos), t)
	}
	return cl.flush(out, len(toks)), nil
}

// Marker calls for the operators the TiDB lexer reads otherwise: ^ is
// XOR there, # starts a comment, -> and ->> are MySQL's JSON column paths
// (only after a column name) and ? is its parameter marker. A ? token
// here is always an operator from the source text: $n parameters are
// Param tokens and only become ? when the statement text is emitted.
const (
	FuncPow           = "pdb_pow"             // a ^ b: exponentiation
	FuncXor           = "pdb_xor"             // a # b: bitwise exclusive or
	FuncJSONGet       = "pdb_json_get"        // j -> k: field or element
	FuncJSONGetText   = "pdb_json_get_text"   // j ->> k: the same as text
	FuncJSONPath      = "pdb_json_path"       // j #> path
	FuncJSONPathText  = "pdb_json_path_text"  // j #>> path
	FuncJSONExists    = "pdb_json_exists"     // j ? k
	FuncJSONExistsAny = "pdb_json_exists_any" // j ?| keys
	FuncJSONExistsAll = "pdb_json_exists_all" // j ?& keys
)

// opCalls are the operators rewriteOpCalls turns into calls, with their
// precedence level in Postgres.
var opCalls = map[string]struct {
	fn  string
	lvl int
}{"^": {FuncPow, lvlPow}, "#": {FuncXor, lvlOther},
	"->": {FuncJSONGet, lvlOther}, "->>": {FuncJSONGetText, lvlOther},
	"#>": {FuncJSONPath, lvlOther}, "#>>": {FuncJSONPathText, lvlOther},
	"?": {FuncJSONExists, lvlOther}, "?|": {FuncJSONExistsAny, lvlOther}, "?&": {FuncJSONExistsAll, lvlOther}}

// rewriteOpCalls writes a ^ b as pdb_pow(a, b), a # b as pdb_xor(a, b)
// and the JSON operators as their marker calls,
// taking each operand as far as Postgres's precedence does: ^ is above
// * and / and below the unary signs (-2 ^ 2 is 4), # is with the other
// operators; both group from the left (2 ^ 3 ^ 2 is 64).
func rewriteOpCalls(toks []Token) ([]Token, error) {
	out := make([]Token, 0, len(toks))
	cl := closers{}
	for i, t := range toks {
		out = cl.flush(out, i)
		op, ok := opCalls[t.Text]
		if t.Kind != Op || !ok {
			out = append(out, t)
			continue
		}
		start := operandStart(out, len(out), op.lvl)
		end := operandEnd(toks, i+1, op.lvl)
		if start < 0 || end < 0 {
			return nil, syntaxErr(t.Pos, "syntax error at or near %q", t.Text)
		}
		left := append([]Token(nil), out[start:]...)
		out = append(out[:start], synth(Ident, op.fn, t.Pos), synth(Punct, "(", t.Pos))
		out = append(out, left...)
		out = append(out, synth(Punct, ",", t.Pos))
		cl[end] = append(cl[end], synth(Punct, ")", t.Pos))
	}
	return cl.flush(out, len(toks)), nil
}
