package pgwire

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/persiandb/persiandb/sql"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/xdg-go/scram"
)

// AuthMethod is how a client proves who it is, as pg_hba.conf names it.
type AuthMethod string

const (
	AuthTrust    AuthMethod = "trust"
	AuthPassword AuthMethod = "password"
	AuthMD5      AuthMethod = "md5"
	AuthSCRAM    AuthMethod = "scram-sha-256"
)

// RoleSource is *sql.Engine in the server.
type RoleSource interface {
	Role(name string) (sql.Role, bool, error)
}

// Authentication
//
// The password methods behave as Postgres's do, including what they hide:
//
//  1. A role that does not exist or has no password fails exactly like a
//     wrong password (28P01), after a full exchange: SCRAM runs against a
//     mock verifier whose salt is stable per user, so a client cannot
//     tell missing roles from real ones.
//  2. md5 is MD5 only for a role whose stored password is an md5 hash;
//     a SCRAM verifier makes it SCRAM (an md5 challenge cannot be checked
//     against a verifier). scram-sha-256 never accepts an md5 hash.
//  3. "role does not exist" and "not permitted to log in" (28000) come
//     only once the password has been proven, or under trust, as in
//     Postgres where they come from the session start after
//     authentication.
//
// Only SCRAM-SHA-256 is advertised: SCRAM-SHA-256-PLUS needs the TLS
// channel's certificate hash, which this layer does not see.

// mockSecret seeds the mock SCRAM salts; random per process, so salts
// of missing roles are stable for the life of the server only.
var mockSecret = func() []byte {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return b
}()

// authenticate runs the authentication exchange on be after the
// StartupMessage and up to (and including) AuthenticationOk. It returns a
// *pgerr.Error to send as FATAL on failure.
func authenticate(be *pgproto3.Backend, method AuthMethod, user string, roles RoleSource) error {
	role, found, err := roles.Role(user)
	if err != nil {
		return fatal(pgerr.Wrap(err, pgerr.InternalError, ""))
	}
	var ok bool
	switch method {
	case AuthTrust:
		ok = true
	case AuthPassword:
		ok, err = cleartextAuth(be, user, role.Password)
	case AuthMD5:
		if isMD5Hash(role.Password) {
			ok, err = md5Auth(be, role.Password)
		} else {
			ok, err = scramAuth(be, user, role.Password)
		}
	case AuthSCRAM:
		ok, err = scramAuth(be, user, role.Password)
	default:
		return fatal(pgerr.New(pgerr.InternalError, "authentication method %q is not supported", method))
	}
	switch {
	case err != nil:
		return fatal(err)
	case !ok:
		return fatal(pgerr.New(pgerr.InvalidPassword, "password authentication failed for user %q", user))
	case !found:
		return fatal(pgerr.New(pgerr.InvalidAuthorizationSpecification, "role %q does not exist", user))
	case !role.Login:
		return fatal(pgerr.New(pgerr.InvalidAuthorizationSpecification, "role %q is not permitted to log in", user))
	}
	be.Send(&pgproto3.AuthenticationOk{})
	if err := be.Flush(); err != nil {
		return fatal(pgerr.Wrap(err, pgerr.ConnectionFailure, ""))
	}
	return nil
}

func fatal(err error) *pgerr.Error {
	return pgerr.Flatten(err).WithSeverity(pgerr.SeverityFatal)
}

// request sends an authentication request and reads the client's answer,
// decoded as authType's response.
func request(be *pgproto3.Backend, msg pgproto3.BackendMessage, authType uint32) (pgproto3.FrontendMessage, error) {
	be.Send(msg)
	if err := be.Flush(); err != nil {
		return nil, pgerr.Wrap(err, pgerr.ConnectionFailure, "")
	}
	if err := be.SetAuthType(authType); err != nil {
		return nil, err
	}
	m, err := be.Receive()
	if err != nil {
		return nil, pgerr.Wrap(err, pgerr.ProtocolViolation, "")
	}
	return m, nil
}

func expectedPassword(m pgproto3.FrontendMessage) error {
	return pgerr.New(pgerr.ProtocolViolation, "expected password response, got message type %T", m)
}

// cleartextAuth asks for the password in clear and checks it against the
// stored verifier or hash.
func cleartextAuth(be *pgproto3.Backend, user, stored string) (bool, error) {
	m, err := request(be, &pgproto3.AuthenticationCleartextPassword{}, pgproto3.AuthTypeCleartextPassword)
	if err != nil {
		return false, err
	}
	pm, ok := m.(*pgproto3.PasswordMessage)
	if !ok {
		return false, expectedPassword(m)
	}
	pw := pm.Password
	switch {
	case pw == "" || stored == "":
		return false, nil
	case isMD5Hash(stored):
		return hmac.Equal([]byte(stored), []byte(md5Hash(pw, user))), nil
	}
	v, ok := parseVerifier(stored)
	if !ok {
		return false, nil
	}
	got := clientCredentials(pw, v.KeyFactors)
	return hmac.Equal(got.StoredKey, v.StoredKey) && hmac.Equal(got.ServerKey, v.ServerKey), nil
}

// md5Auth runs the MD5 challenge against a stored md5 hash: the client
// answers "md5" + md5(md5(password + user) + salt).
func md5Auth(be *pgproto3.Backend, stored string) (bool, error) {
	var salt [4]byte
	if _, err := rand.Read(salt[:]); err != nil {
		return false, err
	}
	m, err := request(be, &pgproto3.AuthenticationMD5Password{Salt: salt}, pgproto3.AuthTypeMD5Password)
	if err != nil {
		return false, err
	}
	pm, ok := m.(*pgproto3.PasswordMessage)
	if !ok {
		return false, expectedPassword(m)
	}
	sum := md5.Sum(append([]byte(stored[3:]), salt[:]...))
	want := "md5" + hex.EncodeToString(sum[:])
	return hmac.Equal([]byte(pm.Password), []byte(want)), nil
}

// scramAuth runs SCRAM-SHA-256 against the stored verifier, or against a
// mock one (and then always fails) if there is none.
func scramAuth(be *pgproto3.Backend, user, stored string) (bool, error) {
	cred, hasVerifier := parseVerifier(stored)
	if !hasVerifier {
		cred = mockVerifier(user)
	}
	// Postgres ignores the user name in the SCRAM message (clients send
	// none): the role is the startup message's.
	srv, err := scram.SHA256.NewServer(func(string) (scram.StoredCredentials, error) { return cred, nil })
	if err != nil {
		return false, err
	}
	conv := srv.NewConversation()

	m, err := request(be, &pgproto3.AuthenticationSASL{AuthMechanisms: []string{"SCRAM-SHA-256"}}, pgproto3.AuthTypeSASL)
	if err != nil {
		return false, err
	}
	ir, ok := m.(*pgproto3.SASLInitialResponse)
	if !ok {
		return false, expectedPassword(m)
	}
	if ir.AuthMechanism != "SCRAM-SHA-256" {
		return false, pgerr.New(pgerr.ProtocolViolation, "client selected an invalid SASL authentication mechanism")
	}
	first := string(ir.Data)
	// The library indexes the GS2 flag without checking its length.
	if first == "" || !strings.ContainsRune("nyp", rune(first[0])) {
		return false, malformedSCRAM()
	}
	serverFirst, err := conv.Step(first)
	if err != nil {
		return false, malformedSCRAM()
	}

	m, err = request(be, &pgproto3.AuthenticationSASLContinue{Data: []byte(serverFirst)}, pgproto3.AuthTypeSASLContinue)
	if err != nil {
		return false, err
	}
	resp, ok := m.(*pgproto3.SASLResponse)
	if !ok {
		return false, expectedPassword(m)
	}
	serverFinal, err := conv.Step(string(resp.Data))
	switch {
	case serverFinal == "e=invalid-proof":
		return false, nil
	case err != nil:
		return false, malformedSCRAM()
	case !conv.Valid() || !hasVerifier:
		return false, nil
	}
	be.Send(&pgproto3.AuthenticationSASLFinal{Data: []byte(serverFinal)})
	return true, nil
}

func malformedSCRAM() error {
	return pgerr.New(pgerr.ProtocolViolation, "malformed SCRAM message")
}

// clientCredentials derives the keys of password, SASLprep'd as Postgres
// does (falling back to the raw password where SASLprep refuses it).
func clientCredentials(password string, kf scram.KeyFactors) scram.StoredCredentials {
	c, err := scram.SHA256.NewClient("", password, "")
	if err != nil {
		c, _ = scram.SHA256.NewClientUnprepped("", password, "")
	}
	return c.GetStoredCredentials(kf)
}

// parseVerifier reads SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>.
func parseVerifier(v string) (scram.StoredCredentials, bool) {
	var cred scram.StoredCredentials
	rest, ok := strings.CutPrefix(v, "SCRAM-SHA-256$")
	if !ok {
		return cred, false
	}
	params, keys, ok := strings.Cut(rest, "$")
	if !ok {
		return cred, false
	}
	iters, salt, ok1 := strings.Cut(params, ":")
	stored, server, ok2 := strings.Cut(keys, ":")
	if !ok1 || !ok2 {
		return cred, false
	}
	n, err := strconv.Atoi(iters)
	if err != nil || n <= 0 {
		return cred, false
	}
	s, err1 := base64.StdEncoding.DecodeString(salt)
	sk, err2 := base64.StdEncoding.DecodeString(stored)
	vk, err3 := base64.StdEncoding.DecodeString(server)
	if err1 != nil || err2 != nil || err3 != nil || len(sk) != sha256.Size || len(vk) != sha256.Size {
		return cred, false
	}
	cred.Salt, cred.Iters, cred.StoredKey, cred.ServerKey = string(s), n, sk, vk
	return cred, true
}

// mockVerifier is a verifier no password matches, with a salt that is
// the same on every attempt for user.
func mockVerifier(user string) scram.StoredCredentials {
	mac := hmac.New(sha256.New, mockSecret)
	mac.Write([]byte(user))
	salt := mac.Sum(nil)[:16]
	key := make([]byte, sha256.Size)
	_, _ = rand.Read(key)
	return scram.StoredCredentials{KeyFactors: scram.KeyFactors{Salt: string(salt), Iters: 4096}, StoredKey: key, ServerKey: key}
}

func isMD5Hash(pw string) bool {
	return len(pw) == 35 && strings.HasPrefix(pw, "md5") && strings.Trim(pw[3:], "0123456789abcdef") == ""
}

// md5Hash is Postgres's stored md5 password: "md5" + md5(password + user).
func md5Hash(password, user string) string {
	sum := md5.Sum([]byte(password + user))
	return fmt.Sprintf("md5%x", sum)
}
