package storage

import (
	"sync/atomic"
)

// flagCollected marks a record the collector has dealt with: a live record
// it copied forward, or a tombstone whose key it removed. Readers ignore the
// flag (the copy is identical); a later collection pass treats the record
// as dead.
const flagCollected uint64 = 1 << 3

// GCStats reports one collection pass.
type GCStats struct {
	Scanned     int    // records examined
	Dead        int    // records dropped
	Moved       int    // live records copied to the tail
	KeysRemoved int    // keys whose committed tombstone fell below the horizon
	IndexPruned int    // secondary entries no remaining version carries
	Truncated   uint64 // bytes cut from the log head
	Blocked     string // why the pass stopped early; "" if it did not
}

type gcTotals struct {
	passes, moved, dead, keysRemoved, truncated atomic.Int64
}

// ShouldCollect reports whether the log has grown past twice its estimated
// live bytes (and past two pages, the least a log with an open tail page
// can usefully shrink to).
func (s *Store) ShouldCollect() bool {
	size := s.log.Size()
	return size > 2*s.log.pageSize && uint64(max(s.garbage.Load(), 0))*2 > size
}

// Collect compacts the head of the log: every record from Begin up to the
// page holding the tail (at most maxPages pages; 0 = no limit) is either
// dead, copied to the tail, or the reason the pass stops. Then the log is
// truncated to the first page the pass did not finish.
//
// horizon is the oldest snapshot any reader (transaction or checkpoint)
// still uses: a version whose endTS is a commit timestamp <= horizon is
// invisible to every such reader.
//
// A record is
//
//	dead     if invalid, already collected, of a dropped table, or
//	         superseded at or below the horizon;
//	removed  if it is its key's current tombstone and committed at or below
//	         the horizon: the key leaves the primary tree;
//	moved    if it is its key's current committed version (endTS 0 and the
//	         slot points at it): copied to the tail and the slot swapped
//	         to the copy;
//	relinked if it is superseded but a snapshot above the horizon may read
//	         it: copied to the tail and the newer version's prev swapped to
//	         the copy (relink);
//	a stop   otherwise: it carries a writer's marker or a writer is
//	         swapping its slot. A transaction holds its address, so it
//	         cannot move; the pass ends there and a later pass resumes.
//
// Moving versions a snapshot still needs, rather than stopping at them,
// matters under load: a writer descheduled for a few milliseconds holds the
// horizon back by thousands of commits, and versions pinned that way are
// spread over the whole log.
//
// Records never move while a compaction hold (a running checkpoint) exists.
func (s *Store) Collect(g *Guard, horizon uint64, maxPages int) GCStats {
	s.gcMu.Lock()
	defer s.gcMu.Unlock()
	var st GCStats
	if s.holds.Load() > 0 {
		st.Blocked = "checkpoint holds compaction"
		return st
	}
	g.Enter()
	begin := s.log.Begin()
	limit := s.log.PageStart(s.log.Tail())
	if maxPages > 0 {
		if l := begin + Addr(uint64(maxPages)*s.log.pageSize); l < limit {
			limit = s.log.PageStart(l)
		}
	}
	stop := limit
	// Garbage accounting: only what the truncation drops leaves the
	// estimate, and only what was counted into it: dead records that were
	// superseded or invalidated (a collected record or a dropped table's
	// current version never was), and page fillers. Records on the page
	// the pass stops in stay in the log and are judged again by the next
	// pass, so sums are kept per page and taken only once the scan has
	// left the page.
	var deadBytes, recBytes, pageDead, pageRecs uint64
	page := Addr(^uint64(0)) // no page yet: the first record starts one
	s.log.Scan(begin, limit, func(a Addr, r Record) bool {
		if p := s.log.PageStart(a); p != page {
			deadBytes, recBytes = deadBytes+pageDead, recBytes+pageRecs
			pageDead, pageRecs, page = 0, 0, p
			if s.pinned(max(a, p), min(p+Addr(s.log.pageSize), limit), horizon) {
				st.Blocked = "superseded version still visible to a snapshot"
				stop = a
				return false
			}
		}
		st.Scanned++
		if s.holds.Load() > 0 {
			st.Blocked = "checkpoint holds compaction"
			stop = a
			return false
		}
		switch verdict, why := s.judge(a, r, horizon, &st); verdict {
		case gcDead:
			st.Dead++
			// A collected record's bytes stay counted by its copy.
			if r.Flags()&flagCollected == 0 && (r.Invalid() || IsCommitted(r.EndTS())) {
				pageDead += r.Size()
			}
		case gcStop:
			st.Blocked = why
			stop = a
			return false
		}
		pageRecs += r.Size()
		return true
	})
	g.Exit()
	if stop == limit {
		deadBytes, recBytes = deadBytes+pageDead, recBytes+pageRecs
	}
	if cut := s.log.PageStart(stop); cut > begin {
		fillers := uint64(cut-begin) - recBytes
		s.garbage.Add(-int64(deadBytes + fillers))
		st.Truncated = uint64(cut - begin)
		s.log.Truncate(cut)
	}
	s.epochs.Reclaim()
	s.passes.Add(1)
	s.moved.Add(int64(st.Moved))
	s.dead.Add(int64(st.Dead))
	s.keysRemoved.Add(int64(st.KeysRemoved))
	s.truncated.Add(int64(st.Truncated))
	return st
}

type gcVerdict int

const (
	gcDead gcVerdict = iota
	gcKept           // moved or removed; the old bytes go with truncation
	gcStop
)

func (s *Store) judge(a Addr, r Record, horizon uint64, st *GCStats) (gcVerdict, string) {
	t := s.Table(r.TableID())
	if t == nil || r.Flags()&flagCollected != 0 {
		return gcDead, ""
	}
	if r.Invalid() {
		// An aborted version may have filed secondary entries.
		if !r.Tombstone() {
			st.IndexPruned += t.pruneIndexes(r, horizon)
		}
		return gcDead, ""
	}
	begin, end := r.BeginTS(), r.EndTS()
	switch {
	case IsMarker(begin):
		return gcStop, "uncommitted version"
	case IsCommitted(end) && end <= horizon:
		if !r.Tombstone() {
			st.IndexPruned += t.pruneIndexes(r, horizon)
		}
		return gcDead, ""
	case IsCommitted(end):
		return s.relink(t, a, r, st)
	case IsMarker(end):
		return gcStop, "version locked by a writer"
	}
	key := r.Key()
	slot, ok := t.Lookup(key)
	if !ok {
		return gcDead, ""
	}
	if t.Head(slot) != a {
		return gcStop, "newer version being installed"
	}
	if r.Tombstone() && begin <= horizon {
		if !t.RemoveKey(key, slot, a) {
			return gcStop, "newer version being installed"
		}
		r.SetFlag(flagCollected)
		st.KeysRemoved++
		return gcKept, ""
	}
	return s.copyForward(r, st, func(na Addr) bool { return t.CASHead(slot, a, na) }, "newer version being installed")
}

// copyForward appends a copy of r (same timestamps, prev, key and value)
// and publishes it with swap, which replaces the one link to r: the slot
// for a current version, the successor's prev for a superseded one. If
// the swap loses a race, the copy is marked invalid and the pass stops.
func (s *Store) copyForward(r Record, st *GCStats, swap func(Addr) bool, lost string) (gcVerdict, string) {
	spec := RecordSpec{Table: r.TableID(), BeginTS: r.BeginTS(), EndTS: r.EndTS(), Prev: r.Prev(),
		Flags: r.Flags() & FlagTombstone, Key: r.Key(), Value: r.Value()}
	na, err := s.log.Append(&spec)
	if err != nil {
		// Cannot happen: the record fitted once.
		return gcStop, err.Error()
	}
	if !swap(na) {
		s.log.Record(na).SetFlag(FlagInvalid)
		s.garbage.Add(int64(r.Size()))
		return gcStop, lost
	}
	r.SetFlag(flagCollected)
	st.Moved++
	return gcKept, ""
}

// pinned reports whether the records in [from, to) hold more bytes of
// superseded versions a snapshot may still read than of garbage. Copying
// such a page forward frees little and, behind a long-running snapshot,
// would copy the same pinned versions again on every pass; the pass stops
// there instead and waits for the horizon to move.
func (s *Store) pinned(from, to Addr, horizon uint64) bool {
	var pinned, dead uint64
	s.log.Scan(from, to, func(_ Addr, r Record) bool {
		end := r.EndTS()
		switch {
		case r.Flags()&(FlagInvalid|flagCollected) != 0 || s.Table(r.TableID()) == nil:
			dead += r.Size()
		case IsCommitted(end) && end <= horizon:
			dead += r.Size()
		case IsCommitted(end):
			pinned += r.Size()
		}
		return true
	})
	return pinned > dead
}

// relink moves a superseded version that a snapshot above the horizon may
// still read: it copies r to the tail and points the next newer version's
// prev at the copy.
//
// Why this is safe: r's endTS is a commit timestamp, so the writer that
// superseded it has committed and no transaction holds r's address (write
// sets hold only versions with markers). Only the collector changes a
// published prev, and one pass runs at a time, so the successor's prev
// cannot change under the swap. A reader that loaded the old address keeps
// reading an identical record: its guard keeps the page. The versions from
// the head down to r are newer than r, hence not dead, so the walk to find
// the successor stays on live pages.
func (s *Store) relink(t *Table, a Addr, r Record, st *GCStats) (gcVerdict, string) {
	key := r.Key()
	slot, ok := t.Lookup(key)
	if !ok {
		return gcStop, "superseded version of a missing key"
	}
	var succ Record
	for x := t.Head(slot); x != 0 && x != a; {
		xr := s.log.Record(x)
		if xr.Prev() == a {
			succ = xr
			break
		}
		x = xr.Prev()
	}
	if succ.words == nil {
		return gcStop, "superseded version not in its chain"
	}
	return s.copyForward(r, st, func(na Addr) bool { return succ.casPrev(a, na) }, "version chain changed during relink")
}

// pruneIndexes removes the secondary entries of dead version r that no
// remaining version of its row carries. The check and the removal happen
// under the table lock, and writers add entries only after swapping the
// slot to their new version, so an entry a writer needs is either seen in
// the chain here or added again after the removal.
func (t *Table) pruneIndexes(r Record, horizon uint64) int {
	ixs := t.Indexes()
	if len(ixs) == 0 {
		return 0
	}
	pk := r.Key()
	pruned := 0
	var buf, other []byte
	for _, ix := range ixs {
		ik, _, err := ix.Key(buf[:0], r.Value())
		if err != nil {
			continue
		}
		buf = ik
		t.mu.Lock()
		carried := false
		if slot, ok := t.mu.pk.Get(probe(pk)); ok {
			t.walkChain(t.Head(slot.slot), func(v Record) bool {
				if v.Flags()&(FlagInvalid|flagCollected) != 0 || v.Tombstone() {
					return true
				}
				if e := v.EndTS(); IsCommitted(e) && e <= horizon {
					return true
				}
				other, _, err = ix.Key(other[:0], v.Value())
				if err == nil && string(other) == string(ik) {
					carried = true
					return false
				}
				return true
			})
		}
		if !carried {
			if ix.removeLocked(ik, pk) {
				pruned++
			}
		}
		t.mu.Unlock()
	}
	return pruned
}

// walkChain calls fn for the versions of one key from head back, stopping
// at the chain's end or where it leaves the live log. The caller holds an
// epoch guard.
func (t *Table) walkChain(head Addr, fn func(Record) bool) {
	l := t.store.log
	for a := head; a != 0 && a >= l.Begin(); {
		r := l.Record(a)
		if !fn(r) {
			return
		}
		a = r.Prev()
	}
}

// GCTotals returns the collector's running totals.
func (s *Store) GCTotals() (passes, moved, dead, keysRemoved, truncated int64) {
	return s.passes.Load(), s.moved.Load(), s.dead.Load(), s.keysRemoved.Load(), s.truncated.Load()
}
