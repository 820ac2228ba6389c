package dialect

import (
	"strconv"
	"strings"
)

// RoleStmt is the detail of CREATE, ALTER and DROP ROLE (or USER).
type RoleStmt struct {
	// Roles is the role CREATE and ALTER act on (one), or DROP's list.
	Roles []RoleSpec
	// User is set when the statement said USER: CREATE USER defaults to
	// LOGIN where CREATE ROLE defaults to NOLOGIN.
	User     bool
	IfExists bool   // DROP ... IF EXISTS
	NewName  string // ALTER ... RENAME TO NewName; "" otherwise
	Options  RoleOptions
}

// RoleSpec is a role as written: a name, or one of the specifiers
// Postgres resolves at run time (Special is "current_user",
// "session_user", "current_role" or "public", and Name is "").
type RoleSpec struct {
	Name    string
	Special string
}

// RoleOptions are the options of CREATE and ALTER ROLE; nil means not
// given.
type RoleOptions struct {
	// Password is PASSWORD 'pw' or ENCRYPTED PASSWORD 'pw', as written
	// (cleartext, or already a verifier or md5 hash).
	Password *string
	// PasswordNull is PASSWORD NULL.
	PasswordNull bool
	Superuser    *bool
	CreateDB     *bool
	CreateRole   *bool
	Login        *bool
	Inherit      *bool
	Replication  *bool
	BypassRLS    *bool
	ConnLimit    *int
	ValidUntil   *string
}

// isRoleStmt reports whether the CREATE, ALTER or DROP just consumed is
// followed by ROLE or USER (but not CREATE USER MAPPING, a different
// statement).
func isRoleStmt(c *cursor) bool {
	t := c.peek()
	if t.is("role") {
		return true
	}
	return t.is("user") && !c.peekAt(1).is("mapping")
}

// roleStmt parses, after CREATE, ALTER or DROP (verb):
//
//	CREATE {ROLE|USER} name [[WITH] option ...]
//	ALTER {ROLE|USER} role [[WITH] option ...]
//	ALTER {ROLE|USER} name RENAME TO new
//	DROP {ROLE|USER} [IF EXISTS] role [, ...]
func (c *cursor) roleStmt(s *Stmt, verb string) error {
	r := &RoleStmt{User: c.peek().is("user")}
	s.Role = r
	c.i++
	switch verb {
	case "create":
		s.Kind = KindCreateRole
		name, err := c.roleID()
		if err != nil {
			return err
		}
		r.Roles = []RoleSpec{{Name: name}}
		return c.roleOptions(&r.Options)
	case "alter":
		s.Kind = KindAlterRole
		if c.peekAt(1).is("rename") {
			name, err := c.roleID()
			if err != nil {
				return err
			}
			r.Roles = []RoleSpec{{Name: name}}
			if !c.accept("rename", "to") {
				return c.errHere()
			}
			if r.NewName, err = c.roleID(); err != nil {
				return err
			}
			return c.expectEnd()
		}
		spec, err := c.roleSpec()
		if err != nil {
			return err
		}
		r.Roles = []RoleSpec{spec}
		if t := c.peek(); t.is("set") || t.is("reset") || t.is("in") {
			return codedErr(CodeFeatureNotSupported, t.Pos, "ALTER ROLE ... %s is not supported", strings.ToUpper(t.Text))
		}
		return c.roleOptions(&r.Options)
	}
	s.Kind = KindDropRole
	r.IfExists = c.accept("if", "exists")
	for {
		spec, err := c.roleSpec()
		if err != nil {
			return err
		}
		r.Roles = append(r.Roles, spec)
		if !c.acceptPunct(",") {
			return c.expectEnd()
		}
	}
}

// roleSpec reads Postgres's RoleSpec: a name, CURRENT_USER, SESSION_USER,
// CURRENT_ROLE or PUBLIC. NONE is reserved.
func (c *cursor) roleSpec() (RoleSpec, error) {
	t := c.peek()
	if t.Kind == Ident {
		switch t.Text {
		case "current_user", "session_user", "current_role":
			c.i++
			return RoleSpec{Special: t.Text}, nil
		}
	}
	name, err := c.name()
	if err != nil {
		return RoleSpec{}, err
	}
	// Postgres compares the name, not the token: "public" quoted is
	// PUBLIC too.
	switch name {
	case "public":
		return RoleSpec{Special: name}, nil
	case "none":
		return RoleSpec{}, codedErr(CodeReservedName, t.Pos, "role name %q is reserved", name)
	}
	return RoleSpec{Name: name}, nil
}

// roleID reads Postgres's RoleId: a RoleSpec that must be a plain name.
func (c *cursor) roleID() (string, error) {
	pos := c.peek().Pos
	spec, err := c.roleSpec()
	switch {
	case err != nil:
		return "", err
	case spec.Special == "public":
		return "", codedErr(CodeReservedName, pos, "role name %q is reserved", spec.Special)
	case spec.Special != "":
		return "", codedErr(CodeReservedName, pos, "%s cannot be used as a role name here", strings.ToUpper(spec.Special))
	}
	return spec.Name, nil
}

// roleFlags are the keyword options and the field each sets: to true for
// the name, to false for its NO form.
var roleFlags = map[string]func(o *RoleOptions) **bool{
	"superuser":   func(o *RoleOptions) **bool { return &o.Superuser },
	"createdb":    func(o *RoleOptions) **bool { return &o.CreateDB },
	"createrole":  func(o *RoleOptions) **bool { return &o.CreateRole },
	"login":       func(o *RoleOptions) **bool { return &o.Login },
	"inherit":     func(o *RoleOptions) **bool { return &o.Inherit },
	"replication": func(o *RoleOptions) **bool { return &o.Replication },
	"bypassrls":   func(o *RoleOptions) **bool { return &o.BypassRLS },
}

// roleOptions reads [WITH] option ... to the end of the statement. An
// option given twice (or with its NO form) is an error, as in Postgres.
func (c *cursor) roleOptions(o *RoleOptions) error {
	c.accept("with")
	passwordSet := false
	for !c.done() {
		t := c.peek()
		redundant := func(given bool) error {
			if given {
				return syntaxErr(t.Pos, "conflicting or redundant options")
			}
			return nil
		}
		switch {
		case c.accept("password"), c.accept("encrypted", "password"):
			if err := redundant(passwordSet); err != nil {
				return err
			}
			passwordSet = true
			if c.accept("null") {
				o.PasswordNull = true
				continue
			}
			pw, err := c.stringLit()
			if err != nil {
				return err
			}
			o.Password = &pw
		case c.accept("unencrypted", "password"):
			return codedErr(CodeFeatureNotSupported, t.Pos, "UNENCRYPTED PASSWORD is no longer supported")
		case c.accept("connection", "limit"):
			if err := redundant(o.ConnLimit != nil); err != nil {
				return err
			}
			v, err := c.settingValue()
			if err != nil {
				return err
			}
			n, err := strconv.ParseInt(v, 10, 32)
			if err != nil {
				return syntaxErr(c.toks[c.i-1].Pos, "syntax error at or near %q", c.toks[c.i-1].Raw)
			}
			limit := int(n)
			o.ConnLimit = &limit
		case c.accept("valid", "until"):
			if err := redundant(o.ValidUntil != nil); err != nil {
				return err
			}
			v, err := c.stringLit()
			if err != nil {
				return err
			}
			o.ValidUntil = &v
		case t.is("sysid") || t.is("in") || t.is("role") || t.is("user") || t.is("admin"):
			return codedErr(CodeFeatureNotSupported, t.Pos, "role option %s is not supported", strings.ToUpper(t.Text))
		case t.Kind == Ident || t.Kind == QuotedIdent:
			name, val := t.Text, true
			field, ok := roleFlags[name]
			if !ok && strings.HasPrefix(name, "no") {
				name, val = name[2:], false
				field, ok = roleFlags[name]
			}
			if !ok {
				return syntaxErr(t.Pos, "unrecognized role option %q", t.Text)
			}
			p := field(o)
			if err := redundant(*p != nil); err != nil {
				return err
			}
			*p = &val
			c.i++
		default:
			return c.errHere()
		}
	}
	return nil
}

// stringLit consumes a string constant.
func (c *cursor) stringLit() (string, error) {
	t := c.peek()
	if t.Kind != String {
		return "", c.errHere()
	}
	c.i++
	return t.Text, nil
}
