package txn

import (
	"context"
	"errors"
	"time"

	"github.com/persiandb/persiandb/storage"
)

// UpdateFunc computes a row's new value from its current one. cur is valid
// only during the call. Returning ok=false leaves the row alone (under READ
// COMMITTED the row may have changed since the statement's snapshot, and
// the caller re-checks its predicate here, as Postgres's EvalPlanQual
// does). It may be called more than once if the row changes under it.
type UpdateFunc func(cur []byte) (newVal []byte, ok bool, err error)

type writeKind uint8

const (
	kindInsert writeKind = iota
	kindUpdate
	kindDelete
)

// Insert adds a row. If the key has a live row (committed, or this
// transaction's), it fails with a *UniqueError; if a running writer holds
// the key, it waits for that writer first, as Postgres does.
func (t *Txn) Insert(ctx context.Context, tbl *storage.Table, key, val []byte) error {
	_, err := t.write(ctx, tbl, key, kindInsert, func([]byte) ([]byte, bool, error) { return val, true, nil })
	return err
}

// Update replaces the row under key with fn's result. It reports whether a
// row was updated: false if no row exists (or it was deleted concurrently
// under READ COMMITTED) or fn declined.
//
// The row is the key's newest version, not the snapshot's: if another
// transaction changed it after the snapshot, READ COMMITTED applies fn to
// the newest committed version (waiting for a running writer to finish
// first), and REPEATABLE READ and SERIALIZABLE fail with ErrSerialization.
func (t *Txn) Update(ctx context.Context, tbl *storage.Table, key []byte, fn UpdateFunc) (bool, error) {
	return t.write(ctx, tbl, key, kindUpdate, fn)
}

// Delete removes the row under key, with Update's rules; fn (may be nil)
// re-checks the row first.
func (t *Txn) Delete(ctx context.Context, tbl *storage.Table, key []byte, fn UpdateFunc) (bool, error) {
	if fn == nil {
		fn = func(cur []byte) ([]byte, bool, error) { return nil, true, nil }
	}
	return t.write(ctx, tbl, key, kindDelete, fn)
}

// Lock takes the row lock on key without changing the row, as SELECT ... FOR
// UPDATE does; the row must exist. It is an update to an identical
// version.
func (t *Txn) Lock(ctx context.Context, tbl *storage.Table, key []byte) (bool, error) {
	r, err := t.LockRow(ctx, tbl, key, LockWait)
	return r.Locked, err
}

// LockPolicy is what LockRow does when another transaction holds the row.
type LockPolicy uint8

const (
	LockWait   LockPolicy = iota // wait for it (FOR UPDATE)
	LockNoWait                   // fail with ErrLockNotAvailable (NOWAIT)
	LockSkip                     // leave the row (SKIP LOCKED)
)

// LockResult is what LockRow did.
type LockResult struct {
	// Locked: the transaction holds the row's lock. False when the row
	// is gone (deleted, or never there) or was skipped.
	Locked  bool
	Skipped bool // LockSkip met a row another transaction holds
	// Changed: the row lock was taken on a version committed after the
	// transaction's snapshot (READ COMMITTED only; the other levels fail
	// with ErrSerialization), so what the statement read of the row is
	// out of date.
	Changed bool
}

// LockRow is Lock with a policy for rows held by others, telling whether
// the locked row changed since the snapshot.
func (t *Txn) LockRow(ctx context.Context, tbl *storage.Table, key []byte, p LockPolicy) (LockResult, error) {
	lk := &rowLock{policy: p}
	ok, err := t.writeLock(ctx, tbl, key, kindUpdate, func(cur []byte) ([]byte, bool, error) {
		return append([]byte(nil), cur...), true, nil
	}, lk)
	return LockResult{Locked: ok, Skipped: lk.skipped, Changed: ok && lk.changed}, err
}

// rowLock carries LockRow's policy into writeLock and its findings out.
type rowLock struct {
	policy  LockPolicy
	skipped bool
	changed bool
}

func (t *Txn) write(ctx context.Context, tbl *storage.Table, key []byte, kind writeKind, fn UpdateFunc) (bool, error) {
	return t.writeLock(ctx, tbl, key, kind, fn, nil)
}

// writeLock is write; lk, when not nil, is a LockRow's.
func (t *Txn) writeLock(ctx context.Context, tbl *storage.Table, key []byte, kind writeKind, fn UpdateFunc, lk *rowLock) (bool, error) {
	if err := t.active(); err != nil {
		return false, err
	}
	if t.opts.ReadOnly {
		return false, ErrReadOnly
	}
	t.ensureSnapshot()
	if !t.registered {
		// Register before any marker of ours is visible, so a writer that
		// meets one can find us to wait.
		t.done = make(chan struct{})
		rel := make(chan struct{})
		t.released.Store(&rel)
		t.m.register(t)
		t.registered = true
	}
	lg := t.m.store.Log()
	g := t.sess.guard
	for {
		if err := contextErr(ctx); err != nil {
			return false, err
		}
		g.Enter()
		slot, ok := tbl.Lookup(key)
		if !ok {
			if kind != kindInsert {
				g.Exit()
				t.noteRead(tbl, key)
				return false, nil
			}
			val, _, err := fn(nil)
			if err != nil {
				g.Exit()
				return false, err
			}
			a, err := lg.Append(&storage.RecordSpec{Table: tbl.ID(), BeginTS: t.marker(), Key: key, Value: val})
			if err != nil {
				g.Exit()
				return false, err
			}
			slot, created := tbl.LookupOrInsert(key, a)
			if !created {
				// Another writer created the key first: retry against it.
				t.discard(lg, a)
				g.Exit()
				continue
			}
			t.writes = append(t.writes, writeEntry{table: tbl, slot: slot, addr: a, key: append([]byte(nil), key...)})
			g.Exit()
			return true, t.indexNew(ctx, tbl, key, val, nil)
		}
		head := tbl.Head(slot)
		if head == 0 {
			g.Exit() // the key was just removed; look again
			continue
		}
		r := lg.Record(head)
		b := r.BeginTS()
		if storage.IsMarker(b) && !t.own(b) {
			g.Exit()
			if lk != nil && lk.policy == LockNoWait {
				return false, ErrLockNotAvailable
			}
			if lk != nil && lk.policy == LockSkip {
				lk.skipped = true
				return false, nil
			}
			if err := t.waitFor(ctx, markerID(b), head); err != nil {
				return false, err
			}
			continue
		}
		live := !r.Tombstone()
		if storage.IsCommitted(b) && b > t.snapshot {
			if lk != nil {
				lk.changed = true
			}
			// Changed since our snapshot.
			switch {
			case kind == kindInsert && live && t.opts.Isolation == Serializable:
				g.Exit()
				return false, serializationError("key inserted by a concurrent transaction")
			case kind != kindInsert && t.opts.Isolation != ReadCommitted:
				g.Exit()
				return false, serializationError("row changed by a concurrent transaction")
			}
		}
		if kind == kindInsert && live {
			g.Exit()
			t.noteRead(tbl, key)
			return false, &UniqueError{Table: tbl.ID(), Key: append([]byte(nil), key...)}
		}
		if kind != kindInsert && !live {
			g.Exit()
			t.noteRead(tbl, key)
			return false, nil
		}
		var cur []byte
		if live {
			cur = r.Value()
		}
		val, ok, err := fn(cur)
		if err != nil || !ok {
			g.Exit()
			t.noteRead(tbl, key)
			return false, err
		}
		var oldVal []byte
		if live && kind != kindDelete && len(tbl.Indexes()) > 0 {
			oldVal = append([]byte(nil), cur...)
		}
		spec := storage.RecordSpec{Table: tbl.ID(), BeginTS: t.marker(), Prev: head, Key: key, Value: val}
		if kind == kindDelete {
			spec.Flags, spec.Value = storage.FlagTombstone, nil
		}
		a, err := lg.Append(&spec)
		if err != nil {
			g.Exit()
			return false, err
		}
		if !tbl.CASHead(slot, head, a) {
			t.discard(lg, a) // lost a race for the lock; look again
			g.Exit()
			continue
		}
		r.SetEndTS(t.marker())
		t.writes = append(t.writes, writeEntry{table: tbl, slot: slot, addr: a, prev: head})
		g.Exit()
		if kind == kindDelete {
			return true, nil
		}
		return true, t.indexNew(ctx, tbl, key, val, oldVal)
	}
}

// noteRead adds key to a SERIALIZABLE transaction's read set when a write
// looked at the key's row and left it alone (no row, a unique violation,
// fn declined): the statement's outcome depends on that row as a read does,
// and no lock protects it, so commit must validate it. (A write that locks
// the row needs no entry: nobody else can change the row before commit.)
func (t *Txn) noteRead(tbl *storage.Table, key []byte) {
	if t.opts.Isolation == Serializable {
		t.reads = append(t.reads, readEntry{table: tbl, key: append([]byte(nil), key...)})
	}
}

// discard marks an appended record that never got linked.
func (t *Txn) discard(lg *storage.Log, a storage.Addr) {
	r := lg.Record(a)
	r.SetFlag(storage.FlagInvalid)
	t.m.store.NoteGarbage(r.Size())
}

func (t *Txn) removeNewKey(w writeEntry) {
	if !w.table.RemoveKey(w.key, w.slot, w.addr) {
		panic("txn: locked new key changed under its holder")
	}
}

// errWait asks the caller to wait for a running writer and try again.
// at is the writer's version that made the caller wait.
type errWait struct {
	owner uint64
	at    storage.Addr
}

func (e errWait) Error() string { return "txn: must wait for a running writer" }

// indexNew files the secondary entries of a version just written (val),
// skipping index keys the previous version (old, nil for none) already
// filed. A unique violation undoes the write.
func (t *Txn) indexNew(ctx context.Context, tbl *storage.Table, pk, val, old []byte) error {
	ixs := tbl.Indexes()
	if len(ixs) == 0 {
		return nil
	}
	var ik, oldIK []byte
	for _, ix := range ixs {
		var hasNull bool
		var err error
		ik, hasNull, err = ix.Key(ik[:0], val)
		if err != nil {
			return err
		}
		if old != nil {
			if oldIK, _, err = ix.Key(oldIK[:0], old); err == nil && string(oldIK) == string(ik) {
				continue
			}
		}
		if !ix.Spec().Unique || hasNull {
			ix.Add(ik, pk)
			continue
		}
		if err := t.addUnique(ctx, tbl, ix, ik, pk); err != nil {
			t.undo(len(t.writes) - 1)
			return err
		}
	}
	return nil
}

func (t *Txn) addUnique(ctx context.Context, tbl *storage.Table, ix *storage.Index, ik, pk []byte) error {
	lg := t.m.store.Log()
	g := t.sess.guard
	var buf []byte
	carries := func(r storage.Record) bool {
		if r.Tombstone() {
			return false
		}
		var err error
		buf, _, err = ix.Key(buf[:0], r.Value())
		return err == nil && string(buf) == string(ik)
	}
	check := func(other []byte, head storage.Addr) error {
		// No lower bound on the walk: see visible.
		for a := head; a != 0; {
			r := lg.Record(a)
			if r.Invalid() {
				a = r.Prev()
				continue
			}
			b := r.BeginTS()
			switch {
			case storage.IsMarker(b) && !t.own(b):
				// A running writer: whether it keeps or drops the key
				// depends on its outcome.
				at := a
				if carries(r) {
					return errWait{owner: markerID(b), at: at}
				}
				a = r.Prev()
				for a != 0 && lg.Record(a).Invalid() {
					a = lg.Record(a).Prev()
				}
				if a != 0 && carries(lg.Record(a)) {
					return errWait{owner: markerID(b), at: at}
				}
				return nil
			case !carries(r):
				return nil
			case storage.IsCommitted(b) && b > t.snapshot && t.opts.Isolation == Serializable:
				return serializationError("unique key inserted by a concurrent transaction")
			default:
				return &UniqueError{Table: tbl.ID(), Index: ix.Spec().Name, Key: append([]byte(nil), ik...)}
			}
		}
		return nil
	}
	for {
		g.Enter()
		err := ix.AddUnique(ik, pk, check)
		g.Exit()
		var w errWait
		if !errors.As(err, &w) {
			return err
		}
		if err := t.waitFor(ctx, w.owner, w.at); err != nil {
			return err
		}
	}
}

// waitFor blocks until the writer with the given id ends, or rolls back to
// a savepoint and so gives up some locks (at, the writer's version the
// caller met, tells whether that already happened). After DeadlockTimeout
// it checks for a wait cycle and, if this transaction is in one, returns
// ErrDeadlock. The caller must then roll back (to a savepoint or fully) so
// the other transactions in the cycle can go on. A nil return means "look
// again", not that the lock is free.
func (t *Txn) waitFor(ctx context.Context, owner uint64, at storage.Addr) error {
	o := t.m.lookup(owner)
	if o == nil {
		return nil
	}
	// Load the channel before checking at: RollbackTo invalidates its
	// versions before it closes the channel, so either the check sees at
	// undone or the channel we hold gets closed.
	released := *o.released.Load()
	if t.undone(at) {
		return nil
	}
	t.waitingFor.Store(owner)
	defer t.waitingFor.Store(0)
	timer := time.NewTimer(t.m.opts.DeadlockTimeout)
	defer timer.Stop()
	for {
		select {
		case <-o.done:
			return nil
		case <-released:
			return nil
		case <-ctx.Done():
			return ErrCanceled
		case <-timer.C:
			if t.m.inCycle(t) {
				return ErrDeadlock
			}
			timer.Reset(t.m.opts.DeadlockTimeout)
		}
	}
}

// undone reports whether the version at a was rolled back (or is gone).
func (t *Txn) undone(a storage.Addr) bool {
	g := t.sess.guard
	g.Enter()
	defer g.Exit()
	lg := t.m.store.Log()
	return a < lg.Begin() || lg.Record(a).Invalid()
}

// inCycle reports whether t's wait leads back to t. Waits form chains (a
// transaction waits for one writer at a time), so following the chain
// finds any cycle. Under m.deadlock, the first checker of a cycle clears
// its own wait, so the others no longer see the cycle: one victim.
func (m *Manager) inCycle(t *Txn) bool {
	m.deadlock.Lock()
	defer m.deadlock.Unlock()
	cur := t
	for i := 0; i < 1<<16; i++ {
		w := cur.waitingFor.Load()
		if w == 0 {
			return false
		}
		next := m.lookup(w)
		if next == nil {
			return false
		}
		if next == t {
			t.waitingFor.Store(0)
			return true
		}
		cur = next
	}
	return false
}
