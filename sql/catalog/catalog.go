package catalog

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
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

// Errors; the SQL layer maps them to SQLSTATEs (42P07, 42P01).
var (
	ErrExists   = errors.New("catalog: relation already exists")
	ErrNotFound = errors.New("catalog: relation does not exist")
)

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
}

type cached struct {
	ts   uint64
	desc *Table
}

type pendingDrop struct {
	id       uint32
	commitTS uint64
}

// Open returns the catalog over m's store, creating the system table if
// the store has none (a new database).
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
	// Ids continue past every table the catalog knows; a table dropped
	// before a restart left no rows behind, so its id may come back.
	next := firstUserID
	s := m.NewSession("")
	defer s.Close()
	tx := s.Begin(txn.TxnOptions{ReadOnly: true})
	defer tx.Rollback()
	var scanErr error
	err := tx.Scan(sys, []byte{kindTable}, storage.PrefixEnd([]byte{kindTable}), false, func(_, val []byte) bool {
		var t Table
		if scanErr = json.Unmarshal(val, &t); scanErr != nil {
			return false
		}
		next = max(next, t.ID+1)
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

const kindTable = 'T'

func tableKey(name string) []byte { return append([]byte{kindTable}, name...) }

// Storage returns the storage table of a descriptor.
func (c *Catalog) Storage(t *Table) *storage.Table { return c.store.Table(t.ID) }

// CreateTable adds t (its ID is assigned here) and creates its storage and
// secondary indexes. They are dropped again if the transaction, or a
// savepoint taken before, rolls back.
func (c *Catalog) CreateTable(ctx context.Context, tx *txn.Txn, t *Table) error {
	c.reap()
	t.ID = c.nextID.Add(1) - 1
	enc, err := json.Marshal(t)
	if err != nil {
		return err
	}
	if err := tx.Insert(ctx, c.sys, tableKey(t.Name), enc); err != nil {
		if errors.Is(err, txn.ErrUniqueViolation) {
			return fmt.Errorf("%w: %q", ErrExists, t.Name)
		}
		return err
	}
	st, err := c.store.CreateTable(t.ID, t.Name, storage.Schema{Types: t.Types()})
	if err != nil {
		return err
	}
	for _, ix := range t.Indexes {
		if _, err := st.AddIndex(t.storageIndex(ix)); err != nil {
			return err
		}
	}
	id := t.ID
	tx.Defer(nil, func() { _ = c.store.DropTable(id) })
	return nil
}

// Table returns the descriptor of the named table visible to tx.
func (c *Catalog) Table(tx *txn.Txn, name string) (*Table, error) {
	key := tableKey(name)
	val, ts, ok, err := tx.GetVersion(c.sys, key, nil)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrNotFound, name)
	}
	committed := storage.IsCommitted(ts)
	if committed {
		c.mu.Lock()
		e, hit := c.mu.cache[string(key)]
		c.mu.Unlock()
		if hit && e.ts == ts {
			return e.desc, nil
		}
	}
	t := &Table{}
	if err := json.Unmarshal(val, t); err != nil {
		return nil, fmt.Errorf("%w: catalog descriptor of %q: %v", storage.ErrCorrupt, name, err)
	}
	if committed {
		c.mu.Lock()
		c.mu.cache[string(key)] = cached{ts: ts, desc: t}
		c.mu.Unlock()
	}
	return t, nil
}

// Tables returns every table visible to tx, by name.
func (c *Catalog) Tables(tx *txn.Txn) ([]*Table, error) {
	var names []string
	err := tx.Scan(c.sys, []byte{kindTable}, storage.PrefixEnd([]byte{kindTable}), false, func(key, _ []byte) bool {
		names = append(names, string(key[1:]))
		return true
	})
	if err != nil {
		return nil, err
	}
	out := make([]*Table, 0, len(names))
	for _, n := range names {
		t, err := c.Table(tx, n)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// AlterTable replaces the descriptor of t.Name with t (a modified Clone).
// The storage schema follows when the transaction commits.
func (c *Catalog) AlterTable(ctx context.Context, tx *txn.Txn, t *Table) error {
	enc, err := json.Marshal(t)
	if err != nil {
		return err
	}
	ok, err := tx.Update(ctx, c.sys, tableKey(t.Name), func([]byte) ([]byte, bool, error) { return enc, true, nil })
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("%w: %q", ErrNotFound, t.Name)
	}
	types := t.Types()
	id := t.ID
	tx.Defer(func() {
		if st := c.store.Table(id); st != nil {
			st.SetSchema(storage.Schema{Types: types})
		}
	}, nil)
	return nil
}

// DropTable removes the named table. Its storage is dropped once the
// transaction has committed and no snapshot from before the commit is
// still running (such a snapshot still sees the table).
func (c *Catalog) DropTable(ctx context.Context, tx *txn.Txn, name string) error {
	c.reap()
	t, err := c.Table(tx, name)
	if err != nil {
		return err
	}
	ok, err := tx.Delete(ctx, c.sys, tableKey(name), nil)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("%w: %q", ErrNotFound, name)
	}
	id := t.ID
	tx.Defer(func() {
		c.mu.Lock()
		c.mu.drops = append(c.mu.drops, pendingDrop{id: id, commitTS: tx.CommitTS()})
		c.mu.Unlock()
	}, nil)
	return nil
}

// reap drops the storage of tables whose DROP committed below the
// garbage-collection horizon: no running snapshot can see them.
func (c *Catalog) reap() {
	c.mu.Lock()
	if len(c.mu.drops) == 0 {
		c.mu.Unlock()
		return
	}
	h := c.m.Horizon()
	var due []uint32
	kept := c.mu.drops[:0]
	for _, d := range c.mu.drops {
		if d.commitTS <= h {
			due = append(due, d.id)
		} else {
			kept = append(kept, d)
		}
	}
	c.mu.drops = kept
	c.mu.Unlock()
	for _, id := range due {
		_ = c.store.DropTable(id)
	}
}

// Reap is reap for callers that want dropped storage released now (the
// background collector, tests).
func (c *Catalog) Reap() { c.reap() }
