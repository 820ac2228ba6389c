package storage

import (
	"bytes"
	"encoding/hex"
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/cockroachdb/apd/v3"
)

// identical reports whether a and b are the same value in every detail a
// row must preserve (unlike Compare, which equates 1.0 and 1.00).
func identical(a, b Value) bool {
	if a.typ != b.typ || a.i != b.i || a.j != b.j || a.s != b.s {
		return false
	}
	if a.typ != TypeNumeric {
		return true
	}
	x, y := a.d, b.d
	return x.Form == y.Form && x.Negative == y.Negative && x.Exponent == y.Exponent && x.Coeff.Cmp(&y.Coeff) == 0
}

func randSchema(r *rand.Rand, maxCols int) []Type {
	types := make([]Type, r.IntN(maxCols+1))
	for i := range types {
		types[i] = allTypes[r.IntN(len(allTypes))]
	}
	return types
}

func randRow(r *rand.Rand, types []Type) []Value {
	row := make([]Value, len(types))
	nullRate := r.IntN(4) // some rows all non-NULL, some mostly NULL
	for i, t := range types {
		if r.IntN(4) < nullRate {
			continue
		}
		row[i] = randValue(r, t)
	}
	return row
}

func TestRowRoundTrip(t *testing.T) {
	r := testRand(t)
	var buf []byte
	var out []Value
	for iter := 0; iter < 5000; iter++ {
		types := randSchema(r, 20)
		row := randRow(r, types)
		var err error
		buf, err = EncodeRow(buf[:0], types, row)
		if err != nil {
			t.Fatalf("EncodeRow(%v, %v): %v", types, row, err)
		}
		out, err = DecodeRow(buf, types, out)
		if err != nil {
			t.Fatalf("DecodeRow(%x, %v): %v", buf, types, err)
		}
		if len(out) != len(row) {
			t.Fatalf("decoded %d values, want %d", len(out), len(row))
		}
		for i := range row {
			if !identical(out[i], row[i]) {
				t.Fatalf("types %v column %d: decoded %v (%v), want %v (%v)", types, i, out[i], out[i].typ, row[i], row[i].typ)
			}
			v, err := DecodeColumn(buf, types, i)
			if err != nil || !identical(v, row[i]) {
				t.Fatalf("DecodeColumn(%d) = %v, %v; want %v", i, v, err, row[i])
			}
		}

		// A row written before columns were added decodes with NULLs for them.
		k := r.IntN(len(types) + 1)
		short, err := EncodeRow(nil, types[:k], row[:k])
		if err != nil {
			t.Fatal(err)
		}
		out, err = DecodeRow(short, types, out)
		if err != nil {
			t.Fatalf("short row: %v", err)
		}
		for i := range types {
			want := Null()
			if i < k {
				want = row[i]
			}
			if !identical(out[i], want) {
				t.Fatalf("short row (%d of %d columns) column %d: %v, want %v", k, len(types), i, out[i], want)
			}
			if v, err := DecodeColumn(short, types, i); err != nil || !identical(v, want) {
				t.Fatalf("short row DecodeColumn(%d) = %v, %v; want %v", i, v, err, want)
			}
		}
	}
}

// TestRowEncodingIsCanonical checks invariant 2 on random rows: every
// proper prefix and every one-byte extension of a valid encoding is
// rejected, so decoding cannot accept two encodings of one row.
func TestRowEncodingIsCanonical(t *testing.T) {
	r := testRand(t)
	for iter := 0; iter < 500; iter++ {
		types := randSchema(r, 8)
		row := randRow(r, types)
		enc, err := EncodeRow(nil, types, row)
		if err != nil {
			t.Fatal(err)
		}
		for n := 0; n < len(enc); n++ {
			if _, err := DecodeRow(enc[:n], types, nil); !errors.Is(err, ErrCorruptRow) {
				t.Fatalf("types %v: prefix %x of %x: err %v, want ErrCorruptRow", types, enc[:n], enc, err)
			}
		}
		if _, err := DecodeRow(append(enc, 0), types, nil); !errors.Is(err, ErrCorruptRow) {
			t.Fatalf("trailing byte accepted: %v", err)
		}
	}
}

func TestRowLayout(t *testing.T) {
	// The example drawn at the top of rowenc.go.
	types := []Type{TypeInt32, TypeText, TypeText}
	enc, err := EncodeRow(nil, types, []Value{Int32(7), Null(), Text("hi")})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := hex.EncodeToString(enc), "030207000000026869"; got != want {
		t.Errorf("layout = %s, want %s", got, want)
	}

	numTypes := []Type{TypeNumeric, TypeNumeric, TypeNumeric, TypeNumeric, TypeNumeric}
	enc, err = EncodeRow(nil, numTypes, []Value{num(t, "-12.50"), num(t, "NaN"), num(t, "Infinity"), num(t, "-Infinity"), num(t, "0")})
	if err != nil {
		t.Fatal(err)
	}
	// -12.50: form 01, exponent -2 (zigzag 03), length 02, coefficient 1250 = 04e2;
	// NaN 02, +Inf 03, -Inf 04; 0: form 00, exponent 00, length 00.
	if got, want := hex.EncodeToString(enc), "0500"+"01030204e2"+"02"+"03"+"04"+"000000"; got != want {
		t.Errorf("numeric layout = %s, want %s", got, want)
	}
}

func TestRowEmpty(t *testing.T) {
	enc, err := EncodeRow(nil, nil, nil)
	if err != nil || !bytes.Equal(enc, []byte{0}) {
		t.Fatalf("EncodeRow(empty) = %x, %v", enc, err)
	}
	out, err := DecodeRow(enc, nil, nil)
	if err != nil || len(out) != 0 {
		t.Fatalf("DecodeRow(empty) = %v, %v", out, err)
	}
	// An empty row decodes against any schema: all columns were added later.
	out, err = DecodeRow(enc, []Type{TypeInt64, TypeText}, nil)
	if err != nil || len(out) != 2 || !out[0].IsNull() || !out[1].IsNull() {
		t.Fatalf("DecodeRow(empty, 2 cols) = %v, %v", out, err)
	}
}

func TestEncodeRowConversions(t *testing.T) {
	ok := []struct {
		t    Type
		in   Value
		want Value
	}{
		{TypeInt16, Int64(-32768), Int16(-32768)},
		{TypeInt16, Int32(32767), Int16(32767)},
		{TypeInt32, Int64(math.MinInt32), Int32(math.MinInt32)},
		{TypeInt64, Int16(-1), Int64(-1)},
		{TypeFloat32, Float64(0.5), Float32(0.5)},
		{TypeFloat32, Float64(math.Inf(-1)), Float32(float32(math.Inf(-1)))},
		{TypeFloat32, Float64(math.NaN()), Float32(float32(math.NaN()))},
		{TypeFloat64, Float32(0.1), Float64(float64(float32(0.1)))},
		{TypeTimestamp, TimestampTZ(99), Timestamp(99)},
		{TypeTimestampTZ, Timestamp(-99), TimestampTZ(-99)},
	}
	for _, c := range ok {
		enc, err := EncodeRow(nil, []Type{c.t}, []Value{c.in})
		if err != nil {
			t.Errorf("%v in %v column: %v", c.in, c.t, err)
			continue
		}
		out, err := DecodeRow(enc, []Type{c.t}, nil)
		if err != nil || out[0].Type() != c.t || Compare(out[0], c.want) != 0 {
			t.Errorf("%v in %v column decoded as %v (%v), %v; want %v", c.in, c.t, out[0], out[0].Type(), err, c.want)
		}
	}

	bad := []struct {
		t   Type
		in  Value
		err error
	}{
		{TypeInt16, Int32(32768), ErrOutOfRange},
		{TypeInt16, Int64(math.MinInt64), ErrOutOfRange},
		{TypeInt32, Int64(math.MaxInt32 + 1), ErrOutOfRange},
		{TypeFloat32, Float64(0.1), ErrOutOfRange},
		{TypeFloat32, Float64(1e300), ErrOutOfRange},
		{TypeInt64, Float64(1), ErrTypeMismatch},
		{TypeInt64, num(t, "1"), ErrTypeMismatch},
		{TypeNumeric, Int64(1), ErrTypeMismatch},
		{TypeText, Bytea([]byte("x")), ErrTypeMismatch},
		{TypeBytea, Text("x"), ErrTypeMismatch},
		{TypeDate, Timestamp(0), ErrTypeMismatch},
		{TypeTimestamp, Date(0), ErrTypeMismatch},
		{TypeUUID, Text("0123456789abcdef"), ErrTypeMismatch},
		{TypeBool, Int16(1), ErrTypeMismatch},
		{TypeNull, Null(), ErrUnknownType},
		{Type(99), Int64(1), ErrUnknownType},
	}
	for _, c := range bad {
		dst := []byte("prefix")
		got, err := EncodeRow(dst, []Type{TypeInt64, c.t}, []Value{Int64(1), c.in})
		if !errors.Is(err, c.err) {
			t.Errorf("%v (%v) in %v column: err %v, want %v", c.in, c.in.Type(), c.t, err, c.err)
		}
		if string(got) != "prefix" {
			t.Errorf("failed EncodeRow changed dst to %q", got)
		}
	}
	if _, err := EncodeRow(nil, []Type{TypeInt64}, nil); !errors.Is(err, ErrColumnCount) {
		t.Errorf("short row: err %v, want ErrColumnCount", err)
	}
	if _, err := EncodeRow(nil, []Type{TypeInt64}, []Value{Int64(1), Int64(2)}); !errors.Is(err, ErrColumnCount) {
		t.Errorf("long row: err %v, want ErrColumnCount", err)
	}
}

func TestDecodeRowCorrupt(t *testing.T) {
	i64 := []Type{TypeInt64}
	cases := []struct {
		name  string
		types []Type
		src   []byte
	}{
		{"empty", i64, nil},
		{"more columns than types", i64, []byte{2, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0}},
		{"huge column count", i64, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}},
		{"varint overflow", i64, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}},
		{"non-minimal count", i64, []byte{0x81, 0x00, 0x01}},
		{"missing bitmap", i64, []byte{1}},
		{"padding bit set", i64, []byte{1, 0x03}},
		{"truncated int64", i64, []byte{1, 0, 1, 2, 3}},
		{"trailing bytes", i64, []byte{1, 1, 9}},
		{"bool 2", []Type{TypeBool}, []byte{1, 0, 2}},
		{"text length past end", []Type{TypeText}, []byte{1, 0, 5, 'a'}},
		{"text huge length", []Type{TypeText}, []byte{1, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}},
		{"text non-minimal length", []Type{TypeText}, []byte{1, 0, 0x81, 0x00, 'a'}},
		{"numeric bad form", []Type{TypeNumeric}, []byte{1, 0, 7}},
		{"numeric truncated", []Type{TypeNumeric}, []byte{1, 0}},
		{"numeric no exponent", []Type{TypeNumeric}, []byte{1, 0, 0}},
		{"numeric exponent > int32", []Type{TypeNumeric}, []byte{1, 0, 0, 0x80, 0x80, 0x80, 0x80, 0x20, 0}},
		{"numeric coefficient past end", []Type{TypeNumeric}, []byte{1, 0, 0, 0, 3, 1}},
		{"numeric leading zero byte", []Type{TypeNumeric}, []byte{1, 0, 0, 0, 2, 0, 1}},
		{"numeric negative zero", []Type{TypeNumeric}, []byte{1, 0, 1, 0, 0}},
		{"truncated interval", []Type{TypeInterval}, []byte{1, 0, 1, 2, 3, 4, 5, 6, 7, 8}},
		{"truncated uuid", []Type{TypeUUID}, append([]byte{1, 0}, make([]byte, 15)...)},
	}
	for _, c := range cases {
		if _, err := DecodeRow(c.src, c.types, nil); !errors.Is(err, ErrCorruptRow) {
			t.Errorf("%s: DecodeRow err = %v, want ErrCorruptRow", c.name, err)
		}
	}
	if _, err := DecodeRow([]byte{0}, []Type{TypeNull}, nil); !errors.Is(err, ErrUnknownType) {
		t.Errorf("TypeNull column: err %v, want ErrUnknownType", err)
	}
}

func TestDecodeColumnErrors(t *testing.T) {
	types := []Type{TypeText, TypeNumeric, TypeInt64}
	enc, err := EncodeRow(nil, types, []Value{Text("abc"), num(t, "1.5"), Int64(7)})
	if err != nil {
		t.Fatal(err)
	}
	for _, col := range []int{-1, 3} {
		if _, err := DecodeColumn(enc, types, col); err == nil {
			t.Errorf("DecodeColumn(%d) succeeded", col)
		}
	}
	// Damage the text length so that skipping it runs off the end.
	bad := bytes.Clone(enc)
	bad[2] = 0x7f
	for col := range types {
		if _, err := DecodeColumn(bad, types, col); !errors.Is(err, ErrCorruptRow) {
			t.Errorf("DecodeColumn(%d) of damaged row: err %v, want ErrCorruptRow", col, err)
		}
	}
	if v, err := DecodeColumn(enc, types, 2); err != nil || v.AsInt64() != 7 {
		t.Errorf("DecodeColumn(2) = %v, %v", v, err)
	}
}

func TestDecodeRowReusesDst(t *testing.T) {
	types := []Type{TypeInt64, TypeText}
	enc, _ := EncodeRow(nil, types, []Value{Int64(1), Text("x")})
	dst := make([]Value, 0, 8)
	out, err := DecodeRow(enc, types, dst)
	if err != nil || &out[:1][0] != &dst[:1][0] {
		t.Fatalf("DecodeRow did not reuse dst (err %v)", err)
	}
	// Decoded strings must not alias src, which callers reuse.
	enc[len(enc)-1] = 'y'
	if out[1].AsString() != "x" {
		t.Fatal("decoded text aliases src")
	}
}

func TestEncodeRowLargeNumeric(t *testing.T) {
	// Coefficients of more than one machine word take the multi-word path.
	for _, s := range []string{"18446744073709551615", "18446744073709551616", "-340282366920938463463374607431768211457.123",
		"1" + string(bytes.Repeat([]byte("0"), 300)) + "1e-5"} {
		v := num(t, s)
		enc, err := EncodeRow(nil, []Type{TypeNumeric}, []Value{v})
		if err != nil {
			t.Fatal(err)
		}
		out, err := DecodeRow(enc, []Type{TypeNumeric}, nil)
		if err != nil || !identical(out[0], v) {
			t.Errorf("%s: decoded %v, %v", s, out[0], err)
		}
	}
	// Round trip keeps the scale, unlike the key encoding.
	d, _, _ := apd.NewFromString("1.000")
	enc, _ := EncodeRow(nil, []Type{TypeNumeric}, []Value{Numeric(d)})
	out, _ := DecodeRow(enc, []Type{TypeNumeric}, nil)
	if out[0].String() != "1.000" {
		t.Errorf("scale lost: %v", out[0])
	}
}

func FuzzDecodeRow(f *testing.F) {
	seedTypes := []Type{TypeBool, TypeInt16, TypeInt32, TypeInt64, TypeFloat32, TypeFloat64, TypeNumeric,
		TypeText, TypeBytea, TypeDate, TypeTimestamp, TypeTimestampTZ, TypeInterval, TypeUUID, TypeJSON, TypeJSONB}
	schema := make([]byte, len(seedTypes))
	for i, t := range seedTypes {
		schema[i] = byte(t - 1)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 8; i++ {
		enc, err := EncodeRow(nil, seedTypes, randRow(r, seedTypes))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(schema, enc)
	}
	f.Add([]byte{6, 6}, []byte{2, 0, 0, 0x01, 0x05, 0x39, 0x30, 0xff, 0x7f})
	f.Add([]byte{7}, []byte{1, 0, 3, 'a', 0, 'b'})
	f.Add([]byte{}, []byte{0})
	if v, err := Array(TypeInt32, []ArrayDim{{2, 1}, {1, 0}}, []Value{Int32(7), Null()}); err == nil {
		if enc, err := EncodeRow(nil, []Type{v.Type()}, []Value{v}); err == nil {
			f.Add([]byte{0x80 | byte(TypeInt32-1)}, enc)
		}
	}

	f.Fuzz(func(t *testing.T, schema, src []byte) {
		if len(schema) > 16 {
			schema = schema[:16]
		}
		types := make([]Type, len(schema))
		for i, b := range schema {
			types[i] = Type(b%uint8(numTypes-1) + 1)
			if b >= 0x80 {
				types[i] = ArrayOf(types[i])
			}
		}
		row, err := DecodeRow(src, types, nil)
		for col := range types {
			v, cerr := DecodeColumn(src, types, col)
			if err == nil && (cerr != nil || !identical(v, row[col])) {
				t.Fatalf("DecodeColumn(%d) = %v, %v; DecodeRow gave %v", col, v, cerr, row[col])
			}
			if cerr != nil && !errors.Is(cerr, ErrCorruptRow) {
				t.Fatalf("DecodeColumn error %v is not ErrCorruptRow", cerr)
			}
		}
		if err != nil {
			if !errors.Is(err, ErrCorruptRow) {
				t.Fatalf("error %v is not ErrCorruptRow", err)
			}
			return
		}
		// Canonical: re-encoding the encoded columns gives back src.
		n, _, _ := readUvarint(src)
		enc, err := EncodeRow(nil, types[:n], row[:n])
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		if !bytes.Equal(enc, src) {
			t.Fatalf("non-canonical input %x accepted (re-encodes as %x)", src, enc)
		}
	})
}
