package catalog

import (
	"context"
	"errors"
	"slices"

	"github.com/persiandb/persiandb/storage"
	"github.com/persiandb/persiandb/txn"
)

// Indexes added to and dropped from existing tables
//
// CREATE INDEX is transactional like the rest of the catalog: the index's
// name and the table's new descriptor are rows written by the
// transaction, and its storage index exists from the start (other
// transactions' writers maintain it, their planners do not see it until
// the descriptor commits) and is dropped if the transaction rolls back.
//
//  1. AddIndex writes the descriptor (whose lock the caller holds), then
//     adds the storage index: from here on every writer files its new
//     versions (storage/index_build.go).
//  2. BuildIndex files the versions that already existed: every version a
//     running snapshot may still read, committed or not. So the index is
//     complete for every transaction that starts after the CREATE INDEX
//     commits, and also for older snapshots, which do not plan with it
//     anyway (they read the old descriptor).
//  3. A unique index is then checked: for each key filed under several
//     rows, each row is locked (an update to an identical version, which
//     waits for a running writer as any write does) and its newest version
//     judged; two rows that carry the key (with no NULL in it) fail the
//     CREATE with a DuplicateError, and the storage index goes at once.
//     Writers that file the key after the check meet the entries in the
//     index itself. (Postgres blocks writers for the whole CREATE INDEX
//     instead; here a concurrent writer of a duplicate key may fail
//     against the uncommitted index, as it would once it commits.)
//
// DROP INDEX removes the descriptor's entry. At commit the storage index
// stops enforcing uniqueness (Table.DemoteIndex) and is dropped once no
// snapshot from before the commit runs: such a snapshot may still plan
// with the index and must find every row through it.

// nextIndexID returns an index id unused by t's descriptor and by its
// storage (which still holds indexes being dropped).
func nextIndexID(t *Table, st *storage.Table) uint32 {
	id := uint32(0)
	for _, ix := range t.Indexes {
		id = max(id, ix.ID)
	}
	for _, ix := range st.Indexes() {
		id = max(id, ix.Spec().ID)
	}
	return id + 1
}

// AddIndex adds ix (its ID is assigned here) to the table t, the
// descriptor LockTable returned, and fills it from the table's rows. It
// returns the new descriptor. A unique index over rows with duplicate
// keys fails with *DuplicateError.
func (c *Catalog) AddIndex(ctx context.Context, tx *txn.Txn, t *Table, ix Index) (*Table, error) {
	c.reap()
	st := c.store.Table(t.ID)
	if st == nil {
		return nil, notFound(t.Name)
	}
	if err := c.insert(ctx, tx, ix.Name, &indexRel{Table: t.Name}); err != nil {
		return nil, err
	}
	ix.ID = nextIndexID(t, st)
	nt := t.Clone()
	nt.Indexes = append(nt.Indexes, ix)
	if err := c.AlterTable(ctx, tx, nt); err != nil {
		return nil, err
	}
	six, err := st.AddIndex(nt.storageIndex(ix))
	if err != nil {
		return nil, err
	}
	id := ix.ID
	tx.Defer(nil, func() { st.DropIndex(id) })
	g := c.store.NewGuard()
	st.BuildIndex(g, six, c.m.Horizon)
	g.Close()
	if ix.Unique {
		if err := checkUnique(ctx, tx, st, six); err != nil {
			st.DropIndex(id)
			return nil, err
		}
	}
	return nt, nil
}

// checkUnique fails if two rows carry the same key of ix (see step 3
// above).
func checkUnique(ctx context.Context, tx *txn.Txn, st *storage.Table, ix *storage.Index) error {
	var failed error
	ix.Duplicates(func(ik []byte, pks [][]byte) bool {
		var first []byte
		for _, pk := range pks {
			var cur []byte
			ok, err := tx.Update(ctx, st, pk, func(v []byte) ([]byte, bool, error) {
				cur = append(cur[:0], v...)
				return append([]byte(nil), v...), true, nil
			})
			if err != nil {
				failed = err
				return false
			}
			if !ok {
				continue // the row is gone
			}
			k, hasNull, err := ix.Key(nil, cur)
			if err != nil || hasNull || string(k) != string(ik) {
				continue
			}
			if first != nil {
				failed = &DuplicateError{Index: ix.Spec().Name, Row: first}
				return false
			}
			first = cur
		}
		return true
	})
	return failed
}

// DropIndex removes the named secondary index from t, the descriptor
// LockTable returned, and returns the new descriptor.
func (c *Catalog) DropIndex(ctx context.Context, tx *txn.Txn, t *Table, name string) (*Table, error) {
	c.reap()
	nt := t.Clone()
	pos := slices.IndexFunc(nt.Indexes, func(ix Index) bool { return ix.Name == name })
	if pos < 0 {
		return nil, notFound(name)
	}
	id := nt.Indexes[pos].ID
	nt.Indexes = slices.Delete(nt.Indexes, pos, pos+1)
	if err := c.AlterTable(ctx, tx, nt); err != nil {
		return nil, err
	}
	if err := c.remove(ctx, tx, name); err != nil && !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	tableID := t.ID
	tx.Defer(func() {
		if st := c.store.Table(tableID); st != nil {
			st.DemoteIndex(id)
		}
	}, nil)
	c.dropLater(tx, pendingDrop{id: tableID, index: id})
	return nt, nil
}

// Rekey gives the table t (the descriptor LockTable returned) the
// descriptor nt, whose primary key differs: the rows visible to tx are
// copied into new storage under the new key (ALTER TABLE ADD PRIMARY KEY
// on a table keyed by its hidden row id), nt gets the new storage's id,
// and the old storage is dropped once no snapshot from before the commit
// runs. Two rows with the same new key fail with *DuplicateError; the
// caller checked that the key columns hold no NULL. nt's PrimaryKey.Name
// is added to the namespace.
//
// Rows that other transactions write to the old storage after the copy
// began are not carried over: Postgres locks the table against them, and
// this does not.
func (c *Catalog) Rekey(ctx context.Context, tx *txn.Txn, t, nt *Table) error {
	c.reap()
	old := c.store.Table(t.ID)
	if old == nil {
		return notFound(t.Name)
	}
	if err := c.insert(ctx, tx, nt.PrimaryKey.Name, &indexRel{Table: nt.Name}); err != nil {
		return err
	}
	nt.ID = c.nextID.Add(1) - 1
	st, err := c.store.CreateTable(nt.ID, nt.Name, storage.Schema{Types: nt.Types()})
	if err != nil {
		return err
	}
	newID := nt.ID
	tx.Defer(nil, func() { _ = c.store.DropTable(newID) })
	for _, ix := range nt.Indexes {
		if _, err := st.AddIndex(nt.storageIndex(ix)); err != nil {
			return err
		}
	}
	types := t.Types()
	const batch = 256
	type row struct{ key, val []byte }
	var rows []row
	var from, next, key []byte
	for {
		rows = rows[:0]
		var scanErr error
		err := tx.Scan(old, from, nil, false, func(k, v []byte) bool {
			vals, err := storage.DecodeRow(v, types, nil)
			if err != nil {
				scanErr = err
				return false
			}
			key = key[:0]
			for i, col := range nt.PrimaryKey.Columns {
				kc := storage.KeyColumn{}
				if i < len(nt.PrimaryKey.Keys) {
					kc = nt.PrimaryKey.Keys[i]
				}
				key = storage.AppendKeyValue(key, vals[col], kc)
			}
			rows = append(rows, row{key: append([]byte(nil), key...), val: append([]byte(nil), v...)})
			next = append(append(next[:0], k...), 0)
			return len(rows) < batch
		})
		if err == nil {
			err = scanErr
		}
		if err != nil {
			return err
		}
		for _, r := range rows {
			if err := tx.Insert(ctx, st, r.key, r.val); err != nil {
				var ue *txn.UniqueError
				if errors.As(err, &ue) && ue.Index == "" {
					return &DuplicateError{Index: nt.PrimaryKey.Name, Row: r.val}
				}
				return err
			}
		}
		if len(rows) < batch {
			break
		}
		from = append(from[:0], next...)
	}
	if err := c.replace(ctx, tx, nt.Name, nt); err != nil {
		return err
	}
	c.dropLater(tx, pendingDrop{id: t.ID})
	return nil
}
