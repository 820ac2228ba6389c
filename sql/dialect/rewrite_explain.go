package dialect

// rewriteExplain turns Postgres's option list, EXPLAIN (ANALYZE, COSTS
// OFF) query, into the keyword form the grammar underneath takes:
// EXPLAIN ANALYZE query when ANALYZE is on, else EXPLAIN query. The
// options that only change what Postgres prints (VERBOSE, COSTS,
// BUFFERS, TIMING, SUMMARY, SETTINGS, WAL, FORMAT TEXT) are accepted and
// have no effect; another FORMAT is 0A000.
func rewriteExplain(toks []Token) ([]Token, error) {
	if len(toks) < 3 || !toks[0].is("explain") || !toks[1].isPunct("(") {
		return toks, nil
	}
	end := matchForward(toks, 1)
	if end < 0 {
		return nil, syntaxErr(toks[1].Pos, "syntax error at or near %q", "(")
	}
	analyze := false
	for i := 2; i < end; i++ {
		opt := toks[i]
		if opt.Kind != Ident {
			return nil, syntaxErr(opt.Pos, "syntax error at or near %q", opt.Text)
		}
		on := true
		if j := i + 1; j < end && !toks[j].isPunct(",") {
			v := toks[j]
			switch {
			case opt.is("format"):
				if !v.is("text") {
					return nil, codedErr(CodeFeatureNotSupported, v.Pos, "EXPLAIN format %q is not supported (only text)", v.Text)
				}
			case v.is("true") || v.is("on") || v.Kind == Number && v.Text == "1":
			case v.is("false") || v.is("off") || v.Kind == Number && v.Text == "0":
				on = false
			default:
				return nil, syntaxErr(v.Pos, "syntax error at or near %q", v.Text)
			}
			i = j
		}
		switch opt.Text {
		case "analyze":
			analyze = on
		case "verbose", "costs", "buffers", "timing", "summary", "settings", "wal", "format":
		default:
			return nil, codedErr(CodeSyntaxError, opt.Pos, "unrecognized EXPLAIN option %q", opt.Text)
		}
		if i+1 < end && toks[i+1].isPunct(",") {
			i++
		}
	}
	out := []Token{toks[0]}
	if analyze {
		out = append(out, synth(Ident, "analyze", toks[1].Pos))
	}
	return append(out, toks[end+1:]...), nil
}
