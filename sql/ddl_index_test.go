package sql_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/persiandb/persiandb/sql"
	"github.com/persiandb/persiandb/sql/catalog"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/storage"
	"github.com/persiandb/persiandb/txn"
	"github.com/rs/zerolog"
)

// ddlEngine opens an engine whose collector runs only when asked.
func ddlEngine(t testing.TB) *sql.Engine {
	t.Helper()
	st := storage.Open(storage.Options{PageBits: 16, Logger: zerolog.Nop()})
	m := txn.NewManager(st, txn.Options{GCInterval: -1, DeadlockTimeout: 50 * time.Millisecond})
	t.Cleanup(m.Close)
	e, err := sql.Open(m)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		g := st.NewGuard()
		defer g.Close()
		if err := st.CheckConsistency(g); err != nil {
			t.Error(err)
		}
	})
	return e
}

func ddlSession(t testing.TB, e *sql.Engine, name string) *sql.Session {
	t.Helper()
	s := e.NewSession(name)
	t.Cleanup(s.Close)
	return s
}

func ddlExec(t testing.TB, s *sql.Session, q string) *sql.Result {
	t.Helper()
	rs, err := s.Exec(context.Background(), q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return rs[len(rs)-1]
}

func ddlErr(t testing.TB, s *sql.Session, q string, code pgerr.Code) {
	t.Helper()
	_, err := s.Exec(context.Background(), q)
	if pgerr.CodeOf(err) != code {
		t.Fatalf("%s: error %v, want %s", q, err, code)
	}
}

// rowsOf renders a result's rows as "a b|c d".
func rowsOf(r *sql.Result) string {
	var rows []string
	for _, row := range r.Rows {
		var vals []string
		for _, v := range row {
			if v.IsNull() {
				vals = append(vals, "NULL")
			} else {
				vals = append(vals, fmt.Sprint(v))
			}
		}
		rows = append(rows, strings.Join(vals, " "))
	}
	return strings.Join(rows, "|")
}

func explain(t testing.TB, s *sql.Session, q string) string {
	r := ddlExec(t, s, "EXPLAIN "+q)
	return rowsOf(r)
}

// TestCreateIndexSeesRunningWriters: rows a running transaction wrote
// before CREATE INDEX are found through the index once it commits.
func TestCreateIndexSeesRunningWriters(t *testing.T) {
	e := ddlEngine(t)
	a, b := ddlSession(t, e, "a"), ddlSession(t, e, "b")
	ddlExec(t, a, "CREATE TABLE t (id INT PRIMARY KEY, v INT)")
	ddlExec(t, a, "INSERT INTO t SELECT g, g % 10 FROM generate_series(1, 500) AS g")
	ddlExec(t, b, "BEGIN")
	ddlExec(t, b, "INSERT INTO t VALUES (1000, 7)")
	ddlExec(t, b, "UPDATE t SET v = 7 WHERE id = 1")
	ddlExec(t, a, "CREATE INDEX t_v ON t (v)")
	ddlExec(t, b, "COMMIT")
	if plan := explain(t, a, "SELECT id FROM t WHERE v = 7"); !strings.Contains(plan, "Index Scan using t_v") {
		t.Fatalf("the index is not used: %s", plan)
	}
	r := ddlExec(t, a, "SELECT count(*) FROM t WHERE v = 7")
	if got := rowsOf(r); got != "52" {
		t.Fatalf("count through the index %s, want 52 (50 + row 1 + row 1000)", got)
	}
	// Writers after the build keep the index up to date.
	ddlExec(t, b, "DELETE FROM t WHERE v = 7 AND id > 900")
	ddlExec(t, b, "UPDATE t SET v = 8 WHERE id = 7")
	if got := rowsOf(ddlExec(t, a, "SELECT count(*) FROM t WHERE v = 7")); got != "50" {
		t.Fatalf("count after writes %s, want 50", got)
	}
}

// TestCreateIndexOlderSnapshot: a snapshot taken before CREATE INDEX
// commits keeps its answers, and one taken before DROP INDEX commits can
// still plan with the dropped index.
func TestCreateIndexOlderSnapshot(t *testing.T) {
	e := ddlEngine(t)
	a, r := ddlSession(t, e, "a"), ddlSession(t, e, "r")
	ddlExec(t, a, "CREATE TABLE t (id INT PRIMARY KEY, v INT)")
	ddlExec(t, a, "INSERT INTO t VALUES (1, 1), (2, 2), (3, 2)")
	ddlExec(t, r, "BEGIN ISOLATION LEVEL REPEATABLE READ")
	if got := rowsOf(ddlExec(t, r, "SELECT count(*) FROM t WHERE v = 2")); got != "2" {
		t.Fatal(got)
	}
	ddlExec(t, a, "UPDATE t SET v = 2 WHERE id = 1")
	ddlExec(t, a, "CREATE UNIQUE INDEX t_id_v ON t (id, v)")
	if plan := explain(t, r, "SELECT id FROM t WHERE id = 1 AND v = 1"); strings.Contains(plan, "t_id_v") {
		t.Fatalf("an older snapshot plans with a newer index: %s", plan)
	}
	if got := rowsOf(ddlExec(t, r, "SELECT count(*) FROM t WHERE v = 2")); got != "2" {
		t.Fatalf("older snapshot after CREATE INDEX: %s", got)
	}
	ddlExec(t, r, "COMMIT")

	// A snapshot from before DROP INDEX still finds every row through it.
	ddlExec(t, a, "CREATE UNIQUE INDEX t_v ON t (v, id)")
	ddlExec(t, r, "BEGIN ISOLATION LEVEL REPEATABLE READ")
	ddlExec(t, r, "SELECT 1 FROM t")
	ddlExec(t, a, "DROP INDEX t_v")
	ddlExec(t, a, "INSERT INTO t VALUES (4, 2)")
	e.Catalog().Reap()
	if plan := explain(t, r, "SELECT id FROM t WHERE v = 2"); !strings.Contains(plan, "Index Scan using t_v") {
		t.Fatalf("older snapshot lost the index: %s", plan)
	}
	if got := rowsOf(ddlExec(t, r, "SELECT id FROM t WHERE v = 2 ORDER BY id")); got != "1|2|3" {
		t.Fatalf("older snapshot through a dropped index: %s", got)
	}
	ddlExec(t, r, "COMMIT")
	e.Catalog().Reap()
	tab, err := catalogTable(e, "t")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(e.Catalog().Storage(tab).Indexes()); n != 1 {
		t.Fatalf("%d storage indexes after the drop was reaped, want 1", n)
	}
}

// catalogTable reads a committed descriptor.
func catalogTable(e *sql.Engine, name string) (*catalog.Table, error) {
	s := e.Manager().NewSession("")
	defer s.Close()
	tx := s.Begin(txn.TxnOptions{ReadOnly: true})
	defer tx.Rollback()
	return e.Catalog().Table(tx, name)
}

// TestDropUniqueIndexStopsEnforcing: once DROP INDEX commits, duplicates
// go in, even while an older snapshot keeps the storage index alive.
func TestDropUniqueIndexStopsEnforcing(t *testing.T) {
	e := ddlEngine(t)
	a, r := ddlSession(t, e, "a"), ddlSession(t, e, "r")
	ddlExec(t, a, "CREATE TABLE t (id INT PRIMARY KEY, v INT)")
	ddlExec(t, a, "CREATE UNIQUE INDEX t_v ON t (v)")
	ddlExec(t, a, "INSERT INTO t VALUES (1, 1)")
	ddlErr(t, a, "INSERT INTO t VALUES (2, 1)", pgerr.UniqueViolation)
	ddlExec(t, r, "BEGIN ISOLATION LEVEL REPEATABLE READ")
	ddlExec(t, r, "SELECT 1 FROM t")
	ddlExec(t, a, "DROP INDEX t_v")
	ddlExec(t, a, "INSERT INTO t VALUES (2, 1)")
	ddlExec(t, r, "COMMIT")
}

// TestCreateUniqueIndexWaitsForWriter: a duplicate written by a running
// transaction makes CREATE UNIQUE INDEX wait for its outcome.
func TestCreateUniqueIndexWaitsForWriter(t *testing.T) {
	for _, outcome := range []string{"COMMIT", "ROLLBACK"} {
		t.Run(outcome, func(t *testing.T) {
			e := ddlEngine(t)
			a, b := ddlSession(t, e, "a"), ddlSession(t, e, "b")
			ddlExec(t, a, "CREATE TABLE t (id INT PRIMARY KEY, v INT)")
			ddlExec(t, a, "INSERT INTO t VALUES (1, 1), (2, 2)")
			ddlExec(t, b, "BEGIN")
			ddlExec(t, b, "INSERT INTO t VALUES (3, 1)")
			done := make(chan error, 1)
			go func() {
				_, err := a.Exec(context.Background(), "CREATE UNIQUE INDEX t_v ON t (v)")
				done <- err
			}()
			select {
			case err := <-done:
				t.Fatalf("CREATE UNIQUE INDEX did not wait: %v", err)
			case <-time.After(100 * time.Millisecond):
			}
			ddlExec(t, b, outcome)
			err := <-done
			if outcome == "COMMIT" {
				if pgerr.CodeOf(err) != pgerr.UniqueViolation {
					t.Fatalf("error %v, want 23505", err)
				}
				// Nothing is left behind: the name is free, the rows
				// insert freely.
				ddlExec(t, a, "CREATE INDEX t_v ON t (v)")
				ddlExec(t, a, "INSERT INTO t VALUES (4, 1)")
				return
			}
			if err != nil {
				t.Fatalf("CREATE UNIQUE INDEX after the writer rolled back: %v", err)
			}
			ddlErr(t, b, "INSERT INTO t VALUES (4, 2)", pgerr.UniqueViolation)
		})
	}
}

// TestCreateIndexRollbackDropsStorage: a rolled-back CREATE INDEX leaves
// no storage index for writers to maintain.
func TestCreateIndexRollbackDropsStorage(t *testing.T) {
	e := ddlEngine(t)
	a := ddlSession(t, e, "a")
	ddlExec(t, a, "CREATE TABLE t (id INT PRIMARY KEY, v INT)")
	ddlExec(t, a, "BEGIN; CREATE INDEX t_v ON t (v); CREATE UNIQUE INDEX t_u ON t (v); ROLLBACK")
	tab, err := catalogTable(e, "t")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(e.Catalog().Storage(tab).Indexes()); n != 0 || len(tab.Indexes) != 0 {
		t.Fatalf("after ROLLBACK: %d storage indexes, %d in the descriptor", n, len(tab.Indexes))
	}
	// A failed unique build drops its storage index at once, before the
	// transaction ends.
	ddlExec(t, a, "INSERT INTO t VALUES (1, 1), (2, 1)")
	ddlExec(t, a, "BEGIN")
	ddlErr(t, a, "CREATE UNIQUE INDEX t_u ON t (v)", pgerr.UniqueViolation)
	if n := len(e.Catalog().Storage(tab).Indexes()); n != 0 {
		t.Fatalf("a failed unique build left %d storage indexes", n)
	}
	ddlExec(t, a, "ROLLBACK")
	// Ids are not reused while a storage index may exist.
	ddlExec(t, a, "CREATE INDEX t_v ON t (v)")
	ddlExec(t, a, "DROP INDEX t_v")
	ddlExec(t, a, "CREATE INDEX t_v2 ON t (v)")
	tab, _ = catalogTable(e, "t")
	ids := map[uint32]bool{}
	for _, ix := range e.Catalog().Storage(tab).Indexes() {
		if ids[ix.Spec().ID] {
			t.Fatalf("storage index id %d twice", ix.Spec().ID)
		}
		ids[ix.Spec().ID] = true
	}
	if len(tab.Indexes) != 1 || !ids[tab.Indexes[0].ID] {
		t.Fatalf("descriptor index %+v not in storage %v", tab.Indexes, ids)
	}
}

// TestCreateIndexConcurrentWrites builds an index while other sessions
// insert and update rows, then checks every row is found through it.
func TestCreateIndexConcurrentWrites(t *testing.T) {
	e := ddlEngine(t)
	a := ddlSession(t, e, "a")
	ddlExec(t, a, "CREATE TABLE t (id INT PRIMARY KEY, v INT)")
	ddlExec(t, a, "INSERT INTO t SELECT g, g % 7 FROM generate_series(1, 2000) AS g")
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := 0; w < 3; w++ {
		s := ddlSession(t, e, fmt.Sprintf("w%d", w))
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				id := 10000 + w*100000 + i
				if _, err := s.Exec(context.Background(), fmt.Sprintf("INSERT INTO t VALUES (%d, %d)", id, id%7)); err != nil {
					t.Errorf("insert: %v", err)
					return
				}
				if _, err := s.Exec(context.Background(), fmt.Sprintf("UPDATE t SET v = (v + 1) %% 7 WHERE id = %d", 1+(i*7+w)%2000)); err != nil && pgerr.CodeOf(err) != pgerr.SerializationFailure {
					t.Errorf("update: %v", err)
					return
				}
			}
		}(w)
	}
	time.Sleep(20 * time.Millisecond)
	ddlExec(t, a, "CREATE INDEX t_v ON t (v)")
	time.Sleep(20 * time.Millisecond)
	close(stop)
	wg.Wait()
	for v := 0; v < 7; v++ {
		q := fmt.Sprintf("SELECT count(*) FROM t WHERE v = %d", v)
		byIndex := rowsOf(ddlExec(t, a, q))
		byScan := rowsOf(ddlExec(t, a, fmt.Sprintf("SELECT count(*) FROM t WHERE v + 0 = %d", v)))
		if byIndex != byScan {
			t.Fatalf("v = %d: %s rows through the index, %s by a scan", v, byIndex, byScan)
		}
	}
}

// TestConcurrentCreateIndex: DDL on one table serializes on the
// descriptor's lock, and the second CREATE INDEX builds on the first's
// committed descriptor instead of overwriting it.
func TestConcurrentCreateIndex(t *testing.T) {
	e := ddlEngine(t)
	a, b := ddlSession(t, e, "a"), ddlSession(t, e, "b")
	ddlExec(t, a, "CREATE TABLE t (id INT PRIMARY KEY, v INT, w INT)")
	ddlExec(t, a, "INSERT INTO t VALUES (1, 1, 1)")
	ddlExec(t, a, "BEGIN; CREATE INDEX t_v ON t (v)")
	done := make(chan error, 1)
	go func() {
		_, err := b.Exec(context.Background(), "CREATE INDEX t_w ON t (w)")
		done <- err
	}()
	select {
	case err := <-done:
		t.Fatalf("second CREATE INDEX did not wait: %v", err)
	case <-time.After(50 * time.Millisecond):
	}
	ddlExec(t, a, "COMMIT")
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	tab, err := catalogTable(e, "t")
	if err != nil {
		t.Fatal(err)
	}
	if len(tab.Indexes) != 2 || tab.Indexes[0].ID == tab.Indexes[1].ID {
		t.Fatalf("descriptor indexes %+v", tab.Indexes)
	}
	if got := rowsOf(ddlExec(t, a, "SELECT id FROM t WHERE w = 1")); got != "1" {
		t.Fatal(got)
	}
}
