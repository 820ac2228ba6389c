package storage

import (
	"bytes"
	"errors"
	"fmt"
	"hash/maphash"
	"runtime"
	"slices"
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
	return fmt.Errorf("%w: table %d key %x", ErrLoadedTwice, t.id, key)
}

// LoadRow is one row for LoadRows: a committed version of Key.
type LoadRow struct {
	Key, Value []byte
	BeginTS    uint64
}

// ErrLoadedTwice is returned (wrapped) by Load and LoadRows for a key the
// table already has: in a checkpoint, a sign of corruption.
var ErrLoadedTwice = errors.New("storage: key loaded twice")

// hashSlot is a loaded key's point-index entry, waiting for FinishLoad.
type hashSlot struct {
	h uint64
	s SlotID
}

// LoadRows is Load for many rows: recovery's bulk path, called from
// several goroutines at once (one per checkpoint segment), each with its
// own batches of one table's rows. It sorts rows in place by key.
//
//	check the beginTSs, sort, hash the keys   (nothing is changed on error)
//	append every row's record                 (no table lock: the callers
//	                                              overlap here)
//	under the table lock:
//	    allocate a slot per row and store its record's address
//	    insert the keys into the btree        (in key order: a btree filled
//	                                              in order stays on a short
//	                                              path, in cache)
//	    keep each key's hash and slot for FinishLoad
//
// As with Load, a record is complete before its key is published
// (Invariant 1): readers reach a slot only through the btree, which they
// search under the table lock. The point index is left to FinishLoad (a
// key missing there is looked up in the btree, so it is never wrong, only
// slower): filled in the order of the keys' home positions, once, it is
// a fraction of the cost of filling it batch by batch.
//
// A key the table already has (or twice in rows) fails the call with
// ErrLoadedTwice: the rows before it in key order stay loaded, its record
// and the following ones are marked invalid (garbage). A failed append
// loads none of the batch.
func (t *Table) LoadRows(rows []LoadRow) error {
	for i := range rows {
		if !IsCommitted(rows[i].BeginTS) {
			return fmt.Errorf("storage: load of table %d: beginTS %#x is not a commit timestamp", t.id, rows[i].BeginTS)
		}
	}
	if len(rows) == 0 {
		return nil
	}
	slices.SortFunc(rows, func(a, b LoadRow) int { return bytes.Compare(a.Key, b.Key) })
	hs := make([]hashSlot, len(rows))
	for i := range rows {
		hs[i].h = maphash.Bytes(t.point.seed, rows[i].Key)
	}
	l := t.store.log
	addrs := make([]Addr, len(rows))
	for i := range rows {
		r := &rows[i]
		a, err := l.Append(&RecordSpec{Table: t.id, BeginTS: r.BeginTS, Key: r.Key, Value: r.Value})
		if err != nil {
			t.invalidate(addrs[:i])
			return err
		}
		addrs[i] = a
	}
	keys := batchKeys(rows)
	loaded := len(rows)
	var dupErr error
	t.mu.Lock()
	for i := range rows {
		key := rows[i].Key
		s := t.allocSlotLocked()
		t.slot(s).Store(uint64(addrs[i]))
		if old, dup := t.mu.pk.ReplaceOrInsert(newPKEntry(keys.next(len(key)), s)); dup {
			t.mu.pk.ReplaceOrInsert(old)
			// Never published: no reader holds it.
			t.slot(s).Store(0)
			t.mu.freeSlots = append(t.mu.freeSlots, s)
			dupErr = fmt.Errorf("%w: table %d key %x", ErrLoadedTwice, t.id, key)
			loaded = i
			break
		}
		hs[i].s = s
	}
	if loaded > 0 {
		t.mu.loaded = append(t.mu.loaded, hs[:loaded])
	}
	t.mu.Unlock()
	t.liveKeys.Add(int64(loaded))
	t.invalidate(addrs[loaded:])
	return dupErr
}

// FinishLoad puts the keys loaded by LoadRows since the last FinishLoad
// into the point index, using up to workers goroutines (0: GOMAXPROCS).
// Call it once the table's loads are done.
func (t *Table) FinishLoad(workers int) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	pending := t.mu.loaded
	t.mu.loaded = nil
	n := 0
	for _, c := range pending {
		n += len(c)
	}
	if n == 0 {
		return
	}
	p := &t.point
	if tab := p.tab.Load(); (p.used+p.deleted+n)*4 <= len(tab.e)*3 {
		p.insertHashed(tab, pending, n, workers)
		p.used += n
		return
	}
	if t.mu.pk.Len() != n {
		// Keys from elsewhere too: take them all from the btree.
		p.reserveLocked(t, t.mu.pk.Len())
		return
	}
	// A new table, filled before it is published.
	tab := newPointTable(n)
	p.insertHashed(tab, pending, n, workers)
	p.used, p.deleted = n, 0
	p.tab.Store(tab)
}

// keyBlock hands out the btree's key strings of one batch from a single
// allocation (one per batch rather than one per row: at 10M rows the
// per-row allocations and their garbage-collector work were a tenth of
// the serial btree fill). The block is never written after it is built,
// so the strings are immutable; it stays allocated while any of its keys
// is in the btree.
type keyBlock struct {
	b   []byte
	off int
}

func batchKeys(rows []LoadRow) *keyBlock {
	n := 0
	for i := range rows {
		n += len(rows[i].Key)
	}
	b := make([]byte, 0, n)
	for i := range rows {
		b = append(b, rows[i].Key...)
	}
	return &keyBlock{b: b}
}

// next returns the next n bytes as a string.
func (k *keyBlock) next(n int) string {
	s := unsafeString(k.b[k.off : k.off+n])
	k.off += n
	return s
}

// insertHashed inserts the n entries of chunks into tab, which has room
// for them all; the caller holds the table's write lock. Many entries are
// inserted in the order of their home positions, by up to workers
// goroutines each filling its own range of the table (with
// compare-and-swap, as a probe may run into the next range): in key
// order, every insert would be a cache (and TLB) miss.
func (p *pointIndex) insertHashed(tab *pointTable, chunks [][]hashSlot, n, workers int) {
	const regionBits = 15 // 32K entries (256 KiB) per bucket
	bits := 0
	for uint64(1)<<bits < uint64(len(tab.e)) {
		bits++
	}
	workers = min(workers, len(chunks), n/loadChunk)
	if bits <= regionBits || workers < 2 {
		for _, c := range chunks {
			for _, e := range c {
				p.insert(tab, e.h, e.s)
			}
		}
		return
	}
	shift, nb := regionBits, 1<<(bits-regionBits)
	// Count per worker (a run of chunks each) and bucket, then place each
	// entry in bucket order.
	counts := make([][]int, workers)
	bound := func(w int) int { return len(chunks) * w / workers }
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		counts[w] = make([]int, nb)
		wg.Add(1)
		go func(c []int, lo, hi int) {
			defer wg.Done()
			for _, ch := range chunks[lo:hi] {
				for _, e := range ch {
					c[(e.h&tab.mask)>>shift]++
				}
			}
		}(counts[w], bound(w), bound(w+1))
	}
	wg.Wait()
	starts := make([]int, nb+1)
	off := 0
	for b := 0; b < nb; b++ {
		starts[b] = off
		for w := 0; w < workers; w++ {
			c := counts[w][b]
			counts[w][b] = off // now the worker's next position in bucket b
			off += c
		}
	}
	starts[nb] = off
	out := make([]hashSlot, n)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(next []int, lo, hi int) {
			defer wg.Done()
			for _, ch := range chunks[lo:hi] {
				for _, e := range ch {
					b := (e.h & tab.mask) >> shift
					out[next[b]] = e
					next[b]++
				}
			}
		}(counts[w], bound(w), bound(w+1))
	}
	wg.Wait()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(from, to int) {
			defer wg.Done()
			for _, e := range out[from:to] {
				p.insertShared(tab, e.h, e.s)
			}
		}(starts[nb*w/workers], starts[nb*(w+1)/workers])
	}
	wg.Wait()
}

// insertShared is insert for goroutines filling one table at once.
func (p *pointIndex) insertShared(tab *pointTable, h uint64, s SlotID) {
	for i := h & tab.mask; ; {
		e := tab.e[i].Load()
		if e == pointEmpty || e == pointDeleted {
			if tab.e[i].CompareAndSwap(e, pointEntry(h, s)) {
				return
			}
			continue // taken meanwhile: look at it again
		}
		i = (i + 1) & tab.mask
	}
}

// loadChunk is the fewest entries per FinishLoad goroutine.
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
// full, holding every key of the btree (rebuildLocked, sized ahead). The
// caller holds the table's write lock.
func (p *pointIndex) reserveLocked(t *Table, n int) {
	tab := newPointTable(n)
	t.mu.pk.Ascend(func(e pkEntry) bool {
		p.insert(tab, maphash.String(p.seed, e.key), e.slot)
		return true
	})
	p.used, p.deleted = t.mu.pk.Len(), 0
	p.tab.Store(tab)
}

// newPointTable returns an empty point table sized for n keys at most
// half full, prefaulted.
func newPointTable(n int) *pointTable {
	size := uint64(16)
	for size < uint64(n)*2 {
		size *= 2
	}
	tab := &pointTable{e: make([]atomic.Uint64, size), mask: size - 1}
	prefault(tab.e)
	return tab
}

// prefault writes a zero into every 4 KiB of a new, unpublished table of
// more than 64 MiB, from GOMAXPROCS goroutines. Otherwise the probes of
// the first inserts read each page before writing it: the read maps the
// kernel's shared zero page, and the write then copies it and flushes
// the other CPUs' TLBs with an interrupt, which costs most in a virtual
// machine (an eighth of a scale-100 recovery's profile).
func prefault(e []atomic.Uint64) {
	const stride = 4096 / 8
	if len(e) < 64<<20/8 {
		return
	}
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		lo, hi := len(e)*w/workers, len(e)*(w+1)/workers
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := lo - lo%stride; i < hi; i += stride {
				if i >= lo {
					e[i].Store(0)
				}
			}
		}()
	}
	wg.Wait()
}
