package sql_test

import (
	"context"
	"testing"
	"time"

	"github.com/persiandb/persiandb/sql"
	"github.com/persiandb/persiandb/sql/catalog"
	"github.com/persiandb/persiandb/sql/pgerr"
)

// blocked runs q on s in a goroutine and checks that it waits (for a lock
// another session holds); the returned function waits for its result.
func blocked(t *testing.T, s *sql.Session, q string) func() (*sql.Result, error) {
	t.Helper()
	type res struct {
		r   *sql.Result
		err error
	}
	ch := make(chan res, 1)
	go func() {
		r, err := s.ExecOne(context.Background(), q)
		ch <- res{r, err}
	}()
	select {
	case r := <-ch:
		t.Fatalf("%s did not wait: %v %v", q, r.r, r.err)
	case <-time.After(50 * time.Millisecond):
	}
	return func() (*sql.Result, error) {
		select {
		case r := <-ch:
			return r.r, r.err
		case <-time.After(10 * time.Second):
			t.Fatalf("%s still waits", q)
			return nil, nil
		}
	}
}

// Under READ COMMITTED a write that waited for another writer applies to
// the newest committed version, re-checking its WHERE there (Postgres's
// EvalPlanQual); the anomalies each case rules out are in its name.
func TestReadCommittedReevaluation(t *testing.T) {
	e := newEngine(t)
	a, b := engineSession(t, e), engineSession(t, e)
	mustExec(t, a, "CREATE TABLE acct (id integer PRIMARY KEY, bal integer, tag text)")
	reset := func() {
		mustExec(t, a, "DELETE FROM acct; INSERT INTO acct VALUES (1, 100, 'a'), (2, 100, 'b')")
	}

	t.Run("lost update", func(t *testing.T) {
		reset()
		mustExec(t, a, "BEGIN; UPDATE acct SET bal = bal + 10 WHERE id = 1")
		wait := blocked(t, b, "UPDATE acct SET bal = bal * 2 WHERE id = 1 RETURNING bal")
		mustExec(t, a, "COMMIT")
		r, err := wait()
		if err != nil || r.Tag != "UPDATE 1" || !sameRows(rowsText(r), []string{"220"}) {
			t.Fatalf("got %v %v, want UPDATE 1 returning 220", r, err)
		}
	})

	t.Run("predicate no longer true", func(t *testing.T) {
		reset()
		mustExec(t, a, "BEGIN; UPDATE acct SET tag = 'z' WHERE id = 1")
		wait := blocked(t, b, "UPDATE acct SET bal = 0 WHERE tag = 'a'")
		mustExec(t, a, "COMMIT")
		if r, err := wait(); err != nil || r.Tag != "UPDATE 0" {
			t.Fatalf("got %v %v, want UPDATE 0", r, err)
		}
		wantRows(t, a, "SELECT bal FROM acct WHERE id = 1", []string{"100"})
	})

	t.Run("delete of a row deleted meanwhile", func(t *testing.T) {
		reset()
		mustExec(t, a, "BEGIN; DELETE FROM acct WHERE id = 2")
		wait := blocked(t, b, "DELETE FROM acct WHERE bal = 100")
		mustExec(t, a, "COMMIT")
		if r, err := wait(); err != nil || r.Tag != "DELETE 1" {
			t.Fatalf("got %v %v, want DELETE 1 (row 1 only)", r, err)
		}
	})

	t.Run("delete re-checks", func(t *testing.T) {
		reset()
		mustExec(t, a, "BEGIN; UPDATE acct SET bal = 50 WHERE id = 1")
		wait := blocked(t, b, "DELETE FROM acct WHERE id = 1 AND bal = 100")
		mustExec(t, a, "COMMIT")
		if r, err := wait(); err != nil || r.Tag != "DELETE 0" {
			t.Fatalf("got %v %v, want DELETE 0", r, err)
		}
	})

	t.Run("rollback releases", func(t *testing.T) {
		reset()
		mustExec(t, a, "BEGIN; UPDATE acct SET bal = 1 WHERE id = 1")
		wait := blocked(t, b, "UPDATE acct SET bal = bal + 1 WHERE id = 1 RETURNING bal")
		mustExec(t, a, "ROLLBACK")
		if r, err := wait(); err != nil || !sameRows(rowsText(r), []string{"101"}) {
			t.Fatalf("got %v %v, want 101", r, err)
		}
	})

	t.Run("repeatable read fails instead", func(t *testing.T) {
		reset()
		mustExec(t, b, "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT 1 FROM acct")
		mustExec(t, a, "UPDATE acct SET bal = 7 WHERE id = 1")
		if e := execErr(t, b, "UPDATE acct SET bal = bal + 1 WHERE id = 1"); e == nil || e.Code != pgerr.SerializationFailure {
			t.Fatalf("got %v, want 40001", e)
		}
		mustExec(t, b, "ROLLBACK")
	})

	t.Run("on conflict waits for the inserter", func(t *testing.T) {
		reset()
		mustExec(t, a, "BEGIN; INSERT INTO acct VALUES (3, 1, 'new')")
		wait := blocked(t, b, "INSERT INTO acct VALUES (3, 5, 'mine') ON CONFLICT (id) DO UPDATE SET bal = acct.bal + excluded.bal RETURNING bal, tag")
		mustExec(t, a, "COMMIT")
		if r, err := wait(); err != nil || !sameRows(rowsText(r), []string{"6", "new"}) {
			t.Fatalf("got %v %v, want 6 new", r, err)
		}
	})

	t.Run("on conflict after the inserter rolled back", func(t *testing.T) {
		reset()
		mustExec(t, a, "BEGIN; INSERT INTO acct VALUES (4, 1, 'new')")
		wait := blocked(t, b, "INSERT INTO acct VALUES (4, 5, 'mine') ON CONFLICT (id) DO UPDATE SET bal = 0 RETURNING bal, tag")
		mustExec(t, a, "ROLLBACK")
		if r, err := wait(); err != nil || !sameRows(rowsText(r), []string{"5", "mine"}) {
			t.Fatalf("got %v %v, want 5 mine", r, err)
		}
	})
}

// A child's parent check locks the parent row, so a concurrent delete of
// the parent waits and then sees the child (no orphan commits), and a
// child inserted after a concurrent delete sees the parent gone.
func TestFKConcurrentParentDelete(t *testing.T) {
	e := newEngine(t)
	createTables(t, e,
		tdesc{name: "p", cols: []string{"id"}, pk: 1},
		tdesc{name: "c", cols: []string{"id", "pid"}, pk: 1, fks: []catalog.ForeignKey{fk("c_pid_fkey", []int{1}, "p", []int{0}, "", "")}},
	)
	a, b := engineSession(t, e), engineSession(t, e)
	mustExec(t, a, "INSERT INTO p VALUES (1), (2)")

	mustExec(t, a, "BEGIN; INSERT INTO c VALUES (1, 1)")
	wait := blocked(t, b, "DELETE FROM p WHERE id = 1")
	mustExec(t, a, "COMMIT")
	if _, err := wait(); pgerr.CodeOf(err) != pgerr.ForeignKeyViolation {
		t.Fatalf("delete of a parent that gained a child: %v, want 23503", err)
	}

	mustExec(t, b, "BEGIN; DELETE FROM p WHERE id = 2")
	wait = blocked(t, a, "INSERT INTO c VALUES (2, 2)")
	mustExec(t, b, "COMMIT")
	if _, err := wait(); pgerr.CodeOf(err) != pgerr.ForeignKeyViolation {
		t.Fatalf("child of a parent deleted meanwhile: %v, want 23503", err)
	}
	wantRows(t, a, "SELECT id, pid FROM c", []string{"1", "1"})
	wantRows(t, a, "SELECT id FROM p", []string{"1"})
}
