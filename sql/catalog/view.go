package catalog

import (
	"context"
	"slices"

	"github.com/persiandb/persiandb/txn"
)

// CreateView adds the view v (its ID is assigned here).
func (c *Catalog) CreateView(ctx context.Context, tx *txn.Txn, v *View) error {
	v.ID = c.nextID.Add(1) - 1
	return c.insert(ctx, tx, v.Name, v)
}

// ReplaceView replaces the view of v.Name with v, keeping its id
// (CREATE OR REPLACE VIEW). The caller checked that the columns are
// compatible with the old ones; old is the view it checked, returned by
// LockView.
func (c *Catalog) ReplaceView(ctx context.Context, tx *txn.Txn, old, v *View) error {
	v.ID = old.ID
	return c.replace(ctx, tx, v.Name, v)
}

// LockView locks the named view's descriptor for a change and returns its
// newest version (see lock).
func (c *Catalog) LockView(ctx context.Context, tx *txn.Txn, name string) (*View, error) {
	obj, err := c.lock(ctx, tx, name)
	if err != nil {
		return nil, err
	}
	if v, ok := obj.(*View); ok {
		return v, nil
	}
	return nil, &WrongKindError{Name: name, Kind: kindOf(obj)}
}

// DropView removes the named view.
func (c *Catalog) DropView(ctx context.Context, tx *txn.Txn, name string) error {
	if _, err := c.LockView(ctx, tx, name); err != nil {
		return err
	}
	return c.remove(ctx, tx, name)
}

// Dependents returns the views whose queries name the relation, by name.
func (c *Catalog) Dependents(tx *txn.Txn, name string) ([]*View, error) {
	views, err := c.Views(tx)
	if err != nil {
		return nil, err
	}
	var out []*View
	for _, v := range views {
		if v.Name != name && slices.Contains(v.Deps, name) {
			out = append(out, v)
		}
	}
	return out, nil
}

// Referencing returns the other tables with a foreign key that references
// the named table.
func (c *Catalog) Referencing(tx *txn.Txn, name string) ([]*Table, error) {
	tables, err := c.Tables(tx)
	if err != nil {
		return nil, err
	}
	var out []*Table
	for _, t := range tables {
		if t.Name == name {
			continue
		}
		for _, fk := range t.ForeignKeys {
			if fk.RefTable == name {
				out = append(out, t)
				break
			}
		}
	}
	return out, nil
}
