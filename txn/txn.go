package txn

import (
	"fmt"
	"sync/atomic"

	"github.com/persiandb/persiandb/storage"
)

// Isolation is a transaction isolation level with Postgres's semantics.
type Isolation uint8

const (
	// ReadCommitted: each statement reads a new snapshot; a write that meets
	// a row locked by a running writer waits and then applies to the newest
	// committed version. Postgres's default.
	ReadCommitted Isolation = iota
	// RepeatableRead: one snapshot for the whole transaction (snapshot
	// isolation); a write to a row changed since the snapshot fails with
	// ErrSerialization.
	RepeatableRead
	// Serializable: RepeatableRead plus commit-time validation of
	// everything read: a writing transaction commits only if nothing it read
	// changed since its snapshot, so writers serialize in commit order and
	// every snapshot is a state of that serial history.
	Serializable
)

func (i Isolation) String() string {
	switch i {
	case ReadCommitted:
		return "read committed"
	case RepeatableRead:
		return "repeatable read"
	case Serializable:
		return "serializable"
	}
	return fmt.Sprintf("isolation(%d)", uint8(i))
}

// TxnOptions are a transaction's modes (BEGIN ISOLATION LEVEL ..., READ ONLY).
type TxnOptions struct {
	Isolation Isolation
	ReadOnly  bool
}

// Markers: a writer's versions carry MarkerBit | id<<cidBits | cid in their
// timestamp words until commit. The command id (cid) lets a statement see
// the writes of earlier statements of its own transaction but not its own
// (the Halloween problem).
const (
	cidBits = 24
	cidMask = 1<<cidBits - 1
	idMask  = 1<<(63-cidBits) - 1
)

func markerOf(id uint64, cid uint32) uint64 {
	return storage.MarkerBit | (id&idMask)<<cidBits | uint64(cid)
}
func markerID(ts uint64) uint64  { return (ts &^ storage.MarkerBit) >> cidBits }
func markerCID(ts uint64) uint32 { return uint32(ts & cidMask) }

type txnState int32

const (
	stateActive txnState = iota
	stateCommitted
	stateAborted
)

// Txn is one transaction. It is used by one goroutine at a time (its
// session's), except for the fields documented as shared.
//
// Invariants:
//
//  1. The txn holds the lock on a key iff the key's slot points at a
//     version whose beginTS is the txn's marker. Only the holder swaps a
//     locked slot (to undo) or stamps the marker (to commit).
//  2. writes lists, in order, every version the txn appended that is still
//     linked: (new address, previous address). Commit stamps each new
//     version's beginTS and each previous version's endTS with the commit
//     timestamp; abort unlinks them newest first.
//  3. Every dependency of a committed txn (a version it read, a version it
//     overwrote) has a smaller commit timestamp: reads see only versions
//     committed at or below the snapshot, which is below the txn's own
//     timestamp; an overwrite requires the lock, which the previous writer
//     released only by committing. Hence commits below any cut C form a
//     prefix closed under dependencies (DESIGN.md, Invariant 1).
type Txn struct {
	m    *Manager
	sess *Session
	id   uint64
	opts TxnOptions

	snapshot uint64 // 0 until the first statement takes one
	cid      uint32 // current command id
	writes   []writeEntry
	reads    []readEntry // SERIALIZABLE only
	scans    []scanEntry // SERIALIZABLE only
	saves    []savepoint
	commitTS uint64
	serial   uint64

	hooks    []hook
	writeBuf [2]writeEntry // spares most transactions an allocation

	state atomic.Int32 // shared: read by waiters
	// done is closed when the txn ends. Made when the txn first writes,
	// before any marker of its becomes visible: only writers are waited
	// for. Shared: read by waiters.
	done chan struct{}
	// waitingFor is the id of the writer this txn waits for, 0 if none.
	// Shared: read by other txns' deadlock checks.
	waitingFor atomic.Uint64
	// released is closed, and replaced, when a rollback to a savepoint
	// gives up row locks: waiters for this txn wake and look again, as in
	// Postgres a waiter for a subtransaction's lock does. Made with done.
	// Shared: read by waiters.
	released   atomic.Pointer[chan struct{}]
	registered bool
}

type writeEntry struct {
	table *storage.Table
	slot  storage.SlotID
	addr  storage.Addr
	prev  storage.Addr
	key   []byte // set only for a new key (prev == 0), to remove it on abort
}

type readEntry struct {
	table *storage.Table
	key   []byte
}

type scanEntry struct {
	table    *storage.Table
	index    *storage.Index // nil: primary key range
	from, to []byte
}

type savepoint struct {
	name                        string
	writes, reads, scans, hooks int
}

// Begin starts a transaction on the session. A session runs one
// transaction at a time.
func (s *Session) Begin(opts TxnOptions) *Txn {
	if s.cur != nil {
		panic("txn: Begin while a transaction is running on the session")
	}
	t := &Txn{m: s.m, sess: s, id: s.m.nextID.Add(1), opts: opts}
	t.writes = t.writeBuf[:0]
	s.cur = t
	return t
}

// ID returns the transaction's id.
func (t *Txn) ID() uint64 { return t.id }

// Isolation returns the transaction's isolation level.
func (t *Txn) Isolation() Isolation { return t.opts.Isolation }

// ReadOnly reports whether the transaction is READ ONLY.
func (t *Txn) ReadOnly() bool { return t.opts.ReadOnly }

// SetOptions changes the modes of a transaction that has not run a
// statement yet, as SET TRANSACTION right after BEGIN does. It reports
// false, changing nothing, once the transaction has read or written.
func (t *Txn) SetOptions(o TxnOptions) bool {
	if t.snapshot != 0 || len(t.writes) > 0 {
		return false
	}
	t.opts = o
	return true
}

// SetReadOnly makes the rest of the transaction read-only (SET
// TRANSACTION READ ONLY is allowed at any point of a transaction).
func (t *Txn) SetReadOnly() { t.opts.ReadOnly = true }

// Snapshot returns the snapshot timestamp the current statement reads at.
func (t *Txn) Snapshot() uint64 { return t.snapshot }

// CommitTS returns the commit timestamp after a successful Commit (0 for a
// transaction that wrote nothing).
func (t *Txn) CommitTS() uint64 { return t.commitTS }

// Serial returns the session serial this transaction committed as (0 if it
// wrote nothing).
func (t *Txn) Serial() uint64 { return t.serial }

// HasWrites reports whether the transaction wrote anything.
func (t *Txn) HasWrites() bool { return len(t.writes) > 0 }

func (t *Txn) active() error {
	if txnState(t.state.Load()) != stateActive {
		return ErrDone
	}
	return nil
}

// NewStatement starts the next statement: later reads see this
// transaction's earlier writes, and under READ COMMITTED the statement
// reads a new snapshot. Postgres takes a REPEATABLE READ or SERIALIZABLE
// snapshot at the first statement, not at BEGIN; so does this.
func (t *Txn) NewStatement() {
	if t.snapshot == 0 || t.opts.Isolation == ReadCommitted {
		t.snapshot = t.m.publishSnapshot(t.sess.snap)
	}
	if t.cid == cidMask {
		panic("txn: too many statements in one transaction")
	}
	t.cid++
}

func (t *Txn) ensureSnapshot() {
	if t.snapshot == 0 {
		t.NewStatement()
	}
}

func (t *Txn) marker() uint64 { return markerOf(t.id, t.cid) }

func (t *Txn) own(ts uint64) bool { return storage.IsMarker(ts) && markerID(ts) == t.id&idMask }

// Savepoint marks a point the transaction can roll back to. A savepoint
// with the same name as an earlier one hides it, as in Postgres.
func (t *Txn) Savepoint(name string) error {
	if err := t.active(); err != nil {
		return err
	}
	t.saves = append(t.saves, savepoint{name: name, writes: len(t.writes), reads: len(t.reads), scans: len(t.scans), hooks: len(t.hooks)})
	return nil
}

func (t *Txn) findSavepoint(name string) int {
	for i := len(t.saves) - 1; i >= 0; i-- {
		if t.saves[i].name == name {
			return i
		}
	}
	return -1
}

// RollbackTo undoes every write made since the named savepoint and
// releases their locks; the savepoint stays, as in Postgres.
func (t *Txn) RollbackTo(name string) error {
	if err := t.active(); err != nil {
		return err
	}
	i := t.findSavepoint(name)
	if i < 0 {
		return fmt.Errorf("%w: %s", ErrNoSavepoint, name)
	}
	sp := t.saves[i]
	if t.opts.Isolation == Serializable {
		t.readUndone(sp.writes)
	}
	if len(t.writes) > sp.writes {
		t.undo(sp.writes)
		// Wake the waiters for the locks just given up, after undo has
		// invalidated the versions (see waitFor).
		rel := make(chan struct{})
		close(*t.released.Swap(&rel))
	}
	if len(t.hooks) > sp.hooks {
		undone := t.hooks[sp.hooks:]
		t.hooks = t.hooks[:sp.hooks:sp.hooks]
		runAbortHooks(undone)
	}
	// Reads made after the savepoint stay in the read set: their results
	// may have flowed into what the transaction still does.
	t.saves = t.saves[:i+1]
	return nil
}

// readUndone adds the keys of the writes after the first n to the read
// set. Each write read the row it replaced (or the key's absence); its lock
// kept that read valid until commit, and undoing the write drops the lock,
// so the read must be validated like any other read after a savepoint.
func (t *Txn) readUndone(n int) {
	g := t.sess.guard
	g.Enter()
	defer g.Exit()
	lg := t.m.store.Log()
	for _, w := range t.writes[n:] {
		key := w.key
		if key == nil {
			key = append([]byte(nil), lg.Record(w.addr).Key()...)
		}
		t.reads = append(t.reads, readEntry{table: w.table, key: key})
	}
}

// Release forgets the named savepoint and those after it.
func (t *Txn) Release(name string) error {
	if err := t.active(); err != nil {
		return err
	}
	i := t.findSavepoint(name)
	if i < 0 {
		return fmt.Errorf("%w: %s", ErrNoSavepoint, name)
	}
	t.saves = t.saves[:i]
	return nil
}

// undo unlinks the writes after the first n, newest first.
func (t *Txn) undo(n int) {
	g := t.sess.guard
	g.Enter()
	defer g.Exit()
	lg := t.m.store.Log()
	for i := len(t.writes) - 1; i >= n; i-- {
		w := t.writes[i]
		r := lg.Record(w.addr)
		if w.prev == 0 {
			// A new key: take it out of the tree.
			t.removeNewKey(w)
		} else {
			// Reopen the old version while the slot still points at ours
			// (so the key is still locked): once the CAS below unlocks it,
			// another writer may supersede the old version at once, and a
			// late store here would erase that writer's end timestamp.
			lg.Record(w.prev).SetEndTS(0)
			if !w.table.CASHead(w.slot, w.addr, w.prev) {
				panic("txn: locked slot changed under its holder")
			}
		}
		r.SetFlag(storage.FlagInvalid)
		t.m.store.NoteGarbage(r.Size())
		t.writes[i] = writeEntry{}
	}
	t.writes = t.writes[:n]
}

// Commit makes the transaction's writes visible atomically at a new commit
// timestamp, or fails with ErrSerialization (SERIALIZABLE validation), in
// which case the transaction is rolled back.
func (t *Txn) Commit() error {
	if err := t.active(); err != nil {
		return err
	}
	if len(t.writes) == 0 {
		// A reader needs no timestamp: its snapshot is a prefix of the
		// serial order already (see Serializable).
		t.finish(stateCommitted)
		return nil
	}
	m := t.m
	g := t.sess.guard
	g.Enter()
	m.commitMu.Lock()
	if t.opts.Isolation == Serializable {
		if err := t.validateLocked(); err != nil {
			m.commitMu.Unlock()
			g.Exit()
			t.abort()
			return err
		}
	}
	ts := m.clock.Acquire()
	lg := m.store.Log()
	for _, w := range t.writes {
		lg.Record(w.addr).SetBeginTS(ts)
		if w.prev != 0 {
			p := lg.Record(w.prev)
			p.SetEndTS(ts)
			m.store.NoteGarbage(p.Size())
		}
	}
	m.visible.Store(ts)
	// The commit point is part of the installation: a checkpoint reads the
	// session's points once the clock drained the commits below its cut
	// (Session.PointBefore), so it must be noted before Release.
	t.serial = t.sess.noteCommit(ts)
	m.clock.Release(ts)
	m.commitMu.Unlock()
	g.Exit()
	t.commitTS = ts
	t.finish(stateCommitted)
	return nil
}

// Rollback aborts the transaction, undoing its writes. Rolling back a
// finished transaction is a no-op.
func (t *Txn) Rollback() {
	if t.active() != nil {
		return
	}
	t.abort()
}

func (t *Txn) abort() {
	t.undo(0)
	t.finish(stateAborted)
}

func (t *Txn) finish(s txnState) {
	t.state.Store(int32(s))
	t.sess.snap.Store(0)
	t.sess.cur = nil
	if t.registered {
		t.m.unregister(t)
		close(t.done)
	}
	t.writes, t.reads, t.scans, t.saves = nil, nil, nil, nil
	hooks := t.hooks
	t.hooks = nil
	if s == stateCommitted {
		for _, h := range hooks {
			if h.onCommit != nil {
				h.onCommit()
			}
		}
	} else {
		runAbortHooks(hooks)
	}
}

// hook is work tied to the transaction's outcome: the SQL layer creates a
// table's storage when CREATE TABLE runs and must drop it if the
// transaction (or the savepoint around the statement) rolls back, or
// drops a table's storage only once DROP TABLE commits.
type hook struct {
	onCommit, onAbort func()
}

// Defer registers onCommit to run after the transaction commits and
// onAbort after it rolls back, or after a rollback to a savepoint taken
// before this call. Either may be nil. They run on the goroutine that ends
// the transaction, after its locks are released; abort hooks run newest
// first.
func (t *Txn) Defer(onCommit, onAbort func()) {
	t.hooks = append(t.hooks, hook{onCommit: onCommit, onAbort: onAbort})
}

func runAbortHooks(hooks []hook) {
	for i := len(hooks) - 1; i >= 0; i-- {
		if hooks[i].onAbort != nil {
			hooks[i].onAbort()
		}
	}
}
