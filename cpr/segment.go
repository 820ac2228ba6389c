package cpr

import (
	"bufio"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
)

// Segment file layout (see "File format" for the full description).
const (
	segHeaderSize = 64
	recHeaderSize = 21 // table u32, flags u8, keylen u32, vallen u32, beginTS u64
	recCRCSize    = 4

	// recTombstone is the only record flag.
	recTombstone = 1 << 0

	// unfinishedRecords is the record count NewSegmentWriter writes; Close
	// patches the real one. A reader meeting it knows the writer never
	// finished (a crash between the first write and Close).
	unfinishedRecords = math.MaxUint64

	// segmentBufSize is SegmentWriter's buffer and ReadSegment's read
	// buffer.
	segmentBufSize = 256 << 10
)

// SegmentHeader is the header of a segment file: one per flush worker per
// checkpoint.
type SegmentHeader struct {
	CheckpointID uint64
	Version      uint64 // CPR version v of the checkpoint
	Cut          uint64 // C = (v+1)<<40: every record's BeginTS < Cut
	Segment      uint32
	Records      uint64 // patched at Close
}

// Record is one row version (or, in a delta, a deletion marker) in a
// segment.
type Record struct {
	Table     uint32
	BeginTS   uint64
	Tombstone bool // deletion marker (delta checkpoints only)
	Key       []byte
	Value     []byte
}

// encodeSegmentHeader returns the 64 header bytes of h.
func encodeSegmentHeader(h SegmentHeader) [segHeaderSize]byte {
	b := headerFrame(segmentMagic)
	le.PutUint64(b[16:], h.CheckpointID)
	le.PutUint64(b[24:], h.Version)
	le.PutUint64(b[32:], h.Cut)
	le.PutUint64(b[40:], h.Records)
	le.PutUint32(b[48:], h.Segment)
	// b[52:60] reserved, zero
	sealHeader(&b)
	return b
}

// SegmentWriter streams records into a segment file. It is not safe for
// concurrent use: each flush worker has its own.
//
// The header is written at once with the record count set to "unfinished";
// records are buffered (256 KiB) and written in order; Close writes the
// final header over the first (WriteAt), fsyncs and closes the file. A
// file whose writer did not reach Close is therefore always rejected by
// ReadSegment: its count is "unfinished", or its records end early.
type SegmentWriter struct {
	f    File
	h    SegmentHeader
	buf  []byte
	n    uint64 // records added
	size int64  // bytes handed to f.Write so far, header included
	body uint32 // CRC-32C of the bytes after the header written so far
	err  error  // sticky: the first write error
	done bool   // Close or Abort was called
}

// NewSegmentWriter writes h's header (with the record count marked
// unfinished) to f, which must be empty and positioned at 0, and returns
// a writer for the records. h.Records is ignored. On error f is left
// open: the caller closes it.
func NewSegmentWriter(f File, h SegmentHeader) (*SegmentWriter, error) {
	h.Records = unfinishedRecords
	hdr := encodeSegmentHeader(h)
	if _, err := f.Write(hdr[:]); err != nil {
		return nil, fmt.Errorf("cpr: writing segment header: %w", err)
	}
	return &SegmentWriter{
		f:    f,
		h:    h,
		buf:  make([]byte, 0, segmentBufSize),
		size: segHeaderSize,
	}, nil
}

// Records is the number of records added so far.
func (w *SegmentWriter) Records() uint64 { return w.n }

// Add appends r. r's slices may be reused by the caller once Add returns.
// After an error the writer is unusable: call Abort.
func (w *SegmentWriter) Add(r Record) error {
	if w.err != nil {
		return w.err
	}
	if w.done {
		return errors.New("cpr: SegmentWriter.Add after Close")
	}
	if r.BeginTS >= w.h.Cut {
		// A record the reader would reject: a checkpointer bug. Refuse it
		// here, where the stack says who wrote it.
		return fmt.Errorf("cpr: segment record beginTS %#x is not below the cut %#x", r.BeginTS, w.h.Cut)
	}
	kv := len(r.Key) + len(r.Value)
	if kv > MaxRecordSize {
		return fmt.Errorf("%w: key %d + value %d bytes exceeds %d", ErrRecordTooLarge, len(r.Key), len(r.Value), MaxRecordSize)
	}
	need := recHeaderSize + kv + recCRCSize
	if len(w.buf)+need > cap(w.buf) && len(w.buf) > 0 {
		if err := w.flush(); err != nil {
			return err
		}
	}
	var hdr [recHeaderSize]byte
	le.PutUint32(hdr[0:], r.Table)
	if r.Tombstone {
		hdr[4] = recTombstone
	}
	le.PutUint32(hdr[5:], uint32(len(r.Key)))
	le.PutUint32(hdr[9:], uint32(len(r.Value)))
	le.PutUint64(hdr[13:], r.BeginTS)
	if need > cap(w.buf) {
		return w.addLarge(&hdr, r)
	}
	start := len(w.buf)
	w.buf = append(w.buf, hdr[:]...)
	w.buf = append(w.buf, r.Key...)
	w.buf = append(w.buf, r.Value...)
	w.buf = le.AppendUint32(w.buf, crc32.Checksum(w.buf[start:], castagnoli))
	w.n++
	return nil
}

// addLarge writes a record larger than the buffer (which is empty) in
// place, without copying it.
func (w *SegmentWriter) addLarge(hdr *[recHeaderSize]byte, r Record) error {
	c := crc32.Update(0, castagnoli, hdr[:])
	c = crc32.Update(c, castagnoli, r.Key)
	c = crc32.Update(c, castagnoli, r.Value)
	tail := le.AppendUint32(make([]byte, 0, recCRCSize), c)
	for _, p := range [][]byte{hdr[:], r.Key, r.Value, tail} {
		if err := w.write(p); err != nil {
			return err
		}
	}
	w.n++
	return nil
}

// flush writes the buffer.
func (w *SegmentWriter) flush() error {
	err := w.write(w.buf)
	w.buf = w.buf[:0]
	return err
}

// write writes p to f, keeping size and the body checksum.
func (w *SegmentWriter) write(p []byte) error {
	if len(p) == 0 {
		return nil
	}
	n, err := w.f.Write(p)
	w.body = crc32.Update(w.body, castagnoli, p[:n])
	w.size += int64(n)
	if err == nil && n < len(p) {
		err = io.ErrShortWrite
	}
	if err != nil {
		w.err = fmt.Errorf("cpr: writing segment %d: %w", w.h.Segment, err)
	}
	return w.err
}

// Close writes the buffered records, patches the header's record count
// (WriteAt at offset 0), fsyncs and closes the file. It returns the file's
// size and the CRC-32C of its whole content as it is now on disk; the
// manifest records both. On error the file is closed (without a sync
// after the failure) and the segment must be considered lost.
func (w *SegmentWriter) Close() (size int64, crc uint32, err error) {
	if w.done {
		return 0, 0, errors.New("cpr: SegmentWriter closed twice")
	}
	fail := func(err error) (int64, uint32, error) {
		w.err = err
		w.Abort()
		return 0, 0, err
	}
	if w.err != nil {
		return fail(w.err)
	}
	if err := w.flush(); err != nil {
		return fail(err)
	}
	h := w.h
	h.Records = w.n
	hdr := encodeSegmentHeader(h)
	if n, err := w.f.WriteAt(hdr[:], 0); err != nil || n != len(hdr) {
		if err == nil {
			err = io.ErrShortWrite
		}
		return fail(fmt.Errorf("cpr: patching segment %d header: %w", h.Segment, err))
	}
	if err := w.f.Sync(); err != nil {
		return fail(fmt.Errorf("cpr: syncing segment %d: %w", h.Segment, err))
	}
	w.done = true
	if err := w.f.Close(); err != nil {
		return 0, 0, fmt.Errorf("cpr: closing segment %d: %w", h.Segment, err)
	}
	w.h = h
	crc = crc32Combine(crc32.Checksum(hdr[:], castagnoli), w.body, w.size-segHeaderSize)
	return w.size, crc, nil
}

// Abort closes the file without writing or syncing anything more (after
// an error, or to give up a checkpoint). It is safe to call more than
// once and after Close.
func (w *SegmentWriter) Abort() {
	if w.done {
		return
	}
	w.done = true
	if w.err == nil {
		w.err = errors.New("cpr: SegmentWriter aborted")
	}
	_ = w.f.Close()
}

// ReadSegment reads and verifies a segment and calls fn for each record in
// file order. It checks the magic, the format version (newer ->
// ErrNewerFormat), the header checksum, each record's checksum, that every
// BeginTS < Cut, that exactly the header's record count of records is
// present and that nothing follows them (a torn or truncated tail is
// ErrCorrupt, never a shorter segment).
//
// fn's record slices are valid only during the call. fn's error stops the
// read and is returned as it is. The records fn saw before an ErrCorrupt
// were intact, but the segment as a whole is not: the caller discards
// what it loaded.
func ReadSegment(r io.Reader, fn func(Record) error) (SegmentHeader, error) {
	return readSegment(r, fn)
}

// ReadSegmentChecked is ReadSegment that also checks the file against its
// manifest entry: size, whole-file CRC-32C and record count (recovery's
// check that a manifest's segments are the files it names). The size and
// checksum are known only at the end, after fn has seen every record.
func ReadSegmentChecked(r io.Reader, want SegmentInfo, fn func(Record) error) (SegmentHeader, error) {
	cr := &crcReader{r: r}
	h, err := readSegment(cr, fn)
	if err != nil {
		return h, err
	}
	switch {
	case cr.n != want.Size:
		return h, corruptf("segment %s: %d bytes, manifest says %d", want.Name, cr.n, want.Size)
	case cr.crc != want.CRC:
		return h, corruptf("segment %s: checksum %08x, manifest says %08x", want.Name, cr.crc, want.CRC)
	case h.Records != want.Records:
		return h, corruptf("segment %s: %d records, manifest says %d", want.Name, h.Records, want.Records)
	}
	return h, nil
}

// crcReader counts and checksums what is read through it.
type crcReader struct {
	r   io.Reader
	n   int64
	crc uint32
}

func (c *crcReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	c.crc = crc32.Update(c.crc, castagnoli, p[:n])
	return n, err
}

// readErr turns a read error into ErrCorrupt if the file simply ended;
// any other error is the reader's and is returned wrapped but unchanged.
func readErr(err error, format string, args ...any) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return corruptf(format, args...)
	}
	return fmt.Errorf("cpr: reading segment: %s: %w", fmt.Sprintf(format, args...), err)
}

// decodeSegmentHeader verifies and decodes the 64 header bytes.
func decodeSegmentHeader(b []byte) (SegmentHeader, error) {
	var h SegmentHeader
	if err := checkHeaderFrame(b, segmentMagic, "segment", 52); err != nil {
		return h, err
	}
	h.CheckpointID = le.Uint64(b[16:])
	h.Version = le.Uint64(b[24:])
	h.Cut = le.Uint64(b[32:])
	h.Records = le.Uint64(b[40:])
	h.Segment = le.Uint32(b[48:])
	if h.Records == unfinishedRecords {
		return h, corruptf("segment %d: unfinished (its writer never reached Close)", h.Segment)
	}
	return h, nil
}

func readSegment(r io.Reader, fn func(Record) error) (SegmentHeader, error) {
	br := bufio.NewReaderSize(r, segmentBufSize)
	var hb [segHeaderSize]byte
	if _, err := io.ReadFull(br, hb[:16]); err != nil {
		return SegmentHeader{}, readErr(err, "segment header: file ends in the first 16 bytes")
	}
	// Every format version keeps magic, version and header size in the
	// first 16 bytes, and ends its header with a CRC-32C of the rest; so a
	// newer header is read whole and its checksum checked before its
	// version is believed (a flipped version bit is corruption, not a
	// newer format).
	if v, n := le.Uint32(hb[8:]), le.Uint32(hb[12:]); v > FormatVersion && [8]byte(hb[0:8]) == segmentMagic && n >= 20 && n <= 4096 {
		nb := make([]byte, n)
		copy(nb, hb[:16])
		if _, err := io.ReadFull(br, nb[16:]); err != nil {
			return SegmentHeader{}, readErr(err, "segment header: file ends inside the %d-byte header", n)
		}
		stored, computed := le.Uint32(nb[n-4:]), crc32.Checksum(nb[:n-4], castagnoli)
		if stored != computed {
			return SegmentHeader{}, corruptf("segment header: checksum mismatch (stored %08x, computed %08x)", stored, computed)
		}
		return SegmentHeader{}, fmt.Errorf("%w: segment format %d, this build reads up to %d", ErrNewerFormat, v, FormatVersion)
	}
	if _, err := io.ReadFull(br, hb[16:]); err != nil {
		return SegmentHeader{}, readErr(err, "segment header: file ends inside the header")
	}
	h, err := decodeSegmentHeader(hb[:])
	if err != nil {
		return h, err
	}
	var big []byte // body of records larger than br's buffer; reused
	for i := uint64(0); i < h.Records; i++ {
		var rh [recHeaderSize]byte
		if _, err := io.ReadFull(br, rh[:]); err != nil {
			return h, readErr(err, "segment %d: record %d of %d: file ends in its header", h.Segment, i+1, h.Records)
		}
		rec := Record{
			Table:     le.Uint32(rh[0:]),
			Tombstone: rh[4]&recTombstone != 0,
			BeginTS:   le.Uint64(rh[13:]),
		}
		if rh[4]&^recTombstone != 0 {
			return h, corruptf("segment %d: record %d: unknown flags %#x", h.Segment, i+1, rh[4])
		}
		klen, vlen := uint64(le.Uint32(rh[5:])), uint64(le.Uint32(rh[9:]))
		if klen+vlen > MaxRecordSize {
			return h, corruptf("segment %d: record %d: key %d + value %d bytes exceeds %d", h.Segment, i+1, klen, vlen, MaxRecordSize)
		}
		n := int(klen+vlen) + recCRCSize
		var body []byte
		if n <= br.Size() {
			// Zero copy: the record stays in br's buffer until Discard.
			body, err = br.Peek(n)
			if err != nil {
				return h, readErr(err, "segment %d: record %d of %d: torn (file ends inside it)", h.Segment, i+1, h.Records)
			}
		} else {
			big, err = readGrow(br, big[:0], n)
			if err != nil {
				return h, readErr(err, "segment %d: record %d of %d: torn (file ends inside it)", h.Segment, i+1, h.Records)
			}
			body = big
		}
		kv := body[:n-recCRCSize]
		stored := le.Uint32(body[n-recCRCSize:])
		computed := crc32.Update(crc32.Checksum(rh[:], castagnoli), castagnoli, kv)
		if stored != computed {
			return h, corruptf("segment %d: record %d of %d: checksum mismatch (stored %08x, computed %08x)", h.Segment, i+1, h.Records, stored, computed)
		}
		if rec.BeginTS >= h.Cut {
			return h, corruptf("segment %d: record %d: beginTS %#x is not below the cut %#x", h.Segment, i+1, rec.BeginTS, h.Cut)
		}
		rec.Key, rec.Value = kv[:klen:klen], kv[klen:]
		if err := fn(rec); err != nil {
			return h, err
		}
		if n <= br.Size() {
			_, _ = br.Discard(n) // cannot fail: Peek returned n bytes
		}
	}
	var one [1]byte
	switch n, err := br.Read(one[:]); {
	case n > 0:
		return h, corruptf("segment %d: bytes after the last of %d records", h.Segment, h.Records)
	case err == nil || errors.Is(err, io.EOF):
		// The end. (bufio retries empty reads, so 0 bytes and no error
		// does not happen; it would mean the end too.)
	default:
		return h, fmt.Errorf("cpr: reading segment %d: %w", h.Segment, err)
	}
	return h, nil
}

// readGrow reads exactly n bytes into buf (reused if large enough), growing
// it as data arrives so that a corrupt length costs memory only in
// proportion to the bytes actually present.
func readGrow(r io.Reader, buf []byte, n int) ([]byte, error) {
	const chunk = 1 << 20
	if cap(buf) >= n {
		buf = buf[:n]
		_, err := io.ReadFull(r, buf)
		return buf, err
	}
	for len(buf) < n {
		m := min(n-len(buf), chunk)
		buf = append(buf, make([]byte, m)...)
		if _, err := io.ReadFull(r, buf[len(buf)-m:]); err != nil {
			return buf, err
		}
	}
	return buf, nil
}

// headerSize is the size of segment and delta-log headers. Both share a
// frame: magic [0,8), format version [8,12), header size [12,16), fields,
// reserved zero bytes, and the CRC-32C of [0,60) at [60,64).
const headerSize = 64

// headerFrame returns a header with the frame's fixed fields set.
func headerFrame(magic [8]byte) [headerSize]byte {
	var b [headerSize]byte
	copy(b[0:8], magic[:])
	le.PutUint32(b[8:], FormatVersion)
	le.PutUint32(b[12:], headerSize)
	return b
}

// sealHeader writes the header's checksum.
func sealHeader(b *[headerSize]byte) {
	le.PutUint32(b[60:], crc32.Checksum(b[:60], castagnoli))
}

// checkHeaderFrame verifies a header's frame: magic, checksum, format
// version (a newer one is ErrNewerFormat), size, and that the bytes from
// reserved to the checksum are zero. what names the file kind in errors.
func checkHeaderFrame(b []byte, magic [8]byte, what string, reserved int) error {
	if [8]byte(b[0:8]) != magic {
		return corruptf("%s header: bad magic %q", what, b[0:8])
	}
	stored, computed := le.Uint32(b[60:]), crc32.Checksum(b[:60], castagnoli)
	if stored != computed {
		return corruptf("%s header: checksum mismatch (stored %08x, computed %08x)", what, stored, computed)
	}
	switch v := le.Uint32(b[8:]); {
	case v > FormatVersion:
		return fmt.Errorf("%w: %s format %d, this build reads up to %d", ErrNewerFormat, what, v, FormatVersion)
	case v == 0:
		return corruptf("%s header: format version 0", what)
	}
	if n := le.Uint32(b[12:]); n != headerSize {
		return corruptf("%s header: header size %d, want %d", what, n, headerSize)
	}
	for _, c := range b[reserved:60] {
		if c != 0 {
			return corruptf("%s header: reserved bytes not zero", what)
		}
	}
	return nil
}
