package storage

import (
	"fmt"
	"sync"
	"sync/atomic"
	"unsafe"
)

// Addr is a byte offset into the log. Addresses only grow; 0 means none.
type Addr uint64

// DefaultPageBits gives 4 MiB pages.
const DefaultPageBits = 22

// firstAddr leaves address 0 free to mean "no record".
const firstAddr = 64

// Log is the hybrid log: an append-only sequence of records in large pages.
//
// Invariants:
//
//  1. Every record lies inside one page, starts 8-byte aligned and is
//     complete before tail passes it: a reader that loads tail may parse
//     every record below it.
//  2. begin <= tail. Addresses in [begin, tail) are readable by a guarded
//     reader; pages below begin are recycled once the epoch protection says
//     no reader can still hold them.
//  3. The unused end of a page either is shorter than a header or holds a
//     filler record covering it, so a scan can step record by record.
//  4. Records never move in place; the garbage collector copies a live
//     record to the tail and retires the old address.
type Log struct {
	pageBits uint
	pageSize uint64
	epochs   *Epochs

	tail  atomic.Uint64 // next append address; written only under mu
	begin atomic.Uint64 // lowest live address; written only under mu
	pt    atomic.Pointer[pageTable]

	mu struct {
		sync.Mutex
		pool []*page // recycled pages, ready for reuse
		// heldFrom is the lowest page number whose ring slot a guarded
		// reader may still resolve: truncated pages keep their slot until
		// the epoch protection releases them.
		heldFrom uint64
		// held counts the pages the log owns: in the page table, waiting
		// for the epoch protection, or pooled for reuse.
		held int64
	}
	pagesAllocated atomic.Int64 // the peak of mu.held
	prefetching    atomic.Bool  // a prefetch goroutine is running
	// onFiller is told how many bytes each page filler wastes; set before
	// the log is shared.
	onFiller func(n uint64)
}

type page struct {
	words []uint64
	bytes []byte // aliases words
}

// pageTable maps live page numbers to pages. It is a ring: pages[n&mask]
// holds page n for every n in [begin page, tail page].
type pageTable struct {
	pages []*page
	mask  uint64
}

// NewLog returns an empty log with 1<<pageBits byte pages.
func NewLog(pageBits uint, epochs *Epochs) *Log {
	if pageBits < 12 || pageBits > 30 {
		panic(fmt.Sprintf("storage: page bits %d out of range [12, 30]", pageBits))
	}
	l := &Log{pageBits: pageBits, pageSize: 1 << pageBits, epochs: epochs}
	pt := &pageTable{pages: make([]*page, 8), mask: 7}
	pt.pages[0] = l.newPage()
	l.pt.Store(pt)
	l.tail.Store(firstAddr)
	l.begin.Store(firstAddr)
	return l
}

// PageSize returns the page size in bytes.
func (l *Log) PageSize() uint64 { return l.pageSize }

// MaxRecordSize is the largest record the log accepts (header included).
func (l *Log) MaxRecordSize() uint64 { return l.pageSize / 4 }

// Begin returns the lowest live address.
func (l *Log) Begin() Addr { return Addr(l.begin.Load()) }

// Tail returns the address the next record will get; every record below
// it is complete.
func (l *Log) Tail() Addr { return Addr(l.tail.Load()) }

// Size returns the bytes between begin and tail.
func (l *Log) Size() uint64 { return l.tail.Load() - l.begin.Load() }

// PagesAllocated returns the most pages the log has owned at once (live,
// waiting for the epoch protection, or pooled for reuse): its peak
// footprint. Recycled pages are not counted twice, and neither are pages
// the pool handed back to the Go runtime and the log allocated again later.
func (l *Log) PagesAllocated() int64 { return l.pagesAllocated.Load() }

// newPage allocates a page; the caller holds mu, or owns the log alone.
func (l *Log) newPage() *page {
	l.notePageLocked()
	return l.allocPage()
}

// allocPage returns a new page, not yet counted as the log's.
func (l *Log) allocPage() *page {
	w := make([]uint64, l.pageSize/8)
	return &page{words: w, bytes: unsafe.Slice((*byte)(unsafe.Pointer(&w[0])), l.pageSize)}
}

// notePageLocked counts one more page held by the log (and its peak).
func (l *Log) notePageLocked() {
	l.mu.held++
	if l.mu.held > l.pagesAllocated.Load() {
		l.pagesAllocated.Store(l.mu.held)
	}
}

// Record returns a view of the record at a. The caller holds an epoch guard
// and a is a record address in [Begin, Tail).
func (l *Log) Record(a Addr) Record {
	pt := l.pt.Load()
	p := pt.pages[(uint64(a)>>l.pageBits)&pt.mask]
	off := uint64(a) & (l.pageSize - 1)
	return Record{words: p.words[off/8:], bytes: p.bytes[off:]}
}

// Append writes a record at the tail and returns its address.
func (l *Log) Append(spec *RecordSpec) (Addr, error) {
	size := recordSize(len(spec.Key), len(spec.Value))
	if size > l.MaxRecordSize() || len(spec.Key) > 0xffff {
		return 0, fmt.Errorf("%w: %d bytes (key %d) exceeds %d", ErrRecordTooLarge, size, len(spec.Key), l.MaxRecordSize())
	}
	// The checksum is computed outside the lock: it is the costliest part.
	crc := recordCRC(spec.Table, spec.Flags&FlagTombstone != 0, spec.Key, spec.Value)
	l.mu.Lock()
	t := l.tail.Load()
	if rest := l.pageSize - t&(l.pageSize-1); size > rest {
		t = l.nextPageLocked(t, rest)
	}
	pt := l.pt.Load()
	p := pt.pages[(t>>l.pageBits)&pt.mask]
	off := t & (l.pageSize - 1)
	writeRecord(p.words[off/8:], p.bytes[off:], spec, crc)
	if (t+size)&(l.pageSize-1) == 0 {
		// The record ends exactly at a page boundary: the tail moves onto
		// the next page, which must be ready before the tail is published
		// (an append there would otherwise write into a stale ring slot).
		l.preparePageLocked(t + size)
	}
	l.tail.Store(t + size)
	l.mu.Unlock()
	return Addr(t), nil
}

// nextPageLocked closes the page holding t (rest bytes left) with a filler
// and makes the next page ready; it returns the next page's first address.
func (l *Log) nextPageLocked(t, rest uint64) uint64 {
	if l.onFiller != nil {
		l.onFiller(rest)
	}
	pt := l.pt.Load()
	if rest >= headerSize {
		p := pt.pages[(t>>l.pageBits)&pt.mask]
		off := t & (l.pageSize - 1)
		w := p.words[off/8:]
		w[wBegin], w[wEnd], w[wPrev] = 0, 0, 0
		w[wMeta] = flagFiller
		w[wLens] = rest - headerSize
	}
	next := (t>>l.pageBits + 1) << l.pageBits
	l.preparePageLocked(next)
	return next
}

// preparePageLocked installs a fresh page for the page starting at next.
func (l *Log) preparePageLocked(next uint64) {
	pt := l.pt.Load()
	np := l.takePageLocked()
	pageNo := next >> l.pageBits
	if pageNo-l.mu.heldFrom >= uint64(len(pt.pages)) {
		pt = l.growLocked(pt, l.mu.heldFrom, pageNo)
	}
	// The slot for pageNo held a page that no reader can reach any more.
	pt.pages[pageNo&pt.mask] = np
}

func (l *Log) takePageLocked() *page {
	if l.tail.Load()>>l.pageBits-l.mu.heldFrom >= prefetchAfter && len(l.mu.pool) <= prefetchPages && l.prefetching.CompareAndSwap(false, true) {
		go l.prefetch()
	}
	if n := len(l.mu.pool); n > 0 {
		p := l.mu.pool[n-1]
		l.mu.pool = l.mu.pool[:n-1]
		return p
	}
	return l.newPage()
}

// A log of prefetchAfter pages or more that takes a page while its pool
// holds prefetchPages or fewer has pages allocated ahead into the pool.
const (
	prefetchAfter = 64
	prefetchPages = 2
)

// prefetch allocates pages into the pool, with every 4 KiB written once,
// until it holds more than prefetchPages. A fresh page's memory is mapped
// by the kernel on first write, a fault per 4 KiB (a few microseconds
// each in a virtual machine, a few milliseconds a page): taken under the
// append lock, as newPage's pages are, those faults stop every appender,
// where here they overlap with the appends. A growing log (a bulk load,
// recovery) runs one of these at a time; an idle one none.
func (l *Log) prefetch() {
	defer l.prefetching.Store(false)
	for {
		l.mu.Lock()
		full := len(l.mu.pool) > prefetchPages
		l.mu.Unlock()
		if full {
			return
		}
		p := l.allocPage()
		for i := 0; i < len(p.words); i += 4096 / 8 {
			p.words[i] = 0
		}
		l.mu.Lock()
		l.notePageLocked()
		l.mu.pool = append(l.mu.pool, p)
		l.mu.Unlock()
	}
}

// growLocked publishes a larger ring holding the live pages [from, to).
func (l *Log) growLocked(old *pageTable, from, to uint64) *pageTable {
	n := uint64(len(old.pages))
	for n <= to-from {
		n *= 2
	}
	pt := &pageTable{pages: make([]*page, n), mask: n - 1}
	for i := from; i < to; i++ {
		pt.pages[i&pt.mask] = old.pages[i&old.mask]
	}
	l.pt.Store(pt)
	return pt
}

// Truncate drops every page wholly below a (a page boundary at or below the
// tail's page). Dropped pages are recycled after the epoch protection says
// no guarded reader can still hold them.
func (l *Log) Truncate(a Addr) {
	if uint64(a)&(l.pageSize-1) != 0 {
		panic("storage: truncate address is not a page boundary")
	}
	l.mu.Lock()
	old := l.begin.Load()
	if uint64(a) <= old || uint64(a) > l.tail.Load() {
		l.mu.Unlock()
		return
	}
	l.begin.Store(uint64(a))
	pt := l.pt.Load()
	var dropped []*page
	upto := uint64(a) >> l.pageBits
	for pn := old >> l.pageBits; pn < upto; pn++ {
		dropped = append(dropped, pt.pages[pn&pt.mask])
	}
	l.mu.Unlock()
	l.epochs.Retire(func() {
		l.mu.Lock()
		if upto > l.mu.heldFrom {
			l.mu.heldFrom = upto
		}
		l.mu.pool = append(l.mu.pool, dropped...)
		// Keep a few pages for reuse; let the Go GC have the rest.
		if len(l.mu.pool) > 4 {
			for i := 4; i < len(l.mu.pool); i++ {
				l.mu.pool[i] = nil
			}
			l.mu.held -= int64(len(l.mu.pool) - 4)
			l.mu.pool = l.mu.pool[:4]
		}
		l.mu.Unlock()
	})
}

// Scan calls fn for every record in [from, to) in address order, skipping
// page fillers. fn returns false to stop. The caller holds an epoch guard.
func (l *Log) Scan(from, to Addr, fn func(Addr, Record) bool) {
	a := uint64(from)
	for a < uint64(to) {
		rest := l.pageSize - a&(l.pageSize-1)
		if rest < headerSize {
			a += rest
			continue
		}
		r := l.Record(Addr(a))
		if r.filler() {
			a += rest
			continue
		}
		if !fn(Addr(a), r) {
			return
		}
		a += r.Size()
	}
}

// PageStart returns the first address of the page holding a.
func (l *Log) PageStart(a Addr) Addr { return Addr(uint64(a) &^ (l.pageSize - 1)) }
