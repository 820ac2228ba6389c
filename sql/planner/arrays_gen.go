package planner

import (
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/sql/plan"
	"github.com/persiandb/persiandb/sql/sem"
	"github.com/persiandb/persiandb/storage"
)

// Array functions that generate arrays or sets: generate_subscripts and
// array_fill.

// generateSubscripts binds generate_subscripts(anyarray, int[, bool]) as
// an int[] of the subscripts, which a FROM item unnests and a select list
// expands, so the set-returning machinery stays that of unnest. It is
// strict: a NULL argument gives no rows.
func (p *Planner) generateSubscripts(xs []texpr) (texpr, error) {
	const name = "generate_subscripts"
	if len(xs) != 2 && len(xs) != 3 {
		return texpr{}, errNoFunction(name, xs)
	}
	arr := xs[0]
	if arr.open() || !arr.t.IsArray() {
		// An unknown literal cannot be anyarray in Postgres either.
		return texpr{}, errNoFunction(name, xs)
	}
	es := []plan.Expr{arr.e}
	for i, x := range xs[1:] {
		t := TypeOf(storage.TypeInt32)
		if i == 1 {
			t = TypeOf(storage.TypeBool)
		}
		e, err := p.coerce(x, t, sem.CastImplicit)
		if err != nil {
			if x.open() {
				return texpr{}, err // a literal that does not read as t
			}
			return texpr{}, errNoFunction(name, xs)
		}
		es = append(es, e)
	}
	return fnExpr(name, ArrayOf(TypeOf(storage.TypeInt32)), true, es, func(a []storage.Value) (storage.Value, error) {
		return sem.GenerateSubscripts(a[0], a[1].AsInt64(), len(a) == 3 && a[2].AsBool())
	}), nil
}

// arrayFill binds array_fill(anyelement, int[][, int[]]). The value may
// be NULL (an array of NULLs), so the call is not strict; NULL
// dimensions are sem's error.
func (p *Planner) arrayFill(xs []texpr) (texpr, error) {
	const name = "array_fill"
	if len(xs) != 2 && len(xs) != 3 {
		return texpr{}, errNoFunction(name, xs)
	}
	for _, x := range xs[1:] {
		if !x.open() && !(x.t.IsArray() && x.t.Elem().T == storage.TypeInt32) {
			return texpr{}, errNoFunction(name, xs)
		}
	}
	v := xs[0]
	if v.open() {
		return texpr{}, pgerr.New(pgerr.DatatypeMismatch, "could not determine polymorphic type because input has type unknown")
	}
	if v.t.IsArray() {
		// anyelement over an array would make an array of arrays, which
		// Postgres has no type for.
		return texpr{}, pgerr.New(pgerr.UndefinedObject, "could not find array type for data type %s", v.t.Name)
	}
	es := []plan.Expr{v.e}
	for _, x := range xs[1:] {
		e, err := p.coerce(x, ArrayOf(TypeOf(storage.TypeInt32)), sem.CastImplicit)
		if err != nil {
			return texpr{}, err
		}
		es = append(es, e)
	}
	et := v.t.T
	return fnExpr(name, ArrayOf(v.t), false, es, func(a []storage.Value) (storage.Value, error) {
		if len(a) == 3 {
			return sem.ArrayFill(et, a[0], a[1], &a[2])
		}
		return sem.ArrayFill(et, a[0], a[1], nil)
	}), nil
}

// arraySetSlice binds UPDATE's col[i:j][...] = v (pdb_array_set_slice(col,
// bounds in pairs, v)): bounds convert to integer as by assignment, v to
// col's array type.
func (p *Planner) arraySetSlice(xs []texpr, omitted []bool, col string) (texpr, error) {
	arr := xs[0]
	if arr.open() || !arr.t.IsArray() {
		return texpr{}, pgerr.New(pgerr.DatatypeMismatch, "cannot subscript type %s because it does not support subscripting", typeNameOf(arr))
	}
	nb := (len(xs) - 2) / 2
	if nb > storage.MaxArrayDims {
		return texpr{}, pgerr.New(pgerr.ProgramLimitExceeded, "number of array dimensions (%d) exceeds the maximum allowed (%d)", nb, storage.MaxArrayDims)
	}
	es := []plan.Expr{arr.e}
	subs, err := p.subscripts(xs[1 : len(xs)-1])
	if err != nil {
		return texpr{}, err
	}
	es = append(es, subs...)
	src := xs[len(xs)-1]
	v, err := p.coerce(src, arr.t, sem.CastAssignment)
	if err != nil && !src.open() {
		err = pgerr.New(pgerr.DatatypeMismatch, "subscripted assignment to \"%s\" requires type %s but expression is of type %s", col, arr.t.Name, src.t.Name).
			WithHint("You will need to rewrite or cast the expression.")
	}
	if err != nil {
		return texpr{}, err
	}
	es = append(es, v)
	omit := append([]bool(nil), omitted[1:len(omitted)-1]...)
	elem := arr.t.Elem().T
	return texpr{e: plan.Func{Name: "array_set_slice", Args: es, Impl: func(a []storage.Value) (storage.Value, error) {
		bounds := make([]sem.SliceBound, (len(a)-2)/2)
		for i := range bounds {
			bounds[i] = sem.SliceBound{Lo: a[1+2*i], Hi: a[2+2*i], NoLo: omit[2*i], NoHi: omit[2*i+1]}
		}
		return sem.ArraySetSlice(elem, a[0], bounds, a[len(a)-1])
	}}, t: arr.t}, nil
}
