package cpr

import (
	"bufio"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"strconv"
	"strings"
)

// Delta log layout (see "Delta log" in doc_format.go).
const (
	deltaHeaderSize = 64

	// Entry tags: each entry of a delta log body starts with one.
	deltaTagRecord = 'R' // a segment-format record follows
	deltaTagCommit = 'M' // a manifest frame follows: the delta's metadata

	// maxDeltaMeta bounds a metadata frame's body length as read, so a
	// damaged length cannot allocate much.
	maxDeltaMeta = 1 << 30
)

var deltaMagic = [8]byte{'P', 'D', 'B', 'C', 'P', 'D', 'L', 'G'}

// DeltaLogName is the file name of the delta log of the chain whose full
// checkpoint is id, e.g. "ckpt-00000000000000000042-deltas".
func DeltaLogName(id uint64) string {
	return fmt.Sprintf("ckpt-%020d-deltas", id)
}

// ParseDeltaLogName is the inverse of DeltaLogName.
func ParseDeltaLogName(name string) (id uint64, ok bool) {
	rest, found := strings.CutPrefix(name, "ckpt-")
	if !found {
		return 0, false
	}
	num, found := strings.CutSuffix(rest, "-deltas")
	if !found || len(num) != 20 {
		return 0, false
	}
	id, err := strconv.ParseUint(num, 10, 64)
	return id, err == nil && DeltaLogName(id) == name
}

// DeltaLogHeader is the header of a chain's delta log.
type DeltaLogHeader struct {
	Chain   uint64 // id of the chain's full checkpoint
	Version uint64 // its CPR version
	Cut     uint64 // its cut: the first delta starts there
}

func encodeDeltaHeader(h DeltaLogHeader) [deltaHeaderSize]byte {
	b := headerFrame(deltaMagic)
	le.PutUint64(b[16:], h.Chain)
	le.PutUint64(b[24:], h.Version)
	le.PutUint64(b[32:], h.Cut)
	// b[40:60] reserved, zero
	sealHeader(&b)
	return b
}

func decodeDeltaHeader(b []byte) (DeltaLogHeader, error) {
	var h DeltaLogHeader
	if err := checkHeaderFrame(b, deltaMagic, "delta log", 40); err != nil {
		return h, err
	}
	h.Chain, h.Version, h.Cut = le.Uint64(b[16:]), le.Uint64(b[24:]), le.Uint64(b[32:])
	return h, nil
}

// deltaLog is the open delta log of the current chain, written by the
// checkpointer (one delta at a time: the caller holds Checkpointer.run).
type deltaLog struct {
	f    File
	name string
	size int64 // bytes written and synced: the end of the last delta
}

// createDeltaLog creates and syncs dir/DeltaLogName(h.Chain) holding only
// its header. The caller syncs the directory before the chain's manifest
// is written.
func createDeltaLog(fsys FS, path string, name string, h DeltaLogHeader) (*deltaLog, error) {
	f, err := fsys.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cpr: creating delta log: %w", err)
	}
	hdr := encodeDeltaHeader(h)
	if n, err := f.Write(hdr[:]); err != nil || n != len(hdr) {
		_ = f.Close()
		if err == nil {
			err = io.ErrShortWrite
		}
		return nil, fmt.Errorf("cpr: writing delta log header: %w", err)
	}
	if err := f.Sync(); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("cpr: syncing delta log: %w", err)
	}
	return &deltaLog{f: f, name: name, size: deltaHeaderSize}, nil
}

func (d *deltaLog) close() {
	if d != nil && d.f != nil {
		_ = d.f.Close()
		d.f = nil
	}
}

// deltaWriter streams one delta's record entries into a delta log; commit
// appends the metadata and syncs. After any error the delta log is
// unusable (its tail is torn): the chain ends there.
type deltaWriter struct {
	d    *deltaLog
	cut  uint64
	buf  []byte
	n    uint64 // records
	size int64  // bytes of record entries
	crc  uint32 // CRC-32C of the record entries
	out  int64  // bytes handed to the file
	err  error
}

func newDeltaWriter(d *deltaLog, cut uint64) *deltaWriter {
	return &deltaWriter{d: d, cut: cut, buf: make([]byte, 0, segmentBufSize)}
}

// add appends r as a record entry (tag, then the segment record format).
func (w *deltaWriter) add(r Record) error {
	if w.err != nil {
		return w.err
	}
	if r.BeginTS >= w.cut {
		return fmt.Errorf("cpr: delta record beginTS %#x is not below the cut %#x", r.BeginTS, w.cut)
	}
	kv := len(r.Key) + len(r.Value)
	if kv > MaxRecordSize {
		return fmt.Errorf("%w: key %d + value %d bytes exceeds %d", ErrRecordTooLarge, len(r.Key), len(r.Value), MaxRecordSize)
	}
	start := len(w.buf)
	w.buf = append(w.buf, deltaTagRecord)
	w.buf = appendRecord(w.buf, r)
	w.crc = crc32.Update(w.crc, castagnoli, w.buf[start:])
	w.size += int64(len(w.buf) - start)
	w.n++
	if len(w.buf) >= segmentBufSize {
		return w.flush()
	}
	return nil
}

func (w *deltaWriter) flush() error {
	if w.err != nil || len(w.buf) == 0 {
		return w.err
	}
	n, err := w.d.f.Write(w.buf)
	w.out += int64(n)
	if err == nil && n < len(w.buf) {
		err = io.ErrShortWrite
	}
	w.buf = w.buf[:0]
	if err != nil {
		w.err = fmt.Errorf("cpr: writing delta log: %w", err)
	}
	return w.err
}

// commit appends the metadata entry for m (its Segments are set here to
// the one entry describing the delta's records), writes it and syncs the
// log. It returns the bytes the delta added to the log.
func (w *deltaWriter) commit(m *Manifest) (int64, error) {
	if w.err != nil {
		return 0, w.err
	}
	m.Segments = []SegmentInfo{{Name: w.d.name, Size: w.size, CRC: w.crc, Records: w.n}}
	w.buf = append(w.buf, deltaTagCommit)
	w.buf = append(w.buf, EncodeManifest(m)...)
	if err := w.flush(); err != nil {
		return 0, err
	}
	if err := w.d.f.Sync(); err != nil {
		w.err = fmt.Errorf("cpr: syncing delta log: %w", err)
		return 0, w.err
	}
	added := w.out
	w.d.size += added
	return added, nil
}

// appendRecord appends r in the segment record format: header, key,
// value, CRC-32C of the three.
func appendRecord(b []byte, r Record) []byte {
	start := len(b)
	b = le.AppendUint32(b, r.Table)
	var flags byte
	if r.Tombstone {
		flags = recTombstone
	}
	b = append(b, flags)
	b = le.AppendUint32(b, uint32(len(r.Key)))
	b = le.AppendUint32(b, uint32(len(r.Value)))
	b = le.AppendUint64(b, r.BeginTS)
	b = append(b, r.Key...)
	b = append(b, r.Value...)
	return le.AppendUint32(b, crc32.Checksum(b[start:], castagnoli))
}

// deltaHandler receives a delta log's deltas in order: recs are the
// delta's records (owning their bytes), m its metadata. A non-nil error
// stops the read and is returned.
type deltaHandler func(m *Manifest, recs []Record) error

// errDeltaTorn marks a delta log that ends inside a delta: the normal
// state after a crash during a delta's write. It wraps ErrCorrupt.
var errDeltaTorn = fmt.Errorf("%w: delta log ends inside a delta (torn tail)", ErrCorrupt)

// readDeltaLog reads a delta log and calls fn for each complete delta, in
// order, after verifying it: every record's checksum and beginTS in
// [PrevCut, Cut), the metadata frame's checksum, and that the metadata
// describes exactly the records before it (count, bytes, CRC-32C) and
// follows the previous delta (chain, previous id and cut). keep says
// whether records are collected for fn (false: metadata only).
//
// It returns the number of deltas passed to fn, the file offset where the
// last of them ends (where a continued chain appends), and, if the log
// does not end cleanly there, why: errDeltaTorn for a log ending inside a
// delta, another ErrCorrupt for damage. The deltas before the damage are
// good: each is a prefix of the history. An I/O error or ErrNewerFormat
// is returned as it is.
func readDeltaLog(r io.Reader, base *Manifest, keep bool, fn deltaHandler) (count int, end int64, err error) {
	br := bufio.NewReaderSize(r, segmentBufSize)
	var hb [deltaHeaderSize]byte
	if _, err := io.ReadFull(br, hb[:]); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return 0, 0, corruptf("delta log: file ends inside the header")
		}
		return 0, 0, err
	}
	h, err := decodeDeltaHeader(hb[:])
	if err != nil {
		return 0, 0, err
	}
	if h.Chain != base.ID || h.Cut != base.Cut || h.Version != base.Version {
		return 0, 0, corruptf("delta log: header (chain %d, version %d, cut %#x) does not match its full checkpoint (%d, %d, %#x)",
			h.Chain, h.Version, h.Cut, base.ID, base.Version, base.Cut)
	}
	prevID, prevCut := base.ID, base.Cut
	end = deltaHeaderSize
	var (
		recs  []Record
		n     uint64
		size  int64
		crc   uint32
		big   []byte
		off   = int64(deltaHeaderSize) // bytes read
		minTS = uint64(math.MaxUint64)
		maxTS uint64
	)
	eof := func(err error, format string, args ...any) error {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return fmt.Errorf("%w after delta %d (%s)", errDeltaTorn, count, fmt.Sprintf(format, args...))
		}
		return fmt.Errorf("cpr: reading delta log: %w", err)
	}
	for {
		tag, err := br.ReadByte()
		if err != nil {
			if errors.Is(err, io.EOF) && n == 0 && size == 0 {
				return count, end, nil // the clean end, after a complete delta
			}
			return count, end, eof(err, "before an entry")
		}
		switch tag {
		case deltaTagRecord:
			var rh [recHeaderSize]byte
			if _, err := io.ReadFull(br, rh[:]); err != nil {
				return count, end, eof(err, "in a record header")
			}
			if rh[4]&^recTombstone != 0 {
				return count, end, corruptf("delta log: delta %d record %d: unknown flags %#x", count+1, n+1, rh[4])
			}
			klen, vlen := uint64(le.Uint32(rh[5:])), uint64(le.Uint32(rh[9:]))
			if klen+vlen > MaxRecordSize {
				return count, end, corruptf("delta log: delta %d record %d: key %d + value %d bytes exceeds %d", count+1, n+1, klen, vlen, MaxRecordSize)
			}
			big, err = readGrow(br, big[:0], int(klen+vlen)+recCRCSize)
			if err != nil {
				return count, end, eof(err, "in a record")
			}
			kv := big[:klen+vlen]
			stored, computed := le.Uint32(big[klen+vlen:]), crc32.Update(crc32.Checksum(rh[:], castagnoli), castagnoli, kv)
			if stored != computed {
				return count, end, corruptf("delta log: delta %d record %d: checksum mismatch (stored %08x, computed %08x)", count+1, n+1, stored, computed)
			}
			crc = crc32.Update(crc, castagnoli, []byte{tag})
			crc = crc32.Update(crc, castagnoli, rh[:])
			crc = crc32.Update(crc, castagnoli, big)
			size += int64(1 + recHeaderSize + len(big))
			off += int64(1 + recHeaderSize + len(big))
			n++
			// beginTS is checked against the metadata's cuts once that is
			// read: remember the extremes.
			bt := le.Uint64(rh[13:])
			minTS, maxTS = min(minTS, bt), max(maxTS, bt)
			if keep {
				rec := Record{Table: le.Uint32(rh[0:]), Tombstone: rh[4]&recTombstone != 0, BeginTS: bt}
				b := append([]byte(nil), kv...)
				rec.Key, rec.Value = b[:klen:klen], b[klen:]
				recs = append(recs, rec)
			}
		case deltaTagCommit:
			var fh [manFrameHead]byte
			if _, err := io.ReadFull(br, fh[:]); err != nil {
				return count, end, eof(err, "in a metadata frame")
			}
			if [8]byte(fh[0:8]) != manifestMagic {
				return count, end, corruptf("delta log: delta %d: metadata with bad magic %q", count+1, fh[0:8])
			}
			l := uint64(le.Uint32(fh[12:]))
			if l > maxDeltaMeta {
				return count, end, corruptf("delta log: delta %d: metadata length %d", count+1, l)
			}
			frame, err := readGrow(br, append([]byte(nil), fh[:]...), manFrameSize+int(l))
			if err != nil {
				return count, end, eof(err, "in a metadata frame")
			}
			m, err := DecodeManifest(frame)
			if err == nil {
				err = m.Validate()
			}
			if err != nil {
				return count, end, fmt.Errorf("delta log: delta %d: %w", count+1, err)
			}
			switch {
			case m.Full || m.Chain != base.ID || m.Previous != prevID || m.PrevCut != prevCut || m.ID <= prevID:
				return count, end, corruptf("delta log: delta %d: checkpoint %d (chain %d, previous %d, previous cut %#x) does not follow checkpoint %d (cut %#x) of chain %d",
					count+1, m.ID, m.Chain, m.Previous, m.PrevCut, prevID, prevCut, base.ID)
			case len(m.Segments) != 1 || m.Segments[0].Size != size || m.Segments[0].CRC != crc || m.Segments[0].Records != n:
				return count, end, corruptf("delta log: delta %d (checkpoint %d): its records (%d, %d bytes, CRC %08x) do not match its metadata %+v",
					count+1, m.ID, n, size, crc, m.Segments)
			}
			if n > 0 && (minTS < m.PrevCut || maxTS >= m.Cut) {
				return count, end, corruptf("delta log: checkpoint %d: record beginTS in [%#x, %#x], outside [%#x, %#x)", m.ID, minTS, maxTS, m.PrevCut, m.Cut)
			}
			if keep {
				seen := map[uint32]map[string]bool{}
				for _, r := range recs {
					t := seen[r.Table]
					if t == nil {
						t = map[string]bool{}
						seen[r.Table] = t
					}
					if t[string(r.Key)] {
						return count, end, corruptf("delta log: checkpoint %d: table %d key %x appears twice", m.ID, r.Table, r.Key)
					}
					t[string(r.Key)] = true
				}
			}
			if err := fn(m, recs); err != nil {
				return count, end, err
			}
			count++
			off += int64(1 + len(frame))
			end = off
			prevID, prevCut = m.ID, m.Cut
			recs, n, size, crc, minTS, maxTS = nil, 0, 0, 0, math.MaxUint64, 0
		default:
			return count, end, corruptf("delta log: delta %d: unknown entry tag %#x", count+1, tag)
		}
	}
}
