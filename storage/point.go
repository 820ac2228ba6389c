package storage

import (
	"bytes"
	"hash/maphash"
	"sync/atomic"
)

// pointIndex speeds up point lookups: a hash of the key -> slot table in
// front of the primary btree. A btree search over a million keys costs
// about twenty dependent cache misses; this costs one or two.
//
// It is a cache, never the source of truth, which is what lets readers use
// it without a lock:
//
//  1. An entry is trusted only after the slot's newest version is found to
//     carry the same key (every version of a key carries the key); a miss
//     falls back to the btree. So a stale entry (a removed key, a reused
//     slot), a tag collision or a reader still on a table replaced by a
//     resize costs a fallback, never a wrong answer.
//  2. Entries are added and removed by writers holding the table lock,
//     together with the btree, with atomic stores; readers load atomically.
//  3. A reader holds an epoch guard, so a slot it finds cannot be reused
//     for another key while it looks.
//
// The table is open addressing with linear probing; an entry packs a
// 32-bit hash tag (low bit set, so an entry is never 0 = empty or
// 1 = deleted) with the 32-bit slot id.
type pointIndex struct {
	seed maphash.Seed
	tab  atomic.Pointer[pointTable]
	// used and deleted count the table's entries; protected by the table
	// lock.
	used, deleted int
}

type pointTable struct {
	e    []atomic.Uint64
	mask uint64
}

const (
	pointEmpty   = 0
	pointDeleted = 1
)

func (p *pointIndex) init() {
	p.seed = maphash.MakeSeed()
	p.tab.Store(&pointTable{e: make([]atomic.Uint64, 16), mask: 15})
}

func pointEntry(h uint64, s SlotID) uint64 { return (h>>32|1)<<32 | uint64(s) }

func (p *pointIndex) lookup(t *Table, key []byte) (SlotID, bool) {
	h := maphash.Bytes(p.seed, key)
	tag := h>>32 | 1
	tab := p.tab.Load()
	for i, n := h&tab.mask, uint64(0); n <= tab.mask; i, n = (i+1)&tab.mask, n+1 {
		e := tab.e[i].Load()
		if e == pointEmpty {
			return 0, false
		}
		if e>>32 != tag {
			continue
		}
		s := SlotID(uint32(e))
		if head := t.Head(s); head != 0 && bytes.Equal(t.store.log.Record(head).Key(), key) {
			return s, true
		}
	}
	return 0, false
}

// addLocked caches key -> s; the caller holds the table's write lock and
// has just put key in the btree.
func (p *pointIndex) addLocked(t *Table, key []byte, s SlotID) {
	tab := p.tab.Load()
	if (p.used+p.deleted+1)*4 > len(tab.e)*3 {
		p.rebuildLocked(t)
		return // the rebuild read the btree, which already holds key
	}
	p.insert(tab, maphash.Bytes(p.seed, key), s)
	p.used++
}

func (p *pointIndex) insert(tab *pointTable, h uint64, s SlotID) {
	for i := h & tab.mask; ; i = (i + 1) & tab.mask {
		if e := tab.e[i].Load(); e == pointEmpty || e == pointDeleted {
			tab.e[i].Store(pointEntry(h, s))
			return
		}
	}
}

// rebuildLocked publishes a new table, sized for the btree's keys at most
// half full, holding every key of the btree. (Tables are rebuilt at three
// quarters full: linear probing then still finds a key in about 2.5
// probes, and a miss goes to the btree anyway.) Readers still on the old
// table see stale entries at worst (invariant 1).
func (p *pointIndex) rebuildLocked(t *Table) *pointTable {
	n := uint64(16)
	for n < uint64(t.mu.pk.Len())*2 {
		n *= 2
	}
	tab := &pointTable{e: make([]atomic.Uint64, n), mask: n - 1}
	t.mu.pk.Ascend(func(e pkEntry) bool {
		p.insert(tab, maphash.String(p.seed, e.key), e.slot)
		return true
	})
	p.used, p.deleted = t.mu.pk.Len(), 0
	p.tab.Store(tab)
	return tab
}

// removeLocked drops key's entry if it names slot s; the caller holds the
// table's write lock.
func (p *pointIndex) removeLocked(key []byte, s SlotID) {
	h := maphash.Bytes(p.seed, key)
	want := pointEntry(h, s)
	tab := p.tab.Load()
	for i, n := h&tab.mask, uint64(0); n <= tab.mask; i, n = (i+1)&tab.mask, n+1 {
		switch tab.e[i].Load() {
		case pointEmpty:
			return
		case want:
			tab.e[i].Store(pointDeleted)
			p.used--
			p.deleted++
			return
		}
	}
}
