package cpr

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/persiandb/persiandb/storage"
	"github.com/persiandb/persiandb/txn"
	"github.com/rs/zerolog"
)

// testDB is a store, a manager and a few tables of raw byte rows (ids 1..n).
type testDB struct {
	t      testing.TB
	st     *storage.Store
	m      *txn.Manager
	tables []*storage.Table
}

// newTestDB opens a store with 1<<pageBits byte pages and n tables. gc is
// the manager's GCInterval (negative: no background collector).
func newTestDB(t testing.TB, pageBits uint, n int, gc time.Duration) *testDB {
	t.Helper()
	st := storage.Open(storage.Options{PageBits: pageBits, Logger: zerolog.New(zerolog.NewTestWriter(t))})
	m := txn.NewManager(st, txn.Options{DeadlockTimeout: 20 * time.Millisecond, GCInterval: gc})
	db := &testDB{t: t, st: st, m: m}
	for i := 1; i <= n; i++ {
		tbl, err := st.CreateTable(uint32(i), fmt.Sprintf("t%d", i), storage.Schema{})
		if err != nil {
			t.Fatal(err)
		}
		db.tables = append(db.tables, tbl)
	}
	t.Cleanup(func() {
		m.Close()
		g := st.NewGuard()
		defer g.Close()
		if err := st.CheckConsistency(g); err != nil {
			t.Error(err)
		}
	})
	return db
}

// newCkpt returns a checkpointer over db; opts.Dir defaults to a temp dir.
func newCkpt(t testing.TB, db *testDB, opts Options) *Checkpointer {
	t.Helper()
	if opts.Dir == "" {
		opts.Dir = t.TempDir()
	}
	opts.Log = zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.InfoLevel)
	c, err := New(db.m, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

func key(i int) []byte { return binary.BigEndian.AppendUint64(nil, uint64(i)) }

// exec runs fn in a transaction of s and commits it; it returns the commit
// timestamp.
func (db *testDB) exec(s *txn.Session, fn func(tx *txn.Txn) error) uint64 {
	db.t.Helper()
	tx := s.Begin(txn.TxnOptions{})
	if err := fn(tx); err != nil {
		tx.Rollback()
		db.t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		db.t.Fatal(err)
	}
	return tx.CommitTS()
}

func ins(tbl *storage.Table, k int, v string) func(*txn.Txn) error {
	return func(tx *txn.Txn) error { return tx.Insert(context.Background(), tbl, key(k), []byte(v)) }
}

func upd(tbl *storage.Table, k int, v string) func(*txn.Txn) error {
	return func(tx *txn.Txn) error {
		ok, err := tx.Update(context.Background(), tbl, key(k), func([]byte) ([]byte, bool, error) { return []byte(v), true, nil })
		if err == nil && !ok {
			err = fmt.Errorf("update of key %d found no row", k)
		}
		return err
	}
}

func del(tbl *storage.Table, k int) func(*txn.Txn) error {
	return func(tx *txn.Txn) error {
		ok, err := tx.Delete(context.Background(), tbl, key(k), nil)
		if err == nil && !ok {
			err = fmt.Errorf("delete of key %d found no row", k)
		}
		return err
	}
}

// liveState reads every table's rows at a fresh snapshot.
func (db *testDB) liveState() map[uint32]map[string]string {
	db.t.Helper()
	s := db.m.NewSession("")
	defer s.Close()
	tx := s.Begin(txn.TxnOptions{Isolation: txn.RepeatableRead})
	defer tx.Rollback()
	out := map[uint32]map[string]string{}
	for _, tbl := range db.st.Tables() {
		rows := map[string]string{}
		if err := tx.Scan(tbl, nil, nil, false, func(k, v []byte) bool {
			rows[string(k)] = string(v)
			return true
		}); err != nil {
			db.t.Fatal(err)
		}
		if len(rows) > 0 {
			out[tbl.ID()] = rows
		}
	}
	return out
}

// snapState is a snapshot's rows without timestamps.
func snapState(s *Snapshot) map[uint32]map[string]string {
	out := map[uint32]map[string]string{}
	for id, rows := range s.Tables {
		m := map[string]string{}
		for k, r := range rows {
			m[k] = string(r.Value)
		}
		out[id] = m
	}
	return out
}

// diffStates describes the first few differences of two states.
func diffStates(want, got map[uint32]map[string]string) string {
	var b strings.Builder
	n := 0
	note := func(format string, args ...any) {
		if n < 10 {
			fmt.Fprintf(&b, format+"\n", args...)
		}
		n++
	}
	ids := map[uint32]bool{}
	for id := range want {
		ids[id] = true
	}
	for id := range got {
		ids[id] = true
	}
	for id := range ids {
		for k, v := range want[id] {
			if g, ok := got[id][k]; !ok {
				note("table %d key %x: missing (want %q)", id, k, trunc(v))
			} else if g != v {
				note("table %d key %x: got %q, want %q", id, k, trunc(g), trunc(v))
			}
		}
		for k, v := range got[id] {
			if _, ok := want[id][k]; !ok {
				note("table %d key %x: unexpected %q", id, k, trunc(v))
			}
		}
	}
	if n > 10 {
		fmt.Fprintf(&b, "... %d differences in all\n", n)
	}
	return b.String()
}

func trunc(s string) string {
	if len(s) > 24 {
		return s[:24] + "..."
	}
	return s
}

func manifestIDs(t testing.TB, fsys FS, dir string) (manifests []uint64, segments map[uint64][]string, other []string) {
	t.Helper()
	names, err := fsys.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	segments = map[uint64][]string{}
	for _, n := range names {
		if id, ok := ParseManifestName(n); ok {
			manifests = append(manifests, id)
		} else if id, _, ok := ParseSegmentName(n); ok {
			segments[id] = append(segments[id], n)
		} else {
			other = append(other, n)
		}
	}
	return manifests, segments, other
}

// persianSeed returns the seed of a randomized test: PERSIANDB_SEED if set,
// else the clock; it is logged so a failure can be replayed.
func persianSeed(t testing.TB) uint64 {
	t.Helper()
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("PERSIANDB_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("PERSIANDB_SEED=%q: %v", s, err)
		}
		seed = n
	}
	t.Logf("seed %d (rerun with PERSIANDB_SEED=%d)", seed, seed)
	return seed
}

// TestPhases: a checkpoint walks REST -> PREPARE -> IN_PROGRESS ->
// WAIT_FLUSH -> REST, and Phase reports each while it is current.
func TestPhases(t *testing.T) {
	db := newTestDB(t, 16, 1, -1)
	c := newCkpt(t, db, Options{})
	s := db.m.NewSession("a")
	defer s.Close()
	db.exec(s, ins(db.tables[0], 1, "one"))
	var seen []Phase
	c.testHook = func(p Phase) {
		if got := c.Phase(); got != p {
			t.Errorf("in hook for %v, Phase() = %v", p, got)
		}
		seen = append(seen, p)
	}
	if c.Phase() != Rest {
		t.Fatalf("phase before: %v", c.Phase())
	}
	info, err := c.Checkpoint(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []Phase{Prepare, InProgress, WaitFlush, Rest}
	if !slices.Equal(seen, want) {
		t.Fatalf("phases %v, want %v", seen, want)
	}
	if c.Phase() != Rest || info.Status != StatusOK || info.Rows != 1 || info.Cut != c.Durable() {
		t.Fatalf("after: phase %v info %+v durable %#x", c.Phase(), info, c.Durable())
	}
	if info.Version != 1 || info.Cut != 2<<txn.VersionShift {
		t.Fatalf("version %d cut %#x, want 1 and %#x", info.Version, info.Cut, 2<<txn.VersionShift)
	}
	h := c.History()
	if len(h) != 1 || h[0].ID != info.ID {
		t.Fatalf("history %+v", h)
	}
	var total time.Duration
	for _, d := range info.Phases {
		total += d
	}
	if total <= 0 || total > info.Finished.Sub(info.Started) {
		t.Fatalf("phase durations %v sum to %v, checkpoint took %v", info.Phases, total, info.Finished.Sub(info.Started))
	}
}

// TestScanRule checks each case of the scan rule in the segments written.
func TestScanRule(t *testing.T) {
	db := newTestDB(t, 16, 2, -1)
	t1, t2 := db.tables[0], db.tables[1]
	dir := t.TempDir()
	c := newCkpt(t, db, Options{Dir: dir, Workers: 3})
	ctx := context.Background()
	s := db.m.NewSession("main")
	defer s.Close()
	w := db.m.NewSession("writer")
	defer w.Close()

	tsA := db.exec(s, ins(t1, 1, "a1"))  // committed before the cut
	db.exec(s, ins(t1, 2, "b1"))         // superseded before the cut
	tsB := db.exec(s, upd(t1, 2, "b2"))  //
	db.exec(s, ins(t1, 3, "c1"))         // deleted before the cut
	db.exec(s, del(t1, 3))               //
	tsD := db.exec(s, ins(t1, 4, "d1"))  // an in-flight update at the cut
	tsH := db.exec(s, ins(t1, 8, "h1"))  // an in-flight delete at the cut
	tsI := db.exec(s, ins(t1, 9, "i1"))  // superseded by a commit after the cut, in the scan
	db.exec(s, ins(t2, 1, "dropped"))    // a dropped table
	aborted := s.Begin(txn.TxnOptions{}) // an aborted insert
	if err := ins(t1, 5, "e1")(aborted); err != nil {
		t.Fatal(err)
	}
	aborted.Rollback()
	if err := db.st.DropTable(t2.ID()); err != nil {
		t.Fatal(err)
	}

	// The in-flight writer: it holds markers at the cut and commits once
	// the checkpoint is scanning (its timestamp is then >= the cut).
	wtx := w.Begin(txn.TxnOptions{})
	for _, f := range []func(*txn.Txn) error{upd(t1, 4, "d2"), ins(t1, 7, "g1"), del(t1, 8)} {
		if err := f(wtx); err != nil {
			t.Fatal(err)
		}
	}
	wSerialBefore := w.CommitPoint()
	// A transaction that updates key 9 after the drain: its version lies
	// above the tail, but it stamps key 9's old version's endTS >= cut.
	late := db.m.NewSession("")
	defer late.Close()
	var lateTS uint64
	c.testHook = func(p Phase) {
		if p != WaitFlush {
			return
		}
		if err := wtx.Commit(); err != nil {
			t.Error(err)
		}
		tx := late.Begin(txn.TxnOptions{})
		if err := upd(t1, 9, "i2")(tx); err != nil {
			t.Error(err)
		}
		if err := ins(t1, 6, "f1")(tx); err != nil {
			t.Error(err)
		}
		if err := tx.Commit(); err != nil {
			t.Error(err)
		}
		lateTS = tx.CommitTS()
	}
	info, err := c.Checkpoint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if wtx.CommitTS() < info.Cut || lateTS < info.Cut {
		t.Fatalf("writer committed at %#x, late at %#x, cut %#x", wtx.CommitTS(), lateTS, info.Cut)
	}

	snap, err := loadChecked(t, OSFS{}, dir)
	if err != nil {
		t.Fatal(err)
	}
	if snap.Manifest.ID != info.ID || len(snap.Skipped) != 0 {
		t.Fatalf("loaded %d (skipped %v), want %d", snap.Manifest.ID, snap.Skipped, info.ID)
	}
	want := map[string]struct {
		val string
		ts  uint64
	}{
		string(key(1)): {"a1", tsA},
		string(key(2)): {"b2", tsB},
		string(key(4)): {"d1", tsD},
		string(key(8)): {"h1", tsH},
		string(key(9)): {"i1", tsI},
	}
	got := snap.Tables[t1.ID()]
	if len(snap.Tables) != 1 || len(got) != len(want) {
		t.Fatalf("snapshot tables %v", snapState(snap))
	}
	for k, wv := range want {
		r, ok := got[k]
		if !ok || string(r.Value) != wv.val || r.BeginTS != wv.ts || r.Table != t1.ID() || r.Tombstone {
			t.Errorf("key %x: got %+v (present %v), want %q at %#x", k, r, ok, wv.val, wv.ts)
		}
	}
	if info.Rows != int64(len(want)) {
		t.Errorf("info.Rows = %d, want %d", info.Rows, len(want))
	}
	// Session points: main's commits above are below the cut; the
	// writer's commit is not (a session without a commit below the cut
	// has no entry: its point is 0).
	pts := map[string]uint64{}
	for _, p := range snap.Manifest.Sessions {
		pts[p.Name] = p.Serial
	}
	if pts["main"] != s.CommitPoint() || pts["writer"] != wSerialBefore || len(pts) != 1 {
		t.Errorf("session points %v, want main=%d writer=%d", pts, s.CommitPoint(), wSerialBefore)
	}
	if w.CommitPoint() != wSerialBefore+1 {
		t.Errorf("writer serial %d", w.CommitPoint())
	}

	// The next checkpoint has everything.
	c.testHook = nil
	if _, err := c.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	snap, err = loadChecked(t, OSFS{}, dir)
	if err != nil {
		t.Fatal(err)
	}
	if d := diffStates(db.liveState(), snapState(snap)); d != "" {
		t.Fatalf("second checkpoint differs from the live state:\n%s", d)
	}
}

// TestCollectedRecords: a record the collector copied forward stays in the
// log (flagged) when the pass stops later in its page; the checkpoint must
// write the version once.
func TestCollectedRecords(t *testing.T) {
	db := newTestDB(t, 12, 1, -1)
	tbl := db.tables[0]
	dir := t.TempDir()
	c := newCkpt(t, db, Options{Dir: dir})
	s := db.m.NewSession("")
	defer s.Close()
	db.exec(s, ins(tbl, 1, "moved"))
	w := db.m.NewSession("")
	defer w.Close()
	wtx := w.Begin(txn.TxnOptions{})
	if err := ins(tbl, 2, "in flight")(wtx); err != nil { // stops the pass
		t.Fatal(err)
	}
	db.exec(s, func(tx *txn.Txn) error {
		for i := 3; i < 200; i++ {
			if err := tx.Insert(context.Background(), tbl, key(i), bytes.Repeat([]byte{byte(i)}, 60)); err != nil {
				return err
			}
		}
		return nil
	})
	st := db.m.Collect()
	if st.Moved == 0 || st.Blocked == "" {
		t.Fatalf("collection did not move and stop: %+v", st)
	}
	if _, err := c.Checkpoint(context.Background()); err != nil {
		t.Fatal(err)
	}
	snap, err := loadChecked(t, OSFS{}, dir)
	if err != nil {
		t.Fatal(err)
	}
	if d := diffStates(db.liveState(), snapState(snap)); d != "" {
		t.Fatalf("checkpoint differs from the live state:\n%s", d)
	}
	wtx.Rollback()
}

// TestClosedSessions: a named session's point survives its close, both
// the commits it made before the last checkpoint and those after.
func TestClosedSessions(t *testing.T) {
	db := newTestDB(t, 16, 1, -1)
	dir := t.TempDir()
	c := newCkpt(t, db, Options{Dir: dir})
	ctx := context.Background()
	a := db.m.NewSession("alice")
	for i := 0; i < 3; i++ {
		db.exec(a, ins(db.tables[0], i, "x"))
	}
	points := func() map[string]uint64 {
		t.Helper()
		if _, err := c.Checkpoint(ctx); err != nil {
			t.Fatal(err)
		}
		snap, err := loadChecked(t, OSFS{}, dir)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]uint64{}
		for _, p := range snap.Manifest.Sessions {
			out[p.Name] = p.Serial
		}
		return out
	}
	if p := points(); p["alice"] != 3 {
		t.Fatalf("points %v", p)
	}
	db.exec(a, ins(db.tables[0], 10, "y"))
	db.exec(a, ins(db.tables[0], 11, "y"))
	a.Close()
	for i := 0; i < 2; i++ {
		if p := points(); p["alice"] != 5 {
			t.Fatalf("after close, checkpoint %d: points %v", i, p)
		}
	}
	// A new checkpointer on the directory carries the points on.
	c.Close()
	c2 := newCkpt(t, db, Options{Dir: dir})
	if c2.Durable() != c.Durable() {
		t.Fatalf("reopened durable %#x, want %#x", c2.Durable(), c.Durable())
	}
	info, err := c2.Checkpoint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := loadChecked(t, OSFS{}, dir)
	if err != nil {
		t.Fatal(err)
	}
	if snap.Manifest.ID != info.ID || info.ID != 4 || snap.Manifest.Previous != 3 {
		t.Fatalf("reopened checkpoint id %d previous %d", info.ID, snap.Manifest.Previous)
	}
	if len(snap.Manifest.Sessions) != 1 || snap.Manifest.Sessions[0] != (SessionPoint{"alice", 5}) {
		t.Fatalf("sessions %v", snap.Manifest.Sessions)
	}
	// A session that opens, commits and closes between two checkpoints
	// (never seen open by one) still gets its point.
	b := db.m.NewSession("bob")
	db.exec(b, ins(db.tables[0], 20, "z"))
	db.exec(b, ins(db.tables[0], 21, "z"))
	b.Close()
	if _, err := c2.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	if snap, err = loadChecked(t, OSFS{}, dir); err != nil {
		t.Fatal(err)
	}
	if len(snap.Manifest.Sessions) != 2 || snap.Manifest.Sessions[1] != (SessionPoint{"bob", 2}) {
		t.Fatalf("sessions after bob %v", snap.Manifest.Sessions)
	}
	// A fresh database (its clock not restored from the directory) does
	// not take the old cut as durable, but keeps the ids increasing.
	fresh := newTestDB(t, 16, 1, -1)
	c3 := newCkpt(t, fresh, Options{Dir: dir})
	if c3.Durable() != 0 {
		t.Fatalf("fresh database: durable %#x", c3.Durable())
	}
	if info, err := c3.Checkpoint(ctx); err != nil || info.ID != 6 {
		t.Fatalf("fresh database: checkpoint %d, %v", info.ID, err)
	}
}

// The random test's model: every committed transaction's net writes.
type rtWrite struct {
	table uint32
	key   string
	del   bool
	val   string
}

type rtCommit struct {
	ts     uint64
	writes []rtWrite
}

type rtCheckpoint struct {
	info Info
	snap *Snapshot
}

// TestRandomPrefix is the key test: random concurrent transactions over
// three tables while checkpoints run back to back (with the collector
// compacting between them). Each checkpoint, read back, must equal the
// serial replay of exactly the transactions that committed below its cut,
// every row carrying its writer's commit timestamp, and each session's
// point must count exactly its commits below the cut.
//
// It runs under several checkpoint policies: full checkpoints only;
// deltas by a small DeltaFraction; every other checkpoint a delta; and
// long chains of deltas. A delta's state is its chain read back whole
// (the full checkpoint and the deltas up to it, tombstones deleting).
func TestRandomPrefix(t *testing.T) {
	cases := []struct {
		name     string
		fraction float64
		full     func(deltas int) bool
	}{
		{"full", -1, nil},
		{"fraction", 0.02, nil},
		{"alternate", 0, func(deltas int) bool { return deltas >= 1 }},
		{"chains", 0, func(deltas int) bool { return deltas >= 12 }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { randomPrefix(t, tc.fraction, tc.full) })
	}
}

func randomPrefix(t *testing.T, fraction float64, full func(int) bool) {
	seed := persianSeed(t)
	dur, workers, keys := 1500*time.Millisecond, 6, 48
	if testing.Short() {
		dur, workers = 400*time.Millisecond, 4
	}
	db := newTestDB(t, 14, 3, 2*time.Millisecond)
	dir := t.TempDir()
	c := newCkpt(t, db, Options{Dir: dir, Workers: 3, DeltaFraction: fraction})
	c.testFull = full

	var (
		mu      sync.Mutex
		commits []rtCommit
		serials = make([][]uint64, workers) // per worker: commit ts of serial i+1
		stop    atomic.Bool
		wg      sync.WaitGroup
		stats   [4]atomic.Int64 // commits, rollbacks, errors, no-op commits
	)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(seed, uint64(w)))
			s := db.m.NewSession(fmt.Sprintf("w%d", w))
			defer s.Close()
			ctx := context.Background()
			for n := 0; !stop.Load(); n++ {
				opts := txn.TxnOptions{}
				switch rng.IntN(6) {
				case 0:
					opts.Isolation = txn.RepeatableRead
				case 1:
					opts.Isolation = txn.Serializable
				}
				tx := s.Begin(opts)
				var writes []rtWrite
				var err error
				for op, nops := 0, 1+rng.IntN(5); op < nops && err == nil; op++ {
					if rng.IntN(4) == 0 {
						tx.NewStatement()
					}
					tbl := db.tables[rng.IntN(len(db.tables))]
					k := key(rng.IntN(keys))
					val := fmt.Sprintf("w%d.%d.%d:", w, n, op) + strings.Repeat("v", rng.IntN(300))
					var ok bool
					switch r := rng.IntN(10); {
					case r < 3:
						err = tx.Insert(ctx, tbl, k, []byte(val))
						ok = err == nil
						if errors.Is(err, txn.ErrUniqueViolation) {
							// The statement failed, not the transaction.
							err = nil
						}
					case r < 8:
						ok, err = tx.Update(ctx, tbl, k, func([]byte) ([]byte, bool, error) { return []byte(val), true, nil })
					default:
						ok, err = tx.Delete(ctx, tbl, k, nil)
						val = ""
					}
					if ok && err == nil {
						writes = append(writes, rtWrite{table: tbl.ID(), key: string(k), del: val == "", val: val})
					}
				}
				if err != nil || rng.IntN(10) == 0 {
					tx.Rollback()
					stats[1].Add(1)
					continue
				}
				if err := tx.Commit(); err != nil {
					stats[2].Add(1)
					continue
				}
				if tx.CommitTS() == 0 {
					stats[3].Add(1)
					continue
				}
				stats[0].Add(1)
				serials[w] = append(serials[w], tx.CommitTS())
				if tx.Serial() != uint64(len(serials[w])) {
					t.Errorf("worker %d: serial %d after %d commits", w, tx.Serial(), len(serials[w]))
				}
				mu.Lock()
				commits = append(commits, rtCommit{ts: tx.CommitTS(), writes: writes})
				mu.Unlock()
			}
		}()
	}

	// Checkpoints back to back, each read back at once (retention keeps
	// only two).
	var cks []rtCheckpoint
	deadline := time.Now().Add(dur)
	rng := rand.New(rand.NewPCG(seed, 1<<32))
	for time.Now().Before(deadline) {
		info, err := c.Checkpoint(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		snap, err := loadChecked(t, OSFS{}, dir)
		if err == nil && (snap.Manifest.ID != info.ID || snap.Manifest.Full != info.Full || len(snap.Skipped) != 0) {
			err = fmt.Errorf("loaded checkpoint %d (full %v, skipped %q), want %d (full %v)", snap.Manifest.ID, snap.Manifest.Full, snap.Skipped, info.ID, info.Full)
		}
		if err != nil {
			stop.Store(true)
			wg.Wait()
			hint := ""
			if strings.Contains(err.Error(), "appears twice") {
				hint = " (two versions of a key both current at the cut: a superseded version's endTS was lost; see cpr/doc.go invariant 4)"
			}
			t.Fatalf("checkpoint %d: %v%s", info.ID, err, hint)
		}
		cks = append(cks, rtCheckpoint{info, snap})
		time.Sleep(time.Duration(rng.IntN(3000)) * time.Microsecond)
	}
	stop.Store(true)
	wg.Wait()
	info, err := c.Checkpoint(context.Background()) // after the workload: everything
	if err != nil {
		t.Fatal(err)
	}
	snap, err := loadChecked(t, OSFS{}, dir)
	if err != nil {
		t.Fatal(err)
	}
	cks = append(cks, rtCheckpoint{info, snap})
	passes, moved, _, _, truncated := db.st.GCTotals()
	deltas, tombs := 0, 0
	for _, ck := range cks {
		if !ck.info.Full {
			deltas++
		}
	}
	for _, in := range c.History() {
		if !in.Full {
			tombs += int(in.Rows)
		}
	}
	t.Logf("%d commits, %d rollbacks, %d failed commits, %d read-only; %d checkpoints (%d deltas, %d delta records); gc: %d passes, %d moved, %d bytes truncated",
		stats[0].Load(), stats[1].Load(), stats[2].Load(), stats[3].Load(), len(cks), deltas, tombs, passes, moved, truncated)
	if stats[0].Load() < 50 || len(cks) < 3 {
		t.Fatalf("workload too small to mean anything")
	}
	if (fraction >= 0 || full != nil) && deltas < len(cks)/4 {
		t.Fatalf("only %d of %d checkpoints are deltas", deltas, len(cks))
	}
	if fraction < 0 && full == nil && deltas != 0 {
		t.Fatalf("%d deltas with deltas off", deltas)
	}

	// Replay in commit order, checking each checkpoint at its cut.
	sort.Slice(commits, func(i, j int) bool { return commits[i].ts < commits[j].ts })
	type row struct {
		val string
		ts  uint64
	}
	state := map[uint32]map[string]row{}
	next := 0
	for _, ck := range cks {
		cut := ck.info.Cut
		for ; next < len(commits) && commits[next].ts < cut; next++ {
			cm := commits[next]
			for _, w := range cm.writes {
				if state[w.table] == nil {
					state[w.table] = map[string]row{}
				}
				if w.del {
					delete(state[w.table], w.key)
				} else {
					state[w.table][w.key] = row{w.val, cm.ts}
				}
			}
		}
		want := map[uint32]map[string]string{}
		for id, rows := range state {
			if len(rows) == 0 {
				continue
			}
			want[id] = map[string]string{}
			for k, r := range rows {
				want[id][k] = r.val
			}
		}
		if d := diffStates(want, snapState(ck.snap)); d != "" {
			t.Fatalf("checkpoint %d (cut %#x, %d commits below it) differs from the replay:\n%s", ck.info.ID, cut, next, d)
		}
		for id, rows := range ck.snap.Tables {
			for k, r := range rows {
				if w := state[id][k].ts; r.BeginTS != w {
					t.Fatalf("checkpoint %d table %d key %x: beginTS %#x, its writer committed at %#x", ck.info.ID, id, k, r.BeginTS, w)
				}
			}
		}
		pts := map[string]uint64{}
		for _, p := range ck.snap.Manifest.Sessions {
			pts[p.Name] = p.Serial
		}
		for w, list := range serials {
			n := uint64(sort.Search(len(list), func(i int) bool { return list[i] >= cut }))
			if got := pts[fmt.Sprintf("w%d", w)]; got != n {
				t.Fatalf("checkpoint %d: session w%d point %d, want %d", ck.info.ID, w, got, n)
			}
		}
	}
	if next != len(commits) {
		t.Fatalf("the last checkpoint covers %d of %d commits", next, len(commits))
	}
	if d := diffStates(db.liveState(), snapState(snap)); d != "" {
		t.Fatalf("the last checkpoint differs from the live state:\n%s", d)
	}
}

// fill commits n rows of size bytes into tbl in batches.
func (db *testDB) fill(tbl *storage.Table, from, n, size int) {
	db.t.Helper()
	s := db.m.NewSession("")
	defer s.Close()
	val := bytes.Repeat([]byte{'x'}, size)
	for i := from; i < from+n; {
		db.exec(s, func(tx *txn.Txn) error {
			for j := 0; j < 10000 && i < from+n; j, i = j+1, i+1 {
				if err := tx.Insert(context.Background(), tbl, key(i), val); err != nil {
					return err
				}
			}
			return nil
		})
	}
}

// TestFaults: a failed write, sync, full disk, rename or directory sync
// fails that checkpoint cleanly: an error, a failed History entry, no file
// of it left behind; the database keeps working and the next checkpoint
// succeeds.
func TestFaults(t *testing.T) {
	cases := []struct {
		name   string
		inject func(f *FaultFS)
	}{
		{"first write", func(f *FaultFS) { f.FailNth(OpWrite, f.Count(OpWrite)+1) }},
		{"fifth write", func(f *FaultFS) { f.FailNth(OpWrite, f.Count(OpWrite)+5) }},
		{"torn write", func(f *FaultFS) { f.SetTornWrites(true); f.FailNth(OpWrite, f.Count(OpWrite)+3) }},
		{"segment sync", func(f *FaultFS) { f.FailNth(OpSync, f.Count(OpSync)+2) }},
		{"create", func(f *FaultFS) { f.FailNth(OpCreate, f.Count(OpCreate)+2) }},
		{"enospc", func(f *FaultFS) { f.SetLimit(f.Written() + 100_000) }},
		{"delta log sync", func(f *FaultFS) { f.FailNth(OpSync, f.Count(OpSync)+5) }},
		{"manifest sync", func(f *FaultFS) { f.FailNth(OpSync, f.Count(OpSync)+6) }},
		{"rename", func(f *FaultFS) { f.FailNth(OpRename, f.Count(OpRename)+1) }},
		{"dir sync before manifest", func(f *FaultFS) { f.FailNth(OpSyncDir, f.Count(OpSyncDir)+1) }},
		{"dir sync after rename", func(f *FaultFS) { f.FailNth(OpSyncDir, f.Count(OpSyncDir)+2) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			db := newTestDB(t, 14, 1, -1)
			tbl := db.tables[0]
			db.fill(tbl, 0, 2000, 100) // ~300 KiB: several pages, four segments
			dir := t.TempDir()
			ffs := NewFaultFS(OSFS{})
			c := newCkpt(t, db, Options{Dir: dir, FS: ffs, Workers: 4, DeltaFraction: -1})
			ctx := context.Background()
			good, err := c.Checkpoint(ctx)
			if err != nil {
				t.Fatal(err)
			}
			s := db.m.NewSession("")
			defer s.Close()
			db.exec(s, upd(tbl, 7, "changed"))

			tc.inject(ffs)
			info, err := c.Checkpoint(ctx)
			if err == nil {
				t.Fatalf("checkpoint succeeded despite the fault: %+v", info)
			}
			t.Logf("failed as expected: %v", err)
			if h := c.History(); h[len(h)-1].Status != StatusFailed || h[len(h)-1].Err == "" || h[len(h)-1].ID != info.ID {
				t.Fatalf("history %+v", h[len(h)-1])
			}
			if c.Durable() != good.Cut || c.Phase() != Rest {
				t.Fatalf("durable %#x (want %#x), phase %v", c.Durable(), good.Cut, c.Phase())
			}
			ms, segs, other := manifestIDs(t, OSFS{}, dir)
			if !slices.Equal(ms, []uint64{good.ID}) || len(segs[info.ID]) != 0 || !slices.Equal(other, []string{DeltaLogName(good.ID)}) {
				t.Fatalf("after the failure: manifests %v segments %v other %v", ms, segs, other)
			}
			snap, err := loadChecked(t, OSFS{}, dir)
			if err != nil || snap.Manifest.ID != good.ID {
				t.Fatalf("load after failure: %v", err)
			}

			// The database works; the next checkpoint succeeds and has it all.
			ffs.FailNth(OpWrite, 0)
			ffs.FailNth(OpSync, 0)
			ffs.FailNth(OpCreate, 0)
			ffs.FailNth(OpRename, 0)
			ffs.FailNth(OpSyncDir, 0)
			ffs.SetLimit(-1)
			ffs.SetTornWrites(false)
			db.exec(s, upd(tbl, 8, "changed too"))
			next, err := c.Checkpoint(ctx)
			if err != nil {
				t.Fatal(err)
			}
			snap, err = loadChecked(t, OSFS{}, dir)
			if err != nil || snap.Manifest.ID != next.ID {
				t.Fatalf("load: %v", err)
			}
			if d := diffStates(db.liveState(), snapState(snap)); d != "" {
				t.Fatalf("checkpoint after the failure differs:\n%s", d)
			}
		})
	}
}

// TestWaitDurable: many committers waiting share few checkpoints; a failed
// checkpoint fails its waiters, and the next call succeeds.
func TestWaitDurable(t *testing.T) {
	db := newTestDB(t, 16, 1, -1)
	dir := t.TempDir()
	ffs := NewFaultFS(OSFS{})
	// Slow syncs let waiters pile up behind a running checkpoint.
	ffs.SetHook(func(r OpRecord) error {
		if r.Op == OpSync {
			time.Sleep(2 * time.Millisecond)
		}
		return nil
	})
	c := newCkpt(t, db, Options{Dir: dir, FS: ffs, Workers: 2})
	ctx := context.Background()
	const waiters = 64
	rounds := 0
	run := func() []error {
		var wg sync.WaitGroup
		errs := make([]error, waiters)
		base := rounds
		rounds++
		for i := 0; i < waiters; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s := db.m.NewSession("")
				defer s.Close()
				tx := s.Begin(txn.TxnOptions{})
				if err := tx.Insert(ctx, db.tables[0], key(base*waiters+i), []byte("x")); err != nil {
					errs[i] = err
					tx.Rollback()
					return
				}
				if err := tx.Commit(); err != nil {
					errs[i] = err
					return
				}
				errs[i] = c.WaitDurable(ctx, tx.CommitTS())
				if errs[i] == nil && c.Durable() <= tx.CommitTS() {
					errs[i] = fmt.Errorf("WaitDurable returned with durable %#x <= %#x", c.Durable(), tx.CommitTS())
				}
			}()
		}
		wg.Wait()
		return errs
	}
	for _, err := range run() {
		if err != nil {
			t.Fatal(err)
		}
	}
	n := len(c.History())
	t.Logf("%d waiters, %d checkpoints", waiters, n)
	if n < 1 || n > waiters/4 {
		t.Fatalf("%d checkpoints for %d waiters", n, waiters)
	}
	snap, err := loadChecked(t, OSFS{}, dir)
	if err != nil {
		t.Fatal(err)
	}
	if d := diffStates(db.liveState(), snapState(snap)); d != "" {
		t.Fatalf("checkpoint differs:\n%s", d)
	}

	// Every checkpoint fails: every waiter gets an error.
	ffs.FailFrom(OpSync, ffs.Count(OpSync)+1)
	for i, err := range run() {
		if err == nil || !errors.Is(err, ErrInjected) {
			t.Fatalf("waiter %d: %v, want the injected failure", i, err)
		}
	}
	h := c.History()
	if h[len(h)-1].Status != StatusFailed {
		t.Fatalf("last checkpoint %+v", h[len(h)-1])
	}
	// Repaired: waiting works again.
	ffs.FailFrom(OpSync, 0)
	for _, err := range run() {
		if err != nil {
			t.Fatal(err)
		}
	}
	// A timestamp already durable returns at once; a canceled wait returns
	// the context's error.
	if err := c.WaitDurable(ctx, 1); err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := c.WaitDurable(cctx, db.m.Clock().Now()+1<<txn.VersionShift); !errors.Is(err, context.Canceled) {
		t.Fatalf("canceled wait: %v", err)
	}
}

// TestRetention: with Keep 2, five checkpoints leave the newest two
// manifests and exactly their segments.
func TestRetention(t *testing.T) {
	db := newTestDB(t, 14, 1, -1)
	dir := t.TempDir()
	c := newCkpt(t, db, Options{Dir: dir, Workers: 3, DeltaFraction: -1})
	var ids []uint64
	for i := 0; i < 5; i++ {
		db.fill(db.tables[0], i*500, 500, 100)
		info, err := c.Checkpoint(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, info.ID)
	}
	ms, segs, other := manifestIDs(t, OSFS{}, dir)
	if !slices.Equal(ms, ids[3:]) || !slices.Equal(other, []string{DeltaLogName(ids[3]), DeltaLogName(ids[4])}) || len(segs) != 2 {
		t.Fatalf("manifests %v (want %v), segments %v, other %v", ms, ids[3:], segs, other)
	}
	for _, id := range ms {
		snap, err := LoadID(OSFS{}, dir, id)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, s := range snap.Manifest.Segments {
			names = append(names, s.Name)
		}
		if !slices.Equal(names, segs[id]) || len(names) == 0 {
			t.Fatalf("checkpoint %d: segments %v on disk, %v in the manifest", id, segs[id], names)
		}
	}
	if c.History()[4].Rows != 2500 {
		t.Fatalf("last checkpoint %+v", c.History()[4])
	}
}

// TestLoadFallback: a damaged newest checkpoint is skipped with a reason.
func TestLoadFallback(t *testing.T) {
	db := newTestDB(t, 14, 1, -1)
	dir := t.TempDir()
	c := newCkpt(t, db, Options{Dir: dir, Workers: 2, Keep: 3, DeltaFraction: -1})
	ctx := context.Background()
	var infos []Info
	for i := 0; i < 3; i++ {
		db.fill(db.tables[0], i*300, 300, 100)
		info, err := c.Checkpoint(ctx)
		if err != nil {
			t.Fatal(err)
		}
		infos = append(infos, info)
	}
	snap, err := LoadID(OSFS{}, dir, infos[2].ID)
	if err != nil {
		t.Fatal(err)
	}
	// Newest: a segment goes missing. The one before: a bit flips in a
	// segment.
	if err := os.Remove(dir + "/" + snap.Manifest.Segments[1].Name); err != nil {
		t.Fatal(err)
	}
	prev, err := LoadID(OSFS{}, dir, infos[1].ID)
	if err != nil {
		t.Fatal(err)
	}
	p := dir + "/" + prev.Manifest.Segments[0].Name
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 1
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := loadChecked(t, OSFS{}, dir)
	if err != nil {
		t.Fatal(err)
	}
	if got.Manifest.ID != infos[0].ID || len(got.Skipped) != 2 || got.Rows() != 300 {
		t.Fatalf("loaded %d with %d rows, skipped %v", got.Manifest.ID, got.Rows(), got.Skipped)
	}
	t.Logf("skipped: %q", got.Skipped)
	if _, err := loadChecked(t, OSFS{}, t.TempDir()); !errors.Is(err, ErrNoCheckpoint) {
		t.Fatalf("empty dir: %v", err)
	}
}

// TestRun: the periodic loop checkpoints only when something committed.
func TestRun(t *testing.T) {
	db := newTestDB(t, 16, 1, -1)
	c := newCkpt(t, db, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { c.Run(ctx, time.Millisecond); close(done) }()
	s := db.m.NewSession("")
	defer s.Close()
	ts := db.exec(s, ins(db.tables[0], 1, "x"))
	for c.Durable() <= ts {
		time.Sleep(time.Millisecond)
	}
	n := len(c.History())
	time.Sleep(30 * time.Millisecond) // idle: no new checkpoints
	if m := len(c.History()); m > n+1 {
		t.Fatalf("%d checkpoints while idle", m-n)
	}
	cancel()
	<-done
}

// BenchmarkCheckpoint: a full checkpoint of 1M rows of 100 bytes, with one
// worker and with GOMAXPROCS.
func BenchmarkCheckpoint(b *testing.B) {
	const rows, size = 1_000_000, 100
	db := newTestDB(b, storage.DefaultPageBits, 1, -1)
	db.fill(db.tables[0], 0, rows, size)
	for _, workers := range []int{1, 0} {
		name := fmt.Sprintf("workers=%d", workers)
		if workers == 0 {
			name = "workers=GOMAXPROCS"
		}
		b.Run(name, func(b *testing.B) {
			c := newCkpt(b, db, Options{Workers: workers, Keep: 1})
			var bytes int64
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				info, err := c.Checkpoint(context.Background())
				if err != nil {
					b.Fatal(err)
				}
				if info.Rows != rows {
					b.Fatalf("%d rows", info.Rows)
				}
				bytes += info.Bytes
			}
			sec := b.Elapsed().Seconds()
			b.ReportMetric(float64(bytes)/1e6/sec, "MB/s")
			b.ReportMetric(float64(rows)*float64(b.N)/sec, "rows/s")
		})
	}
}
