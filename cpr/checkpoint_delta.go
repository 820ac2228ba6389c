package cpr

import (
	"context"
	"errors"
	"fmt"

	"github.com/persiandb/persiandb/storage"
)

// DefaultDeltaFraction is Options.DeltaFraction's default.
const DefaultDeltaFraction = 0.5

// chainState is the chain the checkpointer extends with deltas: its full
// checkpoint, its open delta log and the scan start of the next delta.
// Protected by Checkpointer.run.
type chainState struct {
	id         uint64 // the chain's full checkpoint; 0: no usable chain (the next checkpoint is full)
	log        *deltaLog
	baseBytes  int64 // the full checkpoint's segment bytes
	deltaBytes int64 // bytes its deltas added to the delta log
	deltas     int
	// start is where the next delta's scan starts: every record that is
	// neither invalid nor collected and whose beginTS is a marker or a
	// commit timestamp >= the newest durable cut lies at or above it (see
	// pendingRecord and the package doc, invariant 10).
	start storage.Addr
}

// wantFullLocked decides whether the next checkpoint is full: when there
// is no usable chain, when deltas are off (DeltaFraction < 0, or ModeCPR:
// the baseline copies the whole state every time, which is what it is
// there to measure), or when the chain's deltas outgrew DeltaFraction of
// its base. The caller holds run.
func (c *Checkpointer) wantFullLocked() bool {
	ch := &c.run.chain
	if ch.id == 0 || ch.log == nil || c.opts.DeltaFraction < 0 || c.opts.Mode == ModeCPR {
		return true
	}
	if c.testFull != nil {
		return c.testFull(ch.deltas)
	}
	return float64(ch.deltaBytes) > c.opts.DeltaFraction*float64(ch.baseBytes)
}

// bigDeltaScan is the least log a delta must have to scan before
// deltaTooLargeLocked turns it into a full checkpoint: below it, a delta
// is cheap whatever the base's size.
const bigDeltaScan = 16 << 20

// deltaTooLargeLocked reports whether the delta about to be written would
// scan more log ([max(chain start, begin), tail), known only after the
// drain) than DeltaFraction of its base's bytes, and at least
// bigDeltaScan: a bulk load or a table rewrite since the last cut. Such
// a delta costs about as much to write as a full checkpoint, and much
// more to recover (a chain's delta rows are held in memory as overrides
// while its base is read), so a full checkpoint is taken instead. The
// caller holds run.
func (c *Checkpointer) deltaTooLargeLocked(begin, tail storage.Addr) bool {
	if c.testFull != nil {
		return false // the test chooses
	}
	ch := &c.run.chain
	from := max(ch.start, begin)
	if tail <= from {
		return false
	}
	scan := float64(tail - from)
	return scan >= bigDeltaScan && scan > c.opts.DeltaFraction*float64(ch.baseBytes)
}

// continueChain makes the chain of base, whose newest good state is last
// (its delta log read up to tail), the chain the next checkpoints extend,
// when the manager was recovered to exactly that state
// (Options.Recovered). A torn delta log tail, left by a crash while a
// delta was written, is cut off; a log damaged otherwise is left alone,
// and so is a state recovery did not restore (an older checkpoint, a
// fallback): the next checkpoint then starts a new chain. New calls it
// before the checkpointer is shared.
func (c *Checkpointer) continueChain(base, last *Manifest, tail chainTail) error {
	rec := c.opts.Recovered
	switch {
	case rec == nil || rec.ID != last.ID:
		return nil // not recovered from this state: a new chain
	case c.opts.DeltaFraction < 0 || c.opts.Mode == ModeCPR:
		return nil // every checkpoint is full anyway
	case tail.end == 0:
		return errors.New(tail.why) // no delta log
	case tail.why != "" && !tail.torn:
		return fmt.Errorf("delta log damaged: %s", tail.why)
	}
	name := DeltaLogName(base.ID)
	f, err := c.fs.OpenAppend(c.path(name), tail.end)
	if err != nil {
		return fmt.Errorf("cpr: reopening %s: %w", name, err)
	}
	if tail.torn {
		// The cut must be durable before anything is appended after it.
		if err := f.Sync(); err != nil {
			_ = f.Close()
			return fmt.Errorf("cpr: syncing %s after cutting its torn tail: %w", name, err)
		}
		c.log.Info().Str("delta_log", name).Int64("size", tail.end).Msg("cut the torn tail off the recovered chain's delta log")
	}
	c.run.chain = chainState{
		id:         base.ID,
		log:        &deltaLog{f: f, name: name, size: tail.end},
		baseBytes:  base.Bytes(),
		deltaBytes: tail.end - deltaHeaderSize,
		deltas:     tail.deltas,
		start:      rec.Start,
	}
	// As after a checkpoint: hold the GC horizon below every commit the
	// next delta must see (all of them come after recovery).
	c.run.hold = c.m.RegisterReader(c.m.Visible())
	c.log.Info().Uint64("chain", base.ID).Uint64("from", last.ID).Int("deltas", tail.deltas).
		Msg("checkpoints extend the recovered chain with deltas")
	return nil
}

// endChainLocked forgets the current chain (after a failure, or when a
// new full checkpoint replaces it): the next checkpoint is full. The
// delta log file stays on disk for retention to remove.
func (c *Checkpointer) endChainLocked() {
	c.run.chain.log.close()
	c.run.chain = chainState{}
}

// pendingRecord reports whether a record scanned after the drain of cut
// may still matter to a later delta: it is neither invalid nor collected,
// and its beginTS is a writer's marker (the writer may commit, at a
// timestamp >= cut) or a commit timestamp >= cut (a writer that committed
// after the drain). A record for which it is false never will: invalid
// and collected are final, and a commit timestamp below the cut never
// changes.
func pendingRecord(r storage.Record, cut uint64) bool {
	if r.Invalid() || r.Collected() {
		return false
	}
	b := r.BeginTS()
	return storage.IsMarker(b) || (storage.IsCommitted(b) && b >= cut)
}

// includeDelta is the delta scan rule: a record belongs in the delta
// (prevCut, cut] iff it is its key's version visible at cut (the full
// rule, include, but keeping tombstones) and it was committed at or after
// prevCut. A tombstone passing it is written as a deletion marker: the
// key, which may have existed at prevCut, is deleted at cut.
func includeDelta(r storage.Record, prevCut, cut uint64, tableLive func(uint32) bool) bool {
	if r.Invalid() || r.Collected() {
		return false
	}
	if b := r.BeginTS(); !storage.IsCommitted(b) || b >= cut || b < prevCut {
		return false
	}
	if e := r.EndTS(); storage.IsCommitted(e) && e < cut {
		return false
	}
	return tableLive(r.TableID())
}

// flushDelta scans [from, to) on this goroutine and streams the delta's
// records into w. It returns the records written and the lowest address
// of a pending record (to if none): the next delta's scan start.
func (c *Checkpointer) flushDelta(ctx context.Context, w *deltaWriter, prevCut, cut uint64,
	from, to storage.Addr, tables map[uint32]bool) (int64, storage.Addr, error) {
	lg := c.store.Log()
	g := c.store.NewGuard()
	defer g.Close()
	live := func(t uint32) bool { return tables[t] }
	next := to
	var rows int64
	var err error
	ps := storage.Addr(lg.PageSize())
	for p := from; p < to; {
		if err := ctx.Err(); err != nil {
			return rows, next, err
		}
		end := min(lg.PageStart(p)+ps, to)
		g.Enter()
		lg.Scan(p, end, func(a storage.Addr, r storage.Record) bool {
			if a < next && pendingRecord(r, cut) {
				next = a
			}
			if !includeDelta(r, prevCut, cut, live) {
				return true
			}
			rec := Record{Table: r.TableID(), BeginTS: r.BeginTS(), Key: r.Key()}
			if r.Tombstone() {
				rec.Tombstone = true
			} else {
				rec.Value = r.Value()
			}
			err = w.add(rec)
			rows++
			return err == nil
		})
		g.Exit()
		if err != nil {
			return rows, next, err
		}
		p = end
	}
	return rows, next, w.flush()
}
