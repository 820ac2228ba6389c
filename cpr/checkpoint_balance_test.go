package cpr

import (
	"context"
	"testing"

	"github.com/persiandb/persiandb/txn"
)

// TestFlushBalance: when the first half of the log holds only dead
// versions (a table rewritten, as ALTER TABLE ... ADD PRIMARY KEY does
// after pgbench -i), the live rows still spread over the segments, and
// the checkpoint holds exactly the live state.
func TestFlushBalance(t *testing.T) {
	db := newTestDB(t, 12, 1, -1) // 4 KiB pages
	tbl := db.tables[0]
	c := newCkpt(t, db, Options{Workers: 2, DeltaFraction: -1})
	s := db.m.NewSession("")
	defer s.Close()
	const n = 4000
	val := string(make([]byte, 60))
	for _, write := range []func(int) func(*txn.Txn) error{
		func(k int) func(*txn.Txn) error { return ins(tbl, k, val) },
		func(k int) func(*txn.Txn) error { return upd(tbl, k, val+"!") },
	} {
		for lo := 0; lo < n; lo += 500 {
			db.exec(s, func(tx *txn.Txn) error {
				for k := lo; k < lo+500; k++ {
					if err := write(k)(tx); err != nil {
						return err
					}
				}
				return nil
			})
		}
	}
	info, err := c.Checkpoint(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	snap, err := loadChecked(t, OSFS{}, c.opts.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if d := diffStates(db.liveState(), snapState(snap)); d != "" {
		t.Fatalf("checkpoint differs from the live state:\n%s", d)
	}
	segs := snap.Manifest.Segments
	if info.Workers != 2 || len(segs) != 2*segmentsPerWorker || info.Segments != len(segs) {
		t.Fatalf("%d workers, %d segments (info %d), want 2 and %d", info.Workers, len(segs), info.Segments, 2*segmentsPerWorker)
	}
	var most uint64
	for _, sg := range segs {
		most = max(most, sg.Records)
	}
	// The live rows sit in the second half of the log: four runs of it.
	if most > n/3 {
		t.Errorf("largest segment has %d of %d rows: %+v", most, n, segs)
	}
}

// TestBigDeltaIsFull: after a bulk load larger than DeltaFraction of the
// chain's base (and than bigDeltaScan), the next checkpoint is full, not
// a delta holding the whole load; a small change after it is a delta.
func TestBigDeltaIsFull(t *testing.T) {
	db := newTestDB(t, 22, 1, -1)
	tbl := db.tables[0]
	c := newCkpt(t, db, Options{})
	s := db.m.NewSession("")
	defer s.Close()
	val := string(make([]byte, 100))
	load := func(lo, hi int) {
		for ; lo < hi; lo += 10000 {
			db.exec(s, func(tx *txn.Txn) error {
				for k := lo; k < min(hi, lo+10000); k++ {
					if err := ins(tbl, k, val)(tx); err != nil {
						return err
					}
				}
				return nil
			})
		}
	}
	ctx := context.Background()
	load(0, 1000)
	if info, err := c.Checkpoint(ctx); err != nil || !info.Full {
		t.Fatalf("first checkpoint: full %v, %v", info.Full, err)
	}
	load(1000, 2000)
	if info, err := c.Checkpoint(ctx); err != nil || info.Full {
		t.Fatalf("a small change: full %v, %v", info.Full, err)
	}
	load(2000, 200000) // about 29 MB of log
	info, err := c.Checkpoint(ctx)
	if err != nil || !info.Full {
		t.Fatalf("after a bulk load: full %v, %v", info.Full, err)
	}
	if info.Chain != info.ID {
		t.Fatalf("full checkpoint %d in chain %d", info.ID, info.Chain)
	}
	load(200000, 200010)
	if info, err := c.Checkpoint(ctx); err != nil || info.Full {
		t.Fatalf("a small change after the full one: full %v, %v", info.Full, err)
	}
	snap, err := loadChecked(t, OSFS{}, c.opts.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if d := diffStates(db.liveState(), snapState(snap)); d != "" {
		t.Fatalf("checkpoint differs from the live state:\n%s", d)
	}
}
