package cpr

import (
	"errors"
	"fmt"
	"hash/maphash"
	"runtime"
	"sync"
	"sync/atomic"
)

// StreamOptions are LoadStream's callbacks. For each chain it tries,
// LoadStream calls Begin, then Rows any number of times, then End; a
// chain that turns out damaged (or whose Rows or End return an error
// wrapping ErrCorrupt) is passed over and the next older one is tried
// with Begin again: everything received since the previous Begin is to
// be discarded.
type StreamOptions struct {
	// Begin starts a chain: base is its full checkpoint; rows come from
	// sources 0..len(base.Segments)-1 (the segments, in manifest order)
	// and len(base.Segments) (the rows the chain's deltas wrote).
	Begin func(base *Manifest) error
	// Rows receives rows of table, in file order within a source. It is
	// called concurrently for different sources, never for one source at
	// a time. rows and the bytes its records' Key and Value point to are
	// reused once Rows returns (the callee copies what it keeps). No record
	// is a tombstone, and no row's key was overwritten or deleted by the
	// chain's deltas (those rows are skipped; the deltas' rows come last,
	// from source len(base.Segments)).
	Rows func(src int, table uint32, rows []Record) error
	// End is called once every row of the chain was passed to Rows. Keys
	// are not checked for uniqueness by LoadStream: End must check that no
	// key of a table came twice (from two segments, or twice in one) and
	// return an error wrapping ErrCorrupt if one did, as Load would.
	End func() error
	// Workers is the number of segments read at a time (0: GOMAXPROCS).
	Workers int
}

// StreamResult describes the chain LoadStream used (see Snapshot: the
// same fields, without the rows).
type StreamResult struct {
	Manifest *Manifest
	Base     *Manifest
	Deltas   int
	Skipped  []string
	// Rows is the number of rows passed to Rows for this chain, and
	// Bytes the size of the files it read (Manifest.Bytes of the base and
	// of each delta applied).
	Rows  int64
	Bytes int64
}

// streamBatch is the most rows LoadStream passes to Rows at a time, and
// streamBytes the usual size of their keys' and values' buffer.
const (
	streamBatch = 8192
	streamBytes = 1 << 20
)

// LoadStream is Load without materializing the snapshot: it chooses the
// same chain as Load (the same checks, the same fallback and the same
// Skipped reasons), and streams its rows to opts.Rows instead of building
// a map per table. The chain's deltas are read first (they are small)
// into an override set; then the full checkpoint's segments are read and
// verified in parallel (one goroutine per segment, up to opts.Workers),
// each row overridden by a delta skipped; then the deltas' surviving
// rows are passed on. Key uniqueness within the full checkpoint is left
// to opts.End (see StreamOptions).
func LoadStream(fsys FS, dir string, opts StreamOptions) (*StreamResult, error) {
	var res *StreamResult
	err := newestChain(fsys, dir, func(id uint64) ([]string, error) {
		r, err := streamID(fsys, dir, id, opts)
		if err != nil {
			return nil, err
		}
		res = r
		return r.Skipped, nil
	}, func(skipped []string) { res.Skipped = skipped })
	if err != nil {
		return nil, err
	}
	return res, nil
}

// errStreamStopped stops a segment reader whose result no longer matters
// (a segment before it failed).
var errStreamStopped = errors.New("cpr: stream stopped")

// streamID is LoadID for LoadStream.
func streamID(fsys FS, dir string, id uint64, opts StreamOptions) (*StreamResult, error) {
	m, err := readFullManifest(fsys, dir, id)
	if err != nil {
		return nil, err
	}
	res := &StreamResult{Manifest: m, Base: m, Bytes: m.Bytes()}
	// The deltas first: the last write of each key in the chain.
	// LoadID reads them after the segments, so an error that is not about
	// their content (I/O) is reported only if the segments are intact.
	over := map[string]Record{}
	n, why, chainErr := readChain(fsys, dir, m, true, func(dm *Manifest, recs []Record) error {
		for _, r := range recs {
			over[overrideKey(nil, r.Table, r.Key)] = r
		}
		res.Manifest = dm
		res.Bytes += dm.Bytes()
		return nil
	})
	res.Deltas = n
	if why != "" {
		res.Skipped = append(res.Skipped, why)
	}
	filter := newOverFilter(over)
	if err := opts.Begin(m); err != nil {
		return nil, err
	}

	// The segments, in parallel. The error reported is that of the first
	// failing segment in manifest order, as LoadID's sequential read would
	// report it; a segment after a failed one is stopped.
	segs := m.Segments
	errs := make([]error, len(segs))
	var (
		failed atomic.Int64 // lowest index of a failed segment
		rows   atomic.Int64
		next   atomic.Int64
		wg     sync.WaitGroup
	)
	failed.Store(int64(len(segs)))
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	for w := 0; w < min(len(segs), workers); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(segs) {
					return
				}
				if int64(i) > failed.Load() {
					continue
				}
				s := &segStreamer{src: i, opts: &opts, over: over, filter: filter, failed: &failed}
				err := readBaseSegment(fsys, dir, m, segs[i], s.add)
				if err == nil {
					err = s.flushAll()
				}
				rows.Add(s.rows)
				if err != nil {
					errs[i] = err
					for {
						f := failed.Load()
						if int64(i) >= f || failed.CompareAndSwap(f, int64(i)) {
							break
						}
					}
				}
			}
		}()
	}
	wg.Wait()
	if f := failed.Load(); f < int64(len(segs)) {
		return nil, fmt.Errorf("checkpoint %d: %w", id, errs[f])
	}
	if chainErr != nil {
		return nil, fmt.Errorf("checkpoint %d: %w", id, chainErr)
	}

	// The deltas' rows.
	s := &segStreamer{src: len(segs), opts: &opts}
	for _, r := range over {
		if r.Tombstone {
			continue
		}
		if err := s.batch(r.Table, r); err != nil {
			return nil, fmt.Errorf("checkpoint %d: %w", id, err)
		}
	}
	if err := s.flushAll(); err != nil {
		return nil, fmt.Errorf("checkpoint %d: %w", id, err)
	}
	res.Rows = rows.Load() + s.rows
	if err := opts.End(); err != nil {
		return nil, fmt.Errorf("checkpoint %d: %w", id, err)
	}
	return res, nil
}

// overrideKey returns the delta override set's key for (table, key),
// built in buf.
func overrideKey(buf []byte, table uint32, key []byte) string {
	buf = le.AppendUint32(buf[:0], table)
	return string(append(buf, key...))
}

// overFilter is a one-hash bit filter over the delta override set's
// keys: a segment row whose bit is clear is certainly not overridden, so
// the map lookup (building the (table, key) string and probing a map
// that may not fit in the cache) is made for about one row in 16 rather
// than for every row of the full checkpoint. With a few small deltas in
// the chain, that lookup was most of a 10M-row read phase.
type overFilter struct {
	seed maphash.Seed
	bits []uint64
	mask uint64
}

func newOverFilter(over map[string]Record) *overFilter {
	n := uint64(64)
	for n < uint64(len(over))*16 {
		n *= 2
	}
	f := &overFilter{seed: maphash.MakeSeed(), bits: make([]uint64, n/64), mask: n - 1}
	for _, r := range over {
		h := f.hash(r.Table, r.Key)
		f.bits[h/64] |= 1 << (h % 64)
	}
	return f
}

func (f *overFilter) hash(table uint32, key []byte) uint64 {
	return (maphash.Bytes(f.seed, key) ^ uint64(table)*0x9e3779b97f4a7c15) & f.mask
}

// mayHold reports whether (table, key) may be in the override set.
func (f *overFilter) mayHold(table uint32, key []byte) bool {
	h := f.hash(table, key)
	return f.bits[h/64]&(1<<(h%64)) != 0
}

// segStreamer batches one source's rows per table for StreamOptions.Rows.
// A batch's rows are copied into its own buffer, reused once Rows
// returns: a source holds one batch per table at most, however large.
type segStreamer struct {
	src    int
	opts   *StreamOptions
	over   map[string]Record
	filter *overFilter
	failed *atomic.Int64
	tables map[uint32]*tableBatch
	last   uint32
	lastB  *tableBatch
	kbuf   []byte
	rows   int64
	seen   uint32
}

type tableBatch struct {
	recs  []Record
	bytes []byte
}

// add is readBaseSegment's callback: r's slices are valid only during it.
func (s *segStreamer) add(r Record) error {
	if s.seen++; s.seen&1023 == 0 && int64(s.src) > s.failed.Load() {
		return errStreamStopped
	}
	if len(s.over) > 0 && s.filter.mayHold(r.Table, r.Key) {
		s.kbuf = le.AppendUint32(s.kbuf[:0], r.Table)
		s.kbuf = append(s.kbuf, r.Key...)
		if _, ok := s.over[string(s.kbuf)]; ok {
			return nil
		}
	}
	return s.batch(r.Table, r)
}

// batch copies r into its table's batch, passing the batch on when full.
func (s *segStreamer) batch(table uint32, r Record) error {
	b := s.lastB
	if b == nil || table != s.last {
		if s.tables == nil {
			s.tables = map[uint32]*tableBatch{}
		}
		if b = s.tables[table]; b == nil {
			b = &tableBatch{recs: make([]Record, 0, streamBatch)}
			s.tables[table] = b
		}
		s.last, s.lastB = table, b
	}
	// The batch's records point into bytes, which therefore never grows
	// under them: a full buffer passes the batch on first.
	n := len(r.Key) + len(r.Value)
	if len(b.bytes)+n > cap(b.bytes) {
		if err := s.flush(table, b); err != nil {
			return err
		}
		if n > cap(b.bytes) {
			b.bytes = make([]byte, 0, max(streamBytes, n))
		}
	}
	off, kl := len(b.bytes), len(r.Key)
	b.bytes = append(append(b.bytes, r.Key...), r.Value...)
	r.Key = b.bytes[off : off+kl : off+kl]
	r.Value = b.bytes[off+kl : off+n : off+n]
	b.recs = append(b.recs, r)
	s.rows++
	if len(b.recs) == streamBatch {
		return s.flush(table, b)
	}
	return nil
}

// flush passes on b's rows, if any, and empties it.
func (s *segStreamer) flush(table uint32, b *tableBatch) error {
	if len(b.recs) == 0 {
		return nil
	}
	err := s.opts.Rows(s.src, table, b.recs)
	b.recs, b.bytes = b.recs[:0], b.bytes[:0]
	return err
}

// flushAll passes on every non-empty batch.
func (s *segStreamer) flushAll() error {
	for t, b := range s.tables {
		if err := s.flush(t, b); err != nil {
			return err
		}
	}
	return nil
}
