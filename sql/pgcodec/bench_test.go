package pgcodec

import (
	"testing"
	"time"

	"github.com/persiandb/persiandb/sql/planner"
	"github.com/persiandb/persiandb/storage"
)

// TestAppendBinaryNoAlloc holds the hot path to its promise: sending an
// integer or a string appends in place.
func TestAppendBinaryNoAlloc(t *testing.T) {
	buf := make([]byte, 0, 64)
	for _, c := range []struct {
		v   storage.Value
		typ string
	}{
		{storage.Int32(7), "int4"},
		{storage.Int64(-7), "int8"},
		{storage.Text("a string of moderate length"), "text"},
		{storage.Text("日本"), "varchar"},
		{storage.Float64(1.5), "float8"},
		{storage.Bytea([]byte{1, 2, 3}), "bytea"},
	} {
		typ := typeNamed(t, c.typ)
		if n := testing.AllocsPerRun(100, func() { _, _ = AppendBinary(buf[:0], c.v, typ) }); n != 0 {
			t.Errorf("AppendBinary(%s) allocates %v times", c.typ, n)
		}
	}
}

func BenchmarkAppendBinary(b *testing.B) {
	benchmarkAppend(b, func(buf []byte, v storage.Value, typ planner.Type) []byte {
		out, err := AppendBinary(buf, v, typ)
		if err != nil {
			b.Fatal(err)
		}
		return out
	})
}

func BenchmarkAppendText(b *testing.B) {
	benchmarkAppend(b, func(buf []byte, v storage.Value, typ planner.Type) []byte {
		return AppendText(buf, v, typ, time.UTC)
	})
}

func benchmarkAppend(b *testing.B, appendFn func([]byte, storage.Value, planner.Type) []byte) {
	for _, c := range []struct {
		name, typ string
		v         storage.Value
	}{
		{"int8", "int8", storage.Int64(1234567890123)},
		{"text", "text", storage.Text("the quick brown fox jumps over the lazy dog")},
	} {
		b.Run(c.name, func(b *testing.B) {
			typ := typeNamed(b, c.typ)
			buf := make([]byte, 0, 128)
			b.ReportAllocs()
			for b.Loop() {
				buf = appendFn(buf[:0], c.v, typ)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "values/s")
		})
	}
}
