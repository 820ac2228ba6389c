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
	Manifest *Manifest
	// Tables maps table id -> key -> the key's row at the cut. Records own
	// their bytes.
	Tables map[uint32]map[string]Record
	// Skipped gives, newest first, why each newer manifest was not used.
	Skipped []string
}

// Rows returns the number of rows in the snapshot.
func (s *Snapshot) Rows() int {
	n := 0
	for _, t := range s.Tables {
		n += len(t)
	}
	return n
}

// Load reads the newest valid checkpoint in dir. A manifest is valid if
// its checksum holds and every segment it names exists with the size,
// whole-file checksum and record count it records, and reads back intact
// (each record's checksum, beginTS below the cut, no key twice). A damaged
// manifest (ErrCorrupt, or a missing file) is skipped, its reason kept in
// Skipped and the previous one tried. Anything else stops the search and
// is returned: an I/O error or a newer format (ErrNewerFormat) says
// nothing about the manifest's validity, and falling back would lose
// commits silently; so does a delta checkpoint, which this reader does
// not apply yet.
func Load(fsys FS, dir string) (*Snapshot, error) {
	names, err := fsys.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("cpr: list checkpoint directory: %w", err)
	}
	var ids []uint64
	for _, n := range names {
		if id, ok := ParseManifestName(n); ok {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil, ErrNoCheckpoint
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] > ids[j] })
	var skipped []string
	for _, id := range ids {
		s, err := LoadID(fsys, dir, id)
		if err == nil {
			s.Skipped = skipped
			return s, nil
		}
		if !errors.Is(err, ErrCorrupt) && !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		skipped = append(skipped, fmt.Sprintf("%s: %v", ManifestName(id), err))
	}
	return nil, fmt.Errorf("%w: no valid checkpoint in %d manifests: %v", ErrCorrupt, len(ids), skipped)
}

// LoadID reads and verifies checkpoint id (see Load), with no fallback.
func LoadID(fsys FS, dir string, id uint64) (*Snapshot, error) {
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
		return nil, fmt.Errorf("cpr: checkpoint %d is a delta; this reader loads full checkpoints only", id)
	}
	s := &Snapshot{Manifest: m, Tables: map[uint32]map[string]Record{}}
	for _, seg := range m.Segments {
		if err := s.loadSegment(fsys, dir, seg); err != nil {
			return nil, fmt.Errorf("checkpoint %d: %w", id, err)
		}
	}
	return s, nil
}

func (s *Snapshot) loadSegment(fsys FS, dir string, seg SegmentInfo) error {
	m := s.Manifest
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
	f, err := fsys.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	h, err := ReadSegmentChecked(f, seg, func(r Record) error {
		if r.Tombstone {
			return corruptf("segment %s: a tombstone in a full checkpoint", seg.Name)
		}
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
	if err != nil {
		return err
	}
	if h.CheckpointID != m.ID || h.Segment != num || h.Cut != m.Cut || h.Version != m.Version {
		return corruptf("segment %s: header (checkpoint %d, segment %d, version %d, cut %#x) does not match its manifest (checkpoint %d, segment %d, version %d, cut %#x)",
			seg.Name, h.CheckpointID, h.Segment, h.Version, h.Cut, m.ID, num, m.Version, m.Cut)
	}
	return nil
}
