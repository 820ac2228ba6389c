package sem

import (
	"testing"

	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/storage"
)

// FuzzJSONInput: json and jsonb input either fails with a coded error or
// gives a value whose text reads back to an equal value, and the
// operators on it never panic.
func FuzzJSONInput(f *testing.F) {
	for _, s := range []string{`{"a":[1,2.50,"x"],"b":{"c":null}}`, `[1,`, `"\u0000"`, `1e999`, `{"a":1,"a":2}`, `  []  `, `"\ud800"`} {
		f.Add(s, "a")
	}
	f.Fuzz(func(t *testing.T, s, key string) {
		for _, typ := range []storage.Type{storage.TypeJSON, storage.TypeJSONB} {
			v, err := ParseText(nil, s, typ)
			if err != nil {
				if pgerr.CodeOf(err) == "" || pgerr.CodeOf(err) == pgerr.InternalError {
					t.Fatalf("%s input %q: uncoded error %v", typ, s, err)
				}
				continue
			}
			text := Format(v, nil)
			if typ == storage.TypeJSON && text != s {
				t.Fatalf("json changed %q to %q", s, text)
			}
			w, err := ParseText(nil, text, typ)
			if err != nil {
				t.Fatalf("%s output %q of %q does not read back: %v", typ, text, s, err)
			}
			if typ == storage.TypeJSONB && storage.Compare(v, w) != 0 {
				t.Fatalf("jsonb %q changed value through %q", s, text)
			}
			_, _ = JSONGet(v, storage.Text(key), true)
			_, _ = JSONGet(v, storage.Int32(-1), false)
			if typ == storage.TypeJSONB {
				_, _ = JSONBContains(v, v)
				_, _ = JSONBExists(v, storage.Text(key))
				_, _ = JSONBConcat(v, v)
				_, _ = JSONBDelete(v, storage.Text(key))
			}
		}
	})
}
