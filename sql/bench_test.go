package sql_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/persiandb/persiandb/sql"
	"github.com/persiandb/persiandb/storage"
)

// load fills table name(k integer primary key, g integer, v text) with n
// rows in batches.
func load(b *testing.B, s *sql.Session, name string, n, groups int) {
	b.Helper()
	mustExecB(b, s, fmt.Sprintf("CREATE TABLE %s(k integer PRIMARY KEY, g integer, v text)", name))
	const batch = 1000
	for i := 0; i < n; i += batch {
		var sb strings.Builder
		sb.WriteString("INSERT INTO " + name + " VALUES ")
		for j := i; j < min(i+batch, n); j++ {
			if j > i {
				sb.WriteByte(',')
			}
			fmt.Fprintf(&sb, "(%d, %d, 'value %d')", j, j%groups, j)
		}
		mustExecB(b, s, sb.String())
	}
}

func mustExecB(b *testing.B, s *sql.Session, q string) []*sql.Result {
	b.Helper()
	rs, err := s.Exec(context.Background(), q)
	if err != nil {
		b.Fatalf("%.80s: %v", q, err)
	}
	return rs
}

// BenchmarkPointSelectPrepared is a prepared primary-key lookup: bind,
// execute (plan reused), one row out, in its own transaction.
func BenchmarkPointSelectPrepared(b *testing.B) {
	s := newSession(b)
	load(b, s, "t", 100_000, 10)
	ctx := context.Background()
	p, err := s.Prepare(ctx, "", "SELECT v FROM t WHERE k = $1", nil)
	if err != nil {
		b.Fatal(err)
	}
	params := make([]storage.Value, 1)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		params[0] = storage.Int32(int32(i % 100_000))
		r, err := s.ExecPrepared(ctx, p, params)
		if err != nil || len(r.Rows) != 1 {
			b.Fatalf("%v %v", r, err)
		}
	}
}

// BenchmarkPointSelectSimple parses and plans each time (simple query).
func BenchmarkPointSelectSimple(b *testing.B) {
	s := newSession(b)
	load(b, s, "t", 100_000, 10)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rs, err := s.Exec(ctx, fmt.Sprintf("SELECT v FROM t WHERE k = %d", i%100_000))
		if err != nil || len(rs[0].Rows) != 1 {
			b.Fatal(err)
		}
	}
}

// BenchmarkJoin3 joins three 10k-row tables on keys and aggregates.
func BenchmarkJoin3(b *testing.B) {
	s := newSession(b)
	for _, t := range []string{"a", "b", "c"} {
		load(b, s, t, 10_000, 100)
	}
	q := "SELECT count(*) FROM a JOIN b ON a.k = b.k JOIN c ON c.k = b.k WHERE a.g < 50"
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rs := mustExecB(b, s, q)
		if rs[0].Rows[0][0].AsInt64() != 5000 {
			b.Fatalf("count %v", rs[0].Rows[0][0])
		}
	}
}

// BenchmarkGroupBy1M groups a million rows into 1000 groups.
func BenchmarkGroupBy1M(b *testing.B) {
	s := newSession(b)
	load(b, s, "t", 1_000_000, 1000)
	q := "SELECT g, count(*), sum(k) FROM t GROUP BY g"
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rs := mustExecB(b, s, q)
		if len(rs[0].Rows) != 1000 {
			b.Fatalf("%d groups", len(rs[0].Rows))
		}
	}
	b.ReportMetric(float64(1_000_000*b.N)/b.Elapsed().Seconds(), "rows/s")
}
