package cpr

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
)

// ErrNoCheckpoint is returned by Load for a directory without manifests.
var ErrNoCheckpoint = errors.New("cpr: no checkpoint")

// Snapshot is a checkpoint read back whole: the offline reader's result.
type Snapshot struct {
	// Manifest describes the newest checkpoint applied: the chain's full
	// checkpoint, or its last good delta (Full false; its cut and session
	// points are the snapshot's).
	Manifest *Manifest
	// Base is the chain's full checkpoint (Manifest itself if no delta
	// was applied).
	Base *Manifest
	// Deltas is the number of deltas applied on top of Base.
	Deltas int
	// Tables maps table id -> key -> the key's row at the cut. Records own
	// their bytes; no record is a tombstone.
	Tables map[uint32]map[string]Record
	// Skipped gives, newest first, why each newer manifest was not used,
	// and why the chain's delta log was not read to its end (a torn tail
	// after a crash, or damage: the deltas before it are applied).
	Skipped []string
	// Bytes is the size of the files read (Manifest.Bytes of the base and
	// of each delta applied).
	Bytes int64
}

// Rows returns the number of rows in the snapshot.
func (s *Snapshot) Rows() int {
	n := 0
	for _, t := range s.Tables {
		n += len(t)
	}
	return n
}

// Load reads the newest valid checkpoint in dir: the newest chain whose
// full checkpoint is valid, with the deltas of its delta log applied in
// order up to the last complete, intact one. A full checkpoint is valid
// if its manifest's checksum holds and every segment it names exists
// with the size, whole-file checksum and record count it records, and
// reads back intact (each record's checksum, beginTS below the cut, no
// key twice). A damaged manifest (ErrCorrupt, or a missing file) is
// skipped, its reason kept in Skipped and the previous chain tried. A
// damaged or torn delta ends the chain there (the deltas before it are a
// prefix too); the reason is kept in Skipped. Anything else stops the
// search and is returned: an I/O error or a newer format
// (ErrNewerFormat) says nothing about the checkpoint's validity, and
// falling back would lose commits silently.
func Load(fsys FS, dir string) (*Snapshot, error) {
	var snap *Snapshot
	err := newestChain(fsys, dir, func(id uint64) ([]string, error) {
		s, err := LoadID(fsys, dir, id)
		if err != nil {
			return nil, err
		}
		snap = s
		return s.Skipped, nil
	}, func(skipped []string) { snap.Skipped = skipped })
	if err != nil {
		return nil, err
	}
	return snap, nil
}

// newestChain is Load's (and LoadStream's) choice of chain: it calls try
// for each full checkpoint id in dir, newest first, until one succeeds.
// An error of try wrapping ErrCorrupt or fs.ErrNotExist passes over that
// chain (its reason is kept); any other error stops the search and is
// returned. On success, done is called with the reasons for the chains
// passed over followed by the reasons try returned (newest first).
func newestChain(fsys FS, dir string, try func(id uint64) (skipped []string, err error), done func(skipped []string)) error {
	names, err := fsys.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("cpr: list checkpoint directory: %w", err)
	}
	var ids []uint64
	for _, n := range names {
		if id, ok := ParseManifestName(n); ok {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return ErrNoCheckpoint
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] > ids[j] })
	var skipped []string
	for _, id := range ids {
		why, err := try(id)
		if err == nil {
			done(append(skipped, why...))
			return nil
		}
		if !errors.Is(err, ErrCorrupt) && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		skipped = append(skipped, fmt.Sprintf("%s: %v", ManifestName(id), err))
	}
	return fmt.Errorf("%w: no valid checkpoint in %d manifests: %v", ErrCorrupt, len(ids), skipped)
}

// LoadID reads and verifies the chain of full checkpoint id (see Load),
// with its deltas applied, and no fallback to another chain.
func LoadID(fsys FS, dir string, id uint64) (*Snapshot, error) {
	m, err := readFullManifest(fsys, dir, id)
	if err != nil {
		return nil, err
	}
	s := &Snapshot{Manifest: m, Base: m, Tables: map[uint32]map[string]Record{}, Bytes: m.Bytes()}
	for _, seg := range m.Segments {
		if err := s.loadSegment(fsys, dir, seg); err != nil {
			return nil, fmt.Errorf("checkpoint %d: %w", id, err)
		}
	}
	n, why, err := readChain(fsys, dir, m, true, func(dm *Manifest, recs []Record) error {
		s.apply(recs)
		s.Manifest = dm
		s.Bytes += dm.Bytes()
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("checkpoint %d: %w", id, err)
	}
	s.Deltas = n
	if why != "" {
		s.Skipped = append(s.Skipped, why)
	}
	for id, t := range s.Tables {
		if len(t) == 0 {
			delete(s.Tables, id)
		}
	}
	return s, nil
}

// readFullManifest reads and checks the manifest of full checkpoint id.
func readFullManifest(fsys FS, dir string, id uint64) (*Manifest, error) {
	b, err := fsys.ReadFile(filepath.Join(dir, ManifestName(id)))
	if err != nil {
		return nil, err
	}
	m, err := DecodeManifest(b)
	if err != nil {
		return nil, err
	}
	if m.ID != id {
		return nil, corruptf("manifest %s holds checkpoint %d", ManifestName(id), m.ID)
	}
	if !m.Full {
		return nil, corruptf("manifest %s is not a full checkpoint (deltas live in delta logs)", ManifestName(id))
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return m, nil
}

// readChain reads the delta log of base's chain, calling fn for each
// good delta in order. It returns how many there were and, if the log
// was not read to a clean end, why (a torn tail, damage, or no delta log
// at all); err is an error that is not about the log's content (I/O, a
// newer format, fn's).
func readChain(fsys FS, dir string, base *Manifest, keep bool, fn deltaHandler) (n int, why string, err error) {
	t, err := readChainTail(fsys, dir, base, keep, fn)
	return t.deltas, t.why, err
}

// chainTail is where a chain's delta log ends, as readChainTail found it.
type chainTail struct {
	deltas int    // complete deltas read
	end    int64  // file offset after the last of them (0: no delta log)
	why    string // why the log does not end cleanly there ("" if it does)
	torn   bool   // it ends inside a delta: a crash while one was written
}

// readChainTail is readChain, also telling where the good part of the
// delta log ends and how it ends.
func readChainTail(fsys FS, dir string, base *Manifest, keep bool, fn deltaHandler) (chainTail, error) {
	name := DeltaLogName(base.ID)
	f, err := fsys.Open(filepath.Join(dir, name))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return chainTail{why: fmt.Sprintf("%s: missing: the chain's full checkpoint alone is loaded", name)}, nil
		}
		return chainTail{}, err
	}
	defer f.Close()
	var t chainTail
	t.deltas, t.end, err = readDeltaLog(f, base, keep, fn)
	switch {
	case err == nil:
		return t, nil
	case errors.Is(err, ErrCorrupt):
		t.why = fmt.Sprintf("%s: %d deltas applied, the rest ignored: %v", name, t.deltas, err)
		t.torn = errors.Is(err, errDeltaTorn)
		return t, nil
	}
	return t, err
}

// newestInChain returns the manifest of the newest good checkpoint of
// base's chain (its last intact delta's metadata, or base) and where the
// delta log's good part ends.
func newestInChain(fsys FS, dir string, base *Manifest) (*Manifest, chainTail, error) {
	last := base
	t, err := readChainTail(fsys, dir, base, false, func(m *Manifest, _ []Record) error {
		last = m
		return nil
	})
	return last, t, err
}

func (s *Snapshot) loadSegment(fsys FS, dir string, seg SegmentInfo) error {
	return readBaseSegment(fsys, dir, s.Manifest, seg, func(r Record) error {
		t := s.Tables[r.Table]
		if t == nil {
			t = map[string]Record{}
			s.Tables[r.Table] = t
		}
		if _, dup := t[string(r.Key)]; dup {
			return corruptf("segment %s: table %d key %x appears twice", seg.Name, r.Table, r.Key)
		}
		r.Key = append([]byte(nil), r.Key...)
		r.Value = append([]byte(nil), r.Value...)
		t[string(r.Key)] = r
		return nil
	})
}

// readBaseSegment reads and verifies segment seg of full checkpoint m
// (its name, size, whole-file checksum and record count against the
// manifest, every record's checksum and beginTS below the cut, no
// tombstone, and its header against the manifest), calling fn for each
// record in file order; fn's record slices are valid only during the
// call. Uniqueness of keys is the caller's to check.
func readBaseSegment(fsys FS, dir string, m *Manifest, seg SegmentInfo, fn func(Record) error) error {
	cid, num, ok := ParseSegmentName(seg.Name)
	if !ok || cid != m.ID {
		return corruptf("segment name %q is not one of checkpoint %d's", seg.Name, m.ID)
	}
	path := filepath.Join(dir, seg.Name)
	// The size first: a missing or cut-short segment is found without
	// reading it.
	size, err := fsys.Stat(path)
	if err != nil {
		return err
	}
	if size != seg.Size {
		return corruptf("segment %s: %d bytes, manifest says %d", seg.Name, size, seg.Size)
	}
	f, err := openSegment(fsys, path)
	if err != nil {
		return err
	}
	defer f.Close()
	h, err := ReadSegmentChecked(f, seg, func(r Record) error {
		if r.Tombstone {
			return corruptf("segment %s: a tombstone in a full checkpoint", seg.Name)
		}
		return fn(r)
	})
	if err != nil {
		return err
	}
	if h.CheckpointID != m.ID || h.Segment != num || h.Cut != m.Cut || h.Version != m.Version {
		return corruptf("segment %s: header (checkpoint %d, segment %d, version %d, cut %#x) does not match its manifest (checkpoint %d, segment %d, version %d, cut %#x)",
			seg.Name, h.CheckpointID, h.Segment, h.Version, h.Cut, m.ID, num, m.Version, m.Cut)
	}
	return nil
}

// apply lays a delta's records over the snapshot: a tombstone deletes its
// key, any other record replaces it.
func (s *Snapshot) apply(recs []Record) {
	for _, r := range recs {
		t := s.Tables[r.Table]
		if r.Tombstone {
			delete(t, string(r.Key))
			continue
		}
		if t == nil {
			t = map[string]Record{}
			s.Tables[r.Table] = t
		}
		t[string(r.Key)] = r
	}
}
