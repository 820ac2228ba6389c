package txn

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/persiandb/persiandb/storage"
)

func mustSavepoint(t testing.TB, tx *Txn, name string) {
	t.Helper()
	if err := tx.Savepoint(name); err != nil {
		t.Fatalf("savepoint %s: %v", name, err)
	}
}

func mustRollbackTo(t testing.TB, tx *Txn, name string) {
	t.Helper()
	if err := tx.RollbackTo(name); err != nil {
		t.Fatalf("rollback to %s: %v", name, err)
	}
	tx.NewStatement()
}

// TestRollbackToSavepoint: ROLLBACK TO undoes the updates, deletes and
// inserts made after the savepoint (including a second update of a row
// first updated before it) and keeps those made before; the transaction
// goes on and commits exactly the kept writes.
func TestRollbackToSavepoint(t *testing.T) {
	for _, level := range levels {
		t.Run(level.String(), func(t *testing.T) {
			e := newEnv(t, Options{})
			e.load(10, 20, 30)
			tx := e.begin(level)
			e.mustUpdate(tx, 0, set(11))
			e.mustInsert(tx, 4, 40)
			tx.NewStatement()
			mustSavepoint(t, tx, "a")
			e.mustUpdate(tx, 0, set(12))
			e.mustUpdate(tx, 1, set(21))
			e.mustDelete(tx, 2)
			e.mustInsert(tx, 3, 30)
			e.mustDelete(tx, 4)
			tx.NewStatement()
			wantRows(t, "before rollback", e.scan(tx, nil, nil), map[int]int64{0: 12, 1: 21, 3: 30})
			mustRollbackTo(t, tx, "a")
			wantRows(t, "after rollback", e.scan(tx, nil, nil), map[int]int64{0: 11, 1: 20, 2: 30, 4: 40})
			// Others never saw any of it.
			wantRows(t, "committed while running", e.committed(), map[int]int64{0: 10, 1: 20, 2: 30})
			// The savepoint stays: work after it can be rolled back again.
			e.mustUpdate(tx, 1, set(22))
			mustRollbackTo(t, tx, "a")
			e.mustUpdate(tx, 2, set(31))
			mustCommit(t, tx)
			wantRows(t, "committed", e.committed(), map[int]int64{0: 11, 1: 20, 2: 31, 4: 40})
		})
	}
}

// TestRollbackToSavepointReleasesLocks: a transaction blocked on a row
// locked after a savepoint (by an update, a delete or an insert of a new
// key) proceeds as soon as the holder rolls back to the savepoint, while
// the holder is still running, as in Postgres (the waiter waits for the
// subtransaction). A row locked before the savepoint stays locked. At
// every level the waiter's write succeeds: the row is back to the version
// it had at the waiter's snapshot.
func TestRollbackToSavepointReleasesLocks(t *testing.T) {
	for _, level := range levels {
		for _, kind := range []string{"update", "delete", "insert"} {
			t.Run(level.String()+"/"+kind, func(t *testing.T) {
				e := newEnv(t, Options{})
				e.load(10, 20)
				holder, waiter := e.begin(ReadCommitted), e.begin(level)
				e.mustGet(waiter, 1, 20) // the waiter's snapshot
				waiter.NewStatement()
				e.mustUpdate(holder, 0, add(1)) // before the savepoint
				mustSavepoint(t, holder, "s")
				key := 1
				switch kind {
				case "update":
					e.mustUpdate(holder, 1, add(1))
				case "delete":
					e.mustDelete(holder, 1)
				case "insert":
					key = 5
					e.mustInsert(holder, 5, 50)
				}
				w := async(func() (bool, error) {
					if kind == "insert" {
						return true, waiter.Insert(context.Background(), e.tbl, k(5), v(55))
					}
					return waiter.Update(context.Background(), e.tbl, k(key), add(100))
				})
				w.mustBlock(t, blockedFor)
				// A waiter on the row locked before the savepoint.
				w0s := e.begin(ReadCommitted)
				w0 := async(func() (bool, error) { return w0s.Update(context.Background(), e.tbl, k(0), add(1000)) })
				w0.mustBlock(t, blockedFor)

				mustRollbackTo(t, holder, "s")
				if ok, err := w.wait(t); err != nil || !ok {
					t.Fatalf("waiter after rollback to savepoint: ok=%v err=%v", ok, err)
				}
				w0.mustBlock(t, blockedFor)
				mustCommit(t, waiter)

				mustCommit(t, holder)
				if ok, err := w0.wait(t); err != nil || !ok {
					t.Fatalf("waiter on row 0: ok=%v err=%v", ok, err)
				}
				mustCommit(t, w0s)
				want := map[int]int64{0: 1011, 1: 120}
				if kind == "insert" {
					want = map[int]int64{0: 1011, 1: 20, 5: 55}
				}
				wantRows(t, "final", e.committed(), want)
			})
		}
	}
}

// TestDeadlockVictimRollsBackToSavepoint: the victim of a deadlock may
// roll back to a savepoint taken before its locks instead of aborting;
// that breaks the cycle, the other transaction commits, and the victim
// redoes its work and commits too (READ COMMITTED: both increments land).
func TestDeadlockVictimRollsBackToSavepoint(t *testing.T) {
	e := newEnv(t, Options{DeadlockTimeout: deadlockTimeout})
	e.load(0, 0)
	tx := []*Txn{e.begin(ReadCommitted), e.begin(ReadCommitted)}
	for n, x := range tx {
		mustSavepoint(t, x, "s")
		e.mustUpdate(x, n, add(1))
	}
	ops := make([]*op, 2)
	committed := []chan struct{}{make(chan struct{}), make(chan struct{})}
	for n, x := range tx {
		ops[n] = async(func() (bool, error) {
			ok, err := x.Update(context.Background(), e.tbl, k(1-n), add(1))
			if errors.Is(err, ErrDeadlock) {
				if err := x.RollbackTo("s"); err != nil {
					return false, err
				}
				x.NewStatement()
				// Redo once the winner is through; redoing at once could
				// take row n back before the woken winner gets it and
				// deadlock again (lock waits are not queued).
				select {
				case <-committed[1-n]:
				case <-time.After(finishWithin):
					return false, errors.New("winner did not commit after the victim's rollback to savepoint")
				}
				for _, i := range []int{n, 1 - n} {
					if ok, err := x.Update(context.Background(), e.tbl, k(i), add(1)); err != nil || !ok {
						return ok, err
					}
				}
				return false, x.Commit()
			}
			if err != nil || !ok {
				return ok, err
			}
			err = x.Commit()
			close(committed[n])
			return true, err
		})
	}
	deadlocks := 0
	for n, o := range ops {
		ok, err := o.wait(t)
		if err != nil {
			t.Fatalf("txn %d: %v", n, err)
		}
		if !ok {
			deadlocks++
		}
	}
	if deadlocks != 1 {
		t.Fatalf("%d deadlock victims, want 1", deadlocks)
	}
	wantRows(t, "final", e.committed(), map[int]int64{0: 2, 1: 2})
}

// TestNestedSavepoints: rolling back to an outer savepoint undoes the work
// after the inner ones too and destroys the inner savepoints; rolling back
// to an inner one keeps the outer work.
func TestNestedSavepoints(t *testing.T) {
	e := newEnv(t, Options{})
	e.load(0)
	tx := e.begin(ReadCommitted)
	mustSavepoint(t, tx, "a")
	e.mustInsert(tx, 1, 1)
	mustSavepoint(t, tx, "b")
	e.mustInsert(tx, 2, 2)
	mustSavepoint(t, tx, "c")
	e.mustInsert(tx, 3, 3)
	tx.NewStatement()
	mustRollbackTo(t, tx, "b")
	wantRows(t, "after rollback to b", e.scan(tx, nil, nil), map[int]int64{0: 0, 1: 1})
	if err := tx.RollbackTo("c"); !errors.Is(err, ErrNoSavepoint) {
		t.Fatalf("rollback to c, destroyed by rollback to b: %v", err)
	}
	e.mustInsert(tx, 4, 4)
	mustSavepoint(t, tx, "d")
	e.mustInsert(tx, 5, 5)
	mustRollbackTo(t, tx, "d")
	wantRows(t, "after rollback to d", e.scan(tx, nil, nil), map[int]int64{0: 0, 1: 1, 4: 4})
	mustRollbackTo(t, tx, "a")
	wantRows(t, "after rollback to a", e.scan(tx, nil, nil), map[int]int64{0: 0})
	for _, name := range []string{"b", "d"} {
		if err := tx.RollbackTo(name); !errors.Is(err, ErrNoSavepoint) {
			t.Fatalf("rollback to %s after rollback to a: %v", name, err)
		}
	}
	e.mustInsert(tx, 6, 6)
	mustCommit(t, tx)
	wantRows(t, "committed", e.committed(), map[int]int64{0: 0, 6: 6})
}

// TestSavepointSameName: a savepoint named like an earlier one hides it;
// releasing the newer one makes the older one reachable again.
func TestSavepointSameName(t *testing.T) {
	e := newEnv(t, Options{})
	e.load(0)
	tx := e.begin(ReadCommitted)
	mustSavepoint(t, tx, "s")
	e.mustUpdate(tx, 0, set(1))
	mustSavepoint(t, tx, "s")
	e.mustUpdate(tx, 0, set(2))
	tx.NewStatement()
	mustRollbackTo(t, tx, "s")
	e.mustGet(tx, 0, 1)
	if err := tx.Release("s"); err != nil {
		t.Fatal(err)
	}
	mustRollbackTo(t, tx, "s")
	e.mustGet(tx, 0, 0)
	if err := tx.Release("s"); err != nil {
		t.Fatal(err)
	}
	if err := tx.RollbackTo("s"); !errors.Is(err, ErrNoSavepoint) {
		t.Fatalf("rollback to s after releasing both: %v", err)
	}
	mustCommit(t, tx)
	wantRows(t, "committed", e.committed(), map[int]int64{0: 0})
}

// TestReleaseSavepoint: RELEASE keeps the work done since the savepoint
// and destroys the savepoint and the later ones; the work commits.
func TestReleaseSavepoint(t *testing.T) {
	e := newEnv(t, Options{})
	e.load(0)
	tx := e.begin(RepeatableRead)
	mustSavepoint(t, tx, "a")
	e.mustInsert(tx, 1, 1)
	mustSavepoint(t, tx, "b")
	e.mustInsert(tx, 2, 2)
	if err := tx.Release("a"); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"a", "b"} {
		if err := tx.RollbackTo(name); !errors.Is(err, ErrNoSavepoint) {
			t.Fatalf("rollback to %s after release of a: %v", name, err)
		}
	}
	tx.NewStatement()
	wantRows(t, "after release", e.scan(tx, nil, nil), map[int]int64{0: 0, 1: 1, 2: 2})
	mustCommit(t, tx)
	wantRows(t, "committed", e.committed(), map[int]int64{0: 0, 1: 1, 2: 2})
}

// TestUnknownSavepoint: ROLLBACK TO or RELEASE of a savepoint that does not
// exist fails with ErrNoSavepoint and changes nothing; savepoint commands
// on a finished transaction fail with ErrDone.
func TestUnknownSavepoint(t *testing.T) {
	e := newEnv(t, Options{})
	e.load(0)
	tx := e.begin(ReadCommitted)
	mustSavepoint(t, tx, "a")
	e.mustUpdate(tx, 0, set(1))
	if err := tx.RollbackTo("nope"); !errors.Is(err, ErrNoSavepoint) {
		t.Fatalf("rollback to unknown: %v", err)
	}
	if err := tx.Release("nope"); !errors.Is(err, ErrNoSavepoint) {
		t.Fatalf("release unknown: %v", err)
	}
	tx.NewStatement()
	e.mustGet(tx, 0, 1)
	mustCommit(t, tx)
	wantRows(t, "committed", e.committed(), map[int]int64{0: 1})
	for name, err := range map[string]error{
		"savepoint":   tx.Savepoint("b"),
		"rollback to": tx.RollbackTo("a"),
		"release":     tx.Release("a"),
	} {
		if !errors.Is(err, ErrDone) {
			t.Fatalf("%s after commit: %v", name, err)
		}
	}
}

// TestSavepointInsertRolledBack: a key inserted after a savepoint and
// rolled back is absent: the transaction itself can insert it again, and
// another transaction can insert it without waiting, after which the first
// sees the other's row and cannot insert it any more.
func TestSavepointInsertRolledBack(t *testing.T) {
	e := newEnv(t, Options{})
	e.load(0)
	t1 := e.begin(ReadCommitted)
	mustSavepoint(t, t1, "s")
	e.mustInsert(t1, 5, 1)
	mustRollbackTo(t, t1, "s")
	e.mustAbsent(t1, 5)
	e.mustInsert(t1, 5, 2) // insertable again by the same transaction
	mustRollbackTo(t, t1, "s")
	e.mustAbsent(t1, 5)

	t2 := e.begin(ReadCommitted)
	ins := async(func() (bool, error) { return true, t2.Insert(context.Background(), e.tbl, k(5), v(3)) })
	if _, err := ins.wait(t); err != nil {
		t.Fatalf("other transaction's insert: %v", err)
	}
	mustCommit(t, t2)

	t1.NewStatement()
	e.mustGet(t1, 5, 3)
	if err := t1.Insert(context.Background(), e.tbl, k(5), v(4)); !errors.Is(err, ErrUniqueViolation) {
		t.Fatalf("insert of the other's key: %v", err)
	}
	mustCommit(t, t1)
	wantRows(t, "committed", e.committed(), map[int]int64{0: 0, 5: 3})
}

// TestSerializableReadsSurviveRollbackTo: a SERIALIZABLE transaction's reads
// made after a savepoint still count after ROLLBACK TO it (what it read may
// have shaped what it does next), as Postgres keeps such predicate locks:
// a concurrent change to such a row fails the commit with 40001.
func TestSerializableReadsSurviveRollbackTo(t *testing.T) {
	e := newEnv(t, Options{})
	e.load(0, 0)
	tx := e.begin(Serializable)
	mustSavepoint(t, tx, "s")
	e.mustGet(tx, 0, 0)
	mustRollbackTo(t, tx, "s")
	e.mustUpdate(tx, 1, set(1))

	w := e.begin(ReadCommitted)
	e.mustUpdate(w, 0, set(5))
	mustCommit(t, w)

	if err := tx.Commit(); !errors.Is(err, ErrSerialization) {
		t.Fatalf("commit: %v, want ErrSerialization", err)
	}
	wantRows(t, "committed", e.committed(), map[int]int64{0: 5, 1: 0})
}

// uniqueTable is a table (id int64 primary key, val int64) with a unique
// index on val.
func uniqueTable(t testing.TB, e *env) *storage.Table {
	t.Helper()
	tbl, err := e.store.CreateTable(9, "uq", storage.Schema{Types: []storage.Type{storage.TypeInt64, storage.TypeInt64}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tbl.AddIndex(storage.IndexSpec{ID: 1, Name: "uq_val", Unique: true, Columns: []int{1}}); err != nil {
		t.Fatal(err)
	}
	return tbl
}

func uniqueRow(t testing.TB, id, val int64) []byte {
	t.Helper()
	b, err := storage.EncodeRow(nil, []storage.Type{storage.TypeInt64, storage.TypeInt64}, []storage.Value{storage.Int64(id), storage.Int64(val)})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestRollbackToSavepointReleasesUniqueKey: an insert waiting on a unique
// index key that a running transaction took (by inserting a row with it)
// or is giving up (by updating its row away from it) after a savepoint
// wakes when that transaction rolls back to the savepoint. Then the key is
// free again in the first case (the insert succeeds) and back with its
// old row in the second (unique violation).
func TestRollbackToSavepointReleasesUniqueKey(t *testing.T) {
	for _, kind := range []string{"insert", "update"} {
		t.Run(kind, func(t *testing.T) {
			e := newEnv(t, Options{})
			tbl := uniqueTable(t, e)
			ctx := context.Background()
			setup := e.begin(ReadCommitted)
			if err := setup.Insert(ctx, tbl, k(1), uniqueRow(t, 1, 7)); err != nil {
				t.Fatal(err)
			}
			mustCommit(t, setup)

			holder, waiter := e.begin(ReadCommitted), e.begin(ReadCommitted)
			mustSavepoint(t, holder, "s")
			switch kind {
			case "insert": // takes val 8
				if err := holder.Insert(ctx, tbl, k(2), uniqueRow(t, 2, 8)); err != nil {
					t.Fatal(err)
				}
			case "update": // gives up val 7 for 9
				ok, err := holder.Update(ctx, tbl, k(1), func([]byte) ([]byte, bool, error) { return uniqueRow(t, 1, 9), true, nil })
				if err != nil || !ok {
					t.Fatalf("update: ok=%v err=%v", ok, err)
				}
			}
			val := map[string]int64{"insert": 8, "update": 7}[kind]
			w := async(func() (bool, error) { return true, waiter.Insert(ctx, tbl, k(3), uniqueRow(t, 3, val)) })
			w.mustBlock(t, blockedFor)
			mustRollbackTo(t, holder, "s")
			_, err := w.wait(t)
			if kind == "insert" {
				wantErr(t, "insert of the released key", err, nil)
			} else {
				var ue *UniqueError
				if !errors.As(err, &ue) || ue.Index != "uq_val" {
					t.Fatalf("insert of the restored key: %v, want a UniqueError on uq_val", err)
				}
			}
			mustCommit(t, waiter)
			mustCommit(t, holder)
		})
	}
}
