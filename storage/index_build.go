package storage

// Building a secondary index over a table that already has rows.
//
// AddIndex makes a new index visible to writers at once: every version
// appended after it is filed by its writer (txn files a version's entries
// after linking it, and reads the index list after the link). BuildIndex
// then files the versions that were already linked, so that together:
//
//  1. Every version that a snapshot may still read (not invalid, not
//     collected, not a tombstone, and not superseded at or below the
//     horizon) has its entry once BuildIndex returns. Versions of running
//     writers are included: they may yet commit.
//  2. Filing a version twice (by its writer and by BuildIndex) is harmless:
//     entries are a set.
//  3. BuildIndex judges a chain and files its entries under the table lock,
//     with a horizon read under that lock; the collector prunes an entry
//     under the same lock only after judging its version dead at a horizon
//     read before. So a version BuildIndex skips as dead is one the
//     collector prunes (or already pruned), and an entry it files for a
//     live version is pruned later by the ordinary rule (Table invariant 3).
//     (A horizon held back by RegisterReader below an earlier horizon could
//     at worst leave an entry no version carries: readers re-check entries,
//     so such an entry is garbage, never a wrong answer.)
//
// Uniqueness is not checked here: BuildIndex files entries as a
// non-unique index would. Duplicates lists the index keys filed under
// more than one primary key; which of those rows really share the key is
// for the caller to judge with its transaction (the versions may be old,
// or a running writer's), after which new writers are checked by the
// index itself (Index.AddUnique).

// buildChunk is how many rows BuildIndex judges per hold of the table lock.
const buildChunk = 64

// BuildIndex files the entries of ix for the existing versions of every
// row of t (see the rules above) and returns how many versions it filed.
// horizon returns the garbage-collection horizon (txn.Manager.Horizon).
// g is the caller's epoch guard; BuildIndex enters and exits it.
func (t *Table) BuildIndex(g *Guard, ix *Index, horizon func() uint64) int {
	if ix.table != t {
		panic("storage: BuildIndex of another table's index")
	}
	g.Enter()
	defer g.Exit()
	filed := 0
	keys := make([]string, 0, buildChunk)
	var ik []byte
	var last []byte
	for {
		keys = keys[:0]
		t.scan(last, nil, false, func(key []byte, _ SlotID) bool {
			if last != nil && string(key) == string(last) {
				return true
			}
			keys = append(keys, string(key))
			return len(keys) < buildChunk
		})
		if len(keys) == 0 {
			return filed
		}
		t.mu.Lock()
		h := horizon()
		for _, k := range keys {
			e, ok := t.mu.pk.Get(probe([]byte(k)))
			if !ok {
				continue
			}
			t.walkChain(t.Head(e.slot), func(r Record) bool {
				if r.Flags()&(FlagInvalid|flagCollected) != 0 || r.Tombstone() {
					return true
				}
				if end := r.EndTS(); IsCommitted(end) && end <= h {
					return false // older versions are dead too
				}
				var err error
				if ik, _, err = ix.Key(ik[:0], r.Value()); err != nil {
					return true // undecodable under this schema: no key to file
				}
				ix.tree.ReplaceOrInsert(ixEntry{key: string(ik) + k, n: len(ik)})
				filed++
				return true
			})
		}
		t.mu.Unlock()
		g.Refresh()
		if len(keys) < buildChunk {
			return filed
		}
		last = []byte(keys[len(keys)-1])
	}
}

// Duplicates calls fn for every index key of ix filed under more than one
// primary key, with those primary keys in order. ik and pks are copies the
// callee may keep. fn returns false to stop.
func (ix *Index) Duplicates(fn func(ik []byte, pks [][]byte) bool) {
	var cur []byte
	var pks [][]byte
	stop := false
	flush := func() bool {
		if len(pks) > 1 && !fn(cur, pks) {
			return false
		}
		return true
	}
	ix.scan(nil, nil, false, func(ik, pk []byte) bool {
		if cur != nil && string(ik) == string(cur) {
			pks = append(pks, append([]byte(nil), pk...))
			return true
		}
		if !flush() {
			stop = true
			return false
		}
		cur = append([]byte(nil), ik...)
		pks = [][]byte{append([]byte(nil), pk...)}
		return true
	})
	if !stop {
		flush()
	}
}

// DemoteIndex replaces the spec of index id with a non-unique copy, keeping
// its entries: writers stop checking the key while readers that still
// plan with the index (snapshots from before a DROP INDEX committed) keep
// finding every row. It reports whether the index exists. A writer that
// loaded the index list before the call may still check the key once.
func (t *Table) DemoteIndex(id uint32) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	for i, ix := range t.mu.indexes {
		if ix.spec.ID != id {
			continue
		}
		if !ix.spec.Unique {
			return true
		}
		spec := ix.spec
		spec.Unique = false
		// The tree is shared: both Index values file into it under t.mu.
		repl := &Index{spec: spec, table: t, tree: ix.tree}
		kept := append([]*Index(nil), t.mu.indexes...)
		kept[i] = repl
		t.mu.indexes = kept
		return true
	}
	return false
}
