package txn

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/persiandb/persiandb/storage"
)

// persianSeed returns the seed of a randomized test: PERSIANDB_SEED if set,
// else the clock. It logs the seed so a failure can be replayed. (Thread
// interleavings are not replayable; the seed fixes each goroutine's
// choices.)
func persianSeed(t testing.TB) uint64 {
	t.Helper()
	var seed uint64
	if s := os.Getenv("PERSIANDB_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("PERSIANDB_SEED=%q: %v", s, err)
		}
		seed = n
	} else {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d (rerun with PERSIANDB_SEED=%d)", seed, seed)
	return seed
}

// persianDuration is how long a randomized workload runs: short under
// -short, longer otherwise, PERSIANDB_DURATION (a time.Duration) if set.
func persianDuration(t testing.TB, short, long time.Duration) time.Duration {
	t.Helper()
	if s := os.Getenv("PERSIANDB_DURATION"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil {
			t.Fatalf("PERSIANDB_DURATION=%q: %v", s, err)
		}
		return d
	}
	if testing.Short() {
		return short
	}
	return long
}

// The bank: rbAccounts accounts with rbInitial each, and side rows in
// [rbSideBase, rbSideBase+rbSideN) inserted, updated and deleted at random.
// Every value is 16 bytes: an amount and the token of the transaction
// attempt that wrote it, so any value read names its writer.
const (
	rbAccounts = 50
	rbInitial  = 1000
	rbSideBase = 1_000_000
	rbSideN    = 24
	rbWorkers  = 8
	rbLoadTok  = 1
)

type rbVal struct {
	amt int64
	tok uint64
}

func (x rbVal) String() string { return fmt.Sprintf("%d@tok%x", x.amt, x.tok) }

func rbEnc(x rbVal) []byte {
	b := make([]byte, 16)
	binary.BigEndian.PutUint64(b, uint64(x.amt))
	binary.BigEndian.PutUint64(b[8:], x.tok)
	return b
}

func rbDec(b []byte) rbVal {
	if len(b) != 16 {
		panic(fmt.Sprintf("rbDec: %d-byte value %x", len(b), b))
	}
	return rbVal{amt: int64(binary.BigEndian.Uint64(b)), tok: binary.BigEndian.Uint64(b[8:])}
}

// rbWrite is one write of an attempt, in order: stmt is the statement (own
// writes become visible to later statements only).
type rbWrite struct {
	key  int
	stmt int
	del  bool
	val  rbVal
}

// rbQuery is an observation to check against the serial replay: after
// applying every commit with ts <= at, key is present with val (or absent).
type rbQuery struct {
	at      uint64
	key     int
	present bool
	val     rbVal
	what    string
}

// rbStamp says a version written by tok was read with beginTS bts.
type rbStamp struct {
	tok, bts uint64
	key      int
}

type rbCommit struct {
	tok    uint64
	ts     uint64
	level  Isolation
	writes map[int]*rbVal // nil: deleted
}

type rbStats struct {
	commits    [3]int
	readOnly   int
	serFail    int
	deadlocks  int
	rollbacks  int
	uniqueErrs int
	rollbackTo int
	audits     int
}

type rbWorker struct {
	t   *testing.T
	e   *env
	id  int
	rng *rand.Rand
	s   *Session

	nextTok  uint64
	commits  []rbCommit
	queries  []rbQuery
	stamps   []rbStamp
	stats    rbStats
	failures *atomic.Int32
}

var errRBAssert = errors.New("assertion failed")

// fail reports a violated expectation (at most a few per test) and returns
// errRBAssert so the worker stops.
func (w *rbWorker) fail(format string, args ...any) error {
	if w.failures.Add(1) <= 20 {
		w.t.Errorf("worker %d: "+format, append([]any{w.id}, args...)...)
	}
	return errRBAssert
}

type rbSave struct {
	name string
	n    int
}

// rbTx is one attempt of a transaction and what it did.
type rbTx struct {
	w     *rbWorker
	tx    *Txn
	tok   uint64
	level Isolation
	ro    bool
	stmt  int
	log   []rbWrite
	saves []rbSave
	reads []rbQuery // non-own reads; at = the statement's snapshot
	stmps []rbStamp
	nsave int
}

func (x *rbTx) newStmt() {
	x.tx.NewStatement()
	x.stmt++
}

// lastOwn returns the newest own write of key a read in the current
// statement sees (one from an earlier statement), or with any=true the
// newest own write at all (what Update and Delete meet).
func (x *rbTx) lastOwn(key int, any bool) (rbWrite, bool) {
	for i := len(x.log) - 1; i >= 0; i-- {
		if w := x.log[i]; w.key == key && (any || w.stmt < x.stmt) {
			return w, true
		}
	}
	return rbWrite{}, false
}

// observe checks a read of key (found, val, with beginTS bts if knowBTS)
// against the transaction's own writes, or records it for the replay check
// at the statement's snapshot.
func (x *rbTx) observe(key int, found bool, val rbVal, bts uint64, knowBTS bool) error {
	w := x.w
	if knowBTS && found && storage.IsMarker(bts) != (val.tok == x.tok) {
		return w.fail("key %d: read %v with beginTS %#x: marker/own-token mismatch (tok %x)", key, val, bts, x.tok)
	}
	if lw, ok := x.lastOwn(key, false); ok {
		switch {
		case lw.del && found:
			return w.fail("key %d: own delete from statement %d, statement %d reads %v", key, lw.stmt, x.stmt, val)
		case !lw.del && (!found || val != lw.val):
			return w.fail("key %d: own write %v from statement %d, statement %d reads %v (found %v)", key, lw.val, lw.stmt, x.stmt, val, found)
		}
		return nil
	}
	if found && val.tok == x.tok {
		return w.fail("key %d: statement %d reads own value %v that it must not see (log %v)", key, x.stmt, val, x.log)
	}
	x.reads = append(x.reads, rbQuery{at: x.tx.Snapshot(), key: key, present: found, val: val,
		what: fmt.Sprintf("%v read (snapshot)", x.level)})
	if knowBTS && found {
		x.stmps = append(x.stmps, rbStamp{tok: val.tok, bts: bts, key: key})
	}
	return nil
}

// observeWrite checks what an Update or Delete met (the key's newest
// version): under REPEATABLE READ and SERIALIZABLE it is the snapshot's
// version unless it is the transaction's own.
func (x *rbTx) observeWrite(key int, found bool, val rbVal) error {
	w := x.w
	if lw, ok := x.lastOwn(key, true); ok {
		switch {
		case lw.del && found:
			return w.fail("key %d: own delete, then a write meets %v", key, val)
		case !lw.del && (!found || val != lw.val):
			return w.fail("key %d: own write %v, then a write meets %v (found %v)", key, lw.val, val, found)
		}
		return nil
	}
	if found && val.tok == x.tok {
		return w.fail("key %d: a write meets own value %v not in the log %v", key, val, x.log)
	}
	if x.level != ReadCommitted {
		x.reads = append(x.reads, rbQuery{at: x.tx.Snapshot(), key: key, present: found, val: val,
			what: fmt.Sprintf("%v write's read of the current row", x.level)})
	}
	return nil
}

func (x *rbTx) logWrite(key int, del bool, val rbVal) {
	x.log = append(x.log, rbWrite{key: key, stmt: x.stmt, del: del, val: val})
}

func (x *rbTx) savepoint(name string) error {
	if err := x.tx.Savepoint(name); err != nil {
		return x.w.fail("savepoint %s: %v", name, err)
	}
	x.saves = append(x.saves, rbSave{name: name, n: len(x.log)})
	return nil
}

func (x *rbTx) rollbackTo(name string) error {
	if err := x.tx.RollbackTo(name); err != nil {
		return x.w.fail("rollback to %s: %v", name, err)
	}
	for i := len(x.saves) - 1; i >= 0; i-- {
		if x.saves[i].name == name {
			x.log = x.log[:x.saves[i].n]
			x.saves = x.saves[:i+1]
			x.w.stats.rollbackTo++
			return nil
		}
	}
	return x.w.fail("rollback to %s: the model has no such savepoint", name)
}

func (x *rbTx) get(key int) (rbVal, bool, error) {
	b, bts, found, err := x.tx.GetVersion(x.w.e.tbl, k(key), nil)
	if err != nil {
		return rbVal{}, false, err
	}
	var val rbVal
	if found {
		val = rbDec(b)
	}
	return val, found, x.observe(key, found, val, bts, true)
}

// update applies fn to key's current amount under Update and logs the
// result. ok is false if the row does not exist.
func (x *rbTx) update(key int, fn func(cur rbVal) int64) (bool, error) {
	var met, wrote rbVal
	calls := 0
	ok, err := x.tx.Update(context.Background(), x.w.e.tbl, k(key), func(cur []byte) ([]byte, bool, error) {
		calls++
		met = rbDec(cur)
		wrote = rbVal{amt: fn(met), tok: x.tok}
		return rbEnc(wrote), true, nil
	})
	if err != nil {
		return false, err
	}
	// Under READ COMMITTED the function may have run on a version that a
	// concurrent delete then replaced (a lost race for the row); the
	// snapshot levels fail instead.
	if (ok && calls == 0) || (!ok && calls > 0 && x.level != ReadCommitted) {
		return false, x.w.fail("key %d: Update returned %v after %d calls of its function", key, ok, calls)
	}
	if err := x.observeWrite(key, ok, met); err != nil {
		return false, err
	}
	if ok {
		x.logWrite(key, false, wrote)
	}
	return ok, nil
}

func (x *rbTx) delete(key int) (bool, error) {
	var met rbVal
	calls := 0
	ok, err := x.tx.Delete(context.Background(), x.w.e.tbl, k(key), func(cur []byte) ([]byte, bool, error) {
		calls++
		met = rbDec(cur)
		return nil, true, nil
	})
	if err != nil {
		return false, err
	}
	if (ok && calls == 0) || (!ok && calls > 0 && x.level != ReadCommitted) {
		return false, x.w.fail("key %d: Delete returned %v after %d calls of its function", key, ok, calls)
	}
	if err := x.observeWrite(key, ok, met); err != nil {
		return false, err
	}
	if ok {
		x.logWrite(key, true, rbVal{})
	}
	return ok, nil
}

// transfer moves d between two accounts. Under READ COMMITTED it uses the
// single-statement form (Update re-applies to the newest version); under
// the snapshot levels it reads both and writes computed values.
func (x *rbTx) transfer() error {
	r := x.w.rng
	a := r.IntN(rbAccounts)
	b := (a + 1 + r.IntN(rbAccounts-1)) % rbAccounts
	d := int64(r.IntN(100) + 1)
	if x.level == ReadCommitted {
		if r.IntN(2) == 0 {
			x.newStmt()
		}
		if r.IntN(2) == 0 {
			a, b, d = b, a, -d
		}
		for _, kd := range [2]struct {
			key int
			d   int64
		}{{a, -d}, {b, d}} {
			ok, err := x.update(kd.key, func(cur rbVal) int64 { return cur.amt + kd.d })
			if err != nil {
				return err
			}
			if !ok {
				return x.w.fail("account %d missing under READ COMMITTED update", kd.key)
			}
		}
		return nil
	}
	// A new statement, so own earlier writes are visible to the reads.
	x.newStmt()
	va, fa, err := x.get(a)
	if err != nil {
		return err
	}
	vb, fb, err := x.get(b)
	if err != nil {
		return err
	}
	if !fa || !fb {
		return x.w.fail("accounts %d/%d missing (%v %v)", a, b, fa, fb)
	}
	for _, kv := range [2]struct {
		key int
		was rbVal
		amt int64
	}{{a, va, va.amt - d}, {b, vb, vb.amt + d}} {
		ok, err := x.update(kv.key, func(cur rbVal) int64 {
			if cur != kv.was {
				// Reported below through observeWrite's own-write
				// check or here for a foreign version.
				x.w.fail("account %d: %v update met %v, the read saw %v", kv.key, x.level, cur, kv.was)
			}
			return kv.amt
		})
		if err != nil {
			return err
		}
		if !ok {
			return x.w.fail("account %d missing under %v update", kv.key, x.level)
		}
	}
	return nil
}

// audit reads every account in one statement and checks the total.
func (x *rbTx) audit() error {
	r := x.w.rng
	if r.IntN(3) == 0 {
		x.newStmt()
	}
	x.w.stats.audits++
	var sum int64
	n := 0
	if r.IntN(2) == 0 {
		for _, i := range r.Perm(rbAccounts) {
			v, found, err := x.get(i)
			if err != nil {
				return err
			}
			if !found {
				return x.w.fail("audit: account %d missing at snapshot %#x", i, x.tx.Snapshot())
			}
			sum += v.amt
			n++
		}
	} else {
		var ferr error
		err := x.tx.Scan(x.w.e.tbl, k(0), k(rbAccounts), false, func(key, val []byte) bool {
			i := int(binary.BigEndian.Uint64(key))
			v := rbDec(val)
			if ferr = x.observe(i, true, v, 0, false); ferr != nil {
				return false
			}
			sum += v.amt
			n++
			return true
		})
		if err == nil {
			err = ferr
		}
		if err != nil {
			return err
		}
	}
	if n != rbAccounts || sum != rbAccounts*rbInitial {
		return x.w.fail("%v audit at snapshot %#x (statement %d): %d accounts, total %d, want %d and %d",
			x.level, x.tx.Snapshot(), x.stmt, n, sum, rbAccounts, rbAccounts*rbInitial)
	}
	return nil
}

// sideScan reads the whole side range in one statement.
func (x *rbTx) sideScan() error {
	if x.w.rng.IntN(2) == 0 {
		x.newStmt()
	}
	seen := map[int]rbVal{}
	err := x.tx.Scan(x.w.e.tbl, k(rbSideBase), k(rbSideBase+rbSideN), false, func(key, val []byte) bool {
		seen[int(binary.BigEndian.Uint64(key))] = rbDec(val)
		return true
	})
	if err != nil {
		return err
	}
	for i := rbSideBase; i < rbSideBase+rbSideN; i++ {
		v, found := seen[i]
		if err := x.observe(i, found, v, 0, false); err != nil {
			return err
		}
	}
	return nil
}

// sideOp inserts, updates, deletes or reads one side row inside a
// savepoint; a unique violation rolls back to it.
func (x *rbTx) sideOp() error {
	r := x.w.rng
	if r.IntN(3) == 0 {
		x.newStmt()
	}
	key := rbSideBase + r.IntN(rbSideN)
	x.nsave++
	name := fmt.Sprintf("side%d", x.nsave%3)
	if err := x.savepoint(name); err != nil {
		return err
	}
	switch r.IntN(4) {
	case 0:
		val := rbVal{amt: int64(r.IntN(1000)), tok: x.tok}
		err := x.tx.Insert(context.Background(), x.w.e.tbl, k(key), rbEnc(val))
		var ue *UniqueError
		switch {
		case errors.As(err, &ue):
			x.w.stats.uniqueErrs++
			if !errors.Is(err, ErrUniqueViolation) {
				return x.w.fail("unique error %v does not wrap ErrUniqueViolation", err)
			}
			// The key exists: own write, or a committed row.
			if lw, ok := x.lastOwn(key, true); ok && lw.del {
				return x.w.fail("key %d: insert after own delete failed: %v", key, err)
			}
			if err := x.rollbackTo(name); err != nil {
				return err
			}
		case err != nil:
			return err
		default:
			if lw, ok := x.lastOwn(key, true); ok && !lw.del {
				return x.w.fail("key %d: insert over own live write %v succeeded", key, lw.val)
			}
			x.logWrite(key, false, val)
		}
	case 1:
		if _, err := x.update(key, func(cur rbVal) int64 { return cur.amt + 1 }); err != nil {
			return err
		}
	case 2:
		if _, err := x.delete(key); err != nil {
			return err
		}
	case 3:
		if _, _, err := x.get(key); err != nil {
			return err
		}
	}
	if r.IntN(6) == 0 {
		return x.rollbackTo(name)
	}
	return nil
}

// undone runs a transfer and a side write inside a savepoint and rolls
// back to it.
func (x *rbTx) undone() error {
	x.nsave++
	name := fmt.Sprintf("undo%d", x.nsave%2)
	if err := x.savepoint(name); err != nil {
		return err
	}
	if err := x.transfer(); err != nil {
		return err
	}
	if err := x.sideOp(); err != nil {
		return err
	}
	return x.rollbackTo(name)
}

func rbRetryable(err error) bool {
	return errors.Is(err, ErrSerialization) || errors.Is(err, ErrDeadlock)
}

// attempt runs one attempt of a random transaction at level.
func (w *rbWorker) attempt(level Isolation, ro bool) error {
	r := w.rng
	w.nextTok++
	x := &rbTx{w: w, tok: uint64(w.id+2)<<40 | w.nextTok, level: level, ro: ro}
	x.tx = w.s.Begin(TxnOptions{Isolation: level, ReadOnly: ro})
	err := x.body()
	if err == nil && r.IntN(10) == 0 {
		w.stats.rollbacks++
		x.tx.Rollback()
		w.noteReads(x, 0)
		return nil
	}
	if err == nil {
		err = x.tx.Commit()
		if err == nil {
			return w.noteCommit(x)
		}
	}
	x.tx.Rollback()
	w.noteReads(x, 0)
	return err
}

func (x *rbTx) body() error {
	r := x.w.rng
	n := 1 + r.IntN(4)
	// A third of the writers touch only side rows: their read sets are
	// small, so SERIALIZABLE ones commit often despite the contention.
	sideOnly := r.IntN(3) == 0
	for i := 0; i < n; i++ {
		var err error
		if sideOnly && !x.ro {
			err = x.sideOp()
			if err == nil && r.IntN(3) == 0 {
				err = x.sideScan()
			}
		} else if x.ro {
			switch r.IntN(3) {
			case 0, 1:
				err = x.audit()
			case 2:
				err = x.sideScan()
			}
		} else {
			switch p := r.IntN(20); {
			case p < 8:
				err = x.transfer()
			case p < 11:
				err = x.audit()
			case p < 16:
				err = x.sideOp()
			case p < 18:
				err = x.sideScan()
			default:
				err = x.undone()
			}
		}
		if err != nil {
			return err
		}
	}
	if !x.ro && !sideOnly && r.IntN(3) == 0 {
		// A transaction may end with an audit of its own result.
		return x.audit()
	}
	return nil
}

// noteReads files the attempt's reads for the replay check: each at its
// snapshot, and for a committed SERIALIZABLE writer also just before its
// commit timestamp.
func (w *rbWorker) noteReads(x *rbTx, serialAt uint64) {
	w.queries = append(w.queries, x.reads...)
	if serialAt != 0 {
		for _, q := range x.reads {
			q.at = serialAt - 1
			q.what += ", checked at the commit position of the serializable writer"
			w.queries = append(w.queries, q)
		}
	}
	w.stamps = append(w.stamps, x.stmps...)
}

func (w *rbWorker) noteCommit(x *rbTx) error {
	ts := x.tx.CommitTS()
	writes := map[int]*rbVal{}
	for _, wr := range x.log {
		if wr.del {
			writes[wr.key] = nil
		} else {
			v := wr.val
			writes[wr.key] = &v
		}
	}
	if (ts != 0) != (len(x.log) > 0) {
		return w.fail("commit ts %#x with %d logged writes", ts, len(x.log))
	}
	if ts == 0 {
		w.stats.readOnly++
		w.noteReads(x, 0)
		return nil
	}
	for _, q := range x.reads {
		if q.at >= ts {
			return w.fail("read at snapshot %#x, commit at %#x", q.at, ts)
		}
	}
	w.stats.commits[x.level]++
	w.commits = append(w.commits, rbCommit{tok: x.tok, ts: ts, level: x.level, writes: writes})
	if x.level == Serializable {
		w.noteReads(x, ts)
	} else {
		w.noteReads(x, 0)
	}
	return nil
}

func (w *rbWorker) run(deadline time.Time) {
	defer w.s.Close()
	levels := []Isolation{ReadCommitted, RepeatableRead, Serializable}
	for time.Now().Before(deadline) && w.failures.Load() == 0 {
		level := levels[w.rng.IntN(3)]
		ro := w.rng.IntN(5) == 0
		for tries := 0; ; tries++ {
			err := w.attempt(level, ro)
			if err == nil {
				break
			}
			if errors.Is(err, errRBAssert) {
				return
			}
			if !rbRetryable(err) {
				w.fail("%v transaction: unexpected error %v", level, err)
				return
			}
			if errors.Is(err, ErrDeadlock) {
				w.stats.deadlocks++
			} else {
				w.stats.serFail++
			}
			if tries > 1000 {
				w.fail("%v transaction: no success after %d retries: %v", level, tries, err)
				return
			}
		}
	}
}

func TestRandomBankAgainstModel(t *testing.T) {
	seed := persianSeed(t)
	dur := persianDuration(t, 1500*time.Millisecond, 5*time.Second)
	e := newEnv(t, Options{DeadlockTimeout: 20 * time.Millisecond})
	ctx := context.Background()

	// Load: the accounts and half the side rows, in one commit.
	var all []rbCommit
	{
		s := e.m.NewSession("load")
		tx := s.Begin(TxnOptions{})
		writes := map[int]*rbVal{}
		put := func(key int, amt int64) {
			v := rbVal{amt: amt, tok: rbLoadTok}
			if err := tx.Insert(ctx, e.tbl, k(key), rbEnc(v)); err != nil {
				t.Fatal(err)
			}
			writes[key] = &v
		}
		for i := 0; i < rbAccounts; i++ {
			put(i, rbInitial)
		}
		for i := 0; i < rbSideN; i += 2 {
			put(rbSideBase+i, int64(i))
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		all = append(all, rbCommit{tok: rbLoadTok, ts: tx.CommitTS(), writes: writes})
		s.Close()
	}

	var failures atomic.Int32
	workers := make([]*rbWorker, rbWorkers)
	deadline := time.Now().Add(dur)
	var wg sync.WaitGroup
	for i := range workers {
		w := &rbWorker{t: t, e: e, id: i, rng: rand.New(rand.NewPCG(seed, uint64(i))),
			s: e.m.NewSession(fmt.Sprintf("w%d", i)), failures: &failures}
		workers[i] = w
		wg.Add(1)
		go func() { defer wg.Done(); w.run(deadline) }()
	}
	wg.Wait()
	if t.Failed() {
		return
	}

	var queries []rbQuery
	var stamps []rbStamp
	var st rbStats
	for _, w := range workers {
		all = append(all, w.commits...)
		queries = append(queries, w.queries...)
		stamps = append(stamps, w.stamps...)
		for l := range st.commits {
			st.commits[l] += w.stats.commits[l]
		}
		st.readOnly += w.stats.readOnly
		st.serFail += w.stats.serFail
		st.deadlocks += w.stats.deadlocks
		st.rollbacks += w.stats.rollbacks
		st.uniqueErrs += w.stats.uniqueErrs
		st.rollbackTo += w.stats.rollbackTo
		st.audits += w.stats.audits
	}
	passes, moved, dead, removed, truncated := e.store.GCTotals()
	t.Logf("commits rc/rr/ser %v, read-only %d, serialization failures %d, deadlocks %d, rollbacks %d, rollback-to %d, unique errors %d, audits %d, reads checked %d; gc passes %d moved %d dead %d keys removed %d truncated %d",
		st.commits, st.readOnly, st.serFail, st.deadlocks, st.rollbacks, st.rollbackTo, st.uniqueErrs, st.audits, len(queries),
		passes, moved, dead, removed, truncated)
	for l, n := range st.commits {
		if n == 0 {
			t.Errorf("no %v writer committed", Isolation(l))
		}
	}
	if st.readOnly == 0 {
		t.Errorf("no read-only transaction committed")
	}

	// Commit timestamps are unique; sort into the serial order.
	sort.Slice(all, func(i, j int) bool { return all[i].ts < all[j].ts })
	tokTS := map[uint64]uint64{}
	for i, c := range all {
		if i > 0 && c.ts == all[i-1].ts {
			t.Fatalf("commit timestamp %#x issued twice", c.ts)
		}
		tokTS[c.tok] = c.ts
	}

	// Every version read carries its writer's commit timestamp.
	bad := 0
	for _, s := range stamps {
		if ts, ok := tokTS[s.tok]; !ok || ts != s.bts {
			if bad++; bad <= 10 {
				t.Errorf("key %d: version of tok %x read with beginTS %#x; its writer committed at %#x (committed: %v)", s.key, s.tok, s.bts, ts, ok)
			}
		}
	}

	// Replay the commits serially; check every observation at its point.
	sort.SliceStable(queries, func(i, j int) bool { return queries[i].at < queries[j].at })
	state := map[int]rbVal{}
	next := 0
	apply := func(c rbCommit) {
		for key, v := range c.writes {
			if v == nil {
				delete(state, key)
			} else {
				state[key] = *v
			}
		}
	}
	for _, q := range queries {
		for next < len(all) && all[next].ts <= q.at {
			apply(all[next])
			next++
		}
		got, present := state[q.key]
		if present != q.present || (present && got != q.val) {
			if bad++; bad <= 10 {
				t.Errorf("%s of key %d at %#x: read %v (present %v), the serial replay of %d commits has %v (present %v)",
					q.what, q.key, q.at, q.val, q.present, next, got, present)
			}
		}
	}
	for ; next < len(all); next++ {
		apply(all[next])
	}

	// The final state, read by a fresh transaction, is the replay's.
	s := e.m.NewSession("check")
	defer s.Close()
	tx := s.Begin(TxnOptions{Isolation: RepeatableRead})
	final := map[int]rbVal{}
	var total int64
	if err := tx.Scan(e.tbl, nil, nil, false, func(key, val []byte) bool {
		i := int(binary.BigEndian.Uint64(key))
		v := rbDec(val)
		final[i] = v
		if i < rbAccounts {
			total += v.amt
		}
		return true
	}); err != nil {
		t.Fatal(err)
	}
	tx.Commit()
	if total != rbAccounts*rbInitial {
		t.Errorf("final total %d, want %d", total, rbAccounts*rbInitial)
	}
	keys := make([]int, 0, len(final)+len(state))
	for key := range final {
		keys = append(keys, key)
	}
	for key := range state {
		if _, ok := final[key]; !ok {
			keys = append(keys, key)
		}
	}
	slices.Sort(keys)
	for _, key := range keys {
		got, ok1 := final[key]
		want, ok2 := state[key]
		if ok1 != ok2 || got != want {
			if bad++; bad <= 20 {
				t.Errorf("final key %d: database %v (present %v), replay %v (present %v)", key, got, ok1, want, ok2)
			}
		}
	}
}

// TestSerializableNoRowWriteSkew: an UPDATE or DELETE that finds no row (or
// whose re-check declines it) under SERIALIZABLE has read the row's state;
// if a concurrent transaction changes that state and commits first, the
// first transaction cannot commit. Without that, two transactions that
// each act on the other's key being absent both commit: write skew.
func TestSerializableNoRowWriteSkew(t *testing.T) {
	ctx := context.Background()
	decline := func([]byte) ([]byte, bool, error) { return nil, false, nil }
	for _, tc := range []struct {
		name string
		op   func(tx *Txn, tbl *storage.Table) (bool, error)
		load bool // key 5 exists before (for the declined re-check)
	}{
		{"delete-missing", func(tx *Txn, tbl *storage.Table) (bool, error) { return tx.Delete(ctx, tbl, k(5), nil) }, false},
		{"update-missing", func(tx *Txn, tbl *storage.Table) (bool, error) { return tx.Update(ctx, tbl, k(5), add(1)) }, false},
		{"update-declined", func(tx *Txn, tbl *storage.Table) (bool, error) { return tx.Update(ctx, tbl, k(5), decline) }, true},
		{"delete-declined", func(tx *Txn, tbl *storage.Table) (bool, error) { return tx.Delete(ctx, tbl, k(5), decline) }, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, Options{})
			if tc.load {
				e.load(0, 0, 0, 0, 0, 7)
			} else {
				e.load(0)
			}
			s1, s2 := e.m.NewSession(""), e.m.NewSession("")
			defer s1.Close()
			defer s2.Close()
			t1 := s1.Begin(TxnOptions{Isolation: Serializable})
			t2 := s2.Begin(TxnOptions{Isolation: Serializable})
			// t1 acts on key 5 and affects no row; t2 reads key 6 (absent).
			if ok, err := tc.op(t1, e.tbl); ok || err != nil {
				t.Fatalf("t1 on key 5: %v %v, want no row affected", ok, err)
			}
			if _, found := e.get(t2, 6); found {
				t.Fatal("key 6 exists")
			}
			// t2 changes key 5 and commits: it serializes before t1.
			var err error
			if tc.load {
				_, err = t2.Delete(ctx, e.tbl, k(5), nil)
			} else {
				err = t2.Insert(ctx, e.tbl, k(5), v(1))
			}
			if err != nil {
				t.Fatal(err)
			}
			if err := t2.Commit(); err != nil {
				t.Fatal(err)
			}
			// t1 writes key 6, which t2 read as absent: t1 must fail, for
			// t2 before t1 contradicts what t1 saw of key 5 and t1 before
			// t2 contradicts what t2 saw of key 6.
			if err := t1.Insert(ctx, e.tbl, k(6), v(1)); err != nil {
				t.Fatal(err)
			}
			if err := t1.Commit(); !errors.Is(err, ErrSerialization) {
				t.Fatalf("t1 commit: %v, want ErrSerialization (write skew)", err)
			}
		})
	}
}

// TestSerializableRolledBackWriteIsRead: a write reads the row it replaces
// (UPDATE ... RETURNING, or an Update function), and the lock protects
// that read only while the write stands. After ROLLBACK TO SAVEPOINT
// undoes the write, the read stays in the transaction's read set, as other
// reads after a savepoint do (RollbackTo): a concurrent change of the row
// that commits first must make the transaction fail.
func TestSerializableRolledBackWriteIsRead(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		op   func(tx *Txn, tbl *storage.Table) error
		load []int64 // initial rows
		t2   func(tx *Txn, tbl *storage.Table) error
	}{
		{"update", func(tx *Txn, tbl *storage.Table) error {
			ok, err := tx.Update(ctx, tbl, k(5), add(1))
			if !ok && err == nil {
				err = errors.New("no row")
			}
			return err
		}, []int64{0, 0, 0, 0, 0, 10}, func(tx *Txn, tbl *storage.Table) error {
			_, err := tx.Update(ctx, tbl, k(5), add(100))
			return err
		}},
		{"delete", func(tx *Txn, tbl *storage.Table) error {
			ok, err := tx.Delete(ctx, tbl, k(5), nil)
			if !ok && err == nil {
				err = errors.New("no row")
			}
			return err
		}, []int64{0, 0, 0, 0, 0, 10}, func(tx *Txn, tbl *storage.Table) error {
			_, err := tx.Update(ctx, tbl, k(5), add(100))
			return err
		}},
		{"insert", func(tx *Txn, tbl *storage.Table) error {
			return tx.Insert(ctx, tbl, k(5), v(1))
		}, []int64{0}, func(tx *Txn, tbl *storage.Table) error {
			return tx.Insert(ctx, tbl, k(5), v(2))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, Options{})
			e.load(tc.load...)
			s1, s2 := e.m.NewSession(""), e.m.NewSession("")
			defer s1.Close()
			defer s2.Close()
			t1 := s1.Begin(TxnOptions{Isolation: Serializable})
			t2 := s2.Begin(TxnOptions{Isolation: Serializable})
			if err := t1.Savepoint("a"); err != nil {
				t.Fatal(err)
			}
			if err := tc.op(t1, e.tbl); err != nil {
				t.Fatal(err)
			}
			if err := t1.RollbackTo("a"); err != nil {
				t.Fatal(err)
			}
			if _, found := e.get(t2, 6); found {
				t.Fatal("key 6 exists")
			}
			if err := tc.t2(t2, e.tbl); err != nil {
				t.Fatal(err)
			}
			if err := t2.Commit(); err != nil {
				t.Fatal(err)
			}
			if err := t1.Insert(ctx, e.tbl, k(6), v(1)); err != nil {
				t.Fatal(err)
			}
			if err := t1.Commit(); !errors.Is(err, ErrSerialization) {
				t.Fatalf("t1 commit: %v, want ErrSerialization (t1 read key 5 before t2's write, t2 read key 6 before t1's)", err)
			}
		})
	}
}

// TestReadWhileCollectorMovesHead: a reader loads a key's head address and
// then walks the chain; the collector may, in between, copy that current
// version to the tail and truncate the page it was on. The reader's guard
// keeps the old page readable, and the old copy is identical, so the
// reader must still see the row (and SERIALIZABLE validation must still
// see a concurrent insert). Only older versions, reached through prev
// links, may be cut off by the log's begin.
func TestReadWhileCollectorMovesHead(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, Options{GCInterval: -1})
	e.load(7, 0)
	s := e.m.NewSession("")
	defer s.Close()
	// A SERIALIZABLE transaction reads key 5 as absent, then key 5 is
	// inserted by another transaction: its validation must notice.
	ser := e.m.NewSession("")
	defer ser.Close()
	stx := ser.Begin(TxnOptions{Isolation: Serializable})
	if _, found := e.get(stx, 5); found {
		t.Fatal("key 5 exists")
	}
	tx := s.Begin(TxnOptions{})
	if err := tx.Insert(ctx, e.tbl, k(5), v(55)); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	stx.Rollback() // its snapshot would hold the collector back
	// Fill pages with garbage so a pass truncates the pages holding the
	// current versions of keys 0 and 5 (it moves them to the tail).
	for i := 0; i < 5000; i++ {
		tx := s.Begin(TxnOptions{})
		if _, err := tx.Update(ctx, e.tbl, k(1), add(1)); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}

	r := e.m.NewSession("")
	defer r.Close()
	rtx := r.Begin(TxnOptions{Isolation: Serializable})
	rtx.NewStatement()
	lg := e.store.Log()
	g := r.guard
	g.Enter()
	slot0, _ := e.tbl.Lookup(k(0))
	head0 := e.tbl.Head(slot0)
	slot5, _ := e.tbl.Lookup(k(5))
	head5 := e.tbl.Head(slot5)
	st := e.m.Collect() // the background collector, between the reader's steps
	if st.Moved < 2 || lg.Begin() <= max(head0, head5) {
		g.Exit()
		t.Fatalf("setup: collection %+v did not move the heads %d, %d below begin %d", st, head0, head5, lg.Begin())
	}
	rec, ok := rtx.visible(lg, head0)
	var got int64 = -1
	if ok {
		got = dv(rec.Value())
	}
	// As validation of a transaction whose snapshot predates key 5's
	// insert would see it.
	stx2 := &Txn{snapshot: 1<<VersionShift | 1}
	changed := stx2.changed(lg, head5)
	g.Exit()
	if !ok || got != 7 {
		t.Errorf("key 0 read through its moved head: found %v value %d, want 7", ok, got)
	}
	if !changed {
		t.Errorf("validation through key 5's moved head missed the insert committed after the snapshot")
	}
	rtx.Rollback()
}
