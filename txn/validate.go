package txn

import (
	"github.com/persiandb/persiandb/storage"
)

// validateLocked checks, with commitMu held, that nothing a SERIALIZABLE
// transaction read has a committed version newer than its snapshot: no key
// it read, no key in a range it scanned (which catches phantoms: a new
// key's first version, a deleted key's tombstone). Then the state it read
// equals the state at its commit timestamp, so it serializes there.
func (t *Txn) validateLocked() error {
	lg := t.m.store.Log()
	for _, rd := range t.reads {
		if slot, ok := rd.table.Lookup(rd.key); ok && t.changed(lg, rd.table.Head(slot)) {
			return serializationError("a row read by this transaction was changed by a concurrent transaction")
		}
	}
	for _, sc := range t.scans {
		conflict := false
		visit := func(pk []byte) bool {
			if slot, ok := sc.table.Lookup(pk); ok && t.changed(lg, sc.table.Head(slot)) {
				conflict = true
				return false
			}
			return true
		}
		if sc.index == nil {
			sc.table.Ascend(sc.from, sc.to, func(k []byte, _ storage.SlotID) bool { return visit(k) })
		} else {
			sc.index.Ascend(sc.from, sc.to, func(_, pk []byte) bool { return visit(pk) })
		}
		if conflict {
			return serializationError("a range read by this transaction was changed by a concurrent transaction")
		}
	}
	return nil
}

// changed reports whether the newest committed version in the chain is
// newer than the snapshot. The walk needs no lower bound (see visible).
func (t *Txn) changed(lg *storage.Log, head storage.Addr) bool {
	for a := head; a != 0; {
		r := lg.Record(a)
		if b := r.BeginTS(); !r.Invalid() && storage.IsCommitted(b) {
			return b > t.snapshot
		}
		a = r.Prev()
	}
	return false
}
