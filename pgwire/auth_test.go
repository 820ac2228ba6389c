package pgwire

import (
	"bytes"
	"context"
	"crypto/md5"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/persiandb/persiandb/sql"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/storage"
	"github.com/persiandb/persiandb/txn"
	"github.com/rs/zerolog"
)

type fakeRoles map[string]sql.Role

func (f fakeRoles) Role(name string) (sql.Role, bool, error) {
	r, ok := f[name]
	return r, ok, nil
}

// Postgres 15's stored forms of the password "sekrit": its SCRAM
// verifier, and the md5 hash for the role "r_m".
const (
	pgVerifier = "SCRAM-SHA-256$4096:ncv8I0MwLPQc90pAty1+KQ==$RMrxxSrpsg1yo0sehtNst9ku9tyPgJ5bo5K57QdBA3M=:xrrNt0YmGHc9EaWE92hkB0EOL7CJh1eenV19rYOfsJI="
	pgMD5      = "md5666516c836c49fc9e4adedf84607b58a"
)

var testRoles = fakeRoles{
	"s":      {Name: "s", Login: true, Password: pgVerifier, ConnLimit: -1},
	"r_m":    {Name: "r_m", Login: true, Password: pgMD5, ConnLimit: -1},
	"nopw":   {Name: "nopw", Login: true, ConnLimit: -1},
	"nolog":  {Name: "nolog", Password: pgVerifier, ConnLimit: -1},
	"bigsur": {Name: "bigsur", Login: true, Superuser: true, ConnLimit: -1},
}

// authServer is the server side of one test connection: it runs
// authenticate and answers ReadyForQuery or the FATAL error.
type authServer struct {
	method AuthMethod
	roles  RoleSource

	mu    sync.Mutex
	trace bytes.Buffer // the messages of the last connection
	err   error        // authenticate's result for the last connection
}

func (a *authServer) serve(c net.Conn) {
	defer c.Close()
	be := pgproto3.NewBackend(c, c)
	var trace bytes.Buffer
	be.Trace(&trace, pgproto3.TracerOptions{SuppressTimestamps: true})
	msg, err := be.ReceiveStartupMessage()
	if err != nil {
		return
	}
	sm, ok := msg.(*pgproto3.StartupMessage)
	if !ok {
		return
	}
	err = authenticate(be, a.method, sm.Parameters["user"], a.roles)
	a.mu.Lock()
	a.err = err
	a.trace.Reset()
	a.trace.Write(trace.Bytes())
	a.mu.Unlock()
	if err != nil {
		e := pgerr.As(err)
		be.Send(&pgproto3.ErrorResponse{Severity: e.Severity, SeverityUnlocalized: e.Severity, Code: string(e.Code), Message: e.Message})
		_ = be.Flush()
		return
	}
	be.Send(&pgproto3.ReadyForQuery{TxStatus: 'I'})
	if be.Flush() != nil {
		return
	}
	for {
		if _, err := be.Receive(); err != nil {
			return
		}
	}
}

// connect logs in as user with password through pgconn's own client
// authentication, over a pipe to a fresh authServer goroutine.
func (a *authServer) connect(t *testing.T, user, password string) error {
	t.Helper()
	cfg, err := pgconn.ParseConfig("host=pipe user=x sslmode=disable connect_timeout=10")
	if err != nil {
		t.Fatal(err)
	}
	cfg.User, cfg.Password = user, password
	cfg.LookupFunc = func(ctx context.Context, host string) ([]string, error) { return []string{host}, nil }
	var served sync.WaitGroup
	cfg.DialFunc = func(ctx context.Context, network, addr string) (net.Conn, error) {
		client, server := net.Pipe()
		served.Go(func() { a.serve(server) })
		return client, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgconn.ConnectConfig(ctx, cfg)
	if err == nil {
		err = conn.Close(ctx)
	}
	served.Wait()
	return err
}

func (a *authServer) traced() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.trace.String()
}

// code returns the SQLSTATE a client saw, "" for success.
func code(err error) string {
	if err == nil {
		return ""
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return "client: " + err.Error()
}

func TestAuthenticate(t *testing.T) {
	for _, c := range []struct {
		method         AuthMethod
		user, password string
		code           string
		msg            string
		// request is the authentication request the server must send.
		request string
	}{
		{AuthTrust, "bigsur", "", "", "", "AuthenticationOk"},
		{AuthTrust, "nopw", "whatever", "", "", "AuthenticationOk"},
		{AuthTrust, "ghost", "", "28000", `role "ghost" does not exist`, ""},
		{AuthTrust, "nolog", "", "28000", `role "nolog" is not permitted to log in`, ""},

		{AuthPassword, "s", "sekrit", "", "", "AuthenticationCleartextPassword"},
		{AuthPassword, "s", "wrong", "28P01", `password authentication failed for user "s"`, ""},
		{AuthPassword, "r_m", "sekrit", "", "", "AuthenticationCleartextPassword"},
		{AuthPassword, "r_m", "sekrit2", "28P01", "", ""},
		{AuthPassword, "nopw", "x", "28P01", "", ""},
		{AuthPassword, "ghost", "x", "28P01", `password authentication failed for user "ghost"`, ""},

		{AuthMD5, "r_m", "sekrit", "", "", "AuthenticationMD5Password"},
		{AuthMD5, "r_m", "wrong", "28P01", "", "AuthenticationMD5Password"},
		{AuthMD5, "s", "sekrit", "", "", "AuthenticationSASL"},
		{AuthMD5, "ghost", "x", "28P01", "", "AuthenticationSASL"},

		{AuthSCRAM, "s", "sekrit", "", "", "AuthenticationSASLFinal"},
		{AuthSCRAM, "s", "wrong", "28P01", `password authentication failed for user "s"`, ""},
		{AuthSCRAM, "r_m", "sekrit", "28P01", "", "AuthenticationSASL"},
		{AuthSCRAM, "nopw", "x", "28P01", "", ""},
		{AuthSCRAM, "ghost", "x", "28P01", `password authentication failed for user "ghost"`, "AuthenticationSASLContinue"},
		{AuthSCRAM, "nolog", "wrong", "28P01", "", ""},
		{AuthSCRAM, "nolog", "sekrit", "28000", `role "nolog" is not permitted to log in`, ""},
	} {
		name := fmt.Sprintf("%s/%s/%s", c.method, c.user, c.password)
		t.Run(name, func(t *testing.T) {
			a := &authServer{method: c.method, roles: testRoles}
			err := a.connect(t, c.user, c.password)
			if got := code(err); got != c.code {
				t.Fatalf("got %q (%v), want %q", got, err, c.code)
			}
			if c.msg != "" && !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("error %v, want %q", err, c.msg)
			}
			if c.code != "" {
				if e := pgerr.As(a.err); e == nil || e.Severity != pgerr.SeverityFatal {
					t.Fatalf("authenticate returned %#v, want a FATAL *pgerr.Error", a.err)
				}
			}
			if tr := a.traced(); c.request != "" && !strings.Contains(tr, c.request) {
				t.Fatalf("server did not send %s:\n%s", c.request, tr)
			}
		})
	}
}

// A SCRAM exchange against a missing role must look like one against a
// real role: the same salt on every attempt, and a full exchange.
func TestAuthenticateMockSalt(t *testing.T) {
	salt := func(user string) string {
		client, server := net.Pipe()
		defer client.Close()
		go func() {
			defer server.Close()
			_ = authenticate(pgproto3.NewBackend(server, server), AuthSCRAM, user, testRoles)
		}()
		fe := pgproto3.NewFrontend(client, client)
		if _, err := fe.Receive(); err != nil { // AuthenticationSASL
			t.Fatal(err)
		}
		fe.Send(&pgproto3.SASLInitialResponse{AuthMechanism: "SCRAM-SHA-256", Data: []byte("n,,n=,r=abc")})
		if err := fe.Flush(); err != nil {
			t.Fatal(err)
		}
		m, err := fe.Receive()
		if err != nil {
			t.Fatal(err)
		}
		cont, ok := m.(*pgproto3.AuthenticationSASLContinue)
		if !ok {
			t.Fatalf("got %T, want AuthenticationSASLContinue", m)
		}
		_, rest, _ := strings.Cut(string(cont.Data), ",s=")
		salt, _, _ := strings.Cut(rest, ",")
		return salt
	}
	g1, g2, other, known := salt("ghost"), salt("ghost"), salt("ghost2"), salt("s")
	if g1 == "" || g1 != g2 || g1 == other {
		t.Fatalf("mock salts %q %q %q: want stable per user", g1, g2, other)
	}
	if want := "ncv8I0MwLPQc90pAty1+KQ=="; known != want {
		t.Fatalf("salt of s = %q, want the verifier's %q", known, want)
	}
}

// A client that sends garbage in place of SCRAM's first message gets a
// protocol violation, not a crash.
func TestAuthenticateMalformedSCRAM(t *testing.T) {
	for _, data := range []string{"", ",,n=,r=abc", "n,,", "x,,n=,r=abc", "p=tls-server-end-point,,n=,r=abc"} {
		client, server := net.Pipe()
		errc := make(chan error, 1)
		go func() {
			defer server.Close()
			errc <- authenticate(pgproto3.NewBackend(server, server), AuthSCRAM, "s", testRoles)
		}()
		fe := pgproto3.NewFrontend(client, client)
		if _, err := fe.Receive(); err != nil { // AuthenticationSASL
			t.Fatal(err)
		}
		fe.Send(&pgproto3.SASLInitialResponse{AuthMechanism: "SCRAM-SHA-256", Data: []byte(data)})
		if err := fe.Flush(); err != nil {
			t.Fatal(err)
		}
		if err := <-errc; pgerr.CodeOf(err) != pgerr.ProtocolViolation {
			t.Fatalf("%q: got %v, want 08P01", data, err)
		}
		client.Close()
	}
}

// The engine is a RoleSource: a role made with CREATE USER ... PASSWORD
// logs in with SCRAM and with a cleartext password.
func TestAuthenticateEngine(t *testing.T) {
	st := storage.Open(storage.Options{PageBits: 16, Logger: zerolog.Nop()})
	m := txn.NewManager(st, txn.Options{})
	t.Cleanup(m.Close)
	e, err := sql.Open(m)
	if err != nil {
		t.Fatal(err)
	}
	s := e.NewSession("")
	t.Cleanup(s.Close)
	if _, err := s.Exec(context.Background(), "CREATE USER app PASSWORD 'p@ss w0rd'; CREATE ROLE grp PASSWORD 'x'"); err != nil {
		t.Fatal(err)
	}
	for _, method := range []AuthMethod{AuthSCRAM, AuthPassword, AuthMD5} {
		a := &authServer{method: method, roles: e}
		if err := a.connect(t, "app", "p@ss w0rd"); err != nil {
			t.Fatalf("%s: %v", method, err)
		}
		if got := code(a.connect(t, "app", "nope")); got != "28P01" {
			t.Fatalf("%s wrong password: %q", method, got)
		}
		if got := code(a.connect(t, "grp", "x")); got != "28000" {
			t.Fatalf("%s NOLOGIN role: %q", method, got)
		}
	}
	a := &authServer{method: AuthTrust, roles: e}
	if err := a.connect(t, "postgres", ""); err != nil {
		t.Fatalf("bootstrap superuser: %v", err)
	}
}

func TestMD5Hash(t *testing.T) {
	if got := md5Hash("sekrit", "r_m"); got != pgMD5 {
		t.Fatalf("md5Hash = %q, want Postgres's %q", got, pgMD5)
	}
	sum := md5.Sum([]byte("x"))
	if isMD5Hash(fmt.Sprintf("md5%X", sum)) || !isMD5Hash(fmt.Sprintf("md5%x", sum)) {
		t.Fatal("isMD5Hash accepts upper-case hex or rejects lower-case")
	}
}
