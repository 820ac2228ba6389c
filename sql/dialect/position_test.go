package dialect

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSplitWithOffsets(t *testing.T) {
	for _, q := range []string{
		"SELECT 1",
		"SELECT 1;",
		"  SELECT 1 ;  SELECT 'é;';\n-- c\n SELECT 3  ",
		"/* é */ SELECT 1;;; SELECT 2",
		";",
		"",
		"SELECT $$;$$; SELECT \"a;b\"",
	} {
		got, err := SplitWithOffsets(q)
		if err != nil {
			t.Fatalf("%q: %v", q, err)
		}
		want, _ := Split(q)
		if len(got) != len(want) {
			t.Fatalf("%q: %d statements, Split gives %d", q, len(got), len(want))
		}
		for i, st := range got {
			if a, b := tokenTexts(t, st.Text), tokenTexts(t, want[i]+";"); a != b {
				t.Errorf("%q: statement %d is %q, Split gives %q", q, i, st.Text, want[i])
			}
			// Offset counts characters: the text starts there in the query.
			runes := []rune(q)
			if st.Offset > len(runes) || !strings.HasPrefix(string(runes[st.Offset:]), st.Text) {
				t.Errorf("%q: statement %d (%q) is not at character %d", q, i, st.Text, st.Offset)
			}
		}
	}
}

// tokenTexts is the statement's tokens, with one terminating ';'.
func tokenTexts(t *testing.T, q string) string {
	toks, err := Tokenize(q)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, tk := range toks {
		b.WriteString(tk.Raw + " ")
	}
	return strings.TrimSuffix(strings.TrimSuffix(b.String(), " "), " ;") + " ;"
}

func TestPositions(t *testing.T) {
	s, err := Prepare("SELECT 'é'::int + nosuch FROM t WHERE x ~ 'a';")
	if err != nil {
		t.Fatal(err)
	}
	// Text: select pdb_cast('é', 'integer') + nosuch from t where pdb_regex_match(x, 'a')
	for _, c := range []struct {
		tok  string // a token of Text (and the space before it), found by its first occurrence
		want int    // Position in the source
	}{
		{"select", 1},
		{" pdb_cast", 11}, // the "::" it came from
		{"('é'", 8},
		{" nosuch", 19},
		{" from", 26},
		{" t ", 31},
	} {
		off := strings.Index(s.Text, c.tok)
		if off < 0 {
			t.Fatalf("%q not in %q", c.tok, s.Text)
		}
		if c.tok[0] == ' ' || c.tok[0] == '(' {
			off++
		}
		if got := s.Position(off); got != c.want {
			t.Errorf("Position(%q) = %d, want %d", c.tok, got, c.want)
		}
	}
	if got := s.PositionBefore(strings.Index(s.Text, "nosuch"), 1); got != 17 {
		t.Errorf("PositionBefore(nosuch) = %d, want 17 (the +)", got)
	}
	if got := s.RelationPosition("", "t"); got != 31 {
		t.Errorf("RelationPosition(t) = %d, want 31", got)
	}
	if got := s.NamePosition("x", 0); got != 39 {
		t.Errorf("NamePosition(x) = %d, want 39", got)
	}
	// The end of input is the ';' the statement ended with.
	e := s.SyntaxErrorAt(len(s.Text))
	if e.Msg != `syntax error at or near ";"` || e.Position != utf8.RuneCountInString(s.Source) {
		t.Errorf("at end: %q at %d", e.Msg, e.Position)
	}
}

func TestRelationPosition(t *testing.T) {
	for _, c := range []struct {
		q, schema, name string
		want            int
	}{
		{"SELECT t.a FROM u, t", "", "t", 20},
		{"SELECT (SELECT t FROM t) FROM u", "", "t", 23},
		{"UPDATE t SET a = 1", "", "t", 8},
		{"INSERT INTO s.t VALUES (1)", "s", "t", 13},
		{"DELETE FROM u USING t WHERE t.a = u.a", "", "t", 21},
		{"SELECT * FROM u JOIN \"T\" ON true", "", "T", 22},
		{"SELECT a, t FROM u", "", "t", 0},
	} {
		s, err := Prepare(c.q)
		if err != nil {
			t.Fatalf("%q: %v", c.q, err)
		}
		if got := s.RelationPosition(c.schema, c.name); got != c.want {
			t.Errorf("%q: RelationPosition(%s) = %d, want %d", c.q, c.name, got, c.want)
		}
	}
}

func TestTiDBErrorOffset(t *testing.T) {
	text := `select 1 from "x" where`
	for _, c := range []struct {
		msg  string
		want int
	}{
		{`line 1 column 23 near "" `, len(text)},
		{`line 1 column 14 near "from "x" where" `, 9},
		{`line 1 column 14 near "where"(total length 5) `, len(text) - 5},
	} {
		got, ok := tidbErrorOffset(text, c.msg)
		if !ok || got != c.want {
			t.Errorf("%q: %d %v, want %d", c.msg, got, ok, c.want)
		}
	}
}
