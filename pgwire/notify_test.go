package pgwire

import (
	"context"
	"testing"
	"time"
)

// LISTEN/NOTIFY through pgx: a notification committed by another session
// reaches an idle listener at once (WaitForNotification), carries the
// sender's backend pid and payload, and one from a rolled-back
// transaction never arrives; a listener inside a transaction block gets
// its notifications when the block ends; pg_notify works as NOTIFY.
func TestListenNotify(t *testing.T) {
	ts := startServer(t)
	ctx := ctxT(t)
	l, n := ts.connect(t, ""), ts.connect(t, "")
	if _, err := l.Exec(ctx, "LISTEN jobs"); err != nil {
		t.Fatal(err)
	}
	if _, err := n.Exec(ctx, "BEGIN; NOTIFY jobs, 'lost'; ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	if _, err := n.Exec(ctx, "NOTIFY jobs, 'first'"); err != nil {
		t.Fatal(err)
	}
	wait, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	got, err := l.WaitForNotification(wait)
	if err != nil {
		t.Fatal(err)
	}
	if got.Channel != "jobs" || got.Payload != "first" || got.PID != n.PgConn().PID() {
		t.Fatalf("got %+v, want jobs/first from pid %d", got, n.PgConn().PID())
	}

	// Inside a block, delivery waits for its end.
	if _, err := l.Exec(ctx, "BEGIN"); err != nil {
		t.Fatal(err)
	}
	if _, err := n.Exec(ctx, "SELECT pg_notify('jobs', 'second')"); err != nil {
		t.Fatal(err)
	}
	short, cancel2 := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel2()
	if got, err := l.WaitForNotification(short); err == nil {
		t.Fatalf("notification %+v delivered inside a transaction block", got)
	}
	if _, err := l.Exec(ctx, "COMMIT"); err != nil {
		t.Fatal(err)
	}
	wait2, cancel3 := context.WithTimeout(ctx, 5*time.Second)
	defer cancel3()
	if got, err = l.WaitForNotification(wait2); err != nil || got.Payload != "second" {
		t.Fatalf("after the block: %+v %v", got, err)
	}

	// UNLISTEN: nothing more arrives.
	if _, err := l.Exec(ctx, "UNLISTEN *"); err != nil {
		t.Fatal(err)
	}
	if _, err := n.Exec(ctx, "NOTIFY jobs"); err != nil {
		t.Fatal(err)
	}
	short2, cancel4 := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel4()
	if got, err := l.WaitForNotification(short2); err == nil {
		t.Fatalf("notification %+v after UNLISTEN", got)
	}
}
