package logictest

import (
	"slices"
	"strconv"
	"testing"
)

func TestRender(t *testing.T) {
	var (
		text  = ColumnType{Type: "text"}
		num   = ColumnType{Type: "numeric"}
		f8    = ColumnType{Type: "float8"}
		i8    = ColumnType{Type: "int8"}
		boolT = ColumnType{Type: "bool"}
	)
	for _, c := range []struct {
		v      Value
		col    ColumnType
		letter byte
		want   string
	}{
		{Null, i8, 'I', "NULL"},
		{Null, text, 'T', "NULL"},
		{Null, f8, 'R', "NULL"},
		{Text(""), text, 'T', "(empty)"},
		{Text("a b"), text, 'T', "a b"},
		{Text("tab\there"), text, 'T', "tab@here"},
		{Text("héllo"), text, 'T', "h@@llo"}, // each byte of é
		{Text("~!"), text, 'T', "~!"},
		{Text("42"), i8, 'T', "42"},
		{Text("-17"), i8, 'I', "-17"},
		{Text("12.7500"), num, 'I', "12"}, // truncation, not rounding
		{Text("-12.75"), num, 'I', "-12"}, // toward zero
		{Text("1e+20"), f8, 'I', "9223372036854775807"},
		{Text("NaN"), f8, 'I', "0"},
		{Text("12abc"), text, 'I', "12"}, // numeric prefix, as SQLite
		{Text("abc"), text, 'I', "0"},
		{Text("t"), boolT, 'I', "1"},
		{Text("f"), boolT, 'I', "0"},
		{Text("t"), boolT, 'R', "1.000"},
		{Text("3"), i8, 'R', "3.000"},
		{Text("2.0005"), num, 'R', "2.001"}, // the nearest double is just above
		{Text("0.1235"), num, 'R', "0.123"}, // the nearest double is just below, as C's printf sees it
		{Text("-0.0001"), f8, 'R', "-0.000"},
		{Text("Infinity"), f8, 'R', "Inf"},
		{Text("-Infinity"), f8, 'R', "-Inf"},
		{Text("1.5e3x"), text, 'R', "1500.000"},
	} {
		if got := Render(c.v, c.col, c.letter); got != c.want {
			t.Errorf("Render(%+v, %s, %c) = %q, want %q", c.v, c.col.Type, c.letter, got, c.want)
		}
	}
}

// TestHashCorpus checks the md5 against a hash from SQLite's corpus.
func TestHashCorpus(t *testing.T) {
	var rows [][]Value
	for _, v := range select1Values { // in the query's ORDER BY 1 order
		rows = append(rows, []Value{Text(strconv.Itoa(v))})
	}
	r, err := RenderResult("I", NoSort, []ColumnType{{Type: "int4"}}, rows)
	if err != nil {
		t.Fatal(err)
	}
	const want = "30 values hashing to 3c13dee48d9356ae19af2515e05e6b54"
	if got := r.HashLine(); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if ok, _ := r.Match([]string{want}, 8); !ok {
		t.Error("Match rejects the corpus hash")
	}
	if ok, _ := r.Match([]string{want}, 0); !ok {
		t.Error("Match rejects a hash line with hashing off")
	}
	if r.Hashed(30) || !r.Hashed(29) || r.Hashed(0) {
		t.Error("Hashed: threshold is exclusive, 0 is off")
	}
}

func TestSortModes(t *testing.T) {
	cols := []ColumnType{{Type: "int4"}, {Type: "text"}}
	rows := [][]Value{{Text("10"), Text("b")}, {Text("9"), Null}, {Text("10"), Text("a")}}
	for _, c := range []struct {
		mode SortMode
		want []string
	}{
		{NoSort, []string{"10", "b", "9", "NULL", "10", "a"}},
		{RowSort, []string{"10", "a", "10", "b", "9", "NULL"}},
		{ValueSort, []string{"10", "10", "9", "NULL", "a", "b"}},
	} {
		r, err := RenderResult("IT", c.mode, cols, rows)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(r.Values, c.want) {
			t.Errorf("%s: %q, want %q", c.mode, r.Values, c.want)
		}
	}
}

func TestMatchByRow(t *testing.T) {
	r, _ := RenderResult("IT", RowSort, []ColumnType{{}, {}},
		[][]Value{{Text("1"), Text("x")}, {Text("22"), Text("")}})
	if ok, form := r.Match([]string{"1  x", "22 (empty)"}, 0); !ok || form != FormRows {
		t.Errorf("row form: ok %v form %v", ok, form)
	}
	if ok, form := r.Match([]string{"1", "x", "22", "(empty)"}, 0); !ok || form != FormValues {
		t.Errorf("value form: ok %v form %v", ok, form)
	}
	if ok, form := r.Match([]string{"1", "x", "22", "(empty)"}, 3); ok || form != FormHash {
		t.Errorf("over the threshold: ok %v form %v", ok, form)
	}
	if ok, _ := r.Match([]string{"1 x", "22 y"}, 0); ok {
		t.Error("row form matched a wrong value")
	}
	if got := r.Lines(FormRows); !slices.Equal(got, []string{"1  x", "22 (empty)"}) {
		t.Errorf("aligned rows %q", got)
	}
}
