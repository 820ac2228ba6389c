package txn

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

const deadlockTimeout = 100 * time.Millisecond

// deadlockLimit bounds how long detecting a deadlock may take: the check
// runs DeadlockTimeout after the wait began; the rest is slack for a
// loaded machine under the race detector.
const deadlockLimit = deadlockTimeout + 2*time.Second

// lockOp is a write that takes the row lock on a key, in the three forms a
// lock cycle can be made of.
type lockOp struct {
	name string
	load []int64 // initial rows
	// do writes key i for transaction number n.
	do func(e *env, tx *Txn, i, n int) (bool, error)
	// after returns the committed rows when only the transactions in
	// winners committed, each having written keys (n, n+1 mod 2).
	after func(winner int) map[int]int64
}

var lockOps = []lockOp{
	{
		name: "update",
		load: []int64{0, 0},
		do: func(e *env, tx *Txn, i, n int) (bool, error) {
			return tx.Update(context.Background(), e.tbl, k(i), set(int64(n+1)))
		},
		after: func(w int) map[int]int64 { return map[int]int64{0: int64(w + 1), 1: int64(w + 1)} },
	},
	{
		name: "delete",
		load: []int64{0, 0},
		do: func(e *env, tx *Txn, i, n int) (bool, error) {
			return tx.Delete(context.Background(), e.tbl, k(i), nil)
		},
		after: func(int) map[int]int64 { return map[int]int64{} },
	},
	{
		name: "insert",
		load: nil,
		do: func(e *env, tx *Txn, i, n int) (bool, error) {
			return true, tx.Insert(context.Background(), e.tbl, k(i), v(int64(n+1)))
		},
		after: func(w int) map[int]int64 { return map[int]int64{0: int64(w + 1), 1: int64(w + 1)} },
	},
}

// TestDeadlockTwoTxnCycle: T0 writes row 0, T1 writes row 1, then T0
// writes row 1 and T1 row 0. Exactly one of them gets ErrDeadlock, not
// before DeadlockTimeout and not long after; it rolls back and the other's
// write then goes through and commits. The cycle is made of updates,
// deletes or inserts (inserts of the same new keys wait like updates).
func TestDeadlockTwoTxnCycle(t *testing.T) {
	for _, level := range levels {
		for _, lo := range lockOps {
			t.Run(level.String()+"/"+lo.name, func(t *testing.T) {
				e := newEnv(t, Options{DeadlockTimeout: deadlockTimeout})
				e.load(lo.load...)
				tx := []*Txn{e.begin(level), e.begin(level)}
				for n, x := range tx {
					if ok, err := lo.do(e, x, n, n); err != nil || !ok {
						t.Fatalf("txn %d first write: ok=%v err=%v", n, ok, err)
					}
				}
				ops := make([]*op, 2)
				for n, x := range tx {
					ops[n] = async(func() (bool, error) {
						ok, err := lo.do(e, x, 1-n, n)
						if errors.Is(err, ErrDeadlock) {
							x.Rollback()
						}
						return ok, err
					})
				}
				victim := -1
				for n, o := range ops {
					ok, err := o.wait(t)
					switch {
					case errors.Is(err, ErrDeadlock):
						if victim >= 0 {
							t.Fatalf("both transactions got ErrDeadlock")
						}
						victim = n
						if o.elapsed() < deadlockTimeout || o.elapsed() > deadlockLimit {
							t.Fatalf("deadlock detected after %v, want about %v", o.elapsed(), deadlockTimeout)
						}
					case err != nil || !ok:
						t.Fatalf("txn %d second write: ok=%v err=%v", n, ok, err)
					}
				}
				if victim < 0 {
					t.Fatal("no transaction got ErrDeadlock")
				}
				winner := 1 - victim
				// The winner cannot finish before the victim's wait timed
				// out and it rolled back.
				if d := ops[winner].ended.Sub(ops[victim].started); d < deadlockTimeout {
					t.Fatalf("winner finished %v after the victim began waiting, before DeadlockTimeout", d)
				}
				if _, _, err := tx[victim].Get(e.tbl, k(0), nil); !errors.Is(err, ErrDone) {
					t.Fatalf("victim still running after rollback: %v", err)
				}
				mustCommit(t, tx[winner])
				wantRows(t, "final", e.committed(), lo.after(winner))
			})
		}
	}
}

// TestDeadlockThreeTxnCycle: Ti adds 1 to row i, then to row i+1 (mod 3):
// a cycle T0 -> T1 -> T2 -> T0. Exactly one Tv gets ErrDeadlock and rolls
// back. T(v-1), which waited for Tv, then commits. T(v+1) waited for row
// v-1, which T(v-1) changed: under READ COMMITTED it re-applies its
// increment and commits; under REPEATABLE READ and SERIALIZABLE it fails
// with 40001. The rows hold exactly the committed increments.
func TestDeadlockThreeTxnCycle(t *testing.T) {
	for _, level := range levels {
		t.Run(level.String(), func(t *testing.T) {
			e := newEnv(t, Options{DeadlockTimeout: deadlockTimeout})
			e.load(0, 0, 0)
			tx := []*Txn{e.begin(level), e.begin(level), e.begin(level)}
			for n, x := range tx {
				e.mustUpdate(x, n, add(1))
			}
			type result struct {
				err       error
				commitErr error
			}
			res := make([]result, 3)
			ops := make([]*op, 3)
			for n, x := range tx {
				ops[n] = async(func() (bool, error) {
					ok, err := x.Update(context.Background(), e.tbl, k((n+1)%3), add(1))
					if err == nil && !ok {
						err = errors.New("no row")
					}
					res[n].err = err
					if err != nil {
						x.Rollback()
						return false, err
					}
					res[n].commitErr = x.Commit()
					return true, nil
				})
			}
			for _, o := range ops {
				o.wait(t)
			}
			victim := -1
			for n, r := range res {
				if errors.Is(r.err, ErrDeadlock) {
					if victim >= 0 {
						t.Fatalf("two victims: %d and %d", victim, n)
					}
					victim = n
				}
			}
			if victim < 0 {
				t.Fatalf("no deadlock detected: %+v", res)
			}
			if d := ops[victim].elapsed(); d < deadlockTimeout || d > deadlockLimit {
				t.Fatalf("deadlock detected after %v", d)
			}
			prev, next := (victim+2)%3, (victim+1)%3
			if res[prev].err != nil || res[prev].commitErr != nil {
				t.Fatalf("txn %d (waiting for the victim %d): %+v", prev, victim, res[prev])
			}
			want := map[int]int64{0: 0, 1: 0, 2: 0}
			committed := []int{prev}
			if level == ReadCommitted {
				if res[next].err != nil || res[next].commitErr != nil {
					t.Fatalf("txn %d: %+v", next, res[next])
				}
				committed = append(committed, next)
			} else if !errors.Is(res[next].err, ErrSerialization) {
				t.Fatalf("txn %d: %+v, want ErrSerialization", next, res[next])
			}
			for _, n := range committed {
				want[n]++
				want[(n+1)%3]++
			}
			wantRows(t, fmt.Sprintf("final (victim %d)", victim), e.committed(), want)
		})
	}
}

// TestNoFalseDeadlock: a chain of waits without a cycle (T2 waits for T1,
// which waits for T0) waits as long as it takes: still blocked after three
// deadlock timeouts, then released in order when T0 and T1 commit.
func TestNoFalseDeadlock(t *testing.T) {
	e := newEnv(t, Options{DeadlockTimeout: deadlockTimeout})
	e.load(0, 0)
	t0, t1, t2 := e.begin(ReadCommitted), e.begin(ReadCommitted), e.begin(ReadCommitted)
	e.mustUpdate(t0, 0, add(1))
	e.mustUpdate(t1, 1, add(1))
	w1 := async(func() (bool, error) { return t1.Update(context.Background(), e.tbl, k(0), add(10)) })
	w2 := async(func() (bool, error) { return t2.Update(context.Background(), e.tbl, k(1), add(100)) })
	w1.mustBlock(t, 3*deadlockTimeout)
	w2.mustBlock(t, blockedFor)

	mustCommit(t, t0)
	if ok, err := w1.wait(t); err != nil || !ok {
		t.Fatalf("t1: ok=%v err=%v", ok, err)
	}
	w2.mustBlock(t, 3*deadlockTimeout) // t1 still holds row 1
	mustCommit(t, t1)
	if ok, err := w2.wait(t); err != nil || !ok {
		t.Fatalf("t2: ok=%v err=%v", ok, err)
	}
	mustCommit(t, t2)
	wantRows(t, "final", e.committed(), map[int]int64{0: 11, 1: 101})
}

// TestLockWaitCanceled: a lock wait ends with ErrCanceled when the
// statement's context is canceled or its deadline passes (even a deadline
// past DeadlockTimeout: no false deadlock is reported instead). The
// canceled transaction keeps its earlier locks and is no longer waiting:
// the holder it waited for can then wait for it without a false deadlock,
// until it rolls back.
func TestLockWaitCanceled(t *testing.T) {
	for _, how := range []string{"cancel", "deadline"} {
		for _, kind := range []string{"update", "insert"} {
			t.Run(how+"/"+kind, func(t *testing.T) {
				e := newEnv(t, Options{DeadlockTimeout: deadlockTimeout})
				e.load(0, 0)
				holder, waiter := e.begin(ReadCommitted), e.begin(ReadCommitted)
				e.mustUpdate(waiter, 1, add(1)) // a lock the waiter keeps
				key := 0
				if kind == "insert" {
					key = 5
					e.mustInsert(holder, key, 50)
				} else {
					e.mustUpdate(holder, key, add(1))
				}

				var ctx context.Context
				var cancel context.CancelFunc
				if how == "cancel" {
					ctx, cancel = context.WithCancel(context.Background())
				} else {
					ctx, cancel = context.WithTimeout(context.Background(), 2*deadlockTimeout)
				}
				defer cancel()
				w := async(func() (bool, error) {
					if kind == "insert" {
						return true, waiter.Insert(ctx, e.tbl, k(key), v(51))
					}
					return waiter.Update(ctx, e.tbl, k(key), add(10))
				})
				if how == "cancel" {
					w.mustBlock(t, blockedFor)
					cancel()
				}
				_, err := w.wait(t)
				wantErr(t, "canceled wait", err, ErrCanceled)
				if how == "deadline" && w.elapsed() < 2*deadlockTimeout {
					t.Fatalf("wait ended after %v, before its deadline", w.elapsed())
				}
				if errors.Is(err, ErrDeadlock) {
					t.Fatalf("canceled wait reported a deadlock: %v", err)
				}

				// The holder now waits for the waiter's row 1. Had the
				// waiter's wait not been cleared, this would look like a
				// cycle.
				h := async(func() (bool, error) { return holder.Update(context.Background(), e.tbl, k(1), add(1)) })
				h.mustBlock(t, 3*deadlockTimeout)
				waiter.Rollback()
				if ok, err := h.wait(t); err != nil || !ok {
					t.Fatalf("holder: ok=%v err=%v", ok, err)
				}
				mustCommit(t, holder)
				want := map[int]int64{0: 1, 1: 1}
				if kind == "insert" {
					want = map[int]int64{0: 0, 1: 1, 5: 50}
				}
				wantRows(t, "final", e.committed(), want)
			})
		}
	}
}
