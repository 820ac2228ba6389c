package storage

// json and jsonb values keep their JSON text in s. A json value holds its
// input exactly as given (Postgres's json does too); a jsonb value holds
// the text jsonb.Format prints for its normalized tree, so printing it is
// free and equal values mostly have equal text. Comparison and the key
// encoding parse the text again: correct first, and jsonb columns cannot
// be index keys (the key encoding groups equal values but does not follow
// jsonb's order).

import "github.com/persiandb/persiandb/storage/jsonb"

// JSON returns a json value of text, which the caller has validated.
func JSON(text string) Value { return Value{typ: TypeJSON, s: text} }

// JSONB returns a jsonb value of normalized text (jsonb.Format of a
// normalized tree), which the caller guarantees.
func JSONB(text string) Value { return Value{typ: TypeJSONB, s: text} }

// AsJSONText returns the text of a json or jsonb value.
func (v Value) AsJSONText() string {
	if v.typ != TypeJSON {
		v.mustBe(famJSONB, "AsJSONText")
	}
	return v.s
}

// mustParseJSONB parses a stored jsonb text; its writers guarantee it is
// valid, so a failure is corruption, reported by a null node that still
// orders deterministically.
func mustParseJSONB(s string) *jsonb.Node {
	n, err := jsonb.Parse(s, true)
	if err != nil {
		return jsonb.NewNull()
	}
	return n
}

func compareJSONB(a, b Value) int {
	if a.s == b.s {
		return 0
	}
	return jsonb.CompareTop(mustParseJSONB(a.s), mustParseJSONB(b.s))
}

// jsonbEqualKey is equal for jsonb values exactly when compareJSONB says
// they are equal; only numbers with different scales differ in text.
func jsonbEqualKey(v Value) string {
	return jsonb.EqualKey(mustParseJSONB(v.s))
}
