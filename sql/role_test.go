package sql_test

import (
	"context"
	"crypto/hmac"
	"encoding/base64"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/persiandb/persiandb/sql"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/txn"
	"github.com/xdg-go/scram"
)

func roleEngine(t testing.TB) (*sql.Engine, *sql.Session) {
	t.Helper()
	e := newEngine(t)
	return e, engineSession(t, e)
}

func mustRole(t *testing.T, e *sql.Engine, name string) sql.Role {
	t.Helper()
	r, ok, err := e.Role(name)
	if err != nil || !ok {
		t.Fatalf("role %q: ok=%v err=%v", name, ok, err)
	}
	return r
}

func noRole(t *testing.T, e *sql.Engine, name string) {
	t.Helper()
	if _, ok, err := e.Role(name); ok || err != nil {
		t.Fatalf("role %q: ok=%v err=%v, want absent", name, ok, err)
	}
}

func wantCode(t *testing.T, s *sql.Session, q string, code pgerr.Code, msg string) {
	t.Helper()
	_, err := s.Exec(context.Background(), q)
	if pgerr.CodeOf(err) != code || (msg != "" && err.Error() != msg) {
		t.Fatalf("%s: got %v (%s), want %s %s", q, err, pgerr.CodeOf(err), code, msg)
	}
}

// checkVerifier checks v is Postgres's SCRAM-SHA-256 verifier of pw.
func checkVerifier(t *testing.T, v, pw string) {
	t.Helper()
	m := regexp.MustCompile(`^SCRAM-SHA-256\$(\d+):([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)$`).FindStringSubmatch(v)
	if m == nil {
		t.Fatalf("verifier %q has the wrong form", v)
	}
	iters, _ := strconv.Atoi(m[1])
	salt, _ := base64.StdEncoding.DecodeString(m[2])
	if iters != 4096 || len(salt) != 16 {
		t.Fatalf("verifier %q: %d iterations, %d-byte salt", v, iters, len(salt))
	}
	c, err := scram.SHA256.NewClient("", pw, "")
	if err != nil {
		t.Fatal(err)
	}
	cred := c.GetStoredCredentials(scram.KeyFactors{Salt: string(salt), Iters: iters})
	stored, _ := base64.StdEncoding.DecodeString(m[3])
	server, _ := base64.StdEncoding.DecodeString(m[4])
	if !hmac.Equal(stored, cred.StoredKey) || !hmac.Equal(server, cred.ServerKey) {
		t.Fatalf("verifier %q does not match password %q", v, pw)
	}
}

func TestRoleBootstrap(t *testing.T) {
	e, s := roleEngine(t)
	r := mustRole(t, e, "postgres")
	if !r.Superuser || !r.Login || r.Password != "" || r.ConnLimit != -1 {
		t.Fatalf("bootstrap role %+v", r)
	}
	wantCode(t, s, "CREATE ROLE postgres", pgerr.DuplicateObject, `role "postgres" already exists`)
	wantCode(t, s, "DROP USER postgres", pgerr.ObjectInUse, "current user cannot be dropped")
	wantCode(t, s, "ALTER USER postgres RENAME TO boss", pgerr.FeatureNotSupported, "session user cannot be renamed")
	mustExec(t, s, "ALTER USER postgres PASSWORD 'root'")
	r = mustRole(t, e, "postgres")
	checkVerifier(t, r.Password, "root")
	if !r.Superuser || !r.Login {
		t.Fatalf("altered bootstrap role %+v", r)
	}
	mustExec(t, s, "ALTER USER CURRENT_USER PASSWORD NULL")
	if r := mustRole(t, e, "postgres"); r.Password != "" {
		t.Fatalf("password not cleared: %+v", r)
	}
}

func TestRoleCreateAlterDrop(t *testing.T) {
	e, s := roleEngine(t)
	rs := mustExec(t, s, "CREATE USER alice WITH PASSWORD 'wonder land'; CREATE ROLE readers")
	if rs[0].Tag != "CREATE ROLE" || rs[1].Tag != "CREATE ROLE" {
		t.Fatalf("tags %q %q", rs[0].Tag, rs[1].Tag)
	}
	a := mustRole(t, e, "alice")
	if !a.Login || a.Superuser || a.ConnLimit != -1 {
		t.Fatalf("alice %+v", a)
	}
	checkVerifier(t, a.Password, "wonder land")
	if r := mustRole(t, e, "readers"); r.Login || r.Password != "" {
		t.Fatalf("readers %+v", r)
	}
	// Two verifiers of one password differ in their salt.
	mustExec(t, s, "CREATE USER bob PASSWORD 'wonder land'")
	if b := mustRole(t, e, "bob"); b.Password == a.Password {
		t.Fatal("two roles got the same salt")
	}

	rs = mustExec(t, s, "ALTER ROLE readers WITH LOGIN SUPERUSER CONNECTION LIMIT 3 VALID UNTIL 'infinity' ENCRYPTED PASSWORD 'x'")
	if rs[0].Tag != "ALTER ROLE" {
		t.Fatalf("tag %q", rs[0].Tag)
	}
	r := mustRole(t, e, "readers")
	if !r.Login || !r.Superuser || r.ConnLimit != 3 {
		t.Fatalf("readers %+v", r)
	}
	checkVerifier(t, r.Password, "x")
	mustExec(t, s, "ALTER ROLE readers NOLOGIN NOSUPERUSER")
	if r := mustRole(t, e, "readers"); r.Login || r.Superuser || r.Password == "" {
		t.Fatalf("readers %+v", r)
	}
	rs = mustExec(t, s, "ALTER ROLE readers PASSWORD ''")
	if len(rs[0].Notices) != 1 || rs[0].Notices[0].Message != "empty string is not a valid password, clearing password" {
		t.Fatalf("notices %v", rs[0].Notices)
	}
	if r := mustRole(t, e, "readers"); r.Password != "" {
		t.Fatalf("readers %+v", r)
	}

	mustExec(t, s, `ALTER ROLE readers RENAME TO "Writers"`)
	noRole(t, e, "readers")
	mustRole(t, e, "Writers")

	rs = mustExec(t, s, `DROP ROLE "Writers", bob; DROP USER IF EXISTS alice, ghost`)
	if rs[0].Tag != "DROP ROLE" || len(rs[1].Notices) != 1 || rs[1].Notices[0].Message != `role "ghost" does not exist, skipping` {
		t.Fatalf("drop: %q %v", rs[0].Tag, rs[1].Notices)
	}
	for _, n := range []string{"Writers", "bob", "alice"} {
		noRole(t, e, n)
	}
}

func TestRoleErrors(t *testing.T) {
	_, s := roleEngine(t)
	mustExec(t, s, "CREATE USER carol; CREATE USER dave")
	for _, c := range []struct {
		q    string
		code pgerr.Code
		msg  string
	}{
		{"CREATE USER carol", pgerr.DuplicateObject, `role "carol" already exists`},
		{"ALTER USER ghost LOGIN", pgerr.UndefinedObject, `role "ghost" does not exist`},
		{"ALTER USER ghost RENAME TO x", pgerr.UndefinedObject, `role "ghost" does not exist`},
		{"ALTER USER carol RENAME TO dave", pgerr.DuplicateObject, `role "dave" already exists`},
		{"ALTER USER carol RENAME TO pg_carol", pgerr.ReservedName, `role name "pg_carol" is reserved`},
		{"ALTER USER public LOGIN", pgerr.UndefinedObject, `role "public" does not exist`},
		{"DROP USER ghost", pgerr.UndefinedObject, `role "ghost" does not exist`},
		{"DROP USER carol, ghost", pgerr.UndefinedObject, `role "ghost" does not exist`},
		{"DROP ROLE current_user", pgerr.InvalidParameterValue, "cannot use special role specifier in DROP ROLE"},
		{"DROP ROLE public", pgerr.InvalidParameterValue, "cannot use special role specifier in DROP ROLE"},
		{"CREATE ROLE public", pgerr.ReservedName, `role name "public" is reserved`},
		{`CREATE ROLE "none"`, pgerr.ReservedName, `role name "none" is reserved`},
		{"CREATE ROLE session_user", pgerr.ReservedName, "SESSION_USER cannot be used as a role name here"},
		{"CREATE ROLE pg_monitor2", pgerr.ReservedName, `role name "pg_monitor2" is reserved`},
		{"CREATE ROLE x LOGIN NOLOGIN", pgerr.SyntaxError, "conflicting or redundant options"},
		{"CREATE ROLE x PASSWORD 'a' ENCRYPTED PASSWORD 'b'", pgerr.SyntaxError, "conflicting or redundant options"},
		{"CREATE ROLE x FROBNICATE", pgerr.SyntaxError, `unrecognized role option "frobnicate"`},
		{"CREATE ROLE x CONNECTION LIMIT -2", pgerr.InvalidParameterValue, "invalid connection limit: -2"},
		{"CREATE ROLE x UNENCRYPTED PASSWORD 'a'", pgerr.FeatureNotSupported, ""},
		{"CREATE ROLE", pgerr.SyntaxError, "syntax error at end of input"},
	} {
		wantCode(t, s, c.q, c.code, c.msg)
	}
	// The failed multi-role DROP dropped nothing.
	mustExec(t, s, "DROP USER carol")
}

func TestRoleTransactional(t *testing.T) {
	e, s := roleEngine(t)
	mustExec(t, s, "BEGIN; CREATE USER eve PASSWORD 'pw'")
	// Uncommitted: the wire server must not see it yet.
	noRole(t, e, "eve")
	mustExec(t, s, "ROLLBACK")
	noRole(t, e, "eve")

	mustExec(t, s, "BEGIN; CREATE USER eve; SAVEPOINT a; DROP USER eve; ROLLBACK TO a; COMMIT")
	mustRole(t, e, "eve")

	mustExec(t, s, "BEGIN; DROP USER eve; CREATE USER eve SUPERUSER; COMMIT")
	if r := mustRole(t, e, "eve"); !r.Superuser {
		t.Fatalf("eve %+v", r)
	}
	// A failed statement in a block leaves the block's role changes for
	// ROLLBACK to undo.
	mustExec(t, s, "BEGIN; ALTER USER eve NOSUPERUSER")
	wantCode(t, s, "CREATE USER eve", pgerr.DuplicateObject, "")
	mustExec(t, s, "ROLLBACK")
	if r := mustRole(t, e, "eve"); !r.Superuser {
		t.Fatalf("eve %+v", r)
	}
}

func TestRolePasswordFormats(t *testing.T) {
	e, s := roleEngine(t)
	// Postgres 15's verifier of "sekrit" and md5 hash for role m: both are
	// stored as given.
	const pgVerifier = "SCRAM-SHA-256$4096:ncv8I0MwLPQc90pAty1+KQ==$RMrxxSrpsg1yo0sehtNst9ku9tyPgJ5bo5K57QdBA3M=:xrrNt0YmGHc9EaWE92hkB0EOL7CJh1eenV19rYOfsJI="
	const md5Hash = "md5666516c836c49fc9e4adedf84607b58a"
	mustExec(t, s, "CREATE USER v PASSWORD '"+pgVerifier+"'; CREATE USER m PASSWORD '"+md5Hash+"'")
	if r := mustRole(t, e, "v"); r.Password != pgVerifier {
		t.Fatalf("verifier stored as %q", r.Password)
	}
	checkVerifier(t, pgVerifier, "sekrit")
	if r := mustRole(t, e, "m"); r.Password != md5Hash {
		t.Fatalf("md5 stored as %q", r.Password)
	}
	// Almost-hashes are passwords.
	for _, pw := range []string{"md5666516c836c49fc9e4adedf84607b58A", "SCRAM-SHA-256$4096:abc"} {
		mustExec(t, s, "ALTER USER v PASSWORD '"+pw+"'")
		checkVerifier(t, mustRole(t, e, "v").Password, pw)
	}
	// A rename clears an md5 hash, which is salted with the name.
	rs := mustExec(t, s, "ALTER USER m RENAME TO m2")
	if len(rs[0].Notices) != 1 || rs[0].Notices[0].Message != "MD5 password cleared because of role rename" {
		t.Fatalf("notices %v", rs[0].Notices)
	}
	if r := mustRole(t, e, "m2"); r.Password != "" {
		t.Fatalf("m2 %+v", r)
	}
	if strings.Contains(mustRole(t, e, "v").Password, "abc") {
		t.Fatal("cleartext kept")
	}
}

func TestRoleNamespace(t *testing.T) {
	e, s := roleEngine(t)
	// Roles have a namespace of their own, as in Postgres.
	mustExec(t, s, "CREATE TABLE zed (a int); CREATE USER zed; CREATE ROLE abe")
	ts := e.Manager().NewSession("")
	defer ts.Close()
	tx := ts.Begin(txn.TxnOptions{ReadOnly: true})
	defer tx.Rollback()
	roles, err := e.Catalog().Roles(tx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range roles {
		names = append(names, r.Name)
	}
	if got := strings.Join(names, ","); got != "abe,postgres,zed" {
		t.Fatalf("roles %s", got)
	}
	mustExec(t, s, "DROP TABLE zed")
	mustRole(t, e, "zed")
}

// Renaming the implicit bootstrap role must not let it come back.
func TestRoleBootstrapRename(t *testing.T) {
	e, s := roleEngine(t)
	mustExec(t, s, "CREATE USER admin SUPERUSER; SET session_authorization = 'admin'")
	mustExec(t, s, "ALTER USER postgres RENAME TO boss")
	noRole(t, e, "postgres")
	if r := mustRole(t, e, "boss"); !r.Superuser || !r.Login {
		t.Fatalf("boss %+v", r)
	}
	wantCode(t, s, "ALTER USER postgres LOGIN", pgerr.UndefinedObject, `role "postgres" does not exist`)
	mustExec(t, s, "CREATE USER postgres")
	if r := mustRole(t, e, "postgres"); r.Superuser {
		t.Fatalf("new postgres %+v", r)
	}
	wantCode(t, s, "DROP USER admin", pgerr.ObjectInUse, "current user cannot be dropped")
}
