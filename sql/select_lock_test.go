package sql_test

import (
	"testing"

	"github.com/persiandb/persiandb/sql/pgerr"
)

// SELECT ... FOR UPDATE and its variants, as PostgreSQL 15 behaves (each
// case was run against it): the rows returned are locked until the
// transaction ends; under READ COMMITTED a row changed by a transaction
// that committed while we waited is read again (and dropped if it no
// longer matches); under REPEATABLE READ that is a serialization
// failure; NOWAIT fails with 55P03; SKIP LOCKED leaves held rows out,
// LIMIT counting only the rows returned.
func TestSelectForUpdate(t *testing.T) {
	e := newEngine(t)
	a, b, c := engineSession(t, e), engineSession(t, e), engineSession(t, e)
	mustExec(t, a, "CREATE TABLE jobs (id integer PRIMARY KEY, state text, n integer)")
	reset := func() {
		mustExec(t, a, "DELETE FROM jobs; INSERT INTO jobs VALUES (1, 'new', 0), (2, 'new', 0), (3, 'new', 0)")
	}

	t.Run("locks the rows returned, only those", func(t *testing.T) {
		reset()
		mustExec(t, a, "BEGIN")
		wantRows(t, a, "SELECT id FROM jobs WHERE id <= 2 ORDER BY id FOR UPDATE", []string{"1"}, []string{"2"})
		mustExec(t, c, "UPDATE jobs SET n = 7 WHERE id = 3")
		wait := blocked(t, b, "UPDATE jobs SET n = n + 1 WHERE id = 2")
		mustExec(t, a, "COMMIT")
		if r, err := wait(); err != nil || r.Tag != "UPDATE 1" {
			t.Fatalf("got %v %v, want UPDATE 1", r, err)
		}
	})

	t.Run("read committed reads a changed row again", func(t *testing.T) {
		reset()
		mustExec(t, a, "BEGIN; UPDATE jobs SET n = 5 WHERE id = 1; UPDATE jobs SET state = 'done' WHERE id = 2")
		wait := blocked(t, b, "SELECT id, n FROM jobs WHERE state = 'new' ORDER BY id FOR UPDATE")
		mustExec(t, a, "COMMIT")
		r, err := wait()
		if err != nil || !sameRows(rowsText(r), []string{"1", "5"}, []string{"3", "0"}) {
			t.Fatalf("got %v %v, want rows 1 (n = 5, the committed value) and 3 (2 no longer matches)", r, err)
		}
	})

	t.Run("repeatable read fails on a changed row", func(t *testing.T) {
		reset()
		mustExec(t, b, "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT 1")
		mustExec(t, a, "UPDATE jobs SET n = 1 WHERE id = 1")
		wantCode(t, b, "SELECT id FROM jobs WHERE id = 1 FOR UPDATE", pgerr.SerializationFailure, "")
		mustExec(t, b, "ROLLBACK")
	})

	t.Run("nowait", func(t *testing.T) {
		reset()
		mustExec(t, a, "BEGIN; SELECT id FROM jobs WHERE id = 2 FOR UPDATE")
		wantCode(t, b, "SELECT id FROM jobs WHERE id >= 2 FOR UPDATE NOWAIT", pgerr.LockNotAvailable,
			`could not obtain lock on row in relation "jobs"`)
		mustExec(t, a, "COMMIT")
	})

	t.Run("skip locked: a queue of workers", func(t *testing.T) {
		reset()
		mustExec(t, a, "BEGIN")
		wantRows(t, a, "SELECT id FROM jobs ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED", []string{"1"})
		mustExec(t, b, "BEGIN")
		wantRows(t, b, "SELECT id FROM jobs ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED", []string{"2"})
		wantRows(t, c, "SELECT id FROM jobs ORDER BY id FOR SHARE SKIP LOCKED", []string{"3"})
		mustExec(t, a, "COMMIT; ")
		mustExec(t, b, "COMMIT")
	})

	t.Run("deleted while waiting", func(t *testing.T) {
		reset()
		mustExec(t, a, "BEGIN; DELETE FROM jobs WHERE id = 1")
		wait := blocked(t, b, "SELECT id FROM jobs ORDER BY id LIMIT 2 FOR UPDATE")
		mustExec(t, a, "COMMIT")
		r, err := wait()
		if err != nil || !sameRows(rowsText(r), []string{"2"}, []string{"3"}) {
			t.Fatalf("got %v %v, want rows 2 and 3", r, err)
		}
	})

	t.Run("of, and what cannot be locked", func(t *testing.T) {
		reset()
		wantRows(t, a, "SELECT j.id FROM jobs j WHERE j.id = 1 FOR UPDATE OF j", []string{"1"})
		wantCode(t, a, "SELECT id FROM jobs FOR UPDATE OF nosuch", pgerr.UndefinedTable, "")
		wantCode(t, a, "SELECT count(*) FROM jobs FOR UPDATE", pgerr.FeatureNotSupported,
			"FOR UPDATE is not allowed with aggregate functions")
		wantCode(t, a, "SELECT DISTINCT state FROM jobs FOR SHARE", pgerr.FeatureNotSupported,
			"FOR SHARE is not allowed with DISTINCT clause")
		wantCode(t, a, "SELECT * FROM jobs a, jobs b FOR UPDATE", pgerr.FeatureNotSupported, "")
	})
}
