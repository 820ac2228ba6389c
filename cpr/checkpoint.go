package cpr

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/persiandb/persiandb/storage"
	"github.com/persiandb/persiandb/txn"
	"github.com/rs/zerolog"
)

// ErrClosed is returned by Checkpoint and WaitDurable after Close. (It lives
// here rather than with the format errors: it is the checkpointer's.)
var ErrClosed = errors.New("cpr: checkpointer closed")

// Phase is a step of the checkpoint state machine (see the package doc).
type Phase int32

const (
	// Rest: no checkpoint is running (or the last one is cleaning up).
	Rest Phase = iota
	// Prepare: the checkpoint holds compaction and the GC horizon.
	Prepare
	// InProgress: the version is shifted; in-flight commits below the cut
	// drain.
	InProgress
	// WaitFlush: workers scan the log and write segments; then the
	// manifest.
	WaitFlush

	numPhases
)

func (p Phase) String() string {
	switch p {
	case Rest:
		return "REST"
	case Prepare:
		return "PREPARE"
	case InProgress:
		return "IN_PROGRESS"
	case WaitFlush:
		return "WAIT_FLUSH"
	}
	return fmt.Sprintf("Phase(%d)", int32(p))
}

// Options configure a Checkpointer.
type Options struct {
	// Dir is the checkpoint directory; New creates it (0700).
	Dir string
	// FS is the file system; nil means OSFS{}.
	FS FS
	// Workers is the number of flush workers (each writes up to
	// segmentsPerWorker segments); 0 means runtime.GOMAXPROCS(0).
	Workers int
	Log     zerolog.Logger
	// Extra returns the SQL layer's state to store with the checkpoint
	// (sequence values). It is called after the drain, so it reflects at
	// least every commit below the cut. May be nil.
	Extra func() ([]byte, error)
	// Dropped, when set, lists the tables whose drop committed below cut
	// (called after the drain); their rows are left out. May be nil.
	Dropped func(cut uint64) []uint32
	// Keep is how many chains (a full checkpoint, its segments and its
	// delta log) to keep, 2 by default. Older chains are removed only
	// after a newer full checkpoint's manifest is durable.
	Keep int
	// DeltaFraction bounds a chain: the next checkpoint is full once the
	// chain's deltas hold more than DeltaFraction times the bytes of its
	// full checkpoint. 0 means DefaultDeltaFraction (0.5); a negative
	// value turns deltas off (every checkpoint is full).
	DeltaFraction float64
	// Mode is how WAIT_FLUSH writes the state: ModePersian (default) or
	// ModeCPR, the copy-then-flush baseline for measurement (cprmode.go).
	Mode Mode
	// Recovered, when the manager was recovered from a checkpoint in
	// Dir, says which; nil for a new database. If it is the newest state
	// of the newest chain, checkpoints extend that chain with deltas
	// instead of starting with a full one (see Recovered).
	Recovered *Recovered
}

// Recovered is the state a manager was recovered to, for
// Options.Recovered.
type Recovered struct {
	// ID is the checkpoint recovered (a full checkpoint or a delta).
	ID uint64
	// Start is the log's tail once recovery loaded the rows: every record
	// below it was loaded from the checkpoint, so it is committed below
	// the checkpoint's cut, and every record written since lies at or
	// above it. The chain's next delta scans from here.
	Start storage.Addr
}

// Info describes one checkpoint attempt.
type Info struct {
	ID, Version, Cut  uint64
	Full              bool // false: a delta appended to its chain's delta log
	Chain             uint64
	Started, Finished time.Time
	// Phases is the time spent in each phase, indexed by Phase; Rest is
	// the clean-up after the manifest is durable (retention).
	Phases   [numPhases]time.Duration
	Rows     int64 // records written (for a delta: rows and deletion markers)
	Bytes    int64 // segment bytes written (for a delta: bytes added to the delta log)
	Workers  int   // flush workers that ran (1 for a delta)
	Segments int   // segment files written (a delta: 0)
	Status   string
	Err      string
}

// Info.Status values.
const (
	StatusOK     = "ok"
	StatusFailed = "failed"
)

// historyLen bounds History.
const historyLen = 100

// Checkpointer takes Persian checkpoints of a txn.Manager's store into a
// directory. Checkpoints run one at a time; transactions never wait for
// them (only WaitDurable callers do).
//
// Group commit (WaitDurable) works in rounds. A round is one checkpoint
// run that any number of waiters share:
//
//	running  the round whose checkpoint is executing (nil if none). Its
//	         cut is 0 until the version shift, which happens under w's
//	         lock, so a waiter that sees cut == 0 knows the cut will be
//	         above every timestamp issued so far, its own included.
//	pending  the round the next checkpoint will run, created by the first
//	         waiter that the running round cannot cover.
//
// When a round ends and another is pending, a background goroutine runs
// it; a direct Checkpoint call also takes the pending round, if any.
//
// Lock order: run, then w, then hist.
type Checkpointer struct {
	m     *txn.Manager
	store *storage.Store
	opts  Options
	fs    FS
	log   zerolog.Logger

	phase   atomic.Int32  // current Phase
	durable atomic.Uint64 // cut of the newest durable checkpoint; written under run

	// run serializes checkpoints and protects what they carry from one to
	// the next.
	run struct {
		sync.Mutex
		nextID  uint64 // id of the next checkpoint attempt (ids are never reused)
		prevID  uint64 // newest durable manifest (0 none)
		prevCut uint64
		// points is the newest durable commit point of every named session
		// ever seen, carried from manifest to manifest: txn forgets a
		// session when it closes.
		points map[string]uint64
		// known are the named sessions seen in some checkpoint whose every
		// commit is not yet covered by a durable manifest. Closed ones stay
		// until a manifest covers their last commit: a *txn.Session still
		// answers PointBefore after Close.
		known map[*txn.Session]struct{}
		// chain is the chain deltas extend (checkpoint_delta.go).
		chain chainState
		// hold is the reader registration of the newest durable
		// checkpoint, kept until the next checkpoint registers its own:
		// it keeps the GC horizon below the newest durable cut, so that
		// no tombstone a delta must write (beginTS >= that cut) is
		// collected before the delta runs. nil when no chain is usable.
		hold func()
	}

	w struct {
		sync.Mutex
		running *round
		pending *round
		closed  bool
	}

	hist struct {
		sync.Mutex
		list []Info // oldest first, at most historyLen
	}

	bgCtx    context.Context // background checkpoints run under it; Close cancels it
	bgCancel context.CancelFunc
	bg       sync.WaitGroup

	// testHook, if set (tests only, before use), is called on entering
	// each phase, on the checkpoint's goroutine.
	testHook func(Phase)
	// testFull, if set (tests only, before use), replaces the
	// DeltaFraction rule: given the deltas in the current chain, it says
	// whether the next checkpoint is full. (With no usable chain it is
	// full regardless.)
	testFull func(deltas int) bool
}

// round is one checkpoint run shared by WaitDurable callers.
type round struct {
	done chan struct{} // closed when the checkpoint ended
	cut  uint64        // 0 until the shift; protected by Checkpointer.w
	info Info          // valid once done is closed
	err  error         // valid once done is closed
}

func newRound() *round { return &round{done: make(chan struct{})} }

// New returns a checkpointer for m writing into opts.Dir. It creates the
// directory and scans it so that checkpoint ids keep increasing across
// restarts; the newest readable manifest becomes the previous checkpoint
// (Durable returns its cut) and its session points are carried on.
func New(m *txn.Manager, opts Options) (*Checkpointer, error) {
	if opts.Dir == "" {
		return nil, errors.New("cpr: Options.Dir is empty")
	}
	if opts.FS == nil {
		opts.FS = OSFS{}
	}
	if opts.Workers <= 0 {
		opts.Workers = runtime.GOMAXPROCS(0)
	}
	if opts.Keep <= 0 {
		opts.Keep = 2
	}
	if opts.DeltaFraction == 0 {
		opts.DeltaFraction = DefaultDeltaFraction
	}
	c := &Checkpointer{m: m, store: m.Store(), opts: opts, fs: opts.FS, log: opts.Log}
	c.run.points = map[string]uint64{}
	c.run.known = map[*txn.Session]struct{}{}
	if err := c.fs.MkdirAll(opts.Dir); err != nil {
		return nil, fmt.Errorf("cpr: create checkpoint directory: %w", err)
	}
	names, err := c.fs.ReadDir(opts.Dir)
	if err != nil {
		return nil, fmt.Errorf("cpr: list checkpoint directory: %w", err)
	}
	var manifests []uint64
	var maxID uint64
	for _, n := range names {
		if id, ok := ParseManifestName(n); ok {
			manifests = append(manifests, id)
			maxID = max(maxID, id)
		} else if id, _, ok := ParseSegmentName(n); ok {
			maxID = max(maxID, id) // a crashed checkpoint's leftovers: do not reuse its id
		} else if id, ok := ParseDeltaLogName(n); ok {
			maxID = max(maxID, id)
		}
	}
	c.run.nextID = maxID + 1
	sort.Slice(manifests, func(i, j int) bool { return manifests[i] > manifests[j] })
	for _, id := range manifests {
		b, err := c.fs.ReadFile(c.path(ManifestName(id)))
		if err == nil {
			var mf *Manifest
			if mf, err = DecodeManifest(b); err == nil {
				// The chain's newest delta, if any, is the newest state.
				base := mf
				last, tail, lerr := newestInChain(c.fs, opts.Dir, mf)
				if lerr == nil {
					mf = last
				} else {
					c.log.Warn().Err(lerr).Uint64("chain", id).Msg("delta log unreadable; starting from the chain's full checkpoint")
				}
				c.run.nextID = max(c.run.nextID, mf.ID+1)
				c.run.prevID, c.run.prevCut = mf.ID, mf.Cut
				if mf.Cut > m.Clock().Now() {
					// The manager was not restored from this checkpoint
					// (recovery starts the clock past its cut): its cut
					// says nothing about this clock's commits.
					c.log.Warn().Uint64("id", mf.ID).Uint64("cut", mf.Cut).Uint64("clock", m.Clock().Now()).
						Msg("newest checkpoint's cut is ahead of the clock; not taking its cut or session points")
					break
				}
				c.durable.Store(mf.Cut)
				for _, p := range mf.Sessions {
					c.run.points[p.Name] = p.Serial
				}
				if lerr == nil {
					if err := c.continueChain(base, mf, tail); err != nil {
						c.log.Warn().Err(err).Uint64("chain", base.ID).Msg("cannot extend the recovered chain; the next checkpoint is full")
					}
				}
				break
			}
		}
		c.log.Warn().Err(err).Uint64("id", id).Msg("checkpoint manifest unreadable; looking at the previous one")
	}
	c.bgCtx, c.bgCancel = context.WithCancel(context.Background())
	return c, nil
}

// Close stops background checkpoints (waiting for a running one) and fails
// pending WaitDurable calls with ErrClosed. A Checkpoint call running on
// another goroutine finishes normally.
func (c *Checkpointer) Close() {
	c.w.Lock()
	c.w.closed = true
	if p := c.w.pending; p != nil {
		c.w.pending = nil
		p.err = ErrClosed
		close(p.done)
	}
	c.w.Unlock()
	c.bgCancel()
	c.bg.Wait()
	c.run.Lock()
	c.endChainLocked()
	if c.run.hold != nil {
		c.run.hold()
		c.run.hold = nil
	}
	c.run.Unlock()
}

func (c *Checkpointer) path(name string) string { return filepath.Join(c.opts.Dir, name) }

// Phase returns the phase of the running checkpoint (Rest if none).
func (c *Checkpointer) Phase() Phase { return Phase(c.phase.Load()) }

// Durable returns the cut of the newest durable checkpoint (0 if none):
// every transaction with a commit timestamp below it survives a crash.
func (c *Checkpointer) Durable() uint64 { return c.durable.Load() }

// History returns recent checkpoint attempts, oldest first.
func (c *Checkpointer) History() []Info {
	c.hist.Lock()
	defer c.hist.Unlock()
	return append([]Info(nil), c.hist.list...)
}

func (c *Checkpointer) record(info Info) {
	c.hist.Lock()
	defer c.hist.Unlock()
	if len(c.hist.list) == historyLen {
		copy(c.hist.list, c.hist.list[1:])
		c.hist.list = c.hist.list[:historyLen-1]
	}
	c.hist.list = append(c.hist.list, info)
}

// Checkpoint takes a checkpoint and returns once its manifest is durable.
// It covers every transaction that committed before the call. If
// WaitDurable callers are waiting for the next checkpoint, this one serves
// them too. ctx cancels the flush (the checkpoint then fails cleanly).
func (c *Checkpointer) Checkpoint(ctx context.Context) (Info, error) {
	c.run.Lock()
	defer c.run.Unlock()
	c.w.Lock()
	if c.w.closed {
		c.w.Unlock()
		return Info{}, ErrClosed
	}
	r := c.w.pending
	c.w.pending = nil
	if r == nil {
		r = newRound()
	}
	c.w.running = r
	c.w.Unlock()
	info, err := c.checkpointLocked(ctx, r)
	c.endRound(r, info, err)
	return info, err
}

// serve runs the pending round, if any is left, in the background.
func (c *Checkpointer) serve() {
	defer c.bg.Done()
	c.run.Lock()
	defer c.run.Unlock()
	c.w.Lock()
	r := c.w.pending
	if r == nil || c.w.closed {
		c.w.Unlock()
		return
	}
	c.w.pending = nil
	c.w.running = r
	c.w.Unlock()
	info, err := c.checkpointLocked(c.bgCtx, r)
	if err != nil {
		c.log.Warn().Err(err).Uint64("id", info.ID).Msg("group-commit checkpoint failed")
	}
	c.endRound(r, info, err)
}

// endRound publishes a round's outcome and starts the pending round, if
// any. The caller holds run.
func (c *Checkpointer) endRound(r *round, info Info, err error) {
	c.w.Lock()
	defer c.w.Unlock()
	r.info, r.err = info, err
	c.w.running = nil
	close(r.done)
	if c.w.pending != nil && !c.w.closed {
		c.bg.Add(1)
		go c.serve()
	}
}

// WaitDurable returns nil once a checkpoint whose cut is above ts is
// durable: the transaction that committed at ts survives a crash. If no
// checkpoint that will cover ts is running or pending, it asks for one;
// all callers waiting meanwhile share it (group commit). If that checkpoint
// fails, WaitDurable returns its error; a later call tries again.
func (c *Checkpointer) WaitDurable(ctx context.Context, ts uint64) error {
	for {
		if c.durable.Load() > ts {
			return nil
		}
		c.w.Lock()
		if c.durable.Load() > ts {
			c.w.Unlock()
			return nil
		}
		if c.w.closed {
			c.w.Unlock()
			return ErrClosed
		}
		r := c.w.running
		// A running round covers ts if its shift is still ahead (the cut
		// will exceed every timestamp issued so far) or already above ts.
		if r == nil || (r.cut != 0 && r.cut <= ts) {
			if c.w.pending == nil {
				c.w.pending = newRound()
				if c.w.running == nil {
					c.bg.Add(1)
					go c.serve()
				}
			}
			r = c.w.pending
		}
		c.w.Unlock()
		select {
		case <-r.done:
			if r.err != nil {
				return r.err
			}
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Run takes a checkpoint every interval while ctx lives, if anything
// committed since the newest durable cut. Failures are logged; the next
// tick tries again.
func (c *Checkpointer) Run(ctx context.Context, interval time.Duration) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if d := c.Durable(); d != 0 && c.m.Visible() < d {
			continue // nothing committed since the last cut
		}
		if _, err := c.Checkpoint(ctx); err != nil {
			if errors.Is(err, ErrClosed) {
				return
			}
			if ctx.Err() == nil {
				c.log.Warn().Err(err).Msg("periodic checkpoint failed")
			}
		}
	}
}

func (c *Checkpointer) setPhase(p Phase) {
	c.phase.Store(int32(p))
	if c.testHook != nil {
		c.testHook(p)
	}
}

// checkpointLocked runs one checkpoint for round r. The caller holds run
// and made r the running round.
func (c *Checkpointer) checkpointLocked(ctx context.Context, r *round) (info Info, err error) {
	id := c.run.nextID
	c.run.nextID++ // a failed attempt's id is not reused: its files may linger
	full := c.wantFullLocked()
	chain := c.run.chain.id
	if full {
		chain = id
	}
	info = Info{ID: id, Full: full, Chain: chain, Started: time.Now(), Status: StatusFailed}
	lg := c.store.Log()
	clock := c.m.Clock()

	phaseStart := info.Started
	enter := func(p Phase) {
		now := time.Now()
		info.Phases[c.Phase()] += now.Sub(phaseStart)
		phaseStart = now
		c.setPhase(p)
	}

	var (
		releaseHold, releaseReader func()
		created                    []string // segment files of this attempt
		manifestWritten            bool
		newLog                     *deltaLog // a full checkpoint's new chain's delta log
	)
	defer func() {
		if releaseHold != nil {
			releaseHold()
			releaseReader()
		}
		if err != nil {
			// The chain ends here: a delta's failure may leave a torn
			// tail in its delta log, after which nothing can be appended
			// (recovery stops at the last complete delta). The next
			// checkpoint is full.
			c.endChainLocked()
			if c.run.hold != nil {
				c.run.hold()
				c.run.hold = nil
			}
			if newLog != nil {
				newLog.close()
				created = append(created, DeltaLogName(id))
			}
			c.removeAttempt(id, created, manifestWritten)
			info.Err = err.Error()
			info.Finished = time.Now()
			if c.Phase() != Rest {
				enter(Rest)
			}
			c.record(info)
			c.log.Error().Err(err).Uint64("id", id).Msg("checkpoint failed")
		}
	}()

	// PREPARE. The reader registration keeps the GC horizon at or below
	// the current visible timestamp, which is below the coming cut, so no
	// version visible at the cut becomes garbage, and the catalog does not
	// release the storage of a table whose drop commits at or after the
	// cut (it reaps drops below the horizon only). Registering at Visible
	// is safe without the Dekker retry transactions use: visible only
	// grows, so every horizon computed before this store was <= it. The
	// compaction hold keeps records from moving or being truncated while
	// the log is scanned; it waits out a collection pass in progress, so
	// Begin is read after it.
	enter(Prepare)
	releaseReader = c.m.RegisterReader(c.m.Visible())
	releaseHold = c.store.HoldCompaction()
	begin := lg.Begin()

	// IN_PROGRESS. The shift happens under w's lock so a WaitDurable
	// caller sees either cut == 0 (its timestamp will be below the cut) or
	// the cut itself. The drain waits only for commits already installing;
	// after it every commit below the cut is installed, its commit point
	// noted, and its versions lie below the tail read next.
	enter(InProgress)
	c.w.Lock()
	cut := clock.Shift()
	r.cut = cut
	c.w.Unlock()
	info.Cut, info.Version = cut, cut>>txn.VersionShift-1
	clock.Drain(cut)
	tail := lg.Tail()
	if !full && c.deltaTooLargeLocked(begin, tail) {
		full, chain = true, id
		info.Full, info.Chain = true, id
	}
	// Tables after the drain: one missing now was released by the catalog
	// after a drop that committed below the horizon, so below the cut; one
	// created later has no version below the cut.
	tables := map[uint32]bool{}
	for _, t := range c.store.Tables() {
		tables[t.ID()] = true
	}
	points, live := c.sessionPoints(cut)
	var extra []byte
	if c.opts.Extra != nil {
		if extra, err = c.opts.Extra(); err != nil {
			return info, fmt.Errorf("cpr: checkpoint %d: extra state: %w", id, err)
		}
	}
	if c.opts.Dropped != nil {
		// Tables dropped below the cut whose storage is still there (it
		// is released lazily): their rows are not part of the state at
		// the cut, and writing them would only make recovery skip them.
		for _, t := range c.opts.Dropped(cut) {
			delete(tables, t)
		}
	}

	// WAIT_FLUSH.
	enter(WaitFlush)
	var next storage.Addr // the next delta's scan start
	if full {
		var segs []SegmentInfo
		var rows int64
		if c.opts.Mode == ModeCPR {
			// The baseline: copy, then one writer (cprmode.go). It does
			// not look for pending records: begin is a correct, if
			// conservative, start (every record in the log is above it).
			segs, rows, err = c.flushCPR(ctx, &created, id, info.Version, cut, begin, tail, tables)
			next = begin
			info.Workers = 1
		} else {
			segs, info.Workers, rows, next, err = c.flush(ctx, &created, id, info.Version, cut, begin, tail, tables)
		}
		info.Segments = len(segs)
		info.Rows = rows
		for _, s := range segs {
			info.Bytes += s.Size
		}
		if err != nil {
			return info, fmt.Errorf("cpr: checkpoint %d: %w", id, err)
		}
		// The chain's delta log, empty, synced before the manifest names
		// the chain (by its id).
		if newLog, err = createDeltaLog(c.fs, c.path(DeltaLogName(id)), DeltaLogName(id),
			DeltaLogHeader{Chain: id, Version: info.Version, Cut: cut}); err != nil {
			created = append(created, DeltaLogName(id))
			return info, fmt.Errorf("cpr: checkpoint %d: %w", id, err)
		}
		if err := c.fs.SyncDir(c.opts.Dir); err != nil {
			return info, fmt.Errorf("cpr: checkpoint %d: sync directory: %w", id, err)
		}
		mf := &Manifest{
			ID: id, Chain: id, Full: true, Version: info.Version, Cut: cut,
			Previous: c.run.prevID,
			Started:  info.Started, Finished: time.Now(),
			Segments: segs, Sessions: sortedPoints(points), Extra: extra,
		}
		manifestWritten = true // from here a failure may leave a manifest to remove
		if err := WriteManifest(c.fs, c.opts.Dir, ManifestName(id), mf); err != nil {
			return info, fmt.Errorf("cpr: checkpoint %d: write manifest: %w", id, err)
		}
	} else {
		// A delta: the versions committed in [prevCut, cut) visible at
		// cut, and deletion markers, from the chain's scan start (see
		// invariant 10), appended to the delta log and synced.
		prevCut := c.run.prevCut
		w := newDeltaWriter(c.run.chain.log, cut)
		var rows int64
		rows, next, err = c.flushDelta(ctx, w, prevCut, cut, max(c.run.chain.start, begin), tail, tables)
		info.Rows, info.Workers = rows, 1
		if err != nil {
			return info, fmt.Errorf("cpr: checkpoint %d (delta): %w", id, err)
		}
		mf := &Manifest{
			ID: id, Chain: c.run.chain.id, Full: false, Version: info.Version, Cut: cut,
			Previous: c.run.prevID, PrevCut: prevCut,
			Started: info.Started, Finished: time.Now(),
			Sessions: sortedPoints(points), Extra: extra,
		}
		if info.Bytes, err = w.commit(mf); err != nil {
			return info, fmt.Errorf("cpr: checkpoint %d (delta): %w", id, err)
		}
	}

	// REST: durable. Release the holds first (the deferred call sees nil),
	// then publish and clean up.
	enter(Rest)
	releaseHold()
	releaseHold = nil
	// Keep this checkpoint's reader registration (below cut) as the
	// chain's hold until the next checkpoint registers its own.
	if c.run.hold != nil {
		c.run.hold()
	}
	c.run.hold, releaseReader = releaseReader, nil
	if full {
		c.endChainLocked()
		c.run.chain = chainState{id: id, log: newLog, baseBytes: info.Bytes}
		newLog = nil
	} else {
		c.run.chain.deltaBytes += info.Bytes
		c.run.chain.deltas++
	}
	c.run.chain.start = next
	c.run.prevID, c.run.prevCut = id, cut
	c.durable.Store(cut)
	c.run.points = points
	for s := range c.run.known {
		s.TrimHistory(cut)
		// A closed session whose last commit is covered needs no more
		// asking; its point lives on in points.
		if _, ok := live[s]; !ok && s.CommitPoint() == s.PointBefore(cut) {
			delete(c.run.known, s)
		}
	}
	if full {
		c.retain(id)
	}
	info.Status = StatusOK
	info.Finished = time.Now()
	info.Phases[Rest] += info.Finished.Sub(phaseStart)
	c.record(info)
	ev := c.log.Info()
	if !full {
		ev = c.log.Debug() // deltas come hundreds a second under group commit
	}
	ev.Uint64("id", id).Bool("full", full).Uint64("chain", chain).Uint64("cut", cut).Int64("rows", info.Rows).Int64("bytes", info.Bytes).
		Int("workers", info.Workers).Int("segments", info.Segments).Dur("took", info.Finished.Sub(info.Started)).Msg("checkpoint durable")
	return info, nil
}

// sessionPoints returns every named session's commit point at cut: the
// open sessions' PointBefore(cut), sessions seen before and closed since
// (still answering PointBefore), and the carried points of the rest. Names
// shared by several sessions (a reconnect) take the largest point. live is
// the set of open sessions. The caller holds run; the clock has drained.
func (c *Checkpointer) sessionPoints(cut uint64) (points map[string]uint64, live map[*txn.Session]struct{}) {
	live = map[*txn.Session]struct{}{}
	c.m.Sessions(func(s *txn.Session) {
		if s.Name() != "" {
			live[s] = struct{}{}
			c.run.known[s] = struct{}{}
		}
	})
	points = make(map[string]uint64, len(c.run.points)+len(c.run.known))
	for n, p := range c.run.points {
		points[n] = p
	}
	for s := range c.run.known {
		if p := s.PointBefore(cut); p > points[s.Name()] {
			points[s.Name()] = p
		}
	}
	return points, live
}

func sortedPoints(points map[string]uint64) []SessionPoint {
	out := make([]SessionPoint, 0, len(points))
	for n, p := range points {
		out = append(out, SessionPoint{Name: n, Serial: p})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// removeAttempt deletes what a failed attempt wrote: its manifest (if the
// failure came during or after writing it) first, so a crash in between
// leaves orphan segments rather than a manifest without them, then its
// segments. Errors are logged: the next checkpoint's retention sweeps
// leftovers.
func (c *Checkpointer) removeAttempt(id uint64, segs []string, manifest bool) {
	if manifest {
		for _, n := range []string{ManifestName(id), ManifestName(id) + TempSuffix} {
			if err := c.fs.Remove(c.path(n)); err != nil && !isNotExist(err) {
				c.log.Warn().Err(err).Str("file", n).Msg("cannot remove failed checkpoint's manifest")
			}
		}
	}
	for _, n := range segs {
		if err := c.fs.Remove(c.path(n)); err != nil && !isNotExist(err) {
			c.log.Warn().Err(err).Str("file", n).Msg("cannot remove failed checkpoint's segment")
		}
	}
}
