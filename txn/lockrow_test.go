package txn

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
)

// LockRow's policies for a row another transaction holds, and its report
// of a row changed since the snapshot (READ COMMITTED) or of one gone.
func TestLockRow(t *testing.T) {
	e := newEnv(t, Options{})
	e.load(10, 20, 30)
	ctx := context.Background()

	holder := e.begin(ReadCommitted)
	if r, err := holder.LockRow(ctx, e.tbl, k(1), LockWait); err != nil || !r.Locked || r.Changed {
		t.Fatalf("lock of a free row: %+v %v", r, err)
	}
	other := e.begin(ReadCommitted)
	if r, err := other.LockRow(ctx, e.tbl, k(1), LockSkip); err != nil || r.Locked || !r.Skipped {
		t.Fatalf("SKIP LOCKED on a held row: %+v %v", r, err)
	}
	if _, err := other.LockRow(ctx, e.tbl, k(1), LockNoWait); !errors.Is(err, ErrLockNotAvailable) {
		t.Fatalf("NOWAIT on a held row: %v", err)
	}
	// The holder changes the row and commits while other waits: other
	// locks the new version and is told it changed.
	other2 := e.begin(ReadCommitted)
	other2.ensureSnapshot()
	if _, err := holder.Update(ctx, e.tbl, k(1), set(11)); err != nil {
		t.Fatal(err)
	}
	done := make(chan LockResult, 1)
	go func() {
		r, err := other2.LockRow(ctx, e.tbl, k(1), LockWait)
		if err != nil {
			t.Error(err)
		}
		done <- r
	}()
	if err := holder.Commit(); err != nil {
		t.Fatal(err)
	}
	if r := <-done; !r.Locked || !r.Changed {
		t.Fatalf("lock after a concurrent commit: %+v, want locked and changed", r)
	}
	// The statement's own snapshot still has the old value; the next
	// statement (what the SQL layer runs again) sees the locked one.
	if x, _ := e.get(other2, 1); x != 20 {
		t.Fatalf("locked row reads %d in the same statement, want the snapshot's 20", x)
	}
	other2.NewStatement()
	if x, _ := e.get(other2, 1); x != 11 {
		t.Fatalf("locked row reads %d in the next statement, want 11", x)
	}
	other2.Rollback()
	other.Rollback()

	// A row deleted since the snapshot is gone under READ COMMITTED and a
	// serialization failure under REPEATABLE READ.
	rc, rr := e.begin(ReadCommitted), e.begin(RepeatableRead)
	rc.ensureSnapshot()
	rr.ensureSnapshot()
	del := e.begin(ReadCommitted)
	if _, err := del.Delete(ctx, e.tbl, k(2), nil); err != nil {
		t.Fatal(err)
	}
	if err := del.Commit(); err != nil {
		t.Fatal(err)
	}
	if r, err := rc.LockRow(ctx, e.tbl, k(2), LockWait); err != nil || r.Locked {
		t.Fatalf("read committed lock of a deleted row: %+v %v", r, err)
	}
	if _, err := rr.LockRow(ctx, e.tbl, k(2), LockWait); !errors.Is(err, ErrSerialization) {
		t.Fatalf("repeatable read lock of a row deleted since the snapshot: %v", err)
	}
	rc.Rollback()
	rr.Rollback()
}

// Workers taking rows with SKIP LOCKED never take one another holds,
// under the race detector too.
func TestLockRowSkipConcurrent(t *testing.T) {
	e := newEnv(t, Options{})
	const rows, workers = 64, 4
	vals := make([]int64, rows)
	e.load(vals...)
	var held [rows]atomic.Int32
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := e.m.NewSession("")
			defer s.Close()
			for round := 0; round < 50; round++ {
				tx := s.Begin(TxnOptions{})
				var mine []int
				for i := 0; i < rows && len(mine) < 3; i++ {
					r, err := tx.LockRow(context.Background(), e.tbl, k(i), LockSkip)
					if err != nil {
						t.Error(err)
						tx.Rollback()
						return
					}
					if r.Locked {
						if held[i].Add(1) != 1 {
							t.Errorf("row %d locked by two transactions", i)
						}
						mine = append(mine, i)
					}
				}
				for _, i := range mine {
					held[i].Add(-1)
				}
				if round%2 == 0 {
					tx.Rollback()
				} else if err := tx.Commit(); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
}
