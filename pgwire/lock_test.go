package pgwire

import (
	"sort"
	"testing"
)

// TestPgxSkipLockedQueue is the job-queue pattern through pgx's extended
// protocol: workers in their own transactions each take the first job
// nobody holds (FOR UPDATE SKIP LOCKED with a parameter), so no two get
// the same one, and a NOWAIT on a held job fails with 55P03.
func TestPgxSkipLockedQueue(t *testing.T) {
	ts := startServer(t)
	ctx := ctxT(t)
	setup := ts.connect(t, "")
	if _, err := setup.Exec(ctx, "CREATE TABLE queue (id int PRIMARY KEY, kind text); INSERT INTO queue SELECT g, 'k' FROM generate_series(1, 5) g"); err != nil {
		t.Fatal(err)
	}
	var got []int
	for w := 0; w < 4; w++ {
		c := ts.connect(t, "")
		tx, err := c.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(ctx)
		var id int
		if err := tx.QueryRow(ctx, "SELECT id FROM queue WHERE kind = $1 ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED", "k").Scan(&id); err != nil {
			t.Fatalf("worker %d: %v", w, err)
		}
		got = append(got, id)
	}
	sort.Ints(got)
	if len(got) != 4 || got[0] != 1 || got[3] != 4 {
		t.Fatalf("workers took %v, want 1, 2, 3, 4", got)
	}
	_, err := setup.Exec(ctx, "SELECT id FROM queue WHERE id = $1 FOR UPDATE NOWAIT", 2)
	if code := sqlstate(err); code != "55P03" {
		t.Fatalf("NOWAIT on a held row: %v (%s), want 55P03", err, code)
	}
}
