package txn

import (
	"context"
	"errors"
	"reflect"
	"sync"
	"testing"
	"time"
)

// The anomaly tests below follow Postgres 15 (and Berenson et al., "A
// Critique of ANSI SQL Isolation Levels", for the names). Each runs at the
// three levels and asserts what Postgres does at each:
//
//	anomaly                RC          RR          SERIALIZABLE
//	dirty write            no (waits)  no (40001)  no (40001)
//	dirty read             no          no          no
//	lost update            yes*        no (40001)  no (40001)
//	non-repeatable read    yes         no          no
//	phantom                yes         no          no
//	write skew             yes         yes         no (40001)
//	read-only anomaly      yes         yes         no (40001)
//
// * only when the new value is computed from an earlier statement's read;
// a single UPDATE x = x + 1 re-reads the newest version and loses nothing.

// TestDirtyWrite: a second writer of a row waits for the first writer to
// end. If the first commits, READ COMMITTED re-applies the update to the
// newest committed version (two increments give +2) and REPEATABLE READ
// and SERIALIZABLE fail with 40001; if it aborts, every level succeeds.
func TestDirtyWrite(t *testing.T) {
	for _, level := range levels {
		for _, outcome := range []string{"commit", "abort"} {
			t.Run(level.String()+"/first "+outcome+"s", func(t *testing.T) {
				e := newEnv(t, Options{})
				e.load(10)
				t1, t2 := e.begin(level), e.begin(level)
				// t2 takes its snapshot before t1 writes.
				e.mustGet(t2, 0, 10)
				t2.NewStatement()

				e.mustUpdate(t1, 0, add(1))
				second := async(func() (bool, error) {
					return t2.Update(context.Background(), e.tbl, k(0), add(1))
				})
				second.mustBlock(t, blockedFor)

				var want int64
				var wantErr2 error
				if outcome == "commit" {
					mustCommit(t, t1)
					if level == ReadCommitted {
						want = 12
					} else {
						want, wantErr2 = 11, ErrSerialization
					}
				} else {
					t1.Rollback()
					want = 11
				}
				ok, err := second.wait(t)
				wantErr(t, "second writer", err, wantErr2)
				if wantErr2 != nil {
					if ok {
						t.Fatal("failed update reported a row")
					}
					t2.Rollback()
				} else {
					if !ok {
						t.Fatal("second update changed no row")
					}
					mustCommit(t, t2)
				}
				wantRows(t, "final", e.committed(), map[int]int64{0: want})
			})
		}
	}
}

// TestDirtyWriteOverDelete: an update that waits for a deleting writer
// finds no row under READ COMMITTED once the delete commits (UPDATE 0) and
// fails with 40001 under REPEATABLE READ and SERIALIZABLE ("concurrent
// delete"); once the delete aborts it updates the row at every level.
func TestDirtyWriteOverDelete(t *testing.T) {
	for _, level := range levels {
		for _, outcome := range []string{"commit", "abort"} {
			t.Run(level.String()+"/delete "+outcome+"s", func(t *testing.T) {
				e := newEnv(t, Options{})
				e.load(10)
				t1, t2 := e.begin(level), e.begin(level)
				e.mustGet(t2, 0, 10)
				t2.NewStatement()
				e.mustDelete(t1, 0)
				second := async(func() (bool, error) {
					return t2.Update(context.Background(), e.tbl, k(0), add(1))
				})
				second.mustBlock(t, blockedFor)
				if outcome == "abort" {
					t1.Rollback()
					ok, err := second.wait(t)
					if err != nil || !ok {
						t.Fatalf("update after aborted delete: ok=%v err=%v", ok, err)
					}
					mustCommit(t, t2)
					wantRows(t, "final", e.committed(), map[int]int64{0: 11})
					return
				}
				mustCommit(t, t1)
				ok, err := second.wait(t)
				if level == ReadCommitted {
					if err != nil || ok {
						t.Fatalf("update of a deleted row: ok=%v err=%v, want no row and no error", ok, err)
					}
					mustCommit(t, t2)
				} else {
					wantErr(t, "update of a concurrently deleted row", err, ErrSerialization)
					t2.Rollback()
				}
				wantRows(t, "final", e.committed(), map[int]int64{})
			})
		}
	}
}

// TestDirtyRead: no level sees another transaction's uncommitted update,
// delete or insert, by Get or by Scan, whether the writer later commits or
// aborts; after an abort nothing of it is ever seen.
func TestDirtyRead(t *testing.T) {
	for _, level := range levels {
		for _, outcome := range []string{"commit", "abort"} {
			t.Run(level.String()+"/writer "+outcome+"s", func(t *testing.T) {
				e := newEnv(t, Options{})
				e.load(10, 20)
				w := e.begin(ReadCommitted)
				e.mustUpdate(w, 0, set(99))
				e.mustDelete(w, 1)
				e.mustInsert(w, 2, 30)
				w.NewStatement()
				// The writer sees its own writes...
				wantRows(t, "writer's view", e.scan(w, nil, nil), map[int]int64{0: 99, 2: 30})

				// ...nobody else does.
				r := e.begin(level)
				old := map[int]int64{0: 10, 1: 20}
				check := func(when string) {
					t.Helper()
					r.NewStatement()
					e.mustGet(r, 0, 10)
					e.mustGet(r, 1, 20)
					e.mustAbsent(r, 2)
					wantRows(t, when, e.scan(r, nil, nil), old)
					if got := e.scanKeys(r, nil, nil, true); !reflect.DeepEqual(got, []int{1, 0}) {
						t.Fatalf("%s: reverse scan keys %v, want [1 0]", when, got)
					}
				}
				check("while the writer runs")
				// A second writer statement does not change that.
				e.mustUpdate(w, 0, set(100))
				w.NewStatement()
				check("after the writer's second statement")

				if outcome == "abort" {
					w.Rollback()
					check("after the writer aborted")
					mustCommit(t, r)
					wantRows(t, "committed", e.committed(), old)
					return
				}
				mustCommit(t, w)
				r.NewStatement()
				if level == ReadCommitted {
					wantRows(t, "after commit, next statement", e.scan(r, nil, nil), map[int]int64{0: 100, 2: 30})
				} else {
					wantRows(t, "after commit, same snapshot", e.scan(r, nil, nil), old)
				}
				mustCommit(t, r)
			})
		}
	}
}

// TestLostUpdate: read-then-write. Both transactions read x = 100 and
// write back their read plus one. READ COMMITTED permits the lost update
// (x ends at 101, not 102); REPEATABLE READ and SERIALIZABLE fail the second
// writer with 40001, whether the first had already committed when the
// second wrote ("sequential") or was still running and the second waited
// for it ("concurrent").
func TestLostUpdate(t *testing.T) {
	for _, level := range levels {
		for _, mode := range []string{"sequential", "concurrent"} {
			t.Run(level.String()+"/"+mode, func(t *testing.T) {
				e := newEnv(t, Options{})
				e.load(100)
				t1, t2 := e.begin(level), e.begin(level)
				r1, _ := e.get(t1, 0)
				r2, _ := e.get(t2, 0)
				if r1 != 100 || r2 != 100 {
					t.Fatalf("reads %d, %d", r1, r2)
				}
				t1.NewStatement()
				t2.NewStatement()
				e.mustUpdate(t1, 0, set(r1+1))

				var ok bool
				var err error
				if mode == "sequential" {
					mustCommit(t, t1)
					ok, err = t2.Update(context.Background(), e.tbl, k(0), set(r2+1))
				} else {
					second := async(func() (bool, error) {
						return t2.Update(context.Background(), e.tbl, k(0), set(r2+1))
					})
					second.mustBlock(t, blockedFor)
					mustCommit(t, t1)
					ok, err = second.wait(t)
				}
				if level == ReadCommitted {
					if err != nil || !ok {
						t.Fatalf("second update: ok=%v err=%v", ok, err)
					}
					mustCommit(t, t2)
				} else {
					wantErr(t, "second update", err, ErrSerialization)
					t2.Rollback()
				}
				// RC: both committed an increment, one is lost. RR/SER:
				// only one committed.
				wantRows(t, "final", e.committed(), map[int]int64{0: 101})
			})
		}
	}
}

// TestLostUpdateSingleStatement: UPDATE x = x + 1 as one statement (the
// increment computed from the row Update hands over) loses nothing under
// READ COMMITTED, however the writers interleave. Under REPEATABLE READ and
// SERIALIZABLE some attempts fail with 40001; retried, every increment
// lands exactly once too.
func TestLostUpdateSingleStatement(t *testing.T) {
	const workers, each = 8, 40
	for _, level := range levels {
		t.Run(level.String(), func(t *testing.T) {
			e := newEnv(t, Options{})
			e.load(0)
			var wg sync.WaitGroup
			errs := make(chan error, workers)
			retries := make([]int, workers)
			for w := 0; w < workers; w++ {
				s := e.m.NewSession("")
				t.Cleanup(s.Close)
				wg.Add(1)
				go func(w int) {
					defer wg.Done()
					for i := 0; i < each; {
						tx := s.Begin(TxnOptions{Isolation: level})
						ok, err := tx.Update(context.Background(), e.tbl, k(0), add(1))
						if err == nil && !ok {
							err = errors.New("update found no row")
						}
						if err == nil {
							// Hold the row lock a moment so that the
							// other writers queue behind it (not an
							// assertion: only makes conflicts likely).
							time.Sleep(20 * time.Microsecond)
							err = tx.Commit()
						}
						switch {
						case err == nil:
							i++
						case errors.Is(err, ErrSerialization) && level != ReadCommitted:
							tx.Rollback()
							retries[w]++
						default:
							tx.Rollback()
							errs <- err
							return
						}
					}
				}(w)
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
			wantRows(t, "final", e.committed(), map[int]int64{0: workers * each})
			t.Logf("retries %v", retries)
			if level == ReadCommitted {
				for w, n := range retries {
					if n != 0 {
						t.Fatalf("worker %d retried %d times under read committed", w, n)
					}
				}
			}
		})
	}
}

// TestNonRepeatableRead: a row read twice, changed and committed by
// another transaction in between. READ COMMITTED sees the change in its
// next statement (an update and a delete); REPEATABLE READ and
// SERIALIZABLE read the same values again.
func TestNonRepeatableRead(t *testing.T) {
	for _, level := range levels {
		t.Run(level.String(), func(t *testing.T) {
			e := newEnv(t, Options{})
			e.load(10, 20)
			r := e.begin(level)
			e.mustGet(r, 0, 10)
			e.mustGet(r, 1, 20)

			w := e.begin(ReadCommitted)
			e.mustUpdate(w, 0, set(11))
			e.mustDelete(w, 1)
			mustCommit(t, w)

			// Same statement: the statement's snapshot holds at every level.
			e.mustGet(r, 0, 10)
			e.mustGet(r, 1, 20)

			r.NewStatement()
			if level == ReadCommitted {
				e.mustGet(r, 0, 11)
				e.mustAbsent(r, 1)
			} else {
				e.mustGet(r, 0, 10)
				e.mustGet(r, 1, 20)
			}
			mustCommit(t, r)
		})
	}
}

// TestPhantom: a range scanned twice while another transaction inserts a
// key into the range (and deletes one) and commits. READ COMMITTED's next
// statement sees the new set of rows, forwards and backwards; REPEATABLE
// READ and SERIALIZABLE see the same rows again.
func TestPhantom(t *testing.T) {
	for _, level := range levels {
		t.Run(level.String(), func(t *testing.T) {
			e := newEnv(t, Options{})
			e.load(0, 10, 20, 30) // keys 0..3
			from, to := k(1), k(10)
			r := e.begin(level)
			if got := e.scanKeys(r, from, to, false); !reflect.DeepEqual(got, []int{1, 2, 3}) {
				t.Fatalf("first scan: %v", got)
			}

			w := e.begin(ReadCommitted)
			e.mustInsert(w, 5, 50)
			e.mustDelete(w, 2)
			e.mustInsert(w, 10, 100) // outside [1, 10)
			mustCommit(t, w)

			r.NewStatement()
			want, wantRev := []int{1, 2, 3}, []int{3, 2, 1}
			if level == ReadCommitted {
				want, wantRev = []int{1, 3, 5}, []int{5, 3, 1}
			}
			if got := e.scanKeys(r, from, to, false); !reflect.DeepEqual(got, want) {
				t.Fatalf("second scan: %v, want %v", got, want)
			}
			if got := e.scanKeys(r, from, to, true); !reflect.DeepEqual(got, wantRev) {
				t.Fatalf("second reverse scan: %v, want %v", got, wantRev)
			}
			mustCommit(t, r)
		})
	}
}

// TestWriteSkew: the on-call doctors. Rows 0 (Alice) and 1 (Bob) are both
// on call (1); the rule is that at least one stays on call. Each
// transaction reads both rows, sees two on call, and takes a different
// doctor off call. READ COMMITTED and REPEATABLE READ let both commit and
// break the rule; SERIALIZABLE fails the second committer at COMMIT with
// 40001 (its writes went through) and keeps one doctor on call, in either
// commit order.
func TestWriteSkew(t *testing.T) {
	for _, level := range levels {
		for _, firstCommitter := range []int{0, 1} {
			t.Run(level.String()+"/"+[]string{"alice", "bob"}[firstCommitter]+" commits first", func(t *testing.T) {
				e := newEnv(t, Options{})
				e.load(1, 1)
				tx := []*Txn{e.begin(level), e.begin(level)}
				saw := make([]any, 2)
				for i, x := range tx {
					a, _ := e.get(x, 0)
					b, _ := e.get(x, 1)
					saw[i] = [2]int64{a, b}
					if a+b < 2 {
						t.Fatalf("doctor %d sees %d on call", i, a+b)
					}
				}
				for i, x := range tx {
					x.NewStatement()
					e.mustUpdate(x, i, set(0)) // doctor i goes off call
				}
				first, second := tx[firstCommitter], tx[1-firstCommitter]
				mustCommit(t, first)
				err := second.Commit()
				final := e.committed()
				if level != Serializable {
					wantErr(t, "second commit", err, nil)
					wantRows(t, "final", final, map[int]int64{0: 0, 1: 0})
					return
				}
				wantErr(t, "second commit", err, ErrSerialization)
				// A failed commit ends the transaction.
				if _, _, err := second.Get(e.tbl, k(0), nil); !errors.Is(err, ErrDone) {
					t.Fatalf("use after failed commit: %v", err)
				}
				second.Rollback() // no-op, must not panic
				want := map[int]int64{0: 1, 1: 1}
				want[firstCommitter] = 0
				wantRows(t, "final", final, want)

				// The committed history is serial.
				doctor := func(i int) histTxn {
					return histTxn{
						name: []string{"alice", "bob"}[i],
						saw:  saw[i],
						view: func(st map[int]int64) any { return [2]int64{st[0], st[1]} },
						exec: func(st map[int]int64) map[int]int64 {
							if st[0]+st[1] >= 2 {
								return map[int]int64{i: 0}
							}
							return nil
						},
					}
				}
				if serialOrder(map[int]int64{0: 1, 1: 1}, []histTxn{doctor(firstCommitter)}, final) == nil {
					t.Fatal("committed history is not serializable")
				}
			})
		}
	}
}

// TestWriteSkewPhantom: write skew through a predicate. The rule is "at
// most one booking in the range [100, 200)". Both transactions scan the
// range, find it empty and insert a different key into it. READ COMMITTED
// and REPEATABLE READ commit both (two bookings); SERIALIZABLE fails the
// second committer with 40001: a key appeared in a range it scanned.
func TestWriteSkewPhantom(t *testing.T) {
	for _, level := range levels {
		t.Run(level.String(), func(t *testing.T) {
			e := newEnv(t, Options{})
			e.load(7) // key 0, outside the range
			from, to := k(100), k(200)
			t1, t2 := e.begin(level), e.begin(level)
			for i, x := range []*Txn{t1, t2} {
				if n := len(e.scanKeys(x, from, to, false)); n != 0 {
					t.Fatalf("txn %d sees %d bookings", i, n)
				}
				x.NewStatement()
				e.mustInsert(x, 100+i, int64(i))
			}
			mustCommit(t, t1)
			err := t2.Commit()
			got := e.committed()
			if level == Serializable {
				wantErr(t, "second commit", err, ErrSerialization)
				wantRows(t, "final", got, map[int]int64{0: 7, 100: 0})
			} else {
				wantErr(t, "second commit", err, nil)
				wantRows(t, "final", got, map[int]int64{0: 7, 100: 0, 101: 1})
			}
		})
	}
}

// TestReadOnlyAnomaly is the read-only transaction anomaly of Fekete,
// O'Neil and O'Neil ("A Read-Only Transaction Anomaly Under Snapshot
// Isolation", 2004), the "deposit report" example of the Postgres SSI wiki.
// Key 0 is checking (X), key 1 savings (Y), both 0.
//
//	withdraw (W): reads X and Y, then withdraws 10 from X, with a penalty of
//	              1 if X+Y would go negative: X = X-10 or X-11.
//	deposit  (D): Y = Y+20.
//	report   (R): read only; prints X and Y.
//
// Interleaving: W reads (0, 0); D deposits and commits; R starts, reads
// (0, 20) and commits; W writes X = -11 (penalty: it saw Y = 0) and
// commits. Under snapshot isolation every transaction commits and the
// result is not serializable: W must come before D (it did not see the
// deposit, hence the penalty), but the report saw the deposit and not the
// withdrawal, so D comes before R and R before W. The pair (W, D) alone is
// serializable (W then D gives X=-11, Y=20); it is the read-only report
// that shows a state no serial order ever had.
//
// Postgres's SSI fails R or W. Our SERIALIZABLE validates writers' reads
// at commit, so here it is W that fails (Y, which it read, changed after
// its snapshot), but the test asserts only what matters: at SERIALIZABLE
// some transaction fails with 40001 and the committed transactions, with
// what they observed, form a serial history. At READ COMMITTED and
// REPEATABLE READ all three commit and no serial order explains them.
func TestReadOnlyAnomaly(t *testing.T) {
	const X, Y = 0, 1
	for _, level := range levels {
		t.Run(level.String(), func(t *testing.T) {
			e := newEnv(t, Options{})
			e.load(0, 0)
			initial := map[int]int64{X: 0, Y: 0}
			w := e.begin(level)
			d := e.begin(level)
			r := e.beginOpts(TxnOptions{Isolation: level, ReadOnly: true})

			failed := map[string]bool{}
			// step runs one statement of a transaction that has not failed;
			// a serialization failure rolls the transaction back.
			step := func(name string, tx *Txn, f func() error) {
				t.Helper()
				if failed[name] {
					return
				}
				tx.NewStatement()
				err := f()
				if errors.Is(err, ErrSerialization) {
					failed[name] = true
					tx.Rollback()
					return
				}
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
			}
			read := func(tx *Txn, i int) int64 {
				x, ok := e.get(tx, i)
				if !ok {
					t.Fatalf("key %d missing", i)
				}
				return x
			}
			update := func(tx *Txn, i int, x int64) error {
				ok, err := tx.Update(context.Background(), e.tbl, k(i), set(x))
				if err == nil && !ok {
					t.Fatalf("update of key %d found no row", i)
				}
				return err
			}
			withdraw := func(st map[int]int64) map[int]int64 {
				if st[X]+st[Y]-10 < 0 {
					return map[int]int64{X: st[X] - 11}
				}
				return map[int]int64{X: st[X] - 10}
			}

			var wSaw, dSaw, rSaw [2]int64
			step("withdraw", w, func() error { wSaw = [2]int64{read(w, X), read(w, Y)}; return nil })
			step("deposit", d, func() error {
				dSaw[1] = read(d, Y)
				return nil
			})
			step("deposit", d, func() error { return update(d, Y, dSaw[1]+20) })
			step("deposit", d, d.Commit)
			step("report", r, func() error { rSaw = [2]int64{read(r, X), read(r, Y)}; return nil })
			step("report", r, r.Commit)
			step("withdraw", w, func() error {
				return update(w, X, withdraw(map[int]int64{X: wSaw[0], Y: wSaw[1]})[X])
			})
			step("withdraw", w, w.Commit)
			final := e.committed()

			var hist []histTxn
			pairView := func(st map[int]int64) any { return [2]int64{st[X], st[Y]} }
			if !failed["withdraw"] {
				hist = append(hist, histTxn{name: "withdraw", saw: wSaw, view: pairView, exec: withdraw})
			}
			if !failed["deposit"] {
				hist = append(hist, histTxn{name: "deposit", saw: dSaw[1],
					view: func(st map[int]int64) any { return st[Y] },
					exec: func(st map[int]int64) map[int]int64 { return map[int]int64{Y: st[Y] + 20} }})
			}
			if !failed["report"] {
				hist = append(hist, histTxn{name: "report", saw: rSaw, view: pairView,
					exec: func(map[int]int64) map[int]int64 { return nil }})
			}
			order := serialOrder(initial, hist, final)
			t.Logf("failed %v, withdraw saw %v, report saw %v, final %v, serial order %v", failed, wSaw, rSaw, final, order)

			if level != Serializable {
				if len(failed) != 0 {
					t.Fatalf("failures %v under %v", failed, level)
				}
				// The anomaly, concretely.
				if rSaw != [2]int64{0, 20} || wSaw != [2]int64{0, 0} {
					t.Fatalf("report saw %v, withdraw saw %v", rSaw, wSaw)
				}
				wantRows(t, "final", final, map[int]int64{X: -11, Y: 20})
				if order != nil {
					t.Fatalf("history found serializable as %v; the anomaly did not happen", order)
				}
				return
			}
			if len(failed) == 0 {
				t.Fatal("all three committed under serializable")
			}
			if order == nil {
				t.Fatalf("committed history is not serializable")
			}
		})
	}
}

// TestSerializableInsertOfInvisibleKey: a transaction checks that key 7 is
// absent, another inserts key 7 and commits, then the first inserts key 7.
// READ COMMITTED (whose new statement sees the row) and REPEATABLE READ
// fail with a unique violation; SERIALIZABLE, for which the row is not in
// its snapshot, fails with 40001 instead, as Postgres does (since 9.6),
// so that a retry can succeed or see the row.
func TestSerializableInsertOfInvisibleKey(t *testing.T) {
	for _, level := range levels {
		t.Run(level.String(), func(t *testing.T) {
			e := newEnv(t, Options{})
			e.load(1)
			t1 := e.begin(level)
			e.mustAbsent(t1, 7)

			t2 := e.begin(ReadCommitted)
			e.mustInsert(t2, 7, 70)
			mustCommit(t, t2)

			t1.NewStatement()
			err := t1.Insert(context.Background(), e.tbl, k(7), v(71))
			if level == Serializable {
				wantErr(t, "insert", err, ErrSerialization)
				if errors.Is(err, ErrUniqueViolation) {
					t.Fatalf("serializable insert reported both 40001 and 23505: %v", err)
				}
			} else {
				var ue *UniqueError
				if !errors.As(err, &ue) || ue.Table != e.tbl.ID() || ue.Index != "" || !reflect.DeepEqual(ue.Key, k(7)) {
					t.Fatalf("insert: got %v, want a primary-key UniqueError for key 7", err)
				}
			}
			t1.Rollback()
			wantRows(t, "final", e.committed(), map[int]int64{0: 1, 7: 70})
		})
	}
}

// TestInsertWaitsForUncommittedInsert: an insert that meets another
// transaction's uncommitted insert of the same key waits for it. If the
// other aborts, the insert succeeds. If it commits, the insert fails:
// READ COMMITTED and REPEATABLE READ with a unique violation, SERIALIZABLE
// (which checked that the key was absent) with 40001, like Postgres's
// read-write-unique isolation test.
func TestInsertWaitsForUncommittedInsert(t *testing.T) {
	for _, level := range levels {
		for _, outcome := range []string{"commit", "abort"} {
			t.Run(level.String()+"/other "+outcome+"s", func(t *testing.T) {
				e := newEnv(t, Options{})
				e.load(1)
				t1, t2 := e.begin(ReadCommitted), e.begin(level)
				e.mustAbsent(t2, 7)
				t2.NewStatement()
				e.mustInsert(t1, 7, 70)
				second := async(func() (bool, error) {
					return true, t2.Insert(context.Background(), e.tbl, k(7), v(71))
				})
				second.mustBlock(t, blockedFor)
				if outcome == "abort" {
					t1.Rollback()
					_, err := second.wait(t)
					wantErr(t, "insert after abort", err, nil)
					mustCommit(t, t2)
					wantRows(t, "final", e.committed(), map[int]int64{0: 1, 7: 71})
					return
				}
				mustCommit(t, t1)
				_, err := second.wait(t)
				if level == Serializable {
					wantErr(t, "insert after commit", err, ErrSerialization)
				} else {
					var ue *UniqueError
					if !errors.As(err, &ue) || !reflect.DeepEqual(ue.Key, k(7)) {
						t.Fatalf("insert after commit: %v, want a UniqueError", err)
					}
				}
				t2.Rollback()
				wantRows(t, "final", e.committed(), map[int]int64{0: 1, 7: 70})
			})
		}
	}
}

// TestSnapshotAtFirstStatement: REPEATABLE READ and SERIALIZABLE take
// their snapshot at the first statement, not at Begin (as Postgres does):
// a commit between Begin and the first read is seen, one after it is not.
// READ COMMITTED sees both.
func TestSnapshotAtFirstStatement(t *testing.T) {
	for _, level := range levels {
		t.Run(level.String(), func(t *testing.T) {
			e := newEnv(t, Options{})
			e.load(10)
			r := e.begin(level)
			if r.Snapshot() != 0 {
				t.Fatalf("snapshot %d taken at Begin", r.Snapshot())
			}
			w := e.begin(ReadCommitted)
			e.mustUpdate(w, 0, set(11))
			mustCommit(t, w)
			e.mustGet(r, 0, 11)
			w = e.begin(ReadCommitted)
			e.mustUpdate(w, 0, set(12))
			mustCommit(t, w)
			r.NewStatement()
			if level == ReadCommitted {
				e.mustGet(r, 0, 12)
			} else {
				e.mustGet(r, 0, 11)
			}
			mustCommit(t, r)
		})
	}
}

// TestOwnWritesNextStatement: a statement does not see its own writes (no
// Halloween problem); the next statement of the same transaction does, at
// every level, including a row re-written in a later statement.
func TestOwnWritesNextStatement(t *testing.T) {
	for _, level := range levels {
		t.Run(level.String(), func(t *testing.T) {
			e := newEnv(t, Options{})
			e.load(10, 20)
			tx := e.begin(level)
			e.mustUpdate(tx, 0, add(1))
			e.mustDelete(tx, 1)
			e.mustInsert(tx, 2, 30)
			wantRows(t, "same statement", e.scan(tx, nil, nil), map[int]int64{0: 10, 1: 20})
			tx.NewStatement()
			wantRows(t, "next statement", e.scan(tx, nil, nil), map[int]int64{0: 11, 2: 30})
			e.mustUpdate(tx, 0, add(1))
			e.mustUpdate(tx, 2, add(1))
			e.mustInsert(tx, 1, 21) // over its own delete
			tx.NewStatement()
			wantRows(t, "third statement", e.scan(tx, nil, nil), map[int]int64{0: 12, 1: 21, 2: 31})
			mustCommit(t, tx)
			wantRows(t, "committed", e.committed(), map[int]int64{0: 12, 1: 21, 2: 31})
		})
	}
}
