package txn

import (
	"github.com/persiandb/persiandb/storage"
)

// visible returns the version of the chain starting at head that the
// current statement sees: the newest version that is either this
// transaction's write from an earlier statement or committed at or below
// the snapshot. A tombstone result means "deleted". The caller holds the
// session's guard and loaded head under it.
//
// The walk has no lower address bound, and needs none: a reader follows
// prev only from a version it cannot see, and the version before such a
// one was superseded after the reader's snapshot, so it is not garbage.
// The collector may move it (relink) and truncate the old page meanwhile,
// but the guard keeps a page readable for a reader that loaded its
// address. (Bounding the walk by the log's begin would end it at such a
// moved version and miss the row.)
func (t *Txn) visible(lg *storage.Log, head storage.Addr) (storage.Record, bool) {
	for a := head; a != 0; {
		r := lg.Record(a)
		if !r.Invalid() {
			b := r.BeginTS()
			if storage.IsMarker(b) {
				if t.own(b) && markerCID(b) < t.cid {
					return r, true
				}
			} else if b <= t.snapshot {
				return r, true
			}
		}
		a = r.Prev()
	}
	return storage.Record{}, false
}

// Get appends the visible value of key to dst. found is false if the key
// has no visible row.
func (t *Txn) Get(tbl *storage.Table, key, dst []byte) (val []byte, found bool, err error) {
	val, _, found, err = t.GetVersion(tbl, key, dst)
	return val, found, err
}

// GetVersion is Get that also returns the beginTS of the version read: the
// writer's commit timestamp, or this transaction's marker for its own
// write.
func (t *Txn) GetVersion(tbl *storage.Table, key, dst []byte) (val []byte, beginTS uint64, found bool, err error) {
	if err := t.active(); err != nil {
		return dst, 0, false, err
	}
	t.ensureSnapshot()
	if t.opts.Isolation == Serializable {
		t.reads = append(t.reads, readEntry{table: tbl, key: append([]byte(nil), key...)})
	}
	g := t.sess.guard
	g.Enter()
	defer g.Exit()
	slot, ok := tbl.Lookup(key)
	if !ok {
		return dst, 0, false, nil
	}
	r, ok := t.visible(t.m.store.Log(), tbl.Head(slot))
	if !ok || r.Tombstone() {
		return dst, 0, false, nil
	}
	return append(dst, r.Value()...), r.BeginTS(), true, nil
}

// refreshEvery is how many rows a scan visits before it lets the epoch
// advance: a long scan must not keep the log from being truncated.
const refreshEvery = 256

// Scan calls fn with each visible row whose key is in [from, to) (nil
// bounds are open), in ascending key order or descending if reverse. key
// and val are valid only during the call. fn returns false to stop.
func (t *Txn) Scan(tbl *storage.Table, from, to []byte, reverse bool, fn func(key, val []byte) bool) error {
	if err := t.active(); err != nil {
		return err
	}
	t.ensureSnapshot()
	if t.opts.Isolation == Serializable {
		t.scans = append(t.scans, scanEntry{table: tbl, from: clone(from), to: clone(to)})
	}
	g := t.sess.guard
	g.Enter()
	defer g.Exit()
	lg := t.m.store.Log()
	n := 0
	visit := func(key []byte, slot storage.SlotID) bool {
		if n++; n%refreshEvery == 0 {
			g.Refresh()
		}
		r, ok := t.visible(lg, tbl.Head(slot))
		if !ok || r.Tombstone() {
			return true
		}
		return fn(key, r.Value())
	}
	if reverse {
		tbl.Descend(from, to, visit)
	} else {
		tbl.Ascend(from, to, visit)
	}
	return nil
}

// IndexScan calls fn with each visible row whose key in index ix is in
// [from, to), in index order (descending if reverse). Index entries are not
// versioned, so each row found is re-checked: it is returned only if its
// visible version carries the index key of the entry.
func (t *Txn) IndexScan(tbl *storage.Table, ix *storage.Index, from, to []byte, reverse bool, fn func(pk, val []byte) bool) error {
	if err := t.active(); err != nil {
		return err
	}
	t.ensureSnapshot()
	if t.opts.Isolation == Serializable {
		t.scans = append(t.scans, scanEntry{table: tbl, index: ix, from: clone(from), to: clone(to)})
	}
	g := t.sess.guard
	g.Enter()
	defer g.Exit()
	lg := t.m.store.Log()
	var buf []byte
	n := 0
	visit := func(ik, pk []byte) bool {
		if n++; n%refreshEvery == 0 {
			g.Refresh()
		}
		slot, ok := tbl.Lookup(pk)
		if !ok {
			return true
		}
		r, ok := t.visible(lg, tbl.Head(slot))
		if !ok || r.Tombstone() {
			return true
		}
		var err error
		buf, _, err = ix.Key(buf[:0], r.Value())
		if err != nil || string(buf) != string(ik) {
			return true
		}
		return fn(pk, r.Value())
	}
	if reverse {
		ix.Descend(from, to, visit)
	} else {
		ix.Ascend(from, to, visit)
	}
	return nil
}

func clone(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append([]byte{}, b...)
}
