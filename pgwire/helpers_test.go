package pgwire

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/persiandb/persiandb/sql"
	"github.com/persiandb/persiandb/storage"
	"github.com/persiandb/persiandb/txn"
	"github.com/rs/zerolog"
)

// testServer is an in-process server on a loopback port.
type testServer struct {
	srv  *Server
	eng  *sql.Engine
	addr *net.TCPAddr
}

func startServer(t testing.TB, opts ...func(*Config)) *testServer {
	t.Helper()
	st := storage.Open(storage.Options{Logger: zerolog.Nop()})
	m := txn.NewManager(st, txn.Options{})
	eng, err := sql.Open(m)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.Close)
	return serveEngine(t, eng, opts...)
}

// serveEngine starts a server for eng on a loopback port; the test's
// cleanup shuts it down.
func serveEngine(t testing.TB, eng *sql.Engine, opts ...func(*Config)) *testServer {
	t.Helper()
	cfg := Config{Engine: eng, Log: zerolog.Nop()}
	for _, o := range opts {
		o(&cfg)
	}
	srv := NewServer(cfg)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	return &testServer{srv: srv, eng: eng, addr: ln.Addr().(*net.TCPAddr)}
}

func (ts *testServer) dsn(extra string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable%s", ts.addr.Port, extra)
}

func (ts *testServer) connect(t testing.TB, extra string) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, ts.dsn(extra))
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

// sqlstate is the SQLSTATE a driver error carries ("" if none).
func sqlstate(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}
