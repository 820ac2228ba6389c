package sql_test

import (
	"context"
	"testing"
)

// A prepared SELECT that writes through a sequence runs in a writable
// transaction, inside a block and outside.
func TestPreparedNextval(t *testing.T) {
	s := newSession(t)
	ctx := context.Background()
	mustExec(t, s, "CREATE SEQUENCE sq")
	p, err := s.Prepare(ctx, "", "SELECT nextval('sq')", nil)
	if err != nil {
		t.Fatal(err)
	}
	for want := int64(1); want <= 3; want++ {
		r, err := s.ExecPrepared(ctx, p, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := r.Rows[0][0].AsInt64(); got != want {
			t.Fatalf("nextval %d, want %d", got, want)
		}
	}
	mustExec(t, s, "BEGIN")
	if _, err := s.ExecPrepared(ctx, p, nil); err != nil {
		t.Fatal(err)
	}
	mustExec(t, s, "COMMIT")
}
