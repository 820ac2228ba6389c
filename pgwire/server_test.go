package pgwire

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgproto3"
)

// pgx's CopyFrom uses binary COPY.
func TestPgxCopyFromBinary(t *testing.T) {
	ts := startServer(t)
	c := ts.connect(t, "")
	ctx := ctxT(t)
	mustExec(t, c, `create table cp (id int8 primary key, name text, amount numeric(12,2), at timestamptz, ok bool)`)
	var rows [][]any
	for i := 0; i < 5000; i++ {
		var name any = "row " + strings.Repeat("é", i%7)
		if i%10 == 0 {
			name = nil
		}
		rows = append(rows, []any{int64(i), name, float64(i) / 4, time.Unix(int64(i), 0), i%2 == 0})
	}
	n, err := c.CopyFrom(ctx, pgx.Identifier{"cp"}, []string{"id", "name", "amount", "at", "ok"}, pgx.CopyFromRows(rows))
	if err != nil || n != 5000 {
		t.Fatalf("CopyFrom: %d %v", n, err)
	}
	var cnt, nulls int
	var sum float64
	if err := c.QueryRow(ctx, `select count(*), count(*) - count(name), sum(amount)::float8 from cp`).Scan(&cnt, &nulls, &sum); err != nil {
		t.Fatal(err)
	}
	if cnt != 5000 || nulls != 500 || sum != 4999*5000/8.0 {
		t.Fatalf("count %d nulls %d sum %v", cnt, nulls, sum)
	}
	// A failing load (duplicate key) loads nothing.
	_, err = c.CopyFrom(ctx, pgx.Identifier{"cp"}, []string{"id"}, pgx.CopyFromRows([][]any{{int64(9000)}, {int64(1)}}))
	if sqlstate(err) != "23505" {
		t.Fatalf("want 23505, got %v", err)
	}
	if err := c.QueryRow(ctx, `select count(*) from cp`).Scan(&cnt); err != nil || cnt != 5000 {
		t.Fatalf("count after failed copy %d %v", cnt, err)
	}
}

// A message longer than MaxMessageSize ends the connection with 08P01
// before its body is buffered.
func TestOversizedMessage(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.MaxMessageSize = 1 << 16 })
	nc, err := net.Dial("tcp", ts.addr.String())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	fe := pgproto3.NewFrontend(nc, nc)
	fe.Send(&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersionNumber, Parameters: map[string]string{"user": "postgres", "database": "postgres"}})
	if err := fe.Flush(); err != nil {
		t.Fatal(err)
	}
	for {
		msg, err := fe.Receive()
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := msg.(*pgproto3.ReadyForQuery); ok {
			break
		}
	}
	// Only the header of a 1 GiB query: the server must not wait for it.
	if _, err := nc.Write([]byte{'Q', 0x40, 0, 0, 0}); err != nil {
		t.Fatal(err)
	}
	_ = nc.SetReadDeadline(time.Now().Add(10 * time.Second))
	msg, err := fe.Receive()
	if err != nil {
		t.Fatal(err)
	}
	er, ok := msg.(*pgproto3.ErrorResponse)
	if !ok || er.Code != "08P01" || er.Severity != "FATAL" {
		t.Fatalf("got %#v", msg)
	}
}

// Shutdown lets a running statement finish, then closes its connection
// with 57P01; idle connections get 57P01 at once.
func TestShutdownGrace(t *testing.T) {
	ts := startServer(t)
	busy := ts.connect(t, "")
	idle := ts.connect(t, "")
	done := make(chan error, 1)
	go func() {
		_, err := busy.Exec(context.Background(), `select pg_sleep(0.5)`)
		done <- err
	}()
	time.Sleep(100 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := ts.srv.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("running statement: %v", err)
	}
	if _, err := idle.Exec(context.Background(), `select 1`); err == nil {
		t.Fatal("idle connection still served after shutdown")
	}
	if _, err := net.DialTimeout("tcp", ts.addr.String(), time.Second); err == nil {
		t.Fatal("still accepting after shutdown")
	}
}

// Past the grace period, running statements are canceled.
func TestShutdownCancelsAfterGrace(t *testing.T) {
	ts := startServer(t)
	c := ts.connect(t, "")
	done := make(chan error, 1)
	go func() {
		_, err := c.Exec(context.Background(), `select pg_sleep(60)`)
		done <- err
	}()
	time.Sleep(100 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_ = ts.srv.Shutdown(ctx)
	if err := <-done; err == nil {
		t.Fatal("statement finished despite shutdown")
	}
	if time.Since(start) > 10*time.Second {
		t.Fatalf("shutdown took %v", time.Since(start))
	}
}

func TestRoleConnectionLimit(t *testing.T) {
	ts := startServer(t)
	mustExec(t, ts.connect(t, ""), `CREATE USER lim CONNECTION LIMIT 1`)
	dsn := strings.Replace(ts.dsn(""), "postgres@", "lim@", 1)
	first, err := pgx.Connect(ctxT(t), dsn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pgx.Connect(ctxT(t), dsn); sqlstate(err) != "53300" {
		t.Fatalf("second connection: %v, want 53300", err)
	}
	first.Close(context.Background())
	// The slot is free again once the first session ends.
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := pgx.Connect(ctxT(t), dsn)
		if err == nil {
			c.Close(context.Background())
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("slot not freed: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
