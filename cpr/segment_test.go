package cpr

import (
	"bytes"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"
)

// testHeader is the header most segment tests use: v = 6, C = 7<<40.
var testHeader = SegmentHeader{CheckpointID: 42, Version: 6, Cut: 7 << 40, Segment: 3}

// cloneRecord copies r's slices (ReadSegment's are valid only during fn).
func cloneRecord(r Record) Record {
	r.Key = append([]byte{}, r.Key...)
	r.Value = append([]byte{}, r.Value...)
	return r
}

// writeSegmentTo writes recs as a segment to name on fsys and checks the
// size and checksum Close reports against the file.
func writeSegmentTo(t testing.TB, fsys FS, name string, h SegmentHeader, recs []Record) []byte {
	t.Helper()
	f, err := fsys.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	w, err := NewSegmentWriter(f, h)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if err := w.Add(r); err != nil {
			t.Fatal(err)
		}
	}
	if got := w.Records(); got != uint64(len(recs)) {
		t.Fatalf("Records() = %d, want %d", got, len(recs))
	}
	size, crc, err := w.Close()
	if err != nil {
		t.Fatal(err)
	}
	w.Abort() // harmless after Close
	b, err := fsys.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if size != int64(len(b)) {
		t.Fatalf("Close size %d, file has %d bytes", size, len(b))
	}
	if want := crc32.Checksum(b, castagnoli); crc != want {
		t.Fatalf("Close crc %08x, file's is %08x", crc, want)
	}
	return b
}

func writeSegment(t testing.TB, h SegmentHeader, recs []Record) []byte {
	return writeSegmentTo(t, NewMemFS(), "seg", h, recs)
}

func readSegmentBytes(b []byte) (SegmentHeader, []Record, error) {
	var recs []Record
	h, err := ReadSegment(bytes.NewReader(b), func(r Record) error {
		recs = append(recs, cloneRecord(r))
		return nil
	})
	return h, recs, err
}

func randomRecords(rng *rand.Rand, n int, cut uint64, maxVal int) []Record {
	recs := make([]Record, n)
	for i := range recs {
		r := Record{
			Table:     rng.Uint32(),
			BeginTS:   rng.Uint64N(cut),
			Tombstone: rng.IntN(5) == 0,
			Key:       make([]byte, rng.IntN(40)),
			Value:     make([]byte, rng.IntN(maxVal+1)),
		}
		for j := range r.Key {
			r.Key[j] = byte(rng.Uint32())
		}
		for j := range r.Value {
			r.Value[j] = byte(rng.Uint32())
		}
		recs[i] = r
	}
	return recs
}

func newRand(t testing.TB) *rand.Rand {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

func sameRecords(t *testing.T, got, want []Record) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d records, want %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Table != w.Table || g.BeginTS != w.BeginTS || g.Tombstone != w.Tombstone ||
			!bytes.Equal(g.Key, w.Key) || !bytes.Equal(g.Value, w.Value) {
			t.Fatalf("record %d: got %+v, want %+v", i, g, w)
		}
	}
}

func TestSegmentRoundTrip(t *testing.T) {
	rng := newRand(t)
	for _, tc := range []struct {
		name   string
		n      int
		maxVal int
	}{
		{"empty", 0, 0},
		{"one", 1, 10},
		{"small", 100, 200},
		{"many", 20000, 100},
		{"large values", 12, 3 << 20}, // larger than the writer's and reader's buffers
	} {
		t.Run(tc.name, func(t *testing.T) {
			recs := randomRecords(rng, tc.n, testHeader.Cut, tc.maxVal)
			b := writeSegment(t, testHeader, recs)
			h, got, err := readSegmentBytes(b)
			if err != nil {
				t.Fatal(err)
			}
			want := testHeader
			want.Records = uint64(tc.n)
			if h != want {
				t.Fatalf("header %+v, want %+v", h, want)
			}
			sameRecords(t, got, recs)
		})
	}
}

// A record exactly the size of the buffers, and one byte either side.
func TestSegmentBufferBoundaries(t *testing.T) {
	var recs []Record
	for _, d := range []int{-1, 0, 1} {
		n := segmentBufSize - recHeaderSize - recCRCSize + d
		recs = append(recs, Record{Table: 1, BeginTS: 5, Key: []byte("k"), Value: bytes.Repeat([]byte{byte(d + 2)}, n-1)})
		recs = append(recs, Record{Table: 2, BeginTS: 6, Key: []byte("small")})
	}
	_, got, err := readSegmentBytes(writeSegment(t, testHeader, recs))
	if err != nil {
		t.Fatal(err)
	}
	sameRecords(t, got, recs)
}

func TestSegmentOSFS(t *testing.T) {
	dir := t.TempDir()
	recs := randomRecords(newRand(t), 1000, testHeader.Cut, 300)
	name := filepath.Join(dir, SegmentName(42, 3))
	b := writeSegmentTo(t, OSFS{}, name, testHeader, recs)
	f, err := OSFS{}.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	info := SegmentInfo{Name: SegmentName(42, 3), Size: int64(len(b)), CRC: crc32.Checksum(b, castagnoli), Records: 1000}
	var got []Record
	if _, err := ReadSegmentChecked(f, info, func(r Record) error {
		got = append(got, cloneRecord(r))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	sameRecords(t, got, recs)
}

// Add copies the record: the caller may reuse its slices at once.
func TestSegmentAddCopies(t *testing.T) {
	key, val := []byte("key-0"), []byte("value-0")
	var want []Record
	fsys := NewMemFS()
	f, _ := fsys.Create("seg")
	w, err := NewSegmentWriter(f, testHeader)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		key[4], val[6] = byte('0'+i), byte('0'+i)
		if err := w.Add(Record{Table: 1, BeginTS: uint64(i), Key: key, Value: val}); err != nil {
			t.Fatal(err)
		}
		want = append(want, cloneRecord(Record{Table: 1, BeginTS: uint64(i), Key: key, Value: val}))
	}
	if _, _, err := w.Close(); err != nil {
		t.Fatal(err)
	}
	b, _ := fsys.ReadFile("seg")
	_, got, err := readSegmentBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	sameRecords(t, got, want)
}

func TestSegmentWriterRefuses(t *testing.T) {
	fsys := NewMemFS()
	f, _ := fsys.Create("seg")
	w, err := NewSegmentWriter(f, testHeader)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Add(Record{BeginTS: testHeader.Cut}); err == nil {
		t.Fatal("Add accepted beginTS == cut")
	}
	if err := w.Add(Record{BeginTS: 1, Value: make([]byte, MaxRecordSize+1)}); !errors.Is(err, ErrRecordTooLarge) {
		t.Fatalf("Add of an oversized record: %v", err)
	}
	if _, _, err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.Close(); err == nil {
		t.Fatal("second Close succeeded")
	}
	if err := w.Add(Record{}); err == nil {
		t.Fatal("Add after Close succeeded")
	}
}

func checkCorrupt(t *testing.T, b []byte, what string) {
	t.Helper()
	_, _, err := readSegmentBytes(b)
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("%s: got %v, want ErrCorrupt", what, err)
	}
}

// smallSegment is a segment of a few records of every shape.
func smallSegment(t testing.TB) ([]byte, []Record) {
	recs := []Record{
		{Table: 1, BeginTS: 1, Key: []byte("a"), Value: []byte("alpha")},
		{Table: 2, BeginTS: 7<<40 - 1, Key: []byte{}, Value: []byte{}},
		{Table: 3, BeginTS: 6<<40 | 9, Tombstone: true, Key: []byte("gone")},
		{Table: 0xffffffff, BeginTS: 0, Key: []byte("k"), Value: bytes.Repeat([]byte("v"), 40)},
	}
	return writeSegment(t, testHeader, recs), recs
}

// Every single-bit flip anywhere in a segment is ErrCorrupt: never a
// panic, never silent acceptance, never ErrNewerFormat.
func TestSegmentBitFlips(t *testing.T) {
	b, _ := smallSegment(t)
	empty := writeSegment(t, testHeader, nil)
	for _, seg := range [][]byte{b, empty} {
		for i := range seg {
			for bit := range 8 {
				d := bytes.Clone(seg)
				d[i] ^= 1 << bit
				checkCorrupt(t, d, fmt.Sprintf("bit %d of byte %d", bit, i))
			}
		}
	}
}

// Every truncation is ErrCorrupt: the header's count guards the tail.
func TestSegmentTruncation(t *testing.T) {
	b, _ := smallSegment(t)
	for n := range len(b) {
		checkCorrupt(t, b[:n], fmt.Sprintf("truncated to %d of %d bytes", n, len(b)))
	}
	checkCorrupt(t, append(bytes.Clone(b), 0), "one byte appended")
	checkCorrupt(t, append(bytes.Clone(b), b[segHeaderSize:]...), "records repeated")
}

// patchHeader rewrites b's header through fn, with a valid checksum.
func patchHeader(b []byte, fn func(h *SegmentHeader)) []byte {
	h, err := decodeSegmentHeader(b[:segHeaderSize])
	if err != nil {
		panic(err)
	}
	fn(&h)
	hdr := encodeSegmentHeader(h)
	return append(hdr[:], b[segHeaderSize:]...)
}

func TestSegmentHeaderChecks(t *testing.T) {
	b, recs := smallSegment(t)
	n := uint64(len(recs))
	checkCorrupt(t, patchHeader(b, func(h *SegmentHeader) { h.Records = n - 1 }), "count one short")
	checkCorrupt(t, patchHeader(b, func(h *SegmentHeader) { h.Records = n + 1 }), "count one over")
	checkCorrupt(t, patchHeader(b, func(h *SegmentHeader) { h.Records = 0 }), "count zero")
	checkCorrupt(t, patchHeader(b, func(h *SegmentHeader) { h.Records = unfinishedRecords }), "unfinished")
	// The second record's beginTS is 7<<40-1: a cut one lower rejects it.
	checkCorrupt(t, patchHeader(b, func(h *SegmentHeader) { h.Cut = 7<<40 - 1 }), "beginTS == cut")
	checkCorrupt(t, patchHeader(b, func(h *SegmentHeader) { h.Cut = 1 }), "beginTS > cut")
	if _, _, err := readSegmentBytes(patchHeader(b, func(h *SegmentHeader) { h.Cut = 7 << 40 })); err != nil {
		t.Fatalf("re-encoded header: %v", err)
	}

	withField := func(off int, v uint32) []byte {
		d := bytes.Clone(b)
		le.PutUint32(d[off:], v)
		le.PutUint32(d[60:], crc32.Checksum(d[:60], castagnoli))
		return d
	}
	checkCorrupt(t, withField(8, 0), "format version 0")
	checkCorrupt(t, withField(12, 65), "header size 65")
	checkCorrupt(t, withField(52, 1), "reserved bytes")
	_, _, err := readSegmentBytes(withField(8, FormatVersion+1))
	if !errors.Is(err, ErrNewerFormat) || errors.Is(err, ErrCorrupt) {
		t.Fatalf("newer format: got %v, want ErrNewerFormat", err)
	}

	// A newer format with a larger header: still recognized as newer.
	nh := make([]byte, 96)
	copy(nh, segmentMagic[:])
	le.PutUint32(nh[8:], FormatVersion+1)
	le.PutUint32(nh[12:], 96)
	le.PutUint32(nh[92:], crc32.Checksum(nh[:92], castagnoli))
	if _, _, err := readSegmentBytes(nh); !errors.Is(err, ErrNewerFormat) {
		t.Fatalf("newer format, 96-byte header: got %v", err)
	}
	nh[20] ^= 1
	checkCorrupt(t, nh, "newer format with a damaged header")
	checkCorrupt(t, nh[:50], "newer format, truncated header")

	// A record with an unknown flag (and a valid checksum).
	d := bytes.Clone(b)
	r := d[segHeaderSize:]
	r[4] |= 0x80
	end := recHeaderSize + len(recs[0].Key) + len(recs[0].Value)
	le.PutUint32(r[end:], crc32.Checksum(r[:end], castagnoli))
	checkCorrupt(t, d, "unknown record flag")
	// A record claiming more than MaxRecordSize.
	d = bytes.Clone(b)
	le.PutUint32(d[segHeaderSize+9:], MaxRecordSize)
	checkCorrupt(t, d, "oversized record length")
}

// A huge length in a short file costs memory only for the bytes present.
func TestSegmentHugeLengthSmallAlloc(t *testing.T) {
	b, _ := smallSegment(t)
	d := bytes.Clone(b)
	le.PutUint32(d[segHeaderSize+9:], MaxRecordSize-10)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	checkCorrupt(t, d, "huge value length")
	runtime.ReadMemStats(&after)
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 16<<20 {
		t.Fatalf("reading a damaged %d-byte file allocated %d bytes", len(d), grew)
	}
}

// errReader fails after n bytes with a non-corruption error.
type errReader struct {
	r   io.Reader
	n   int
	err error
}

func (e *errReader) Read(p []byte) (int, error) {
	if e.n <= 0 {
		return 0, e.err
	}
	if len(p) > e.n {
		p = p[:e.n]
	}
	n, err := e.r.Read(p)
	e.n -= n
	return n, err
}

func TestSegmentReadErrors(t *testing.T) {
	b, recs := smallSegment(t)
	ioErr := errors.New("disk on fire")
	for _, n := range []int{0, 10, segHeaderSize, segHeaderSize + 5, len(b) - 1} {
		_, err := ReadSegment(&errReader{r: bytes.NewReader(b), n: n, err: ioErr}, func(Record) error { return nil })
		if !errors.Is(err, ioErr) || errors.Is(err, ErrCorrupt) {
			t.Fatalf("I/O error after %d bytes: got %v", n, err)
		}
	}
	stop := errors.New("stop")
	seen := 0
	_, err := ReadSegment(bytes.NewReader(b), func(Record) error {
		seen++
		if seen == 2 {
			return stop
		}
		return nil
	})
	if err != stop || seen != 2 {
		t.Fatalf("fn's error: got %v after %d records", err, seen)
	}

	info := SegmentInfo{Name: "s", Size: int64(len(b)), CRC: crc32.Checksum(b, castagnoli), Records: uint64(len(recs))}
	nop := func(Record) error { return nil }
	if _, err := ReadSegmentChecked(bytes.NewReader(b), info, nop); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []SegmentInfo{
		{Name: "s", Size: info.Size + 1, CRC: info.CRC, Records: info.Records},
		{Name: "s", Size: info.Size, CRC: info.CRC ^ 1, Records: info.Records},
		{Name: "s", Size: info.Size, CRC: info.CRC, Records: info.Records + 1},
	} {
		if _, err := ReadSegmentChecked(bytes.NewReader(b), bad, nop); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("manifest entry %+v: got %v", bad, err)
		}
	}
}

// A writer that fails at any operation leaves a file that, after a crash,
// ReadSegment rejects, unless the failure came after the segment's fsync.
// (Before a crash the file may be complete: a failed fsync.)
func TestSegmentWriterFaults(t *testing.T) {
	recs := randomRecords(newRand(t), 3000, testHeader.Cut, 200) // ~ 2.5 buffers
	// Count the operations a clean run does.
	clean := NewFaultFS(NewMemFS())
	writeSegmentTo(t, clean, "seg", testHeader, recs)
	for _, op := range []Op{OpWrite, OpSync, OpClose} {
		for n := int64(1); n <= clean.Count(op); n++ {
			mem := NewMemFS()
			ffs := NewFaultFS(mem)
			ffs.SetTornWrites(n%2 == 0)
			ffs.FailNth(op, n)
			f, err := ffs.Create("seg")
			if err != nil {
				t.Fatal(err)
			}
			if err := mem.SyncDir("."); err != nil {
				t.Fatal(err)
			}
			werr := func() error {
				w, err := NewSegmentWriter(f, testHeader)
				if err != nil {
					f.Close()
					return err
				}
				for _, r := range recs {
					if err := w.Add(r); err != nil {
						w.Abort()
						return err
					}
				}
				_, _, err = w.Close()
				return err
			}()
			if !errors.Is(werr, ErrInjected) {
				t.Fatalf("%s #%d: writer returned %v, want the injected fault", op, n, werr)
			}
			synced := false
			for _, r := range ffs.Ops() {
				synced = synced || (r.Op == OpSync && r.Err == nil)
			}
			for i, state := range []*MemFS{mem, mem.Crash()} {
				crashed := i == 1
				b, err := state.ReadFile("seg")
				if err != nil {
					t.Fatal(err)
				}
				_, _, rerr := readSegmentBytes(b)
				if rerr == nil && !synced && crashed {
					t.Fatalf("%s #%d: a failed, unsynced segment reads as valid", op, n)
				}
				if rerr != nil && !errors.Is(rerr, ErrCorrupt) {
					t.Fatalf("%s #%d: %v", op, n, rerr)
				}
			}
			if got := ffs.Count(OpClose); got != 1 {
				t.Fatalf("%s #%d: file closed %d times", op, n, got)
			}
		}
	}
}

func TestSegmentWriterENOSPC(t *testing.T) {
	ffs := NewFaultFS(NewMemFS())
	ffs.SetLimit(100 << 10)
	f, err := ffs.Create("seg")
	if err != nil {
		t.Fatal(err)
	}
	w, err := NewSegmentWriter(f, testHeader)
	if err != nil {
		t.Fatal(err)
	}
	var werr error
	for i := 0; werr == nil && i < 100000; i++ {
		werr = w.Add(Record{Table: 1, BeginTS: 1, Key: []byte("key"), Value: make([]byte, 100)})
	}
	if werr == nil {
		_, _, werr = w.Close()
	} else {
		w.Abort()
	}
	if !errors.Is(werr, syscall.ENOSPC) {
		t.Fatalf("got %v, want ENOSPC", werr)
	}
	if ffs.Written() != 100<<10 {
		t.Fatalf("wrote %d bytes, want exactly the limit", ffs.Written())
	}
	b, _ := ffs.ReadFile("seg")
	checkCorrupt(t, b, "segment cut short by ENOSPC")
}

// A crash before Close leaves an unfinished segment, even if every record
// was written and synced.
func TestSegmentUnfinished(t *testing.T) {
	mem := NewMemFS()
	f, _ := mem.Create("seg")
	w, err := NewSegmentWriter(f, testHeader)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		if err := w.Add(Record{Table: 1, BeginTS: uint64(i)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.flush(); err != nil {
		t.Fatal(err)
	}
	_ = f.Sync()
	b, _ := mem.ReadFile("seg")
	checkCorrupt(t, b, "unfinished segment")
	w.Abort()
}

func TestCRC32Combine(t *testing.T) {
	rng := newRand(t)
	for _, n := range []int{0, 1, 2, 3, 7, 64, 1000, 1 << 16, 1<<16 + 13} {
		a := make([]byte, rng.IntN(100))
		b := make([]byte, n)
		for i := range a {
			a[i] = byte(rng.Uint32())
		}
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		want := crc32.Checksum(append(bytes.Clone(a), b...), castagnoli)
		got := crc32Combine(crc32.Checksum(a, castagnoli), crc32.Checksum(b, castagnoli), int64(n))
		if got != want {
			t.Fatalf("len %d+%d: combine %08x, direct %08x", len(a), n, got, want)
		}
	}
}

func FuzzReadSegment(f *testing.F) {
	b, _ := smallSegment(f)
	f.Add(b)
	f.Add(writeSegment(f, testHeader, nil))
	f.Add(writeSegment(f, SegmentHeader{Cut: 1}, []Record{{Key: []byte("x")}}))
	f.Add(b[:len(b)-3])
	f.Fuzz(func(t *testing.T, in []byte) {
		check := func(in []byte) {
			h, recs, err := readSegmentBytes(in)
			if err != nil {
				if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrNewerFormat) {
					t.Fatalf("error neither ErrCorrupt nor ErrNewerFormat: %v", err)
				}
				return
			}
			// Accepted input is exactly what the writer produces.
			out := writeSegment(t, h, recs)
			if !bytes.Equal(out, in) {
				t.Fatalf("accepted input does not re-encode:\n in %x\nout %x", in, out)
			}
		}
		check(in)
		// The same bytes with valid checksums, so that the fuzzer explores
		// the checks behind them.
		check(resealSegment(bytes.Clone(in)))
	})
}

// resealSegment rewrites the header's and every record's checksum (as far
// as the lengths allow) and the record count to match the records found.
func resealSegment(b []byte) []byte {
	if len(b) < segHeaderSize {
		return b
	}
	off, n := segHeaderSize, uint64(0)
	for len(b)-off >= recHeaderSize+recCRCSize {
		kv := uint64(le.Uint32(b[off+5:])) + uint64(le.Uint32(b[off+9:]))
		end := uint64(off) + recHeaderSize + kv
		if end+recCRCSize > uint64(len(b)) {
			break
		}
		le.PutUint32(b[end:], crc32.Checksum(b[off:end], castagnoli))
		off = int(end) + recCRCSize
		n++
	}
	if le.Uint64(b[40:]) != unfinishedRecords {
		le.PutUint64(b[40:], n)
	}
	le.PutUint32(b[60:], crc32.Checksum(b[:60], castagnoli))
	return b
}

func BenchmarkSegmentWriter(b *testing.B) {
	const n = 100000
	key := make([]byte, 16)
	val := make([]byte, 100-16)
	dir := b.TempDir()
	var size int64
	start := time.Now()
	for i := 0; b.Loop(); i++ {
		name := filepath.Join(dir, fmt.Sprintf("seg-%d", i%4))
		f, err := OSFS{}.Create(name)
		if err != nil {
			b.Fatal(err)
		}
		w, err := NewSegmentWriter(f, testHeader)
		if err != nil {
			b.Fatal(err)
		}
		for j := range n {
			le.PutUint64(key, uint64(j))
			if err := w.Add(Record{Table: 1, BeginTS: uint64(j), Key: key, Value: val}); err != nil {
				b.Fatal(err)
			}
		}
		if size, _, err = w.Close(); err != nil {
			b.Fatal(err)
		}
		b.SetBytes(size)
	}
	b.ReportMetric(float64(b.N)*n/time.Since(start).Seconds(), "records/s")
}

func BenchmarkReadSegment(b *testing.B) {
	const n = 100000
	recs := make([]Record, n)
	for j := range recs {
		recs[j] = Record{Table: 1, BeginTS: uint64(j), Key: make([]byte, 16), Value: make([]byte, 100-16)}
	}
	seg := writeSegment(b, testHeader, recs)
	b.SetBytes(int64(len(seg)))
	start := time.Now()
	for b.Loop() {
		var sum int
		if _, err := ReadSegment(bytes.NewReader(seg), func(r Record) error {
			sum += len(r.Value)
			return nil
		}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)*n/time.Since(start).Seconds(), "records/s")
}

// discardFile is a File that keeps nothing: BenchmarkSegmentEncode
// measures the writer's CPU cost alone.
type discardFile struct{}

func (discardFile) Read([]byte) (int, error)               { return 0, io.EOF }
func (discardFile) Write(p []byte) (int, error)            { return len(p), nil }
func (discardFile) WriteAt(p []byte, _ int64) (int, error) { return len(p), nil }
func (discardFile) Sync() error                            { return nil }
func (discardFile) Close() error                           { return nil }

func BenchmarkSegmentEncode(b *testing.B) {
	const n = 100000
	key := make([]byte, 16)
	val := make([]byte, 100-16)
	start := time.Now()
	for b.Loop() {
		w, err := NewSegmentWriter(discardFile{}, testHeader)
		if err != nil {
			b.Fatal(err)
		}
		for j := range n {
			le.PutUint64(key, uint64(j))
			if err := w.Add(Record{Table: 1, BeginTS: uint64(j), Key: key, Value: val}); err != nil {
				b.Fatal(err)
			}
		}
		size, _, err := w.Close()
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(size)
	}
	b.ReportMetric(float64(b.N)*n/time.Since(start).Seconds(), "records/s")
}
