package cpr

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/persiandb/persiandb/txn"
)

// TestDeltaTornTail: a chain of a full checkpoint and three deltas (with
// updates, inserts and deletions across them). Cutting the delta log
// inside the last delta, or flipping a bit in it, loads the delta before
// it; damage in the first delta loads the full checkpoint; a missing
// delta log loads the full checkpoint too. Each is said in Skipped.
func TestDeltaTornTail(t *testing.T) {
	db := newTestDB(t, 14, 2, -1)
	t1, t2 := db.tables[0], db.tables[1]
	dir := t.TempDir()
	c := newCkpt(t, db, Options{Dir: dir, Workers: 2})
	c.testFull = func(int) bool { return false }
	ctx := context.Background()
	s := db.m.NewSession("a")
	defer s.Close()
	var checkSkip func(what string, want int, skip bool)
	var states []map[uint32]map[string]string
	var infos []Info
	ckpt := func() {
		t.Helper()
		info, err := c.Checkpoint(ctx)
		if err != nil {
			t.Fatal(err)
		}
		infos = append(infos, info)
		states = append(states, db.liveState())
	}
	for i := 0; i < 20; i++ {
		db.exec(s, ins(t1, i, fmt.Sprint("a", i)))
		db.exec(s, ins(t2, i, fmt.Sprint("b", i)))
	}
	ckpt() // full
	db.exec(s, upd(t1, 1, "a1'"))
	db.exec(s, del(t1, 2))
	db.exec(s, del(t2, 3))
	db.exec(s, ins(t1, 100, "new"))
	ckpt() // delta 1
	db.exec(s, ins(t1, 2, "a2 again"))
	db.exec(s, del(t1, 100))
	db.exec(s, del(t1, 5))
	ckpt() // delta 2
	db.exec(s, upd(t2, 7, "b7'"))
	db.exec(s, del(t2, 8))
	db.exec(s, ins(t2, 8, "b8 back"))
	db.exec(s, del(t1, 6))
	ckpt() // delta 3
	for i, in := range infos {
		if in.Full != (i == 0) || in.Chain != infos[0].ID {
			t.Fatalf("checkpoint %d: %+v", i, in)
		}
	}
	if infos[2].Rows < 3 { // the re-insert and two tombstones
		t.Fatalf("delta 2 wrote %d records", infos[2].Rows)
	}
	check := func(what string, want int) {
		t.Helper()
		checkSkip(what, want, want != 3)
	}
	checkSkip = func(what string, want int, skip bool) {
		t.Helper()
		snap, err := loadChecked(t, OSFS{}, dir)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if snap.Manifest.ID != infos[want].ID || snap.Deltas != want || snap.Base.ID != infos[0].ID {
			t.Fatalf("%s: loaded checkpoint %d with %d deltas, want %d", what, snap.Manifest.ID, snap.Deltas, infos[want].ID)
		}
		if snap.Manifest.Cut != infos[want].Cut || len(snap.Manifest.Sessions) != 1 {
			t.Fatalf("%s: manifest %+v", what, snap.Manifest)
		}
		if d := diffStates(states[want], snapState(snap)); d != "" {
			t.Fatalf("%s: state differs from checkpoint %d's:\n%s", what, want, d)
		}
		if skip != (len(snap.Skipped) != 0) {
			t.Fatalf("%s: skipped %q", what, snap.Skipped)
		}
		t.Logf("%s: skipped %q", what, snap.Skipped)
	}
	check("intact", 3)

	path := filepath.Join(dir, DeltaLogName(infos[0].ID))
	orig, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	write := func(b []byte) {
		t.Helper()
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	end2 := int64(deltaHeaderSize) + infos[1].Bytes + infos[2].Bytes
	if end2+infos[3].Bytes != int64(len(orig)) {
		t.Fatalf("delta log %d bytes, deltas %d+%d+%d", len(orig), infos[1].Bytes, infos[2].Bytes, infos[3].Bytes)
	}
	for _, cut := range []int64{1, 5, 30, infos[3].Bytes - 1} {
		write(orig[:end2+cut])
		check(fmt.Sprintf("torn %d bytes into delta 3", cut), 2)
	}
	for _, off := range []int64{3, infos[3].Bytes / 2, infos[3].Bytes - 2} {
		b := append([]byte(nil), orig...)
		b[end2+off] ^= 0x10
		write(b)
		check(fmt.Sprintf("bit flip at %d in delta 3", off), 2)
	}
	b := append([]byte(nil), orig...)
	b[deltaHeaderSize+10] ^= 1
	write(b)
	check("bit flip in delta 1", 0)
	write(orig[:deltaHeaderSize])
	checkSkip("header only", 0, false)
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	check("delta log missing", 0)
}

// TestDeltaCrash: deltas on a MemFS, crashed after each one: the crashed
// file system loads exactly that delta's state (every delta is durable
// when Checkpoint returns, without a directory sync).
func TestDeltaCrash(t *testing.T) {
	db := newTestDB(t, 14, 1, -1)
	mfs := NewMemFS()
	c := newCkpt(t, db, Options{Dir: "/ck", FS: mfs, DeltaFraction: 1e9})
	s := db.m.NewSession("a")
	defer s.Close()
	for i := 0; i < 6; i++ {
		db.exec(s, ins(db.tables[0], i, "x"))
		if i > 2 {
			db.exec(s, del(db.tables[0], i-3))
		}
		info, err := c.Checkpoint(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if info.Full != (i == 0) {
			t.Fatalf("checkpoint %d full %v", i, info.Full)
		}
		snap, err := loadChecked(t, mfs.Crash(), "/ck")
		if err != nil {
			t.Fatal(err)
		}
		if snap.Manifest.ID != info.ID {
			t.Fatalf("after a crash: checkpoint %d, want %d", snap.Manifest.ID, info.ID)
		}
		if d := diffStates(db.liveState(), snapState(snap)); d != "" {
			t.Fatalf("after a crash, checkpoint %d differs:\n%s", info.ID, d)
		}
	}
	// A new checkpointer on the directory carries the newest delta's cut
	// and points, and starts a new chain.
	c.Close()
	c2 := newCkpt(t, db, Options{Dir: "/ck", FS: mfs})
	if c2.Durable() != c.Durable() {
		t.Fatalf("reopened: durable %#x, want %#x", c2.Durable(), c.Durable())
	}
	info, err := c2.Checkpoint(context.Background())
	if err != nil || !info.Full || info.ID != c.History()[5].ID+1 {
		t.Fatalf("reopened: %+v, %v", info, err)
	}
}

// TestGroupCommitDeltas: 8 committers, each waiting for its commit to be
// durable (synchronous_commit = on), for about a second, with deltas and,
// for comparison, with full checkpoints only. The rate is logged, not
// asserted; the state and every acknowledged commit are.
func TestGroupCommitDeltas(t *testing.T) {
	t.Run("deltas", func(t *testing.T) { groupCommit(t, 0) })
	t.Run("full", func(t *testing.T) { groupCommit(t, -1) })
}

func groupCommit(t *testing.T, fraction float64) {
	db := newTestDB(t, 16, 1, 5*time.Millisecond)
	dir := t.TempDir()
	c := newCkpt(t, db, Options{Dir: dir, Workers: 2, DeltaFraction: fraction})
	db.fill(db.tables[0], 0, 20000, 100) // a base worth deltas
	if _, err := c.Checkpoint(context.Background()); err != nil {
		t.Fatal(err)
	}
	dur := time.Second
	if testing.Short() {
		dur = 300 * time.Millisecond
	}
	var (
		wg      sync.WaitGroup
		commits atomic.Int64
		stop    atomic.Bool
		acked   sync.Map // key -> value acknowledged durable
	)
	start := time.Now()
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := db.m.NewSession(fmt.Sprintf("g%d", w))
			defer s.Close()
			ctx := context.Background()
			for i := 0; !stop.Load(); i++ {
				k := w*1000 + i%1000
				v := fmt.Sprintf("g%d.%d", w, i)
				tx := s.Begin(txn.TxnOptions{})
				_, err := tx.Update(ctx, db.tables[0], key(k), func([]byte) ([]byte, bool, error) { return []byte(v), true, nil })
				if err == nil && i%7 == 3 {
					_, err = tx.Delete(ctx, db.tables[0], key(20000+k), nil)
					v += "+del"
				}
				if err != nil {
					tx.Rollback()
					t.Error(err)
					return
				}
				if err := tx.Commit(); err != nil {
					t.Error(err)
					return
				}
				if err := c.WaitDurable(ctx, tx.CommitTS()); err != nil {
					t.Error(err)
					return
				}
				acked.Store(k, v)
				commits.Add(1)
			}
		}()
	}
	time.Sleep(dur)
	stop.Store(true)
	wg.Wait()
	elapsed := time.Since(start)
	var deltas, full int
	for _, in := range c.History() {
		if in.Full {
			full++
		} else {
			deltas++
		}
	}
	t.Logf("%d durable commits in %v: %.0f commits/s; %d checkpoints (%d full, %d deltas)",
		commits.Load(), elapsed.Round(time.Millisecond), float64(commits.Load())/elapsed.Seconds(), deltas+full, full, deltas)
	if (deltas == 0) != (fraction < 0) {
		t.Fatalf("%d delta checkpoints", deltas)
	}
	snap, err := loadChecked(t, OSFS{}, dir)
	if err != nil {
		t.Fatal(err)
	}
	got := snapState(snap)[db.tables[0].ID()]
	acked.Range(func(k, v any) bool {
		val := v.(string)
		if g := got[string(key(k.(int)))]; g != strings.TrimSuffix(val, "+del") {
			t.Errorf("key %d: checkpoint has %q, acknowledged %q", k, g, val)
		}
		if strings.HasSuffix(val, "+del") {
			if _, ok := got[string(key(20000+k.(int)))]; ok {
				t.Errorf("key %d: deleted and acknowledged, but in the checkpoint", 20000+k.(int))
			}
		}
		return true
	})
	if d := diffStates(db.liveState(), snapState(snap)); d != "" {
		t.Fatalf("the last checkpoint differs from the live state:\n%s", d)
	}
}
