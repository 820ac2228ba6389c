package exec

import (
	"fmt"

	"github.com/persiandb/persiandb/sql/plan"
	"github.com/persiandb/persiandb/storage"
)

// evalFn evaluates a compiled expression over an input row.
type evalFn func(Row) (storage.Value, error)

var (
	vTrue  = storage.Bool(true)
	vFalse = storage.Bool(false)
	vNull  = storage.Null()
)

func isTrue(v storage.Value) bool { return !v.IsNull() && v.AsBool() }

// compile turns an expression into a closure once, at build time.
func compile(c *Context, e plan.Expr) evalFn {
	switch e := e.(type) {
	case plan.Col:
		i := e.Idx
		return func(r Row) (storage.Value, error) { return r[i], nil }
	case plan.Const:
		v := e.Value
		return func(Row) (storage.Value, error) { return v, nil }
	case plan.Param:
		n := e.N
		return func(Row) (storage.Value, error) {
			if n < 1 || n > len(c.Params) {
				return vNull, fmt.Errorf("%w $%d", ErrUndefinedParameter, n)
			}
			return c.Params[n-1], nil
		}
	case plan.Cmp:
		return compileCmp(c, e)
	case plan.And:
		l, r := compile(c, e.L), compile(c, e.R)
		return func(row Row) (storage.Value, error) {
			a, err := l(row)
			if err != nil || (!a.IsNull() && !a.AsBool()) {
				return vFalse, err // false AND x = false, whatever x is
			}
			b, err := r(row)
			if err != nil {
				return vNull, err
			}
			switch {
			case !b.IsNull() && !b.AsBool():
				return vFalse, nil
			case a.IsNull() || b.IsNull():
				return vNull, nil
			}
			return vTrue, nil
		}
	case plan.Or:
		l, r := compile(c, e.L), compile(c, e.R)
		return func(row Row) (storage.Value, error) {
			a, err := l(row)
			if err != nil || isTrue(a) {
				return vTrue, err // true OR x = true, whatever x is
			}
			b, err := r(row)
			if err != nil {
				return vNull, err
			}
			switch {
			case isTrue(b):
				return vTrue, nil
			case a.IsNull() || b.IsNull():
				return vNull, nil
			}
			return vFalse, nil
		}
	case plan.Not:
		x := compile(c, e.X)
		return func(row Row) (storage.Value, error) {
			v, err := x(row)
			if err != nil || v.IsNull() {
				return vNull, err
			}
			return storage.Bool(!v.AsBool()), nil
		}
	case plan.IsNull:
		x, neg := compile(c, e.X), e.Negate
		return func(row Row) (storage.Value, error) {
			v, err := x(row)
			return storage.Bool(v.IsNull() != neg), err
		}
	case plan.Func:
		return compileFunc(c, e)
	case plan.Case:
		return compileCase(c, e)
	case plan.Outer:
		return compileOuter(c, e)
	case plan.Subquery:
		return compileSubquery(c, e)
	case plan.InList:
		return compileInList(c, e)
	case plan.Coalesce:
		args := compileAll(c, e.Args)
		return func(row Row) (storage.Value, error) {
			for _, a := range args {
				v, err := a(row)
				if err != nil || !v.IsNull() {
					return v, err
				}
			}
			return vNull, nil
		}
	}
	err := errNotBuilt(e)
	return func(Row) (storage.Value, error) { return vNull, err }
}

func compileAll(c *Context, es []plan.Expr) []evalFn {
	fns := make([]evalFn, len(es))
	for i, e := range es {
		fns[i] = compile(c, e)
	}
	return fns
}

func compileCmp(c *Context, e plan.Cmp) evalFn {
	l, r, op := compile(c, e.L), compile(c, e.R), e.Op
	return func(row Row) (storage.Value, error) {
		a, err := l(row)
		if err != nil {
			return vNull, err
		}
		b, err := r(row)
		if err != nil {
			return vNull, err
		}
		return compareOp(op, a, b), nil
	}
}

// compareOp is a op b in three-valued logic.
func compareOp(op plan.CmpOp, a, b storage.Value) storage.Value {
	if a.IsNull() || b.IsNull() {
		if op == plan.NotDistinct {
			return storage.Bool(a.IsNull() && b.IsNull())
		}
		return vNull
	}
	d := storage.Compare(a, b)
	var res bool
	switch op {
	case plan.EQ, plan.NotDistinct:
		res = d == 0
	case plan.NE:
		res = d != 0
	case plan.LT:
		res = d < 0
	case plan.LE:
		res = d <= 0
	case plan.GT:
		res = d > 0
	case plan.GE:
		res = d >= 0
	}
	return storage.Bool(res)
}

func compileFunc(c *Context, e plan.Func) evalFn {
	args, impl, strict := compileAll(c, e.Args), e.Impl, e.Strict
	// One argument buffer per compiled call: an iterator tree runs on one
	// goroutine, and Impl must not keep its arguments.
	vals := make([]storage.Value, len(args))
	return func(row Row) (storage.Value, error) {
		for i, a := range args {
			v, err := a(row)
			if err != nil {
				return vNull, err
			}
			if strict && v.IsNull() {
				return vNull, nil
			}
			vals[i] = v
		}
		return impl(vals)
	}
}

func compileCase(c *Context, e plan.Case) evalFn {
	conds := make([]evalFn, len(e.Whens))
	thens := make([]evalFn, len(e.Whens))
	for i, w := range e.Whens {
		conds[i], thens[i] = compile(c, w.Cond), compile(c, w.Then)
	}
	var els evalFn
	if e.Else != nil {
		els = compile(c, e.Else)
	}
	return func(row Row) (storage.Value, error) {
		for i, cond := range conds {
			v, err := cond(row)
			if err != nil {
				return vNull, err
			}
			if isTrue(v) {
				return thens[i](row)
			}
		}
		if els == nil {
			return vNull, nil
		}
		return els(row)
	}
}
