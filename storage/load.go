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
// rows' records are appended by other goroutines while the btree is
// filled (Log.Append computes the checksums outside its lock, so the
// appenders overlap too).
//
//	check the order and the beginTSs          (nothing is changed on error)
//	under the table lock:
//	    size the point index for every key    (one rebuild at most)
//	    allocate a slot per row
//	    append every row's record and store   (appenders, in parallel,
//	        its address in its slot               disjoint chunks)
//	    meanwhile insert every row's key and  (this goroutine, in key
//	        slot into the btree                   order)
//	    cache the rows put in the btree in the point index (insertBatch:
//	        bucketed by home position, in parallel; a reader missing a
//	        key there meanwhile falls back to the btree)
//
// As with Load, a record is complete before its key is published
// (Invariant 1): readers reach a slot through the btree, which they
// search under the table lock, or through the point index, filled after
// every record is in its slot. A key the table already has is an error:
// its version is left as it was, the batch's record for it is marked
// invalid, and the rows after it are not loaded (the table is then partly
// loaded: recovery gives it up). A failed append loads nothing. Only one
// LoadBatch or Load may run on a table at a time with its result used;
// concurrent calls are safe but pointless.
func (t *Table) LoadBatch(rows []LoadRow) error { return t.LoadBatchWorkers(rows, 0) }

// LoadBatchWorkers is LoadBatch with up to workers goroutines (0:
// GOMAXPROCS): workers-1 appenders beside the btree filler (one: the
// appends first, then the btree, on this goroutine), and workers filling
// the point index.
func (t *Table) LoadBatchWorkers(rows []LoadRow, workers int) error {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
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
	t.mu.Lock()
	defer t.mu.Unlock()
	t.reserveLocked(len(rows))
	slots := make([]SlotID, len(rows))
	for i := range slots {
		slots[i] = t.allocSlotLocked()
	}

	l := t.store.log
	addrs := make([]Addr, len(rows))
	var (
		wg   sync.WaitGroup
		next atomic.Int64
		// limit: rows from limit on need no record (the btree met a
		// duplicate there, or an append failed: 0).
		limit atomic.Int64
		errMu sync.Mutex
		first error
	)
	limit.Store(int64(len(rows)))
	appendAll := func() {
		for {
			lo := int(next.Add(loadChunk)) - loadChunk
			if lo >= int(limit.Load()) {
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
					limit.Store(0)
					return
				}
				addrs[i] = a
				t.slot(slots[i]).Store(uint64(a))
			}
		}
	}
	if workers == 1 {
		appendAll()
	} else {
		for w := 0; w < min(workers-1, (len(rows)+loadChunk-1)/loadChunk); w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				appendAll()
			}()
		}
	}
	inserted := 0 // rows[:inserted] are in the btree
	var dupErr error
	if first == nil {
		keys := batchKeys(rows)
		for i := range rows {
			key := rows[i].Key
			if old, dup := t.mu.pk.ReplaceOrInsert(newPKEntry(keys.next(len(key)), slots[i])); dup {
				t.mu.pk.ReplaceOrInsert(old)
				dupErr = fmt.Errorf("storage: load of table %d: key %x is loaded twice", t.id, key)
				limit.Store(int64(i))
				break
			}
			inserted++
		}
	}
	wg.Wait()
	loaded := inserted
	if first != nil { // an append failed: take the batch's keys out again
		for _, r := range rows[:inserted] {
			t.mu.pk.Delete(newPKEntry(string(r.Key), 0))
		}
		loaded = 0
	}
	// Slots never published (no reader holds them) go back to the pool.
	for _, s := range slots[loaded:] {
		t.slot(s).Store(0)
		t.mu.freeSlots = append(t.mu.freeSlots, s)
	}
	t.point.insertBatch(t.point.tab.Load(), rows[:loaded], slots[:loaded], workers)
	t.point.used += loaded
	t.liveKeys.Add(int64(loaded))
	t.invalidate(addrs[loaded:])
	if first != nil {
		return first
	}
	return dupErr
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

// Reserve sizes the table's point index for n more keys (at most half
// full), so that loading them in several LoadBatch calls rebuilds it once
// at most, here, rather than on the way.
func (t *Table) Reserve(n int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.reserveLocked(n)
}

// reserveLocked is Reserve with the table's write lock held.
func (t *Table) reserveLocked(n int) {
	if (t.point.used+t.point.deleted+n)*4 > len(t.point.tab.Load().e)*3 {
		t.point.reserveLocked(t, t.mu.pk.Len()+n)
	}
}

// insertBatch inserts rows[i].Key -> slots[i] into tab, which has room
// for them all; the caller holds the table's write lock. A large batch
// is inserted in the order of the keys' home positions, by up to
// workers goroutines each filling its own range of the table (with
// compare-and-swap, as a probe may run into the next range): in key
// order, every insert would be a cache (and TLB) miss.
func (p *pointIndex) insertBatch(tab *pointTable, rows []LoadRow, slots []SlotID, workers int) {
	const regionBits = 15 // 32K entries (256 KiB) per bucket
	bits := 0
	for uint64(1)<<bits < uint64(len(tab.e)) {
		bits++
	}
	workers = min(workers, len(rows)/loadChunk)
	if bits <= regionBits || workers < 2 {
		for i := range rows {
			p.insert(tab, maphash.Bytes(p.seed, rows[i].Key), slots[i])
		}
		return
	}
	shift, nb := regionBits, 1<<(bits-regionBits)
	type entry struct {
		h uint64
		s SlotID
	}
	// Count per worker and bucket, then place each row's entry in bucket
	// order (hashing again: cheaper than keeping the hashes).
	counts := make([][]int, workers)
	bound := func(w int) int { return len(rows) * w / workers }
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		counts[w] = make([]int, nb)
		wg.Add(1)
		go func(c []int, lo, hi int) {
			defer wg.Done()
			for i := lo; i < hi; i++ {
				c[(maphash.Bytes(p.seed, rows[i].Key)&tab.mask)>>shift]++
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
	out := make([]entry, len(rows))
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(next []int, lo, hi int) {
			defer wg.Done()
			for i := lo; i < hi; i++ {
				h := maphash.Bytes(p.seed, rows[i].Key)
				b := (h & tab.mask) >> shift
				out[next[b]] = entry{h, slots[i]}
				next[b]++
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
	prefault(tab.e)
	t.mu.pk.Ascend(func(e pkEntry) bool {
		p.insert(tab, maphash.String(p.seed, e.key), e.slot)
		return true
	})
	p.used, p.deleted = t.mu.pk.Len(), 0
	p.tab.Store(tab)
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
