package txn

import (
	"context"
	"encoding/binary"
	"errors"
	"reflect"
	"testing"
	"time"
)

// Helpers for the isolation, deadlock and savepoint tests.

// levels are the isolation levels every anomaly test runs at.
var levels = []Isolation{ReadCommitted, RepeatableRead, Serializable}

const (
	// blockedFor is how long an operation that must wait is watched to
	// check it has not finished. Only "not finished yet" is asserted after
	// it, never "finished", so a slow machine cannot make a test flake.
	blockedFor = 50 * time.Millisecond
	// finishWithin bounds how long an operation that must be released
	// may take to finish once released.
	finishWithin = 5 * time.Second
)

// begin starts a transaction on a new session, closed at the test's end.
func (e *env) begin(iso Isolation) *Txn {
	return e.beginOpts(TxnOptions{Isolation: iso})
}

func (e *env) beginOpts(o TxnOptions) *Txn {
	s := e.m.NewSession("")
	e.t.Cleanup(func() {
		// A failed test may leave a goroutine blocked in one of the
		// session's transactions: leave the session alone rather than
		// pull its guard out from under it.
		if !e.t.Failed() {
			s.Close()
		}
	})
	return s.Begin(o)
}

// committed returns the newest committed rows of the table, read by a
// fresh transaction: key number -> value.
func (e *env) committed() map[int]int64 {
	e.t.Helper()
	s := e.m.NewSession("")
	defer s.Close()
	tx := s.Begin(TxnOptions{})
	defer tx.Rollback()
	return e.scan(tx, nil, nil)
}

// scan returns the rows tx sees with keys in [from, to) (nil: open).
func (e *env) scan(tx *Txn, from, to []byte) map[int]int64 {
	e.t.Helper()
	rows := map[int]int64{}
	err := tx.Scan(e.tbl, from, to, false, func(key, val []byte) bool {
		rows[int(binary.BigEndian.Uint64(key))] = dv(val)
		return true
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return rows
}

// scanKeys returns the keys tx sees in [from, to), in scan order.
func (e *env) scanKeys(tx *Txn, from, to []byte, reverse bool) []int {
	e.t.Helper()
	var keys []int
	err := tx.Scan(e.tbl, from, to, reverse, func(key, _ []byte) bool {
		keys = append(keys, int(binary.BigEndian.Uint64(key)))
		return true
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return keys
}

// mustGet reads key i and fails the test unless it holds want.
func (e *env) mustGet(tx *Txn, i int, want int64) {
	e.t.Helper()
	got, ok := e.get(tx, i)
	if !ok || got != want {
		e.t.Fatalf("key %d: got (%d, found=%v), want %d", i, got, ok, want)
	}
}

// mustAbsent fails the test if tx sees a row under key i.
func (e *env) mustAbsent(tx *Txn, i int) {
	e.t.Helper()
	if got, ok := e.get(tx, i); ok {
		e.t.Fatalf("key %d: got %d, want no row", i, got)
	}
}

// mustUpdate applies fn to key i and fails the test unless a row changed.
func (e *env) mustUpdate(tx *Txn, i int, fn UpdateFunc) {
	e.t.Helper()
	ok, err := tx.Update(context.Background(), e.tbl, k(i), fn)
	if err != nil || !ok {
		e.t.Fatalf("update key %d: ok=%v err=%v", i, ok, err)
	}
}

func (e *env) mustDelete(tx *Txn, i int) {
	e.t.Helper()
	ok, err := tx.Delete(context.Background(), e.tbl, k(i), nil)
	if err != nil || !ok {
		e.t.Fatalf("delete key %d: ok=%v err=%v", i, ok, err)
	}
}

func (e *env) mustInsert(tx *Txn, i int, x int64) {
	e.t.Helper()
	if err := tx.Insert(context.Background(), e.tbl, k(i), v(x)); err != nil {
		e.t.Fatalf("insert key %d: %v", i, err)
	}
}

func mustCommit(t testing.TB, tx *Txn) {
	t.Helper()
	if err := tx.Commit(); err != nil {
		t.Fatalf("commit: %v", err)
	}
}

// wantRows fails the test unless got equals want.
func wantRows(t testing.TB, what string, got, want map[int]int64) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s: got %v, want %v", what, got, want)
	}
}

// wantErr fails the test unless err is target (nil: no error).
func wantErr(t testing.TB, what string, err, target error) {
	t.Helper()
	if target == nil {
		if err != nil {
			t.Fatalf("%s: unexpected error %v", what, err)
		}
		return
	}
	if !errors.Is(err, target) {
		t.Fatalf("%s: got error %v, want %v", what, err, target)
	}
}

// op is an operation running in its own goroutine (a blocked statement).
type op struct {
	done    chan struct{}
	started time.Time
	ended   time.Time
	ok      bool
	err     error
}

// async runs fn in a goroutine. The transaction fn uses must not be touched
// by the caller until the op finished.
func async(fn func() (bool, error)) *op {
	o := &op{done: make(chan struct{}), started: time.Now()}
	go func() {
		defer close(o.done)
		o.ok, o.err = fn()
		o.ended = time.Now()
	}()
	return o
}

// mustBlock fails the test if the op finishes within d.
func (o *op) mustBlock(t testing.TB, d time.Duration) {
	t.Helper()
	select {
	case <-o.done:
		t.Fatalf("operation finished (ok=%v err=%v) while it should be waiting", o.ok, o.err)
	case <-time.After(d):
	}
}

// wait waits for the op to finish and fails the test if it takes longer
// than finishWithin.
func (o *op) wait(t testing.TB) (bool, error) {
	t.Helper()
	select {
	case <-o.done:
		return o.ok, o.err
	case <-time.After(finishWithin):
		t.Fatalf("operation still blocked after %v", finishWithin)
		return false, nil
	}
}

func (o *op) elapsed() time.Duration { return o.ended.Sub(o.started) }

// histTxn is one committed transaction of a history checked by
// serialOrder: what it saw, and how it behaves against a given state.
type histTxn struct {
	name string
	saw  any                                  // what the transaction observed
	view func(st map[int]int64) any           // what it would observe in state st
	exec func(st map[int]int64) map[int]int64 // its writes if run in state st
}

// serialOrder looks for an order of txns which, run one at a time from
// initial, makes every transaction observe what it did observe and ends in
// final. It returns the names in that order, or nil if there is none: the
// history is not serializable.
func serialOrder(initial map[int]int64, txns []histTxn, final map[int]int64) []string {
	used := make([]bool, len(txns))
	var order []string
	var try func(st map[int]int64) bool
	try = func(st map[int]int64) bool {
		if len(order) == len(txns) {
			return reflect.DeepEqual(st, final)
		}
		for i, tx := range txns {
			if used[i] || !reflect.DeepEqual(tx.view(st), tx.saw) {
				continue
			}
			next := make(map[int]int64, len(st))
			for k, x := range st {
				next[k] = x
			}
			for k, x := range tx.exec(st) {
				next[k] = x
			}
			used[i] = true
			order = append(order, tx.name)
			if try(next) {
				return true
			}
			used[i] = false
			order = order[:len(order)-1]
		}
		return false
	}
	if try(initial) {
		return order
	}
	return nil
}
