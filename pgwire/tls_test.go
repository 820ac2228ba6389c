package pgwire

// TLS and password authentication over the wire, with pgx and lib/pq and
// the real engine's roles.

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	dbsql "database/sql"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/lib/pq"
)

// selfSignedTLS returns a server configuration with a fresh self-signed
// ECDSA certificate for 127.0.0.1 and localhost, and the path of a file
// holding that certificate in PEM, for sslrootcert.
func selfSignedTLS(t testing.TB) (*tls.Config, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "persiandb test"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(t.TempDir(), "root.crt")
	if err := os.WriteFile(root, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}, MinVersion: tls.VersionTLS12}
	return cfg, root
}

// sibling starts a second server on ts's engine with its own
// configuration, so that roles made through ts (under trust) can log in
// to it with a password.
func (ts *testServer) sibling(t testing.TB, opts ...func(*Config)) *testServer {
	t.Helper()
	return serveEngine(t, ts.eng, opts...)
}

// userDSN is a URL for user with password and sslmode, then extra.
func (ts *testServer) userDSN(user, password, sslmode, extra string) string {
	u := url.URL{Scheme: "postgres", Host: ts.addr.String(), Path: "/postgres", RawQuery: "sslmode=" + sslmode + extra}
	if password != "" {
		u.User = url.UserPassword(user, password)
	} else {
		u.User = url.User(user)
	}
	return u.String()
}

// serverSideTLS reports whether the server's connection with process id
// pid runs over TLS. c.nc is set before the connection is registered
// (under srv.mu), so reading it under srv.mu is race-free.
func (ts *testServer) serverSideTLS(t testing.TB, pid uint32) bool {
	t.Helper()
	ts.srv.mu.Lock()
	defer ts.srv.mu.Unlock()
	c := ts.srv.conns[pid]
	if c == nil {
		t.Fatalf("no server connection with pid %d", pid)
	}
	_, ok := c.nc.(*tls.Conn)
	return ok
}

// trackingDialer records lib/pq's connections so that a test can close
// them all: lib/pq v1.12.3 does not close the plain connection it
// abandons when sslmode=prefer falls back after the server's 'N', and the
// server would keep it until its start-up timeout.
type trackingDialer struct {
	d  net.Dialer
	mu struct {
		sync.Mutex
		conns []net.Conn // protected by mu
	}
}

func (d *trackingDialer) Dial(network, addr string) (net.Conn, error) {
	return d.DialContext(context.Background(), network, addr)
}

func (d *trackingDialer) DialTimeout(network, addr string, timeout time.Duration) (net.Conn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return d.DialContext(ctx, network, addr)
}

func (d *trackingDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	c, err := d.d.DialContext(ctx, network, addr)
	if err == nil {
		d.mu.Lock()
		d.mu.conns = append(d.mu.conns, c)
		d.mu.Unlock()
	}
	return c, err
}

func (d *trackingDialer) closeAll() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, c := range d.mu.conns {
		_ = c.Close()
	}
}

// openPQTracked is openPQDSN with a trackingDialer whose connections are
// closed when t ends.
func openPQTracked(t testing.TB, dsn string) *dbsql.DB {
	t.Helper()
	conn, err := pq.NewConnector(dsn)
	if err != nil {
		t.Fatal(err)
	}
	d := &trackingDialer{}
	conn.Dialer(d)
	db := dbsql.OpenDB(conn)
	t.Cleanup(d.closeAll)
	t.Cleanup(func() { _ = db.Close() })
	if err := db.PingContext(ctxT(t)); err != nil {
		t.Fatalf("ping %s: %v", dsn, err)
	}
	return db
}

func pqPID(t testing.TB, db *dbsql.DB) uint32 {
	t.Helper()
	return uint32(backendPID(t, db))
}

func TestTLS(t *testing.T) {
	cfg, root := selfSignedTLS(t)
	ts := startServer(t, func(c *Config) { c.TLS = cfg })
	rootQ := "&sslrootcert=" + url.QueryEscape(root)

	for _, tc := range []struct {
		mode, extra string
		tls         bool
	}{
		{"require", "", true},
		{"prefer", "", true},
		{"verify-full", rootQ, true},
		{"verify-ca", rootQ, true},
		{"disable", "", false},
	} {
		t.Run("libpq "+tc.mode, func(t *testing.T) {
			db := openPQDSN(t, ts.userDSN("postgres", "", tc.mode, tc.extra))
			db.SetMaxOpenConns(1)
			if got := ts.serverSideTLS(t, pqPID(t, db)); got != tc.tls {
				t.Fatalf("server side TLS %v, want %v", got, tc.tls)
			}
			// A result bigger than a TLS record, and a parameter.
			var n, total int64
			err := db.QueryRowContext(ctxT(t), `select count(*), sum(length(s)) from (select repeat('x', g) as s from generate_series(1, $1::int) g) q`, 2000).Scan(&n, &total)
			if err != nil || n != 2000 || total != 2000*2001/2 {
				t.Fatalf("query: %d %d %v", n, total, err)
			}
			var s string
			if err := db.QueryRowContext(ctxT(t), `select repeat('ab', 100000)`).Scan(&s); err != nil || len(s) != 200000 {
				t.Fatalf("big row: %d %v", len(s), err)
			}
		})
		t.Run("pgx "+tc.mode, func(t *testing.T) {
			c, err := pgx.Connect(ctxT(t), ts.userDSN("postgres", "", tc.mode, tc.extra))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close(context.Background())
			tc2, isTLS := c.PgConn().Conn().(*tls.Conn)
			if isTLS != tc.tls || (isTLS && !tc2.ConnectionState().HandshakeComplete) {
				t.Fatalf("client side TLS %v, want %v", isTLS, tc.tls)
			}
			if got := ts.serverSideTLS(t, c.PgConn().PID()); got != tc.tls {
				t.Fatalf("server side TLS %v, want %v", got, tc.tls)
			}
			var one int
			if err := c.QueryRow(ctxT(t), `select $1::int`, 1).Scan(&one); err != nil || one != 1 {
				t.Fatalf("query: %d %v", one, err)
			}
		})
	}

	t.Run("libpq cancel over TLS", func(t *testing.T) {
		// lib/pq negotiates TLS on the cancel connection too.
		db := openPQDSN(t, ts.userDSN("postgres", "", "require", ""))
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		if _, err := db.ExecContext(ctx, `select count(*) from generate_series(1, 2000000000)`); pqCode(err) != "57014" {
			t.Fatalf("want 57014, got %v", err)
		}
		if err := db.PingContext(ctxT(t)); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("wrong root", func(t *testing.T) {
		_, other := selfSignedTLS(t)
		_, err := pgx.Connect(ctxT(t), ts.userDSN("postgres", "", "verify-full", "&sslrootcert="+url.QueryEscape(other)))
		var ue x509.UnknownAuthorityError
		if !errors.As(err, &ue) {
			t.Fatalf("want an unknown authority error, got %v", err)
		}
	})
}

// Without Config.TLS the server answers SSLRequest with 'N': sslmode=require
// fails with the drivers' clear error, prefer and disable go on in the clear.
func TestTLSNotConfigured(t *testing.T) {
	ts := startServer(t)
	db, err := dbsql.Open("postgres", ts.userDSN("postgres", "", "require", ""))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.PingContext(ctxT(t)); !errors.Is(err, pq.ErrSSLNotSupported) {
		t.Fatalf("lib/pq sslmode=require: %v", err)
	}
	if _, err := pgx.Connect(ctxT(t), ts.userDSN("postgres", "", "require", "")); err == nil || !strings.Contains(err.Error(), "server refused TLS connection") {
		t.Fatalf("pgx sslmode=require: %v", err)
	}
	for _, mode := range []string{"prefer", "disable", "allow"} {
		db := openPQTracked(t, ts.userDSN("postgres", "", mode, ""))
		db.SetMaxOpenConns(1)
		if ts.serverSideTLS(t, pqPID(t, db)) {
			t.Fatalf("lib/pq %s: TLS without a configuration", mode)
		}
		c, err := pgx.Connect(ctxT(t), ts.userDSN("postgres", "", mode, ""))
		if err != nil {
			t.Fatalf("pgx %s: %v", mode, err)
		}
		if _, ok := c.PgConn().Conn().(*tls.Conn); ok {
			t.Fatalf("pgx %s: TLS without a configuration", mode)
		}
		c.Close(context.Background())
	}

	// On the wire: 'N', then the start-up packet on the same connection.
	nc, err := net.Dial("tcp", ts.addr.String())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	_ = nc.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := nc.Write([]byte{0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f}); err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 1)
	if _, err := io.ReadFull(nc, b); err != nil || b[0] != 'N' {
		t.Fatalf("SSLRequest answered %q, %v", b, err)
	}
	fe := pgproto3.NewFrontend(nc, nc)
	fe.Send(&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersionNumber, Parameters: map[string]string{"user": "postgres"}})
	if err := fe.Flush(); err != nil {
		t.Fatal(err)
	}
	if m, err := fe.Receive(); err != nil {
		t.Fatal(err)
	} else if _, ok := m.(*pgproto3.AuthenticationOk); !ok {
		t.Fatalf("after 'N': %T %+v", m, m)
	}
	for {
		m, err := fe.Receive()
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := m.(*pgproto3.ReadyForQuery); ok {
			break
		}
	}
	fe.Send(&pgproto3.Terminate{})
	if err := fe.Flush(); err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(nc); err != nil {
		t.Fatalf("after Terminate: %v", err)
	}
}

// Shutdown must end connections still in start-up, as Postgres's fast
// shutdown ends backends still authenticating: here a client that sent
// SSLRequest, got 'N' and said nothing more (lib/pq's abandoned
// sslmode=prefer connection is one).
func TestShutdownDuringStartup(t *testing.T) {
	ts := startServer(t)
	nc, err := net.Dial("tcp", ts.addr.String())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	_ = nc.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := nc.Write([]byte{0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f}); err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 1)
	if _, err := io.ReadFull(nc, b); err != nil || b[0] != 'N' {
		t.Fatalf("SSLRequest answered %q, %v", b, err)
	}
	done := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		defer cancel()
		done <- ts.srv.Shutdown(ctx)
	}()
	select {
	case <-done:
		// The server hung up (perhaps after a FATAL message).
		if _, err := io.ReadAll(nc); err != nil {
			t.Fatalf("after shutdown: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Errorf("Shutdown with a 500ms deadline still waits after 5s on a connection in start-up")
		nc.Close()
		<-done
	}
}

// Shutdown during authentication: the connection is registered but its
// goroutine is still in the exchange (here waiting for the client's SCRAM
// message), so Shutdown's FATAL and the goroutine's own answer must not
// both write to the socket. The client sees one 57P01, then the end.
func TestShutdownDuringAuthentication(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.AuthLocal = AuthSCRAM })
	nc, err := net.Dial("tcp", ts.addr.String())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	_ = nc.SetDeadline(time.Now().Add(30 * time.Second))
	fe := pgproto3.NewFrontend(nc, nc)
	fe.Send(&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersionNumber, Parameters: map[string]string{"user": "postgres"}})
	if err := fe.Flush(); err != nil {
		t.Fatal(err)
	}
	if m, err := fe.Receive(); err != nil {
		t.Fatal(err)
	} else if _, ok := m.(*pgproto3.AuthenticationSASL); !ok {
		t.Fatalf("want AuthenticationSASL, got %T", m)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := ts.srv.Shutdown(ctx); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	var got []string
	for {
		m, err := fe.Receive()
		if err != nil {
			break
		}
		if e, ok := m.(*pgproto3.ErrorResponse); ok {
			got = append(got, e.Severity+" "+e.Code)
		} else {
			got = append(got, fmt.Sprintf("%T", m))
		}
	}
	if len(got) != 1 || got[0] != "FATAL 57P01" {
		t.Fatalf("client got %v, want one FATAL 57P01", got)
	}
}

// Password methods over the wire against roles made with SQL: a trust
// server creates them, siblings on the same engine check them.
func TestPasswordAuthOverWire(t *testing.T) {
	ts := startServer(t)
	admin := ts.connect(t, "")
	mustExec(t, admin, `create user alice password 'secret'`)
	mustExec(t, admin, `create role bob password 'bobpw'`) // NOLOGIN
	mustExec(t, admin, `create user carol`)                // no password

	type connectFunc func(dsn, user string) error
	pgxConnect := func(dsn, user string) error {
		c, err := pgx.Connect(ctxT(t), dsn)
		if err != nil {
			return err
		}
		defer c.Close(context.Background())
		var who string
		if err := c.QueryRow(ctxT(t), `select current_user`).Scan(&who); err != nil {
			return err
		}
		if who != user {
			return fmt.Errorf("current_user %q", who)
		}
		return nil
	}
	pqConnect := func(dsn, user string) error {
		db, err := dbsql.Open("postgres", dsn)
		if err != nil {
			return err
		}
		defer db.Close()
		var who string
		if err := db.QueryRowContext(ctxT(t), `select current_user`).Scan(&who); err != nil {
			return err
		}
		if who != user {
			return fmt.Errorf("current_user %q", who)
		}
		return nil
	}
	drivers := []struct {
		name    string
		connect connectFunc
		code    func(error) string
	}{{"pgx", pgxConnect, sqlstate}, {"libpq", pqConnect, pqCode}}
	// expect runs every driver as user with password on srv.
	expect := func(t *testing.T, srv *testServer, user, password, code, msg string) {
		t.Helper()
		for _, d := range drivers {
			err := d.connect(srv.userDSN(user, password, "disable", ""), user)
			switch {
			case code == "" && err != nil:
				t.Errorf("%s %s/%s: %v", d.name, user, password, err)
			case code != "" && d.code(err) != code:
				t.Errorf("%s %s/%s: want %s, got %v", d.name, user, password, code, err)
			case code != "" && !strings.Contains(err.Error(), msg):
				t.Errorf("%s %s/%s: message %q, want %q", d.name, user, password, err, msg)
			}
		}
	}
	failed := func(user string) string { return fmt.Sprintf(`password authentication failed for user "%s"`, user) }

	t.Run("scram", func(t *testing.T) {
		srv := ts.sibling(t, func(c *Config) { c.AuthLocal = AuthSCRAM })
		expect(t, srv, "alice", "secret", "", "")
		expect(t, srv, "alice", "Secret", "28P01", failed("alice"))
		expect(t, srv, "nosuch", "secret", "28P01", failed("nosuch"))
		expect(t, srv, "carol", "anything", "28P01", failed("carol"))
		expect(t, srv, "bob", "bobpw", "28000", `role "bob" is not permitted to log in`)
		expect(t, srv, "bob", "wrong", "28P01", failed("bob"))

		mustExec(t, admin, `alter user alice password 'new pw ✓'`)
		expect(t, srv, "alice", "new pw ✓", "", "")
		expect(t, srv, "alice", "secret", "28P01", failed("alice"))
		mustExec(t, admin, `alter user alice password 'secret'`)
	})
	for _, method := range []AuthMethod{AuthPassword, AuthMD5} {
		t.Run(string(method), func(t *testing.T) {
			srv := ts.sibling(t, func(c *Config) { c.AuthLocal = method })
			expect(t, srv, "alice", "secret", "", "")
			expect(t, srv, "alice", "wrong", "28P01", failed("alice"))
			expect(t, srv, "nosuch", "secret", "28P01", failed("nosuch"))
			expect(t, srv, "bob", "bobpw", "28000", `role "bob" is not permitted to log in`)
		})
	}
	t.Run("trust", func(t *testing.T) {
		expect(t, ts, "bob", "", "28000", `role "bob" is not permitted to log in`)
		expect(t, ts, "alice", "whatever", "", "")
		expect(t, ts, "nosuch", "", "28000", `role "nosuch" does not exist`)
	})
	t.Run("scram over TLS", func(t *testing.T) {
		cfg, root := selfSignedTLS(t)
		srv := ts.sibling(t, func(c *Config) { c.AuthLocal, c.TLS = AuthSCRAM, cfg })
		for _, d := range drivers {
			if err := d.connect(srv.userDSN("alice", "secret", "verify-full", "&sslrootcert="+url.QueryEscape(root)), "alice"); err != nil {
				t.Errorf("%s: %v", d.name, err)
			}
			if err := d.connect(srv.userDSN("alice", "nope", "require", ""), "alice"); d.code(err) != "28P01" {
				t.Errorf("%s wrong password: %v", d.name, err)
			}
		}
	})
}
