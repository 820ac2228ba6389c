package logictest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/persiandb/persiandb/pgwire"
	"github.com/persiandb/persiandb/sql"
	"github.com/persiandb/persiandb/storage"
	"github.com/persiandb/persiandb/txn"
	"github.com/rs/zerolog"
)

// wireShutdownGrace is how long Close lets statements still running on the
// server finish before it cancels them. The runner closes its sessions
// before the engine, so normally nothing is left running.
const wireShutdownGrace = 5 * time.Second

// OpenPersianDBWire is the Opener of the wire engine: PersianDB reached
// over the PostgreSQL protocol. Per file it opens a fresh in-memory
// database, as OpenPersianDB does, serves it with a pgwire server on a
// loopback port of its own, and talks to it with the oracle's pgx session
// code (postgres.go), so results are read and compared exactly as they are
// for PostgreSQL: simple-query protocol, text format. A record that passes
// in process but fails here is a bug in the server (or in how the session
// code reads results).
func OpenPersianDBWire(ctx context.Context, path string) (Engine, error) {
	st := storage.Open(storage.Options{Logger: zerolog.Nop()})
	m := txn.NewManager(st, txn.Options{})
	e, err := sql.Open(m)
	if err != nil {
		m.Close()
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		m.Close()
		return nil, err
	}
	w := &wireEngine{
		m:      m,
		srv:    pgwire.NewServer(pgwire.Config{Engine: e, Log: zerolog.Nop()}),
		served: make(chan error, 1),
		// Loopback clients are trusted; sslmode=disable skips the
		// SSLRequest round trip the server would refuse anyway.
		dsn: fmt.Sprintf("postgres://postgres@%s/postgres?sslmode=disable", ln.Addr()),
	}
	go func() { w.served <- w.srv.Serve(ln) }()
	return w, nil
}

// wireEngine is one file's database and the server in front of it.
type wireEngine struct {
	m      *txn.Manager
	srv    *pgwire.Server
	served chan error // Serve's result, sent once it returns
	dsn    string
}

// NewSession opens a connection to the file's server; every session is a
// connection of its own, as with the oracle.
func (w *wireEngine) NewSession(ctx context.Context, name string) (Session, error) {
	return openPGSession(ctx, w.dsn, "postgres")
}

// Close shuts the server down, waits for Serve to return, then closes the
// database.
func (w *wireEngine) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), wireShutdownGrace)
	defer cancel()
	err := w.srv.Shutdown(ctx)
	if serr := <-w.served; serr != nil && !errors.Is(serr, pgwire.ErrServerClosed) && err == nil {
		err = serr
	}
	w.m.Close()
	return err
}
