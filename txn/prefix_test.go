package txn

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/persiandb/persiandb/storage"
)

// Invariant 1 (DESIGN.md): for any cut C, the transactions with commit
// timestamp < C are closed under dependencies. The workload below records,
// for every transaction attempt, each version it read and each version it
// overwrote; values carry the token of the attempt that wrote them (rbVal),
// so a dependency names its writer even where the API gives no timestamp
// (an Update function's current row, a scan).

const (
	pfKeys    = 8
	pfWorkers = 6
)

type pfDep struct {
	tok   uint64
	bts   uint64 // the version's beginTS as GetVersion returned it; 0 if unknown
	snap  uint64 // the reader's snapshot, for a read; 0 for an overwrite
	key   int
	write bool // an overwrite (else a read)
}

type pfTxn struct {
	tok     uint64
	level   Isolation
	ts      uint64 // commit timestamp; 0 for a reader or an aborted attempt
	ok      bool   // committed
	sess    int
	serial  uint64
	deps    []pfDep
	written bool
}

// pfCut is a checkpoint the test took during the workload: the cut Shift
// returned, the visible timestamp right after Drain, and every session's
// CPR point (PointBefore) at that moment.
type pfCut struct {
	cut     uint64
	visible uint64
	points  []uint64
}

type pfWorker struct {
	t     *testing.T
	e     *env
	id    int
	rng   *rand.Rand
	s     *Session
	next  uint64
	txns  []*pfTxn
	fails *atomic.Int32
}

func (w *pfWorker) fail(format string, args ...any) error {
	if w.fails.Add(1) <= 20 {
		w.t.Errorf("worker %d: "+format, append([]any{w.id}, args...)...)
	}
	return errRBAssert
}

// attempt runs one random transaction; it returns only assertion errors.
func (w *pfWorker) attempt() error {
	r := w.rng
	ctx := context.Background()
	w.next++
	rec := &pfTxn{tok: uint64(w.id+2)<<40 | w.next, level: Isolation(r.IntN(3)), sess: w.id}
	w.txns = append(w.txns, rec)
	tx := w.s.Begin(TxnOptions{Isolation: rec.level})
	tbl := w.e.tbl
	nsave := 0
	// own: written keys (an own version's token is rec.tok).
	body := func() error {
		n := 2 + r.IntN(5)
		for i := 0; i < n; i++ {
			if r.IntN(3) == 0 {
				tx.NewStatement()
			}
			key := r.IntN(pfKeys)
			switch p := r.IntN(20); {
			case p < 6: // point read
				b, bts, found, err := tx.GetVersion(tbl, k(key), nil)
				if err != nil {
					return err
				}
				if !found {
					continue
				}
				v := rbDec(b)
				if storage.IsMarker(bts) {
					if v.tok != rec.tok {
						return w.fail("key %d: read a marker version %v of another transaction (tok %x)", key, v, rec.tok)
					}
					continue
				}
				if v.tok == rec.tok {
					return w.fail("key %d: own value %v read with committed beginTS %#x", key, v, bts)
				}
				rec.deps = append(rec.deps, pfDep{tok: v.tok, bts: bts, snap: tx.Snapshot(), key: key})
			case p < 8: // scan
				err := tx.Scan(tbl, nil, nil, r.IntN(2) == 0, func(kb, val []byte) bool {
					if v := rbDec(val); v.tok != rec.tok {
						rec.deps = append(rec.deps, pfDep{tok: v.tok, snap: tx.Snapshot(), key: int(binary.BigEndian.Uint64(kb))})
					}
					return true
				})
				if err != nil {
					return err
				}
			case p < 14, p < 16: // update, delete
				var cur rbVal
				fn := func(b []byte) ([]byte, bool, error) {
					cur = rbDec(b)
					return rbEnc(rbVal{amt: cur.amt + 1, tok: rec.tok}), true, nil
				}
				var ok bool
				var err error
				if p < 14 {
					ok, err = tx.Update(ctx, tbl, k(key), fn)
				} else {
					ok, err = tx.Delete(ctx, tbl, k(key), func(b []byte) ([]byte, bool, error) {
						cur = rbDec(b)
						return nil, true, nil
					})
				}
				if err != nil {
					return err
				}
				if ok {
					rec.written = true
					if cur.tok != rec.tok {
						rec.deps = append(rec.deps, pfDep{tok: cur.tok, key: key, write: true})
					}
				}
			case p < 18: // insert, in a savepoint
				nsave++
				name := fmt.Sprint("i", nsave%2)
				if err := tx.Savepoint(name); err != nil {
					return w.fail("savepoint: %v", err)
				}
				err := tx.Insert(ctx, tbl, k(key), rbEnc(rbVal{amt: int64(r.IntN(100)), tok: rec.tok}))
				switch {
				case errors.Is(err, ErrUniqueViolation):
					if err := tx.RollbackTo(name); err != nil {
						return w.fail("rollback to: %v", err)
					}
				case err != nil:
					return err
				default:
					rec.written = true
				}
			default: // a write undone by rollback to savepoint
				nsave++
				name := fmt.Sprint("u", nsave%2)
				if err := tx.Savepoint(name); err != nil {
					return w.fail("savepoint: %v", err)
				}
				var cur rbVal
				ok, err := tx.Update(ctx, tbl, k(key), func(b []byte) ([]byte, bool, error) {
					cur = rbDec(b)
					return rbEnc(rbVal{amt: -1, tok: rec.tok}), true, nil
				})
				if err != nil {
					return err
				}
				if ok && cur.tok != rec.tok {
					// Still a dependency: the transaction saw it.
					rec.deps = append(rec.deps, pfDep{tok: cur.tok, key: key, write: true})
				}
				if err := tx.RollbackTo(name); err != nil {
					return w.fail("rollback to: %v", err)
				}
			}
		}
		return nil
	}
	err := body()
	if err == nil && r.IntN(10) == 0 {
		tx.Rollback()
		return nil
	}
	if err == nil {
		if err = tx.Commit(); err == nil {
			rec.ok = true
			rec.ts = tx.CommitTS()
			rec.serial = tx.Serial()
			return nil
		}
	}
	tx.Rollback()
	if errors.Is(err, errRBAssert) {
		return err
	}
	if !errors.Is(err, ErrSerialization) && !errors.Is(err, ErrDeadlock) {
		return w.fail("%v attempt: unexpected error %v", rec.level, err)
	}
	return nil
}

func TestInvariant1PrefixClosed(t *testing.T) {
	seed := persianSeed(t)
	dur := persianDuration(t, time.Second, 4*time.Second)
	e := newEnv(t, Options{DeadlockTimeout: 20 * time.Millisecond})
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(seed, 1<<32))

	load := &pfTxn{tok: rbLoadTok, ok: true, sess: -1}
	{
		s := e.m.NewSession("load")
		tx := s.Begin(TxnOptions{})
		for i := 0; i < pfKeys; i += 2 {
			if err := tx.Insert(ctx, e.tbl, k(i), rbEnc(rbVal{amt: 0, tok: rbLoadTok})); err != nil {
				t.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		load.ts = tx.CommitTS()
		s.Close()
	}

	var fails atomic.Int32
	workers := make([]*pfWorker, pfWorkers)
	for i := range workers {
		workers[i] = &pfWorker{t: t, e: e, id: i, rng: rand.New(rand.NewPCG(seed, uint64(i))),
			s: e.m.NewSession(fmt.Sprint("p", i)), fails: &fails}
	}
	deadline := time.Now().Add(dur)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for _, w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) && fails.Load() == 0 {
				if w.attempt() != nil {
					return
				}
			}
		}()
	}
	// The checkpointer: shift the clock, drain, read the CPR points.
	var cuts []pfCut
	ckDone := make(chan struct{})
	go func() {
		defer close(ckDone)
		clk := e.m.Clock()
		for {
			select {
			case <-stop:
				return
			default:
			}
			if d := rng.IntN(400); d > 0 {
				time.Sleep(time.Duration(d) * time.Microsecond)
			}
			cut := clk.Shift()
			clk.Drain(cut)
			c := pfCut{cut: cut, visible: e.m.Visible(), points: make([]uint64, len(workers))}
			for i, w := range workers {
				c.points[i] = w.s.PointBefore(cut)
			}
			cuts = append(cuts, c)
		}
	}()
	wg.Wait()
	close(stop)
	<-ckDone
	for _, w := range workers {
		w.s.Close()
	}
	if t.Failed() {
		return
	}

	// Index the attempts; the committed writers by token and in commit order.
	all := []*pfTxn{load}
	for _, w := range workers {
		all = append(all, w.txns...)
	}
	byTok := map[uint64]*pfTxn{}
	var writers []*pfTxn
	var committed, readers, aborted, ndeps int
	for _, x := range all {
		byTok[x.tok] = x
		switch {
		case !x.ok:
			aborted++
		case x.ts == 0:
			readers++
			if x.written {
				t.Errorf("tok %x wrote but committed without a timestamp", x.tok)
			}
		default:
			writers = append(writers, x)
		}
		if x.ok {
			committed++
		}
		ndeps += len(x.deps)
	}
	sort.Slice(writers, func(i, j int) bool { return writers[i].ts < writers[j].ts })
	for i := 1; i < len(writers); i++ {
		if writers[i].ts == writers[i-1].ts {
			t.Fatalf("commit timestamp %#x issued twice", writers[i].ts)
		}
	}
	t.Logf("%d attempts: %d committed writers, %d committed readers, %d aborted; %d dependencies; %d checkpoints (versions %d..%d)",
		len(all), len(writers), readers, aborted, ndeps, len(cuts), e.m.Clock().Version()-uint64(len(cuts)), e.m.Clock().Version())
	if len(writers) < 50 || len(cuts) < 5 {
		t.Fatalf("workload too small to mean anything: %d writers, %d checkpoints", len(writers), len(cuts))
	}

	// Every dependency names a committed writer, with the timestamp its
	// version was stamped with, below the dependent's own.
	bad := 0
	report := func(format string, args ...any) {
		if bad++; bad <= 20 {
			t.Errorf(format, args...)
		}
	}
	for _, x := range all {
		for _, d := range x.deps {
			dep := byTok[d.tok]
			if dep == nil || !dep.ok || dep.ts == 0 {
				report("tok %x (%v, committed %v) depends on key %d's version by tok %x, which did not commit a write (%+v)", x.tok, x.level, x.ok, d.key, d.tok, dep)
				continue
			}
			if d.bts != 0 && d.bts != dep.ts {
				report("key %d: version by tok %x read with beginTS %#x, its writer committed at %#x", d.key, d.tok, d.bts, dep.ts)
			}
			if !d.write && dep.ts > d.snap {
				report("key %d: read at snapshot %#x a version committed at %#x", d.key, d.snap, dep.ts)
			}
			if x.ok && x.ts != 0 && dep.ts >= x.ts {
				kind := "read"
				if d.write {
					kind = "overwrote"
				}
				report("Invariant 1: tok %x (%v) committed at %#x %s key %d's version committed at %#x (tok %x)", x.tok, x.level, x.ts, kind, d.key, dep.ts, d.tok)
			}
		}
	}

	// Cuts: every commit timestamp, the one after each, random values, and
	// the checkpoints' cuts. {T : T.ts < C} must be closed under
	// dependencies.
	idx := map[uint64]int{}
	for i, x := range writers {
		idx[x.tok] = i
	}
	depIdx := make([][]int, len(writers))
	for i, x := range writers {
		for _, d := range x.deps {
			if j, ok := idx[d.tok]; ok {
				depIdx[i] = append(depIdx[i], j)
			}
		}
	}
	lo, hi := writers[0].ts, writers[len(writers)-1].ts+1
	var cutList []uint64
	for _, x := range writers {
		cutList = append(cutList, x.ts, x.ts+1)
	}
	for i := 0; i < 200; i++ {
		cutList = append(cutList, lo+rng.Uint64N(hi-lo+1))
	}
	for _, c := range cuts {
		cutList = append(cutList, c.cut)
	}
	// Each cut costs a pass over every dependency: check a random sample.
	if len(cutList) > 800 {
		rng.Shuffle(len(cutList), func(i, j int) { cutList[i], cutList[j] = cutList[j], cutList[i] })
		cutList = cutList[:800]
	}
	member := make([]bool, len(writers))
	for _, c := range cutList {
		n := 0
		for i, x := range writers {
			member[i] = x.ts < c
			if member[i] {
				n++
			}
		}
		for i := range writers {
			if !member[i] {
				continue
			}
			for _, j := range depIdx[i] {
				if !member[j] {
					report("cut %#x (%d members): tok %x at %#x is in, its dependency tok %x at %#x is not", c, n, writers[i].tok, writers[i].ts, writers[j].tok, writers[j].ts)
				}
			}
		}
	}

	// The checkpoints: versions advance one at a time; after Drain every
	// commit below the cut is visible; each session's CPR point is its last
	// commit below the cut.
	perSess := make([][]*pfTxn, len(workers))
	for _, x := range writers {
		if x.sess >= 0 {
			perSess[x.sess] = append(perSess[x.sess], x)
		}
	}
	for s, list := range perSess {
		for i, x := range list {
			if x.serial != uint64(i+1) {
				report("session %d: commit %d (ts %#x) has serial %d", s, i+1, x.ts, x.serial)
			}
		}
	}
	for i, c := range cuts {
		if c.cut&(1<<VersionShift-1) != 0 {
			report("cut %#x is not a version boundary", c.cut)
		}
		if i > 0 && c.cut>>VersionShift != cuts[i-1].cut>>VersionShift+1 {
			report("cut %#x follows cut %#x", c.cut, cuts[i-1].cut)
		}
		// writers is in commit order: the last commit below the cut.
		if n := sort.Search(len(writers), func(j int) bool { return writers[j].ts >= c.cut }); n > 0 && writers[n-1].ts > c.visible {
			report("cut %#x: commit %#x below it was not visible after Drain (visible %#x)", c.cut, writers[n-1].ts, c.visible)
		}
		for s, list := range perSess {
			var want uint64
			if n := sort.Search(len(list), func(j int) bool { return list[j].ts >= c.cut }); n > 0 {
				want = list[n-1].serial
			}
			if c.points[s] != want {
				report("cut %#x: session %d's CPR point is %d after Drain, its last commit below the cut is serial %d", c.cut, s, c.points[s], want)
			}
		}
	}
}

// TestCPRPointAfterDrain: once Drain(cut) returns, every commit below the
// cut is installed and counted in its session's commit points, so
// PointBefore(cut) names the session's last commit below the cut (the
// checkpoint's CPR point; a smaller one would make a recovered client retry
// a transaction the checkpoint holds).
func TestCPRPointAfterDrain(t *testing.T) {
	e := newEnv(t, Options{})
	e.load(0, 0)
	const sessions = 2
	type commit struct{ serial, ts uint64 }
	done := make([][]commit, sessions)
	ss := make([]*Session, sessions)
	for i := range ss {
		ss[i] = e.m.NewSession(fmt.Sprint("c", i))
		defer ss[i].Close()
	}
	deadline := time.Now().Add(300 * time.Millisecond)
	var wg sync.WaitGroup
	for i := range ss {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				tx := ss[i].Begin(TxnOptions{})
				if _, err := tx.Update(context.Background(), e.tbl, k(i), add(1)); err != nil {
					t.Error(err)
					tx.Rollback()
					return
				}
				if err := tx.Commit(); err != nil {
					t.Error(err)
					return
				}
				done[i] = append(done[i], commit{tx.Serial(), tx.CommitTS()})
			}
		}()
	}
	type point struct{ cut, p [sessions]uint64 }
	var points []point
	for time.Now().Before(deadline) && len(points) < 5000 {
		time.Sleep(20 * time.Microsecond)
		var pt point
		cut := e.m.Clock().Shift()
		e.m.Clock().Drain(cut)
		for i, s := range ss {
			pt.cut[i], pt.p[i] = cut, s.PointBefore(cut)
		}
		points = append(points, pt)
	}
	wg.Wait()
	bad := 0
	for _, pt := range points {
		for i := range ss {
			var want uint64
			// done[i] is in commit order: the last commit below the cut.
			if n := sort.Search(len(done[i]), func(j int) bool { return done[i][j].ts >= pt.cut[i] }); n > 0 {
				want = done[i][n-1].serial
			}
			if pt.p[i] != want {
				if bad++; bad <= 5 {
					t.Errorf("session %d: PointBefore(%#x) = %d after Drain; its last commit below the cut is serial %d", i, pt.cut[i], pt.p[i], want)
				}
			}
		}
	}
	t.Logf("%d checkpoints, %d and %d commits, %d wrong points", len(points), len(done[0]), len(done[1]), bad)
}

// TestCPRPointManyCommitsAfterCut: a checkpoint may read a session's CPR
// point long after its cut (Drain waits for slow commits; the checkpointer
// may be descheduled) while the session keeps committing. The point must
// still be the last commit below the cut, however many came after.
func TestCPRPointManyCommitsAfterCut(t *testing.T) {
	e := newEnv(t, Options{GCInterval: -1})
	e.load(0)
	s := e.m.NewSession("a")
	defer s.Close()
	ctx := context.Background()
	commit := func(n int) {
		for i := 0; i < n; i++ {
			tx := s.Begin(TxnOptions{})
			if _, err := tx.Update(ctx, e.tbl, k(0), add(1)); err != nil {
				t.Fatal(err)
			}
			if err := tx.Commit(); err != nil {
				t.Fatal(err)
			}
		}
	}
	commit(3)
	cut1 := e.m.Clock().Shift()
	commit(5000)
	cut2 := e.m.Clock().Shift()
	commit(2)
	e.m.Clock().Drain(cut1)
	if got := s.PointBefore(cut1); got != 3 {
		t.Errorf("PointBefore(first cut) = %d after 5000 later commits, want 3", got)
	}
	if got := s.PointBefore(cut2); got != 5003 {
		t.Errorf("PointBefore(second cut) = %d, want 5003", got)
	}
	if got := s.PointBefore(e.m.Clock().Shift()); got != 5005 {
		t.Errorf("PointBefore(new cut) = %d, want 5005", got)
	}
	s.TrimHistory(cut2)
	if got := s.PointBefore(cut2); got != 5003 {
		t.Errorf("after TrimHistory(second cut): PointBefore(second cut) = %d, want 5003", got)
	}
}
