package sql

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/sql/sem"
	"github.com/persiandb/persiandb/storage"
	"github.com/persiandb/persiandb/txn"
	"github.com/rs/zerolog"
)

// cacheSession opens a session on an engine of its own with the plan
// cache on (admitting statements at first sight, so every cacheable
// statement runs cached) or off.
func cacheSession(t testing.TB, on bool) *Session {
	t.Helper()
	st := storage.Open(storage.Options{PageBits: 16, Logger: zerolog.Nop()})
	m := txn.NewManager(st, txn.Options{})
	t.Cleanup(m.Close)
	e, err := Open(m)
	if err != nil {
		t.Fatal(err)
	}
	s := e.NewSession("test")
	t.Cleanup(s.Close)
	s.pc = newPlanCache()
	s.pc.off = !on
	s.pc.admitAfter = 1
	return s
}

// clientView renders everything a client sees of one statement.
func clientView(r *Result, err error) string {
	if err != nil {
		var pe *pgerr.Error
		if errors.As(err, &pe) {
			return fmt.Sprintf("ERROR %s %s | %s | pos %d", pe.Code, pe.Message, pe.Detail, pe.Position)
		}
		return "ERROR " + err.Error()
	}
	var b strings.Builder
	b.WriteString(r.Tag)
	for _, c := range r.Columns {
		fmt.Fprintf(&b, " | %s %s %d %d.%d", c.Name, c.Type.Name, c.Type.Typmod, c.TableID, c.Column)
	}
	for _, row := range r.Rows {
		b.WriteString("\n")
		for _, v := range row {
			if v.IsNull() {
				b.WriteString("NULL|")
				continue
			}
			fmt.Fprintf(&b, "%d:%s|", v.Type(), sem.Format(v, time.UTC))
		}
	}
	for _, n := range r.Notices {
		fmt.Fprintf(&b, "\nNOTICE %s %s", n.Code, n.Message)
	}
	return b.String()
}

// differ runs stmts on a cached and an uncached session, each statement
// twice (the second run of a cacheable statement reuses its plan), and
// fails at the first difference. It returns the cache's hits.
func differ(t *testing.T, name string, stmts []string) int {
	t.Helper()
	on, off := cacheSession(t, true), cacheSession(t, false)
	ctx := context.Background()
	bad := 0
	for _, q := range stmts {
		for rep := 0; rep < 2; rep++ {
			a := clientView(on.ExecOne(ctx, q))
			b := clientView(off.ExecOne(ctx, q))
			if a != b {
				t.Errorf("%s: %q (run %d):\ncached:   %s\nuncached: %s", name, q, rep+1, a, b)
				if bad++; bad > 5 {
					t.FailNow()
				}
			}
			if on.Status() != off.Status() {
				t.Fatalf("%s: %q: status %c vs %c", name, q, on.Status(), off.Status())
			}
		}
	}
	return on.pc.hits
}

// corpusStatements reads the SQL of every record of a logic-test file
// (ours or SQLite's): the lines after "statement" or "query" up to "----"
// or a blank line.
func corpusStatements(t *testing.T, path string) []string {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	var cur []string
	in := false
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.Join(cur, "\n"))
		}
		cur, in = nil, false
	}
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "statement ") || strings.HasPrefix(line, "query "):
			flush()
			in = true
		case !in:
		case line == "" || line == "----":
			flush()
		default:
			cur = append(cur, line)
		}
	}
	flush()
	return out
}

// TestPlanCacheDifferential: the cache changes nothing a client sees, on
// our logic tests and, if present, SQLite's corpus.
func TestPlanCacheDifferential(t *testing.T) {
	files, _ := filepath.Glob("../testdata/logic/*.test")
	const slt = "/work/shared/sqllogictest"
	more, _ := filepath.Glob(filepath.Join(slt, "evidence", "*.test"))
	files = append(files, more...)
	files = append(files, filepath.Join(slt, "select1.test"), filepath.Join(slt, "select2.test"),
		filepath.Join(slt, "index/between/1/slt_good_0.test"), filepath.Join(slt, "index/in/10/slt_good_0.test"))
	if testing.Short() {
		files = files[:0]
	}
	for _, f := range files {
		if _, err := os.Stat(f); err != nil {
			continue
		}
		stmts := corpusStatements(t, f)
		t.Run(filepath.Base(f), func(t *testing.T) {
			hits := differ(t, f, stmts)
			t.Logf("%d statements, %d cache hits", 2*len(stmts), hits)
		})
	}
}

// TestPlanCacheEdges covers the literal forms and errors where a
// parameter could differ from a constant.
func TestPlanCacheEdges(t *testing.T) {
	stmts := []string{
		"CREATE TABLE a (aid int PRIMARY KEY, bid int, abalance int, filler char(84))",
		"CREATE TABLE w (k bigint PRIMARY KEY, s smallint, n numeric(6,2), v varchar(3), c char(4), b bool, d date, ts timestamptz, f float8, t text NOT NULL DEFAULT 'x')",
		"CREATE UNIQUE INDEX w_s ON w (s)",
		"INSERT INTO a VALUES (1, 1, 0, ''), (2, 1, 0, ''), (3, 2, 5, 'x')",
		"INSERT INTO a (aid, bid, abalance, filler) VALUES (4, 1, -2133, 'y')",
		"INSERT INTO a VALUES (4, 1, 0, '')",
		"INSERT INTO a VALUES (NULL, 1, 0, '')",
		"SELECT abalance FROM a WHERE aid = 1",
		"SELECT abalance FROM a WHERE aid = 3;",
		"SELECT abalance FROM a WHERE aid = 99",
		"UPDATE a SET abalance = abalance + -2133 WHERE aid = 1",
		"UPDATE a SET abalance = abalance + 2147483647 WHERE aid = 1",
		"UPDATE a SET abalance = abalance + -2147483648 WHERE aid = 2",
		"UPDATE a SET abalance = abalance / 0 WHERE aid = 2",
		"UPDATE a SET abalance = 7 / 2, bid = 3 WHERE aid = 2",
		"SELECT * FROM a WHERE aid > 1",
		"SELECT * FROM a WHERE aid > -1",
		"SELECT * FROM a WHERE aid >= 2 AND aid < 4",
		"SELECT * FROM a WHERE aid IN (1, 3, 5)",
		"SELECT * FROM a WHERE aid IN ('1', '3')",
		"SELECT * FROM a WHERE aid = '2'",
		"SELECT * FROM a WHERE aid = 'x'",
		"SELECT * FROM a WHERE aid = 2.0",
		"SELECT * FROM a WHERE aid = 3000000000",
		"SELECT * FROM a WHERE aid = 30000000000000000000000",
		"SELECT * FROM a WHERE 1 = 0",
		"SELECT * FROM a WHERE 'a' = 'a'",
		"SELECT * FROM a WHERE (aid = 1 OR aid = 2) AND bid = 1",
		"SELECT aid FROM a WHERE aid = 1 ORDER BY 1",
		"SELECT aid, count(*) FROM a WHERE bid = 1 GROUP BY 1 HAVING count(*) > 0 ORDER BY 1 LIMIT 2",
		"SELECT 1", "SELECT 'x'", "SELECT -2147483648", "SELECT 1.50", "SELECT -0.0",
		"SELECT aid FROM a WHERE aid = (SELECT max(aid) FROM a WHERE bid = 2)",
		"SELECT aid FROM a WHERE EXISTS (SELECT 1 FROM a b WHERE b.aid = a.aid + 1)",
		"SELECT aid + 1 FROM a WHERE aid + 1 = 3 GROUP BY aid + 1",
		"INSERT INTO w VALUES (1, 1, 1.5, 'ab', 'ab', 't', '2024-01-01', '2024-01-01 10:00', 1.5, 'q')",
		"INSERT INTO w VALUES (2, 2, 1234.567, 'abcd', 'a', 'yes', '2024-02-30', now(), 1e3, 'q')",
		"INSERT INTO w VALUES (3, 3, 12345.67, 'abc', 'a', 'on', '2024-02-03', now(), 1, 'q')",
		"INSERT INTO w VALUES (4, 4, 0.005, 'abc   ', 'abcd', 'off', '2024-02-03', now(), 1, 'q')",
		"INSERT INTO w VALUES (5, 70000, 1, 'a', 'a', 'f', '2024-02-03', now(), 1, 'q')",
		"INSERT INTO w VALUES (6, 1, 1, 'a', 'a', 'f', '2024-02-03', now(), 1, 'q')",
		"INSERT INTO w VALUES (7, 7, 1, 'a', 'a', 'maybe', '2024-02-03', now(), 1, 'q')",
		"INSERT INTO w (k, s, t) VALUES (8, 8, NULL)",
		"INSERT INTO w (k, s) VALUES (9223372036854775807, 9)",
		"INSERT INTO w (k, s) VALUES (-9223372036854775808, 10)",
		"INSERT INTO w (k, s) VALUES (9223372036854775808, 11)",
		"INSERT INTO w (k, s) VALUES (12, 12) ON CONFLICT (k) DO UPDATE SET s = 13",
		"INSERT INTO w (k, s) VALUES (12, 12) ON CONFLICT (k) DO UPDATE SET s = 13",
		"INSERT INTO w (k, s) VALUES (14, 14) RETURNING k + 1, 'x', s",
		"SELECT k, s, n, v, c, b, d, f, t FROM w WHERE k > 0 ORDER BY k",
		"INSERT INTO w (k, s) VALUES (100, 50), (101, 40), (102, 30)",
		"SELECT k FROM w WHERE s > 1",
		"SELECT k FROM w WHERE s > 20",
		"SELECT k FROM w WHERE s > -5",
		"SELECT k FROM w WHERE s BETWEEN 20 AND 60",
		"SELECT k FROM w WHERE k > 1",
		"SELECT k FROM w WHERE k > -3",
		"SELECT k FROM w WHERE s = 3 OR s = 2",
		"SELECT k FROM w WHERE n = 1.50",
		"SELECT k FROM w WHERE n = '1.5'",
		"SELECT k FROM w WHERE v = 'ab'",
		"SELECT k FROM w WHERE c = 'ab'",
		"SELECT k FROM w WHERE c = 'ab  '",
		"SELECT k FROM w WHERE b = 'yes'",
		"SELECT k FROM w WHERE d = '2024-01-01'",
		"SELECT k FROM w WHERE d > '2024-01-01' AND d < '2025-01-01'",
		"SELECT k FROM w WHERE d = 'today'",
		"SELECT k FROM w WHERE ts > '2024-01-01'",
		"SELECT k FROM w WHERE f = 1.5",
		"SELECT k FROM w WHERE f * 2 = 3",
		"SELECT k FROM w WHERE t = 'q' AND t <> 'r'",
		"SELECT k FROM w WHERE t LIKE 'q%'",
		"SELECT k FROM w WHERE t = E'q'",
		"SELECT k FROM w WHERE t = 'it''s'",
		"SELECT k FROM w WHERE k = 1 FOR UPDATE",
		"SET TimeZone = 'America/New_York'",
		"SELECT k FROM w WHERE ts > '2024-01-01 04:00' AND k = 1",
		"SET DateStyle = 'SQL, DMY'",
		"SELECT k FROM w WHERE d = '01/02/2024'",
		"DELETE FROM w WHERE k = 2",
		"DELETE FROM w WHERE k = 2 RETURNING k",
		"DELETE FROM a WHERE aid / 0 = 1",
		"ALTER TABLE a ALTER COLUMN abalance TYPE bigint",
		"SELECT abalance FROM a WHERE aid = 1",
		"UPDATE a SET abalance = abalance + 9000000000 WHERE aid = 1",
		"SELECT abalance FROM a WHERE abalance = 9000000000 - 2133",
		"BEGIN",
		"SELECT abalance FROM a WHERE aid = 1",
		"UPDATE a SET abalance = abalance + 1 WHERE aid = 1",
		"SELECT 1/0 FROM a WHERE aid = 1",
		"SELECT abalance FROM a WHERE aid = 1",
		"ROLLBACK",
		"SELECT abalance FROM a WHERE aid = 1",
	}
	hits := differ(t, "edges", stmts)
	t.Logf("%d cache hits", hits)
}

// TestPlanCacheHits measures what share of pgbench- and psycopg2-style
// statements reuse a plan (default admission: the second sighting).
func TestPlanCacheHits(t *testing.T) {
	s := cacheSession(t, true)
	s.pc.admitAfter = 2
	ctx := context.Background()
	for _, q := range []string{
		"CREATE TABLE pgbench_accounts (aid int PRIMARY KEY, bid int, abalance int, filler char(84))",
		"CREATE TABLE pgbench_tellers (tid int PRIMARY KEY, bid int, tbalance int, filler char(84))",
		"CREATE TABLE pgbench_branches (bid int PRIMARY KEY, bbalance int, filler char(88))",
		"CREATE TABLE pgbench_history (tid int, bid int, aid int, delta int, mtime timestamp, filler char(22))",
		"INSERT INTO pgbench_branches VALUES (1, 0, '')",
	} {
		if _, err := s.ExecOne(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	for i := 1; i <= 100; i++ {
		if _, err := s.ExecOne(ctx, fmt.Sprintf("INSERT INTO pgbench_accounts VALUES (%d, 1, 0, '')", i)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ExecOne(ctx, fmt.Sprintf("INSERT INTO pgbench_tellers VALUES (%d, 1, 0, '')", i)); err != nil {
			t.Fatal(err)
		}
	}
	s.pc.hits, s.pc.misses = 0, 0
	n := 0
	for i := 0; i < 200; i++ {
		aid, tid, delta := i%100+1, i%10+1, i*37%5000-2500
		for _, q := range []string{
			"BEGIN;",
			fmt.Sprintf("UPDATE pgbench_accounts SET abalance = abalance + %d WHERE aid = %d;", delta, aid),
			fmt.Sprintf("SELECT abalance FROM pgbench_accounts WHERE aid = %d;", aid),
			fmt.Sprintf("UPDATE pgbench_tellers SET tbalance = tbalance + %d WHERE tid = %d;", delta, tid),
			fmt.Sprintf("UPDATE pgbench_branches SET bbalance = bbalance + %d WHERE bid = 1;", delta),
			fmt.Sprintf("INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (%d, 1, %d, %d, CURRENT_TIMESTAMP);", tid, aid, delta),
			"END;",
			// psycopg2 style
			fmt.Sprintf("SELECT aid, abalance FROM pgbench_accounts WHERE bid = %d AND abalance > %d AND filler = '%s'", 1, delta, ""),
			fmt.Sprintf("SELECT aid FROM pgbench_accounts WHERE aid IN (%d, %d, %d)", aid, tid, 5),
		} {
			if _, err := s.ExecOne(ctx, q); err != nil {
				t.Fatal(q, err)
			}
			n++
		}
	}
	rate := float64(s.pc.hits) / float64(n)
	t.Logf("%d statements, %d cache hits (%.1f%%), %d misses", n, s.pc.hits, 100*rate, s.pc.misses)
	if rate < 0.7 {
		t.Errorf("hit rate %.2f, want >= 0.7", rate)
	}
}

func loadPoint(b *testing.B, s *Session) {
	b.Helper()
	ctx := context.Background()
	if _, err := s.ExecOne(ctx, "CREATE TABLE t(k integer PRIMARY KEY, g integer, v text)"); err != nil {
		b.Fatal(err)
	}
	for i := 0; i < 100_000; i += 1000 {
		var sb strings.Builder
		sb.WriteString("INSERT INTO t VALUES ")
		for j := i; j < i+1000; j++ {
			if j > i {
				sb.WriteByte(',')
			}
			fmt.Fprintf(&sb, "(%d, %d, 'value %d')", j, j%10, j)
		}
		if _, err := s.ExecOne(ctx, sb.String()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPointSelectSimpleCache is BenchmarkPointSelectSimple with the
// plan cache off (the path before it) and on.
func BenchmarkPointSelectSimpleCache(b *testing.B) {
	for _, on := range []bool{false, true} {
		b.Run(fmt.Sprintf("cache=%v", on), func(b *testing.B) {
			s := cacheSession(b, on)
			s.pc.admitAfter = 2
			loadPoint(b, s)
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				r, err := s.ExecOne(ctx, fmt.Sprintf("SELECT v FROM t WHERE k = %d", i%100_000))
				if err != nil || len(r.Rows) != 1 {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "stmt/s")
		})
	}
}
