package jsonb

import (
	"strings"
	"testing"
)

// The expected texts and orders below are PostgreSQL 15's (x::jsonb::text
// and a::jsonb < b::jsonb).

func TestNormalize(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{"b":1,"a":2,"aa":[1.50, -0, 1e3, 2E-2]}`, `{"a": 2, "b": 1, "aa": [1.50, 0, 1000, 0.02]}`},
		{`"\u00e9\ud83d\ude00\\\"\/\b\f\n\r\t\u001f"`, `"é😀\\\"/\b\f\n\r\t\u001f"`},
		{`  [ ]  `, `[]`},
		{`{"a":1,"a":{"c":1,"b":2}}`, `{"a": {"b": 2, "c": 1}}`},
		{`-1.0e+2`, `-100`},
		{`1.50e1`, `15.0`},
		{`[true,false,null]`, `[true, false, null]`},
		{`{"":0,"~":1,"ab":2,"b":3}`, `{"": 0, "b": 3, "~": 1, "ab": 2}`},
	} {
		n, err := Parse(tc.in, true)
		if err != nil {
			t.Errorf("Parse(%s): %v", tc.in, err)
			continue
		}
		if got := Format(Normalize(n)); got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.in, got, tc.want)
		}
		if n.Raw != strings.Trim(tc.in, " ") {
			t.Errorf("%s: Raw %q", tc.in, n.Raw)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ in, detail string }{
		{`x`, `Token "x" is invalid.`},
		{`{"a" 1}`, `Expected ":", but found "1".`},
		{``, `The input string ended unexpectedly.`},
		{`[1,]`, `Expected JSON value, but found "]".`},
		{`01`, `Token "01" is invalid.`},
		{`{"a":1} x`, `Expected end of input, but found "x".`},
		{`"a`, `Token ""a" is invalid.`},
		{"\"\x01\"", `Character with value 0x01 must be escaped.`},
		{`"\x"`, `Escape sequence "\x" is invalid.`},
		{`"\ude00"`, `Unicode low surrogate must follow a high surrogate.`},
	} {
		_, err := Parse(tc.in, true)
		se, ok := err.(*SyntaxError)
		if !ok {
			t.Errorf("Parse(%q) = %v, want a SyntaxError", tc.in, err)
			continue
		}
		if se.Detail != tc.detail {
			t.Errorf("Parse(%q) detail %q, want %q", tc.in, se.Detail, tc.detail)
		}
	}
	if _, err := Parse(`"\u0000"`, true); err == nil || !err.(*SyntaxError).NulEscape {
		t.Errorf(`jsonb accepted \u0000: %v`, err)
	}
	for _, s := range []string{`1e131072`, `1e-16384`, `0e-99999999999`, `[1e999999999999]`} {
		if _, err := Parse(s, true); err == nil || !err.(*SyntaxError).Overflow {
			t.Errorf("jsonb accepted %s: %v", s, err)
		}
		if _, err := Parse(s, false); err != nil {
			t.Errorf("json rejected %s: %v", s, err)
		}
	}
	if _, err := Parse(`"\u0000"`, false); err != nil {
		t.Errorf(`json rejected \u0000: %v`, err)
	}
}

func mustNorm(t *testing.T, s string) *Node {
	t.Helper()
	n, err := Parse(s, true)
	if err != nil {
		t.Fatalf("Parse(%s): %v", s, err)
	}
	return Normalize(n)
}

func TestCompare(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{`{"b":1}`, `{"aa":1}`, 1},
		{`{"a":1,"b":1}`, `{"c":1}`, 1},
		{`[1,2]`, `[3]`, 1},
		{`[]`, `1`, -1},
		{`[]`, `null`, -1},
		{`[0]`, `1`, 1},
		{`true`, `[]`, 1},
		{`"b"`, `1`, -1},
		{`null`, `""`, -1},
		{`1.0`, `1`, 0},
		{`false`, `true`, -1},
		{`{"a":[1]}`, `{"a":[1,2]}`, -1},
		{`"ab"`, `"b"`, -1},
		{`{"a":1,"b":2}`, `{"b":2,"a":1.00}`, 0},
	} {
		a, b := mustNorm(t, tc.a), mustNorm(t, tc.b)
		if got := CompareTop(a, b); got != tc.want {
			t.Errorf("CompareTop(%s, %s) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
		if got := CompareTop(b, a); got != -tc.want {
			t.Errorf("CompareTop(%s, %s) = %d, want %d", tc.b, tc.a, got, -tc.want)
		}
		if eq := EqualKey(a) == EqualKey(b); eq != (tc.want == 0) {
			t.Errorf("EqualKey(%s) == EqualKey(%s) is %v", tc.a, tc.b, eq)
		}
	}
}

func TestContainsExists(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{`{"a":1,"b":{"c":2}}`, `{"b":{}}`, true},
		{`[1,2,[3]]`, `[[3],1,1]`, true},
		{`[1,2]`, `1`, true},
		{`1`, `[1]`, false},
		{`[[1,2]]`, `[1]`, false},
		{`{"a":[1,2,3]}`, `{"a":[3]}`, true},
		{`{"a":1}`, `{"a":1,"b":2}`, false},
		{`"a"`, `"a"`, true},
	} {
		if got := Contains(mustNorm(t, tc.a), mustNorm(t, tc.b)); got != tc.want {
			t.Errorf("%s @> %s = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
	if !Exists(mustNorm(t, `["a",1]`), "a") || Exists(mustNorm(t, `["a",1]`), "1") || !Exists(mustNorm(t, `{"k":null}`), "k") {
		t.Error("Exists")
	}
}

func TestPretty(t *testing.T) {
	want := "{\n    \"a\": [\n        1,\n        {\n            \"b\": [\n            ]\n        }\n    ],\n    \"c\": {\n    }\n}"
	if got := FormatPretty(mustNorm(t, `{"a":[1,{"b":[]}],"c":{}}`)); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// FuzzParse: any input either fails with a SyntaxError or parses to a
// tree whose normalized text parses back to itself; nothing panics.
func FuzzParse(f *testing.F) {
	for _, s := range []string{`{"a":[1,2.5e3,"x\u00e9"],"b":null}`, `[`, `"\ud83d\ude00"`, `-0.0e-0`, `{"a":1,"a":2}`, strings.Repeat("[", 100)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, forJSONB := range []bool{false, true} {
			n, err := Parse(s, forJSONB)
			if err != nil {
				if _, ok := err.(*SyntaxError); !ok {
					t.Fatalf("Parse(%q) error %T", s, err)
				}
				continue
			}
			text := Format(Normalize(n))
			m, err := Parse(text, false)
			if err != nil {
				t.Fatalf("normalized %q of %q does not parse: %v", text, s, err)
			}
			if again := Format(Normalize(m)); again != text {
				t.Fatalf("normalizing %q twice: %q then %q", s, text, again)
			}
			if CompareTop(Normalize(n), Normalize(m)) != 0 {
				t.Fatalf("%q changed value through its text", s)
			}
		}
	})
}
