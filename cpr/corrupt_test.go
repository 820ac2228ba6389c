package cpr

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"testing"
)

// TestCorruptFiles damages one file of a checkpoint directory at a time
// (a flipped bit, a truncation, a deletion) and loads it: the result is
// either an error that names the damage, or exactly the state of one of
// the checkpoints taken (never a mix, never a panic), and it is the
// newest checkpoint whenever the damaged file is not needed for it.
func TestCorruptFiles(t *testing.T) {
	db := newTestDB(t, 12, 2, -1)
	dir := t.TempDir()
	c := newCkpt(t, db, Options{Dir: dir, Workers: 2, DeltaFraction: 1e9, Keep: 3})
	s := db.m.NewSession("a")
	defer s.Close()
	states := map[uint64]map[uint32]map[string]string{}
	var newest uint64
	step := func(round int) {
		for i := 0; i < 200; i++ {
			k := round*1000 + i
			db.exec(s, ins(db.tables[i%2], k, fmt.Sprint("v", k)))
			if i%5 == 0 && round > 0 {
				db.exec(s, del(db.tables[i%2], (round-1)*1000+i))
			}
		}
		info, err := c.Checkpoint(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		states[info.ID], newest = db.liveState(), info.ID
	}
	for round := 0; round < 3; round++ {
		step(round) // a full checkpoint, then deltas
	}
	c.opts.DeltaFraction = -1
	step(3) // a second chain
	c.opts.DeltaFraction = 1e9
	step(4) // and a delta on it

	names, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	seed := rand.Int63()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewSource(seed))
	cases := 0
	for _, e := range names {
		orig, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		damages := map[string]func() []byte{
			"delete": nil,
			"truncate": func() []byte {
				return orig[:rng.Intn(len(orig))]
			},
			"flip": func() []byte {
				b := append([]byte(nil), orig...)
				i := rng.Intn(len(b))
				b[i] ^= 1 << rng.Intn(8)
				return b
			},
		}
		for kind, damage := range damages {
			cases++
			path := filepath.Join(dir, e.Name())
			if damage == nil {
				if err := os.Remove(path); err != nil {
					t.Fatal(err)
				}
			} else if err := os.WriteFile(path, damage(), 0o600); err != nil {
				t.Fatal(err)
			}
			snap, err := loadChecked(t, OSFS{}, dir)
			if err != nil {
				if len(err.Error()) < 20 {
					t.Errorf("%s %s: unhelpful error %q", kind, e.Name(), err)
				}
			} else {
				want, ok := states[snap.Manifest.ID]
				if !ok {
					t.Fatalf("%s %s: loaded unknown checkpoint %d", kind, e.Name(), snap.Manifest.ID)
				}
				if d := diffStates(want, snapState(snap)); d != "" {
					t.Fatalf("%s %s: checkpoint %d loaded wrong:\n%s", kind, e.Name(), snap.Manifest.ID, d)
				}
				// A deleted manifest looks like a checkpoint that never
				// finished (a crash before its rename): falling back is
				// right and there is nothing damaged to report.
				unfinished := kind == "delete" && filepath.Base(path)[:8] == "manifest"
				if snap.Manifest.ID != newest && len(snap.Skipped) == 0 && !unfinished {
					t.Errorf("%s %s: fell back to %d without saying why", kind, e.Name(), snap.Manifest.ID)
				}
			}
			if err := os.WriteFile(path, orig, 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	if snap, err := loadChecked(t, OSFS{}, dir); err != nil || snap.Manifest.ID != newest {
		t.Fatalf("restored directory: %v", err)
	}
	t.Logf("%d files, %d damages", len(names), cases)
}
