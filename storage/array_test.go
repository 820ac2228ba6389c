package storage

import (
	"bytes"
	"errors"
	"testing"
)

func arr(t *testing.T, elem Type, dims []ArrayDim, elems ...Value) Value {
	t.Helper()
	v, err := Array(elem, dims, elems)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func d1(n int32) []ArrayDim { return []ArrayDim{{Len: n, Lower: 1}} }

// sortedInt4Arrays is in the order PostgreSQL 15 gives for
// SELECT a FROM (VALUES ('{}'::int[]), ...) v(a) ORDER BY a.
func sortedInt4Arrays(t *testing.T) ([]Value, []string) {
	i := func(x int32) Value { return Int32(x) }
	vals := []Value{
		EmptyArray(TypeInt32),
		arr(t, TypeInt32, d1(2), i(-5), i(7)),
		arr(t, TypeInt32, d1(1), i(1)),
		arr(t, TypeInt32, []ArrayDim{{Len: 2, Lower: 0}}, i(1), i(2)),
		arr(t, TypeInt32, d1(2), i(1), i(2)),
		arr(t, TypeInt32, []ArrayDim{{1, 1}, {2, 1}}, i(1), i(2)),
		arr(t, TypeInt32, []ArrayDim{{2, 1}, {1, 1}}, i(1), i(2)),
		arr(t, TypeInt32, d1(3), i(1), i(2), i(3)),
		arr(t, TypeInt32, d1(2), i(1), Null()),
		arr(t, TypeInt32, d1(1), i(2)),
		arr(t, TypeInt32, d1(1), Null()),
	}
	text := []string{"{}", "{-5,7}", "{1}", "[0:1]={1,2}", "{1,2}", "{{1,2}}", "{{1},{2}}", "{1,2,3}", "{1,NULL}", "{2}", "{NULL}"}
	return vals, text
}

func TestArrayOrderMatchesPostgres(t *testing.T) {
	vals, text := sortedInt4Arrays(t)
	for i, v := range vals {
		if got := v.String(); got != text[i] {
			t.Errorf("String #%d = %s, want %s", i, got, text[i])
		}
		for j, w := range vals {
			want := cmpInt(i, j)
			if got := Compare(v, w); got != want {
				t.Errorf("Compare(%s, %s) = %d, want %d", v, w, got, want)
			}
			for _, col := range []KeyColumn{{}, {Desc: true, NullsFirst: true}} {
				kv := AppendKeyValue(nil, v, col)
				kw := AppendKeyValue(nil, w, col)
				kwant := want
				if col.Desc {
					kwant = -want
				}
				if got := bytes.Compare(kv, kw); got != kwant {
					t.Errorf("key order %v of %s, %s = %d, want %d", col, v, w, got, kwant)
				}
			}
		}
	}
}

func TestArrayRoundTrip(t *testing.T) {
	vals, _ := sortedInt4Arrays(t)
	more := []Value{
		arr(t, TypeText, d1(4), Text("a b"), Null(), Text(`x"y`), Text("")),
		arr(t, TypeNumeric, []ArrayDim{{2, -3}, {2, 5}}, mustNumeric(t, "1.50"), Null(), mustNumeric(t, "-2"), mustNumeric(t, "NaN")),
		arr(t, TypeBytea, d1(2), Bytea([]byte{0, 1}), Bytea(nil)),
		arr(t, TypeBool, d1(3), Bool(true), Bool(false), Null()),
		arr(t, TypeInterval, d1(1), Interval(1, 2, 3)),
		arr(t, TypeUUID, d1(1), UUID([16]byte{1, 2, 3})),
		arr(t, TypeFloat64, d1(2), Float64(1.5), Float64(-0.25)),
		arr(t, TypeTimestampTZ, d1(1), TimestampTZ(12345)),
	}
	for _, v := range append(vals, more...) {
		types := []Type{TypeInt32, v.Type(), TypeText}
		row, err := EncodeRow(nil, types, []Value{Int32(1), v, Text("t")})
		if err != nil {
			t.Fatal(err)
		}
		got, err := DecodeRow(row, types, nil)
		if err != nil {
			t.Fatalf("%s: %v", v, err)
		}
		if got[1] != v || got[1].String() != v.String() {
			t.Errorf("row round trip of %s gave %s", v, got[1])
		}
		if c, err := DecodeColumn(row, types, 2); err != nil || c.AsString() != "t" {
			t.Errorf("DecodeColumn after %s: %v %v", v, c, err)
		}
		for _, col := range []KeyColumn{{}, {Desc: true}} {
			key := AppendKeyValue(nil, v, col)
			kv, rest, err := DecodeKey(key, []KeyColumn{col}, []Type{v.Type()}, nil)
			if err != nil || len(rest) != 0 {
				t.Fatalf("DecodeKey(%s): %v, %d left", v, err, len(rest))
			}
			if Compare(kv[0], v) != 0 {
				t.Errorf("key round trip of %s gave %s", v, kv[0])
			}
		}
		// Every truncation is an error, never a panic.
		for n := 0; n < len(row); n++ {
			if _, err := DecodeRow(row[:n], types, nil); err == nil {
				t.Errorf("%s: truncated row of %d bytes decoded", v, n)
			}
		}
	}
}

func TestArrayTypes(t *testing.T) {
	for _, c := range []struct {
		t    Type
		name string
	}{{ArrayOf(TypeInt32), "integer[]"}, {ArrayOf(TypeText), "text[]"}, {ArrayOf(TypeTimestamp), "timestamp without time zone[]"}} {
		if got := c.t.String(); got != c.name {
			t.Errorf("%d: %s, want %s", c.t, got, c.name)
		}
		if !validColumnType(c.t) || !c.t.IsArray() || c.t.Elem().IsArray() {
			t.Errorf("%s: not a valid array type", c.name)
		}
	}
	if validColumnType(ArrayOf(TypeNull)) || validColumnType(ArrayOf(numTypes)) {
		t.Error("invalid array element types accepted")
	}
	// An int8[] value is not silently stored in an int4[] column.
	v := arr(t, TypeInt64, d1(1), Int64(1))
	if _, err := EncodeRow(nil, []Type{ArrayOf(TypeInt32)}, []Value{v}); !errors.Is(err, ErrTypeMismatch) {
		t.Errorf("int8[] in int4[] column: %v", err)
	}
	if _, err := Array(TypeInt32, d1(2), []Value{Int32(1)}); err == nil {
		t.Error("2 dims, 1 element accepted")
	}
}

func mustNumeric(t *testing.T, s string) Value {
	v, err := NumericFromString(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
