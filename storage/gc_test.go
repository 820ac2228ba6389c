package storage

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// gcEnv drives the collector without the txn package: it commits versions
// the way txn does (append with prev = head, swap the slot, stamp the
// previous version's endTS, count it as garbage), one at a time.
type gcEnv struct {
	t   testing.TB
	s   *Store
	tbl *Table
	g   *Guard
	ts  uint64
}

func newGCEnv(t testing.TB, pageBits uint) *gcEnv {
	t.Helper()
	s := Open(Options{PageBits: pageBits})
	tbl, err := s.CreateTable(1, "t", Schema{})
	if err != nil {
		t.Fatal(err)
	}
	e := &gcEnv{t: t, s: s, tbl: tbl, g: s.NewGuard(), ts: 1 << 40}
	t.Cleanup(func() {
		if err := s.CheckConsistency(e.g); err != nil {
			t.Error(err)
		}
	})
	return e
}

// write commits a new version of key (a tombstone if del) and returns its
// commit timestamp.
func (e *gcEnv) write(key, val []byte, del bool) uint64 {
	e.t.Helper()
	e.g.Enter()
	defer e.g.Exit()
	e.ts++
	spec := RecordSpec{Table: e.tbl.ID(), BeginTS: e.ts, Key: key, Value: val}
	if del {
		spec.Flags, spec.Value = FlagTombstone, nil
	}
	slot, ok := e.tbl.Lookup(key)
	var head Addr
	if ok {
		head = e.tbl.Head(slot)
		spec.Prev = head
	}
	a, err := e.s.Log().Append(&spec)
	if err != nil {
		e.t.Fatal(err)
	}
	if !ok {
		if _, created := e.tbl.LookupOrInsert(key, a); !created {
			e.t.Fatal("key appeared")
		}
		return e.ts
	}
	if !e.tbl.CASHead(slot, head, a) {
		e.t.Fatal("slot changed")
	}
	p := e.s.Log().Record(head)
	p.SetEndTS(e.ts)
	e.s.NoteGarbage(p.Size())
	return e.ts
}

func (e *gcEnv) put(key string, val string) uint64 { return e.write([]byte(key), []byte(val), false) }
func (e *gcEnv) del(key string) uint64             { return e.write([]byte(key), nil, true) }

// get returns key's value visible at snapshot ts.
func (e *gcEnv) get(key string, ts uint64) (string, bool) {
	e.g.Enter()
	defer e.g.Exit()
	slot, ok := e.tbl.Lookup([]byte(key))
	if !ok {
		return "", false
	}
	lg := e.s.Log()
	for a := e.tbl.Head(slot); a != 0 && a >= lg.Begin(); {
		r := lg.Record(a)
		if !r.Invalid() && IsCommitted(r.BeginTS()) && r.BeginTS() <= ts {
			if r.Tombstone() {
				return "", false
			}
			return string(r.Value()), true
		}
		a = r.Prev()
	}
	return "", false
}

// fill writes n versions of padding keys, pushing earlier records out of
// the tail page.
func (e *gcEnv) fill(n int) {
	for i := 0; i < n; i++ {
		e.put(fmt.Sprintf("pad%03d", i%50), strings.Repeat("p", 100))
	}
}

// collectAll runs passes until every record that was in the log when it
// started has been judged (Begin passed the tail's page), or a pass stops
// early. Passes do not converge to "nothing truncated": each one copies the
// live records it meets to the tail, where the next pass meets them again.
func (e *gcEnv) collectAll(horizon uint64) GCStats {
	var total GCStats
	end := e.s.Log().PageStart(e.s.Log().Tail())
	for i := 0; i < 1000; i++ {
		st := e.s.Collect(e.g, horizon, 0)
		total.Scanned += st.Scanned
		total.Dead += st.Dead
		total.Moved += st.Moved
		total.KeysRemoved += st.KeysRemoved
		total.IndexPruned += st.IndexPruned
		total.Truncated += st.Truncated
		total.Blocked = st.Blocked
		if st.Blocked != "" || e.s.Log().Begin() >= end {
			return total
		}
	}
	e.t.Fatal("collection does not progress")
	return total
}

func TestCollectKeepsWhatASnapshotSees(t *testing.T) {
	e := newGCEnv(t, 12)
	t1 := e.put("k", "old")
	e.fill(10)
	snap := e.ts // a snapshot taken here sees "old"
	t2 := e.put("k", "new")
	e.fill(200) // many pages

	old := func() Addr { // address of k's version committed at t1
		e.g.Enter()
		defer e.g.Exit()
		sl, _ := e.tbl.Lookup([]byte("k"))
		for a := e.tbl.Head(sl); a != 0; a = e.s.Log().Record(a).Prev() {
			if e.s.Log().Record(a).BeginTS() == t1 {
				return a
			}
		}
		return 0
	}
	oldAddr := old()
	if oldAddr == 0 {
		t.Fatal("old version not in the chain")
	}
	st := e.collectAll(snap)
	if st.Blocked != "superseded version still visible to a snapshot" {
		t.Fatalf("blocked: %q", st.Blocked)
	}
	if e.s.Log().Begin() > oldAddr {
		t.Fatalf("log truncated to %d past the version at %d a snapshot at %d sees", e.s.Log().Begin(), oldAddr, snap)
	}
	if v, ok := e.get("k", snap); !ok || v != "old" {
		t.Fatalf("snapshot read %q %v after collection", v, ok)
	}
	if v, _ := e.get("k", e.ts); v != "new" {
		t.Fatalf("current read %q", v)
	}
	e.g.Enter()
	if r := e.s.Log().Record(oldAddr); string(r.Value()) != "old" || r.EndTS() != t2 || !r.Verify() {
		t.Fatalf("old version changed: %q end %d", r.Value(), r.EndTS())
	}
	e.g.Exit()

	// The snapshot ends: everything before the tail page can go.
	st = e.collectAll(e.ts)
	if st.Blocked != "" || st.Dead == 0 || st.Moved == 0 {
		t.Fatalf("after the snapshot: %+v", st)
	}
	if e.s.Log().Begin() <= oldAddr {
		t.Fatalf("begin %d: the old version at %d was not collected", e.s.Log().Begin(), oldAddr)
	}
	if _, ok := e.get("k", snap); ok {
		t.Fatal("a version below the horizon is still reachable")
	}
	if v, _ := e.get("k", e.ts); v != "new" {
		t.Fatalf("current read %q after collection", v)
	}
	// 51 live keys of ~150 bytes and the records of the tail page remain.
	if size := e.s.Log().Size(); size > 3*e.s.Log().PageSize() {
		t.Fatalf("log size %d after a full collection", size)
	}
}

func TestCollectRemovesCollectedTombstones(t *testing.T) {
	e := newGCEnv(t, 12)
	for i := 0; i < 20; i++ {
		e.put(fmt.Sprintf("k%02d", i), "v")
	}
	var delTS uint64
	for i := 0; i < 20; i += 2 {
		delTS = e.del(fmt.Sprintf("k%02d", i))
	}
	e.fill(100)
	if e.tbl.Len() != 70 {
		t.Fatalf("Len %d", e.tbl.Len())
	}
	// Below the tombstones' commit, they are moved like live versions.
	st := e.collectAll(delTS - 10)
	if st.KeysRemoved != 0 || e.tbl.Len() != 70 {
		t.Fatalf("tombstones above the horizon removed keys: %+v, Len %d", st, e.tbl.Len())
	}
	if v, ok := e.get("k00", delTS-20); !ok || v != "v" {
		// k00's tombstone committed at delTS-18: the snapshot delTS-20
		// still sees it alive.
		t.Fatalf("k00 at a snapshot before its delete: %q %v", v, ok)
	}
	e.fill(100)
	st = e.collectAll(e.ts)
	if st.KeysRemoved != 10 {
		t.Fatalf("removed %d keys, want 10: %+v", st.KeysRemoved, st)
	}
	if e.tbl.Len() != 60 {
		t.Fatalf("Len %d, want 60", e.tbl.Len())
	}
	for i := 0; i < 20; i++ {
		_, found := e.tbl.Lookup([]byte(fmt.Sprintf("k%02d", i)))
		if found != (i%2 == 1) {
			t.Fatalf("k%02d in tree: %v", i, found)
		}
	}
	// Re-inserting a removed key starts a new chain.
	e.put("k00", "again")
	if v, ok := e.get("k00", e.ts); !ok || v != "again" {
		t.Fatalf("re-inserted: %q %v", v, ok)
	}
	_, _, _, removed, _ := e.s.GCTotals()
	if removed != 10 {
		t.Fatalf("GCTotals keysRemoved %d", removed)
	}
}

func TestCollectStopsAtMarkersAndDropsInvalid(t *testing.T) {
	e := newGCEnv(t, 12)
	e.put("a", "1")
	e.put("b", "1")
	// An uncommitted writer holds b: its new version carries a marker and
	// b's current version a marker in endTS.
	e.g.Enter()
	sl, _ := e.tbl.Lookup([]byte("b"))
	head := e.tbl.Head(sl)
	marker := MarkerBit | 42
	na, _ := e.s.Log().Append(&RecordSpec{Table: 1, BeginTS: marker, Prev: head, Key: []byte("b"), Value: []byte("2")})
	e.tbl.CASHead(sl, head, na)
	e.s.Log().Record(head).SetEndTS(marker)
	e.g.Exit()
	e.fill(100)
	st := e.collectAll(e.ts)
	if st.Blocked != "version locked by a writer" {
		t.Fatalf("blocked %q", st.Blocked)
	}
	if e.s.Log().Begin() > head {
		t.Fatal("truncated past a locked version")
	}
	// The writer aborts: undo as txn does.
	e.g.Enter()
	e.tbl.CASHead(sl, na, head)
	e.s.Log().Record(head).SetEndTS(0)
	r := e.s.Log().Record(na)
	r.SetFlag(FlagInvalid)
	e.s.NoteGarbage(r.Size())
	e.g.Exit()
	e.fill(100)
	st = e.collectAll(e.ts)
	if st.Blocked != "" {
		t.Fatalf("still blocked: %q", st.Blocked)
	}
	if e.s.Log().Begin() <= na {
		t.Fatal("the aborted version was not dropped")
	}
	if v, _ := e.get("b", e.ts); v != "1" {
		t.Fatalf("b = %q after the abort and collection", v)
	}
	// A version whose writer is still committing (beginTS a marker) stops
	// the pass.
	e.g.Enter()
	na, _ = e.s.Log().Append(&RecordSpec{Table: 1, BeginTS: marker, Key: []byte("new"), Value: []byte("x")})
	e.tbl.LookupOrInsert([]byte("new"), na)
	e.g.Exit()
	e.fill(100)
	if st := e.collectAll(e.ts); st.Blocked != "uncommitted version" || e.s.Log().Begin() > na {
		t.Fatalf("blocked %q, begin %d, marker version at %d", st.Blocked, e.s.Log().Begin(), na)
	}
	e.g.Enter()
	e.s.Log().Record(na).SetBeginTS(e.ts + 1)
	e.ts++
	e.g.Exit()
	e.fill(100)
	if st := e.collectAll(e.ts); st.Blocked != "" || e.s.Log().Begin() <= na {
		t.Fatalf("after commit: blocked %q", st.Blocked)
	}
	if v, _ := e.get("new", e.ts); v != "x" {
		t.Fatalf("new = %q", v)
	}
}

func TestCollectDropsRecordsOfDroppedTables(t *testing.T) {
	e := newGCEnv(t, 12)
	if _, err := e.s.CreateTable(2, "other", Schema{}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 100; i++ {
		e.s.Log().Append(&RecordSpec{Table: 2, BeginTS: 5, Key: []byte(fmt.Sprint(i)), Value: make([]byte, 100)})
	}
	if err := e.s.DropTable(2); err != nil {
		t.Fatal(err)
	}
	if err := e.s.DropTable(2); err == nil {
		t.Fatal("dropping twice")
	}
	e.fill(60)
	st := e.collectAll(e.ts)
	if st.Dead < 100 || st.Blocked != "" {
		t.Fatalf("%+v", st)
	}
}

// TestCollectHoldCompaction: no record moves while a hold exists, even if
// the hold is taken while a pass runs.
func TestCollectHoldCompaction(t *testing.T) {
	e := newGCEnv(t, 12)
	for i := 0; i < 500; i++ {
		e.put(fmt.Sprintf("k%03d", i), strings.Repeat("v", 50))
	}
	heads := func() map[string]Addr {
		m := map[string]Addr{}
		e.tbl.Ascend(nil, nil, func(k []byte, s SlotID) bool { m[string(k)] = e.tbl.Head(s); return true })
		return m
	}
	release := e.s.HoldCompaction()
	before, begin, tail := heads(), e.s.Log().Begin(), e.s.Log().Tail()
	st := e.s.Collect(e.g, e.ts, 0)
	if st.Blocked != "checkpoint holds compaction" || st.Moved != 0 || st.Truncated != 0 {
		t.Fatalf("collect under a hold: %+v", st)
	}
	if fmt.Sprint(heads()) != fmt.Sprint(before) || e.s.Log().Begin() != begin || e.s.Log().Tail() != tail {
		t.Fatal("records moved under a hold")
	}
	release()
	release() // idempotent
	if st := e.s.Collect(e.g, e.ts, 0); st.Moved == 0 {
		t.Fatalf("no move after release: %+v", st)
	}

	// Concurrent: a collector loops (every live record below the tail page
	// moves on each pass), holds come and go; while held, nothing moves.
	var stop atomic.Bool
	var wg sync.WaitGroup
	var moved atomic.Int64
	wg.Add(1)
	go func() {
		defer wg.Done()
		g := e.s.NewGuard()
		defer g.Close()
		for !stop.Load() {
			st := e.s.Collect(g, e.ts, 2)
			moved.Add(int64(st.Moved))
		}
	}()
	deadline := time.Now().Add(300 * time.Millisecond)
	holds := 0
	for time.Now().Before(deadline) || holds < 20 {
		release := e.s.HoldCompaction()
		before, begin, tail := heads(), e.s.Log().Begin(), e.s.Log().Tail()
		time.Sleep(time.Millisecond)
		if after := heads(); fmt.Sprint(after) != fmt.Sprint(before) {
			t.Fatal("a record moved while a compaction hold was held")
		}
		if e.s.Log().Begin() != begin || e.s.Log().Tail() != tail {
			t.Fatalf("log changed under a hold: begin %d->%d tail %d->%d", begin, e.s.Log().Begin(), tail, e.s.Log().Tail())
		}
		release()
		holds++
		time.Sleep(100 * time.Microsecond)
	}
	stop.Store(true)
	wg.Wait()
	if moved.Load() == 0 {
		t.Fatal("the collector never moved anything between holds: the test checked nothing")
	}
	for i := 0; i < 500; i++ {
		if v, ok := e.get(fmt.Sprintf("k%03d", i), e.ts); !ok || v != strings.Repeat("v", 50) {
			t.Fatalf("k%03d = %q %v", i, v, ok)
		}
	}
}

// TestCollectMovesCurrentVersions: a pass copies live versions to the tail
// with prev = 0, keeping their timestamps and value, and marks the old copy
// collected; a later pass drops it.
func TestCollectMovesCurrentVersions(t *testing.T) {
	e := newGCEnv(t, 12)
	ts := e.put("live", "value")
	e.fill(60)
	e.g.Enter()
	sl, _ := e.tbl.Lookup([]byte("live"))
	oldAddr := e.tbl.Head(sl)
	e.g.Exit()
	st := e.s.Collect(e.g, e.ts, 0)
	// fill(60) leaves 50 padding keys; most lie below the tail page.
	if st.Moved < 40 || st.Truncated == 0 || st.Blocked != "" {
		t.Fatalf("%+v", st)
	}
	e.g.Enter()
	defer e.g.Exit()
	na := e.tbl.Head(sl)
	if na == oldAddr || na < e.s.Log().Begin() {
		t.Fatalf("live version not moved: %d -> %d (begin %d)", oldAddr, na, e.s.Log().Begin())
	}
	r := e.s.Log().Record(na)
	if r.BeginTS() != ts || r.EndTS() != 0 || r.Prev() != 0 || string(r.Value()) != "value" || !r.Verify() || r.Flags() != 0 {
		t.Fatalf("moved copy: begin %d end %d prev %d value %q flags %#x", r.BeginTS(), r.EndTS(), r.Prev(), r.Value(), r.Flags())
	}
	if e.s.Log().Begin() <= oldAddr {
		t.Fatal("the page of the moved record was not truncated")
	}
	passes, moved, dead, _, truncated := e.s.GCTotals()
	if passes != 1 || moved != int64(st.Moved) || dead != int64(st.Dead) || truncated != int64(st.Truncated) {
		t.Fatalf("totals %d %d %d %d vs %+v", passes, moved, dead, truncated, st)
	}
}

// TestCollectGarbageAccounting: the garbage estimate drives collection, so
// it must not drift. After the collector has dropped every dead record,
// the estimate matches the dead bytes actually left in the log (dead
// records and page fillers), within a page.
func TestCollectGarbageAccounting(t *testing.T) {
	e := newGCEnv(t, 12)
	for round := 0; round < 30; round++ {
		for i := 0; i < 300; i++ {
			e.put(fmt.Sprintf("k%03d", i%60), strings.Repeat("v", 10+(i*round)%90))
		}
		// Partial passes that stop mid-page (maxPages 1 and a horizon
		// that blocks), as under a live load.
		e.s.Collect(e.g, e.ts-50, 1)
		e.s.Collect(e.g, e.ts, 1)
	}
	e.collectAll(e.ts)
	// What is really dead in [Begin, Tail): records that are not their
	// key's head, plus page fillers.
	var live, recs uint64
	e.g.Enter()
	lg := e.s.Log()
	lg.Scan(lg.Begin(), lg.Tail(), func(a Addr, r Record) bool {
		recs += r.Size()
		if sl, ok := e.tbl.Lookup(r.Key()); ok && e.tbl.Head(sl) == a {
			live += r.Size()
		}
		return true
	})
	e.g.Exit()
	dead := lg.Size() - live
	got := e.s.Garbage()
	t.Logf("log %d bytes: live %d, dead %d (fillers %d); estimate %d", lg.Size(), live, dead, lg.Size()-recs, got)
	if got < 0 || uint64(got) > dead+lg.PageSize() || dead > uint64(got)+lg.PageSize() {
		t.Fatalf("garbage estimate %d, actual dead bytes %d", got, dead)
	}
}

func TestShouldCollect(t *testing.T) {
	e := newGCEnv(t, 12)
	if e.s.ShouldCollect() {
		t.Fatal("empty store wants collection")
	}
	for i := 0; i < 100; i++ {
		e.put(fmt.Sprintf("k%03d", i), strings.Repeat("v", 100))
	}
	if e.s.ShouldCollect() {
		t.Fatalf("no garbage (estimate %d), yet ShouldCollect", e.s.Garbage())
	}
	for i := 0; i < 300; i++ {
		e.put(fmt.Sprintf("k%03d", i%100), strings.Repeat("w", 100))
	}
	if !e.s.ShouldCollect() {
		t.Fatalf("3/4 of the log is garbage (estimate %d of %d), yet no collection", e.s.Garbage(), e.s.Log().Size())
	}
	e.collectAll(e.ts)
	if e.s.ShouldCollect() {
		t.Fatalf("after a full collection: garbage %d size %d", e.s.Garbage(), e.s.Log().Size())
	}
	for i := 0; i < 100; i++ {
		if v, _ := e.get(fmt.Sprintf("k%03d", i), e.ts); v != strings.Repeat("w", 100) {
			t.Fatalf("k%03d = %q", i, v)
		}
	}
}
