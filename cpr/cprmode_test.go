package cpr

import (
	"context"
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/persiandb/persiandb/txn"
)

func TestParseMode(t *testing.T) {
	for _, m := range []Mode{ModePersian, ModeCPR} {
		got, err := ParseMode(m.String())
		if err != nil || got != m {
			t.Errorf("ParseMode(%q) = %v, %v", m.String(), got, err)
		}
	}
	if _, err := ParseMode("fuzzy"); err == nil {
		t.Error("ParseMode accepted an unknown mode")
	}
}

// TestModesSameContent: one database, one checkpoint in each mode at the
// same state (nothing commits between them): Load returns identical
// tables, down to every record's beginTS. The history has superseded and
// deleted versions, an aborted insert, a dropped table, a writer in flight
// across both cuts, and the background collector moving records between
// the two checkpoints (small pages, so Persian uses several segments).
func TestModesSameContent(t *testing.T) {
	seed := persianSeed(t)
	r := rand.New(rand.NewPCG(seed, seed))
	db := newTestDB(t, 12, 3, time.Millisecond)
	t1, t2, t3 := db.tables[0], db.tables[1], db.tables[2]
	s := db.m.NewSession("main")
	defer s.Close()
	const keys = 300
	db.fill(t1, 0, keys, 40)
	db.fill(t2, 0, keys, 40)
	db.fill(t3, 0, 50, 40)
	present := map[int]bool{}
	for i := 0; i < keys; i++ {
		present[i] = true
	}
	for i := 0; i < 2000; i++ {
		k := r.IntN(keys)
		tbl := t1
		if r.IntN(2) == 0 {
			tbl = t2
		}
		switch {
		case tbl == t1 && !present[k]:
			db.exec(s, ins(t1, k, "re-"+strconv.Itoa(i)))
			present[k] = true
		case tbl == t1 && r.IntN(8) == 0:
			db.exec(s, del(t1, k))
			present[k] = false
		default:
			db.exec(s, upd(tbl, k, string(rune('a'+r.IntN(26)))+"-updated"))
		}
	}
	aborted := s.Begin(txn.TxnOptions{})
	if err := ins(t2, keys+1, "aborted")(aborted); err != nil {
		t.Fatal(err)
	}
	aborted.Rollback()
	if err := db.st.DropTable(t3.ID()); err != nil {
		t.Fatal(err)
	}
	// A writer in flight across both checkpoints: its markers must not
	// change which versions either mode writes.
	w := db.m.NewSession("writer")
	defer w.Close()
	wtx := w.Begin(txn.TxnOptions{})
	for _, f := range []func(*txn.Txn) error{upd(t2, 1, "in flight"), ins(t2, keys+2, "in flight"), del(t2, 2)} {
		if err := f(wtx); err != nil {
			t.Fatal(err)
		}
	}
	defer wtx.Rollback()

	ctx := context.Background()
	snaps := map[Mode]*Snapshot{}
	for _, mode := range []Mode{ModePersian, ModeCPR} {
		dir := t.TempDir()
		c := newCkpt(t, db, Options{Dir: dir, Workers: 4, Mode: mode})
		info, err := c.Checkpoint(ctx)
		if err != nil {
			t.Fatalf("%v: %v", mode, err)
		}
		snap, err := loadChecked(t, OSFS{}, dir)
		if err != nil {
			t.Fatalf("%v: load: %v", mode, err)
		}
		if int64(snap.Rows()) != info.Rows {
			t.Errorf("%v: loaded %d rows, info says %d", mode, snap.Rows(), info.Rows)
		}
		t.Logf("%v: %d rows, %d bytes, %d segments", mode, info.Rows, info.Bytes, info.Workers)
		if want := 1; mode == ModeCPR && len(snap.Manifest.Segments) != want {
			t.Errorf("cpr mode wrote %d segments, want %d", len(snap.Manifest.Segments), want)
		}
		if mode == ModePersian && len(snap.Manifest.Segments) < 2 {
			t.Errorf("persian mode wrote %d segments; the test wants several", len(snap.Manifest.Segments))
		}
		snaps[mode] = snap
		time.Sleep(5 * time.Millisecond) // let the collector move records between the two
	}
	p, c := snaps[ModePersian], snaps[ModeCPR]
	if d := diffStates(snapState(p), snapState(c)); d != "" {
		t.Fatalf("the two modes' checkpoints differ (want persian, got cpr):\n%s", d)
	}
	if !reflect.DeepEqual(p.Tables, c.Tables) {
		t.Fatal("same rows but different records (beginTS or table)")
	}
	if len(p.Tables) != 2 || p.Rows() == 0 {
		t.Fatalf("tables %d, rows %d: the history did not produce what the test wants", len(p.Tables), p.Rows())
	}
	// And both are the state before the writer: what a fresh snapshot sees.
	if d := diffStates(db.liveState(), snapState(c)); d != "" {
		t.Fatalf("checkpoint differs from the live state:\n%s", d)
	}
}

// TestModeCPRFailure: a failed write in cpr mode fails the checkpoint
// cleanly (no segment left, the previous checkpoint still loads), and a
// cancelled context stops it before it writes anything.
func TestModeCPRFailure(t *testing.T) {
	db := newTestDB(t, 14, 1, -1)
	tbl := db.tables[0]
	db.fill(tbl, 0, 3000, 100)
	dir := t.TempDir()
	ffs := NewFaultFS(OSFS{})
	c := newCkpt(t, db, Options{Dir: dir, FS: ffs, Mode: ModeCPR, DeltaFraction: -1}) // full checkpoints only
	ctx := context.Background()
	good, err := c.Checkpoint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s := db.m.NewSession("")
	defer s.Close()
	db.exec(s, upd(tbl, 7, "changed"))

	ffs.FailNth(OpWrite, ffs.Count(OpWrite)+2)
	if _, err := c.Checkpoint(ctx); err == nil {
		t.Fatal("checkpoint succeeded despite the fault")
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := c.Checkpoint(cancelled); err == nil {
		t.Fatal("checkpoint succeeded with a cancelled context")
	}
	ms, segs, other := manifestIDs(t, OSFS{}, dir)
	if len(ms) != 1 || ms[0] != good.ID || len(segs) != 1 || !slices.Equal(other, []string{DeltaLogName(good.ID)}) {
		t.Fatalf("after the failures: manifests %v segments %v other %v", ms, segs, other)
	}
	ffs.FailNth(OpWrite, 0)
	if _, err := c.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	snap, err := loadChecked(t, OSFS{}, dir)
	if err != nil {
		t.Fatal(err)
	}
	if d := diffStates(db.liveState(), snapState(snap)); d != "" {
		t.Fatalf("checkpoint after the failures differs:\n%s", d)
	}
}
