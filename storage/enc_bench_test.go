package storage

import (
	"testing"
)

// benchRow is a typical narrow OLTP row: id, name, price, created_at,
// balance numeric(12,2).
var (
	benchTypes = []Type{TypeInt64, TypeText, TypeFloat64, TypeTimestampTZ, TypeNumeric}
	benchRow   = func() []Value {
		bal, err := NumericFromString("12345.67")
		if err != nil {
			panic(err)
		}
		return []Value{Int64(123456789), Text("Ada Lovelace"), Float64(19.99), TimestampTZ(789_000_000_123_456), bal}
	}()
)

func BenchmarkEncodeRow(b *testing.B) {
	b.ReportAllocs()
	buf := make([]byte, 0, 128)
	for b.Loop() {
		var err error
		if buf, err = EncodeRow(buf[:0], benchTypes, benchRow); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(len(buf)))
}

func BenchmarkDecodeRow(b *testing.B) {
	b.ReportAllocs()
	enc, err := EncodeRow(nil, benchTypes, benchRow)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(enc)))
	dst := make([]Value, 0, len(benchTypes))
	for b.Loop() {
		if dst, err = DecodeRow(enc, benchTypes, dst); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeColumn(b *testing.B) {
	b.ReportAllocs()
	enc, err := EncodeRow(nil, benchTypes, benchRow)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		// Column 3 sits behind a variable-length text that must be skipped.
		if _, err := DecodeColumn(enc, benchTypes, 3); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeKey(b *testing.B) {
	b.ReportAllocs()
	cols := []KeyColumn{{}, {Desc: true, NullsFirst: true}, {}}
	vals := []Value{Int64(42), Text("customer\x00name"), benchRow[4]}
	buf := make([]byte, 0, 64)
	for b.Loop() {
		buf = EncodeKey(buf[:0], cols, vals)
	}
	b.SetBytes(int64(len(buf)))
}

func BenchmarkDecodeKey(b *testing.B) {
	b.ReportAllocs()
	cols := []KeyColumn{{}, {Desc: true, NullsFirst: true}}
	types := []Type{TypeInt64, TypeText}
	key := EncodeKey(nil, cols, []Value{Int64(42), Text("customer name")})
	dst := make([]Value, 0, 2)
	for b.Loop() {
		var err error
		if dst, _, err = DecodeKey(key, cols, types, dst); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCompareNumeric(b *testing.B) {
	b.ReportAllocs()
	x, _ := NumericFromString("12345.670")
	y, _ := NumericFromString("12345.6701")
	for b.Loop() {
		if Compare(x, y) >= 0 {
			b.Fatal("wrong order")
		}
	}
}
