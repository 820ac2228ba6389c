package storage

import "testing"

// json and jsonb rows round-trip their text byte for byte, as a checkpoint
// and recovery need; jsonb keys group equal values of different scale.
func TestJSONRowRoundTrip(t *testing.T) {
	types := []Type{TypeJSON, TypeJSONB, ArrayOf(TypeJSONB)}
	arr, err := Array(TypeJSONB, []ArrayDim{{2, 1}}, []Value{JSONB(`{"a": 1}`), Null()})
	if err != nil {
		t.Fatal(err)
	}
	row := []Value{JSON(`{"b":1,  "a" : [1.50]}`), JSONB(`{"a": [1, "x"], "bb": null}`), arr}
	enc, err := EncodeRow(nil, types, row)
	if err != nil {
		t.Fatal(err)
	}
	out, err := DecodeRow(enc, types, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range row {
		if !identical(out[i], row[i]) {
			t.Errorf("column %d: got %v, want %v", i, out[i], row[i])
		}
	}
	k1 := string(AppendKeyValue(nil, JSONB(`[1.0, {"a": 2.50}]`), KeyColumn{}))
	k2 := string(AppendKeyValue(nil, JSONB(`[1, {"a": 2.5}]`), KeyColumn{}))
	if k1 != k2 || Compare(JSONB(`[1.0, {"a": 2.50}]`), JSONB(`[1, {"a": 2.5}]`)) != 0 {
		t.Errorf("equal jsonb values differ: keys %q %q", k1, k2)
	}
}
