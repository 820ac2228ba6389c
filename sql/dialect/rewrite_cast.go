package dialect

// rewriteCasts turns every Postgres cast into pdb_cast(expr, 'type'):
//
//	x::t           the operand is the primary expression left of "::"
//	               (:: binds tighter than any operator: -1::int is
//	               -(1::int)); chains x::a::b nest left to right.
//	CAST(x AS t)   the TiDB CAST only knows MySQL types.
//	t 'literal'    a typed literal (date '...', interval '1 day' ...).
//
// casts receives the type of each pdb_cast, keyed by the Pos of its name
// token (unique: the source offset of the :: or CAST or type word).
func rewriteCasts(toks []Token, casts map[int]TypeName) ([]Token, error) {
	out := make([]Token, 0, len(toks)+8)
	type frame struct{ depth int }
	var frames []frame // open CAST( calls
	depth := 0
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch {
		case t.is("cast") && i+1 < len(toks) && toks[i+1].isPunct("("):
			out = append(out, synth(Ident, FuncCast, t.Pos), toks[i+1])
			depth++
			frames = append(frames, frame{depth: depth})
			i++
			continue
		case t.is("as") && len(frames) > 0 && frames[len(frames)-1].depth == depth:
			ty, next, err := parseType(toks, i+1)
			if err != nil {
				return nil, err
			}
			if next >= len(toks) || !toks[next].isPunct(")") {
				return nil, syntaxErr(tokPos(toks, next), "syntax error in CAST")
			}
			casts[castPosBefore(out)] = ty
			out = append(out, synth(Punct, ",", t.Pos), synth(String, ty.String(), t.Pos), toks[next])
			frames = frames[:len(frames)-1]
			depth--
			i = next
			continue
		case t.Kind == Op && t.Text == "::":
			start := operandStart(out, len(out), lvlCast)
			if start < 0 {
				return nil, syntaxErr(t.Pos, "syntax error at or near \"::\"")
			}
			ty, next, err := parseType(toks, i+1)
			if err != nil {
				return nil, err
			}
			casts[t.Pos] = ty
			operand := append([]Token(nil), out[start:]...)
			out = append(out[:start], synth(Ident, FuncCast, t.Pos), synth(Punct, "(", t.Pos))
			out = append(out, operand...)
			out = append(out, synth(Punct, ",", t.Pos), synth(String, ty.String(), t.Pos), synth(Punct, ")", t.Pos))
			i = next - 1
			continue
		case t.Kind == Ident && typedLiteralWord(t.Text) && (len(out) == 0 || !out[len(out)-1].isPunct(".")):
			ty, next, err := parseType(toks, i)
			if err == nil && next < len(toks) && toks[next].Kind == String && ty.Array == 0 {
				lit := toks[next]
				next++
				if ty.Name == "interval" {
					for next < len(toks) && toks[next].Kind == Ident && intervalFields[toks[next].Text] {
						next++ // interval '1' day: fields only restrict the input
					}
				}
				casts[t.Pos] = ty
				out = append(out, synth(Ident, FuncCast, t.Pos), synth(Punct, "(", t.Pos), lit,
					synth(Punct, ",", t.Pos), synth(String, ty.String(), t.Pos), synth(Punct, ")", t.Pos))
				i = next - 1
				continue
			}
		case t.isPunct("("):
			depth++
		case t.isPunct(")"):
			depth--
		}
		out = append(out, t)
	}
	if len(frames) > 0 {
		return nil, syntaxErr(tokPos(toks, len(toks)), "syntax error at end of input")
	}
	return out, nil
}

// castPosBefore finds the Pos of the pdb_cast token whose "(" is the
// innermost one still open at the end of out.
func castPosBefore(out []Token) int {
	c := 0
	for i := len(out) - 1; i >= 0; i-- {
		switch {
		case out[i].isPunct(")"):
			c++
		case out[i].isPunct("("):
			if c == 0 {
				if i > 0 && out[i-1].Text == FuncCast {
					return out[i-1].Pos
				}
				return -1
			}
			c--
		}
	}
	return -1
}

func tokPos(toks []Token, i int) int {
	if i < len(toks) {
		return toks[i].Pos
	}
	if len(toks) == 0 {
		return 0
	}
	last := toks[len(toks)-1]
	return last.Pos + len(last.Raw)
}

// typedLiteralWord reports whether w can start a typed literal "w '...'".
func typedLiteralWord(w string) bool {
	switch w {
	case "double", "character", "char", "national", "bit", "float", "interval":
		return true
	}
	_, ok := typeAliases[w]
	return ok && w != "name" && w != "unknown" && w != "record" && w != "void"
}
