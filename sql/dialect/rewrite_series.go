package dialect

import "strconv"

// rewriteSeries replaces "f(args) [WITH ORDINALITY] [AS] g[(col, ...)]"
// for the set-returning functions of seriesFuncs in a FROM list (after
// FROM, JOIN, LATERAL or a comma) with "pdb_series_<i> AS g" and records
// the call in s.Series; the arguments become the nested statement
// "SELECT args". It runs last, so the arguments have had every other
// rewrite; they are only emitted here. Which columns the call has, and so
// whether the alias list fits, is the planner's to say.
func rewriteSeries(s *Stmt, toks []Token, casts map[int]TypeName) ([]Token, error) {
	out := make([]Token, 0, len(toks))
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if !(seriesFuncs[t.Text] && t.Kind == Ident && i+1 < len(toks) && toks[i+1].isPunct("(") && i > 0 &&
			(toks[i-1].is("from") || toks[i-1].is("join") || toks[i-1].is("lateral") || toks[i-1].isPunct(","))) {
			out = append(out, t)
			continue
		}
		// A comma also separates select fields: only treat it as a FROM
		// item if a FROM is open at this paren level.
		if toks[i-1].isPunct(",") && !inFromList(toks, i-1) {
			out = append(out, t)
			continue
		}
		closeAt := matchForward(toks, i+1)
		if closeAt < 0 {
			return nil, syntaxErr(t.Pos, "syntax error in generate_series")
		}
		var args *Stmt // nil for f(): no select list to write
		if closeAt > i+2 {
			args = &Stmt{Kind: KindParsed, Source: s.Source, base: s.base}
			argToks := append([]Token{synth(Ident, "select", t.Pos)}, toks[i+2:closeAt]...)
			if err := emit(args, argToks, casts); err != nil {
				return nil, err
			}
			args.NumParams = maxParam(args)
		}
		g := Series{Func: t.Text, Table: SeriesTablePrefix + strconv.Itoa(len(s.rewrites().Series)), Alias: t.Text, Args: args}
		j := closeAt + 1
		if j+1 < len(toks) && toks[j].is("with") && toks[j+1].is("ordinality") {
			g.Ordinality = true
			j += 2
		}
		if j < len(toks) && toks[j].is("as") {
			j++
		}
		if j < len(toks) && isName(toks[j]) && !toks[j].is("join") && !toks[j].is("lateral") {
			g.Alias = toks[j].Text
			g.Aliased = true
			j++
			if cols, next, ok := aliasColumns(toks, j); ok {
				g.Columns = cols
				j = next
			}
		}
		s.Series = append(s.Series, g)
		if toks[i-1].is("lateral") {
			out = out[:len(out)-1] // functions in FROM are lateral anyway
		}
		out = append(out, synth(Ident, g.Table, t.Pos), synth(Ident, "as", t.Pos), synth(QuotedIdent, g.Alias, t.Pos))
		i = j - 1
	}
	return out, nil
}

// seriesFuncs are the set-returning functions planned in FROM.
var seriesFuncs = map[string]bool{"generate_series": true, "unnest": true, "generate_subscripts": true,
	"json_array_elements": true, "jsonb_array_elements": true, "json_array_elements_text": true,
	"jsonb_array_elements_text": true, "json_object_keys": true, "jsonb_object_keys": true,
	"json_each": true, "jsonb_each": true, "json_each_text": true, "jsonb_each_text": true}

// aliasColumns reads the column alias list "(a, b, ...)" at toks[j]: the
// names and the index after ")", or false if there is none.
func aliasColumns(toks []Token, j int) ([]string, int, bool) {
	if j >= len(toks) || !toks[j].isPunct("(") {
		return nil, j, false
	}
	var cols []string
	for k := j + 1; k+1 < len(toks); k += 2 {
		if !isName(toks[k]) {
			return nil, j, false
		}
		cols = append(cols, toks[k].Text)
		if toks[k+1].isPunct(")") {
			return cols, k + 2, true
		}
		if !toks[k+1].isPunct(",") {
			return nil, j, false
		}
	}
	return nil, j, false
}

// inFromList reports whether the comma at toks[c] is in a FROM list: the
// nearest clause keyword before it at the same paren level is FROM.
func inFromList(toks []Token, c int) bool {
	depth := 0
	for i := c - 1; i >= 0; i-- {
		t := toks[i]
		switch {
		case t.isPunct(")"):
			depth++
		case t.isPunct("("):
			if depth == 0 {
				return false
			}
			depth--
		case depth == 0 && t.is("from"):
			return true
		case depth == 0 && (t.is("select") || t.is("where") || t.is("set") || t.is("values")):
			return false
		}
	}
	return false
}
