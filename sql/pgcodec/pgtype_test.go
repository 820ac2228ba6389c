package pgcodec

import (
	"bytes"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/persiandb/persiandb/sql/planner"
)

// pgtypeCase is a value as pgx's pgtype represents it, for a type OID.
type pgtypeCase struct {
	oid uint32
	val any // a non-pointer value pgtype can encode and scan into
}

func pgtypeCases() []pgtypeCase {
	var cs []pgtypeCase
	add := func(oid uint32, vals ...any) {
		for _, v := range vals {
			cs = append(cs, pgtypeCase{oid, v})
		}
	}
	num := func(i int64, exp int32) pgtype.Numeric {
		return pgtype.Numeric{Int: big.NewInt(i), Exp: exp, Valid: true}
	}
	bigNum := func(s string, exp int32) pgtype.Numeric {
		n, _ := new(big.Int).SetString(s, 10)
		return pgtype.Numeric{Int: n, Exp: exp, Valid: true}
	}
	utc := func(y int, m time.Month, d, h, mi, s, us int) time.Time {
		return time.Date(y, m, d, h, mi, s, us*1000, time.UTC)
	}
	add(planner.OIDBool, true, false)
	add(planner.OIDInt2, int16(0), int16(math.MinInt16), int16(math.MaxInt16), int16(-1))
	add(planner.OIDInt4, int32(0), int32(math.MinInt32), int32(math.MaxInt32), int32(7))
	add(planner.OIDInt8, int64(0), int64(math.MinInt64), int64(math.MaxInt64), int64(-42))
	add(planner.OIDFloat4, float32(1.5), float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)),
		float32(math.Copysign(0, -1)), float32(math.MaxFloat32), float32(math.SmallestNonzeroFloat32), float32(0.1))
	add(planner.OIDFloat8, 0.1, math.NaN(), math.Inf(1), math.Inf(-1), math.Copysign(0, -1),
		math.MaxFloat64, math.SmallestNonzeroFloat64, -123456.789e-200)
	add(planner.OIDNumeric,
		num(0, 0), num(0, -2), num(150, -2), num(-150, -2), num(1, -16383), num(-1, -1000),
		num(12345678, -3), num(1, -4), num(1, -5), num(123, 5), num(7, 100), num(math.MaxInt64, -7),
		bigNum("123456789012345678901234567890123456789012345678901234567890", -30),
		bigNum("-99999999999999999999999999999999999999", 0),
		pgtype.Numeric{NaN: true, Valid: true},
		pgtype.Numeric{InfinityModifier: pgtype.Infinity, Valid: true},
		pgtype.Numeric{InfinityModifier: pgtype.NegativeInfinity, Valid: true})
	add(planner.OIDText, "", "hello", "héllo wörld ✓ 日本 🎉", "tab\tnewline\nquote'\"back\\slash")
	add(planner.OIDVarchar, "", "varchar ✓")
	add(planner.OIDBpchar, "", "x", "bpchar ✓ ")
	add(planner.OIDBytea, []byte{}, []byte{0, 1, 0xff, '\\', 'x'}, bytes.Repeat([]byte{0xab}, 1000))
	add(planner.OIDDate,
		pgtype.Date{Time: utc(2000, 1, 1, 0, 0, 0, 0), Valid: true},
		pgtype.Date{Time: utc(1999, 12, 31, 0, 0, 0, 0), Valid: true},
		pgtype.Date{Time: utc(-43, 3, 15, 0, 0, 0, 0), Valid: true}, // 44 BC
		pgtype.Date{Time: utc(-4713, 11, 24, 0, 0, 0, 0), Valid: true},
		pgtype.Date{Time: utc(2024, 2, 29, 0, 0, 0, 0), Valid: true},
		pgtype.Date{InfinityModifier: pgtype.Infinity, Valid: true},
		pgtype.Date{InfinityModifier: pgtype.NegativeInfinity, Valid: true})
	add(planner.OIDTimestamp,
		pgtype.Timestamp{Time: utc(2000, 1, 1, 0, 0, 0, 0), Valid: true},
		pgtype.Timestamp{Time: utc(1969, 7, 20, 20, 17, 40, 123456), Valid: true},
		pgtype.Timestamp{Time: utc(0, 1, 1, 0, 0, 0, 1), Valid: true}, // 1 BC
		pgtype.Timestamp{Time: utc(294276, 12, 31, 23, 59, 59, 999999), Valid: true},
		pgtype.Timestamp{InfinityModifier: pgtype.Infinity, Valid: true},
		pgtype.Timestamp{InfinityModifier: pgtype.NegativeInfinity, Valid: true})
	add(planner.OIDTimestampTZ,
		pgtype.Timestamptz{Time: utc(2000, 1, 1, 0, 0, 0, 0), Valid: true},
		pgtype.Timestamptz{Time: utc(2021, 6, 1, 10, 34, 56, 500000), Valid: true},
		pgtype.Timestamptz{Time: utc(1901, 12, 13, 20, 45, 52, 1), Valid: true},
		pgtype.Timestamptz{InfinityModifier: pgtype.Infinity, Valid: true},
		pgtype.Timestamptz{InfinityModifier: pgtype.NegativeInfinity, Valid: true})
	add(planner.OIDInterval,
		pgtype.Interval{Valid: true},
		pgtype.Interval{Months: 14, Days: 3, Microseconds: 14706789000, Valid: true},
		pgtype.Interval{Months: -14, Days: -3, Microseconds: -14706789000, Valid: true},
		pgtype.Interval{Months: 1, Days: -1, Microseconds: 1, Valid: true},
		pgtype.Interval{Months: math.MaxInt32, Days: math.MinInt32 + 1, Microseconds: -1, Valid: true})
	add(planner.OIDUUID,
		pgtype.UUID{Valid: true},
		pgtype.UUID{Bytes: [16]byte{0xa0, 0xee, 0xbc, 0x99, 0x9c, 0x0b, 0x4e, 0xf8, 0xbb, 0x6d, 0x6b, 0xb9, 0xbd, 0x38, 0x0a, 0x11}, Valid: true},
		pgtype.UUID{Bytes: [16]byte{15: 0xff}, Valid: true})
	add(planner.OIDJSON, map[string]any{"a": []any{1.0, "x"}, "b": nil}, []any{})
	add(planner.OIDJSONB, map[string]any{"b": nil, "a": true, "é": "\n"}, []any{1.5, "x", map[string]any{}})
	// Arrays (pgtype's ArrayCodec over each element codec).
	one, seven := int32(1), int32(7)
	add(1007, []int32{}, []int32{1, -2, math.MaxInt32}, []*int32{&one, nil, &seven},
		pgtype.Array[int32]{Elements: []int32{1, 2, 3, 4, 5, 6}, Dims: []pgtype.ArrayDimension{{Length: 2, LowerBound: 1}, {Length: 3, LowerBound: 1}}, Valid: true},
		pgtype.Array[int32]{Elements: []int32{7, 8}, Dims: []pgtype.ArrayDimension{{Length: 2, LowerBound: 0}}, Valid: true})
	add(1000, []bool{true, false})
	add(1005, []int16{math.MinInt16, 0})
	add(1016, []int64{math.MinInt64, math.MaxInt64})
	add(1021, []float32{1.5, float32(math.Inf(-1))})
	add(1022, []float64{0.1, -0.25, math.MaxFloat64})
	add(1231, []pgtype.Numeric{num(150, -2), {NaN: true, Valid: true}})
	add(1009, []string{"", "a b", `x"y`, "NULL", "{}", "back\\slash", "tab\t,comma"})
	add(1015, []string{"varchar ✓"})
	add(1001, [][]byte{{0, 1, 0xff}, {}})
	add(1182, []pgtype.Date{{Time: utc(2024, 2, 29, 0, 0, 0, 0), Valid: true}, {InfinityModifier: pgtype.Infinity, Valid: true}})
	add(1115, []pgtype.Timestamp{{Time: utc(1969, 7, 20, 20, 17, 40, 123456), Valid: true}})
	add(1185, []pgtype.Timestamptz{{Time: utc(2021, 6, 1, 10, 34, 56, 500000), Valid: true}})
	add(1187, []pgtype.Interval{{Months: 14, Days: 3, Microseconds: 14706789000, Valid: true}})
	add(2951, []pgtype.UUID{{Bytes: [16]byte{15: 0xff}, Valid: true}})
	return cs
}

// TestPgtypeRoundTrip encodes each value with pgtype, decodes it here,
// encodes it again here and scans it back with pgtype, in both formats;
// what comes back must equal what went in.
func TestPgtypeRoundTrip(t *testing.T) {
	m := pgtype.NewMap()
	for _, c := range pgtypeCases() {
		typ, ok := planner.TypeByOID(c.oid)
		if !ok {
			t.Fatalf("no type for OID %d", c.oid)
		}
		if !BinaryOK(c.oid) {
			t.Errorf("BinaryOK(%d) = false", c.oid)
		}
		for _, format := range []int16{Binary, Text} {
			name := fmt.Sprintf("%s/%d/%v", typ.Typname(), format, c.val)
			if len(name) > 80 {
				name = name[:80]
			}
			t.Run(name, func(t *testing.T) {
				wire, err := m.Encode(c.oid, format, c.val, nil)
				if err != nil {
					t.Fatalf("pgtype encode: %v", err)
				}
				out := []byte{} // nil would scan as NULL
				if format == Binary {
					v, err := DecodeBinary(wire, typ)
					if err != nil {
						t.Fatalf("DecodeBinary(%x): %v", wire, err)
					}
					if out, err = AppendBinary(out, v, typ); err != nil {
						t.Fatalf("AppendBinary(%v): %v", v, err)
					}
				} else {
					v, err := DecodeText(nil, wire, typ)
					if err != nil {
						t.Fatalf("DecodeText(%q): %v", wire, err)
					}
					out = AppendText(out, v, typ, time.UTC)
				}
				dst := reflect.New(reflect.TypeOf(c.val))
				if err := m.Scan(c.oid, format, out, dst.Interface()); err != nil {
					t.Fatalf("pgtype scan of %q: %v", out, err)
				}
				if got := dst.Elem().Interface(); !pgtypeEqual(c.val, got) {
					t.Errorf("sent %#v as %q, got back %q = %#v", c.val, wire, out, got)
				}
			})
		}
	}
}

// pgtypeEqual compares what went in with what came back: NaNs by bits,
// numerics by value and (when it has one) display scale, times as instants.
func pgtypeEqual(want, got any) bool {
	switch w := want.(type) {
	case float32:
		return math.Float32bits(w) == math.Float32bits(got.(float32)) || (w != w && got.(float32) != got.(float32))
	case float64:
		return math.Float64bits(w) == math.Float64bits(got.(float64)) || (w != w && got.(float64) != got.(float64))
	case []byte:
		return bytes.Equal(w, got.([]byte))
	case pgtype.Numeric:
		return numericEqual(w, got.(pgtype.Numeric))
	case pgtype.Date:
		g := got.(pgtype.Date)
		return w.Valid == g.Valid && w.InfinityModifier == g.InfinityModifier && w.Time.Equal(g.Time)
	case pgtype.Timestamp:
		g := got.(pgtype.Timestamp)
		return w.Valid == g.Valid && w.InfinityModifier == g.InfinityModifier && w.Time.Equal(g.Time)
	case pgtype.Timestamptz:
		g := got.(pgtype.Timestamptz)
		return w.Valid == g.Valid && w.InfinityModifier == g.InfinityModifier && w.Time.Equal(g.Time)
	}
	// Arrays: element by element with the rules above.
	if wv := reflect.ValueOf(want); wv.Kind() == reflect.Slice && wv.Type().Elem().Kind() != reflect.Uint8 {
		gv := reflect.ValueOf(got)
		if gv.Len() != wv.Len() {
			return false
		}
		for i := 0; i < wv.Len(); i++ {
			if !pgtypeEqual(wv.Index(i).Interface(), gv.Index(i).Interface()) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(want, got)
}

func numericEqual(w, g pgtype.Numeric) bool {
	if w.Valid != g.Valid || w.NaN != g.NaN || w.InfinityModifier != g.InfinityModifier {
		return false
	}
	if w.NaN || w.InfinityModifier != pgtype.Finite {
		return true
	}
	// The display scale must survive, but pgtype drops it from a binary zero.
	if w.Exp < 0 && g.Exp != w.Exp && w.Int.Sign() != 0 {
		return false
	}
	return numericRat(w).Cmp(numericRat(g)) == 0
}

func numericRat(n pgtype.Numeric) *big.Rat {
	r := new(big.Rat).SetInt(n.Int)
	p := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(max(n.Exp, -n.Exp))), nil)
	if n.Exp >= 0 {
		return r.Mul(r, new(big.Rat).SetInt(p))
	}
	return r.Quo(r, new(big.Rat).SetInt(p))
}
