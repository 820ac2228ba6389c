package storage

import (
	"bytes"
	"fmt"
	"hash/maphash"
	"runtime"
	"sync"
	"sync/atomic"
)

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

// LoadRow is one row for LoadBatch: a committed version of Key.
type LoadRow struct {
	Key, Value []byte
	BeginTS    uint64
}

// LoadBatch is Load for many rows, which must be in strictly ascending
// key order (bytes.Compare). It is recovery's bulk path: a btree filled
// in key order touches only its rightmost path, where one filled in
// random order (a Go map's) takes a few cache misses per level; and the
// rows' records are appended by up to GOMAXPROCS goroutines, which
// overlap their checksums (Log.Append computes them outside its lock).
//
//	check the order and the beginTSs          (nothing is changed on error)
//	append every row's record                 (in parallel, disjoint chunks)
//	under the table lock:
//	    size the point index for every key    (one rebuild at most)
//	    for each row in order: allocate its slot, store its address,
//	        insert it into the btree, cache it in the point index
//
// As with Load, a record is complete before its key is published
// (Invariant 1), and a key the table already has is an error: its
// version is left as it was, the batch's record for it is marked invalid,
// and the rows after it are not loaded (the table is then partly loaded:
// recovery gives it up). Only one LoadBatch or Load may run on a table
// at a time with its result used; concurrent calls are safe but pointless.
func (t *Table) LoadBatch(rows []LoadRow) error {
	for i := range rows {
		if !IsCommitted(rows[i].BeginTS) {
			return fmt.Errorf("storage: load of table %d: beginTS %#x is not a commit timestamp", t.id, rows[i].BeginTS)
		}
		if i > 0 && bytes.Compare(rows[i-1].Key, rows[i].Key) >= 0 {
			return fmt.Errorf("storage: load of table %d: keys %x and %x are not in ascending order", t.id, rows[i-1].Key, rows[i].Key)
		}
	}
	if len(rows) == 0 {
		return nil
	}
	l := t.store.log
	addrs := make([]Addr, len(rows))
	workers := min(runtime.GOMAXPROCS(0), (len(rows)+loadChunk-1)/loadChunk)
	var (
		wg    sync.WaitGroup
		next  atomic.Int64
		errMu sync.Mutex
		first error
	)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				lo := int(next.Add(loadChunk)) - loadChunk
				if lo >= len(rows) {
					return
				}
				for i := lo; i < min(lo+loadChunk, len(rows)); i++ {
					r := &rows[i]
					a, err := l.Append(&RecordSpec{Table: t.id, BeginTS: r.BeginTS, Key: r.Key, Value: r.Value})
					if err != nil {
						errMu.Lock()
						if first == nil {
							first = err
						}
						errMu.Unlock()
						return
					}
					addrs[i] = a
				}
			}
		}()
	}
	wg.Wait()
	if first != nil {
		t.invalidate(addrs)
		return first
	}

	t.mu.Lock()
	defer t.mu.Unlock()
	if need := t.mu.pk.Len() + len(rows); (t.point.used+t.point.deleted+len(rows))*4 > len(t.point.tab.Load().e)*3 {
		t.point.reserveLocked(t, need)
	}
	for i := range rows {
		key := rows[i].Key
		s := t.allocSlotLocked()
		t.slot(s).Store(uint64(addrs[i]))
		if old, dup := t.mu.pk.ReplaceOrInsert(newPKEntry(string(key), s)); dup {
			t.mu.pk.ReplaceOrInsert(old)
			t.slot(s).Store(0)
			t.mu.freeSlots = append(t.mu.freeSlots, s) // never published: no reader holds it
			t.invalidate(addrs[i:])
			return fmt.Errorf("storage: load of table %d: key %x is loaded twice", t.id, key)
		}
		t.point.insert(t.point.tab.Load(), maphash.Bytes(t.point.seed, key), s)
		t.point.used++
		t.liveKeys.Add(1)
	}
	return nil
}

// loadChunk is how many rows a LoadBatch appender takes at a time.
const loadChunk = 4096

// invalidate marks the (not published) records at addrs invalid and counts
// them as garbage; 0 addresses are skipped.
func (t *Table) invalidate(addrs []Addr) {
	l := t.store.log
	g := t.store.NewGuard()
	g.Enter()
	var size uint64
	for _, a := range addrs {
		if a == 0 {
			continue
		}
		r := l.Record(a)
		r.SetFlag(FlagInvalid)
		size += r.Size()
	}
	g.Exit()
	g.Close()
	if size > 0 {
		t.store.NoteGarbage(size)
	}
}

// reserveLocked publishes a point table sized for n keys at most half
// full, holding every key of the btree (rebuildLocked, sized ahead), so
// that a bulk load of n keys does not rebuild it on the way. The caller
// holds the table's write lock.
func (p *pointIndex) reserveLocked(t *Table, n int) {
	size := uint64(16)
	for size < uint64(n)*2 {
		size *= 2
	}
	tab := &pointTable{e: make([]atomic.Uint64, size), mask: size - 1}
	t.mu.pk.Ascend(func(e pkEntry) bool {
		p.insert(tab, maphash.String(p.seed, e.key), e.slot)
		return true
	})
	p.used, p.deleted = t.mu.pk.Len(), 0
	p.tab.Store(tab)
}
