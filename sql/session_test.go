package sql_test

import (
	"context"
	"strings"
	"testing"

	"github.com/persiandb/persiandb/sql"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/sql/planner"
	"github.com/persiandb/persiandb/storage"
	"github.com/persiandb/persiandb/txn"
	"github.com/rs/zerolog"
)

func newSession(t testing.TB) *sql.Session {
	t.Helper()
	st := storage.Open(storage.Options{PageBits: 16, Logger: zerolog.Nop()})
	m := txn.NewManager(st, txn.Options{})
	t.Cleanup(m.Close)
	e, err := sql.Open(m)
	if err != nil {
		t.Fatal(err)
	}
	s := e.NewSession("test")
	t.Cleanup(s.Close)
	return s
}

func mustExec(t *testing.T, s *sql.Session, q string) []*sql.Result {
	t.Helper()
	rs, err := s.Exec(context.Background(), q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return rs
}

func TestStatusAndTags(t *testing.T) {
	s := newSession(t)
	rs := mustExec(t, s, "CREATE TABLE t(a integer PRIMARY KEY, b text); INSERT INTO t VALUES (1,'x'),(2,'y'); SELECT * FROM t")
	want := []string{"CREATE TABLE", "INSERT 0 2", "SELECT 2"}
	for i, r := range rs {
		if r.Tag != want[i] {
			t.Errorf("result %d: tag %q, want %q", i, r.Tag, want[i])
		}
	}
	if s.Status() != 'I' {
		t.Fatalf("status %c, want I", s.Status())
	}
	mustExec(t, s, "BEGIN")
	if s.Status() != 'T' {
		t.Fatalf("status %c, want T", s.Status())
	}
	if _, err := s.Exec(context.Background(), "SELECT nosuch FROM t"); pgerr.CodeOf(err) != pgerr.UndefinedColumn {
		t.Fatalf("error %v, want 42703", err)
	}
	if s.Status() != 'E' {
		t.Fatalf("status %c, want E", s.Status())
	}
	rs = mustExec(t, s, "COMMIT")
	if rs[0].Tag != "ROLLBACK" || s.Status() != 'I' {
		t.Fatalf("COMMIT of a failed block: tag %q status %c", rs[0].Tag, s.Status())
	}
}

// A prepared query keeps its plan until the catalog changes.
func TestPreparedPlanReuse(t *testing.T) {
	s := newSession(t)
	ctx := context.Background()
	mustExec(t, s, "CREATE TABLE t(a integer PRIMARY KEY, b text); INSERT INTO t VALUES (1,'x'),(2,'y')")
	p, err := s.Prepare(ctx, "", "SELECT b FROM t WHERE a = $1", nil)
	if err != nil {
		t.Fatal(err)
	}
	if pt := p.ParamTypes(); len(pt) != 1 || pt[0].OID() != planner.OIDInt4 {
		t.Fatalf("param types %v, want [integer]", pt)
	}
	for i, want := range []string{"x", "y"} {
		r, err := s.ExecPrepared(ctx, p, []storage.Value{storage.Int32(int32(i + 1))})
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Rows) != 1 || r.Rows[0][0].AsString() != want {
			t.Fatalf("row %d: %v", i, r.Rows)
		}
	}
	first := sql.PlanOf(p)
	if _, err := s.ExecPrepared(ctx, p, []storage.Value{storage.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	if sql.PlanOf(p) != first {
		t.Fatal("plan was rebuilt without a catalog change")
	}
	mustExec(t, s, "CREATE TABLE u(a integer)")
	if _, err := s.ExecPrepared(ctx, p, []storage.Value{storage.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	if sql.PlanOf(p) == first {
		t.Fatal("plan was kept across a catalog change")
	}
	mustExec(t, s, "DROP TABLE t")
	if _, err := s.ExecPrepared(ctx, p, []storage.Value{storage.Int32(1)}); pgerr.CodeOf(err) != pgerr.UndefinedTable {
		t.Fatalf("after DROP TABLE: %v, want 42P01", err)
	}
}

func TestExplain(t *testing.T) {
	s := newSession(t)
	mustExec(t, s, "CREATE TABLE t(a integer PRIMARY KEY, b text)")
	rs := mustExec(t, s, "EXPLAIN SELECT b FROM t WHERE a = 7")
	var lines []string
	for _, r := range rs[0].Rows {
		lines = append(lines, r[0].AsString())
	}
	found := false
	for _, l := range lines {
		if strings.Contains(l, "Key: (a) = (7)") {
			found = true
		}
	}
	if !found {
		t.Fatalf("EXPLAIN does not show a primary key lookup:\n%v", lines)
	}
}
