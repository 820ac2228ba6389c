package pgwire

// Fuzz targets for the wire server's borders: the message loop after a
// valid start-up (FuzzMessages) and the start-up packet itself
// (FuzzStartup).
//
// Each input is written to a fresh loopback connection of one server per
// fuzz process, and the write side is then closed. Whatever the bytes, the
// server must not panic (a panic in its goroutine ends the process, which
// the fuzzer reports as a crash) and must close the connection within
// fuzzDeadline (having answered or not): seeing EOF, a correct server
// finishes what it can and hangs up. Its connection goroutine must then be
// gone: the connection unregistered and its MaxConnections slot given
// back. Statements are bounded by a short statement_timeout so that a
// mutated query that runs long is not taken for a hang.
//
// Run them with
//
//	go test ./pgwire -run '^$' -fuzz FuzzMessages -fuzztime 2m
//	go test ./pgwire -run '^$' -fuzz FuzzStartup -fuzztime 2m
//
// Crashing inputs land in testdata/fuzz/<target>/ and are replayed by every
// plain go test run.

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"runtime/pprof"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/persiandb/persiandb/sql"
	"github.com/persiandb/persiandb/storage"
	"github.com/persiandb/persiandb/txn"
	"github.com/rs/zerolog"
)

const (
	// fuzzDeadline bounds one input: the server must have closed the
	// connection by then.
	fuzzDeadline = 2 * time.Second
	// fuzzMaxInput skips bigger inputs (they only slow the fuzzer).
	fuzzMaxInput = 64 << 10
	// fuzzStatementTimeout is the sessions' statement_timeout.
	fuzzStatementTimeout = "100ms"
)

// fuzzServer is the server of a fuzz process. Inputs run one at a time,
// so between inputs it has no connection.
type fuzzServer struct {
	srv  *Server
	addr string
	stop func()
}

func openFuzzServer(tb testing.TB) *fuzzServer {
	tb.Helper()
	st := storage.Open(storage.Options{Logger: zerolog.Nop()})
	m := txn.NewManager(st, txn.Options{})
	eng, err := sql.Open(m)
	if err != nil {
		tb.Fatal(err)
	}
	srv := NewServer(Config{Engine: eng, Log: zerolog.Nop(), MaxMessageSize: 1 << 20})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	return &fuzzServer{srv: srv, addr: ln.Addr().String(), stop: func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		m.Close()
	}}
}

// fuzzServers holds the current server of the process: an input may break
// the engine for later start-ups (say, by dropping the role postgres),
// and then the next input gets a fresh one.
type fuzzServers struct {
	mu  sync.Mutex
	cur *fuzzServer
}

func (fs *fuzzServers) get(tb testing.TB) *fuzzServer {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fs.cur == nil {
		fs.cur = openFuzzServer(tb)
	}
	return fs.cur
}

func (fs *fuzzServers) replace(tb testing.TB, old *fuzzServer) *fuzzServer {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fs.cur == old {
		old.stop()
		fs.cur = openFuzzServer(tb)
	}
	return fs.cur
}

func (fs *fuzzServers) close() {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fs.cur != nil {
		fs.cur.stop()
		fs.cur = nil
	}
}

// startupBytes encodes a StartupMessage of params.
func startupBytes(tb testing.TB, params map[string]string) []byte {
	b, err := (&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersion30, Parameters: params}).Encode(nil)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// session opens a connection past its greeting.
func (s *fuzzServer) session(tb testing.TB) (net.Conn, error) {
	nc, err := net.DialTimeout("tcp", s.addr, 5*time.Second)
	if err != nil {
		return nil, err
	}
	_ = nc.SetDeadline(time.Now().Add(5 * time.Second))
	params := map[string]string{"user": "postgres", "database": "postgres", "statement_timeout": fuzzStatementTimeout}
	if _, err := nc.Write(startupBytes(tb, params)); err != nil {
		nc.Close()
		return nil, err
	}
	fe := pgproto3.NewFrontend(nc, nc)
	for {
		msg, err := fe.Receive()
		if err != nil {
			nc.Close()
			return nil, err
		}
		switch m := msg.(type) {
		case *pgproto3.ErrorResponse:
			nc.Close()
			return nil, errors.New(m.Message)
		case *pgproto3.ReadyForQuery:
			// The greeting ends here; nothing else was sent.
			_ = nc.SetDeadline(time.Time{})
			return nc, nil
		}
	}
}

// play writes data, half-closes the connection and reads until the server
// closes it; it fails the test if that takes longer than fuzzDeadline or
// if the server then still counts the connection.
func (s *fuzzServer) play(t *testing.T, nc net.Conn, data []byte) {
	defer nc.Close()
	wrote := make(chan struct{})
	go func() {
		defer close(wrote)
		if _, err := nc.Write(data); err == nil {
			_ = nc.(*net.TCPConn).CloseWrite()
		}
	}()
	_ = nc.SetReadDeadline(time.Now().Add(fuzzDeadline))
	_, err := io.Copy(io.Discard, nc)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		nc.Close()
		<-wrote
		t.Fatalf("the server neither closed the connection within %v of the client's EOF\n%s", fuzzDeadline, goroutines())
	}
	nc.Close()
	<-wrote
	s.waitIdle(t)
}

// waitIdle waits for the server to drop every connection.
func (s *fuzzServer) waitIdle(t *testing.T) {
	deadline := time.Now().Add(fuzzDeadline)
	for {
		s.srv.mu.Lock()
		n := len(s.srv.conns)
		s.srv.mu.Unlock()
		active := s.srv.active.Load()
		if n == 0 && active == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("connection closed but still registered (%d connections, %d active) after %v\n%s", n, active, fuzzDeadline, goroutines())
		}
		time.Sleep(time.Millisecond)
	}
}

func goroutines() string {
	var b bytes.Buffer
	_ = pprof.Lookup("goroutine").WriteTo(&b, 1)
	return b.String()
}

func encodeAll(tb testing.TB, msgs ...pgproto3.FrontendMessage) []byte {
	var b []byte
	for _, m := range msgs {
		var err error
		if b, err = m.Encode(b); err != nil {
			tb.Fatal(err)
		}
	}
	return b
}

// FuzzMessages feeds a byte stream of frontend messages to a session.
func FuzzMessages(f *testing.F) {
	seeds, err := wireSeeds()
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Add(encodeAll(f, &pgproto3.Query{String: "select 1"}, &pgproto3.Terminate{}))
	f.Add(encodeAll(f,
		&pgproto3.Parse{Name: "s", Query: "select $1::int + 1", ParameterOIDs: []uint32{23}},
		&pgproto3.Bind{PreparedStatement: "s", ParameterFormatCodes: []int16{1}, Parameters: [][]byte{{0, 0, 0, 7}}, ResultFormatCodes: []int16{1}},
		&pgproto3.Describe{ObjectType: 'P'},
		&pgproto3.Execute{MaxRows: 1},
		&pgproto3.Sync{}))
	f.Add(encodeAll(f,
		&pgproto3.Query{String: "create table if not exists f (a int, b text)"},
		&pgproto3.Query{String: "copy f from stdin"},
		&pgproto3.CopyData{Data: []byte("1\tx\n2\t")},
		&pgproto3.CopyData{Data: []byte("y\n")},
		&pgproto3.CopyDone{},
		&pgproto3.Query{String: "copy f to stdout with (format binary)"}))
	f.Add([]byte{'Q', 0, 0, 0, 4})             // a Query without its string
	f.Add([]byte{'z', 0, 0, 0, 4})             // an unknown message type
	f.Add([]byte{'P', 0xff, 0xff, 0xff, 0xff}) // a length past the limit

	var servers fuzzServers
	f.Cleanup(servers.close)
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > fuzzMaxInput {
			t.Skip("input too large")
		}
		s := servers.get(t)
		nc, err := s.session(t)
		if err != nil {
			// An earlier input may have broken start-up; try once on a
			// fresh server.
			s = servers.replace(t, s)
			if nc, err = s.session(t); err != nil {
				t.Fatalf("start-up on a fresh server: %v", err)
			}
		}
		s.play(t, nc, data)
	})
}

// FuzzStartup feeds bytes to a connection from its first byte.
func FuzzStartup(f *testing.F) {
	user := map[string]string{"user": "postgres", "database": "postgres"}
	startup := startupBytes(f, user)
	ssl := encodeAll(f, &pgproto3.SSLRequest{})
	gss := encodeAll(f, &pgproto3.GSSEncRequest{})
	f.Add(startup)
	f.Add(append(append([]byte{}, ssl...), startup...))
	f.Add(append(append(append([]byte{}, gss...), ssl...), startup...))
	f.Add(append(append([]byte{}, ssl...), ssl...))
	f.Add(encodeAll(f, &pgproto3.CancelRequest{ProcessID: 1001, SecretKey: []byte{1, 2, 3, 4}}))
	f.Add(startupBytes(f, map[string]string{"user": "postgres", "options": `-c statement_timeout=5 --DateStyle=ISO\,\ DMY`, "application_name": "fuzz"}))
	f.Add(startupBytes(f, map[string]string{"user": "postgres", "_pq_.something": "1"}))
	f.Add(startupBytes(f, map[string]string{"user": "nosuch", "database": "nosuch"}))
	f.Add(startupBytes(f, map[string]string{"user": "postgres", "replication": "database"}))
	f.Add(startupBytes(f, map[string]string{"database": "postgres"}))
	f.Add(append(startupBytes(f, user), encodeAll(f, &pgproto3.Query{String: "select 1"})...))
	minor := startupBytes(f, user)
	minor[7] = 2 // protocol 3.2
	f.Add(minor)
	v2 := startupBytes(f, user)
	v2[5] = 2 // protocol 2.0
	f.Add(v2)
	f.Add([]byte{0, 0, 0, 8})

	var servers fuzzServers
	f.Cleanup(servers.close)
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > fuzzMaxInput {
			t.Skip("input too large")
		}
		s := servers.get(t)
		nc, err := net.DialTimeout("tcp", s.addr, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		s.play(t, nc, data)
	})
}
