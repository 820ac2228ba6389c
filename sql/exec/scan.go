package exec

import (
	"bytes"
	"fmt"
	"io"
	"slices"

	"github.com/persiandb/persiandb/sql/catalog"
	"github.com/persiandb/persiandb/sql/plan"
	"github.com/persiandb/persiandb/storage"
)

// scanBatch is how many rows a scan reads per call into the transaction:
// the transaction's scan pushes rows through a callback (holding an epoch
// guard), the iterator hands them out one by one, and resumes after the
// last key it read.
const scanBatch = 256

// keySpan is an encoded span: keys in [from, to), a nil end open.
type keySpan struct{ from, to []byte }

// spanIter reads spans in turn, a batch at a time. read fills a batch from
// the first span and narrows that span to what is left unread; done says
// the span is exhausted.
type spanIter struct {
	spans []keySpan // left to read, in read order
	read  func(sp *keySpan, batch []Row) (out []Row, done bool, err error)
	batch []Row
	i     int
	c     *Context // checked for cancellation per batch
}

func (s *spanIter) Next() (Row, error) {
	for s.i >= len(s.batch) {
		if len(s.spans) == 0 {
			return nil, io.EOF
		}
		if err := s.c.interrupted(); err != nil {
			return nil, err
		}
		batch, done, err := s.read(&s.spans[0], s.batch[:0])
		s.batch, s.i = batch, 0
		if err != nil {
			return nil, err
		}
		if done {
			s.spans = s.spans[1:]
		}
	}
	s.i++
	return s.batch[s.i-1], nil
}

func (s *spanIter) Close() error { s.spans, s.batch = nil, nil; return nil }

// buildScan reads the primary key's spans. The bounds are evaluated here,
// once: they are constants, parameters or outer-row columns, all fixed for
// the life of the iterator.
func buildScan(c *Context, n *plan.Scan) (Iterator, error) {
	tbl := c.Catalog.Storage(n.Table)
	if tbl == nil {
		return nil, fmt.Errorf("%w: table %q", ErrGone, n.Table.Name)
	}
	types, reverse := n.Table.Types(), n.Reverse
	if pointSpans(n.Spans, len(n.Table.PrimaryKey.Columns)) {
		// Whole primary keys: point reads (the table's hash cache, and a
		// read rather than a range for SERIALIZABLE validation). Each key
		// is its own span: merging adjacent ones would lose keys.
		keys, err := pointKeys(c, n.Table, n.Spans, reverse)
		if err != nil {
			return nil, err
		}
		read := func(sp *keySpan, batch []Row) ([]Row, bool, error) {
			val, found, err := c.Txn.Get(tbl, sp.from, c.scratch[:0])
			c.scratch = val // decoding copies what it keeps
			if err != nil || !found {
				return batch, true, err
			}
			row, err := storage.DecodeRow(val, types, make(Row, 0, len(types)))
			if err != nil {
				return batch, true, err
			}
			return append(batch, row), true, nil
		}
		return &spanIter{spans: keys, read: read, c: c}, nil
	}
	spans, err := encodeSpans(c, n.Table, n.Table.PrimaryKey, n.Spans, n.Reverse)
	if err != nil {
		return nil, err
	}
	read := func(sp *keySpan, batch []Row) ([]Row, bool, error) {
		var decodeErr error
		var last []byte
		err := c.Txn.Scan(tbl, sp.from, sp.to, reverse, func(key, val []byte) bool {
			row, err := storage.DecodeRow(val, types, make(Row, 0, len(types)))
			if err != nil {
				decodeErr = err
				return false
			}
			batch = append(batch, row)
			last = append(last[:0], key...)
			return len(batch) < scanBatch
		})
		if err == nil {
			err = decodeErr
		}
		if err != nil || len(batch) < scanBatch {
			return batch, true, err
		}
		if reverse {
			sp.to = last
		} else {
			sp.from = append(last, 0) // the smallest key after last
		}
		return batch, false, nil
	}
	return &spanIter{spans: spans, read: read, c: c}, nil
}

// encodeSpans evaluates spans over the key columns of ix and encodes them
// as byte ranges, sorted, with overlapping ones merged so that no key is
// read twice, in read order (descending when reverse). Nil spans are the
// whole key space; an empty, non-nil list reads nothing.
func encodeSpans(c *Context, t *catalog.Table, ix catalog.Index, spans []plan.Span, reverse bool) ([]keySpan, error) {
	if spans == nil {
		return []keySpan{{}}, nil
	}
	out := make([]keySpan, 0, len(spans))
	for _, sp := range spans {
		ks, empty, err := encodeSpan(c, t, ix, sp)
		if err != nil {
			return nil, err
		}
		if !empty {
			out = append(out, ks)
		}
	}
	slices.SortFunc(out, func(a, b keySpan) int { return bytes.Compare(a.from, b.from) })
	merged := out[:0]
	for _, ks := range out {
		if n := len(merged); n > 0 && (merged[n-1].to == nil || bytes.Compare(ks.from, merged[n-1].to) <= 0) {
			if last := &merged[n-1]; last.to != nil && (ks.to == nil || bytes.Compare(ks.to, last.to) > 0) {
				last.to = ks.to
			}
			continue
		}
		merged = append(merged, ks)
	}
	if reverse {
		slices.Reverse(merged)
	}
	return merged, nil
}

// encodeSpan turns one span into a byte range; empty reports that no key
// can be inside it (a NULL bound, or bounds that cross).
func encodeSpan(c *Context, t *catalog.Table, ix catalog.Index, sp plan.Span) (ks keySpan, empty bool, err error) {
	if sp.Lo != nil && sp.Lo == sp.Hi && sp.Lo.Inclusive {
		// An equality: one encoding serves both ends.
		prefix, null, err := encodeBound(c, t, ix, sp.Lo)
		if err != nil || null {
			return ks, true, err
		}
		ks.from, ks.to = prefix, storage.PrefixEnd(prefix)
		if len(prefix) == 0 {
			ks.from = nil
		}
		return ks, false, nil
	}
	if sp.Lo != nil {
		prefix, null, err := encodeBound(c, t, ix, sp.Lo)
		if err != nil || null {
			return ks, true, err
		}
		switch {
		case sp.Lo.Inclusive && len(prefix) > 0:
			ks.from = prefix
		case !sp.Lo.Inclusive:
			// After every key that starts with prefix; nothing is after
			// the empty prefix, which every key starts with.
			if ks.from = storage.PrefixEnd(prefix); ks.from == nil {
				return ks, true, nil
			}
		}
	}
	if sp.Hi != nil {
		prefix, null, err := encodeBound(c, t, ix, sp.Hi)
		if err != nil || null {
			return ks, true, err
		}
		switch {
		case sp.Hi.Inclusive:
			ks.to = storage.PrefixEnd(prefix) // nil (open) for the empty prefix
		case len(prefix) == 0:
			return ks, true, nil // before every key
		default:
			ks.to = prefix
		}
	}
	if ks.from != nil && ks.to != nil && bytes.Compare(ks.from, ks.to) >= 0 {
		return ks, true, nil
	}
	return ks, false, nil
}

// encodeBound evaluates a bound and encodes it as a key prefix of ix;
// null reports a NULL value, which no key equals.
func encodeBound(c *Context, t *catalog.Table, ix catalog.Index, b *plan.KeyBound) (prefix []byte, null bool, err error) {
	if len(b.Vals) > len(ix.Columns) {
		return nil, false, fmt.Errorf("%w: %d values for the %d columns of %q", ErrBoundType, len(b.Vals), len(ix.Columns), ix.Name)
	}
	for i, e := range b.Vals {
		v, err := compile(c, e)(nil)
		if err != nil {
			return nil, false, err
		}
		if v.IsNull() {
			return nil, true, nil
		}
		col := t.Columns[ix.Columns[i]]
		if !sameKeyType(v.Type(), col.Type) {
			return nil, false, fmt.Errorf("%w: %s value for column %q of type %s", ErrBoundType, v.Type(), col.Name, col.Type)
		}
		var kc storage.KeyColumn
		if i < len(ix.Keys) {
			kc = ix.Keys[i]
		}
		prefix = storage.AppendKeyValue(prefix, v, kc)
	}
	return prefix, false, nil
}

// sameKeyType reports whether a value of type v encodes in the order of a
// key column of type col. The integer widths encode alike, and so do the
// float widths (a real widens exactly to double precision, as Postgres
// compares them); other types must match, since timestamp and timestamptz,
// for one, encode alike but do not compare so.
func sameKeyType(v, col storage.Type) bool {
	switch {
	case v == col:
		return true
	case isIntType(v) && isIntType(col):
		return true
	case isFloatType(v) && isFloatType(col):
		return true
	}
	return false
}

func isIntType(t storage.Type) bool {
	return t == storage.TypeInt16 || t == storage.TypeInt32 || t == storage.TypeInt64
}

func isFloatType(t storage.Type) bool {
	return t == storage.TypeFloat32 || t == storage.TypeFloat64
}

// pointSpans reports whether every span pins all n key columns to single
// values (the planner's equality spans share one bound for both ends).
func pointSpans(spans []plan.Span, n int) bool {
	if len(spans) == 0 {
		return false
	}
	for _, sp := range spans {
		if sp.Lo == nil || sp.Lo != sp.Hi || !sp.Lo.Inclusive || len(sp.Lo.Vals) != n {
			return false
		}
	}
	return true
}

// pointKeys encodes whole-key spans as single keys, sorted (descending
// when reverse) and without duplicates.
func pointKeys(c *Context, t *catalog.Table, spans []plan.Span, reverse bool) ([]keySpan, error) {
	out := make([]keySpan, 0, len(spans))
	for _, sp := range spans {
		key, null, err := encodeBound(c, t, t.PrimaryKey, sp.Lo)
		if err != nil {
			return nil, err
		}
		if !null {
			out = append(out, keySpan{from: key})
		}
	}
	slices.SortFunc(out, func(a, b keySpan) int { return bytes.Compare(a.from, b.from) })
	out = slices.CompactFunc(out, func(a, b keySpan) bool { return bytes.Equal(a.from, b.from) })
	if reverse {
		slices.Reverse(out)
	}
	return out, nil
}
