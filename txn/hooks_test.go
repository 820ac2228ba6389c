package txn

import (
	"context"
	"reflect"
	"testing"
)

func TestDeferHooks(t *testing.T) {
	e := newEnv(t, Options{})
	s := e.m.NewSession("")
	defer s.Close()
	var got []string
	note := func(x string) func() { return func() { got = append(got, x) } }

	tx := s.Begin(TxnOptions{})
	tx.Defer(note("commit1"), note("abort1"))
	tx.Defer(note("commit2"), nil)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if want := []string{"commit1", "commit2"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("commit ran %v, want %v", got, want)
	}

	got = nil
	tx = s.Begin(TxnOptions{})
	tx.Defer(nil, note("abort1"))
	tx.Defer(nil, note("abort2"))
	tx.Rollback()
	if want := []string{"abort2", "abort1"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("rollback ran %v, want %v", got, want)
	}

	// A rollback to a savepoint runs the abort hooks registered after it,
	// and only those; commit then runs the survivors' commit hooks.
	got = nil
	tx = s.Begin(TxnOptions{})
	if err := tx.Insert(context.Background(), e.tbl, k(1), v(1)); err != nil {
		t.Fatal(err)
	}
	tx.Defer(note("c-before"), note("a-before"))
	tx.Savepoint("sp")
	tx.Defer(note("c-after"), note("a-after"))
	if err := tx.RollbackTo("sp"); err != nil {
		t.Fatal(err)
	}
	if want := []string{"a-after"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("rollback to savepoint ran %v, want %v", got, want)
	}
	tx.Defer(note("c-again"), nil)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if want := []string{"a-after", "c-before", "c-again"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("after commit %v, want %v", got, want)
	}
}
