package cpr

import (
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"path/filepath"
	"time"
)

// SegmentInfo is a manifest's entry for one segment file.
type SegmentInfo struct {
	Name    string // file name in the checkpoint directory (SegmentName)
	Size    int64  // bytes
	CRC     uint32 // CRC-32C of the whole file
	Records uint64
}

// SessionPoint is a named session's CPR point: the serial of its last
// commit below the checkpoint's cut.
type SessionPoint struct {
	Name   string
	Serial uint64
}

// Manifest describes one checkpoint. It is the last file a checkpoint
// writes; a checkpoint exists once its manifest is durable.
type Manifest struct {
	ID       uint64 // checkpoint id, increasing
	Chain    uint64 // id of the full checkpoint that starts this chain
	Full     bool
	Version  uint64
	Cut      uint64
	Previous uint64 // previous checkpoint's id (0 none)
	PrevCut  uint64 // for a delta: the cut it starts from

	Started, Finished time.Time // wall clock; stored to the nanosecond, in UTC

	Segments []SegmentInfo
	Sessions []SessionPoint
	// Extra is opaque to cpr: the SQL layer's state at the cut (catalog,
	// sequence values). It is checksummed with the rest.
	Extra []byte
}

// Bytes is the size of the files the manifest names (its segments, or a
// delta's part of the delta log).
func (m *Manifest) Bytes() int64 {
	var n int64
	for _, s := range m.Segments {
		n += s.Size
	}
	return n
}

// Manifest frame: magic[8] version u32 bodylen u32 body crc u32.
const (
	manFrameHead = 16
	manFrameSize = manFrameHead + 4
	manFixedBody = 6*8 + 2*(8+4) + 1 // ids and cuts, two times, flags
	manFull      = 1 << 0
)

// EncodeManifest returns the manifest file's bytes: magic, format version,
// body length, body, and the CRC-32C of everything before it.
func EncodeManifest(m *Manifest) []byte {
	n := manFixedBody + 4 + 4 + 4 + len(m.Extra)
	for _, s := range m.Segments {
		n += 4 + len(s.Name) + 8 + 4 + 8
	}
	for _, s := range m.Sessions {
		n += 4 + len(s.Name) + 8
	}
	if n > math.MaxUint32-manFrameSize {
		// Cannot happen for a manifest anyone writes (4 GiB of names).
		panic("cpr: manifest too large")
	}
	b := make([]byte, 0, manFrameSize+n)
	b = append(b, manifestMagic[:]...)
	b = le.AppendUint32(b, FormatVersion)
	b = le.AppendUint32(b, uint32(n))
	for _, v := range [...]uint64{m.ID, m.Chain, m.Version, m.Cut, m.Previous, m.PrevCut} {
		b = le.AppendUint64(b, v)
	}
	b = appendTime(b, m.Started)
	b = appendTime(b, m.Finished)
	var flags byte
	if m.Full {
		flags |= manFull
	}
	b = append(b, flags)
	b = le.AppendUint32(b, uint32(len(m.Segments)))
	for _, s := range m.Segments {
		b = appendString(b, s.Name)
		b = le.AppendUint64(b, uint64(s.Size))
		b = le.AppendUint32(b, s.CRC)
		b = le.AppendUint64(b, s.Records)
	}
	b = le.AppendUint32(b, uint32(len(m.Sessions)))
	for _, s := range m.Sessions {
		b = appendString(b, s.Name)
		b = le.AppendUint64(b, s.Serial)
	}
	b = appendString(b, string(m.Extra))
	return le.AppendUint32(b, crc32.Checksum(b, castagnoli))
}

func appendString(b []byte, s string) []byte {
	b = le.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

// appendTime stores t as Unix seconds (i64) and nanoseconds (u32). The
// zero time is stored as its own Unix seconds, so it round-trips.
func appendTime(b []byte, t time.Time) []byte {
	b = le.AppendUint64(b, uint64(t.Unix()))
	return le.AppendUint32(b, uint32(t.Nanosecond()))
}

// DecodeManifest verifies and decodes a manifest file. It checks the
// magic, the length, the checksum, then the format version (a newer one
// is ErrNewerFormat; a flipped bit fails the checksum first), then that
// the body is exactly what EncodeManifest writes: every length within the
// body, no trailing bytes, flags and nanoseconds in range, segment names
// that are plain file names. Damage is ErrCorrupt; it never panics.
func DecodeManifest(b []byte) (*Manifest, error) {
	if len(b) < manFrameSize {
		return nil, corruptf("manifest: %d bytes, shorter than its %d-byte frame", len(b), manFrameSize)
	}
	if [8]byte(b[0:8]) != manifestMagic {
		return nil, corruptf("manifest: bad magic %q", b[0:8])
	}
	// Every format version keeps this frame: magic, version, body length,
	// body, CRC-32C of all that precedes it.
	if n := uint64(le.Uint32(b[12:])); n+manFrameSize != uint64(len(b)) {
		return nil, corruptf("manifest: body length %d does not match the file's %d bytes (torn or extended)", n, len(b))
	}
	stored, computed := le.Uint32(b[len(b)-4:]), crc32.Checksum(b[:len(b)-4], castagnoli)
	if stored != computed {
		return nil, corruptf("manifest: checksum mismatch (stored %08x, computed %08x)", stored, computed)
	}
	switch v := le.Uint32(b[8:]); {
	case v > FormatVersion:
		return nil, fmt.Errorf("%w: manifest format %d, this build reads up to %d", ErrNewerFormat, v, FormatVersion)
	case v == 0:
		return nil, corruptf("manifest: format version 0")
	}
	d := decoder{b: b[manFrameHead : len(b)-4]}
	m := &Manifest{}
	for _, p := range [...]*uint64{&m.ID, &m.Chain, &m.Version, &m.Cut, &m.Previous, &m.PrevCut} {
		*p = d.u64("header")
	}
	m.Started = d.time("started")
	m.Finished = d.time("finished")
	flags := d.u8("flags")
	if flags&^manFull != 0 {
		d.fail("unknown flags %#x", flags)
	}
	m.Full = flags&manFull != 0
	if n := d.count("segment count", 4+8+4+8); n > 0 {
		m.Segments = make([]SegmentInfo, n)
		for i := range m.Segments {
			s := &m.Segments[i]
			s.Name = d.str("segment name")
			if d.err == nil && !validFileName(s.Name) {
				d.fail("segment %d: %q is not a file name", i, s.Name)
			}
			s.Size = int64(d.u64("segment size"))
			if d.err == nil && s.Size < 0 {
				d.fail("segment %d: negative size", i)
			}
			s.CRC = d.u32("segment crc")
			s.Records = d.u64("segment records")
		}
	}
	if n := d.count("session count", 4+8); n > 0 {
		m.Sessions = make([]SessionPoint, n)
		for i := range m.Sessions {
			m.Sessions[i].Name = d.str("session name")
			m.Sessions[i].Serial = d.u64("session serial")
		}
	}
	if extra := d.str("extra"); extra != "" {
		m.Extra = []byte(extra)
	}
	if d.err == nil && len(d.b) > 0 {
		d.fail("%d bytes after the body", len(d.b))
	}
	if d.err != nil {
		return nil, d.err
	}
	return m, nil
}

// decoder reads a manifest body; the first failure sticks and later
// reads return zero values.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = corruptf("manifest: %s", fmt.Sprintf(format, args...))
	}
}

func (d *decoder) take(n uint64, what string) []byte {
	if d.err != nil {
		return nil
	}
	if n > uint64(len(d.b)) {
		d.fail("%s: needs %d bytes, %d left", what, n, len(d.b))
		return nil
	}
	p := d.b[:n]
	d.b = d.b[n:]
	return p
}

func (d *decoder) u8(what string) byte {
	if p := d.take(1, what); p != nil {
		return p[0]
	}
	return 0
}

func (d *decoder) u32(what string) uint32 {
	if p := d.take(4, what); p != nil {
		return le.Uint32(p)
	}
	return 0
}

func (d *decoder) u64(what string) uint64 {
	if p := d.take(8, what); p != nil {
		return le.Uint64(p)
	}
	return 0
}

func (d *decoder) str(what string) string {
	n := d.u32(what + " length")
	return string(d.take(uint64(n), what))
}

// count reads an element count and checks that the elements, each at
// least min bytes, can fit in what is left (so a damaged count cannot
// allocate much).
func (d *decoder) count(what string, min int) int {
	n := uint64(d.u32(what))
	if d.err == nil && n*uint64(min) > uint64(len(d.b)) {
		d.fail("%s %d: needs at least %d bytes, %d left", what, n, n*uint64(min), len(d.b))
	}
	if d.err != nil {
		return 0
	}
	return int(n)
}

func (d *decoder) time(what string) time.Time {
	sec := int64(d.u64(what))
	nsec := d.u32(what)
	if d.err != nil {
		return time.Time{}
	}
	if nsec >= 1e9 {
		d.fail("%s: %d nanoseconds", what, nsec)
		return time.Time{}
	}
	return time.Unix(sec, int64(nsec)).UTC()
}

// Validate checks a decoded manifest's fields against each other: the
// rules every manifest a checkpointer writes obeys. DecodeManifest checks
// only the encoding; recovery calls Validate too. The errors wrap
// ErrCorrupt.
//
//  1. A full checkpoint starts its chain (Chain == ID) and has no PrevCut;
//     a delta follows a previous checkpoint of the same chain
//     (Chain <= Previous < ID) and covers [PrevCut, Cut) with PrevCut < Cut.
//  2. Previous < ID.
//  3. Segment names are distinct file names.
//  4. Finished is not before Started.
func (m *Manifest) Validate() error {
	if m.Full {
		if m.Chain != m.ID || m.PrevCut != 0 {
			return corruptf("manifest %d: full checkpoint with chain %d, previous cut %#x", m.ID, m.Chain, m.PrevCut)
		}
	} else if m.Previous == 0 || m.Chain > m.Previous || m.PrevCut >= m.Cut {
		return corruptf("manifest %d: delta with chain %d, previous %d, cuts [%#x, %#x)", m.ID, m.Chain, m.Previous, m.PrevCut, m.Cut)
	}
	if m.Previous >= m.ID {
		return corruptf("manifest %d: previous checkpoint %d is not older", m.ID, m.Previous)
	}
	seen := make(map[string]bool, len(m.Segments))
	for _, s := range m.Segments {
		if !validFileName(s.Name) || seen[s.Name] {
			return corruptf("manifest %d: segment name %q invalid or repeated", m.ID, s.Name)
		}
		seen[s.Name] = true
	}
	if m.Finished.Before(m.Started) {
		return corruptf("manifest %d: finished %v before started %v", m.ID, m.Finished, m.Started)
	}
	return nil
}

// WriteManifest writes m as dir/name atomically and durably: it writes a
// temp file dir/name+TempSuffix, fsyncs and closes it, renames it to
// dir/name, and fsyncs dir. When it returns nil the manifest is durable.
//
// On an error before the rename, dir/name is untouched (the old manifest
// if there was one, or none) and the temp file is removed (best effort).
// On an error of the final directory fsync the rename is done but not
// known to be durable: after a crash either file may be there, and the
// caller must not report the checkpoint as durable.
func WriteManifest(fs FS, dir, name string, m *Manifest) error {
	for _, s := range m.Segments {
		if !validFileName(s.Name) {
			return fmt.Errorf("cpr: manifest %d: segment name %q is not a file name", m.ID, s.Name)
		}
	}
	if !validFileName(name) {
		return fmt.Errorf("cpr: manifest name %q is not a file name", name)
	}
	b := EncodeManifest(m)
	final := filepath.Join(dir, name)
	tmp := final + TempSuffix
	f, err := fs.Create(tmp)
	if err != nil {
		return fmt.Errorf("cpr: creating manifest: %w", err)
	}
	cleanup := func(err error, closed bool) error {
		if !closed {
			_ = f.Close()
		}
		_ = fs.Remove(tmp)
		return err
	}
	if n, err := f.Write(b); err != nil || n != len(b) {
		if err == nil {
			err = errors.New("short write")
		}
		return cleanup(fmt.Errorf("cpr: writing manifest: %w", err), false)
	}
	if err := f.Sync(); err != nil {
		return cleanup(fmt.Errorf("cpr: syncing manifest: %w", err), false)
	}
	if err := f.Close(); err != nil {
		return cleanup(fmt.Errorf("cpr: closing manifest: %w", err), true)
	}
	if err := fs.Rename(tmp, final); err != nil {
		return cleanup(fmt.Errorf("cpr: renaming manifest: %w", err), true)
	}
	if err := fs.SyncDir(dir); err != nil {
		return fmt.Errorf("cpr: syncing checkpoint directory after renaming the manifest: %w", err)
	}
	return nil
}
