package txn

import (
	"context"
	"errors"
	"testing"
)

func TestBasicCommitAbort(t *testing.T) {
	e := newEnv(t, Options{})
	e.load(10, 20)
	ctx := context.Background()
	s := e.m.NewSession("a")
	defer s.Close()

	tx := s.Begin(TxnOptions{})
	if got, _ := e.get(tx, 0); got != 10 {
		t.Fatalf("got %d", got)
	}
	if ok, err := tx.Update(ctx, e.tbl, k(0), add(5)); !ok || err != nil {
		t.Fatal(ok, err)
	}
	tx.NewStatement()
	if got, _ := e.get(tx, 0); got != 15 {
		t.Fatalf("own write: got %d", got)
	}
	tx.Rollback()

	tx = s.Begin(TxnOptions{})
	if got, _ := e.get(tx, 0); got != 10 {
		t.Fatalf("after rollback: got %d", got)
	}
	if err := tx.Insert(ctx, e.tbl, k(0), v(1)); !errors.Is(err, ErrUniqueViolation) {
		t.Fatalf("duplicate insert: %v", err)
	}
	if ok, err := tx.Delete(ctx, e.tbl, k(1), nil); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if err := tx.Insert(ctx, e.tbl, k(5), v(50)); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	tx = s.Begin(TxnOptions{})
	if _, ok := e.get(tx, 1); ok {
		t.Fatal("deleted row visible")
	}
	if got, ok := e.get(tx, 5); !ok || got != 50 {
		t.Fatal("inserted row", got, ok)
	}
	tx.Commit()
	if s.CommitPoint() != 1 {
		t.Fatalf("commit point %d", s.CommitPoint())
	}
}
