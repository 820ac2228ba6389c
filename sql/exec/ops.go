package exec

import (
	"io"
	"sort"

	"github.com/persiandb/persiandb/sql/plan"
	"github.com/persiandb/persiandb/storage"
)

// sliceIter hands out rows already materialized (VALUES, sorted rows,
// groups).
type sliceIter struct {
	rows []Row
	i    int
}

func (s *sliceIter) Next() (Row, error) {
	if s.i >= len(s.rows) {
		return nil, io.EOF
	}
	s.i++
	return s.rows[s.i-1], nil
}

func (s *sliceIter) Close() error { s.rows = nil; return nil }

func buildValues(c *Context, n *plan.Values) (Iterator, error) {
	rows := make([]Row, len(n.Rows))
	for i, exprs := range n.Rows {
		rows[i] = make(Row, len(exprs))
		for j, e := range exprs {
			v, err := compile(c, e)(nil)
			if err != nil {
				return nil, err
			}
			rows[i][j] = v
		}
	}
	return &sliceIter{rows: rows}, nil
}

// buildSort reads its whole input, then orders it: NULLs last ascending
// and first descending unless NullsFirst says otherwise, as in Postgres.
func buildSort(c *Context, n *plan.Sort) (Iterator, error) {
	in, err := Build(c, n.Input)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	keys := compileAll(c, sortExprs(n.Keys))
	type keyed struct {
		row  Row
		keys []storage.Value
	}
	var all []keyed
	for {
		r, err := in.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		k := keyed{row: append(Row(nil), r...), keys: make([]storage.Value, len(keys))}
		for i, f := range keys {
			if k.keys[i], err = f(r); err != nil {
				return nil, err
			}
		}
		all = append(all, k)
	}
	sort.SliceStable(all, func(a, b int) bool {
		for i, sk := range n.Keys {
			if d := compareSortKey(all[a].keys[i], all[b].keys[i], sk); d != 0 {
				return d < 0
			}
		}
		return false
	})
	out := &sliceIter{rows: make([]Row, len(all))}
	for i := range all {
		out.rows[i] = all[i].row
	}
	return out, nil
}

func sortExprs(keys []plan.SortKey) []plan.Expr {
	es := make([]plan.Expr, len(keys))
	for i, k := range keys {
		es[i] = k.Expr
	}
	return es
}

// compareSortKey orders two key values under one ORDER BY item.
func compareSortKey(a, b storage.Value, k plan.SortKey) int {
	nullsFirst := k.NullsFirst
	switch {
	case a.IsNull() && b.IsNull():
		return 0
	case a.IsNull():
		if nullsFirst {
			return -1
		}
		return 1
	case b.IsNull():
		if nullsFirst {
			return 1
		}
		return -1
	}
	d := storage.Compare(a, b)
	if k.Desc {
		d = -d
	}
	return d
}

type limitIter struct {
	in         Iterator
	left, skip int64
	limited    bool
}

func buildLimit(c *Context, n *plan.Limit) (Iterator, error) {
	in, err := Build(c, n.Input)
	if err != nil {
		return nil, err
	}
	l := &limitIter{in: in}
	if n.Count != nil {
		v, err := compile(c, n.Count)(nil)
		if err != nil {
			return nil, err
		}
		if !v.IsNull() { // LIMIT NULL means no limit
			if l.limited, l.left = true, v.AsInt64(); l.left < 0 {
				return nil, ErrNegativeLimit
			}
		}
	}
	if n.Offset != nil {
		v, err := compile(c, n.Offset)(nil)
		if err != nil {
			return nil, err
		}
		if !v.IsNull() {
			if l.skip = v.AsInt64(); l.skip < 0 {
				return nil, ErrNegativeOffset
			}
		}
	}
	return l, nil
}

func (l *limitIter) Next() (Row, error) {
	for ; l.skip > 0; l.skip-- {
		if _, err := l.in.Next(); err != nil {
			return nil, err
		}
	}
	if l.limited {
		if l.left <= 0 {
			return nil, io.EOF
		}
		l.left--
	}
	return l.in.Next()
}

func (l *limitIter) Close() error { return l.in.Close() }
