package cpr

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// streamSnapshot reads dir with LoadStream into a Snapshot, checking
// key uniqueness in End as a LoadStream caller must.
func streamSnapshot(fsys FS, dir string) (*Snapshot, error) {
	var (
		mu     sync.Mutex
		srcs   map[int]map[uint32][]Record
		tables map[uint32]map[string]Record
		nsrc   int
	)
	sr, err := LoadStream(fsys, dir, StreamOptions{
		Begin: func(base *Manifest) error {
			srcs, tables, nsrc = map[int]map[uint32][]Record{}, nil, len(base.Segments)+1
			return nil
		},
		Rows: func(src int, table uint32, rows []Record) error {
			if src < 0 || src >= nsrc {
				return fmt.Errorf("source %d of %d", src, nsrc)
			}
			mu.Lock()
			defer mu.Unlock()
			if srcs[src] == nil {
				srcs[src] = map[uint32][]Record{}
			}
			for _, r := range rows {
				if r.Tombstone || r.Table != table {
					return fmt.Errorf("bad row %+v for table %d", r, table)
				}
				// The bytes are reused once Rows returns.
				r.Key, r.Value = bytes.Clone(r.Key), bytes.Clone(r.Value)
				srcs[src][table] = append(srcs[src][table], r)
			}
			return nil
		},
		End: func() error {
			tables = map[uint32]map[string]Record{}
			for _, m := range srcs {
				for id, rows := range m {
					t := tables[id]
					if t == nil {
						t = map[string]Record{}
						tables[id] = t
					}
					for _, r := range rows {
						if _, dup := t[string(r.Key)]; dup {
							return corruptf("table %d key %x appears twice", id, r.Key)
						}
						t[string(r.Key)] = r
					}
				}
			}
			return nil
		},
	})
	if err != nil {
		return nil, err
	}
	return &Snapshot{Manifest: sr.Manifest, Base: sr.Base, Deltas: sr.Deltas, Tables: tables, Skipped: sr.Skipped}, nil
}

// loadChecked is Load, also reading dir with LoadStream and failing the
// test if it does not give the same checkpoint, rows and reasons.
func loadChecked(t testing.TB, fsys FS, dir string) (*Snapshot, error) {
	t.Helper()
	want, werr := Load(fsys, dir)
	got, gerr := streamSnapshot(fsys, dir)
	switch {
	case (werr == nil) != (gerr == nil):
		t.Fatalf("Load: %v; LoadStream: %v", werr, gerr)
	case werr != nil:
		for _, e := range []error{ErrCorrupt, ErrNoCheckpoint, os.ErrNotExist, ErrNewerFormat} {
			if errors.Is(werr, e) != errors.Is(gerr, e) {
				t.Fatalf("Load: %v; LoadStream: %v", werr, gerr)
			}
		}
	default:
		if want.Manifest.ID != got.Manifest.ID || want.Base.ID != got.Base.ID || want.Deltas != got.Deltas {
			t.Fatalf("Load: checkpoint %d (base %d, %d deltas); LoadStream: %d (base %d, %d deltas)",
				want.Manifest.ID, want.Base.ID, want.Deltas, got.Manifest.ID, got.Base.ID, got.Deltas)
		}
		if !slices.Equal(want.Skipped, got.Skipped) && !dupReasons(want.Skipped, got.Skipped) {
			t.Fatalf("skipped: Load %q; LoadStream %q", want.Skipped, got.Skipped)
		}
		if d := diffStates(snapState(want), snapState(got)); d != "" {
			t.Fatalf("LoadStream differs from Load:\n%s", d)
		}
		for id, rows := range want.Tables {
			for k, r := range rows {
				if g := got.Tables[id][k]; g.BeginTS != r.BeginTS || !bytes.Equal(g.Key, r.Key) {
					t.Fatalf("table %d key %x: beginTS %#x, LoadStream %#x", id, k, r.BeginTS, g.BeginTS)
				}
			}
		}
	}
	return want, werr
}

// dupReasons: the reasons differ only where both name a duplicate key
// (Load finds it in a segment, a LoadStream caller after the stream).
func dupReasons(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] && !(strings.Contains(a[i], "appears twice") && strings.Contains(b[i], "appears twice")) {
			return false
		}
	}
	return true
}

// TestStreamDuplicateKey: a key in two segments of a full checkpoint
// makes LoadStream's caller reject the chain, as Load does, and the
// previous one is used.
func TestStreamDuplicateKey(t *testing.T) {
	db := newTestDB(t, 14, 1, -1)
	dir := t.TempDir()
	c := newCkpt(t, db, Options{Dir: dir, Workers: 2, Keep: 3, DeltaFraction: -1})
	ctx := context.Background()
	var ids []uint64
	for i := 0; i < 2; i++ {
		db.fill(db.tables[0], i*3000, 3000, 100)
		info, err := c.Checkpoint(ctx)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, info.ID)
	}
	m, err := readFullManifest(OSFS{}, dir, ids[1])
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Segments) < 2 {
		t.Fatalf("%d segments", len(m.Segments))
	}
	// Rewrite segment 1 with segment 0's first record added: a valid
	// file, manifest entry and all, but the key is there twice.
	var first *Record
	var recs []Record
	for i, seg := range m.Segments[:2] {
		f, err := os.Open(filepath.Join(dir, seg.Name))
		if err != nil {
			t.Fatal(err)
		}
		_, err = ReadSegment(f, func(r Record) error {
			r.Key, r.Value = bytes.Clone(r.Key), bytes.Clone(r.Value)
			if i == 0 && first == nil {
				first = &r
			}
			if i == 1 {
				recs = append(recs, r)
			}
			return nil
		})
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	recs = append(recs, *first)
	_, num, _ := ParseSegmentName(m.Segments[1].Name)
	f, err := OSFS{}.Create(filepath.Join(dir, m.Segments[1].Name))
	if err != nil {
		t.Fatal(err)
	}
	w, err := NewSegmentWriter(f, SegmentHeader{CheckpointID: m.ID, Version: m.Version, Cut: m.Cut, Segment: num})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if err := w.Add(r); err != nil {
			t.Fatal(err)
		}
	}
	size, crc, err := w.Close()
	if err != nil {
		t.Fatal(err)
	}
	m.Segments[1].Size, m.Segments[1].CRC, m.Segments[1].Records = size, crc, uint64(len(recs))
	if err := WriteManifest(OSFS{}, dir, ManifestName(m.ID), m); err != nil {
		t.Fatal(err)
	}
	snap, err := loadChecked(t, OSFS{}, dir)
	if err != nil {
		t.Fatal(err)
	}
	if snap.Manifest.ID != ids[0] || len(snap.Skipped) != 1 || !strings.Contains(snap.Skipped[0], "appears twice") {
		t.Fatalf("loaded %d, skipped %q", snap.Manifest.ID, snap.Skipped)
	}
	st, err := streamSnapshot(OSFS{}, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Load: %q; LoadStream: %q", snap.Skipped, st.Skipped)
}
