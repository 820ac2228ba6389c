package cpr

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/persiandb/persiandb/storage"
)

// include reports whether a log record belongs in a full checkpoint at cut
// (the scan rule, DESIGN.md "Checkpoints"): it is the version of its key
// visible at the cut. tableLive says whether its table existed after the
// drain.
//
//	skip  invalid (aborted, or a collector copy that lost its race)
//	skip  collected (moved forward: its identical copy lies above it)
//	skip  tombstone (a full checkpoint holds rows, not deletions)
//	skip  beginTS a marker (writer not committed below the cut) or >= cut
//	skip  endTS a commit timestamp < cut (superseded before the cut)
//	keep  otherwise: endTS is 0, a marker (a writer still in flight, whose
//	      commit, if any, will be >= cut), or a commit timestamp >= cut
//
// Evaluated after the drain under a compaction hold, the answer cannot
// change during the scan: every commit below the cut is installed, so any
// later change to beginTS or endTS is a marker, an undo (0) or a timestamp
// >= cut, and the collector sets no flag while the hold exists.
func include(r storage.Record, cut uint64, tableLive func(uint32) bool) bool {
	if r.Invalid() || r.Collected() || r.Tombstone() {
		return false
	}
	if b := r.BeginTS(); !storage.IsCommitted(b) || b >= cut {
		return false
	}
	if e := r.EndTS(); storage.IsCommitted(e) && e < cut {
		return false
	}
	return tableLive(r.TableID())
}

// segmentsPerWorker is how many page runs (segments) a full checkpoint's
// range is cut into per flush worker. Live records are not spread evenly
// over the log (after a table is rewritten, the first half of the range
// may hold only its dead versions): with several runs per worker, taken in
// turn, a worker that met little live data takes more runs, so the work and
// the segments' sizes (recovery reads the segments in parallel) stay
// balanced.
const segmentsPerWorker = 4

// flush scans [begin, tail): the range is cut into runs of whole pages
// (records never straddle pages, so page starts are record boundaries),
// up to segmentsPerWorker per worker, and up to opts.Workers workers take
// the runs in order, each run written and synced as its own segment.
// Names of files created are appended to created (also on failure, for
// clean-up). Segments come back in segment (address) order. workers is
// the number of workers that ran. next is the lowest address of a pending
// record (pendingRecord) in the range, tail if none: the scan start of
// the delta after this checkpoint.
func (c *Checkpointer) flush(ctx context.Context, created *[]string, id, version, cut uint64,
	begin, tail storage.Addr, tables map[uint32]bool) (segs []SegmentInfo, workers int, rows int64, next storage.Addr, err error) {
	lg := c.store.Log()
	if tail <= begin {
		return nil, 0, 0, tail, nil
	}
	ps := lg.PageSize()
	first := uint64(lg.PageStart(begin))
	pages := (uint64(lg.PageStart(tail-1))-first)/ps + 1
	workers = min(c.opts.Workers, int(pages))
	n := min(uint64(workers*segmentsPerWorker), pages)
	for i := uint64(0); i < n; i++ {
		*created = append(*created, SegmentName(id, uint32(i)))
	}
	type result struct {
		info     SegmentInfo
		rows     int64
		next, to storage.Addr // next == to: no pending record in the run
		err      error
	}
	res := make([]result, n)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg    sync.WaitGroup
		taken atomic.Uint64
	)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := taken.Add(1) - 1
				if i >= n || ctx.Err() != nil {
					return
				}
				from := storage.Addr(first + i*pages/n*ps)
				to := storage.Addr(first + (i+1)*pages/n*ps)
				from, to = max(from, begin), min(to, tail)
				hdr := SegmentHeader{CheckpointID: id, Version: version, Cut: cut, Segment: uint32(i)}
				info, rows, next, err := c.writeSegment(ctx, hdr, from, to, tables)
				if err != nil {
					cancel() // the checkpoint fails: stop the other workers early
				}
				res[i] = result{info, rows, next, to, err}
			}
		}()
	}
	wg.Wait()
	segs = make([]SegmentInfo, 0, n)
	next = tail
	var firstErr error
	for i, r := range res {
		if r.err == nil && r.info.Name == "" {
			// Never started: an earlier failure stopped the workers.
			if firstErr == nil {
				firstErr = fmt.Errorf("segment %d: %w", i, context.Canceled)
			}
			continue
		}
		if r.err != nil {
			// Report the cause, not the cancellations it caused.
			if firstErr == nil || (errors.Is(firstErr, context.Canceled) && !errors.Is(r.err, context.Canceled)) {
				firstErr = fmt.Errorf("segment %d: %w", i, r.err)
			}
			continue
		}
		segs = append(segs, r.info)
		rows += r.rows
		if r.next < r.to {
			next = min(next, r.next)
		}
	}
	if firstErr != nil {
		return segs, workers, rows, next, firstErr
	}
	return segs, workers, rows, next, nil
}

// writeSegment scans [from, to) and writes the included records to a new
// segment file, then syncs and closes it. The epoch guard is held one page
// at a time, so the scan never holds back reclamation for long. next is
// the lowest address of a pending record in [from, to), to if none.
func (c *Checkpointer) writeSegment(ctx context.Context, hdr SegmentHeader, from, to storage.Addr,
	tables map[uint32]bool) (SegmentInfo, int64, storage.Addr, error) {
	name := SegmentName(hdr.CheckpointID, hdr.Segment)
	f, err := createSegment(c.fs, c.path(name))
	if err != nil {
		return SegmentInfo{}, 0, to, err
	}
	w, err := NewSegmentWriter(f, hdr)
	if err != nil {
		_ = f.Close()
		return SegmentInfo{}, 0, to, err
	}
	next := to
	lg := c.store.Log()
	g := c.store.NewGuard()
	defer g.Close()
	// Records of one table cluster in the log: remember the last answer.
	lastTable, lastLive := uint32(0), false
	live := func(t uint32) bool {
		if t != lastTable {
			lastTable, lastLive = t, tables[t]
		}
		return lastLive
	}
	if len(tables) > 0 {
		lastLive = tables[0]
	}
	var rows int64
	ps := lg.PageSize()
	for p := from; p < to; {
		if err := ctx.Err(); err != nil {
			w.Abort()
			return SegmentInfo{}, 0, next, err
		}
		end := min(lg.PageStart(p)+storage.Addr(ps), to)
		g.Enter()
		lg.Scan(p, end, func(a storage.Addr, r storage.Record) bool {
			if a < next && pendingRecord(r, hdr.Cut) {
				next = a
			}
			if !include(r, hdr.Cut, live) {
				return true
			}
			err = w.Add(Record{Table: r.TableID(), BeginTS: r.BeginTS(), Key: r.Key(), Value: r.Value()})
			rows++
			return err == nil
		})
		g.Exit()
		if err != nil {
			w.Abort()
			return SegmentInfo{}, 0, next, err
		}
		p = end
	}
	size, crc, err := w.Close()
	if err != nil {
		return SegmentInfo{}, 0, next, err
	}
	return SegmentInfo{Name: name, Size: size, CRC: crc, Records: uint64(rows)}, rows, next, nil
}
