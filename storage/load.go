package storage

import "fmt"

// Load installs a committed version of key as the key's only version:
// recovery rebuilds a table from a checkpoint with it, before any
// transaction runs on the table.
//
// The record is appended with beginTS (a commit timestamp), endTS 0 (the
// current version) and no predecessor, then published as the key's head
// by creating the key's slot: a reader finds the record only through the
// slot, so it is complete first (Invariant 1). Secondary indexes are not
// filed: load the rows, then add the indexes and fill them with
// BuildIndex. Loading a key the table already has is an error; the
// appended record is then marked invalid (garbage) and the key's version
// is left as it was.
func (t *Table) Load(key, val []byte, beginTS uint64) error {
	if !IsCommitted(beginTS) {
		return fmt.Errorf("storage: load of table %d: beginTS %#x is not a commit timestamp", t.id, beginTS)
	}
	l := t.store.log
	a, err := l.Append(&RecordSpec{Table: t.id, BeginTS: beginTS, Key: key, Value: val})
	if err != nil {
		return err
	}
	if _, created := t.LookupOrInsert(key, a); created {
		return nil
	}
	g := t.store.NewGuard()
	g.Enter()
	r := l.Record(a)
	r.SetFlag(FlagInvalid)
	size := r.Size()
	g.Exit()
	g.Close()
	t.store.NoteGarbage(size)
	return fmt.Errorf("storage: load of table %d: key %x is loaded twice", t.id, key)
}
