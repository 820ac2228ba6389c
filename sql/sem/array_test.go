package sem

import (
	"testing"

	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/storage"
)

// arrayParseCases were produced by running SELECT 'in'::type[] on
// PostgreSQL 15.18: out is psql's output, or code, msg and detail the
// error's SQLSTATE, message and DETAIL.
var arrayParseCases = []struct {
	elem              storage.Type
	in, out           string
	code, msg, detail string
}{
	{storage.TypeInt32, "{1,2,3}", "{1,2,3}", "", "", ""},
	{storage.TypeInt32, "{{1,2},{3,4}}", "{{1,2},{3,4}}", "", "", ""},
	{storage.TypeInt32, "[0:1]={1,2}", "[0:1]={1,2}", "", "", ""},
	{storage.TypeInt32, " { 1 , 2 } ", "{1,2}", "", "", ""},
	{storage.TypeInt32, "{}", "{}", "", "", ""},
	{storage.TypeInt32, "{ }", "{}", "", "", ""},
	{storage.TypeInt32, "{1,NULL}", "{1,NULL}", "", "", ""},
	{storage.TypeText, `{"a b",NULL,"x\"y"}`, `{"a b",NULL,"x\"y"}`, "", "", ""},
	{storage.TypeText, `{"a b",NULL,"","x\"y","NULL",null,"\\"}`, `{"a b",NULL,"","x\"y","NULL",NULL,"\\"}`, "", "", ""},
	{storage.TypeText, "{1 2}", `{"1 2"}`, "", "", ""},
	{storage.TypeText, "{ a b ,c}", `{"a b",c}`, "", "", ""},
	{storage.TypeText, `{NULL,"NULL",null,nULL}`, `{NULL,"NULL",NULL,NULL}`, "", "", ""},
	{storage.TypeText, `{"",a}`, `{"",a}`, "", "", ""},
	{storage.TypeText, `{\,x}`, `{",x"}`, "", "", ""},
	{storage.TypeNumeric, "{{1.5,2},{3,4}}", "{{1.5,2},{3,4}}", "", "", ""},
	{storage.TypeTimestamp, `{"2020-01-01 10:00"}`, `{"2020-01-01 10:00:00"}`, "", "", ""},
	{storage.TypeBytea, `{\\x00ff}`, `{"\\x00ff"}`, "", "", ""},
	{storage.TypeBool, "{t,f}", "{t,f}", "", "", ""},
	{storage.TypeInt32, "{a}", "", "22P02", `invalid input syntax for type integer: "a"`, ""},
	{storage.TypeText, "1,2", "", "22P02", `malformed array literal: "1,2"`, `Array value must start with "{" or dimension information.`},
	{storage.TypeText, "{1,2", "", "22P02", `malformed array literal: "{1,2"`, "Unexpected end of input."},
	{storage.TypeText, "{1,2}x", "", "22P02", `malformed array literal: "{1,2}x"`, "Junk after closing right brace."},
	{storage.TypeText, "{{1,2},{3}}", "", "22P02", `malformed array literal: "{{1,2},{3}}"`, "Multidimensional arrays must have sub-arrays with matching dimensions."},
	{storage.TypeText, "{{1,2},3}", "", "22P02", `malformed array literal: "{{1,2},3}"`, "Unexpected array element."},
	{storage.TypeText, "{1,{2}}", "", "22P02", `malformed array literal: "{1,{2}}"`, `Unexpected "{" character.`},
	{storage.TypeText, "{1,,2}", "", "22P02", `malformed array literal: "{1,,2}"`, `Unexpected "," character.`},
	{storage.TypeText, "{,}", "", "22P02", `malformed array literal: "{,}"`, `Unexpected "," character.`},
	{storage.TypeText, "[1:2]{1,2}", "", "22P02", `malformed array literal: "[1:2]{1,2}"`, `Missing "=" after array dimensions.`},
	{storage.TypeText, "[1:3]={1,2}", "", "22P02", `malformed array literal: "[1:3]={1,2}"`, "Specified array dimensions do not match array contents."},
	{storage.TypeText, "[1:2={1,2}", "", "22P02", `malformed array literal: "[1:2={1,2}"`, `Missing "]" after array dimensions.`},
	{storage.TypeText, `{"a}`, "", "22P02", `malformed array literal: "{"a}"`, "Unexpected end of input."},
	{storage.TypeText, `{a"b}`, "", "22P02", `malformed array literal: "{a"b}"`, "Unexpected array element."},
	{storage.TypeText, "[", "", "22P02", `malformed array literal: "["`, `"[" must introduce explicitly-specified array dimensions.`},
	{storage.TypeText, "{{},{}}", "", "22P02", `malformed array literal: "{{},{}}"`, `Unexpected "}" character.`},
	{storage.TypeText, "{{1},{}}", "", "22P02", `malformed array literal: "{{1},{}}"`, `Unexpected "}" character.`},
	{storage.TypeText, "{{{{{{{1}}}}}}}", "", "54000", "number of array dimensions (7) exceeds the maximum allowed (6)", ""},
}

func TestParseArray(t *testing.T) {
	for _, c := range arrayParseCases {
		v, err := ParseText(nil, c.in, storage.ArrayOf(c.elem))
		if c.code != "" {
			e := pgerr.As(err)
			if e == nil || string(e.Code) != c.code || e.Message != c.msg || e.Detail != c.detail {
				t.Errorf("%s[] %q: got %v (%+v), want %s %s / %s", c.elem, c.in, v, e, c.code, c.msg, c.detail)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s[] %q: %v", c.elem, c.in, err)
			continue
		}
		if got := Format(v, nil); got != c.out {
			t.Errorf("%s[] %q: %s, want %s", c.elem, c.in, got, c.out)
		}
		// The output reads back as the same value.
		w, err := ParseText(nil, c.out, v.Type())
		if err != nil || storage.Compare(v, w) != 0 {
			t.Errorf("%s[] %q: output %s reads back as %v, %v", c.elem, c.in, c.out, w, err)
		}
	}
}

func arrayLit(t *testing.T, s string) storage.Value {
	t.Helper()
	v, err := ParseText(nil, s, storage.ArrayOf(storage.TypeInt32))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestArrayFuncs checks results recorded from PostgreSQL 15.18.
func TestArrayFuncs(t *testing.T) {
	check := func(what string, v storage.Value, err error, want string) {
		t.Helper()
		got := Format(v, nil)
		if v.IsNull() {
			got = "NULL"
		}
		if err != nil {
			got = "ERROR " + string(pgerr.CodeOf(err)) + " " + err.Error()
			if e := pgerr.As(err); e != nil && e.Detail != "" {
				got += " / " + e.Detail
			}
		}
		if got != want {
			t.Errorf("%s = %s, want %s", what, got, want)
		}
	}
	a := func(s string) storage.Value { return arrayLit(t, s) }
	v, err := ArrayPrepend(storage.TypeInt32, storage.Int32(0), a("[5:6]={1,2}"))
	check("array_prepend(0, '[5:6]={1,2}')", v, err, "[5:7]={0,1,2}")
	v, err = ArrayAppend(storage.TypeInt32, a("{{1}}"), storage.Int32(2))
	check("array_append('{{1}}', 2)", v, err, "ERROR 22000 argument must be empty or one-dimensional array")
	v, err = ArrayReplace(nil, a("[3:5]={1,2,3}"), storage.Int32(2), storage.Null(), true)
	check("array_remove('[3:5]={1,2,3}', 2)", v, err, "[3:4]={1,3}")
	v, err = ArrayReplace(nil, a("{1}"), storage.Int32(1), storage.Null(), true)
	check("array_remove('{1}', 1)", v, err, "{}")
	v, err = ArrayCat(a("{{1,2}}"), a("{3}"))
	check("array_cat('{{1,2}}', '{3}')", v, err, "ERROR 2202E cannot concatenate incompatible arrays / Arrays with differing dimensions are not compatible for concatenation.")
	v, err = ArrayCat(a("{3,4}"), a("{{1,2}}"))
	check("array_cat('{3,4}', '{{1,2}}')", v, err, "{{3,4},{1,2}}")
	v, err = ArrayCat(a("[2:3]={3,4}"), a("[7:7]={1}"))
	check("array_cat('[2:3]={3,4}', '[7:7]={1}')", v, err, "[2:4]={3,4,1}")
	v, err = ArrayCat(a("{{1,2}}"), a("{{3}}"))
	check("array_cat('{{1,2}}', '{{3}}')", v, err, "ERROR 2202E cannot concatenate incompatible arrays / Arrays with differing element dimensions are not compatible for concatenation.")
	check("'{1,2,3}'[2:]", ArraySlice(a("{1,2,3}"), []SliceBound{{Lo: storage.Int32(2), NoHi: true}}), nil, "{2,3}")
	check("'{{1,2},{3,4}}'[1:2][2]", ArraySlice(a("{{1,2},{3,4}}"), []SliceBound{{Lo: storage.Int32(1), Hi: storage.Int32(2)}, {Plain: true, Hi: storage.Int32(2)}}), nil, "{{1,2},{3,4}}")
	check("'[3:5]={1,2,3}'[4:9]", ArraySlice(a("[3:5]={1,2,3}"), []SliceBound{{Lo: storage.Int32(4), Hi: storage.Int32(9)}}), nil, "{2,3}")
	check("'{{1,2},{3,4}}'[2]", ArraySubscript(a("{{1,2},{3,4}}"), []storage.Value{storage.Int32(2)}), nil, "NULL")
	check("'{{1,2},{3,4}}'[2][1]", ArraySubscript(a("{{1,2},{3,4}}"), []storage.Value{storage.Int32(2), storage.Int32(1)}), nil, "3")
	v, err = ArrayPositions(nil, a("{1,NULL,1}"), storage.Null(), 0, false, true)
	check("array_positions('{1,NULL,1}', NULL)", v, err, "{2}")
	v, err = ArrayPositions(nil, a("{1,2,1}"), storage.Int32(1), 2, true, false)
	check("array_position('{1,2,1}', 1, 2)", v, err, "3")
	check("array_to_string('{1,NULL,3}', ',', '*')", ArrayToString(nil, a("{1,NULL,3}"), ",", "*", true), nil, "1,*,3")
	v, err = StringToArray("a,*,b", storage.Text(","), storage.Text("*"))
	check("string_to_array('a,*,b', ',', '*')", v, err, "{a,NULL,b}")
	v, err = StringToArray("abc", storage.Null(), storage.Null())
	check("string_to_array('abc', NULL)", v, err, "{a,b,c}")
	check("array_dims('[2:3]={1,2}')", ArrayDimsText(a("[2:3]={1,2}")), nil, "[2:3]")
	ok, err := ArrayContains(nil, a("{1,2}"), a("{NULL}"))
	check("'{1,2}' @> '{NULL}'", storage.Bool(ok), err, "f")
	ok, err = ArrayContains(nil, a("{2,1,3}"), a("{1,2}"))
	check("'{1,2}' <@ '{2,1,3}'", storage.Bool(ok), err, "t")
	// UPDATE z SET a[i] = v, from the same server.
	set := func(arr storage.Value, v int32, subs ...int64) (storage.Value, error) {
		ss := make([]storage.Value, len(subs))
		for i, s := range subs {
			ss[i] = storage.Int32(int32(s))
		}
		return ArraySetElement(storage.TypeInt32, arr, ss, storage.Int32(v))
	}
	v, err = set(a("{1,2}"), 9, 4)
	check("'{1,2}'[4] := 9", v, err, "{1,2,NULL,9}")
	v, err = set(a("{1,2,NULL,9}"), 0, -1)
	check("'{1,2,NULL,9}'[-1] := 0", v, err, "[-1:4]={0,NULL,1,2,NULL,9}")
	v, err = set(storage.Null(), 5, 2)
	check("NULL[2] := 5", v, err, "[2:2]={5}")
	v, err = set(storage.Null(), 7, 1, 1)
	check("NULL[1][1] := 7", v, err, "{{7}}")
	v, err = set(a("{{1,2},{3,4}}"), 1, 3, 1)
	check("'{{1,2},{3,4}}'[3][1] := 1", v, err, "ERROR 2202E array subscript out of range")
	v, err = set(a("{1,2}"), 1, 1, 1)
	check("'{1,2}'[1][1] := 1", v, err, "ERROR 2202E wrong number of array subscripts")
	v, err = ArraySetElement(storage.TypeInt32, a("{1}"), []storage.Value{storage.Null()}, storage.Int32(1))
	check("'{1}'[NULL] := 1", v, err, "ERROR 22004 array subscript in assignment must not be null")
	v, err = ArrayConstruct(storage.TypeInt32, []storage.Value{a("{1,2}"), a("{3}")}, true)
	check("ARRAY[ARRAY[1,2],ARRAY[3]]", v, err, "ERROR 2202E multidimensional arrays must have array expressions with matching dimensions")
}
