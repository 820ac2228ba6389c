package cpr

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
)

// ErrNoSuchCheckpoint is returned (wrapped) by LoadTo when the directory
// holds no full checkpoint and no intact delta with the id asked for.
var ErrNoSuchCheckpoint = errors.New("cpr: no such checkpoint")

// ChainInfo describes one chain of a checkpoint directory, as List finds
// it: the operator's view (persiandb checkpoint list).
type ChainInfo struct {
	// ID is the chain's full checkpoint id (its manifest's name).
	ID uint64
	// Base is the full checkpoint's manifest; nil if it could not be read.
	Base *Manifest
	// Err says why the full checkpoint is not usable (its manifest, or a
	// segment's size, checksum, record count or content); nil if intact.
	Err error
	// Deltas are the metadata of the chain's intact deltas, in order.
	Deltas []*Manifest
	// DeltaErr says why the delta log was not read to a clean end (a torn
	// tail, damage, or no delta log); "" if it was.
	DeltaErr string
}

// Newest returns the manifest of the chain's newest intact checkpoint
// (its last intact delta, or Base), or nil if Base is nil.
func (c *ChainInfo) Newest() *Manifest {
	if len(c.Deltas) > 0 {
		return c.Deltas[len(c.Deltas)-1]
	}
	return c.Base
}

// Listing is a checkpoint directory as List finds it.
type Listing struct {
	// Chains, oldest first (by id): Load would use the newest intact one.
	Chains []ChainInfo
	// Orphans are segments and delta logs no readable manifest owns (the
	// leftovers of a failed or crashed checkpoint, which retention
	// removes, or the files of a damaged manifest) and temp manifests.
	Orphans []string
}

// List describes every chain in dir: each full checkpoint's manifest and
// segments are verified (checksums, sizes, record counts, the cut rule of
// every record; not key uniqueness, which LoadTo checks), and each delta
// log is read through (checksums, the chain's order, each delta's records
// against its metadata and its [previous cut, cut) range). Damage is
// reported per chain, never as an error; an error is an I/O failure.
func List(fsys FS, dir string) (*Listing, error) {
	names, err := fsys.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("cpr: list checkpoint directory: %w", err)
	}
	l := &Listing{}
	owned := map[string]bool{}
	for _, n := range names {
		id, ok := ParseManifestName(n)
		if !ok {
			continue
		}
		c := ChainInfo{ID: id}
		owned[n], owned[DeltaLogName(id)] = true, true
		c.Base, c.Err = readFullManifest(fsys, dir, id)
		if c.Err != nil {
			c.Err = fmt.Errorf("%s: %w", n, c.Err)
		}
		if c.Base != nil && c.Err == nil {
			for _, seg := range c.Base.Segments {
				owned[seg.Name] = true
			}
			c.Err = verifySegments(fsys, dir, c.Base)
			_, why, err := readChain(fsys, dir, c.Base, false, func(m *Manifest, _ []Record) error {
				c.Deltas = append(c.Deltas, m)
				return nil
			})
			if err != nil {
				return nil, fmt.Errorf("cpr: reading %s: %w", DeltaLogName(id), err)
			}
			c.DeltaErr = why
		} else if c.Err != nil && !errors.Is(c.Err, ErrCorrupt) && !errors.Is(c.Err, fs.ErrNotExist) {
			return nil, fmt.Errorf("cpr: reading %s: %w", n, c.Err)
		}
		l.Chains = append(l.Chains, c)
	}
	sort.Slice(l.Chains, func(i, j int) bool { return l.Chains[i].ID < l.Chains[j].ID })
	for _, n := range names {
		_, _, seg := ParseSegmentName(n)
		_, dlog := ParseDeltaLogName(n)
		if ((seg || dlog) && !owned[n]) || strings.HasSuffix(n, TempSuffix) {
			l.Orphans = append(l.Orphans, n)
		}
	}
	sort.Strings(l.Orphans)
	return l, nil
}

// verifySegments reads every segment of full checkpoint m through,
// checking it as Load does except for key uniqueness (which needs the
// keys in memory).
func verifySegments(fsys FS, dir string, m *Manifest) error {
	for _, seg := range m.Segments {
		cid, num, ok := ParseSegmentName(seg.Name)
		if !ok || cid != m.ID {
			return corruptf("segment name %q is not one of checkpoint %d's", seg.Name, m.ID)
		}
		f, err := fsys.Open(filepath.Join(dir, seg.Name))
		if err != nil {
			return fmt.Errorf("segment %s: %w", seg.Name, err)
		}
		h, err := ReadSegmentChecked(f, seg, func(r Record) error {
			if r.Tombstone {
				return corruptf("segment %s: a tombstone in a full checkpoint", seg.Name)
			}
			return nil
		})
		_ = f.Close()
		if err != nil {
			if !strings.Contains(err.Error(), seg.Name) {
				err = fmt.Errorf("segment %s: %w", seg.Name, err)
			}
			return err
		}
		if h.CheckpointID != m.ID || h.Segment != num || h.Cut != m.Cut || h.Version != m.Version {
			return corruptf("segment %s: header (checkpoint %d, segment %d, version %d, cut %#x) does not match its manifest",
				seg.Name, h.CheckpointID, h.Segment, h.Version, h.Cut)
		}
	}
	return nil
}

// errStopChain stops LoadTo's delta read past the checkpoint asked for.
var errStopChain = errors.New("cpr: stop")

// LoadTo reads checkpoint id and nothing newer: for a full checkpoint,
// its segments alone (none of its chain's deltas); for a delta, its
// chain's full checkpoint with the deltas up to and including id applied.
// Every file read is verified as Load verifies it, and nothing falls
// back: a damaged full checkpoint, or a delta log damaged before id, is
// an error wrapping ErrCorrupt that names the file and the check. An id
// that is neither a manifest nor a delta in the log of the newest chain
// at or below it gives ErrNoSuchCheckpoint. Snapshot.Skipped is empty.
func LoadTo(fsys FS, dir string, id uint64) (*Snapshot, error) {
	names, err := fsys.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("cpr: list checkpoint directory: %w", err)
	}
	var base uint64
	found := false
	for _, n := range names {
		if mid, ok := ParseManifestName(n); ok && mid <= id && (!found || mid > base) {
			base, found = mid, true
		}
	}
	if !found {
		return nil, fmt.Errorf("%w: %d (no full checkpoint at or below it in %s)", ErrNoSuchCheckpoint, id, dir)
	}
	m, err := readFullManifest(fsys, dir, base)
	if err != nil {
		return nil, fmt.Errorf("checkpoint %d: %s: %w", base, ManifestName(base), err)
	}
	s := &Snapshot{Manifest: m, Base: m, Tables: map[uint32]map[string]Record{}}
	for _, seg := range m.Segments {
		if err := s.loadSegment(fsys, dir, seg); err != nil {
			if !strings.Contains(err.Error(), seg.Name) {
				err = fmt.Errorf("segment %s: %w", seg.Name, err)
			}
			return nil, fmt.Errorf("checkpoint %d: %w", base, err)
		}
	}
	if id == base {
		return s, nil
	}
	n, why, err := readChain(fsys, dir, m, true, func(dm *Manifest, recs []Record) error {
		if dm.ID > id {
			return errStopChain
		}
		s.apply(recs)
		s.Manifest = dm
		s.Deltas++
		return nil
	})
	switch {
	case err != nil && !errors.Is(err, errStopChain):
		return nil, fmt.Errorf("checkpoint %d: %w", id, err)
	case s.Manifest.ID == id:
	case why != "":
		return nil, fmt.Errorf("%w: checkpoint %d: not among the %d intact deltas of chain %d: %s", ErrCorrupt, id, n, base, why)
	default:
		return nil, fmt.Errorf("%w: %d (chain %d has %d deltas, none with this id)", ErrNoSuchCheckpoint, id, base, n)
	}
	for tid, t := range s.Tables {
		if len(t) == 0 {
			delete(s.Tables, tid)
		}
	}
	return s, nil
}
