package exec

import (
	"fmt"
	"io"

	"github.com/persiandb/persiandb/sql/plan"
	"github.com/persiandb/persiandb/sql/sem"
	"github.com/persiandb/persiandb/storage"
)

func compileOuter(c *Context, e plan.Outer) evalFn {
	d, i := e.Depth, e.Idx
	return func(Row) (storage.Value, error) {
		if d < 1 || d > len(c.outer) {
			return vNull, fmt.Errorf("%w: %d levels out, %d enclosing rows", ErrNoOuterRow, d, len(c.outer))
		}
		return c.outer[len(c.outer)-d][i], nil
	}
}

// compileSubquery runs an uncorrelated subquery once, on first use, and
// keeps what it needs of the result (the value, or for ANY and ALL the
// column's values); a correlated one runs for every row, with the row
// pushed on the Context's outer stack while its plan is built and read.
// Left is evaluated before the push: it belongs to the enclosing query,
// and its Outer references count levels from there.
func compileSubquery(c *Context, e plan.Subquery) evalFn {
	var left evalFn
	if e.Left != nil {
		left = compile(c, e.Left)
	}
	all := e.Kind == plan.SubAll
	if (e.Kind == plan.SubAny || all) && left == nil {
		err := fmt.Errorf("%w: ANY or ALL subquery without a left operand", ErrNotSupported)
		return func(Row) (storage.Value, error) { return vNull, err }
	}
	if e.Correlated {
		return func(row Row) (storage.Value, error) {
			var l storage.Value
			if left != nil {
				var err error
				if l, err = left(row); err != nil {
					return vNull, err
				}
			}
			c.outer = append(c.outer, row)
			defer func() { c.outer = c.outer[:len(c.outer)-1] }()
			if e.Kind == plan.SubAny || e.Kind == plan.SubAll {
				var q quantified
				err := eachRow(c, e.Plan, func(r Row) bool { return q.add(all, e.Op, l, r[0]) })
				return q.result(all), err
			}
			return runSingle(c, e)
		}
	}
	var (
		done   bool
		single storage.Value
		vals   []storage.Value
		set    *valueSet // for = ANY and <> ALL, the common IN and NOT IN
	)
	hashed := e.Kind == plan.SubAny && e.Op == plan.EQ || all && e.Op == plan.NE
	run := func() error {
		if e.Kind == plan.SubScalar || e.Kind == plan.SubExists || e.Kind == plan.SubArray {
			v, err := runSingle(c, e)
			single = v
			return err
		}
		if hashed {
			set = newValueSet()
		}
		return eachRow(c, e.Plan, func(r Row) bool {
			if hashed {
				set.add(r[0])
			} else {
				vals = append(vals, r[0])
			}
			return true
		})
	}
	return func(row Row) (storage.Value, error) {
		if !done {
			if err := run(); err != nil {
				return vNull, err
			}
			done = true
		}
		if e.Kind == plan.SubScalar || e.Kind == plan.SubExists || e.Kind == plan.SubArray {
			return single, nil
		}
		l, err := left(row)
		if err != nil {
			return vNull, err
		}
		if hashed {
			v := set.anyEqual(l)
			if all {
				v = not(v)
			}
			return v, nil
		}
		var q quantified
		for _, v := range vals {
			if !q.add(all, e.Op, l, v) {
				break
			}
		}
		return q.result(all), nil
	}
}

// runSingle evaluates a scalar or EXISTS subquery.
func runSingle(c *Context, e plan.Subquery) (storage.Value, error) {
	if e.Kind == plan.SubExists {
		found := false
		err := eachRow(c, e.Plan, func(Row) bool { found = true; return false })
		return storage.Bool(found), err
	}
	if e.Kind == plan.SubArray {
		t := e.Plan.Columns()[0].Type
		var vals []storage.Value
		if err := eachRow(c, e.Plan, func(r Row) bool { vals = append(vals, r[0]); return true }); err != nil {
			return vNull, err
		}
		return sem.ArrayConstruct(t.Elem(), vals, t.IsArray())
	}
	v, n := vNull, 0
	err := eachRow(c, e.Plan, func(r Row) bool {
		n++
		v = r[0]
		return n < 2
	})
	if err == nil && n > 1 {
		err = errTooManyRows
	}
	return v, err
}

// eachRow builds n and calls fn with its rows until fn returns false.
func eachRow(c *Context, n plan.Node, fn func(Row) bool) error {
	it, err := Build(c, n)
	if err != nil {
		return err
	}
	defer it.Close()
	for {
		r, err := it.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if !fn(r) {
			return nil
		}
	}
}

// quantified folds the comparisons of l op ANY/ALL (...): ANY is true if
// some comparison is true, else NULL if some is NULL, else false; ALL is
// false if some is false, else NULL if some is NULL, else true.
type quantified struct {
	decided, sawNull bool
}

// add folds one comparison and reports whether the result is still open.
func (q *quantified) add(all bool, op plan.CmpOp, l, v storage.Value) bool {
	r := compareOp(op, l, v)
	switch {
	case r.IsNull():
		q.sawNull = true
	case r.AsBool() != all: // true for ANY, false for ALL
		q.decided = true
	}
	return !q.decided
}

func (q *quantified) result(all bool) storage.Value {
	switch {
	case q.decided:
		return storage.Bool(!all)
	case q.sawNull:
		return vNull
	}
	return storage.Bool(all)
}

func not(v storage.Value) storage.Value {
	if v.IsNull() {
		return v
	}
	return storage.Bool(!v.AsBool())
}

// valueSet is a set of values by key encoding, under which values equal
// by Compare (1 and 1.0, int2 and int8) have equal bytes.
type valueSet struct {
	keys    map[string]struct{}
	hasNull bool
	buf     []byte
}

func newValueSet() *valueSet { return &valueSet{keys: map[string]struct{}{}} }

func (s *valueSet) add(v storage.Value) {
	if v.IsNull() {
		s.hasNull = true
		return
	}
	s.keys[string(storage.AppendKeyValue(nil, v, storage.KeyColumn{}))] = struct{}{}
}

// anyEqual is x = ANY (set), in three-valued logic.
func (s *valueSet) anyEqual(x storage.Value) storage.Value {
	switch {
	case len(s.keys) == 0 && !s.hasNull:
		return vFalse
	case x.IsNull():
		return vNull
	}
	s.buf = storage.AppendKeyValue(s.buf[:0], x, storage.KeyColumn{})
	if _, ok := s.keys[string(s.buf)]; ok {
		return vTrue
	}
	if s.hasNull {
		return vNull
	}
	return vFalse
}

// compileInList hashes a list of constants once; other lists are
// compared element by element, as x = ANY (list).
func compileInList(c *Context, e plan.InList) evalFn {
	x := compile(c, e.X)
	consts := true
	for _, el := range e.List {
		if _, ok := el.(plan.Const); !ok {
			consts = false
		}
	}
	if consts {
		set := newValueSet()
		for _, el := range e.List {
			set.add(el.(plan.Const).Value)
		}
		return func(row Row) (storage.Value, error) {
			v, err := x(row)
			if err != nil {
				return vNull, err
			}
			return set.anyEqual(v), nil
		}
	}
	list := compileAll(c, e.List)
	return func(row Row) (storage.Value, error) {
		v, err := x(row)
		if err != nil {
			return vNull, err
		}
		var q quantified
		for _, el := range list {
			w, err := el(row)
			if err != nil {
				return vNull, err
			}
			if !q.add(false, plan.EQ, v, w) {
				break
			}
		}
		return q.result(false), nil
	}
}
