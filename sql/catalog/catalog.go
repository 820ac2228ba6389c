package catalog

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/persiandb/persiandb/storage"
	"github.com/persiandb/persiandb/txn"
)

// SystemTableID is the storage table holding the descriptors.
const SystemTableID uint32 = 1

// firstUserID is the first id given to a user table; ids below it are
// reserved for system tables.
const firstUserID uint32 = 100

// Catalog reads and writes descriptors through transactions.
type Catalog struct {
	m     *txn.Manager
	store *storage.Store
	sys   *storage.Table

	nextID atomic.Uint32

	mu struct {
		sync.Mutex
		cache map[string]cached // by system-table key
		drops []pendingDrop     // storage to drop once no snapshot sees it
	}
	// seq holds the sequences' counters (sequence.go).
	seq struct {
		sync.Mutex
		states map[uint32]*SequenceState
	}
}

type cached struct {
	ts  uint64
	obj any // *Table, *View, *Sequence or *indexRel
}

// pendingDrop is storage to release once no snapshot from before
// commitTS runs: a table (index 0), one of its indexes, or a sequence's
// counter.
type pendingDrop struct {
	id       uint32 // table or sequence id
	index    uint32 // index id, 0 for the whole table
	sequence bool
	commitTS uint64
}

// Open returns the catalog over m's store, creating the system table if
// the store has none (a new database). Sequences start over at their
// START value: a checkpoint's recovery restores their counters with
// SetSequenceState.
func Open(m *txn.Manager) (*Catalog, error) {
	st := m.Store()
	sys := st.Table(SystemTableID)
	if sys == nil {
		var err error
		if sys, err = st.CreateTable(SystemTableID, "persiandb_catalog", storage.Schema{}); err != nil {
			return nil, err
		}
	}
	c := &Catalog{m: m, store: st, sys: sys}
	c.mu.cache = map[string]cached{}
	c.seq.states = map[uint32]*SequenceState{}
	// Ids continue past every relation the catalog knows; a table dropped
	// before a restart left no rows behind, so its id may come back.
	next := firstUserID
	s := m.NewSession("")
	defer s.Close()
	tx := s.Begin(txn.TxnOptions{ReadOnly: true})
	defer tx.Rollback()
	var scanErr error
	err := tx.Scan(sys, []byte{kindRelation}, storage.PrefixEnd([]byte{kindRelation}), false, func(key, val []byte) bool {
		var obj any
		if obj, scanErr = decode(string(key[1:]), val); scanErr != nil {
			return false
		}
		switch o := obj.(type) {
		case *Table:
			next = max(next, o.ID+1)
		case *View:
			next = max(next, o.ID+1)
		case *Sequence:
			next = max(next, o.ID+1)
			c.seq.states[o.ID] = &SequenceState{Value: o.Start}
		}
		return true
	})
	if err == nil {
		err = scanErr
	}
	if err != nil {
		return nil, fmt.Errorf("catalog: reading the system table: %w", err)
	}
	c.nextID.Store(next)
	return c, nil
}

// ReserveIDs makes sure no new relation gets an id up to last: after a
// recovery, rows of dropped tables may still lie in the checkpoint chain
// that later checkpoints extend, under their old ids.
func (c *Catalog) ReserveIDs(last uint32) {
	for {
		next := c.nextID.Load()
		if next > last || c.nextID.CompareAndSwap(next, last+1) {
			return
		}
	}
}

// kindRelation prefixes the key of every relation: tables, views,
// sequences and indexes share the namespace, so the system table's
// primary key makes names unique across kinds and concurrent DDL on one
// name conflicts on one row.
const kindRelation = 'T'

func relKey(name string) []byte { return append([]byte{kindRelation}, name...) }

// Storage returns the storage table of a descriptor.
func (c *Catalog) Storage(t *Table) *storage.Table { return c.store.Table(t.ID) }

// envelope reads a descriptor's kind; tables carry none.
type envelope struct {
	Kind string `json:"kind,omitempty"`
}

func kindOf(obj any) Kind {
	switch obj.(type) {
	case *View:
		return KindView
	case *Sequence:
		return KindSequence
	case *indexRel:
		return KindIndex
	}
	return KindTable
}

func encode(obj any) ([]byte, error) {
	switch o := obj.(type) {
	case *Table:
		return json.Marshal(o)
	case *View:
		return json.Marshal(struct {
			envelope
			*View
		}{envelope{"view"}, o})
	case *Sequence:
		return json.Marshal(struct {
			envelope
			*Sequence
		}{envelope{"sequence"}, o})
	case *indexRel:
		return json.Marshal(struct {
			envelope
			*indexRel
		}{envelope{"index"}, o})
	}
	return nil, fmt.Errorf("catalog: cannot encode %T", obj)
}

func decode(name string, val []byte) (any, error) {
	var env envelope
	if err := json.Unmarshal(val, &env); err != nil {
		return nil, fmt.Errorf("%w: catalog descriptor of %q: %v", storage.ErrCorrupt, name, err)
	}
	var obj any
	switch env.Kind {
	case "":
		obj = &Table{}
	case "view":
		obj = &View{}
	case "sequence":
		obj = &Sequence{}
	case "index":
		obj = &indexRel{}
	default:
		return nil, fmt.Errorf("%w: catalog descriptor of %q has kind %q", storage.ErrCorrupt, name, env.Kind)
	}
	if err := json.Unmarshal(val, obj); err != nil {
		return nil, fmt.Errorf("%w: catalog descriptor of %q: %v", storage.ErrCorrupt, name, err)
	}
	return obj, nil
}

// lookup returns the descriptor of the named relation visible to tx.
func (c *Catalog) lookup(tx *txn.Txn, name string) (any, error) {
	key := relKey(name)
	val, ts, ok, err := tx.GetVersion(c.sys, key, nil)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, notFound(name)
	}
	committed := storage.IsCommitted(ts)
	if committed {
		c.mu.Lock()
		e, hit := c.mu.cache[string(key)]
		c.mu.Unlock()
		if hit && e.ts == ts {
			return e.obj, nil
		}
	}
	obj, err := decode(name, val)
	if err != nil {
		return nil, err
	}
	if committed {
		c.mu.Lock()
		c.mu.cache[string(key)] = cached{ts: ts, obj: obj}
		c.mu.Unlock()
	}
	return obj, nil
}

// KindOf returns the kind of the named relation.
func (c *Catalog) KindOf(tx *txn.Txn, name string) (Kind, error) {
	obj, err := c.lookup(tx, name)
	if err != nil {
		return 0, err
	}
	return kindOf(obj), nil
}

// Table returns the descriptor of the named table visible to tx. A
// relation of another kind is a *WrongKindError (which is ErrNotFound).
func (c *Catalog) Table(tx *txn.Txn, name string) (*Table, error) {
	obj, err := c.lookup(tx, name)
	if err != nil {
		return nil, err
	}
	if t, ok := obj.(*Table); ok {
		return t, nil
	}
	return nil, &WrongKindError{Name: name, Kind: kindOf(obj)}
}

// View returns the named view's descriptor.
func (c *Catalog) View(tx *txn.Txn, name string) (*View, error) {
	obj, err := c.lookup(tx, name)
	if err != nil {
		return nil, err
	}
	if v, ok := obj.(*View); ok {
		return v, nil
	}
	return nil, &WrongKindError{Name: name, Kind: kindOf(obj)}
}

// Sequence returns the named sequence's descriptor.
func (c *Catalog) Sequence(tx *txn.Txn, name string) (*Sequence, error) {
	obj, err := c.lookup(tx, name)
	if err != nil {
		return nil, err
	}
	if s, ok := obj.(*Sequence); ok {
		return s, nil
	}
	return nil, &WrongKindError{Name: name, Kind: kindOf(obj)}
}

// IndexTable returns the name of the table that has the named index.
func (c *Catalog) IndexTable(tx *txn.Txn, index string) (string, error) {
	obj, err := c.lookup(tx, index)
	if err != nil {
		return "", err
	}
	if ir, ok := obj.(*indexRel); ok {
		return ir.Table, nil
	}
	return "", &WrongKindError{Name: index, Kind: kindOf(obj)}
}

// all returns every relation visible to tx, in name order.
func (c *Catalog) all(tx *txn.Txn) ([]any, error) {
	var names []string
	err := tx.Scan(c.sys, []byte{kindRelation}, storage.PrefixEnd([]byte{kindRelation}), false, func(key, _ []byte) bool {
		names = append(names, string(key[1:]))
		return true
	})
	if err != nil {
		return nil, err
	}
	out := make([]any, 0, len(names))
	for _, n := range names {
		obj, err := c.lookup(tx, n)
		if err != nil {
			return nil, err
		}
		out = append(out, obj)
	}
	return out, nil
}

// Tables returns every table visible to tx, by name.
func (c *Catalog) Tables(tx *txn.Txn) ([]*Table, error) {
	objs, err := c.all(tx)
	if err != nil {
		return nil, err
	}
	var out []*Table
	for _, o := range objs {
		if t, ok := o.(*Table); ok {
			out = append(out, t)
		}
	}
	return out, nil
}

// Views returns every view visible to tx, by name.
func (c *Catalog) Views(tx *txn.Txn) ([]*View, error) {
	objs, err := c.all(tx)
	if err != nil {
		return nil, err
	}
	var out []*View
	for _, o := range objs {
		if v, ok := o.(*View); ok {
			out = append(out, v)
		}
	}
	return out, nil
}

// Sequences returns every sequence visible to tx, by name.
func (c *Catalog) Sequences(tx *txn.Txn) ([]*Sequence, error) {
	objs, err := c.all(tx)
	if err != nil {
		return nil, err
	}
	var out []*Sequence
	for _, o := range objs {
		if s, ok := o.(*Sequence); ok {
			out = append(out, s)
		}
	}
	return out, nil
}

// insert adds a new relation row; ErrExists if the name is taken.
func (c *Catalog) insert(ctx context.Context, tx *txn.Txn, name string, obj any) error {
	enc, err := encode(obj)
	if err != nil {
		return err
	}
	if err := tx.Insert(ctx, c.sys, relKey(name), enc); err != nil {
		if errors.Is(err, txn.ErrUniqueViolation) {
			return exists(name)
		}
		return err
	}
	return nil
}

// replace overwrites an existing relation row (whose lock the caller
// holds or takes here).
func (c *Catalog) replace(ctx context.Context, tx *txn.Txn, name string, obj any) error {
	enc, err := encode(obj)
	if err != nil {
		return err
	}
	ok, err := tx.Update(ctx, c.sys, relKey(name), func([]byte) ([]byte, bool, error) { return enc, true, nil })
	if err != nil {
		return err
	}
	if !ok {
		return notFound(name)
	}
	return nil
}

// remove deletes a relation row.
func (c *Catalog) remove(ctx context.Context, tx *txn.Txn, name string) error {
	ok, err := tx.Delete(ctx, c.sys, relKey(name), nil)
	if err != nil {
		return err
	}
	if !ok {
		return notFound(name)
	}
	return nil
}

// lock takes the row lock of the named relation, as Postgres's DDL takes
// an exclusive lock on the relation, and returns its newest descriptor:
// the newest committed one under READ COMMITTED (after waiting for a
// running DDL on it), which may be newer than tx's snapshot. REPEATABLE
// READ and SERIALIZABLE fail with a serialization error if it changed
// since their snapshot.
func (c *Catalog) lock(ctx context.Context, tx *txn.Txn, name string) (any, error) {
	var obj any
	ok, err := tx.Update(ctx, c.sys, relKey(name), func(cur []byte) ([]byte, bool, error) {
		var err error
		if obj, err = decode(name, cur); err != nil {
			return nil, false, err
		}
		return append([]byte(nil), cur...), true, nil
	})
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, notFound(name)
	}
	return obj, nil
}

// LockTable locks the named table's descriptor for a change and returns
// its newest version (see lock). Modify a Clone of it and write it with
// AlterTable.
func (c *Catalog) LockTable(ctx context.Context, tx *txn.Txn, name string) (*Table, error) {
	obj, err := c.lock(ctx, tx, name)
	if err != nil {
		return nil, err
	}
	if t, ok := obj.(*Table); ok {
		return t, nil
	}
	return nil, &WrongKindError{Name: name, Kind: kindOf(obj)}
}

// CreateTable adds t (its ID is assigned here), with the names of its
// indexes, and creates its storage and secondary indexes. They are
// dropped again if the transaction, or a savepoint taken before, rolls
// back.
func (c *Catalog) CreateTable(ctx context.Context, tx *txn.Txn, t *Table) error {
	c.reap()
	t.ID = c.nextID.Add(1) - 1
	if err := c.insert(ctx, tx, t.Name, t); err != nil {
		return err
	}
	for _, n := range t.IndexNames() {
		if err := c.insert(ctx, tx, n, &indexRel{Table: t.Name}); err != nil {
			return err
		}
	}
	st, err := c.store.CreateTable(t.ID, t.Name, storage.Schema{Types: t.Types()})
	if err != nil {
		return err
	}
	id := t.ID
	tx.Defer(nil, func() { _ = c.store.DropTable(id) })
	for _, ix := range t.Indexes {
		if _, err := st.AddIndex(t.storageIndex(ix)); err != nil {
			return err
		}
	}
	return nil
}

// AlterTable replaces the descriptor of t.Name with t (a modified Clone
// of the descriptor LockTable returned). Index names are not touched: use
// AddIndex and DropIndex for indexes.
//
// The storage schema (the column types index keys decode rows with)
// follows. If t only appends columns, it changes at once, so that rows
// this transaction writes with the new columns decode for its index
// maintenance, and changes back if the transaction rolls back (a wider
// schema decodes the narrower rows of other writers as before: missing
// trailing columns are NULL). Any other change applies at commit.
func (c *Catalog) AlterTable(ctx context.Context, tx *txn.Txn, t *Table) error {
	if err := c.replace(ctx, tx, t.Name, t); err != nil {
		return err
	}
	st := c.store.Table(t.ID)
	if st == nil {
		return nil
	}
	types := t.Types()
	old := st.Schema().Types
	if len(types) >= len(old) && slices.Equal(types[:len(old)], old) {
		if len(types) > len(old) {
			prev := slices.Clone(old)
			st.SetSchema(storage.Schema{Types: types})
			tx.Defer(nil, func() { st.SetSchema(storage.Schema{Types: prev}) })
		}
		return nil
	}
	tx.Defer(func() { st.SetSchema(storage.Schema{Types: types}) }, nil)
	return nil
}

// RenameTable renames a table (whose lock the caller holds: t is
// LockTable's result), moving its descriptor to the new name and
// updating what names it: its indexes' entries, the sequences its columns
// own, and foreign keys of other tables that reference it.
func (c *Catalog) RenameTable(ctx context.Context, tx *txn.Txn, t *Table, to string) (*Table, error) {
	nt := t.Clone()
	nt.Name = to
	for i := range nt.ForeignKeys {
		if nt.ForeignKeys[i].RefTable == t.Name {
			nt.ForeignKeys[i].RefTable = to // self-reference
		}
	}
	if err := c.insert(ctx, tx, to, nt); err != nil {
		return nil, err
	}
	if err := c.remove(ctx, tx, t.Name); err != nil {
		return nil, err
	}
	for _, n := range nt.IndexNames() {
		if err := c.replace(ctx, tx, n, &indexRel{Table: to}); err != nil {
			return nil, err
		}
	}
	objs, err := c.all(tx)
	if err != nil {
		return nil, err
	}
	for _, o := range objs {
		switch o := o.(type) {
		case *Sequence:
			if o.OwnedBy != nil && o.OwnedBy.Table == t.Name {
				ns := *o
				ns.OwnedBy = &SequenceOwner{Table: to, Column: o.OwnedBy.Column}
				if err := c.replace(ctx, tx, ns.Name, &ns); err != nil {
					return nil, err
				}
			}
		case *Table:
			if o.Name == t.Name {
				continue
			}
			refs := false
			for _, fk := range o.ForeignKeys {
				refs = refs || fk.RefTable == t.Name
			}
			if !refs {
				continue
			}
			lt, err := c.LockTable(ctx, tx, o.Name)
			if err != nil {
				return nil, err
			}
			changed := lt.Clone()
			for i := range changed.ForeignKeys {
				if changed.ForeignKeys[i].RefTable == t.Name {
					changed.ForeignKeys[i].RefTable = to
				}
			}
			if err := c.AlterTable(ctx, tx, changed); err != nil {
				return nil, err
			}
		}
	}
	return nt, nil
}

// DropTable removes the named table, its indexes' names and the
// sequences its columns own. Its storage is dropped once the transaction
// has committed and no snapshot from before the commit is still running
// (such a snapshot still sees the table).
func (c *Catalog) DropTable(ctx context.Context, tx *txn.Txn, name string) error {
	c.reap()
	t, err := c.LockTable(ctx, tx, name)
	if err != nil {
		return err
	}
	if err := c.remove(ctx, tx, name); err != nil {
		return err
	}
	for _, n := range t.IndexNames() {
		if err := c.remove(ctx, tx, n); err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
	}
	seqs, err := c.Sequences(tx)
	if err != nil {
		return err
	}
	for _, s := range seqs {
		if s.OwnedBy != nil && s.OwnedBy.Table == name {
			if err := c.DropSequence(ctx, tx, s.Name); err != nil {
				return err
			}
		}
	}
	c.dropLater(tx, pendingDrop{id: t.ID})
	return nil
}

// dropLater queues d for when tx commits.
func (c *Catalog) dropLater(tx *txn.Txn, d pendingDrop) {
	tx.Defer(func() {
		d.commitTS = tx.CommitTS()
		c.mu.Lock()
		c.mu.drops = append(c.mu.drops, d)
		c.mu.Unlock()
	}, nil)
}

// reap releases the storage of drops that committed below the
// garbage-collection horizon: no running snapshot can see them.
func (c *Catalog) reap() {
	c.mu.Lock()
	if len(c.mu.drops) == 0 {
		c.mu.Unlock()
		return
	}
	h := c.m.Horizon()
	var due []pendingDrop
	kept := c.mu.drops[:0]
	for _, d := range c.mu.drops {
		if d.commitTS <= h {
			due = append(due, d)
		} else {
			kept = append(kept, d)
		}
	}
	c.mu.drops = kept
	c.mu.Unlock()
	for _, d := range due {
		switch {
		case d.sequence:
			c.seq.Lock()
			delete(c.seq.states, d.id)
			c.seq.Unlock()
		case d.index != 0:
			if st := c.store.Table(d.id); st != nil {
				st.DropIndex(d.index)
			}
		default:
			_ = c.store.DropTable(d.id)
		}
	}
}

// Reap is reap for callers that want dropped storage released now (the
// background collector, tests).
func (c *Catalog) Reap() { c.reap() }
