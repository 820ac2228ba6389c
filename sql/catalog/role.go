package catalog

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/persiandb/persiandb/storage"
	"github.com/persiandb/persiandb/txn"
)

// Roles
//
// Roles are Postgres's pg_authid rows: descriptors in the system table
// under their own key prefix, because role names are a namespace of
// their own (a role and a table may share a name). They commit and roll
// back with the transaction that changed them and are saved with the
// rest of the system table.
//
// The bootstrap superuser is implicit: while no row is stored under its
// name, BootstrapRole is that role. It is not written at Open so that a
// store or checkpoint made before roles existed still has it. The first
// change to it writes its row; renaming it away leaves a tombstone row
// (Dropped) under the old name so the implicit role does not come back.

// BootstrapRole is the superuser a new database has, as initdb creates it.
const BootstrapRole = "postgres"

var (
	// ErrRoleExists: a role of that name already exists (42710). NameOf
	// gives the name.
	ErrRoleExists = errors.New("catalog: role already exists")
	// ErrRoleNotFound: no role of that name (42704).
	ErrRoleNotFound = errors.New("catalog: role does not exist")
)

// Role is a role's descriptor.
type Role struct {
	Name        string `json:"name"`
	Superuser   bool   `json:"superuser,omitempty"`
	Inherit     bool   `json:"inherit,omitempty"`
	CreateRole  bool   `json:"createrole,omitempty"`
	CreateDB    bool   `json:"createdb,omitempty"`
	Login       bool   `json:"login,omitempty"`
	Replication bool   `json:"replication,omitempty"`
	BypassRLS   bool   `json:"bypassrls,omitempty"`
	// ConnLimit is the CONNECTION LIMIT, -1 for none.
	ConnLimit int `json:"connlimit"`
	// Password is a SCRAM-SHA-256 verifier or an md5 hash, never a
	// cleartext password; "" for none.
	Password string `json:"password,omitempty"`
	// ValidUntil is VALID UNTIL as given; "" for none.
	ValidUntil string `json:"validuntil,omitempty"`
	// Dropped marks a tombstone: the bootstrap role was renamed away.
	Dropped bool `json:"dropped,omitempty"`
}

// kindRole prefixes the key of every role.
const kindRole = 'R'

func roleKey(name string) []byte { return append([]byte{kindRole}, name...) }

func bootstrapRole() *Role {
	return &Role{Name: BootstrapRole, Superuser: true, Inherit: true, CreateRole: true,
		CreateDB: true, Login: true, Replication: true, BypassRLS: true, ConnLimit: -1}
}

func roleExists(name string) error   { return &RelationError{Err: ErrRoleExists, Name: name} }
func roleNotFound(name string) error { return &RelationError{Err: ErrRoleNotFound, Name: name} }

func decodeRole(name string, val []byte) (*Role, error) {
	r := &Role{}
	if err := json.Unmarshal(val, r); err != nil {
		return nil, fmt.Errorf("%w: role descriptor of %q: %v", storage.ErrCorrupt, name, err)
	}
	return r, nil
}

// Role returns the named role visible to tx.
func (c *Catalog) Role(tx *txn.Txn, name string) (*Role, error) {
	val, ok, err := tx.Get(c.sys, roleKey(name), nil)
	if err != nil {
		return nil, err
	}
	if !ok {
		if name == BootstrapRole {
			return bootstrapRole(), nil
		}
		return nil, roleNotFound(name)
	}
	r, err := decodeRole(name, val)
	if err != nil {
		return nil, err
	}
	if r.Dropped {
		return nil, roleNotFound(name)
	}
	return r, nil
}

// Roles returns every role visible to tx, by name.
func (c *Catalog) Roles(tx *txn.Txn) ([]*Role, error) {
	var out []*Role
	stored := false
	var decErr error
	err := tx.Scan(c.sys, []byte{kindRole}, storage.PrefixEnd([]byte{kindRole}), false, func(key, val []byte) bool {
		name := string(key[1:])
		r, err := decodeRole(name, val)
		if err != nil {
			decErr = err
			return false
		}
		stored = stored || name == BootstrapRole
		if !r.Dropped {
			out = append(out, r)
		}
		return true
	})
	if err == nil {
		err = decErr
	}
	if err != nil {
		return nil, err
	}
	if !stored {
		out = append(out, bootstrapRole())
		for i := len(out) - 1; i > 0 && out[i].Name < out[i-1].Name; i-- {
			out[i], out[i-1] = out[i-1], out[i]
		}
	}
	return out, nil
}

// CreateRole adds r; ErrRoleExists if the name is taken.
func (c *Catalog) CreateRole(ctx context.Context, tx *txn.Txn, r *Role) error {
	if r.Name == BootstrapRole {
		// Insert alone would not see the implicit role, which has no row.
		if _, err := c.Role(tx, r.Name); err == nil {
			return roleExists(r.Name)
		}
	}
	enc, err := json.Marshal(r)
	if err != nil {
		return err
	}
	key := roleKey(r.Name)
	err = tx.Insert(ctx, c.sys, key, enc)
	if !errors.Is(err, txn.ErrUniqueViolation) {
		return err
	}
	// A tombstone under the name is replaced.
	var exists bool
	ok, err := tx.Update(ctx, c.sys, key, func(cur []byte) ([]byte, bool, error) {
		old, err := decodeRole(r.Name, cur)
		if err != nil {
			return nil, false, err
		}
		if !old.Dropped {
			exists = true
			return nil, false, nil
		}
		return enc, true, nil
	})
	switch {
	case err != nil:
		return err
	case exists || !ok:
		return roleExists(r.Name)
	}
	return nil
}

// LockRole locks the named role's descriptor for a change and returns its
// newest version (as lock does for relations). Modify a copy and write it
// with AlterRole.
func (c *Catalog) LockRole(ctx context.Context, tx *txn.Txn, name string) (*Role, error) {
	for {
		var r *Role
		ok, err := tx.Update(ctx, c.sys, roleKey(name), func(cur []byte) ([]byte, bool, error) {
			var err error
			if r, err = decodeRole(name, cur); err != nil {
				return nil, false, err
			}
			return append([]byte(nil), cur...), true, nil
		})
		switch {
		case err != nil:
			return nil, err
		case ok && r.Dropped:
			return nil, roleNotFound(name)
		case ok:
			return r, nil
		case name != BootstrapRole:
			return nil, roleNotFound(name)
		}
		// Materialize the implicit role; the row lock is the insert's. A
		// concurrent transaction that did the same first makes Insert
		// fail, and the loop then locks its row.
		b := bootstrapRole()
		enc, err := json.Marshal(b)
		if err != nil {
			return nil, err
		}
		err = tx.Insert(ctx, c.sys, roleKey(name), enc)
		if err == nil {
			return b, nil
		}
		if !errors.Is(err, txn.ErrUniqueViolation) {
			return nil, err
		}
	}
}

// AlterRole replaces the descriptor of r.Name (locked with LockRole).
func (c *Catalog) AlterRole(ctx context.Context, tx *txn.Txn, r *Role) error {
	enc, err := json.Marshal(r)
	if err != nil {
		return err
	}
	ok, err := tx.Update(ctx, c.sys, roleKey(r.Name), func([]byte) ([]byte, bool, error) { return enc, true, nil })
	if err != nil {
		return err
	}
	if !ok {
		return roleNotFound(r.Name)
	}
	return nil
}

// RenameRole moves r (locked with LockRole) to the name to and returns
// the new descriptor; ErrRoleExists if to is taken.
func (c *Catalog) RenameRole(ctx context.Context, tx *txn.Txn, r *Role, to string) (*Role, error) {
	nr := *r
	nr.Name = to
	if err := c.CreateRole(ctx, tx, &nr); err != nil {
		return nil, err
	}
	if err := c.removeRole(ctx, tx, r.Name); err != nil {
		return nil, err
	}
	return &nr, nil
}

// DropRole removes the named role.
func (c *Catalog) DropRole(ctx context.Context, tx *txn.Txn, name string) error {
	if _, err := c.LockRole(ctx, tx, name); err != nil {
		return err
	}
	return c.removeRole(ctx, tx, name)
}

// removeRole deletes a locked role's row, leaving a tombstone for the
// bootstrap role.
func (c *Catalog) removeRole(ctx context.Context, tx *txn.Txn, name string) error {
	if name == BootstrapRole {
		return c.AlterRole(ctx, tx, &Role{Name: name, Dropped: true})
	}
	ok, err := tx.Delete(ctx, c.sys, roleKey(name), nil)
	if err != nil {
		return err
	}
	if !ok {
		return roleNotFound(name)
	}
	return nil
}
