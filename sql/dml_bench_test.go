package sql_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/persiandb/persiandb/sql"
	"github.com/persiandb/persiandb/storage"
)

func prepareB(b *testing.B, s *sql.Session, q string) *sql.Prepared {
	b.Helper()
	p, err := s.Prepare(context.Background(), "", q, nil)
	if err != nil {
		b.Fatal(err)
	}
	return p
}

func reportRate(b *testing.B, start time.Time, unit string) {
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), unit)
}

// BenchmarkPointUpdatePrepared is a prepared UPDATE of one row by primary
// key, each in its own transaction.
func BenchmarkPointUpdatePrepared(b *testing.B) {
	s := newSession(b)
	load(b, s, "t", 100_000, 10)
	ctx := context.Background()
	p := prepareB(b, s, "UPDATE t SET g = g + 1 WHERE k = $1")
	params := make([]storage.Value, 1)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		params[0] = storage.Int32(int32(i % 100_000))
		r, err := s.ExecPrepared(ctx, p, params)
		if err != nil || r.Tag != "UPDATE 1" {
			b.Fatalf("%v %v", r, err)
		}
	}
	reportRate(b, start, "stmt/s")
}

// BenchmarkDeleteInsert deletes a row and puts it back, with 20 other
// tables in the catalog: a DELETE looks for foreign keys referencing its
// table.
func BenchmarkDeleteInsert(b *testing.B) {
	s := newSession(b)
	load(b, s, "t", 10_000, 10)
	for i := 0; i < 20; i++ {
		mustExecB(b, s, fmt.Sprintf("CREATE TABLE other%d (k integer PRIMARY KEY)", i))
	}
	ctx := context.Background()
	del := prepareB(b, s, "DELETE FROM t WHERE k = $1")
	ins := prepareB(b, s, "INSERT INTO t VALUES ($1, 0, 'x')")
	params := make([]storage.Value, 1)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		params[0] = storage.Int32(int32(i % 10_000))
		if _, err := s.ExecPrepared(ctx, del, params); err != nil {
			b.Fatal(err)
		}
		if _, err := s.ExecPrepared(ctx, ins, params); err != nil {
			b.Fatal(err)
		}
	}
	reportRate(b, start, "pair/s")
}

// BenchmarkInsertChild inserts rows referencing one of 100 parents: each
// statement finds and locks its parent row.
func BenchmarkInsertChild(b *testing.B) {
	s := newSession(b)
	load(b, s, "p", 100, 10)
	if _, err := s.Exec(context.Background(), "CREATE TABLE c (k integer PRIMARY KEY, pk integer REFERENCES p (k))"); err != nil {
		b.Skipf("REFERENCES: %v", err)
	}
	ctx := context.Background()
	ins := prepareB(b, s, "INSERT INTO c VALUES ($1, $2)")
	params := make([]storage.Value, 2)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		params[0], params[1] = storage.Int32(int32(i)), storage.Int32(int32(i%100))
		if _, err := s.ExecPrepared(ctx, ins, params); err != nil {
			b.Fatal(err)
		}
	}
	reportRate(b, start, "stmt/s")
}
