package sql_test

import (
	"context"
	"testing"

	"github.com/persiandb/persiandb/sql"
	"github.com/persiandb/persiandb/storage"
)

// Prepared writes keep their plan between executions and give the same
// results as fresh plans: serial defaults advance, parameters change,
// ON CONFLICT and RETURNING work on every run, DDL re-plans.
func TestPreparedDMLPlanReuse(t *testing.T) {
	s := newSession(t)
	ctx := context.Background()
	mustExec(t, s, "CREATE TABLE acc(id serial PRIMARY KEY, k int UNIQUE, bal int NOT NULL DEFAULT 0)")
	ins, err := s.Prepare(ctx, "ins", "INSERT INTO acc(k) VALUES ($1) ON CONFLICT (k) DO UPDATE SET bal = acc.bal + 1 RETURNING id, bal", nil)
	if err != nil {
		t.Fatal(err)
	}
	upd, err := s.Prepare(ctx, "upd", "UPDATE acc SET bal = bal + $1 WHERE k = $2", nil)
	if err != nil {
		t.Fatal(err)
	}
	run := func(p *sql.Prepared, args ...storage.Value) *sql.Result {
		t.Helper()
		r, err := s.ExecPrepared(ctx, p, args)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	for k := int32(1); k <= 3; k++ {
		r := run(ins, storage.Int32(k))
		if got := r.Rows[0][0].AsInt64(); got != int64(k) {
			t.Fatalf("insert %d: id %d", k, got)
		}
	}
	first := sql.DMLPlanOf(ins)
	if r := run(ins, storage.Int32(2)); r.Rows[0][0].AsInt64() != 2 || r.Rows[0][1].AsInt64() != 1 {
		t.Fatalf("conflict: %v", r.Rows)
	}
	if sql.DMLPlanOf(ins) != first {
		t.Fatal("insert plan rebuilt without a catalog change")
	}
	for i := 0; i < 3; i++ {
		if r := run(upd, storage.Int32(10), storage.Int32(int32(i+1))); r.Tag != "UPDATE 1" {
			t.Fatalf("update: %s", r.Tag)
		}
	}
	res := mustExec(t, s, "SELECT sum(bal) FROM acc")
	if got := res[0].Rows[0][0].AsInt64(); got != 31 {
		t.Fatalf("sum %d, want 31", got)
	}
	mustExec(t, s, "ALTER TABLE acc ADD COLUMN note text DEFAULT 'n'")
	run(ins, storage.Int32(4))
	if sql.DMLPlanOf(ins) == first {
		t.Fatal("insert plan kept across a catalog change")
	}
	res = mustExec(t, s, "SELECT note FROM acc WHERE k = 4")
	if res[0].Rows[0][0].AsString() != "n" {
		t.Fatalf("new column default: %v", res[0].Rows)
	}
}
