package dialect

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// Positions. Postgres reports where in the query an error is (the
// ErrorResponse's P field: a 1-based character offset), and psql draws a
// caret there. The TiDB parser and the planner only know offsets into
// Stmt.Text, which the rewrites have reordered, re-spelled and padded, so
// emit records, for every token it writes, where it starts in Text and
// where the token it came from starts in Source (a synthetic token carries
// the Pos of the source token it stands for). Everything below maps
// through that one table:
//
//	Text offset --OrigPos--> Source byte offset --charPos--> 1-based character
//
// Positions are relative to the statement given to Prepare (a PREPARE
// body's to the whole PREPARE statement). The wire layer adds the
// statement's start within a multi-statement query (SplitWithOffsets).

// span is one emitted token: its byte offset in Text and its source
// token's byte offset in Source.
type span struct{ text, src int32 }

// OrigPos returns the byte offset in Source of the token that starts at
// (or, for an offset inside a token, covers) byte offset off of Text;
// -1 if off is before the first token or s has no map (utility kinds).
func (s *Stmt) OrigPos(off int) int {
	i := s.spanAt(off)
	if i < 0 {
		return -1
	}
	return int(s.spans[i].src)
}

// spanAt is the index of the last span starting at or before off.
func (s *Stmt) spanAt(off int) int {
	return sort.Search(len(s.spans), func(i int) bool { return int(s.spans[i].text) > off }) - 1
}

// Position returns the 1-based character position, in the statement text
// given to Prepare, of the token at byte offset off of Text (an AST node's
// OriginTextPosition, a ParamMarkerExpr's Offset); 0 if unknown.
func (s *Stmt) Position(off int) int {
	if s == nil {
		return 0
	}
	return s.charPos(s.OrigPos(off))
}

// PositionBefore returns the Position of the token emitted n tokens
// before the one at byte offset off of Text: the operator of a binary
// expression is the token before its right operand (n 1); the column of
// "col = expr" in UPDATE's SET is two before expr. 0 if there is none.
func (s *Stmt) PositionBefore(off, n int) int {
	if s == nil {
		return 0
	}
	i := s.spanAt(off)
	if i < n {
		return 0
	}
	return s.charPos(int(s.spans[i-n].src))
}

// SourceOffset is the number of characters before Source in the text
// given to Prepare: nonzero for a PREPARE body, whose errors are relative
// to the PREPARE statement.
func (s *Stmt) SourceOffset() int { return s.base }

// charPos converts a byte offset of Source into a 1-based character
// position in the client's statement; 0 for a negative offset.
func (s *Stmt) charPos(pos int) int {
	if pos < 0 || pos > len(s.Source) {
		return 0
	}
	return s.base + utf8.RuneCountInString(s.Source[:pos]) + 1
}

// eoi is the byte offset in Source that "end of input" errors point at:
// the statement's terminating ';' when it had one (Postgres parses the
// whole query, so it stops at the ';'), else the end of Source.
func (s *Stmt) eoi() int {
	if s.semi > 0 {
		return s.semi - 1
	}
	return len(s.Source)
}

// cursor starts a hand-written grammar at toks[i]; its errors at the end
// of toks are Postgres's for the statement's end.
func (s *Stmt) cursor(toks []Token, i int) *cursor {
	return &cursor{toks: toks, i: i, end: s.eoi(), semi: s.semi > 0}
}

// SyntaxErrorAt is Postgres's syntax error for a TiDB parse error at byte
// offset off of Text (off >= len(Text): at the end): "syntax error at or
// near" the source token there as the user wrote it, or "at end of
// input". Pos is a byte offset into Source; Position is set.
func (s *Stmt) SyntaxErrorAt(off int) *SyntaxError {
	pos := -1
	if off < len(s.Text) {
		pos = s.OrigPos(off)
	}
	var e *SyntaxError
	switch {
	case pos < 0 && s.semi > 0:
		e = syntaxErr(s.semi-1, "syntax error at or near \";\"")
	case pos < 0:
		e = syntaxErr(len(s.Source), "syntax error at end of input")
	default:
		raw := ""
		if toks, err := Tokenize(s.Source[pos:]); err == nil && len(toks) > 0 && toks[0].Pos == 0 {
			raw = toks[0].Raw
		}
		if raw == "" {
			e = syntaxErr(pos, "syntax error")
		} else {
			e = syntaxErr(pos, "syntax error at or near %q", raw)
		}
	}
	e.Position = s.charPos(e.Pos)
	return e
}

// RelationPosition returns the Position of the first reference to the
// relation [schema.]name in Source: a name after FROM, JOIN, INTO,
// UPDATE, USING, ONLY or TABLE, or after a ',' in a FROM list, that is not
// followed by '.' or '(' (a column or a call). 0 if none is found. Names
// compare as Text does: folded, or exact when quoted.
func (s *Stmt) RelationPosition(schema, name string) int {
	if s == nil {
		return 0
	}
	toks, err := Tokenize(s.Source)
	if err != nil {
		return 0
	}
	// clause[d] is the last clause keyword seen at paren depth d.
	clause := []string{""}
	for i, t := range toks {
		d := len(clause) - 1
		switch {
		case t.isPunct("("):
			clause = append(clause, "")
			continue
		case t.isPunct(")"):
			if d > 0 {
				clause = clause[:d]
			}
			continue
		case t.Kind == Ident && clauseWords[t.Text]:
			clause[d] = t.Text
			continue
		}
		if i == 0 || !isNameTok(t) {
			continue
		}
		prev := toks[i-1]
		switch {
		case prev.Kind == Ident && relationWords[prev.Text]:
		case prev.isPunct(",") && clause[d] == "from":
		default:
			continue
		}
		j := i
		if schema != "" {
			if t.Text != schema || !toks[min(i+1, len(toks)-1)].isPunct(".") || i+2 >= len(toks) {
				continue
			}
			j = i + 2
		}
		if !isNameTok(toks[j]) || toks[j].Text != name {
			continue
		}
		if j+1 < len(toks) && (toks[j+1].isPunct(".") || toks[j+1].isPunct("(")) {
			continue
		}
		return s.charPos(t.Pos)
	}
	return 0
}

// relationWords are the keywords a relation name follows.
var relationWords = map[string]bool{
	"from": true, "join": true, "into": true, "update": true, "using": true, "only": true, "table": true,
}

func isNameTok(t Token) bool { return t.Kind == Ident || t.Kind == QuotedIdent }

// NamePosition returns the Position of the first identifier spelling name
// (folded, or exact when quoted) that starts after character position
// after (0: anywhere); 0 if there is none. With after the Position of an
// INSERT's table, it finds a column of the column list.
func (s *Stmt) NamePosition(name string, after int) int {
	if s == nil {
		return 0
	}
	toks, err := Tokenize(s.Source)
	if err != nil {
		return 0
	}
	for _, t := range toks {
		if isNameTok(t) && t.Text == name {
			if p := s.charPos(t.Pos); p > after {
				return p
			}
		}
	}
	return 0
}

// Statement is one statement of a simple-Query string (SplitWithOffsets).
type Statement struct {
	// Text runs from the statement's first token through its terminating
	// ';' (if it has one), or to the end of the query (trailing space
	// included): Prepare accepts the ';', and errors at the end point at
	// it, or past the end, as Postgres's do.
	Text string
	// Offset is the number of characters (not bytes) of the query before
	// Text: add it to a Position relative to Text to get one relative to
	// the query, as the client expects.
	Offset int
}

// SplitWithOffsets cuts a query as Split does, keeping for each statement
// where it starts. Errors are as Split's.
func SplitWithOffsets(sql string) ([]Statement, error) {
	toks, err := Tokenize(sql)
	if err != nil {
		return nil, withPosition(err, sql)
	}
	var out []Statement
	first := -1 // byte offset of the current statement's first token
	chars, counted := 0, 0
	add := func(end int) {
		chars += utf8.RuneCountInString(sql[counted:first])
		counted = first
		out = append(out, Statement{Text: sql[first:end], Offset: chars})
		first = -1
	}
	for _, t := range toks {
		if t.isPunct(";") {
			if first >= 0 {
				add(t.Pos + 1)
			}
			continue
		}
		if first < 0 {
			first = t.Pos
		}
	}
	if first >= 0 {
		add(len(sql))
	}
	return out, nil
}

// withPosition sets a *SyntaxError's Position from its Pos in text.
func withPosition(err error, text string) error {
	if se, ok := err.(*SyntaxError); ok && se.Position == 0 && se.Pos >= 0 && se.Pos <= len(text) {
		se.Position = utf8.RuneCountInString(text[:se.Pos]) + 1
	}
	return err
}

// ParseError converts an error of the TiDB parser on s.Text into
// Postgres's syntax error at the same place in Source (SyntaxErrorAt).
// It returns nil if err does not say where it happened.
func (s *Stmt) ParseError(err error) *SyntaxError {
	off, ok := tidbErrorOffset(s.Text, err.Error())
	if !ok {
		return nil
	}
	return s.SyntaxErrorAt(off)
}

// tidbErrorOffset finds where in text the TiDB parser stopped. Its
// scanner reports `line L column C near "<rest>"<length> <detail>`, where
// rest is text from the offending token to the end (cut at 2048 bytes,
// then length is "(total length N)").
func tidbErrorOffset(text, msg string) (int, bool) {
	const near = ` near "`
	i := strings.Index(msg, near)
	if i < 0 {
		return 0, false
	}
	rest := msg[i+len(near):]
	if j := strings.Index(rest, `"(total length `); j >= 0 {
		var n int
		if _, err := fmt.Sscanf(rest[j+len(`"(total length `):], "%d)", &n); err == nil && n <= len(text) {
			return len(text) - n, true
		}
		return 0, false
	}
	// rest is text[off:] followed by '"': take the longest suffix of
	// text that rest starts with and that a quote follows.
	for k := min(len(text), len(rest)-1); k >= 0; k-- {
		if rest[k] == '"' && rest[:k] == text[len(text)-k:] {
			return len(text) - k, true
		}
	}
	return 0, false
}
