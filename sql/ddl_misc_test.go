package sql_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/persiandb/persiandb/sql/pgerr"
)

// TestNextvalConcurrent: sessions calling nextval at once never get the
// same value, and rolled-back values are not handed out again.
func TestNextvalConcurrent(t *testing.T) {
	e := ddlEngine(t)
	ddlExec(t, ddlSession(t, e, "setup"), "CREATE SEQUENCE s")
	const sessions, calls = 8, 100
	var mu sync.Mutex
	seen := map[int64]bool{}
	var wg sync.WaitGroup
	for i := 0; i < sessions; i++ {
		s := ddlSession(t, e, fmt.Sprintf("s%d", i))
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for j := 0; j < calls; j++ {
				q := "SELECT nextval('s')"
				if j%3 == 0 {
					q = "BEGIN; SELECT nextval('s'); ROLLBACK"
				}
				rs, err := s.Exec(context.Background(), q)
				if err != nil {
					t.Errorf("%s: %v", q, err)
					return
				}
				r := rs[0]
				if len(rs) > 1 {
					r = rs[1]
				}
				v := r.Rows[0][0].AsInt64()
				mu.Lock()
				if seen[v] {
					t.Errorf("value %d handed out twice", v)
				}
				seen[v] = true
				mu.Unlock()
			}
		}(i)
	}
	wg.Wait()
	if len(seen) != sessions*calls {
		t.Fatalf("%d distinct values, want %d", len(seen), sessions*calls)
	}
	for v := int64(1); v <= sessions*calls; v++ {
		if !seen[v] {
			t.Fatalf("value %d skipped", v)
		}
	}
}

// TestSequenceStateAPI: the counters live in the
// catalog's memory; SequenceStates and SetSequenceState are what a
// checkpoint and its recovery use.
func TestSequenceStateAPI(t *testing.T) {
	e := ddlEngine(t)
	s := ddlSession(t, e, "a")
	ddlExec(t, s, "CREATE SEQUENCE s START 5")
	ddlExec(t, s, "SELECT nextval('s'), nextval('s')")
	states := e.Catalog().SequenceStates()
	if len(states) != 1 {
		t.Fatalf("states %v", states)
	}
	for id, st := range states {
		if st.Value != 6 || !st.Called {
			t.Fatalf("state %+v, want 6 called", st)
		}
		st.Value = 41
		e.Catalog().SetSequenceState(id, st)
	}
	if got := rowsOf(ddlExec(t, s, "SELECT nextval('s')")); got != "42" {
		t.Fatalf("nextval after restore %s, want 42", got)
	}
}

// TestViewRenameRefused records a divergence from Postgres: views are
// stored as text, so renaming what a view names is refused rather than
// followed.
func TestViewRenameRefused(t *testing.T) {
	e := ddlEngine(t)
	s := ddlSession(t, e, "a")
	ddlExec(t, s, "CREATE TABLE t (a INT, b INT); CREATE VIEW v AS SELECT a FROM t")
	ddlErr(t, s, "ALTER TABLE t RENAME TO u", pgerr.FeatureNotSupported)
	ddlErr(t, s, "ALTER TABLE t RENAME COLUMN a TO c", pgerr.FeatureNotSupported)
	// A column the view does not use may be renamed or dropped.
	ddlExec(t, s, "ALTER TABLE t RENAME COLUMN b TO c")
	ddlExec(t, s, "ALTER TABLE t DROP COLUMN c")
	ddlExec(t, s, "SELECT * FROM v")
}

// TestAddPrimaryKeyOlderSnapshot: ADD PRIMARY KEY copies the rows into
// new storage; a snapshot from before it keeps reading the old storage
// until it ends.
func TestAddPrimaryKeyOlderSnapshot(t *testing.T) {
	e := ddlEngine(t)
	a, r := ddlSession(t, e, "a"), ddlSession(t, e, "r")
	ddlExec(t, a, "CREATE TABLE t (k INT, v TEXT)")
	ddlExec(t, a, "INSERT INTO t VALUES (2, 'b'), (1, 'a')")
	ddlExec(t, r, "BEGIN ISOLATION LEVEL REPEATABLE READ")
	ddlExec(t, r, "SELECT 1")
	ddlExec(t, a, "ALTER TABLE t ADD PRIMARY KEY (k)")
	ddlExec(t, a, "INSERT INTO t VALUES (3, 'c')")
	e.Catalog().Reap()
	if got := rowsOf(ddlExec(t, r, "SELECT k FROM t ORDER BY k")); got != "1|2" {
		t.Fatalf("older snapshot: %s", got)
	}
	ddlExec(t, r, "COMMIT")
	e.Catalog().Reap()
	if got := rowsOf(ddlExec(t, a, "SELECT k, v FROM t")); got != "1 a|2 b|3 c" {
		t.Fatalf("rows under the new key: %s", got)
	}
	ddlErr(t, a, "INSERT INTO t VALUES (1, 'again')", pgerr.UniqueViolation)
}

// TestTruncateIsolation: TRUNCATE's deletes are invisible until it
// commits, and a writer of a row it deleted waits for it.
func TestTruncateIsolation(t *testing.T) {
	e := ddlEngine(t)
	a, b := ddlSession(t, e, "a"), ddlSession(t, e, "b")
	ddlExec(t, a, "CREATE TABLE t (k INT PRIMARY KEY, v INT)")
	ddlExec(t, a, "INSERT INTO t SELECT g, g FROM generate_series(1, 1000) AS g")
	ddlExec(t, a, "BEGIN; TRUNCATE t")
	if got := rowsOf(ddlExec(t, b, "SELECT count(*) FROM t")); got != "1000" {
		t.Fatalf("uncommitted TRUNCATE visible: %s", got)
	}
	done := make(chan error, 1)
	go func() {
		_, err := b.Exec(context.Background(), "UPDATE t SET v = 0 WHERE k = 5")
		done <- err
	}()
	ddlExec(t, a, "COMMIT")
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := rowsOf(ddlExec(t, b, "SELECT count(*) FROM t")); got != "0" {
		t.Fatalf("after TRUNCATE: %s", got)
	}
}

// TestAlterAddColumnOlderSnapshot: a snapshot from before ADD COLUMN
// reads the old rows with the old columns.
func TestAlterAddColumnOlderSnapshot(t *testing.T) {
	e := ddlEngine(t)
	a, r := ddlSession(t, e, "a"), ddlSession(t, e, "r")
	ddlExec(t, a, "CREATE TABLE t (k INT PRIMARY KEY)")
	ddlExec(t, a, "INSERT INTO t VALUES (1), (2)")
	ddlExec(t, r, "BEGIN ISOLATION LEVEL REPEATABLE READ")
	ddlExec(t, r, "SELECT 1")
	ddlExec(t, a, "ALTER TABLE t ADD COLUMN v INT DEFAULT 5")
	ddlExec(t, a, "CREATE INDEX t_v ON t (v)")
	if got := rowsOf(ddlExec(t, r, "SELECT * FROM t")); got != "1|2" {
		t.Fatalf("older snapshot: %s", got)
	}
	ddlExec(t, r, "COMMIT")
	if got := rowsOf(ddlExec(t, a, "SELECT k FROM t WHERE v = 5")); got != "1|2" {
		t.Fatalf("through the index on the new column: %s", got)
	}
}
