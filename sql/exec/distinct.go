package exec

import (
	"bytes"

	"github.com/persiandb/persiandb/sql/plan"
	"github.com/persiandb/persiandb/storage"
)

// buildDistinct removes duplicates through the key encoding, under which
// values Postgres calls not distinct (NULL and NULL, 1 and 1.0) are equal
// bytes. DISTINCT ON needs no set: its input is sorted by On, so it keeps
// a row whenever On's values differ from the previous row's.
func buildDistinct(c *Context, n *plan.Distinct) (Iterator, error) {
	in, err := Build(c, n.Input)
	if err != nil {
		return nil, err
	}
	if len(n.On) > 0 {
		return &distinctOnIter{in: in, on: compileAll(c, n.On)}, nil
	}
	return &distinctIter{in: in, seen: map[string]bool{}}, nil
}

type distinctIter struct {
	in   Iterator
	seen map[string]bool
	buf  []byte
}

func (d *distinctIter) Next() (Row, error) {
	for {
		r, err := d.in.Next()
		if err != nil {
			return nil, err
		}
		d.buf = appendRowKey(d.buf[:0], r)
		if !d.seen[string(d.buf)] {
			d.seen[string(d.buf)] = true
			return r, nil
		}
	}
}

func (d *distinctIter) Close() error { d.seen = nil; return d.in.Close() }

// appendRowKey encodes a whole row for duplicate detection.
func appendRowKey(dst []byte, r Row) []byte {
	for _, v := range r {
		dst = storage.AppendKeyValue(dst, v, storage.KeyColumn{})
	}
	return dst
}

type distinctOnIter struct {
	in        Iterator
	on        []evalFn
	prev, cur []byte // encoded On values of the last kept row and this one
	started   bool
}

func (d *distinctOnIter) Next() (Row, error) {
	for {
		r, err := d.in.Next()
		if err != nil {
			return nil, err
		}
		if d.cur, _, err = hashKey(d.cur[:0], d.on, r); err != nil {
			return nil, err
		}
		if !d.started || !bytes.Equal(d.cur, d.prev) {
			d.started = true
			d.prev, d.cur = d.cur, d.prev
			return r, nil
		}
	}
}

func (d *distinctOnIter) Close() error { return d.in.Close() }
