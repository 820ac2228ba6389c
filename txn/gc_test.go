package txn

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/persiandb/persiandb/storage"
)

// newSmallPageEnv is newEnv with 4 KiB log pages, so that a modest
// workload spans many pages and the collector has work to do.
func newSmallPageEnv(t testing.TB, opts Options) *env { return newEnvPages(t, opts, 12) }

// gcCommit runs fn in a READ COMMITTED transaction on s and commits it.
func gcCommit(t testing.TB, s *Session, fn func(tx *Txn) error) {
	t.Helper()
	tx := s.Begin(TxnOptions{})
	if err := fn(tx); err != nil {
		tx.Rollback()
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

// gcUpdate commits one single-row update of key i.
func gcUpdate(t testing.TB, e *env, s *Session, tbl *storage.Table, i int, fn UpdateFunc) {
	t.Helper()
	gcCommit(t, s, func(tx *Txn) error {
		ok, err := tx.Update(context.Background(), tbl, k(i), fn)
		if err == nil && !ok {
			err = fmt.Errorf("update of key %d found no row", i)
		}
		return err
	})
}

// gcCollect runs collection passes until one truncates nothing or the log
// has been compacted past the tail page observed at the start, and returns
// the last pass's stats.
func gcCollect(e *env) storage.GCStats {
	end := e.store.Log().PageStart(e.store.Log().Tail())
	var st storage.GCStats
	for i := 0; i < 1000; i++ {
		st = e.m.Collect()
		if st.Truncated == 0 || e.store.Log().Begin() >= end {
			return st
		}
	}
	return st
}

// gcLogHolds reports whether a version of key with value val is in the
// live log.
func gcLogHolds(e *env, tableID uint32, key, val []byte) bool {
	g := e.store.NewGuard()
	defer g.Close()
	g.Enter()
	defer g.Exit()
	lg := e.store.Log()
	found := false
	lg.Scan(lg.Begin(), lg.Tail(), func(_ storage.Addr, r storage.Record) bool {
		if r.TableID() == tableID && string(r.Key()) == string(key) && string(r.Value()) == string(val) && !r.Invalid() {
			found = true
			return false
		}
		return true
	})
	return found
}

// gcPush commits updates of a padding key until the tail has moved past
// n pages, so earlier records leave the tail page the collector skips.
func gcPush(t testing.TB, e *env, s *Session, n int) {
	t.Helper()
	lg := e.store.Log()
	target := lg.PageStart(lg.Tail()) + storage.Addr(uint64(n)*lg.PageSize())
	pad := make([]byte, min(1000, lg.MaxRecordSize()/2))
	ctx := context.Background()
	for i := 0; lg.Tail() < target; i++ {
		gcCommit(t, s, func(tx *Txn) error {
			ok, err := tx.Update(ctx, e.tbl, k(-1), func([]byte) ([]byte, bool, error) { return pad, true, nil })
			if err == nil && !ok {
				err = tx.Insert(ctx, e.tbl, k(-1), pad)
			}
			return err
		})
	}
}

func TestGCKeepsVersionsASnapshotSees(t *testing.T) {
	e := newEnv(t, Options{GCInterval: -1})
	e.load(100, 200)
	w := e.m.NewSession("writer")
	defer w.Close()
	r := e.m.NewSession("reader")
	defer r.Close()

	reader := r.Begin(TxnOptions{Isolation: RepeatableRead})
	if got, _ := e.get(reader, 0); got != 100 { // takes the snapshot
		t.Fatalf("reader sees %d", got)
	}
	const updates = 30000 // ~1.7 MB of versions: many pages
	for i := 0; i < updates; i++ {
		gcUpdate(t, e, w, e.tbl, i%2, add(1))
	}
	sizeBefore := e.store.Log().Size()
	st := gcCollect(e)
	if st.Blocked != "superseded version still visible to a snapshot" {
		t.Fatalf("collection was not held back by the snapshot: %+v", st)
	}
	if got := e.store.Log().Size(); got < sizeBefore/2 {
		t.Fatalf("log shrank from %d to %d bytes although a snapshot from before all updates is open", sizeBefore, got)
	}
	if got, _ := e.get(reader, 0); got != 100 {
		t.Fatalf("after collection the snapshot reads %d, want 100", got)
	}
	if got, _ := e.get(reader, 1); got != 200 {
		t.Fatalf("after collection the snapshot reads %d for key 1, want 200", got)
	}
	if !gcLogHolds(e, e.tbl.ID(), k(0), v(100)) {
		t.Fatal("the version the snapshot reads is no longer in the log")
	}
	// A snapshot taken later holds back less, but still the versions it sees.
	mid := w.Begin(TxnOptions{Isolation: RepeatableRead})
	midVal, _ := e.get(mid, 0)
	if err := reader.Commit(); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < updates; i++ {
		gcUpdate(t, e, r, e.tbl, i%2, add(1))
	}
	gcCollect(e)
	if got, _ := e.get(mid, 0); got != midVal {
		t.Fatalf("middle snapshot reads %d, want %d", got, midVal)
	}
	if !gcLogHolds(e, e.tbl.ID(), k(0), v(midVal)) {
		t.Fatal("the middle snapshot's version is gone from the log")
	}
	if gcLogHolds(e, e.tbl.ID(), k(0), v(100)) {
		t.Fatal("the first snapshot ended, yet its version is still in the log")
	}
	mid.Commit()

	// No snapshot left: everything but the live rows goes.
	gcPush(t, e, w, 2)
	st = gcCollect(e)
	if st.Blocked != "" {
		t.Fatalf("blocked with no snapshot open: %q", st.Blocked)
	}
	if gcLogHolds(e, e.tbl.ID(), k(0), v(midVal)) {
		t.Fatal("the middle snapshot ended, yet its version is still in the log")
	}
	if size := e.store.Log().Size(); size > 3*e.store.Log().PageSize() {
		t.Fatalf("log is %d bytes after collecting 3 live rows' history", size)
	}
	tx := w.Begin(TxnOptions{})
	if a, _ := e.get(tx, 0); a != 100+updates {
		t.Fatalf("key 0 = %d, want %d", a, 100+updates)
	}
	if b, _ := e.get(tx, 1); b != 200+updates {
		t.Fatalf("key 1 = %d, want %d", b, 200+updates)
	}
	tx.Commit()
}

func TestGCRemovesDeletedKeys(t *testing.T) {
	e := newEnv(t, Options{GCInterval: -1})
	vals := make([]int64, 1000)
	for i := range vals {
		vals[i] = int64(i)
	}
	e.load(vals...)
	s := e.m.NewSession("")
	defer s.Close()
	ctx := context.Background()

	// A snapshot from before the deletes keeps the keys in the tree.
	old := e.m.NewSession("old")
	defer old.Close()
	reader := old.Begin(TxnOptions{Isolation: RepeatableRead})
	e.get(reader, 0)

	gcCommit(t, s, func(tx *Txn) error {
		for i := 0; i < 1000; i += 2 {
			if ok, err := tx.Delete(ctx, e.tbl, k(i), nil); !ok || err != nil {
				return fmt.Errorf("delete %d: %v %v", i, ok, err)
			}
		}
		return nil
	})
	gcPush(t, e, s, 2)
	gcCollect(e)
	if n := e.tbl.Len(); n != 1001 { // 1000 rows and the padding key
		t.Fatalf("Len %d with a snapshot from before the deletes open, want 1001", n)
	}
	if got, ok := e.get(reader, 10); !ok || got != 10 {
		t.Fatalf("old snapshot reads deleted key 10 as %d %v", got, ok)
	}
	reader.Commit()

	gcPush(t, e, s, 2)
	st := gcCollect(e)
	_, _, _, removed, _ := e.store.GCTotals()
	if removed != 500 {
		t.Fatalf("%d keys removed, want 500 (last pass %+v)", removed, st)
	}
	if n := e.tbl.Len(); n != 501 {
		t.Fatalf("Len %d after collection, want 501", n)
	}
	for i := 0; i < 1000; i++ {
		_, ok := e.tbl.Lookup(k(i))
		if ok != (i%2 == 1) {
			t.Fatalf("key %d in the tree: %v", i, ok)
		}
	}
	// Re-inserting a removed key works, and so does deleting it again.
	gcCommit(t, s, func(tx *Txn) error { return tx.Insert(ctx, e.tbl, k(4), v(44)) })
	tx := s.Begin(TxnOptions{})
	if got, ok := e.get(tx, 4); !ok || got != 44 {
		t.Fatalf("re-inserted key reads %d %v", got, ok)
	}
	if _, ok := e.get(tx, 6); ok {
		t.Fatal("a deleted key is visible")
	}
	n := 0
	tx.Scan(e.tbl, k(0), k(1000), false, func(key, val []byte) bool {
		n++
		return true
	})
	if n != 501 {
		t.Fatalf("scan saw %d rows, want 501", n)
	}
	tx.Commit()
	if e.tbl.Len() != 502 {
		t.Fatalf("Len %d", e.tbl.Len())
	}
}

// gcIxEnv is a table with two int64 columns (id, val) and a non-unique
// index on val.
func gcIxEnv(t *testing.T, e *env) (*storage.Table, *storage.Index) {
	types := []storage.Type{storage.TypeInt64, storage.TypeInt64}
	tbl, err := e.store.CreateTable(2, "ix", storage.Schema{Types: types})
	if err != nil {
		t.Fatal(err)
	}
	ix, err := tbl.AddIndex(storage.IndexSpec{ID: 1, Name: "by_val", Columns: []int{1}})
	if err != nil {
		t.Fatal(err)
	}
	return tbl, ix
}

func gcRow(t testing.TB, id, val int64) []byte {
	b, err := storage.EncodeRow(nil, []storage.Type{storage.TypeInt64, storage.TypeInt64}, []storage.Value{storage.Int64(id), storage.Int64(val)})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func gcIxKey(x int64) []byte {
	return storage.AppendKeyValue(nil, storage.Int64(x), storage.KeyColumn{})
}

// gcIxEntries lists the index's entries as "val:pk".
func gcIxEntries(t testing.TB, ix *storage.Index) map[string]bool {
	out := map[string]bool{}
	ix.Ascend(nil, nil, func(ik, pk []byte) bool {
		vals, _, err := storage.DecodeKey(ik, nil, []storage.Type{storage.TypeInt64}, nil)
		if err != nil {
			t.Fatal(err)
		}
		out[fmt.Sprintf("%d:%d", vals[0].AsInt64(), dv(pk))] = true
		return true
	})
	return out
}

func TestGCPrunesIndexEntries(t *testing.T) {
	e := newEnv(t, Options{GCInterval: -1})
	tbl, ix := gcIxEnv(t, e)
	s := e.m.NewSession("")
	defer s.Close()
	ctx := context.Background()
	const rows, rounds = 100, 30
	gcCommit(t, s, func(tx *Txn) error {
		for i := 0; i < rows; i++ {
			if err := tx.Insert(ctx, tbl, k(i), gcRow(t, int64(i), int64(i))); err != nil {
				return err
			}
		}
		return nil
	})
	// A snapshot that sees the first values.
	rs := e.m.NewSession("reader")
	defer rs.Close()
	reader := rs.Begin(TxnOptions{Isolation: RepeatableRead})
	if _, ok, _ := reader.Get(tbl, k(0), nil); !ok {
		t.Fatal("row 0")
	}
	// Every update files a new index key; rows with an even id go back
	// and forth between two values instead.
	cur := make([]int64, rows)
	for r := 1; r <= rounds; r++ {
		for i := 0; i < rows; i++ {
			nv := int64(r*1000 + i)
			if i%2 == 0 {
				nv = int64(i + 1000000*(r%2))
			}
			cur[i] = nv
			gcUpdate(t, e, s, tbl, i, func([]byte) ([]byte, bool, error) { return gcRow(t, int64(i), nv), true, nil })
		}
	}
	grown := ix.Len()
	// odd rows: 1 + rounds keys; even rows: 2.
	if want := rows/2*(1+rounds) + rows/2*2; grown != want {
		t.Fatalf("index has %d entries before collection, want %d", grown, want)
	}
	gcPush(t, e, s, 2)
	gcCollect(e)
	// The snapshot still sees each row's first value through the index.
	for _, i := range []int{1, 2, 51} {
		n := 0
		reader.IndexScan(tbl, ix, gcIxKey(int64(i)), storage.PrefixEnd(gcIxKey(int64(i))), false, func(pk, val []byte) bool {
			if dv(pk) != int64(i) {
				t.Fatalf("index scan for %d found pk %d", i, dv(pk))
			}
			n++
			return true
		})
		if n != 1 {
			t.Fatalf("the old snapshot finds %d rows with val %d through the index, want 1", n, i)
		}
	}
	entries := gcIxEntries(t, ix)
	for i := 0; i < rows; i++ {
		if !entries[fmt.Sprintf("%d:%d", i, i)] {
			t.Fatalf("entry of row %d's first version, which a snapshot sees, was pruned", i)
		}
	}
	reader.Commit()

	gcPush(t, e, s, 2)
	st := gcCollect(e)
	entries = gcIxEntries(t, ix)
	if len(entries) != rows {
		t.Fatalf("index has %d entries after collection, want %d (one per row); last pass %+v", len(entries), rows, st)
	}
	for i := 0; i < rows; i++ {
		if !entries[fmt.Sprintf("%d:%d", cur[i], i)] {
			t.Fatalf("the live entry %d:%d was pruned", cur[i], i)
		}
	}
	// The index still answers queries.
	tx := s.Begin(TxnOptions{})
	n := 0
	tx.IndexScan(tbl, ix, nil, nil, false, func(pk, val []byte) bool { n++; return true })
	if n != rows {
		t.Fatalf("index scan saw %d rows", n)
	}
	tx.Commit()
}

func TestGCDropsAbortedVersions(t *testing.T) {
	e := newEnv(t, Options{GCInterval: -1})
	tbl, ix := gcIxEnv(t, e)
	s := e.m.NewSession("")
	defer s.Close()
	ctx := context.Background()
	gcCommit(t, s, func(tx *Txn) error {
		for i := 0; i < 50; i++ {
			if err := tx.Insert(ctx, tbl, k(i), gcRow(t, int64(i), int64(i))); err != nil {
				return err
			}
		}
		return nil
	})
	// Aborted updates and aborted inserts of new keys, each filing index
	// entries.
	for r := 0; r < 200; r++ {
		tx := s.Begin(TxnOptions{})
		for i := 0; i < 50; i++ {
			if _, err := tx.Update(ctx, tbl, k(i), func([]byte) ([]byte, bool, error) { return gcRow(t, int64(i), int64(-1-r)), true, nil }); err != nil {
				t.Fatal(err)
			}
		}
		if err := tx.Insert(ctx, tbl, k(1000+r), gcRow(t, int64(1000+r), 7)); err != nil {
			t.Fatal(err)
		}
		tx.Rollback()
	}
	if ix.Len() != 50+200*50+200 {
		t.Fatalf("index entries %d before collection", ix.Len())
	}
	if tbl.Len() != 50 {
		t.Fatalf("Len %d: aborted inserts left keys", tbl.Len())
	}
	sizeBefore := e.store.Log().Size()
	gcPush(t, e, s, 2)
	var dead int
	for i := 0; i < 20; i++ {
		st := e.m.Collect()
		dead += st.Dead
	}
	if dead < 200*51 {
		t.Fatalf("%d dead records, want at least the %d aborted versions", dead, 200*51)
	}
	if size := e.store.Log().Size(); size > 4*e.store.Log().PageSize() || size > sizeBefore/4 {
		t.Fatalf("log %d bytes after collection (%d before)", size, sizeBefore)
	}
	if n := ix.Len(); n != 50 {
		t.Fatalf("index has %d entries after collection, want 50", n)
	}
	tx := s.Begin(TxnOptions{})
	for i := 0; i < 50; i++ {
		b, ok, err := tx.Get(tbl, k(i), nil)
		if err != nil || !ok || string(b) != string(gcRow(t, int64(i), int64(i))) {
			t.Fatalf("row %d after collection: %x %v %v", i, b, ok, err)
		}
	}
	tx.Commit()
}

func TestGCHoldCompaction(t *testing.T) {
	e := newEnv(t, Options{GCInterval: time.Millisecond})
	vals := make([]int64, 1000)
	e.load(vals...)
	s := e.m.NewSession("")
	defer s.Close()
	release := e.store.HoldCompaction()
	_, moved0, _, _, trunc0 := e.store.GCTotals()
	begin := e.store.Log().Begin()
	for i := 0; i < 40000; i++ {
		gcUpdate(t, e, s, e.tbl, i%1000, add(1))
	}
	time.Sleep(20 * time.Millisecond) // the collector ticks meanwhile
	if st := e.m.Collect(); st.Blocked != "checkpoint holds compaction" || st.Moved != 0 {
		t.Fatalf("collect under a hold: %+v", st)
	}
	_, moved1, _, _, trunc1 := e.store.GCTotals()
	if moved1 != moved0 || trunc1 != trunc0 || e.store.Log().Begin() != begin {
		t.Fatalf("compaction ran under a hold: moved %d->%d truncated %d->%d", moved0, moved1, trunc0, trunc1)
	}
	held := e.store.Log().Size()
	release()
	deadline := time.Now().Add(5 * time.Second)
	for e.store.Log().Size() > held/4 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if size := e.store.Log().Size(); size > held/4 {
		t.Fatalf("log still %d bytes (%d under the hold) after release", size, held)
	}
	tx := s.Begin(TxnOptions{})
	for i := 0; i < 1000; i++ {
		if got, _ := e.get(tx, i); got != 40 {
			t.Fatalf("key %d = %d", i, got)
		}
	}
	tx.Commit()
}

// TestGCBoundedLogUnderUpdates is the memory bound: 10k rows updated 10M
// times by single-row transactions from GOMAXPROCS sessions, with the
// background collector, must keep the log a small multiple of the live
// data. (-short: 100k updates; under the race detector: 500k.)
func TestGCBoundedLogUnderUpdates(t *testing.T) {
	const rows = 10_000
	total := 10_000_000
	switch {
	case testing.Short():
		total = 100_000
	case gcRace:
		total = 500_000 // 10M would take minutes
	}
	e := newEnv(t, Options{})
	vals := make([]int64, rows)
	e.load(vals...)
	lg := e.store.Log()
	// Every version: 40-byte header + 8-byte key + 8-byte value = 56
	// bytes, already a multiple of 8.
	recSize := uint64(40+len(k(0))+len(v(0))+7) &^ 7
	live := rows * recSize // 560,000 bytes
	page := lg.PageSize()  // 64 KiB in newEnv

	// Bounds.
	//
	// At rest (the run is over, the collector has caught up): the collector
	// works whenever the garbage estimate exceeds half the log (and the log
	// is longer than two pages), so a log it leaves alone is at most twice
	// its live bytes, or two pages: 2x live + 2 pages, as the package doc
	// says. Only accurate garbage accounting gets there: an estimate that
	// drifts low stops collection for good (the log then grows without
	// bound), so this also catches accounting leaks.
	restBound := 2*live + 2*page
	// During the run: the target is 4x live + 4 pages (2x at the collection
	// trigger, +1x for the live records a pass copies before it truncates,
	// + updates during the collector's 10ms tick, + the tail page and the
	// page a pass stops in). On a saturated 2-core machine (GOMAXPROCS
	// writers + the collector + the Go GC) the engine does not always meet
	// it: a writer descheduled mid-transaction holds its snapshot, and so
	// the horizon, for a scheduler quantum (~10ms, 10k commits here). The
	// collector copies the versions such a snapshot pins forward (relink)
	// unless they outweigh the garbage on their page; then the pass waits.
	// Measured on 2 cores: a maximum of 6-8x live (10-14x before relinking),
	// 1.0x at rest. The running bound below guards against regressions
	// (unbounded growth); it is not the target.
	runBound := 20*live + 4*page

	var maxSize atomic.Uint64
	var stop atomic.Bool
	var monWG sync.WaitGroup
	monWG.Add(1)
	go func() {
		defer monWG.Done()
		for !stop.Load() {
			if sz := lg.Size(); sz > maxSize.Load() {
				maxSize.Store(sz)
			}
			time.Sleep(time.Millisecond)
		}
	}()

	workers := runtime.GOMAXPROCS(0)
	var done atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	errc := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			s := e.m.NewSession(fmt.Sprintf("w%d", w))
			defer s.Close()
			rng := rand.New(rand.NewPCG(uint64(w), 99))
			ctx := context.Background()
			key := make([]byte, 8)
			var buf [8]byte
			inc := func(cur []byte) ([]byte, bool, error) {
				copy(buf[:], v(dv(cur)+1))
				return buf[:], true, nil
			}
			for done.Add(1) <= int64(total) {
				copy(key, k(rng.IntN(rows)))
				tx := s.Begin(TxnOptions{})
				ok, err := tx.Update(ctx, e.tbl, key, inc)
				if err == nil && !ok {
					err = errors.New("row not found")
				}
				if err == nil {
					err = tx.Commit()
				} else {
					tx.Rollback()
				}
				if err != nil {
					errc <- err
					return
				}
			}
		}(w)
	}
	// Pages allocated, once a second: it should level off.
	var pagesAt []int64
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	for waiting := true; waiting; {
		select {
		case <-finished:
			waiting = false
		case <-time.After(time.Second):
			pagesAt = append(pagesAt, lg.PagesAllocated())
		}
	}
	elapsed := time.Since(start)
	stop.Store(true)
	monWG.Wait()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
	endSize := lg.Size()
	// Let the background collector catch up. The state is read under a
	// compaction hold, which waits for a running pass (one that is copying
	// live records to the tail has not truncated yet) and keeps the next
	// one from starting; at rest the collector no longer wants to run.
	var restSize uint64
	var restGarbage int64
	for deadline := time.Now().Add(10 * time.Second); ; {
		release := e.store.HoldCompaction()
		should := e.store.ShouldCollect()
		restSize, restGarbage = lg.Size(), e.store.Garbage()
		release()
		if !should || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	maxSz := maxSize.Load()
	pages := lg.PagesAllocated()
	passes, moved, dead, _, truncated := e.store.GCTotals()
	t.Logf("%d updates in %v (%.0f/s, %d workers); live %d bytes (%d rows x %d); log size: max %d (%.2fx live), at the end %d (%.2fx), at rest %d (%.2fx); garbage estimate at rest %d; pages allocated (peak held) %d of %d bytes, per second %v; gc passes %d moved %d dead %d truncated %d bytes",
		total, elapsed.Round(time.Millisecond), float64(total)/elapsed.Seconds(), workers,
		live, rows, recSize, maxSz, float64(maxSz)/float64(live), endSize, float64(endSize)/float64(live),
		restSize, float64(restSize)/float64(live), restGarbage, pages, page, pagesAt, passes, moved, dead, truncated)

	if restSize > restBound {
		t.Errorf("at rest the log is %d bytes, %.2fx the %d live bytes (bound 2x live + 2 pages = %d); garbage estimate %d",
			restSize, float64(restSize)/float64(live), live, restBound, restGarbage)
	}
	// At rest the log holds the live rows and dead bytes; the garbage
	// estimate must match the latter (within a page: moved records' old
	// copies on a page a pass stopped in are not counted).
	if g, dead := restGarbage, int64(restSize)-int64(live); g < dead-int64(page) || g > dead+int64(page) {
		t.Errorf("garbage estimate %d at rest, but the log holds %d bytes beyond the live rows", g, dead)
	}
	if maxSz > runBound {
		t.Errorf("the log reached %d bytes, %.2fx the %d live bytes (bound %d)", maxSz, float64(maxSz)/float64(live), live, runBound)
	}
	if maxSz > 4*live+4*page {
		t.Logf("NOTE: above the 4x live + 4 pages target (%d bytes); see the comment on runBound", 4*live+4*page)
	}
	// Pages: the log's own pages at its largest, plus as many truncated
	// pages waiting for the epoch protection, plus the pool of 4.
	if pagesBound := 2*int64(maxSz/page+2) + 4; pages > pagesBound {
		t.Errorf("%d pages allocated at peak; a log of at most %d bytes needs at most %d", pages, maxSz, pagesBound)
	}
	// Every update is counted exactly once.
	s := e.m.NewSession("check")
	defer s.Close()
	tx := s.Begin(TxnOptions{})
	var sum int64
	n := 0
	tx.Scan(e.tbl, nil, nil, false, func(key, val []byte) bool {
		sum += dv(val)
		n++
		return true
	})
	tx.Commit()
	if n != rows || sum != int64(total) {
		t.Fatalf("%d rows summing to %d, want %d rows summing to %d", n, sum, rows, total)
	}
}

// TestGCConcurrentWorkload: writers update, insert and delete random keys
// while the collector runs and readers scan. Each key is owned by one
// writer, which knows its expected value; at the end every key equals the
// model.
func TestGCConcurrentWorkload(t *testing.T) {
	e := newSmallPageEnv(t, Options{GCInterval: time.Millisecond, GCMaxPages: 16})
	const writers, keysPer = 4, 200
	dur := 2 * time.Second
	if testing.Short() {
		dur = 300 * time.Millisecond
	}
	tbl, ix := gcIxEnv(t, e)
	var stop atomic.Bool
	var wg sync.WaitGroup
	errc := make(chan error, 16)
	models := make([]map[int]int64, writers)
	var commits atomic.Int64
	for w := 0; w < writers; w++ {
		models[w] = map[int]int64{}
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			s := e.m.NewSession("")
			defer s.Close()
			rng := rand.New(rand.NewPCG(uint64(w), 7))
			model := models[w]
			ctx := context.Background()
			for n := 0; !stop.Load(); n++ {
				tx := s.Begin(TxnOptions{})
				pending := map[int]int64{}
				deleted := map[int]bool{}
				ops := 1 + rng.IntN(4)
				var err error
				for o := 0; o < ops && err == nil; o++ {
					i := w*keysPer + rng.IntN(keysPer)
					cur, exists := model[i]
					if p, ok := pending[i]; ok {
						cur, exists = p, true
					} else if deleted[i] {
						exists = false
					}
					switch {
					case !exists:
						nv := int64(rng.IntN(1000))
						err = tx.Insert(ctx, tbl, k(i), gcRow(t, int64(i), nv))
						pending[i], deleted[i] = nv, false
					case rng.IntN(5) == 0:
						var ok bool
						ok, err = tx.Delete(ctx, tbl, k(i), nil)
						if err == nil && !ok {
							err = fmt.Errorf("delete of owned key %d found no row", i)
						}
						delete(pending, i)
						deleted[i] = true
					default:
						nv := cur + 1
						var ok bool
						ok, err = tx.Update(ctx, tbl, k(i), func(b []byte) ([]byte, bool, error) {
							got, err := storage.DecodeColumn(b, []storage.Type{storage.TypeInt64, storage.TypeInt64}, 1)
							if err != nil {
								return nil, false, err
							}
							if got.AsInt64() != cur {
								return nil, false, fmt.Errorf("key %d holds %d, model says %d", i, got.AsInt64(), cur)
							}
							return gcRow(t, int64(i), nv), true, nil
						})
						if err == nil && !ok {
							err = fmt.Errorf("update of owned key %d found no row", i)
						}
						pending[i] = nv
					}
					tx.NewStatement()
				}
				if err != nil {
					tx.Rollback()
					errc <- err
					return
				}
				if rng.IntN(8) == 0 {
					tx.Rollback() // aborted versions for the collector
					continue
				}
				if err := tx.Commit(); err != nil {
					errc <- err
					return
				}
				commits.Add(1)
				for i, x := range pending {
					model[i] = x
				}
				for i, d := range deleted {
					if d {
						if _, p := pending[i]; !p {
							delete(model, i)
						}
					}
				}
			}
		}(w)
	}
	// Readers: full scans and index scans must return well-formed rows, in
	// order, each key once.
	for r := 0; r < 2; r++ {
		wg.Add(1)
		go func(r int) {
			defer wg.Done()
			s := e.m.NewSession("")
			defer s.Close()
			for !stop.Load() {
				// Reader 0 reads at one snapshot, reader 1 at a snapshot
				// per statement.
				tx := s.Begin(TxnOptions{Isolation: []Isolation{RepeatableRead, ReadCommitted}[r]})
				last := int64(-1)
				var bad error
				tx.Scan(tbl, nil, nil, false, func(key, val []byte) bool {
					id := dv(key)
					got, err := storage.DecodeColumn(val, []storage.Type{storage.TypeInt64, storage.TypeInt64}, 0)
					if id <= last || err != nil || got.AsInt64() != id {
						bad = fmt.Errorf("scan: key %d after %d, row id %v (%v)", id, last, got, err)
						return false
					}
					last = id
					return true
				})
				tx.NewStatement()
				seen := map[int64]bool{}
				tx.IndexScan(tbl, ix, nil, nil, r == 1, func(pk, val []byte) bool {
					if seen[dv(pk)] {
						bad = fmt.Errorf("index scan returned row %d twice", dv(pk))
						return false
					}
					seen[dv(pk)] = true
					return true
				})
				tx.Commit()
				if bad != nil {
					errc <- bad
					return
				}
				if r == 0 {
					// Let the horizon move between long snapshots.
					time.Sleep(2 * time.Millisecond)
				}
			}
		}(r)
	}
	// Run for dur, and on until the collector has found dead versions: on
	// a loaded machine (the race detector, other packages' tests) a short
	// run may end before a pass finds any. The deadline only stops a
	// collector that never works.
	time.Sleep(dur)
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline) && len(errc) == 0; time.Sleep(10 * time.Millisecond) {
		if passes, _, dead, _, _ := e.store.GCTotals(); passes > 0 && dead > 0 {
			break
		}
	}
	stop.Store(true)
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
	passes, moved, dead, removed, _ := e.store.GCTotals()
	t.Logf("%d commits; gc passes %d moved %d dead %d keys removed %d; log %d bytes, garbage estimate %d", commits.Load(), passes, moved, dead, removed, e.store.Log().Size(), e.store.Garbage())
	if passes == 0 || dead == 0 {
		t.Fatalf("the collector did no work: %d passes, %d dead", passes, dead)
	}

	// Compare with the models, with and without a final collection.
	check := func(when string) {
		s := e.m.NewSession("")
		defer s.Close()
		tx := s.Begin(TxnOptions{})
		defer tx.Commit()
		got := map[int]int64{}
		tx.Scan(tbl, nil, nil, false, func(key, val []byte) bool {
			x, _ := storage.DecodeColumn(val, []storage.Type{storage.TypeInt64, storage.TypeInt64}, 1)
			got[int(dv(key))] = x.AsInt64()
			return true
		})
		want := 0
		for w, model := range models {
			for i, x := range model {
				want++
				if g, ok := got[i]; !ok || g != x {
					t.Fatalf("%s: writer %d key %d = %d (present %v), model %d", when, w, i, g, ok, x)
				}
			}
		}
		if len(got) != want {
			t.Fatalf("%s: %d rows, model has %d", when, len(got), want)
		}
		// Each live row is found through the index under its value.
		ixRows := 0
		tx.IndexScan(tbl, ix, nil, nil, false, func(pk, val []byte) bool { ixRows++; return true })
		if ixRows != want {
			t.Fatalf("%s: index scan finds %d rows, want %d", when, ixRows, want)
		}
	}
	check("after the run")
	gcPush(t, e, e.m.NewSession(""), 2)
	gcCollect(e)
	check("after a final collection")
	if n, want := tbl.Len(), func() int {
		c := 0
		for _, m := range models {
			c += len(m)
		}
		return c
	}(); n != want {
		t.Fatalf("primary tree holds %d keys after collection, want %d (deleted keys not removed?)", n, want)
	}
}
