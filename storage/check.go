package storage

import (
	"bytes"
	"fmt"
)

// CheckConsistency verifies the store's structural invariants and returns
// the first violation, wrapped in ErrCorrupt. It is meant for tests (every
// test's cleanup runs it) and for debugging; it takes table locks and is
// slow on large stores.
//
// It checks, for every key of every table: the slot holds an address in
// [Begin, Tail); every version in the chain (down to where it leaves the
// live log) lies below Tail, belongs to the table, carries the key, has a
// valid checksum, and committed before the version after it; no two keys
// share a slot. (Secondary
// entries are not checked: an entry may outlive its row until the
// collector meets the row's last version.)
func (s *Store) CheckConsistency(g *Guard) error {
	g.Enter()
	defer g.Exit()
	lg := s.log
	for _, t := range s.Tables() {
		t.mu.RLock()
		seen := map[SlotID]string{}
		var err error
		t.mu.pk.Ascend(func(e pkEntry) bool {
			if other, dup := seen[e.slot]; dup {
				err = fmt.Errorf("table %d: keys %x and %x share slot %d", t.id, other, e.key, e.slot)
				return false
			}
			seen[e.slot] = e.key
			head := t.Head(e.slot)
			if head == 0 {
				return true // removed while we looked; the tree entry goes next
			}
			newer := uint64(0) // commit timestamp of the newer committed version
			for a, n := head, 0; a != 0 && a >= lg.Begin(); n++ {
				if a >= lg.Tail() || n > 1<<24 {
					err = fmt.Errorf("table %d key %x: version address %d past the tail %d or chain cycles", t.id, e.key, a, lg.Tail())
					return false
				}
				r := lg.Record(a)
				if b := r.BeginTS(); IsCommitted(b) && !r.Invalid() {
					// Versions one transaction wrote share its timestamp.
					if newer != 0 && b > newer {
						err = fmt.Errorf("table %d key %x: version at %d committed at %d, after its successor (%d)", t.id, e.key, a, b, newer)
						return false
					}
					newer = b
				}
				switch {
				case r.TableID() != t.id:
					err = fmt.Errorf("table %d key %x: version at %d belongs to table %d", t.id, e.key, a, r.TableID())
				case !bytes.Equal(r.Key(), []byte(e.key)):
					err = fmt.Errorf("table %d key %x: version at %d carries key %x", t.id, e.key, a, r.Key())
				case !r.Verify():
					err = fmt.Errorf("table %d key %x: version at %d fails its checksum", t.id, e.key, a)
				}
				if err != nil {
					return false
				}
				a = r.Prev()
			}
			return true
		})
		t.mu.RUnlock()
		if err != nil {
			return fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
	}
	return nil
}
