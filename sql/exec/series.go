package exec

import (
	"io"

	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/sql/plan"
	"github.com/persiandb/persiandb/sql/sem"
	"github.com/persiandb/persiandb/storage"
)

// seriesIter counts with sem's arithmetic, so integers, numerics and
// timestamps (with an interval step) share one loop and its overflow
// checks.
type seriesIter struct {
	c          *Context
	steps      int
	ctx        *sem.Context
	cur, stop  storage.Value
	step       storage.Value
	descending bool
	done       bool
	row        Row
}

func buildSeries(c *Context, n *plan.Series) (Iterator, error) {
	var vals [3]storage.Value
	for i, e := range []plan.Expr{n.Start, n.Stop, n.Step} {
		if e == nil {
			continue
		}
		v, err := compile(c, e)(nil)
		if err != nil {
			return nil, err
		}
		vals[i] = v
	}
	it := &seriesIter{c: c, ctx: c.semCtx(), cur: vals[0], stop: vals[1], step: vals[2], row: make(Row, 1)}
	if it.cur.IsNull() || it.stop.IsNull() || n.Step != nil && it.step.IsNull() {
		it.done = true
		return it, nil
	}
	if n.Step == nil {
		it.step = oneOf(it.cur.Type())
	}
	zero, err := sem.Binary(it.ctx, sem.OpSub, it.step, it.step)
	if err != nil {
		return nil, err
	}
	d, err := sem.CompareValues(it.ctx, it.step, zero)
	if err != nil {
		return nil, err
	}
	if d == 0 {
		return nil, pgerr.New(pgerr.InvalidParameterValue, "step size cannot equal zero")
	}
	it.descending = d < 0
	return it, nil
}

func oneOf(t storage.Type) storage.Value {
	switch t {
	case storage.TypeInt64:
		return storage.Int64(1)
	case storage.TypeNumeric:
		v, _ := storage.NumericFromString("1")
		return v
	}
	return storage.Int32(1)
}

func (s *seriesIter) Next() (Row, error) {
	if s.done {
		return nil, io.EOF
	}
	if err := s.c.tick(&s.steps); err != nil {
		return nil, err
	}
	d, err := sem.CompareValues(s.ctx, s.cur, s.stop)
	if err != nil {
		return nil, err
	}
	if d > 0 && !s.descending || d < 0 && s.descending {
		s.done = true
		return nil, io.EOF
	}
	s.row[0] = s.cur
	next, err := sem.Binary(s.ctx, sem.OpAdd, s.cur, s.step)
	if err != nil {
		// Past the type's range: this value is the last one.
		s.done = true
		return s.row, nil
	}
	s.cur = next
	return s.row, nil
}

func (s *seriesIter) Close() error { s.done = true; return nil }

// unnestIter zips arrays' elements: row k holds each array's k-th
// element, NULL past its end.
type unnestIter struct {
	elems [][]storage.Value // per array
	k, n  int               // next row, rows in all
	row   Row
}

func buildUnnest(c *Context, n *plan.Unnest) (Iterator, error) {
	it := &unnestIter{row: make(Row, len(n.Arrays)), elems: make([][]storage.Value, len(n.Arrays))}
	for i, e := range n.Arrays {
		v, err := compile(c, e)(nil)
		if err != nil {
			return nil, err
		}
		if !v.IsNull() {
			it.elems[i] = sem.ArrayElems(v)
			it.n = max(it.n, len(it.elems[i]))
		}
	}
	return it, nil
}

func (u *unnestIter) Next() (Row, error) {
	if u.k >= u.n {
		return nil, io.EOF
	}
	for i, es := range u.elems {
		if u.k < len(es) {
			u.row[i] = es[u.k]
		} else {
			u.row[i] = storage.Null()
		}
	}
	u.k++
	return u.row, nil
}

func (u *unnestIter) Close() error { u.elems, u.n = nil, 0; return nil }

// ordinalityIter appends a row number to its input's rows.
type ordinalityIter struct {
	in     Iterator
	n      int64
	row    Row
	closed bool
}

func (o *ordinalityIter) Next() (Row, error) {
	r, err := o.in.Next()
	if err != nil {
		return nil, err
	}
	o.n++
	o.row = append(append(o.row[:0], r...), storage.Int64(o.n))
	return o.row, nil
}

func (o *ordinalityIter) Close() error {
	if o.closed {
		return nil
	}
	o.closed = true
	return o.in.Close()
}

// projectSetIter expands the array columns srf of its input's rows.
type projectSetIter struct {
	in     Iterator
	srf    []int
	cur    Row               // the input row being expanded
	elems  [][]storage.Value // per srf column
	k, n   int               // next element index, rows for cur
	row    Row
	closed bool
}

func (p *projectSetIter) Next() (Row, error) {
	for p.k >= p.n {
		r, err := p.in.Next()
		if err != nil {
			return nil, err
		}
		p.cur, p.k, p.n = r, 0, 0
		p.elems = p.elems[:0]
		for _, i := range p.srf {
			var es []storage.Value
			if !r[i].IsNull() {
				es = sem.ArrayElems(r[i])
			}
			p.elems = append(p.elems, es)
			p.n = max(p.n, len(es))
		}
	}
	p.row = append(p.row[:0], p.cur...)
	for j, i := range p.srf {
		if p.k < len(p.elems[j]) {
			p.row[i] = p.elems[j][p.k]
		} else {
			p.row[i] = storage.Null()
		}
	}
	p.k++
	return p.row, nil
}

func (p *projectSetIter) Close() error {
	if p.closed {
		return nil
	}
	p.closed = true
	return p.in.Close()
}

// lateralIter runs its right side once per left row, with that row on the
// Context's outer stack while the right side is built and read (not while
// the caller holds a joined row: expressions above read their own outer
// rows).
type lateralIter struct {
	c      *Context
	left   Iterator
	right  plan.Node
	cur    Row
	it     Iterator // right side for cur; nil before the first row
	row    Row
	closed bool
}

func (l *lateralIter) Next() (Row, error) {
	for {
		if l.it != nil {
			l.c.outer = append(l.c.outer, l.cur)
			r, err := l.it.Next()
			l.c.outer = l.c.outer[:len(l.c.outer)-1]
			if err == nil {
				l.row = append(append(l.row[:0], l.cur...), r...)
				return l.row, nil
			}
			l.it.Close()
			l.it = nil
			if err != io.EOF {
				return nil, err
			}
		}
		r, err := l.left.Next()
		if err != nil {
			return nil, err
		}
		l.cur = append(l.cur[:0], r...)
		l.c.outer = append(l.c.outer, l.cur)
		l.it, err = Build(l.c, l.right)
		l.c.outer = l.c.outer[:len(l.c.outer)-1]
		if err != nil {
			return nil, err
		}
	}
}

func (l *lateralIter) Close() error {
	if l.closed {
		return nil
	}
	l.closed = true
	if l.it != nil {
		l.it.Close()
	}
	return l.left.Close()
}
