package storage

import (
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/google/btree"
)

// SlotID names a key's head slot: the word holding the address of the
// key's newest version. Updates swap the slot with a CAS and never touch
// the btree; only new keys and removed keys change the tree.
type SlotID uint32

const slotChunkBits = 12

type slotChunk [1 << slotChunkBits]atomic.Uint64

// Table is one table's primary index and secondary indexes.
//
// Invariants:
//
//  1. The primary btree maps each key to one slot; a slot belongs to at
//     most one key at a time. A slot is freed only by garbage collection,
//     after its key left the tree, and reused only after the epoch
//     protection says no guarded reader still holds its id.
//  2. A slot holds the newest version's address, or 0 once its key was
//     removed (a reader or writer that meets 0 looks the key up again).
//  3. Secondary entries are (index key, primary key) pairs. They are added
//     when a version carrying that index key is appended, before it can
//     commit, and removed only by garbage collection when no remaining
//     version of the row carries it. A reader through an index therefore
//     re-checks the row version it finds.
type Table struct {
	id     uint32
	name   string
	schema atomic.Pointer[Schema]
	store  *Store

	chunks atomic.Pointer[[]*slotChunk] // grows under mu; chunks never move

	// mu protects the btrees and the slot free list. Lock order: Store.mu
	// before Table.mu.
	mu struct {
		sync.RWMutex
		pk        *btree.BTreeG[pkEntry]
		indexes   []*Index
		nextSlot  uint32
		freeSlots []SlotID
		// loaded holds the point-index entries of the keys LoadRows
		// loaded, for FinishLoad.
		loaded [][]hashSlot
	}
	liveKeys atomic.Int64
	point    pointIndex
}

// Schema is what storage must know of a table's columns: their types, to
// decode rows when building secondary index keys.
type Schema struct {
	Types []Type
}

// pkEntry carries the key's first 8 bytes inline so most comparisons in a
// btree search stay inside the node instead of chasing the key's pointer
// into a cache miss.
type pkEntry struct {
	prefix uint64
	key    string
	slot   SlotID
}

func pkLess(a, b pkEntry) bool {
	if a.prefix != b.prefix {
		return a.prefix < b.prefix
	}
	return a.key < b.key
}

// keyPrefix packs up to 8 leading bytes big-endian, zero padded: prefix
// order agrees with string order wherever the prefixes differ.
func keyPrefix(k string) uint64 {
	var p uint64
	n := min(len(k), 8)
	for i := 0; i < n; i++ {
		p |= uint64(k[i]) << (56 - 8*i)
	}
	return p
}

func probe(key []byte) pkEntry {
	k := unsafeString(key)
	return pkEntry{prefix: keyPrefix(k), key: k}
}

func newPKEntry(key string, s SlotID) pkEntry {
	return pkEntry{prefix: keyPrefix(key), key: key, slot: s}
}

func newTable(s *Store, id uint32, name string, schema Schema) *Table {
	t := &Table{id: id, name: name, store: s}
	t.schema.Store(&schema)
	t.mu.pk = btree.NewG(32, pkLess)
	t.point.init()
	empty := []*slotChunk{}
	t.chunks.Store(&empty)
	return t
}

func (t *Table) ID() uint32         { return t.id }
func (t *Table) Name() string       { return t.name }
func (t *Table) Schema() *Schema    { return t.schema.Load() }
func (t *Table) SetSchema(s Schema) { t.schema.Store(&s) }

// Len returns the number of keys in the primary btree, including keys whose
// newest version is a tombstone not yet collected.
func (t *Table) Len() int {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.mu.pk.Len()
}

func (t *Table) slot(s SlotID) *atomic.Uint64 {
	c := *t.chunks.Load()
	return &c[s>>slotChunkBits][s&(1<<slotChunkBits-1)]
}

// Head returns the address of the newest version under slot s (0 if the
// key was removed). The caller holds an epoch guard.
func (t *Table) Head(s SlotID) Addr { return Addr(t.slot(s).Load()) }

// CASHead swaps the newest-version address of slot s.
func (t *Table) CASHead(s SlotID, old, new Addr) bool {
	return t.slot(s).CompareAndSwap(uint64(old), uint64(new))
}

// Lookup finds key's slot. The caller holds an epoch guard.
func (t *Table) Lookup(key []byte) (SlotID, bool) {
	if s, ok := t.point.lookup(t, key); ok {
		return s, true
	}
	t.mu.RLock()
	e, ok := t.mu.pk.Get(probe(key))
	t.mu.RUnlock()
	return e.slot, ok
}

// LookupOrInsert returns key's slot; if the key is absent it creates a slot
// holding head and reports created. A caller that finds an existing slot
// appends its version and swaps the slot itself.
func (t *Table) LookupOrInsert(key []byte, head Addr) (s SlotID, created bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if e, ok := t.mu.pk.Get(probe(key)); ok {
		return e.slot, false
	}
	s = t.allocSlotLocked()
	t.slot(s).Store(uint64(head))
	t.mu.pk.ReplaceOrInsert(newPKEntry(string(key), s))
	t.point.addLocked(t, key, s)
	t.liveKeys.Add(1)
	return s, true
}

func (t *Table) allocSlotLocked() SlotID {
	if n := len(t.mu.freeSlots); n > 0 {
		s := t.mu.freeSlots[n-1]
		t.mu.freeSlots = t.mu.freeSlots[:n-1]
		return s
	}
	s := SlotID(t.mu.nextSlot)
	t.mu.nextSlot++
	chunks := *t.chunks.Load()
	if int(s>>slotChunkBits) >= len(chunks) {
		grown := append(append([]*slotChunk(nil), chunks...), new(slotChunk))
		t.chunks.Store(&grown)
	}
	return s
}

// RemoveKey takes key out of the primary tree if its slot still holds
// expect, and frees the slot once no reader can hold it. It reports whether
// it removed the key. The garbage collector uses it for collected
// tombstones, a transaction for a new key it rolls back.
func (t *Table) RemoveKey(key []byte, s SlotID, expect Addr) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.CASHead(s, expect, 0) {
		return false
	}
	t.mu.pk.Delete(probe(key))
	t.point.removeLocked(key, s)
	t.liveKeys.Add(-1)
	t.store.epochs.Retire(func() {
		t.mu.Lock()
		t.mu.freeSlots = append(t.mu.freeSlots, s)
		t.mu.Unlock()
	})
	return true
}

// scanChunk is how many entries a scan copies out per lock hold: scans
// never hold the tree lock while the caller's callback runs.
const scanChunk = 128

// Ascend calls fn for each key in [from, to) in ascending order (nil from:
// from the first key; nil to: to the last). fn returns false to stop.
func (t *Table) Ascend(from, to []byte, fn func(key []byte, s SlotID) bool) {
	t.scan(from, to, false, fn)
}

// Descend calls fn for each key in [from, to) in descending order.
func (t *Table) Descend(from, to []byte, fn func(key []byte, s SlotID) bool) {
	t.scan(from, to, true, fn)
}

// scan copies up to scanChunk entries per lock hold and resumes after the
// last one it returned, so fn may take the table lock (to insert or remove
// keys) and concurrent writers are never held up by a slow caller.
func (t *Table) scan(from, to []byte, desc bool, fn func(key []byte, s SlotID) bool) {
	buf := make([]pkEntry, 0, scanChunk)
	var cursor *pkEntry // the last entry returned: resume past it
	for {
		buf = buf[:0]
		t.mu.RLock()
		visit := func(e pkEntry) bool {
			switch {
			case cursor != nil && e.key == cursor.key:
				return true
			case !desc && to != nil && e.key >= unsafeString(to):
				return false
			case desc && from != nil && e.key < unsafeString(from):
				return false
			case desc && to != nil && e.key >= unsafeString(to):
				return true
			}
			buf = append(buf, e)
			return len(buf) < scanChunk
		}
		switch {
		case !desc && cursor != nil:
			t.mu.pk.AscendGreaterOrEqual(*cursor, visit)
		case !desc && from != nil:
			t.mu.pk.AscendGreaterOrEqual(probe(from), visit)
		case !desc:
			t.mu.pk.Ascend(visit)
		case cursor != nil:
			t.mu.pk.DescendLessOrEqual(*cursor, visit)
		case to != nil:
			t.mu.pk.DescendLessOrEqual(probe(to), visit)
		default:
			t.mu.pk.Descend(visit)
		}
		t.mu.RUnlock()
		for _, e := range buf {
			if !fn([]byte(e.key), e.slot) {
				return
			}
		}
		if len(buf) < scanChunk {
			return
		}
		last := buf[len(buf)-1]
		cursor = &last
	}
}

// IndexSpec describes a secondary index.
type IndexSpec struct {
	ID      uint32
	Name    string
	Unique  bool
	Columns []int       // column ordinals in the row
	Keys    []KeyColumn // per-column direction and NULL placement
}

// Index is a secondary index: a btree of (index key, primary key) entries.
// Its tree is protected by the owning table's mu.
type Index struct {
	spec  IndexSpec
	table *Table
	tree  *btree.BTreeG[ixEntry]
}

type ixEntry struct {
	key string // index key followed by the primary key
	n   int    // length of the index key part
}

// Index keys are self-delimiting, so comparing the concatenation orders by
// index key first and primary key second.
func ixLess(a, b ixEntry) bool { return a.key < b.key }

func (ix *Index) Spec() IndexSpec { return ix.spec }

// AddIndex creates a secondary index. Filling it from existing rows is the
// caller's job (it knows which versions are visible).
func (t *Table) AddIndex(spec IndexSpec) (*Index, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, ix := range t.mu.indexes {
		if ix.spec.ID == spec.ID {
			return nil, fmt.Errorf("storage: index %d already exists on table %d", spec.ID, t.id)
		}
	}
	ix := &Index{spec: spec, table: t, tree: btree.NewG(32, ixLess)}
	t.mu.indexes = append(append([]*Index(nil), t.mu.indexes...), ix)
	return ix, nil
}

// DropIndex removes the index with the given id.
func (t *Table) DropIndex(id uint32) {
	t.mu.Lock()
	defer t.mu.Unlock()
	kept := make([]*Index, 0, len(t.mu.indexes))
	for _, ix := range t.mu.indexes {
		if ix.spec.ID != id {
			kept = append(kept, ix)
		}
	}
	t.mu.indexes = kept
}

// Indexes returns the table's secondary indexes; the slice is not mutated
// after it is returned.
func (t *Table) Indexes() []*Index {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.mu.indexes
}

// Key appends the index key of an encoded row to dst. hasNull reports
// whether a key column is NULL (such keys never conflict in a unique index,
// as in Postgres).
func (ix *Index) Key(dst, row []byte) (key []byte, hasNull bool, err error) {
	types := ix.table.schema.Load().Types
	for i, c := range ix.spec.Columns {
		v, err := DecodeColumn(row, types, c)
		if err != nil {
			return nil, false, err
		}
		if v.IsNull() {
			hasNull = true
		}
		kc := KeyColumn{}
		if i < len(ix.spec.Keys) {
			kc = ix.spec.Keys[i]
		}
		dst = AppendKeyValue(dst, v, kc)
	}
	return dst, hasNull, nil
}

// Add inserts the entry (ik, pk); adding an existing entry is a no-op.
func (ix *Index) Add(ik, pk []byte) {
	e := ixEntry{key: string(ik) + string(pk), n: len(ik)}
	ix.table.mu.Lock()
	ix.tree.ReplaceOrInsert(e)
	ix.table.mu.Unlock()
}

// AddUnique inserts (ik, pk) unless check reports a conflict. check is
// called, with the table lock held, for every other primary key filed under
// ik, with the address of that row's newest version (0 if the row is gone);
// it must not block or take the table lock. The check and the insert are
// atomic, so two writers of the same index key cannot both miss each other.
// The caller holds an epoch guard.
func (ix *Index) AddUnique(ik, pk []byte, check func(otherPK []byte, head Addr) error) error {
	e := ixEntry{key: string(ik) + string(pk), n: len(ik)}
	ix.table.mu.Lock()
	defer ix.table.mu.Unlock()
	var err error
	ix.tree.AscendGreaterOrEqual(ixEntry{key: unsafeString(ik)}, func(o ixEntry) bool {
		if o.key[:min(len(o.key), len(ik))] != unsafeString(ik) {
			return false
		}
		if other := o.key[o.n:]; other != unsafeString(pk) {
			var head Addr
			if e, ok := ix.table.mu.pk.Get(newPKEntry(other, 0)); ok {
				head = ix.table.Head(e.slot)
			}
			err = check([]byte(other), head)
		}
		return err == nil
	})
	if err != nil {
		return err
	}
	ix.tree.ReplaceOrInsert(e)
	return nil
}

// removeLocked deletes the entry (ik, pk) and reports whether it existed;
// the caller holds the table lock.
func (ix *Index) removeLocked(ik, pk []byte) bool {
	_, found := ix.tree.Delete(ixEntry{key: string(ik) + string(pk)})
	return found
}

// Ascend calls fn for each entry whose index key is in [from, to) in
// ascending order; a prefix of a composite key works as a bound together
// with PrefixEnd. fn returns false to stop.
func (ix *Index) Ascend(from, to []byte, fn func(ik, pk []byte) bool) {
	ix.scan(from, to, false, fn)
}

// Descend is Ascend in descending order.
func (ix *Index) Descend(from, to []byte, fn func(ik, pk []byte) bool) {
	ix.scan(from, to, true, fn)
}

func (ix *Index) scan(from, to []byte, desc bool, fn func(ik, pk []byte) bool) {
	buf := make([]ixEntry, 0, scanChunk)
	var cursor *ixEntry
	for {
		buf = buf[:0]
		ix.table.mu.RLock()
		visit := func(e ixEntry) bool {
			if cursor != nil && e.key == cursor.key {
				return true
			}
			ik := e.key[:e.n]
			if !desc && to != nil && ik >= unsafeString(to) {
				return false
			}
			if desc && from != nil && ik < unsafeString(from) {
				return false
			}
			if desc && to != nil && ik >= unsafeString(to) {
				return true
			}
			buf = append(buf, e)
			return len(buf) < scanChunk
		}
		switch {
		case !desc && cursor != nil:
			ix.tree.AscendGreaterOrEqual(*cursor, visit)
		case !desc && from != nil:
			ix.tree.AscendGreaterOrEqual(ixEntry{key: unsafeString(from)}, visit)
		case !desc:
			ix.tree.Ascend(visit)
		case cursor != nil:
			ix.tree.DescendLessOrEqual(*cursor, visit)
		case to != nil:
			ix.tree.DescendLessOrEqual(ixEntry{key: unsafeString(to)}, visit)
		default:
			ix.tree.Descend(visit)
		}
		ix.table.mu.RUnlock()
		for _, e := range buf {
			if !fn([]byte(e.key[:e.n]), []byte(e.key[e.n:])) {
				return
			}
		}
		if len(buf) < scanChunk {
			return
		}
		last := buf[len(buf)-1]
		cursor = &last
	}
}

// Len returns the number of entries in the index.
func (ix *Index) Len() int {
	ix.table.mu.RLock()
	defer ix.table.mu.RUnlock()
	return ix.tree.Len()
}

// SetName names the table; recovery names the tables it loaded once it
// has read the catalog. Call it before the table is shared.
func (t *Table) SetName(name string) { t.name = name }
