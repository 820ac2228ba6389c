package storage

import (
	"bytes"
	"encoding/hex"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/cockroachdb/apd/v3"
)

// compareTuples is the reference order that key encodings must reproduce.
func compareTuples(a, b []Value, cols []KeyColumn) int {
	for i := range a {
		var col KeyColumn
		if cols != nil {
			col = cols[i]
		}
		an, bn := a[i].IsNull(), b[i].IsNull()
		var c int
		switch {
		case an && bn:
		case an != bn:
			// NULLS LAST unless asked otherwise, whatever the direction.
			c = 1
			if bn {
				c = -1
			}
			if col.NullsFirst {
				c = -c
			}
		default:
			c = Compare(a[i], b[i])
			if col.Desc {
				c = -c
			}
		}
		if c != 0 {
			return c
		}
	}
	return 0
}

// retype returns a value equal to v under Compare but with another type
// of its family or another representation, when one exists: the key
// encoding must not tell them apart.
func retype(r *rand.Rand, v Value) Value {
	switch v.typ {
	case TypeInt16, TypeInt32, TypeInt64:
		switch x := v.i; r.IntN(3) {
		case 0:
			if x == int64(int16(x)) {
				return Int16(int16(x))
			}
		case 1:
			if x == int64(int32(x)) {
				return Int32(int32(x))
			}
		default:
			return Int64(x)
		}
	case TypeFloat32:
		f := v.AsFloat64()
		if f == 0 {
			f = math.Copysign(0, -math.Copysign(1, f)) // and flip the zero's sign
		}
		return Float64(f)
	case TypeFloat64:
		if f := v.AsFloat64(); float64(float32(f)) == f || f != f {
			return Float32(float32(f))
		}
	case TypeTimestamp:
		return TimestampTZ(v.i)
	case TypeTimestampTZ:
		return Timestamp(v.i)
	case TypeNumeric:
		d := new(apd.Decimal).Set(v.d)
		if d.Form == apd.Finite && d.Exponent > math.MinInt32+3 {
			k := 1 + r.IntN(3)
			d.Coeff.Mul(&d.Coeff, apd.NewBigInt(int64(math.Pow10(k))))
			d.Exponent -= int32(k)
			return Numeric(d)
		}
	case TypeInterval:
		m, d, us := v.AsInterval()
		// Move whole months into days, or whole days into µs.
		if nd := int64(d) + 30*int64(m); r.IntN(2) == 0 && nd == int64(int32(nd)) {
			return Interval(0, int32(nd), us)
		}
		if nus, ok := addInt64(us, int64(d)*microsPerDay); ok {
			return Interval(m, 0, nus)
		}
	}
	return v
}

func addInt64(a, b int64) (int64, bool) {
	s := a + b
	return s, (s > a) == (b > 0)
}

func randKeyCols(r *rand.Rand, n int) []KeyColumn {
	if r.IntN(5) == 0 {
		return nil
	}
	cols := make([]KeyColumn, n)
	for i := range cols {
		cols[i] = KeyColumn{Desc: r.IntN(2) == 0, NullsFirst: r.IntN(2) == 0}
	}
	return cols
}

// lossless reports whether key decoding must return v exactly.
func lossless(v Value) bool {
	switch v.typ {
	case TypeNumeric, TypeInterval:
		return false
	case TypeFloat32, TypeFloat64:
		f := v.AsFloat64()
		return f == f && (f != 0 || !math.Signbit(f))
	}
	return true
}

func TestKeyOrderMatchesCompare(t *testing.T) {
	r := testRand(t)
	pairs := 0
	for iter := 0; iter < 400; iter++ {
		ncols := 1 + r.IntN(4)
		fams := make([]family, ncols)
		for i := range fams {
			fams[i] = allFamilies[r.IntN(len(allFamilies))]
		}
		cols := randKeyCols(r, ncols)
		tuples := make([][]Value, 60)
		for k := range tuples {
			tup := make([]Value, ncols)
			for i := range tup {
				switch {
				case r.IntN(6) == 0:
					// NULL
				case k > 0 && r.IntN(3) == 0:
					// Reuse an earlier value, often in another guise, so
					// that equal components (and ties on prefixes) are common.
					tup[i] = retype(r, tuples[r.IntN(k)][i])
				default:
					tup[i] = randFamilyValue(r, fams[i])
				}
			}
			tuples[k] = tup
		}
		keys := make([][]byte, len(tuples))
		for k, tup := range tuples {
			keys[k] = EncodeKey(nil, cols, tup)
		}
		for a := range tuples {
			for b := range tuples {
				want := compareTuples(tuples[a], tuples[b], cols)
				if got := sign(bytes.Compare(keys[a], keys[b])); got != want {
					t.Fatalf("cols %+v\n a=%v key %x\n b=%v key %x\nbytes.Compare = %d, tuple order %d",
						cols, tuples[a], keys[a], tuples[b], keys[b], got, want)
				}
				pairs++
			}
		}

		// Decode round trip, with a suffix to check that the rest comes back.
		for k, tup := range tuples {
			types := make([]Type, ncols)
			for i, v := range tup {
				types[i] = v.typ
				if v.IsNull() {
					ft := familyTypes[fams[i]]
					types[i] = ft[r.IntN(len(ft))]
				}
			}
			src := append(bytes.Clone(keys[k]), "suffix"...)
			out, rest, err := DecodeKey(src, cols, types, nil)
			if err != nil {
				t.Fatalf("DecodeKey(%x, %v, %v): %v", src, cols, types, err)
			}
			if string(rest) != "suffix" {
				t.Fatalf("DecodeKey rest = %q", rest)
			}
			for i, v := range tup {
				if out[i].typ != v.typ && !v.IsNull() || v.IsNull() != out[i].IsNull() {
					t.Fatalf("column %d: decoded %v as %v, want type %v", i, out[i], out[i].typ, v.typ)
				}
				if Compare(out[i], v) != 0 {
					t.Fatalf("column %d: decoded %v, want %v", i, out[i], v)
				}
				if lossless(v) && !identical(out[i], v) {
					t.Fatalf("column %d: decoded %v, want exactly %v", i, out[i], v)
				}
			}
			if again := EncodeKey(nil, cols, out); !bytes.Equal(again, keys[k]) {
				t.Fatalf("re-encoding decoded %v gave %x, want %x", out, again, keys[k])
			}
		}
	}
	t.Logf("%d pairs compared", pairs)
}

// TestKeyPrefixes checks that a key of a tuple prefix sorts before every
// extension of it and that PrefixEnd bounds them all.
func TestKeyPrefixes(t *testing.T) {
	r := testRand(t)
	for iter := 0; iter < 2000; iter++ {
		ncols := 2 + r.IntN(3)
		cols := randKeyCols(r, ncols)
		tup := make([]Value, ncols)
		for i := range tup {
			tup[i] = randFamilyValue(r, allFamilies[r.IntN(len(allFamilies))])
			if r.IntN(5) == 0 {
				tup[i] = Null()
			}
		}
		k := 1 + r.IntN(ncols-1)
		prefix := EncodeKey(nil, cols, tup[:k])
		full := EncodeKey(nil, cols, tup)
		if !bytes.HasPrefix(full, prefix) {
			t.Fatalf("key of %v does not start with key of its prefix", tup)
		}
		end := PrefixEnd(prefix)
		if end != nil && bytes.Compare(full, end) >= 0 {
			t.Fatalf("PrefixEnd(%x) = %x is not above %x", prefix, end, full)
		}
		if end != nil && bytes.Compare(prefix, end) >= 0 {
			t.Fatalf("PrefixEnd(%x) = %x is not above the prefix", prefix, end)
		}
	}
}

func TestKeyGolden(t *testing.T) {
	asc, desc := KeyColumn{}, KeyColumn{Desc: true}
	cases := []struct {
		v    Value
		col  KeyColumn
		want string
	}{
		{Null(), asc, "30"},
		{Null(), KeyColumn{NullsFirst: true}, "10"},
		{Null(), KeyColumn{Desc: true, NullsFirst: true}, "cf"},
		{Null(), desc, "ef"},
		{Bool(true), asc, "2001"},
		{Int64(0), asc, "208000000000000000"},
		{Int16(-1), asc, "207fffffffffffffff"},
		{Int16(-1), desc, "df8000000000000000"},
		{Date(1), asc, "208000000000000001"},
		{Float64(1), asc, "20bff0000000000000"},
		{Float64(-1), asc, "20400fffffffffffff"},
		{Float64(math.NaN()), asc, "20ffffffffffffffff"},
		{Float64(math.Copysign(0, -1)), asc, "208000000000000000"},
		{Text(""), asc, "200001"},
		{Text("a\x00b"), asc, "206100ff620001"},
		{Text("a"), desc, "df9efffe"},
		{Bytea([]byte{0xff}), asc, "20ff0001"},
		{UUID([16]byte{1, 15: 2}), asc, "2001000000000000000000000000000002"},
		{Interval(0, 0, 1), asc, "2080000000000000000000000000000001"},
		{Interval(0, 0, -1), asc, "207fffffffffffffffffffffffffffffff"},
	}
	for _, c := range cases {
		if got := hex.EncodeToString(AppendKeyValue(nil, c.v, c.col)); got != c.want {
			t.Errorf("AppendKeyValue(%v, %+v) = %s, want %s", c.v, c.col, got, c.want)
		}
	}

	numCases := []struct{ in, want string }{
		{"0", "2003"},
		{"0.000", "2003"},
		{"NaN", "2006"},
		{"Infinity", "2005"},
		{"-Infinity", "2001"},
		{"1", "20" + "04" + "88" + "02" + "00"},    // exponent 0, digit 1
		{"1.00", "20" + "04" + "88" + "02" + "00"}, // same value, same bytes
		{"12.5", "20" + "04" + "89" + "020306" + "00"},
		{"0.01", "20" + "04" + "87fe" + "02" + "00"}, // exponent -2: one byte 0xfe after 0x87
		{"-1", "20" + "02" + "77" + "fd" + "ff"},     // positive encoding inverted
		{"1e110", "20" + "04" + "f66e" + "02" + "00"},
	}
	for _, c := range numCases {
		if got := hex.EncodeToString(AppendKeyValue(nil, num(t, c.in), asc)); got != c.want {
			t.Errorf("numeric key of %s = %s, want %s", c.in, got, c.want)
		}
	}
}

// TestKeyFamiliesEncodeAlike pins invariant 1 for values that Compare
// calls equal but that differ in type or representation.
func TestKeyFamiliesEncodeAlike(t *testing.T) {
	groups := [][]Value{
		{Int16(-7), Int32(-7), Int64(-7)},
		{Int16(math.MaxInt16), Int32(math.MaxInt16), Int64(math.MaxInt16)},
		{Float32(0.5), Float64(0.5)},
		{Float32(float32(math.Copysign(0, -1))), Float64(0), Float64(math.Copysign(0, -1))},
		{Float64(math.NaN()), Float32(float32(math.NaN())), Float64(math.Float64frombits(0xfff0000000000001)), Float32(math.Float32frombits(0x7f800001))},
		{Float32(float32(math.Inf(1))), Float64(math.Inf(1))},
		{Timestamp(123), TimestampTZ(123)},
		{num(t, "1"), num(t, "1.0"), num(t, "1.000"), num(t, "0.001e3"), num(t, "1e0")},
		{num(t, "-120"), num(t, "-1.2e2"), num(t, "-120.000")},
		{num(t, "0"), num(t, "-0.0"), num(t, "0e10")},
		{num(t, "NaN"), Numeric(&apd.Decimal{Form: apd.NaNSignaling})},
		{Interval(1, 0, 0), Interval(0, 30, 0), Interval(0, 0, 30*microsPerDay), Interval(2, -30, 0), Interval(0, 31, -microsPerDay)},
		{Interval(-1, 0, 1), Interval(0, -30, 1), Interval(0, -29, 1-microsPerDay)},
	}
	for _, col := range []KeyColumn{{}, {Desc: true}} {
		for _, g := range groups {
			want := AppendKeyValue(nil, g[0], col)
			for _, v := range g[1:] {
				if Compare(v, g[0]) != 0 {
					t.Fatalf("test bug: %v != %v", v, g[0])
				}
				if got := AppendKeyValue(nil, v, col); !bytes.Equal(got, want) {
					t.Errorf("%+v: key of %v (%v) = %x, key of %v (%v) = %x", col, v, v.typ, got, g[0], g[0].typ, want)
				}
			}
		}
	}
}

// TestKeyNumericOrder walks a hand-sorted ladder of numerics.
func TestKeyNumericOrder(t *testing.T) {
	ladder := []Value{
		num(t, "-Infinity"),
		Numeric(apd.New(-99, math.MaxInt32)),
		num(t, "-1e100"), num(t, "-123.45"), num(t, "-12.5"), num(t, "-1.23"), num(t, "-1.2"),
		num(t, "-1"), num(t, "-0.5"), num(t, "-1e-100"),
		Numeric(apd.New(-1, math.MinInt32)),
		num(t, "0"),
		Numeric(apd.New(1, math.MinInt32)),
		num(t, "1e-100"), num(t, "0.0999999"), num(t, "0.1"), num(t, "0.5"), num(t, "1"),
		num(t, "1.2"), num(t, "1.23"), num(t, "9.99"), num(t, "10"), num(t, "12.5"), num(t, "123.45"),
		num(t, "12345678901234567890123456789"), num(t, "1e100"),
		Numeric(apd.New(99, math.MaxInt32)),
		num(t, "Infinity"), num(t, "NaN"),
	}
	for _, col := range []KeyColumn{{}, {Desc: true}} {
		for i := 1; i < len(ladder); i++ {
			a, b := ladder[i-1], ladder[i]
			if Compare(a, b) >= 0 {
				t.Fatalf("ladder not sorted at %v, %v", a, b)
			}
			c := bytes.Compare(AppendKeyValue(nil, a, col), AppendKeyValue(nil, b, col))
			if col.Desc {
				c = -c
			}
			if c >= 0 {
				t.Errorf("%+v: key(%v) !< key(%v)", col, a, b)
			}
		}
	}
}

func TestOrderedInt(t *testing.T) {
	var xs []int64
	for n := 0; n < 64; n++ {
		for _, d := range []int64{-1, 0, 1} {
			xs = append(xs, (int64(1)<<n)+d, -(int64(1)<<n)+d)
		}
	}
	xs = append(xs, math.MinInt64, math.MinInt64+1, math.MaxInt64, math.MaxInt64-1, 0, oiSmall, oiSmall+1, -255, -256, -65535, -65536)
	r := testRand(t)
	for i := 0; i < 2000; i++ {
		xs = append(xs, randInt(r))
	}
	slices.Sort(xs)
	xs = slices.Compact(xs)
	var prev []byte
	for i, x := range xs {
		enc := appendOrderedInt(nil, x)
		if i > 0 && bytes.Compare(prev, enc) >= 0 {
			t.Fatalf("encoding of %d (%x) !> encoding of %d (%x)", x, enc, xs[i-1], prev)
		}
		prev = enc
		got, n, err := readOrderedInt(append(bytes.Clone(enc), 0xaa), 0)
		if err != nil || got != x || n != len(enc) {
			t.Fatalf("readOrderedInt(%x) = %d, %d, %v; want %d, %d", enc, got, n, err, x, len(enc))
		}
		inv := bytes.Clone(enc)
		invert(inv)
		if got, _, err := readOrderedInt(inv, 0xff); err != nil || got != x {
			t.Fatalf("masked readOrderedInt(%x) = %d, %v", inv, got, err)
		}
		if len(enc) > 9 {
			t.Fatalf("%d takes %d bytes", x, len(enc))
		}
	}
	for _, bad := range []string{"", "7f", "fe", "f6", "f600", "f66d", "f70001", "87", "8700", "86ff01", "80", "807fffffffffffffff", "fdffffffffffffffff"} {
		b, _ := hex.DecodeString(bad)
		if _, _, err := readOrderedInt(b, 0); !errors.Is(err, ErrCorruptKey) {
			t.Errorf("readOrderedInt(%s) err = %v, want ErrCorruptKey", bad, err)
		}
	}
}

func TestKeyIntervalDecodeNormalizes(t *testing.T) {
	cases := []struct{ in, want [3]int64 }{
		{[3]int64{0, 30, 0}, [3]int64{1, 0, 0}},
		{[3]int64{0, 0, 30*microsPerDay + 5}, [3]int64{1, 0, 5}},
		{[3]int64{1, -1, 0}, [3]int64{0, 29, 0}},
		{[3]int64{0, -31, 1}, [3]int64{-1, 0, -microsPerDay + 1}},
		{[3]int64{25, 0, 0}, [3]int64{25, 0, 0}},
		{[3]int64{0, 0, math.MaxInt64}, [3]int64{math.MaxInt64 / microsPerMonth, 21, 4*3600e6 + 54775807}},
		{[3]int64{math.MaxInt32, math.MaxInt32, math.MaxInt64}, [3]int64{math.MaxInt32, math.MaxInt32, math.MaxInt64}},
		{[3]int64{math.MinInt32, math.MinInt32, math.MinInt64}, [3]int64{math.MinInt32, math.MinInt32, math.MinInt64}},
		{[3]int64{math.MinInt32, 0, -1}, [3]int64{math.MinInt32, 0, -1}},
	}
	for _, c := range cases {
		v := Interval(int32(c.in[0]), int32(c.in[1]), c.in[2])
		for _, col := range []KeyColumn{{}, {Desc: true, NullsFirst: true}} {
			out, _, err := DecodeKey(AppendKeyValue(nil, v, col), []KeyColumn{col}, []Type{TypeInterval}, nil)
			if err != nil {
				t.Fatalf("%v: %v", c.in, err)
			}
			m, d, us := out[0].AsInterval()
			if got := [3]int64{int64(m), int64(d), us}; got != c.want {
				t.Errorf("interval %v decoded as %v, want %v", c.in, got, c.want)
			}
		}
	}
}

func TestDecodeKeyErrors(t *testing.T) {
	r := testRand(t)
	// Every proper prefix of a valid key is rejected.
	for iter := 0; iter < 300; iter++ {
		ncols := 1 + r.IntN(3)
		cols := randKeyCols(r, ncols)
		types := make([]Type, ncols)
		vals := make([]Value, ncols)
		for i := range types {
			types[i] = allTypes[r.IntN(len(allTypes))]
			vals[i] = randValue(r, types[i])
			if r.IntN(5) == 0 {
				vals[i] = Null()
			}
		}
		key := EncodeKey(nil, cols, vals)
		for n := 0; n < len(key); n++ {
			if _, _, err := DecodeKey(key[:n], cols, types, nil); !errors.Is(err, ErrCorruptKey) {
				t.Fatalf("prefix %x of %x (%v %v): err %v, want ErrCorruptKey", key[:n], key, vals, cols, err)
			}
		}
	}

	nullLast := AppendKeyValue(nil, Null(), KeyColumn{})
	cases := []struct {
		name  string
		src   []byte
		col   KeyColumn
		typ   Type
		isErr error
	}{
		{"NULL with the wrong placement", nullLast, KeyColumn{NullsFirst: true}, TypeInt64, ErrCorruptKey},
		{"ASC key read as DESC", AppendKeyValue(nil, Int64(1), KeyColumn{}), KeyColumn{Desc: true}, TypeInt64, ErrCorruptKey},
		{"bad marker", []byte{0x21}, KeyColumn{}, TypeInt64, ErrCorruptKey},
		{"bool 2", []byte{0x20, 2}, KeyColumn{}, TypeBool, ErrCorruptKey},
		{"70000 as smallint", AppendKeyValue(nil, Int64(70000), KeyColumn{}), KeyColumn{}, TypeInt16, ErrCorruptKey},
		{"huge day number", AppendKeyValue(nil, Int64(1<<40), KeyColumn{}), KeyColumn{}, TypeDate, ErrCorruptKey},
		{"0.1 as real", AppendKeyValue(nil, Float64(0.1), KeyColumn{}), KeyColumn{}, TypeFloat32, ErrCorruptKey},
		{"negative zero float", []byte{0x20, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, KeyColumn{}, TypeFloat64, ErrCorruptKey},
		{"non-canonical NaN", []byte{0x20, 0xff, 0xf8, 0, 0, 0, 0, 0, 0}, KeyColumn{}, TypeFloat64, ErrCorruptKey},
		{"bad escape", []byte{0x20, 'a', 0x00, 0x02}, KeyColumn{}, TypeText, ErrCorruptKey},
		{"unterminated text", []byte{0x20, 'a', 'b'}, KeyColumn{}, TypeText, ErrCorruptKey},
		{"numeric class 7", []byte{0x20, 7}, KeyColumn{}, TypeNumeric, ErrCorruptKey},
		{"numeric no digits", []byte{0x20, 4, 0x88, 0}, KeyColumn{}, TypeNumeric, ErrCorruptKey},
		{"numeric leading zero", []byte{0x20, 4, 0x88, 1, 2, 0}, KeyColumn{}, TypeNumeric, ErrCorruptKey},
		{"numeric trailing zero", []byte{0x20, 4, 0x88, 2, 1, 0}, KeyColumn{}, TypeNumeric, ErrCorruptKey},
		{"numeric digit 10", []byte{0x20, 4, 0x88, 11, 0}, KeyColumn{}, TypeNumeric, ErrCorruptKey},
		{"numeric exponent too big", append(append([]byte{0x20, 4}, appendOrderedInt(nil, 1<<40)...), 2, 0), KeyColumn{}, TypeNumeric, ErrCorruptKey},
		{"interval beyond any interval", append([]byte{0x20, 0xff}, bytes.Repeat([]byte{0xff}, 15)...), KeyColumn{}, TypeInterval, ErrCorruptKey},
		{"unknown type", nullLast, KeyColumn{}, TypeNull, ErrUnknownType},
	}
	for _, c := range cases {
		if _, _, err := DecodeKey(c.src, []KeyColumn{c.col}, []Type{c.typ}, nil); !errors.Is(err, c.isErr) {
			t.Errorf("%s: err = %v, want %v", c.name, err, c.isErr)
		}
	}
}

func TestEncodeKeyDefaults(t *testing.T) {
	vals := []Value{Int64(1), Null(), Text("x")}
	if !bytes.Equal(EncodeKey(nil, nil, vals), EncodeKey(nil, make([]KeyColumn, 3), vals)) {
		t.Error("nil cols must mean ASC NULLS LAST")
	}
	// Longer cols encode a prefix of a longer key.
	cols := []KeyColumn{{Desc: true}, {}, {NullsFirst: true}, {}}
	full := EncodeKey(nil, cols, append(vals, Int32(4)))
	if !bytes.HasPrefix(full, EncodeKey(nil, cols, vals)) {
		t.Error("prefix key is not a prefix")
	}
	dst := []byte("keep")
	if got := EncodeKey(dst, nil, vals[:1]); !bytes.HasPrefix(got, []byte("keep")) {
		t.Error("EncodeKey must append to dst")
	}
}

func TestPrefixEnd(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", ""},
		{"ff", ""},
		{"ffff", ""},
		{"00", "01"},
		{"0102", "0103"},
		{"01ff", "02"},
		{"01feff", "01ff"},
		{"20ffff", "21"},
	}
	for _, c := range cases {
		in, _ := hex.DecodeString(c.in)
		got := PrefixEnd(in)
		if hex.EncodeToString(got) != c.want || (c.want == "") != (got == nil) {
			t.Errorf("PrefixEnd(%s) = %x (nil %v), want %s", c.in, got, got == nil, c.want)
		}
	}
	in := []byte{1, 2, 3}
	end := PrefixEnd(in[:2])
	end[0] = 9
	if in[0] != 1 || in[2] != 3 {
		t.Error("PrefixEnd aliases or writes its input")
	}
}

func FuzzDecodeKey(f *testing.F) {
	r := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 8; i++ {
		t := allTypes[i%len(allTypes)]
		f.Add([]byte{byte(t - 1), byte(i % 4)}, EncodeKey(nil, []KeyColumn{{Desc: i%2 == 1, NullsFirst: i%4 >= 2}}, []Value{randValue(r, t)}))
	}
	f.Add([]byte{6, 0, 7, 1}, []byte{0x20, 4, 0x89, 2, 3, 0, 0xdf, 0x9e, 0xff, 0xfe})
	if v, err := Array(TypeText, []ArrayDim{{2, 1}}, []Value{Text("a"), Null()}); err == nil {
		f.Add([]byte{0x80 | byte(TypeText-1), 1}, AppendKeyValue(nil, v, KeyColumn{Desc: true}))
	}

	f.Fuzz(func(t *testing.T, schema, src []byte) {
		// schema holds (type, ordering) byte pairs.
		var types []Type
		var cols []KeyColumn
		for i := 0; i+1 < len(schema) && len(types) < 8; i += 2 {
			typ := Type(schema[i]%uint8(numTypes-1) + 1)
			if schema[i] >= 0x80 {
				typ = ArrayOf(typ)
			}
			types = append(types, typ)
			cols = append(cols, KeyColumn{Desc: schema[i+1]&1 != 0, NullsFirst: schema[i+1]&2 != 0})
		}
		vals, rest, err := DecodeKey(src, cols, types, nil)
		if err != nil {
			if !errors.Is(err, ErrCorruptKey) {
				t.Fatalf("error %v is not ErrCorruptKey", err)
			}
			return
		}
		consumed := src[:len(src)-len(rest)]
		if again := EncodeKey(nil, cols, vals); !bytes.Equal(again, consumed) {
			t.Fatalf("non-canonical key %x accepted as %v (re-encodes as %x)", consumed, vals, again)
		}
	})
}
