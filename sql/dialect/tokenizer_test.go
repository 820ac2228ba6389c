package dialect

import (
	"errors"
	"strings"
	"testing"
)

func TestTokenize(t *testing.T) {
	type tk struct {
		kind TokenKind
		text string
	}
	for _, tc := range []struct {
		in   string
		want []tk
	}{
		{"SELECT Foo, \"Bar\"\"x\"", []tk{{Ident, "select"}, {Ident, "foo"}, {Punct, ","}, {QuotedIdent, `Bar"x`}}},
		{"'it''s'", []tk{{String, "it's"}}},
		{`'a\nb'`, []tk{{String, `a\nb`}}}, // standard strings: backslash is literal
		{`E'a\nb\t\\\'\x41\u00e9\101'`, []tk{{String, "a\nb\t\\'Aé" + "A"}}},
		{`e'\U0001F600'`, []tk{{String, "😀"}}},
		{`E'\uD83D\uDE00'`, []tk{{String, "😀"}}},
		{"$$a'b;c$$", []tk{{String, "a'b;c"}}},
		{"$tag$ $$ x $tag$", []tk{{String, " $$ x "}}},
		{"$1 + $12", []tk{{Param, "1"}, {Op, "+"}, {Param, "12"}}},
		{"a /* x /* nested */ y */ b -- c\nd", []tk{{Ident, "a"}, {Ident, "b"}, {Ident, "d"}}},
		{"1 1.5 .5 1e10 1.5e-3 5.", []tk{{Number, "1"}, {Number, "1.5"}, {Number, ".5"}, {Number, "1e10"}, {Number, "1.5e-3"}, {Number, "5."}}},
		{"0x1f", []tk{{Number, "0"}, {Ident, "x1f"}}}, // Postgres 15: no hex literals
		{"a::int", []tk{{Ident, "a"}, {Op, "::"}, {Ident, "int"}}},
		{"a<>b != c <= d >= e || f ~ g !~ h ~* i !~* j @> k", []tk{{Ident, "a"}, {Op, "<>"}, {Ident, "b"}, {Op, "<>"}, {Ident, "c"}, {Op, "<="}, {Ident, "d"}, {Op, ">="}, {Ident, "e"}, {Op, "||"}, {Ident, "f"}, {Op, "~"}, {Ident, "g"}, {Op, "!~"}, {Ident, "h"}, {Op, "~*"}, {Ident, "i"}, {Op, "!~*"}, {Ident, "j"}, {Op, "@>"}, {Ident, "k"}}},
		{"a<-1", []tk{{Ident, "a"}, {Op, "<"}, {Op, "-"}, {Number, "1"}}},
		{"a*-1", []tk{{Ident, "a"}, {Op, "*"}, {Op, "-"}, {Number, "1"}}},
		{"a--b\n", []tk{{Ident, "a"}}},
		{"'a'\n  'b' 'c'", []tk{{String, "ab"}, {String, "c"}}}, // continuation needs a newline
		{"B'0101' X'fF' N'n'", []tk{{BitString, "0101"}, {BitString, "fF"}, {String, "n"}}},
		{`U&'d\0061t\+000061' U&"x\0041"`, []tk{{String, "data"}, {QuotedIdent, "xA"}}},
		{"arr[1]", []tk{{Ident, "arr"}, {Punct, "["}, {Number, "1"}, {Punct, "]"}}},
		{"ÄBC", []tk{{Ident, "Äbc"}}}, // only ASCII folds
		{"a$b", []tk{{Ident, "a$b"}}},
	} {
		toks, err := Tokenize(tc.in)
		if err != nil {
			t.Errorf("Tokenize(%q): %v", tc.in, err)
			continue
		}
		var got []tk
		for _, x := range toks {
			got = append(got, tk{x.Kind, x.Text})
			if tc.in[x.Pos:x.Pos+len(x.Raw)] != x.Raw {
				t.Errorf("Tokenize(%q): token %q Pos %d does not point at Raw", tc.in, x.Raw, x.Pos)
			}
		}
		if len(got) != len(tc.want) {
			t.Errorf("Tokenize(%q) = %v, want %v", tc.in, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("Tokenize(%q)[%d] = %v, want %v", tc.in, i, got[i], tc.want[i])
			}
		}
	}
}

func TestTokenizeErrors(t *testing.T) {
	for _, tc := range []struct {
		in   string
		pos  int
		code string
	}{
		{"select 'abc", 7, CodeSyntaxError},
		{"select \"abc", 7, CodeSyntaxError},
		{"select $$abc", 7, CodeSyntaxError},
		{"select /* /* */", 7, CodeSyntaxError},
		{"select E'abc\\", 12, CodeSyntaxError},
		{"select \"\"", 7, CodeSyntaxError},
		{"select $", 7, CodeSyntaxError},
		{"select $0", 7, CodeSyntaxError},
		{"select E'\\xff'", 14, CodeInvalidByteSequence},
		{"select E'\\u0000'", 9, CodeSyntaxError},
		{"select E'\\uD800'", 9, CodeSyntaxError},
		{"select B'012'", 7, CodeSyntaxError},
	} {
		_, err := Tokenize(tc.in)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Tokenize(%q) = %v, want *SyntaxError", tc.in, err)
			continue
		}
		if se.Pos != tc.pos || se.Code != tc.code {
			t.Errorf("Tokenize(%q): pos %d code %s, want %d %s (%v)", tc.in, se.Pos, se.Code, tc.pos, tc.code, se)
		}
	}
}

func TestSplit(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"select 1; select 2;", []string{"select 1", "select 2"}},
		{";", nil},
		{" ; ;-- only a comment\n; /* c */", nil},
		{"", nil},
		{"select ';'; select $$;$$; select \";\" -- ;\n", []string{"select ';'", "select $$;$$", "select \";\" -- ;"}},
		{"select (1;2)", []string{"select (1", "2)"}},
		{"select /* ; */ 1", []string{"select /* ; */ 1"}},
		{"begin;;commit", []string{"begin", "commit"}},
	} {
		got, err := Split(tc.in)
		if err != nil {
			t.Errorf("Split(%q): %v", tc.in, err)
			continue
		}
		if strings.Join(got, "|") != strings.Join(tc.want, "|") || len(got) != len(tc.want) {
			t.Errorf("Split(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if _, err := Split("select 1; select 'x"); err == nil {
		t.Errorf("Split of an unterminated string: want an error")
	}
}

// FuzzSplit checks that tokenizing and splitting never panic, that token
// positions point at their raw text, and that splitting is stable: each
// statement re-splits to itself.
func FuzzSplit(f *testing.F) {
	for _, s := range []string{
		"select 1; select 2", "E'\\x41\\u00e9'", "$a$ $ $a$", "/* /* */ */", "'a'\n'b'",
		"U&'\\0041'", "select $1::int", "a<-1", "\"q\"\"\"", "--", "$", "1e", "1..2", "B'01'",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, sql string) {
		toks, err := Tokenize(sql)
		if err == nil {
			for _, x := range toks {
				if x.Pos < 0 || x.Pos+len(x.Raw) > len(sql) || sql[x.Pos:x.Pos+len(x.Raw)] != x.Raw {
					t.Fatalf("token %+v does not point into %q", x, sql)
				}
			}
		} else {
			var se *SyntaxError
			if !errors.As(err, &se) || se.Pos < 0 || se.Pos > len(sql) {
				t.Fatalf("Tokenize(%q): bad error %v", sql, err)
			}
		}
		stmts, err := Split(sql)
		if err != nil {
			return
		}
		for _, st := range stmts {
			again, err := Split(st)
			if err != nil || len(again) != 1 || again[0] != st {
				t.Fatalf("Split(%q) not stable: %q %v", st, again, err)
			}
			// Prepare must not panic either.
			_, _ = Prepare(st)
		}
	})
}
