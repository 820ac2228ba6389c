package storage

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// logRec is what a log test appended: enough to check a record read back.
type logRec struct {
	addr  Addr
	table uint32
	begin uint64
	end   uint64
	prev  Addr
	flags uint64
	key   []byte
	val   []byte
}

func (want logRec) size() uint64 { return recordSize(len(want.key), len(want.val)) }

// logPattern fills n bytes deterministically from seed, so a record's
// contents can be recomputed without keeping them.
func logPattern(seed uint64, n int) []byte {
	b := make([]byte, n)
	x := seed*0x9e3779b97f4a7c15 + 1
	for i := range b {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		b[i] = byte(x)
	}
	return b
}

func logAppend(t testing.TB, l *Log, r logRec) logRec {
	t.Helper()
	a, err := l.Append(&RecordSpec{Table: r.table, BeginTS: r.begin, EndTS: r.end, Prev: r.prev, Flags: r.flags, Key: r.key, Value: r.val})
	if err != nil {
		t.Fatalf("append %d+%d bytes: %v", len(r.key), len(r.val), err)
	}
	r.addr = a
	return r
}

// logCheck compares the record at want.addr with want, header and bytes.
func logCheck(t testing.TB, l *Log, want logRec) {
	t.Helper()
	r := l.Record(want.addr)
	if got := r.TableID(); got != want.table {
		t.Fatalf("@%d table %d, want %d", want.addr, got, want.table)
	}
	if got := r.BeginTS(); got != want.begin {
		t.Fatalf("@%d beginTS %#x, want %#x", want.addr, got, want.begin)
	}
	if got := r.EndTS(); got != want.end {
		t.Fatalf("@%d endTS %#x, want %#x", want.addr, got, want.end)
	}
	if got := r.Prev(); got != want.prev {
		t.Fatalf("@%d prev %d, want %d", want.addr, got, want.prev)
	}
	if got := r.Flags(); got != want.flags {
		t.Fatalf("@%d flags %#x, want %#x", want.addr, got, want.flags)
	}
	if !bytes.Equal(r.Key(), want.key) {
		t.Fatalf("@%d key %x, want %x", want.addr, r.Key(), want.key)
	}
	if !bytes.Equal(r.Value(), want.val) {
		t.Fatalf("@%d value (%d bytes) differs from the appended one (%d bytes)", want.addr, len(r.Value()), len(want.val))
	}
	if r.Size() != want.size() {
		t.Fatalf("@%d size %d, want %d", want.addr, r.Size(), want.size())
	}
	if !r.Verify() {
		t.Fatalf("@%d checksum does not verify", want.addr)
	}
}

func TestRecordSize(t *testing.T) {
	for _, c := range []struct {
		k, v int
		want uint64
	}{
		{0, 0, 40}, {1, 0, 48}, {8, 0, 48}, {8, 8, 56}, {9, 8, 64}, {8, 9, 64}, {3, 5, 48}, {100, 0, 144},
	} {
		if got := recordSize(c.k, c.v); got != c.want {
			t.Errorf("recordSize(%d, %d) = %d, want %d", c.k, c.v, got, c.want)
		}
	}
}

func TestLogAppendReadRoundTrip(t *testing.T) {
	l := NewLog(16, NewEpochs())
	if l.Begin() != firstAddr || l.Tail() != firstAddr || l.Size() != 0 {
		t.Fatalf("empty log: begin %d tail %d size %d", l.Begin(), l.Tail(), l.Size())
	}
	if l.PageSize() != 1<<16 || l.MaxRecordSize() != 1<<14 {
		t.Fatalf("page size %d max record %d", l.PageSize(), l.MaxRecordSize())
	}
	recs := []logRec{
		{table: 1, begin: 1<<40 | 1, key: []byte("alpha"), val: []byte("one")},
		{table: 0xfffffffe, begin: MarkerBit | 77, end: 5<<40 | 9, prev: 64, flags: FlagTombstone, key: []byte("beta")},
		{table: 7, begin: 3, end: MarkerBit | 1, prev: 1 << 50, key: nil, val: []byte("no key")},
		{table: 7, begin: 4, key: []byte("k"), val: nil},
		{table: 9, begin: 5, flags: FlagInvalid, key: bytes.Repeat([]byte{0xff}, 1000), val: logPattern(1, 300)},
		{table: 3, begin: 6, key: logPattern(2, 8), val: logPattern(3, 8)},
		{table: 3, begin: 7, key: logPattern(4, 7), val: logPattern(5, 1)},
	}
	prevEnd := uint64(firstAddr)
	for i := range recs {
		recs[i] = logAppend(t, l, recs[i])
		a := uint64(recs[i].addr)
		if a%8 != 0 || a < prevEnd {
			t.Fatalf("record %d at %d: misaligned or overlaps the previous one ending at %d", i, a, prevEnd)
		}
		if a != prevEnd {
			t.Fatalf("record %d at %d, want %d: records in one page are packed", i, a, prevEnd)
		}
		prevEnd = a + recs[i].size()
		if uint64(l.Tail()) != prevEnd {
			t.Fatalf("tail %d after record %d, want %d", l.Tail(), i, prevEnd)
		}
	}
	for _, want := range recs {
		logCheck(t, l, want)
		r := l.Record(want.addr)
		if r.Tombstone() != (want.flags&FlagTombstone != 0) || r.Invalid() != (want.flags&FlagInvalid != 0) {
			t.Fatalf("@%d tombstone %v invalid %v, flags %#x", want.addr, r.Tombstone(), r.Invalid(), want.flags)
		}
		// Padding after key and value is zero.
		for i := headerSize + len(want.key) + len(want.val); i < int(want.size()); i++ {
			if r.bytes[i] != 0 {
				t.Fatalf("@%d padding byte %d is %#x", want.addr, i, r.bytes[i])
			}
		}
		if r.Checksum() != recordCRC(want.table, want.flags&FlagTombstone != 0, want.key, want.val) {
			t.Fatalf("@%d Checksum differs from the CRC of the appended fields", want.addr)
		}
	}

	// The mutable words are outside the checksum.
	r := l.Record(recs[0].addr)
	r.SetBeginTS(2<<40 | 5)
	if !r.CASEndTS(0, MarkerBit|3) {
		t.Fatal("CASEndTS from 0 failed")
	}
	if r.CASEndTS(0, 9) {
		t.Fatal("CASEndTS succeeded with a stale old value")
	}
	r.SetFlag(FlagInvalid)
	if r.BeginTS() != 2<<40|5 || r.EndTS() != MarkerBit|3 || !r.Invalid() || r.Tombstone() {
		t.Fatalf("after updates: begin %#x end %#x flags %#x", r.BeginTS(), r.EndTS(), r.Flags())
	}
	if !r.Verify() {
		t.Fatal("timestamps and the invalid flag must not affect the checksum")
	}
	if r.TableID() != 1 || string(r.Key()) != "alpha" || string(r.Value()) != "one" {
		t.Fatal("SetFlag disturbed table id or key length")
	}
	r.SetEndTS(0)
	if r.EndTS() != 0 {
		t.Fatal("SetEndTS")
	}

	// A flipped bit in the key, the value or the tombstone flag breaks it.
	for _, want := range recs[:2] {
		r := l.Record(want.addr)
		if len(r.Key()) > 0 {
			r.Key()[0] ^= 1
			if r.Verify() {
				t.Fatalf("@%d key corruption not detected", want.addr)
			}
			r.Key()[0] ^= 1
		}
		if len(r.Value()) > 0 {
			r.Value()[len(r.Value())-1] ^= 0x80
			if r.Verify() {
				t.Fatalf("@%d value corruption not detected", want.addr)
			}
			r.Value()[len(r.Value())-1] ^= 0x80
		}
		r.words[wMeta] ^= FlagTombstone
		if r.Verify() {
			t.Fatalf("@%d tombstone flip not detected", want.addr)
		}
		r.words[wMeta] ^= FlagTombstone
		r.words[wMeta] ^= 1 << 32 // table id
		if r.Verify() {
			t.Fatalf("@%d table id change not detected", want.addr)
		}
		r.words[wMeta] ^= 1 << 32
		if !r.Verify() {
			t.Fatalf("@%d does not verify after restoring", want.addr)
		}
	}
}

// TestLogExactPageFill: a record that ends exactly at a page boundary must
// leave the log ready to append on the next page. 56-byte records fill the
// first 4 KiB page (4096-64 = 72*56) exactly.
func TestLogExactPageFill(t *testing.T) {
	l := NewLog(12, NewEpochs())
	var recs []logRec
	for i := 0; i < 3*73; i++ {
		recs = append(recs, logAppend(t, l, logRec{table: 1, begin: uint64(i + 1), key: logPattern(uint64(i), 8), val: logPattern(uint64(i)+1e6, 8)}))
	}
	if recs[71].addr+56 != 4096 || recs[72].addr != 4096 {
		t.Fatalf("record 71 at %d, record 72 at %d; want the first page filled exactly", recs[71].addr, recs[72].addr)
	}
	for _, want := range recs {
		logCheck(t, l, want)
	}
	n := 0
	l.Scan(l.Begin(), l.Tail(), func(a Addr, r Record) bool {
		if a != recs[n].addr {
			t.Fatalf("scan record %d at %d, want %d", n, a, recs[n].addr)
		}
		n++
		return true
	})
	if n != len(recs) {
		t.Fatalf("scan saw %d records, want %d", n, len(recs))
	}
	// Truncating at the exact boundary keeps the tail page usable.
	l.Truncate(4096)
	if l.Begin() != 4096 {
		t.Fatalf("begin %d", l.Begin())
	}
	recs = append(recs, logAppend(t, l, logRec{table: 2, begin: 1, key: []byte("after")}))
	for _, want := range recs[72:] {
		logCheck(t, l, want)
	}
}

// TestLogRecordsNeverStraddlePages appends records of random sizes, up to
// the maximum, and checks each lies inside one page, that every one reads
// back intact, and that Scan visits exactly them in order.
func TestLogRecordsNeverStraddlePages(t *testing.T) {
	for bits := uint(12); bits <= 16; bits++ {
		t.Run(fmt.Sprintf("PageBits=%d", bits), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(bits), 42))
			var fillerBytes atomic.Uint64
			l := NewLog(bits, NewEpochs())
			l.onFiller = func(n uint64) { fillerBytes.Add(n) }
			ps := l.PageSize()
			var recs []logRec
			var recBytes uint64
			pages := 0
			for uint64(l.Tail()) < 40*ps {
				var kl, vl int
				switch rng.IntN(4) {
				case 0: // tiny
					kl, vl = rng.IntN(9), rng.IntN(9)
				case 1: // exactly the maximum
					kl = rng.IntN(64)
					vl = int(l.MaxRecordSize()) - headerSize - kl
				case 2: // anything that fits
					kl = rng.IntN(100)
					vl = rng.IntN(int(l.MaxRecordSize()) - headerSize - kl + 1)
				default: // sized to land near the end of the page
					rest := int(ps - uint64(l.Tail())&(ps-1))
					want := rest - headerSize + rng.IntN(17) - 8
					kl = rng.IntN(16)
					vl = max(0, min(want-kl, int(l.MaxRecordSize())-headerSize-kl))
				}
				seed := uint64(len(recs))
				r := logAppend(t, l, logRec{
					table: uint32(seed), begin: seed + 1, end: seed * 3, prev: Addr(seed * 8),
					flags: FlagTombstone * (seed & 1),
					key:   logPattern(seed, kl), val: logPattern(seed+1<<32, vl),
				})
				a, end := uint64(r.addr), uint64(r.addr)+r.size()
				if a%8 != 0 {
					t.Fatalf("record %d at %d is not 8-byte aligned", len(recs), a)
				}
				if a>>bits != (end-1)>>bits {
					t.Fatalf("record %d [%d, %d) straddles a page boundary (page size %d)", len(recs), a, end, ps)
				}
				if len(recs) > 0 {
					p := recs[len(recs)-1]
					pend := uint64(p.addr) + p.size()
					if a != pend && a != (pend>>bits+1)<<bits {
						t.Fatalf("record %d at %d: previous ends at %d; want it there or at the next page", len(recs), a, pend)
					}
					if a>>bits != uint64(p.addr)>>bits {
						pages++
					}
				}
				recs = append(recs, r)
				recBytes += r.size()
			}
			if pages < 39 {
				t.Fatalf("only %d page changes", pages)
			}
			for _, want := range recs {
				logCheck(t, l, want)
			}
			// Every byte between the first address and the tail is a record
			// or a page's unused end, which onFiller was told of.
			if got, want := recBytes+fillerBytes.Load(), uint64(l.Tail())-firstAddr; got != want {
				t.Fatalf("records %d + fillers %d = %d bytes, want tail-first = %d", recBytes, fillerBytes.Load(), got, want)
			}

			// Scan visits exactly the appended records in order.
			i := 0
			l.Scan(l.Begin(), l.Tail(), func(a Addr, r Record) bool {
				if i >= len(recs) || a != recs[i].addr {
					t.Fatalf("scan: record %d at %d, want %v", i, a, recs[min(i, len(recs)-1)].addr)
				}
				if r.Size() != recs[i].size() || r.TableID() != recs[i].table {
					t.Fatalf("scan: record %d has size %d table %d", i, r.Size(), r.TableID())
				}
				i++
				return true
			})
			if i != len(recs) {
				t.Fatalf("scan visited %d of %d records", i, len(recs))
			}

			// A scan from a middle record to a later one, and an early stop.
			lo, hi := len(recs)/3, 2*len(recs)/3
			i = lo
			l.Scan(recs[lo].addr, recs[hi].addr, func(a Addr, r Record) bool {
				if a != recs[i].addr {
					t.Fatalf("range scan: record %d at %d, want %d", i, a, recs[i].addr)
				}
				i++
				return true
			})
			if i != hi {
				t.Fatalf("range scan ended at record %d, want %d", i, hi)
			}
			n := 0
			l.Scan(l.Begin(), l.Tail(), func(Addr, Record) bool { n++; return n < 5 })
			if n != 5 {
				t.Fatalf("scan did not stop: %d calls", n)
			}
			// A scan from a page start (as after a truncation) starts at that
			// page's first record.
			for _, r := range recs {
				if uint64(r.addr)&(ps-1) == 0 && r.addr > firstAddr {
					var first Addr
					l.Scan(r.addr, l.Tail(), func(a Addr, _ Record) bool { first = a; return false })
					if first != r.addr {
						t.Fatalf("scan from page start %d began at %d", r.addr, first)
					}
					break
				}
			}
		})
	}
}

func TestLogScanSkipsFillers(t *testing.T) {
	// 944-byte records: four fit in a 4 KiB page, and the rest of the page
	// (256 bytes on page 0, which starts at 64; 320 on the others) gets a
	// filler record.
	l := NewLog(12, NewEpochs())
	var want []Addr
	for i := 0; i < 30; i++ {
		r := logAppend(t, l, logRec{table: 5, begin: 1, key: []byte{byte(i)}, val: make([]byte, 903)})
		if r.size() != 944 {
			t.Fatalf("record size %d", r.size())
		}
		want = append(want, r.addr)
	}
	if want[4] != 4096 || want[8] != 8192 {
		t.Fatalf("records 4 and 8 at %d and %d, want page starts", want[4], want[8])
	}
	if f := l.Record(64 + 4*944); !f.filler() || f.Size() != 4096-(64+4*944) {
		t.Fatalf("no filler at the end of page 0: flags %#x size %d", f.Flags(), f.Size())
	}
	if f := l.Record(4096 + 4*944); !f.filler() || f.Size() != 4096-4*944 {
		t.Fatalf("no filler at the end of page 1: flags %#x size %d", f.Flags(), f.Size())
	}
	var got []Addr
	l.Scan(l.Begin(), l.Tail(), func(a Addr, r Record) bool {
		if r.filler() {
			t.Fatalf("scan passed a filler at %d", a)
		}
		got = append(got, a)
		if int(r.Key()[0]) != len(got)-1 {
			t.Fatalf("scan out of order: key %d at position %d", r.Key()[0], len(got)-1)
		}
		return true
	})
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("scan addresses\n got %v\nwant %v", got, want)
	}

	// A page end too short for a filler header is skipped too: 1016-byte
	// records, three on page 0 and then four per page, 4064 bytes, which
	// leaves 32 bytes: less than a header, so no filler is written.
	l2 := NewLog(12, NewEpochs())
	var want2 []Addr
	for i := 0; i < 20; i++ {
		r := logAppend(t, l2, logRec{table: 1, key: []byte{byte(i)}, val: make([]byte, 1016-headerSize-1)})
		want2 = append(want2, r.addr)
	}
	if want2[3] != 4096 || want2[6]+1016 != 4096+4064 || want2[7] != 8192 {
		t.Fatalf("want 3 records on page 0 and then 4 per page with a 32-byte gap: %v", want2[:9])
	}
	var got2 []Addr
	l2.Scan(l2.Begin(), l2.Tail(), func(a Addr, r Record) bool { got2 = append(got2, a); return true })
	if fmt.Sprint(got2) != fmt.Sprint(want2) {
		t.Fatalf("scan addresses\n got %v\nwant %v", got2, want2)
	}
}

func TestLogMaxRecordSize(t *testing.T) {
	l := NewLog(12, NewEpochs())
	max := int(l.MaxRecordSize())
	if max != 1024 {
		t.Fatalf("max record %d", max)
	}
	if _, err := l.Append(&RecordSpec{Key: []byte("k"), Value: make([]byte, max-headerSize-1)}); err != nil {
		t.Fatalf("a record of exactly the maximum size: %v", err)
	}
	tail := l.Tail()
	_, err := l.Append(&RecordSpec{Key: []byte("k"), Value: make([]byte, max-headerSize)})
	if !errors.Is(err, ErrRecordTooLarge) {
		t.Fatalf("one byte over the maximum: %v", err)
	}
	if l.Tail() != tail {
		t.Fatal("a rejected append moved the tail")
	}
	// The key length has 16 bits in the header, whatever the page size.
	big := NewLog(20, NewEpochs())
	if _, err := big.Append(&RecordSpec{Key: make([]byte, 0x10000)}); !errors.Is(err, ErrRecordTooLarge) {
		t.Fatalf("a 64 KiB key: %v", err)
	}
	want := logAppend(t, big, logRec{key: logPattern(9, 0xffff), val: logPattern(10, 1000)})
	logCheck(t, big, want)

	for _, bits := range []uint{11, 31} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("NewLog(%d) did not panic", bits)
				}
			}()
			NewLog(bits, NewEpochs())
		}()
	}
}

// logFill appends records of recLen bytes until the tail reaches addr.
func logFill(t testing.TB, l *Log, upto Addr, recLen int, recs *[]logRec) {
	t.Helper()
	for l.Tail() < upto {
		seed := uint64(len(*recs)) + 1
		*recs = append(*recs, logAppend(t, l, logRec{table: 1, begin: seed, key: logPattern(seed, 8), val: logPattern(seed<<20, recLen-headerSize-8)}))
	}
}

func TestLogTruncateWaitsForEpoch(t *testing.T) {
	e := NewEpochs()
	l := NewLog(12, e)
	ps := Addr(l.PageSize())
	var recs []logRec
	logFill(t, l, 6*ps, 200, &recs)
	pagesUsed := func() int64 { return int64(l.Tail()/ps) + 1 } // pages 0..tail's page
	if got := l.PagesAllocated(); got != 7 || pagesUsed() != 7 {
		t.Fatalf("%d pages allocated, %d used; want 7", got, pagesUsed())
	}

	func() {
		defer func() {
			if recover() == nil {
				t.Fatal("Truncate at a non page boundary did not panic")
			}
		}()
		l.Truncate(ps + 8)
	}()

	// A reader enters before the truncation and holds a record of page 1.
	g := e.NewGuard()
	g.Enter()
	var held logRec
	for _, r := range recs {
		if r.addr >= ps+100 {
			held = r
			break
		}
	}
	view := l.Record(held.addr)
	before := append([]byte(nil), view.bytes[:held.size()]...)

	l.Truncate(3 * ps)
	if l.Begin() != 3*ps {
		t.Fatalf("begin %d, want %d", l.Begin(), 3*ps)
	}
	if got, want := l.Size(), uint64(l.Tail()-3*ps); got != want {
		t.Fatalf("size %d, want %d", got, want)
	}
	if e.Pending() != 1 {
		t.Fatalf("%d retired functions pending, want 1", e.Pending())
	}
	// Truncations at or below begin or past the tail do nothing.
	l.Truncate(2 * ps)
	l.Truncate(3 * ps)
	l.Truncate(l.PageStart(l.Tail()) + 2*ps)
	if l.Begin() != 3*ps || e.Pending() != 1 {
		t.Fatalf("no-op truncations changed begin to %d, pending %d", l.Begin(), e.Pending())
	}

	if n := e.Reclaim(); n != 0 {
		t.Fatalf("Reclaim ran %d functions while a guard from before the truncation is entered", n)
	}
	// New pages cannot reuse the dropped ones yet.
	logFill(t, l, 9*ps, 200, &recs)
	if got := l.PagesAllocated(); got != 10 || pagesUsed() != 10 {
		t.Fatalf("%d pages allocated, %d used; want 10: dropped pages reused before reclamation?", got, pagesUsed())
	}
	if !bytes.Equal(view.bytes[:held.size()], before) {
		t.Fatal("a truncated page changed while a guard from before the truncation was entered")
	}
	logCheck(t, l, held) // still resolvable through the page table
	// More page changes that would wrap the 8-slot ring onto the held
	// pages: the ring must grow instead of overwriting them.
	logFill(t, l, 14*ps, 200, &recs)
	if !bytes.Equal(l.Record(held.addr).bytes[:held.size()], before) {
		t.Fatal("held page overwritten in the page table")
	}

	g.Exit()
	if n := e.Reclaim(); n != 1 {
		t.Fatalf("Reclaim after the guard exited ran %d functions, want 1", n)
	}
	if e.Pending() != 0 {
		t.Fatalf("pending %d", e.Pending())
	}
	// The three dropped pages are reused before any new page is allocated.
	allocated := l.PagesAllocated()
	logFill(t, l, 17*ps, 200, &recs)
	if got := l.PagesAllocated(); got != allocated {
		t.Fatalf("pages allocated went from %d to %d although 3 recycled pages were free", allocated, got)
	}
	if bytes.Equal(view.bytes[:held.size()], before) {
		t.Fatal("the held page was not recycled (its old contents are intact after 3 new pages)")
	}
	for _, r := range recs {
		if r.addr >= l.Begin() {
			logCheck(t, l, r)
		}
	}
	l.Truncate(l.PageStart(l.Tail()))
	if l.Size() != uint64(l.Tail()-l.PageStart(l.Tail())) {
		t.Fatalf("size after truncating to the tail page: %d", l.Size())
	}
	g.Close()
}

func TestLogPageTableGrowth(t *testing.T) {
	e := NewEpochs()
	l := NewLog(12, e)
	ps := Addr(l.PageSize())
	var recs []logRec
	logFill(t, l, 300*ps, 456, &recs)
	if n := len(l.pt.Load().pages); n < 300 {
		t.Fatalf("page table has %d slots for 300 live pages", n)
	}
	for _, r := range recs {
		logCheck(t, l, r)
	}
	// Drop most pages, reclaim, and keep appending: the ring now wraps
	// around, with slots of dropped pages reused.
	for round := 0; round < 5; round++ {
		l.Truncate(l.PageStart(l.Tail()) - 20*ps)
		e.Reclaim()
		logFill(t, l, l.Tail()+250*ps, 456, &recs)
		count := 0
		for _, r := range recs {
			if r.addr >= l.Begin() {
				logCheck(t, l, r)
				count++
			}
		}
		i := 0
		var first int
		for first = range recs {
			if recs[first].addr >= l.Begin() {
				break
			}
		}
		l.Scan(l.Begin(), l.Tail(), func(a Addr, r Record) bool {
			if a != recs[first+i].addr {
				t.Fatalf("round %d: scan record %d at %d, want %d", round, i, a, recs[first+i].addr)
			}
			i++
			return true
		})
		if i != count {
			t.Fatalf("round %d: scan saw %d records, want %d", round, i, count)
		}
	}
	if n := len(l.pt.Load().pages); n > 1024 {
		t.Fatalf("page table grew to %d slots for at most ~270 live pages", n)
	}
}

// TestLogPagesAllocatedIsPeakFootprint: pages the pool hands back to the Go
// runtime and the log allocates again later are not counted twice, so
// PagesAllocated stays at the peak number of pages held at once.
func TestLogPagesAllocatedIsPeakFootprint(t *testing.T) {
	e := NewEpochs()
	l := NewLog(12, e)
	ps := Addr(l.PageSize())
	var recs []logRec
	logFill(t, l, 20*ps, 300, &recs) // pages 0..20
	if got := l.PagesAllocated(); got != 21 {
		t.Fatalf("%d pages allocated, want 21", got)
	}
	for round := 0; round < 5; round++ {
		// Drop 16 pages: the pool keeps 4, the Go runtime gets 12.
		l.Truncate(l.PageStart(l.Tail()) - 4*ps)
		if n := e.Reclaim(); n != 1 {
			t.Fatalf("Reclaim ran %d", n)
		}
		logFill(t, l, l.PageStart(l.Tail())+16*ps, 300, &recs)
		if got := l.PagesAllocated(); got != 21 {
			t.Fatalf("round %d: %d pages allocated; the log never held more than 21 at once", round, got)
		}
	}
}

// TestLogConcurrentReadersAndTruncation: readers scan [Begin, Tail) under a
// guard while a writer appends, truncates and reclaims. A page recycled
// under a reader would show records whose contents do not match their key.
func TestLogConcurrentReadersAndTruncation(t *testing.T) {
	e := NewEpochs()
	l := NewLog(12, e)
	ps := Addr(l.PageSize())
	var stop atomic.Bool
	var wg sync.WaitGroup
	var scans atomic.Int64
	errc := make(chan error, 8)
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g := e.NewGuard()
			defer g.Close()
			for !stop.Load() {
				g.Enter()
				var bad error
				l.Scan(l.Begin(), l.Tail(), func(a Addr, r Record) bool {
					seed := r.BeginTS()
					if r.TableID() != 1 || !r.Verify() || !bytes.Equal(r.Key(), logPattern(seed, 8)) || !bytes.Equal(r.Value(), logPattern(seed<<20, len(r.Value()))) {
						bad = fmt.Errorf("record at %d does not match its seed %d", a, seed)
						return false
					}
					return true
				})
				g.Exit()
				if bad != nil {
					errc <- bad
					return
				}
				scans.Add(1)
			}
		}()
	}
	var recs []logRec
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 300 && len(errc) == 0; i++ {
		for j := 0; j < 200; j++ {
			seed := uint64(len(recs)) + 1
			vl := rng.IntN(600)
			recs = append(recs, logAppend(t, l, logRec{table: 1, begin: seed, key: logPattern(seed, 8), val: logPattern(seed<<20, vl)}))
		}
		if tail := l.PageStart(l.Tail()); tail > 4*ps {
			l.Truncate(tail - 3*ps)
		}
		e.Reclaim()
	}
	for scans.Load() < 50 && len(errc) == 0 {
		e.Reclaim()
	}
	stop.Store(true)
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
	// Some dropped pages were recycled (the pool keeps a few), not all
	// allocated anew.
	if got, appended := l.PagesAllocated(), int64(l.Tail()/ps)+1; got >= appended {
		t.Fatalf("pages allocated: %d for %d pages appended: nothing recycled", got, appended)
	}
}

// TestLogPrefetch: a log past prefetchAfter pages, appended to from two
// goroutines, gets pages allocated ahead into its pool (a few, not one
// per page taken), and every record reads back as written.
func TestLogPrefetch(t *testing.T) {
	l := NewLog(12, NewEpochs())
	const perWriter = 3000 // 2 x 3000 56-byte records: about 82 4 KiB pages
	recs := make([][]logRec, 2)
	var wg sync.WaitGroup
	for w := range recs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < perWriter; i++ {
				n := uint64(w*perWriter + i)
				recs[w] = append(recs[w], logAppend(t, l, logRec{table: 1, begin: n + 1, key: logPattern(n, 8), val: logPattern(n+1e6, 8)}))
			}
		}()
	}
	wg.Wait()
	for l.prefetching.Load() {
		time.Sleep(time.Millisecond)
	}
	live := int64(l.Tail()>>12) + 1
	l.mu.Lock()
	pooled := len(l.mu.pool)
	l.mu.Unlock()
	if live < prefetchAfter+2 || pooled == 0 || pooled > prefetchPages+1 || l.PagesAllocated() != live+int64(pooled) {
		t.Fatalf("%d live pages, %d pooled, %d allocated; want 1..%d pooled beside the live ones", live, pooled, l.PagesAllocated(), prefetchPages+1)
	}
	for _, rs := range recs {
		for _, want := range rs {
			logCheck(t, l, want)
		}
	}
}
