package cpr

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"testing"
)

// TestCrashAtEveryOp crashes (in MemFS's strict model: only synced data
// and synced directory entries survive) before every file-system operation
// of a checkpoint, and after its last, and recovers from each image: the
// result must be exactly the previous checkpoint's state or the new one's,
// never anything else, and the new one once Checkpoint has returned. It
// runs for the first checkpoint of a directory, for a delta, and for a
// full checkpoint that starts a second chain.
func TestCrashAtEveryOp(t *testing.T) {
	for _, tc := range []struct {
		name     string
		fraction float64 // Options.DeltaFraction for the second checkpoint
	}{{"delta", 1e9}, {"full", -1}} {
		t.Run(tc.name, func(t *testing.T) {
			db := newTestDB(t, 12, 2, -1)
			mfs := NewMemFS()
			ffs := NewFaultFS(mfs)
			var images []*MemFS
			ffs.SetHook(func(OpRecord) error {
				images = append(images, mfs.Crash())
				return nil
			})
			s := db.m.NewSession("a")
			defer s.Close()
			for i := 0; i < 300; i++ {
				db.exec(s, ins(db.tables[i%2], i, fmt.Sprint("v", i)))
			}
			// The first checkpoint of the directory: before it is durable
			// there is no checkpoint at all.
			c := newCkpt(t, db, Options{Dir: "/ck", FS: ffs, Workers: 1, DeltaFraction: tc.fraction})
			first, err := c.Checkpoint(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			state1 := db.liveState()
			checkImages(t, images, mfs.Crash(), nil, 0, state1, first.ID)

			// Changes, then a second checkpoint (a delta, or a new chain).
			for i := 0; i < 300; i += 3 {
				db.exec(s, upd(db.tables[i%2], i, fmt.Sprint("u", i)))
			}
			for i := 1; i < 300; i += 7 {
				db.exec(s, del(db.tables[i%2], i))
			}
			images = nil
			second, err := c.Checkpoint(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if second.Full != (tc.fraction < 0) {
				t.Fatalf("second checkpoint full=%v", second.Full)
			}
			checkImages(t, images, mfs.Crash(), state1, first.ID, db.liveState(), second.ID)
		})
	}
}

// checkImages recovers from every crash image taken during a checkpoint
// (before each operation) and from the image after it (final): each must
// load as the old state (oldID; nil state: no checkpoint) or the new one,
// and the final image as the new one. The old state may appear only
// before the new one does: once the new checkpoint is durable, a later
// crash must not lose it.
func checkImages(t *testing.T, images []*MemFS, final *MemFS, old map[uint32]map[string]string, oldID uint64, cur map[uint32]map[string]string, curID uint64) {
	t.Helper()
	if len(images) < 2 {
		t.Fatalf("only %d file-system operations observed", len(images))
	}
	sawNew := false
	for i, img := range append(images, final) {
		snap, err := loadChecked(t, img, "/ck")
		switch {
		case old == nil && (errors.Is(err, ErrNoCheckpoint) || errors.Is(err, fs.ErrNotExist)) && !sawNew:
			// No checkpoint yet (nor, at first, the directory): recovery
			// starts an empty database.
			continue
		case err != nil:
			t.Fatalf("crash before op %d of %d: %v", i+1, len(images), err)
		}
		got := snapState(snap)
		switch snap.Manifest.ID {
		case curID:
			if d := diffStates(cur, got); d != "" {
				t.Fatalf("crash before op %d: checkpoint %d differs from its state:\n%s", i+1, curID, d)
			}
			sawNew = true
		case oldID:
			if sawNew {
				t.Fatalf("crash before op %d: back to checkpoint %d after %d was durable", i+1, oldID, curID)
			}
			if d := diffStates(old, got); d != "" {
				t.Fatalf("crash before op %d: checkpoint %d differs from its state:\n%s", i+1, oldID, d)
			}
		default:
			t.Fatalf("crash before op %d: loaded checkpoint %d, want %d or %d", i+1, snap.Manifest.ID, oldID, curID)
		}
	}
	if !sawNew {
		t.Fatal("the final image does not hold the new checkpoint")
	}
	t.Logf("%d crash points: old state, then the new one", len(images)+1)
}
