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
// [Begin, Tail); every version in the chain lies in the live log, belongs
// to the table, carries the key, has a valid checksum, and has a smaller
// address than the version after it; no two keys share a slot. (Secondary
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
			next := Addr(^uint64(0))
			for a := head; a != 0 && a >= lg.Begin(); {
				if a >= lg.Tail() || a >= next {
					err = fmt.Errorf("table %d key %x: version address %d out of order (tail %d, newer %d)", t.id, e.key, a, lg.Tail(), next)
					return false
				}
				r := lg.Record(a)
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
				next, a = a, r.Prev()
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
