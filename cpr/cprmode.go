package cpr

import (
	"context"
	"fmt"

	"github.com/persiandb/persiandb/storage"
)

// Mode selects how a checkpoint's WAIT_FLUSH writes the version-v state.
//
// # Why a second mode
//
// DESIGN.md claims that the Persian flush (N workers scanning the live log,
// no stable copy) beats the CPR-style design that first copies the state
// into a stable buffer and then flushes it with one writer. ModeCPR is that
// baseline, kept in the engine so both can be measured in one run
// (bench_checkpoint_test.go, docs/benchmarks.md "Checkpoints"). It is not
// meant for production: it holds a second copy of the data in memory for
// the length of the flush.
//
// # What ModeCPR does
//
//	copy   one goroutine scans [begin, tail) page by page under the epoch
//	       guard and copies every record the scan rule (include) keeps:
//	       keys and values into one []byte arena, table and beginTS into
//	       a slice of fixed-size entries
//	write  one writer writes the copy as segment 0, syncs and closes it
//
// Both steps run inside WAIT_FLUSH, under the same holds as the Persian
// flush, so the copy sees exactly the records the Persian workers would
// write, and the file format (one segment; the manifest names it) is the
// same: Load cannot tell the two apart, except by the segment count.
//
// The copy is made by the checkpointer's goroutine, not by transactions
// (CPR proper copies on first write in the new version); either way the
// transactions do not wait for it, and what the baseline measures is the
// cost the Persian design removes: a second copy of the state in memory,
// the time to make it, and a single writer.
type Mode int

const (
	// ModePersian (the default): parallel workers scan the live log and
	// each writes its own segment.
	ModePersian Mode = iota
	// ModeCPR: copy the version-v state into a stable in-memory buffer,
	// then write it with one writer (the measurement baseline).
	ModeCPR
)

func (m Mode) String() string {
	switch m {
	case ModePersian:
		return "persian"
	case ModeCPR:
		return "cpr"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// ParseMode parses a mode's name ("persian" or "cpr"), as the server's
// --checkpoint-mode flag spells it.
func ParseMode(s string) (Mode, error) {
	switch s {
	case "persian":
		return ModePersian, nil
	case "cpr":
		return ModeCPR, nil
	}
	return 0, fmt.Errorf("cpr: unknown checkpoint mode %q (want persian or cpr)", s)
}

// MarshalText and UnmarshalText make a Mode a flag.TextVar.
func (m Mode) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText parses a mode's name (see ParseMode).
func (m *Mode) UnmarshalText(b []byte) error {
	v, err := ParseMode(string(b))
	if err == nil {
		*m = v
	}
	return err
}

// stableEntry locates one copied record in stableCopy.arena: its key is
// arena[off : off+klen], its value the vlen bytes after it.
type stableEntry struct {
	begin uint64
	off   uint64
	table uint32
	klen  uint32
	vlen  uint32
}

// stableCopy is the CPR baseline's stable buffer: the version-v state,
// copied out of the log. It is owned by one checkpoint and dropped after
// the write.
type stableCopy struct {
	arena   []byte
	entries []stableEntry
}

// flushCPR is the ModeCPR counterpart of flush (same arguments, same
// results): it copies the records include keeps from [begin, tail) into a
// stable buffer, then writes them as segment 0 with one writer.
func (c *Checkpointer) flushCPR(ctx context.Context, created *[]string, id, version, cut uint64,
	begin, tail storage.Addr, tables map[uint32]bool) ([]SegmentInfo, int64, error) {
	if tail <= begin {
		return nil, 0, nil
	}
	sc, err := c.copyStable(ctx, cut, begin, tail, tables)
	if err != nil {
		return nil, 0, err
	}
	name := SegmentName(id, 0)
	*created = append(*created, name)
	info, err := c.writeStable(ctx, SegmentHeader{CheckpointID: id, Version: version, Cut: cut}, sc)
	if err != nil {
		return nil, 0, fmt.Errorf("segment 0: %w", err)
	}
	return []SegmentInfo{info}, int64(info.Records), nil
}

// copyStable copies the state at cut out of [begin, tail).
func (c *Checkpointer) copyStable(ctx context.Context, cut uint64, begin, tail storage.Addr,
	tables map[uint32]bool) (*stableCopy, error) {
	lg := c.store.Log()
	// The entries are sized by the tables' key counts (about one version
	// per key); the arena starts at a quarter of the range and grows by
	// append (by about 1.25x at a time for a slice this large).
	keys := 0
	for _, t := range c.store.Tables() {
		if tables[t.ID()] {
			keys += t.Len()
		}
	}
	sc := &stableCopy{arena: make([]byte, 0, uint64(tail-begin)/4), entries: make([]stableEntry, 0, keys+keys/16)}
	g := c.store.NewGuard()
	defer g.Close()
	live := func(t uint32) bool { return tables[t] }
	ps := lg.PageSize()
	for p := begin; p < tail; {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		end := min(lg.PageStart(p)+storage.Addr(ps), tail)
		g.Enter()
		lg.Scan(p, end, func(_ storage.Addr, r storage.Record) bool {
			if !include(r, cut, live) {
				return true
			}
			k, v := r.Key(), r.Value()
			sc.entries = append(sc.entries, stableEntry{begin: r.BeginTS(), off: uint64(len(sc.arena)),
				table: r.TableID(), klen: uint32(len(k)), vlen: uint32(len(v))})
			sc.arena = append(sc.arena, k...)
			sc.arena = append(sc.arena, v...)
			return true
		})
		g.Exit()
		p = end
	}
	return sc, nil
}

// writeStable writes sc as one segment file, then syncs and closes it.
func (c *Checkpointer) writeStable(ctx context.Context, hdr SegmentHeader, sc *stableCopy) (SegmentInfo, error) {
	name := SegmentName(hdr.CheckpointID, hdr.Segment)
	f, err := createSegment(c.fs, c.path(name))
	if err != nil {
		return SegmentInfo{}, err
	}
	w, err := NewSegmentWriter(f, hdr)
	if err != nil {
		_ = f.Close()
		return SegmentInfo{}, err
	}
	for i, e := range sc.entries {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				w.Abort()
				return SegmentInfo{}, err
			}
		}
		kEnd := e.off + uint64(e.klen)
		r := Record{Table: e.table, BeginTS: e.begin, Key: sc.arena[e.off:kEnd], Value: sc.arena[kEnd : kEnd+uint64(e.vlen)]}
		if err := w.Add(r); err != nil {
			w.Abort()
			return SegmentInfo{}, err
		}
	}
	size, crc, err := w.Close()
	if err != nil {
		return SegmentInfo{}, err
	}
	return SegmentInfo{Name: name, Size: size, CRC: crc, Records: w.Records()}, nil
}
