package exec

import (
	"bytes"
	"fmt"

	"github.com/persiandb/persiandb/sql/plan"
	"github.com/persiandb/persiandb/storage"
)

// buildIndexScan reads rows through a secondary index, through the
// transaction's IndexScan so that each row is the visible version and a
// SERIALIZABLE transaction records the ranges it read.
//
// Batches end only between index keys. Entries with one index key are
// ordered by primary key, but the transaction's scan takes bounds over the
// index key alone, so a batch cut inside a run of equal keys could not be
// resumed without re-reading the run. Resuming after a whole key, at its
// PrefixEnd, is exact: index keys of one index have the same columns and
// each component is prefix-free, so no other index key starts with it.
// The price is that a batch holds a whole run of duplicates, however long.
func buildIndexScan(c *Context, n *plan.IndexScan) (Iterator, error) {
	spans, err := encodeSpans(c, n.Table, n.Index, n.Spans, n.Reverse)
	if err != nil {
		return nil, err
	}
	tbl := c.Catalog.Storage(n.Table)
	if tbl == nil {
		return nil, fmt.Errorf("%w: table %q", ErrGone, n.Table.Name)
	}
	var ix *storage.Index
	for _, x := range tbl.Indexes() {
		if x.Spec().ID == n.Index.ID {
			ix = x
		}
	}
	if ix == nil {
		return nil, fmt.Errorf("%w: index %q of table %q", ErrGone, n.Index.Name, n.Table.Name)
	}
	types, reverse := n.Table.Types(), n.Reverse
	var ik []byte
	read := func(sp *keySpan, batch []Row) ([]Row, bool, error) {
		var last []byte
		var cbErr error
		cut := false
		err := c.Txn.IndexScan(tbl, ix, sp.from, sp.to, reverse, func(_, val []byte) bool {
			if ik, _, cbErr = ix.Key(ik[:0], val); cbErr != nil {
				return false
			}
			if len(batch) >= scanBatch && !bytes.Equal(ik, last) {
				cut = true
				return false
			}
			row, err := storage.DecodeRow(val, types, make(Row, 0, len(types)))
			if err != nil {
				cbErr = err
				return false
			}
			batch = append(batch, row)
			last = append(last[:0], ik...)
			return true
		})
		if err == nil {
			err = cbErr
		}
		if err != nil || !cut {
			return batch, true, err
		}
		if reverse {
			sp.to = last
		} else {
			// Not last+0x00: a from bound is compared with whole entries
			// (index key, then primary key), which that would not pass.
			sp.from = storage.PrefixEnd(last)
		}
		return batch, false, nil
	}
	return &spanIter{spans: spans, read: read, c: c}, nil
}
