package pgcodec

import (
	"bytes"
	"sort"
	"testing"
	"time"

	"github.com/cockroachdb/apd/v3"
	"github.com/persiandb/persiandb/sql/planner"
	"github.com/persiandb/persiandb/storage"
)

// fuzzTypes are the types FuzzDecodeBinary picks from by index.
var fuzzTypes = func() []string {
	names := make([]string, 0, len(typeOIDs))
	for n := range typeOIDs {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}()

// FuzzDecodeBinary feeds arbitrary bytes to DecodeBinary for every type.
// It must never panic, and whatever it accepts must re-encode to bytes
// that decode to an equal value and re-encode to themselves; fixed-width
// types (but bool, where any non-zero byte is true) and strings must come
// back byte for byte.
func FuzzDecodeBinary(f *testing.F) {
	for _, g := range readGolden(f) {
		for i, n := range fuzzTypes {
			if n == g.typ {
				f.Add(uint8(i), g.send)
			}
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, src []byte) {
		typ := typeNamed(t, fuzzTypes[int(which)%len(fuzzTypes)])
		v, err := DecodeBinary(src, typ)
		if err != nil {
			return
		}
		wire, err := AppendBinary(nil, v, typ)
		if err != nil {
			t.Fatalf("AppendBinary of accepted %s %x: %v", typ.Name, src, err)
		}
		again, err := DecodeBinary(wire, typ)
		if err != nil {
			t.Fatalf("DecodeBinary of re-encoded %s %x: %v", typ.Name, wire, err)
		}
		if storage.Compare(v, again) != 0 {
			t.Fatalf("%s %x decodes to %.200s but its re-encoding %.200x to %.200s", typ.Name, src, v, wire, again)
		}
		if wire2, _ := AppendBinary(nil, again, typ); !bytes.Equal(wire, wire2) {
			t.Fatalf("%s %x: re-encoding is not a fixed point: %.200x then %.200x", typ.Name, src, wire, wire2)
		}
		// Arrays: array_recv accepts the has-nulls flag whatever the
		// elements; their numerics and booleans normalize too.
		if typ.T != storage.TypeNumeric && typ.T != storage.TypeBool && !typ.IsArray() && !bytes.Equal(src, wire) {
			t.Fatalf("%s %x re-encodes as %.200x", typ.Name, src, wire)
		}
		// Text output must not panic either, and must read back.
		text := AppendText(nil, v, typ, time.UTC)
		if _, err := DecodeText(nil, text, planner.TypeOf(typ.T)); err != nil && !textUnreadable(typ, v) {
			t.Fatalf("%s %x prints %.200q (%d bytes), which does not read back: %v", typ.Name, src, text, len(text), err)
		}
	})
}

// textUnreadable reports values whose text form sem.ParseText rejects
// although Postgres reads it (see textInputDeviations): intervals at the
// edges of their fields, and numerics with more integer digits than apd's
// default exponent limit.
func textUnreadable(typ planner.Type, v storage.Value) bool {
	switch typ.T {
	case storage.TypeInterval:
		months, days, us := v.AsInterval()
		const edge = 9.2e18
		return months == -1<<31 || days == -1<<31 || us >= edge || us <= -edge
	case storage.TypeNumeric:
		d := v.AsNumeric()
		return d.Form == apd.Finite && d.NumDigits()+int64(d.Exponent) > apd.MaxExponent
	}
	return false
}
