package sql_test

import (
	"testing"

	"github.com/persiandb/persiandb/sql/pgerr"
)

// Advisory locks as PostgreSQL 15 has them (the cases were run against
// it): session locks are reentrant and held until unlocked as often as
// taken; the bigint and two-integer forms are different locks; shared
// locks exclude only exclusive ones; transaction locks end with the
// transaction (or a rollback to a savepoint before them); a waiting
// lock wakes when the holder lets go, and a cycle of waits is 40P01.
func TestAdvisoryLocks(t *testing.T) {
	e := newEngine(t)
	a, b := engineSession(t, e), engineSession(t, e)
	mustExec(t, a, "SELECT pg_advisory_lock(1); SELECT pg_advisory_lock(1)")
	wantRows(t, b, "SELECT pg_try_advisory_lock(1), pg_try_advisory_lock(0, 1)", []string{"f", "t"})
	mustExec(t, b, "SELECT pg_advisory_unlock(0, 1)")
	wantRows(t, a, "SELECT pg_advisory_unlock(1)", []string{"t"})
	wantRows(t, b, "SELECT pg_try_advisory_lock(1)", []string{"f"}) // taken twice, released once
	wait := blocked(t, b, "SELECT pg_advisory_lock(1)")
	wantRows(t, a, "SELECT pg_advisory_unlock(1), pg_advisory_unlock(1)", []string{"t", "f"})
	if _, err := wait(); err != nil {
		t.Fatal(err)
	}
	mustExec(t, b, "SELECT pg_advisory_unlock_all()")

	// Shared and exclusive.
	mustExec(t, a, "SELECT pg_advisory_lock_shared(2)")
	wantRows(t, b, "SELECT pg_try_advisory_lock_shared(2), pg_try_advisory_lock(2)", []string{"t", "f"})
	mustExec(t, a, "SELECT pg_advisory_unlock_shared(2)")
	wantRows(t, b, "SELECT pg_try_advisory_lock(2)", []string{"t"}) // its own shared lock does not conflict
	mustExec(t, b, "SELECT pg_advisory_unlock_all()")

	// Transaction level: released at commit, and by a rollback to a
	// savepoint taken before it; pg_advisory_unlock does not release it.
	mustExec(t, a, "BEGIN; SELECT pg_advisory_xact_lock(3)")
	wantRows(t, a, "SELECT pg_advisory_unlock(3)", []string{"f"})
	wantRows(t, b, "SELECT pg_try_advisory_xact_lock(3)", []string{"f"})
	mustExec(t, a, "SAVEPOINT s; SELECT pg_advisory_xact_lock(4); ROLLBACK TO s")
	wantRows(t, b, "SELECT pg_try_advisory_xact_lock(4)", []string{"t"})
	mustExec(t, a, "COMMIT")
	wantRows(t, b, "SELECT pg_try_advisory_xact_lock(3)", []string{"t"})

	// A session's end releases its locks.
	c := engineSession(t, e)
	mustExec(t, c, "SELECT pg_advisory_lock(5)")
	c.Close()
	wantRows(t, b, "SELECT pg_try_advisory_lock(5)", []string{"t"})
	mustExec(t, b, "SELECT pg_advisory_unlock_all()")

	// A cycle of waits.
	mustExec(t, a, "SELECT pg_advisory_lock(10)")
	mustExec(t, b, "SELECT pg_advisory_lock(11)")
	wait = blocked(t, a, "SELECT pg_advisory_lock(11)")
	wantCode(t, b, "SELECT pg_advisory_lock(10)", pgerr.DeadlockDetected, "")
	mustExec(t, b, "SELECT pg_advisory_unlock_all()")
	if _, err := wait(); err != nil {
		t.Fatal(err)
	}
	mustExec(t, a, "SELECT pg_advisory_unlock_all()")

	// Unlocking a lock not held warns, as in Postgres.
	r := mustExec(t, a, "SELECT pg_advisory_unlock(99)")
	if n := r[len(r)-1].Notices; len(n) != 1 || n[0].Message != "you don't own a lock of type ExclusiveLock" {
		t.Fatalf("notices %v", n)
	}
	wantRows(t, a, "SELECT txid_current() > 0", []string{"t"})
}
