package sql

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/persiandb/persiandb/sql/catalog"
	"github.com/persiandb/persiandb/sql/dialect"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/txn"
	"github.com/xdg-go/scram"
)

// Roles
//
// CREATE/ALTER/DROP ROLE (and USER) change catalog.Role descriptors in the
// statement's transaction. Passwords are never stored in cleartext: a
// password is kept as given if it already is a SCRAM-SHA-256 verifier or
// an md5 hash (what pg_dumpall writes back), and otherwise replaced by a
// SCRAM-SHA-256 verifier, as Postgres 15 does with its default
// password_encryption. No privileges are checked: every session is a
// superuser.

// Role is what the wire server needs to authenticate a user.
type Role struct {
	Name             string
	Superuser, Login bool
	// Password is a SCRAM-SHA-256 verifier, an md5 hash, or "" for none.
	Password string
	// ConnLimit is the CONNECTION LIMIT, -1 for none.
	ConnLimit int
}

// Role looks a role up in the latest committed catalog (outside any
// transaction).
func (e *Engine) Role(name string) (Role, bool, error) {
	ts := e.m.NewSession("")
	defer ts.Close()
	tx := ts.Begin(txn.TxnOptions{ReadOnly: true})
	defer tx.Rollback()
	r, err := e.cat.Role(tx, name)
	if errors.Is(err, catalog.ErrRoleNotFound) {
		return Role{}, false, nil
	}
	if err != nil {
		return Role{}, false, err
	}
	return Role{Name: r.Name, Superuser: r.Superuser, Login: r.Login, Password: r.Password, ConnLimit: r.ConnLimit}, true, nil
}

// SCRAM verifier parameters: Postgres's scram_iterations default and
// salt length.
const (
	scramIterations = 4096
	scramSaltLen    = 16
)

// scramVerifier computes the verifier Postgres stores for password:
// SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>, base64.
func scramVerifier(password string) (string, error) {
	salt := make([]byte, scramSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	// Postgres SASLprep's the password but uses it as is when it is not
	// valid for SASLprep; clients do the same.
	client, err := scram.SHA256.NewClient("", password, "")
	if err != nil {
		if client, err = scram.SHA256.NewClientUnprepped("", password, ""); err != nil {
			return "", err
		}
	}
	cred := client.GetStoredCredentials(scram.KeyFactors{Salt: string(salt), Iters: scramIterations})
	b64 := base64.StdEncoding.EncodeToString
	return fmt.Sprintf("SCRAM-SHA-256$%d:%s$%s:%s", scramIterations, b64(salt), b64(cred.StoredKey), b64(cred.ServerKey)), nil
}

// isMD5Hash reports whether pw is an md5 password hash: "md5" and 32
// lower-case hex digits (Postgres's get_password_type).
func isMD5Hash(pw string) bool {
	if len(pw) != 35 || !strings.HasPrefix(pw, "md5") {
		return false
	}
	return strings.Trim(pw[3:], "0123456789abcdef") == ""
}

// isSCRAMVerifier reports whether pw parses as a SCRAM-SHA-256 verifier
// (Postgres's parse_scram_secret).
func isSCRAMVerifier(pw string) bool {
	rest, ok := strings.CutPrefix(pw, "SCRAM-SHA-256$")
	if !ok {
		return false
	}
	params, keys, ok := strings.Cut(rest, "$")
	if !ok {
		return false
	}
	iters, salt, ok1 := strings.Cut(params, ":")
	stored, server, ok2 := strings.Cut(keys, ":")
	if !ok1 || !ok2 {
		return false
	}
	if n, err := strconv.Atoi(iters); err != nil || n <= 0 {
		return false
	}
	if _, err := base64.StdEncoding.DecodeString(salt); err != nil {
		return false
	}
	for _, k := range []string{stored, server} {
		if b, err := base64.StdEncoding.DecodeString(k); err != nil || len(b) != 32 {
			return false
		}
	}
	return true
}

// storedPassword is what a role's descriptor keeps for a PASSWORD option,
// with Postgres's notice for an empty password (which clears it).
func storedPassword(o *dialect.RoleOptions, res *Result) (string, error) {
	if o.PasswordNull || o.Password == nil {
		return "", nil
	}
	pw := *o.Password
	switch {
	case pw == "":
		res.Notices = append(res.Notices, notice("empty string is not a valid password, clearing password"))
		return "", nil
	case isMD5Hash(pw), isSCRAMVerifier(pw):
		return pw, nil
	}
	return scramVerifier(pw)
}

func notice(msg string) *pgerr.Error {
	return pgerr.New(pgerr.SuccessfulCompletion, "%s", msg).WithSeverity(pgerr.SeverityNotice)
}

// roleError words catalog errors about a role for the client.
func roleError(err error) error {
	switch {
	case errors.Is(err, catalog.ErrRoleExists):
		return pgerr.New(pgerr.DuplicateObject, "role %q already exists", catalog.NameOf(err))
	case errors.Is(err, catalog.ErrRoleNotFound):
		return pgerr.New(pgerr.UndefinedObject, "role %q does not exist", catalog.NameOf(err))
	}
	return err
}

// reservedRole rejects names in Postgres's reserved pg_ namespace.
func reservedRole(name string) error {
	if strings.HasPrefix(name, "pg_") {
		return pgerr.New(pgerr.ReservedName, "role name %q is reserved", name).
			WithDetail(`Role names starting with "pg_" are reserved.`)
	}
	return nil
}

func checkConnLimit(o *dialect.RoleOptions) error {
	if o.ConnLimit != nil && *o.ConnLimit < -1 {
		return pgerr.New(pgerr.InvalidParameterValue, "invalid connection limit: %d", *o.ConnLimit)
	}
	return nil
}

// sessionUser is the role the session runs as.
func (s *Session) sessionUser() string {
	u, _ := s.settings.get("session_authorization")
	return u
}

// roleStmt runs CREATE, ALTER and DROP ROLE.
func (s *Session) roleStmt(ctx context.Context, tx *txn.Txn, st *dialect.Stmt) (*Result, error) {
	var res *Result
	var err error
	switch st.Kind {
	case dialect.KindCreateRole:
		res, err = s.createRole(ctx, tx, st.Role)
	case dialect.KindAlterRole:
		if st.Role.NewName != "" {
			res, err = s.renameRole(ctx, tx, st.Role)
		} else {
			res, err = s.alterRole(ctx, tx, st.Role)
		}
	default:
		res, err = s.dropRole(ctx, tx, st.Role)
	}
	return res, roleError(err)
}

func (s *Session) createRole(ctx context.Context, tx *txn.Txn, rs *dialect.RoleStmt) (*Result, error) {
	o := &rs.Options
	if err := checkConnLimit(o); err != nil {
		return nil, err
	}
	name := rs.Roles[0].Name
	if err := reservedRole(name); err != nil {
		return nil, err
	}
	r := &catalog.Role{Name: name, Inherit: true, Login: rs.User, ConnLimit: -1}
	res := &Result{Tag: "CREATE ROLE"}
	applyRoleOptions(r, o)
	pw, err := storedPassword(o, res)
	if err != nil {
		return nil, err
	}
	r.Password = pw
	if err := s.e.cat.CreateRole(ctx, tx, r); err != nil {
		return nil, err
	}
	return res, nil
}

// applyRoleOptions sets the flags and limits o gives; the password is
// storedPassword's.
func applyRoleOptions(r *catalog.Role, o *dialect.RoleOptions) {
	set := func(dst *bool, v *bool) {
		if v != nil {
			*dst = *v
		}
	}
	set(&r.Superuser, o.Superuser)
	set(&r.CreateDB, o.CreateDB)
	set(&r.CreateRole, o.CreateRole)
	set(&r.Login, o.Login)
	set(&r.Inherit, o.Inherit)
	set(&r.Replication, o.Replication)
	set(&r.BypassRLS, o.BypassRLS)
	if o.ConnLimit != nil {
		r.ConnLimit = *o.ConnLimit
	}
	if o.ValidUntil != nil {
		r.ValidUntil = *o.ValidUntil
	}
}

func (s *Session) alterRole(ctx context.Context, tx *txn.Txn, rs *dialect.RoleStmt) (*Result, error) {
	o := &rs.Options
	if err := checkConnLimit(o); err != nil {
		return nil, err
	}
	name := rs.Roles[0].Name
	switch rs.Roles[0].Special {
	case "":
	case "public":
		return nil, pgerr.New(pgerr.UndefinedObject, "role %q does not exist", "public")
	default:
		name = s.sessionUser()
	}
	old, err := s.e.cat.LockRole(ctx, tx, name)
	if err != nil {
		return nil, err
	}
	r := *old
	res := &Result{Tag: "ALTER ROLE"}
	applyRoleOptions(&r, o)
	if o.Password != nil || o.PasswordNull {
		if r.Password, err = storedPassword(o, res); err != nil {
			return nil, err
		}
	}
	if err := s.e.cat.AlterRole(ctx, tx, &r); err != nil {
		return nil, err
	}
	return res, nil
}

func (s *Session) renameRole(ctx context.Context, tx *txn.Txn, rs *dialect.RoleStmt) (*Result, error) {
	name, to := rs.Roles[0].Name, rs.NewName
	old, err := s.e.cat.LockRole(ctx, tx, name)
	if err != nil {
		return nil, err
	}
	if name == s.sessionUser() {
		return nil, pgerr.New(pgerr.FeatureNotSupported, "session user cannot be renamed")
	}
	if err := reservedRole(name); err != nil {
		return nil, err
	}
	if err := reservedRole(to); err != nil {
		return nil, err
	}
	r := *old
	res := &Result{Tag: "ALTER ROLE"}
	// The md5 hash is salted with the role name: it no longer matches.
	if isMD5Hash(r.Password) {
		r.Password = ""
		res.Notices = append(res.Notices, notice("MD5 password cleared because of role rename"))
	}
	if _, err := s.e.cat.RenameRole(ctx, tx, &r, to); err != nil {
		return nil, err
	}
	return res, nil
}

func (s *Session) dropRole(ctx context.Context, tx *txn.Txn, rs *dialect.RoleStmt) (*Result, error) {
	res := &Result{Tag: "DROP ROLE"}
	for _, spec := range rs.Roles {
		if spec.Special != "" {
			return nil, pgerr.New(pgerr.InvalidParameterValue, "cannot use special role specifier in DROP ROLE")
		}
		name := spec.Name
		if _, err := s.e.cat.LockRole(ctx, tx, name); err != nil {
			if errors.Is(err, catalog.ErrRoleNotFound) && rs.IfExists {
				res.Notices = append(res.Notices, notice(fmt.Sprintf("role %q does not exist, skipping", name)))
				continue
			}
			return nil, err
		}
		switch name {
		case s.sessionUser():
			return nil, pgerr.New(pgerr.ObjectInUse, "current user cannot be dropped")
		case catalog.BootstrapRole:
			return nil, pgerr.New(pgerr.DependentObjectsStillExist, "cannot drop role %s because it is required by the database system", name)
		}
		if err := s.e.cat.DropRole(ctx, tx, name); err != nil {
			return nil, err
		}
	}
	return res, nil
}
