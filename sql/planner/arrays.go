package planner

import (
	"strings"

	"github.com/persiandb/persiandb/sql/dialect"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/sql/plan"
	"github.com/persiandb/persiandb/sql/sem"
	"github.com/persiandb/persiandb/storage"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// Arrays: the dialect's marker calls (pdb_array, pdb_subscript, ...) and
// the polymorphic array functions. Postgres 14+ declares most of them
// over anycompatiblearray / anycompatible: the array's element type and
// the element arguments meet at their common type. The values are
// computed by sem's array functions.

// arrayFuncs are the calls bound by arrayCall.
var arrayFuncs = map[string]bool{
	dialect.FuncArray: true, dialect.FuncArraySub: true, dialect.FuncSubscript: true, dialect.FuncSlice: true,
	dialect.FuncContains: true, dialect.FuncOverlap: true, dialect.FuncAny: true, dialect.FuncAll: true,
	dialect.FuncOmitted: true, dialect.FuncCardinality: true, dialect.FuncArraySet: true, dialect.FuncArraySetSlice: true,
	"array_length": true, "array_lower": true, "array_upper": true, "array_ndims": true, "array_dims": true,
	"cardinality": true, "array_append": true, "array_prepend": true, "array_cat": true,
	"array_position": true, "array_positions": true, "array_remove": true, "array_replace": true,
	"array_to_string": true, "string_to_array": true, "unnest": true,
	"generate_subscripts": true, "array_fill": true, dialect.FuncOrdinals: true,
}

// fnExpr is a call of f, folded when every argument is a constant (and
// f succeeds on them). Strict calls are NULL for any NULL argument.
func fnExpr(name string, t Type, strict bool, args []plan.Expr, f func([]storage.Value) (storage.Value, error)) texpr {
	if consts, all := constValues(args); all {
		nullArg := false
		for _, v := range consts {
			nullArg = nullArg || v.IsNull()
		}
		if strict && nullArg {
			return texpr{e: plan.Const{Value: storage.Null()}, t: t}
		}
		if v, err := f(consts); err == nil {
			return texpr{e: plan.Const{Value: v}, t: t}
		}
	}
	return texpr{e: plan.Func{Name: name, Args: args, Strict: strict, Impl: f}, t: t}
}

func typeNameOf(x texpr) string {
	if x.open() {
		return "unknown"
	}
	return x.t.Name
}

func errNoFunction(name string, xs []texpr) error {
	names := make([]string, len(xs))
	for i, x := range xs {
		names[i] = typeNameOf(x)
	}
	return pgerr.New(pgerr.UndefinedFunction, "function %s(%s) does not exist", name, strings.Join(names, ", ")).
		WithHint("No function matches the given name and argument types. You might need to add explicit type casts.")
}

// polyArgs types an anycompatiblearray argument arr (at index ai of xs)
// and anycompatible arguments (the indexes in elems) together: the
// element type is the common type of arr's elements and the elements.
// It returns xs coerced and the array type.
func (p *Planner) polyArgs(name string, xs []texpr, ai int, elems []int) ([]plan.Expr, Type, error) {
	arr := xs[ai]
	var cands []texpr
	if !arr.open() {
		if !arr.t.IsArray() {
			return nil, Type{}, errNoFunction(name, xs)
		}
		cands = append(cands, texpr{t: arr.t.Elem()})
	}
	for _, i := range elems {
		if !xs[i].open() {
			if xs[i].t.IsArray() {
				return nil, Type{}, errNoFunction(name, xs)
			}
			cands = append(cands, xs[i])
		}
	}
	et, err := commonType(cands, name)
	if err != nil {
		return nil, Type{}, errNoFunction(name, xs)
	}
	if !arr.open() && arr.t.Elem().T == et.T {
		et = arr.t.Elem()
	}
	at := ArrayOf(et)
	out := make([]plan.Expr, len(xs))
	for i, x := range xs {
		switch {
		case i == ai:
			out[i], err = p.coerce(x, at, sem.CastImplicit)
		case contains(elems, i):
			out[i], err = p.coerce(x, et, sem.CastImplicit)
		default:
			continue
		}
		if err != nil {
			return nil, Type{}, err
		}
	}
	return out, at, nil
}

func contains(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// arrayArg is the array first argument of function name: xs[0] typed as
// an array, or no such function.
func (p *Planner) arrayArg(name string, xs []texpr) (texpr, error) {
	arr, err := p.arrayOperand(xs[0], Type{})
	if err != nil {
		return arr, err
	}
	if !arr.t.IsArray() {
		return texpr{}, errNoFunction(name, xs)
	}
	return arr, nil
}

// arrayOperand types an operand that must be an array: an open one takes
// type t (text[] if t is not an array).
func (p *Planner) arrayOperand(x texpr, t Type) (texpr, error) {
	if !x.open() {
		return x, nil
	}
	if !t.IsArray() {
		t = ArrayOf(TypeOf(storage.TypeText))
	}
	e, err := p.coerce(x, t, sem.CastImplicit)
	return texpr{e: e, t: t}, err
}

// arrayCall binds the array markers and functions. Errors about the call
// itself point at it (for a marker: the ARRAY keyword or the operator).
func (p *Planner) arrayCall(c exprCtx, n *ast.FuncCallExpr) (texpr, error) {
	x, err := p.arrayCallNode(c, n)
	switch pgerr.CodeOf(err) {
	case pgerr.IndeterminateDatatype, pgerr.WrongObjectType, pgerr.UndefinedFunction:
		err = at(err, p.pos(n))
	}
	return x, err
}

func (p *Planner) arrayCallNode(c exprCtx, n *ast.FuncCallExpr) (texpr, error) {
	name := n.FnName.L
	if name == dialect.FuncCardinality {
		name = "cardinality"
	}
	switch name {
	case dialect.FuncArray:
		return p.arrayCtor(c, n, nil)
	case dialect.FuncArraySub:
		return p.arraySubquery(c, n)
	case dialect.FuncOmitted:
		return texpr{}, pgerr.New(pgerr.SyntaxError, "syntax error at or near \":\"")
	case "unnest", "generate_subscripts":
		return texpr{}, notSupported("set-returning function %s is only supported in FROM and as a whole select-list item", name)
	}
	xs := make([]texpr, len(n.Args))
	omitted := make([]bool, len(n.Args))
	for i, a := range n.Args {
		if f, ok := a.(*ast.FuncCallExpr); ok && f.FnName.L == dialect.FuncOmitted && (name == dialect.FuncSlice || name == dialect.FuncArraySetSlice) {
			omitted[i] = true
			xs[i] = constExpr(storage.Int32(0))
			continue
		}
		x, err := p.expr(c, a)
		if err != nil {
			return x, err
		}
		xs[i] = x
	}
	ctx := p.Sem
	args := func(n int) error {
		if len(xs) != n {
			return errNoFunction(name, xs)
		}
		return nil
	}
	switch name {
	case dialect.FuncSubscript, dialect.FuncSlice:
		return p.subscript(xs, n.Args, omitted, name == dialect.FuncSlice)
	case dialect.FuncContains, dialect.FuncOverlap:
		l, r := xs[0], xs[1]
		if name == dialect.FuncContains {
			if x, ok, err := p.jsonbContains(l, r); ok {
				return x, err
			}
		}
		var err error
		if l, err = p.arrayOperand(l, r.t); err != nil {
			return l, err
		}
		if r, err = p.arrayOperand(r, l.t); err != nil {
			return r, err
		}
		op := "@>"
		if name == dialect.FuncOverlap {
			op = "&&"
		}
		if !l.t.IsArray() || l.t.T != r.t.T {
			return texpr{}, pgerr.New(pgerr.UndefinedFunction, "operator does not exist: %s %s %s", l.t.Name, op, r.t.Name).
				WithHint("No operator matches the given name and argument types. You might need to add explicit type casts.")
		}
		f := sem.ArrayContains
		if name == dialect.FuncOverlap {
			f = sem.ArrayOverlap
		}
		return fnExpr(op, TypeOf(storage.TypeBool), true, []plan.Expr{l.e, r.e}, func(a []storage.Value) (storage.Value, error) {
			ok, err := f(ctx, a[0], a[1])
			return storage.Bool(ok), err
		}), nil
	case dialect.FuncAny, dialect.FuncAll:
		return p.anyArray(xs, name == dialect.FuncAll)
	case dialect.FuncArraySet:
		return p.arraySet(xs)
	case dialect.FuncArraySetSlice:
		col := ""
		if c, ok := n.Args[0].(*ast.ColumnNameExpr); ok {
			col = c.Name.Name.O
		}
		return p.arraySetSlice(xs, omitted, col)
	case "array_length", "array_lower", "array_upper":
		if err := args(2); err != nil {
			return texpr{}, err
		}
		arr, err := p.arrayArg(name, xs)
		if err != nil {
			return arr, err
		}
		dim, err := p.coerce(xs[1], TypeOf(storage.TypeInt32), sem.CastImplicit)
		if err != nil {
			return texpr{}, errNoFunction(name, xs)
		}
		what := map[string]byte{"array_length": 'l', "array_lower": 'L', "array_upper": 'U'}[name]
		return fnExpr(name, TypeOf(storage.TypeInt32), true, []plan.Expr{arr.e, dim}, func(a []storage.Value) (storage.Value, error) {
			return sem.ArrayBound(a[0], a[1].AsInt64(), what), nil
		}), nil
	case dialect.FuncOrdinals:
		if err := args(1); err != nil {
			return texpr{}, err
		}
		arr, err := p.arrayArg(name, xs)
		if err != nil {
			return arr, err
		}
		return fnExpr(name, ArrayOf(TypeOf(storage.TypeInt32)), true, []plan.Expr{arr.e}, func(a []storage.Value) (storage.Value, error) {
			return sem.ArrayOrdinals(a[0])
		}), nil
	case "array_ndims", "array_dims", "cardinality":
		if err := args(1); err != nil {
			return texpr{}, err
		}
		arr, err := p.arrayArg(name, xs)
		if err != nil {
			return arr, err
		}
		t := TypeOf(storage.TypeInt32)
		f := sem.ArrayNdims
		switch name {
		case "array_dims":
			t, f = TypeOf(storage.TypeText), sem.ArrayDimsText
		case "cardinality":
			f = sem.Cardinality
		}
		return fnExpr(name, t, true, []plan.Expr{arr.e}, func(a []storage.Value) (storage.Value, error) { return f(a[0]), nil }), nil
	case "array_append", "array_prepend":
		if err := args(2); err != nil {
			return texpr{}, err
		}
		ai, ei := 0, 1
		if name == "array_prepend" {
			ai, ei = 1, 0
		}
		es, at, err := p.polyArgs(name, xs, ai, []int{ei})
		if err != nil {
			return texpr{}, err
		}
		et := at.T.Elem()
		return fnExpr(name, at, false, es, func(a []storage.Value) (storage.Value, error) {
			if name == "array_prepend" {
				return sem.ArrayPrepend(et, a[0], a[1])
			}
			return sem.ArrayAppend(et, a[0], a[1])
		}), nil
	case "array_fill":
		return p.arrayFill(xs)
	case "array_cat":
		if err := args(2); err != nil {
			return texpr{}, err
		}
		return p.arrayCat(xs[0], xs[1], name)
	case "array_position", "array_positions":
		if len(xs) != 2 && !(len(xs) == 3 && name == "array_position") {
			return texpr{}, errNoFunction(name, xs)
		}
		es, _, err := p.polyArgs(name, xs[:2], 0, []int{1})
		if err != nil {
			return texpr{}, err
		}
		t := TypeOf(storage.TypeInt32)
		if name == "array_positions" {
			t = ArrayOf(t)
		}
		if len(xs) == 3 {
			s, err := p.coerce(xs[2], TypeOf(storage.TypeInt32), sem.CastImplicit)
			if err != nil {
				return texpr{}, errNoFunction(name, xs)
			}
			es = append(es, s)
		}
		return fnExpr(name, t, false, es, func(a []storage.Value) (storage.Value, error) {
			if a[0].IsNull() || len(a) == 3 && a[2].IsNull() {
				return storage.Null(), nil
			}
			if len(a) == 3 {
				return sem.ArrayPositions(ctx, a[0], a[1], a[2].AsInt64(), true, false)
			}
			return sem.ArrayPositions(ctx, a[0], a[1], 0, false, name == "array_positions")
		}), nil
	case "array_remove", "array_replace":
		elems := []int{1}
		if name == "array_replace" {
			if err := args(3); err != nil {
				return texpr{}, err
			}
			elems = []int{1, 2}
		} else if err := args(2); err != nil {
			return texpr{}, err
		}
		es, at, err := p.polyArgs(name, xs, 0, elems)
		if err != nil {
			return texpr{}, err
		}
		return fnExpr(name, at, false, es, func(a []storage.Value) (storage.Value, error) {
			if a[0].IsNull() {
				return storage.Null(), nil
			}
			if len(a) == 3 {
				return sem.ArrayReplace(ctx, a[0], a[1], a[2], false)
			}
			return sem.ArrayReplace(ctx, a[0], a[1], storage.Null(), true)
		}), nil
	case "array_to_string":
		if len(xs) != 2 && len(xs) != 3 {
			return texpr{}, errNoFunction(name, xs)
		}
		arr, err := p.arrayArg(name, xs)
		if err != nil {
			return arr, err
		}
		es := []plan.Expr{arr.e}
		for _, x := range xs[1:] {
			e, err := p.coerce(x, TypeOf(storage.TypeText), sem.CastImplicit)
			if err != nil {
				return texpr{}, errNoFunction(name, xs)
			}
			es = append(es, e)
		}
		return fnExpr(name, TypeOf(storage.TypeText), false, es, func(a []storage.Value) (storage.Value, error) {
			if a[0].IsNull() || a[1].IsNull() {
				return storage.Null(), nil
			}
			if len(a) == 3 && !a[2].IsNull() {
				return sem.ArrayToString(ctx, a[0], a[1].AsString(), a[2].AsString(), true), nil
			}
			return sem.ArrayToString(ctx, a[0], a[1].AsString(), "", false), nil
		}), nil
	case "string_to_array":
		if len(xs) != 2 && len(xs) != 3 {
			return texpr{}, errNoFunction(name, xs)
		}
		es := make([]plan.Expr, len(xs))
		for i, x := range xs {
			e, err := p.coerce(x, TypeOf(storage.TypeText), sem.CastImplicit)
			if err != nil {
				return texpr{}, errNoFunction(name, xs)
			}
			es[i] = e
		}
		return fnExpr(name, ArrayOf(TypeOf(storage.TypeText)), false, es, func(a []storage.Value) (storage.Value, error) {
			if a[0].IsNull() {
				return storage.Null(), nil
			}
			null := storage.Null()
			if len(a) == 3 {
				null = a[2]
			}
			return sem.StringToArray(a[0].AsString(), a[1], null)
		}), nil
	}
	return texpr{}, notSupported("function %s is not supported", name)
}

// arrayCtor binds ARRAY[...] (pdb_array). hint is the type of an
// enclosing cast (ARRAY[]::int[], ARRAY['1']::int[]): the elements take
// its element type, as Postgres pushes the cast into the constructor.
func (p *Planner) arrayCtor(c exprCtx, n *ast.FuncCallExpr, hint *Type) (texpr, error) {
	xs := make([]texpr, len(n.Args))
	for i, a := range n.Args {
		var x texpr
		var err error
		if f, ok := a.(*ast.FuncCallExpr); ok && f.FnName.L == dialect.FuncArray {
			x, err = p.arrayCtor(c, f, hint)
		} else {
			x, err = p.expr(c, a)
		}
		if err != nil {
			return x, err
		}
		xs[i] = x
	}
	var t Type // the element expressions' type
	switch {
	case hint != nil && hint.IsArray():
		t = hint.Elem()
		for _, x := range xs {
			if !x.open() && x.t.IsArray() {
				t = *hint
				break
			}
		}
	case len(xs) == 0:
		return texpr{}, pgerr.New(pgerr.IndeterminateDatatype, "cannot determine type of empty array").
			WithHint("Explicitly cast to the desired type, for example ARRAY[]::integer[].")
	default:
		var err error
		if t, err = commonType(xs, "ARRAY"); err != nil {
			// Postgres points at the first element that does not match.
			for i := range xs {
				if _, e := commonType(xs[:i+1], "ARRAY"); e != nil {
					return texpr{}, at(err, p.pos(n.Args[i]))
				}
			}
			return texpr{}, err
		}
	}
	cc := sem.CastImplicit
	if hint != nil {
		cc = sem.CastExplicit // the cast applies to each element
	}
	es := make([]plan.Expr, len(xs))
	for i, x := range xs {
		e, err := p.coerce(x, t, cc)
		if err != nil {
			return texpr{}, err
		}
		es[i] = e
	}
	nested := t.IsArray()
	at := t
	if !nested {
		at = ArrayOf(t)
	}
	elem := at.T.Elem()
	return fnExpr("array", at, false, es, func(a []storage.Value) (storage.Value, error) {
		return sem.ArrayConstruct(elem, a, nested)
	}), nil
}

// arraySubquery binds ARRAY(SELECT ...).
func (p *Planner) arraySubquery(c exprCtx, n *ast.FuncCallExpr) (texpr, error) {
	if len(n.Args) != 1 {
		return texpr{}, pgerr.New(pgerr.SyntaxError, "malformed ARRAY subquery")
	}
	rel, corr, err := p.subquery(c, n.Args[0])
	if err != nil {
		return texpr{}, err
	}
	if len(rel.sc.cols) != 1 {
		return texpr{}, pgerr.New(pgerr.SyntaxError, "subquery must return only one column")
	}
	t := rel.sc.cols[0].typ
	if !t.IsArray() {
		t = ArrayOf(t)
	}
	return texpr{e: plan.Subquery{Kind: plan.SubArray, Plan: rel.node, Correlated: corr}, t: t}, nil
}

// subscript binds a[i][j] (pdb_subscript) and a[i:j] (pdb_slice, whose
// bounds come in pairs; omitted marks a missing bound).
func (p *Planner) subscript(xs []texpr, args []ast.ExprNode, omitted []bool, slice bool) (texpr, error) {
	arr := xs[0]
	if arr.open() || !arr.t.IsArray() {
		return texpr{}, pgerr.New(pgerr.DatatypeMismatch, "cannot subscript type %s because it does not support subscripting", typeNameOf(arr))
	}
	if len(xs)-1 > storage.MaxArrayDims*(1+btoi(slice)) {
		return texpr{}, pgerr.New(pgerr.ProgramLimitExceeded, "number of array dimensions (%d) exceeds the maximum allowed (%d)", len(xs)-1, storage.MaxArrayDims)
	}
	es := []plan.Expr{arr.e}
	for i, x := range xs[1:] {
		// Subscripts convert to integer as by assignment (1.7 is 2).
		e, err := p.coerce(x, TypeOf(storage.TypeInt32), sem.CastAssignment)
		if err != nil {
			if x.open() {
				return texpr{}, err
			}
			return texpr{}, at(pgerr.New(pgerr.DatatypeMismatch, "array subscript must have type integer"), p.pos(args[i+1]))
		}
		es = append(es, e)
	}
	if !slice {
		return fnExpr("subscript", arr.t.Elem(), true, es, func(a []storage.Value) (storage.Value, error) {
			return sem.ArraySubscript(a[0], a[1:]), nil
		}), nil
	}
	omit := append([]bool(nil), omitted[1:]...)
	return fnExpr("slice", arr.t, false, es, func(a []storage.Value) (storage.Value, error) {
		if a[0].IsNull() {
			return storage.Null(), nil
		}
		bounds := make([]sem.SliceBound, (len(a)-1)/2)
		for i := range bounds {
			bounds[i] = sem.SliceBound{Lo: a[1+2*i], Hi: a[2+2*i], NoLo: omit[2*i], NoHi: omit[2*i+1]}
		}
		return sem.ArraySlice(a[0], bounds), nil
	}), nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

var anyOps = map[string]plan.CmpOp{"=": plan.EQ, "<>": plan.NE, "<": plan.LT, "<=": plan.LE, ">": plan.GT, ">=": plan.GE}

// anyArray binds x op ANY/ALL (array) (pdb_any, pdb_all): x meets the
// array's elements at their common type.
func (p *Planner) anyArray(xs []texpr, all bool) (texpr, error) {
	x, opx, arr := xs[0], xs[1], xs[2]
	if _, ok := matchOps[opx.lit]; ok {
		return p.anyMatch(x, arr, opx.lit, all)
	}
	op := anyOps[opx.lit]
	var err error
	if arr.open() {
		et := TypeOf(storage.TypeText)
		if !x.open() {
			et = x.t
		}
		if arr, err = p.arrayOperand(arr, ArrayOf(et)); err != nil {
			return arr, err
		}
	}
	if !arr.t.IsArray() {
		return texpr{}, pgerr.New(pgerr.WrongObjectType, "op ANY/ALL (array) requires array on right side")
	}
	et, err := commonType([]texpr{x, {t: arr.t.Elem()}}, "ANY")
	if err != nil {
		return texpr{}, pgerr.New(pgerr.UndefinedFunction, "operator does not exist: %s %s %s", typeNameOf(x), opx.lit, arr.t.Elem().Name).
			WithHint("No operator matches the given name and argument types. You might need to add explicit type casts.")
	}
	l, err := p.coerce(x, et, sem.CastImplicit)
	if err != nil {
		return texpr{}, err
	}
	r, err := p.coerce(arr, ArrayOf(et), sem.CastImplicit)
	if err != nil {
		return texpr{}, err
	}
	return fnExpr("any", TypeOf(storage.TypeBool), false, []plan.Expr{l, r}, func(a []storage.Value) (storage.Value, error) {
		if a[1].IsNull() {
			return storage.Null(), nil
		}
		sawNull := false
		for _, e := range sem.ArrayElems(a[1]) {
			if a[0].IsNull() || e.IsNull() {
				sawNull = true
				continue
			}
			if cmpHolds(op, storage.Compare(a[0], e)) != all {
				return storage.Bool(!all), nil
			}
		}
		if sawNull {
			return storage.Null(), nil
		}
		return storage.Bool(all), nil
	}), nil
}

func cmpHolds(op plan.CmpOp, d int) bool {
	switch op {
	case plan.EQ:
		return d == 0
	case plan.NE:
		return d != 0
	case plan.LT:
		return d < 0
	case plan.LE:
		return d <= 0
	case plan.GT:
		return d > 0
	}
	return d >= 0
}

// arrayConcat binds l || r when a side is an array: array_cat,
// array_append or array_prepend. An open side next to an array is an
// array of its type, as Postgres resolves unknown || anyarray.
func (p *Planner) arrayConcat(l, r texpr) (texpr, error) {
	la, ra := !l.open() && l.t.IsArray(), !r.open() && r.t.IsArray()
	switch {
	case la && ra || la && r.open() || ra && l.open():
		return p.arrayCat(l, r, "||")
	case la:
		es, at, err := p.polyArgs("||", []texpr{l, r}, 0, []int{1})
		if err != nil {
			return texpr{}, errOperator(l, "||", r)
		}
		et := at.T.Elem()
		return fnExpr("array_append", at, false, es, func(a []storage.Value) (storage.Value, error) {
			return sem.ArrayAppend(et, a[0], a[1])
		}), nil
	default:
		es, at, err := p.polyArgs("||", []texpr{l, r}, 1, []int{0})
		if err != nil {
			return texpr{}, errOperator(l, "||", r)
		}
		et := at.T.Elem()
		return fnExpr("array_prepend", at, false, es, func(a []storage.Value) (storage.Value, error) {
			return sem.ArrayPrepend(et, a[0], a[1])
		}), nil
	}
}

func errOperator(l texpr, op string, r texpr) error {
	return pgerr.New(pgerr.UndefinedFunction, "operator does not exist: %s %s %s", typeNameOf(l), op, typeNameOf(r)).
		WithHint("No operator matches the given name and argument types. You might need to add explicit type casts.")
}

// arrayCat binds array_cat(l, r) (or l || r with both arrays).
func (p *Planner) arrayCat(l, r texpr, name string) (texpr, error) {
	var err error
	if l, err = p.arrayOperand(l, r.t); err != nil {
		return l, err
	}
	if r, err = p.arrayOperand(r, l.t); err != nil {
		return r, err
	}
	if !l.t.IsArray() || !r.t.IsArray() {
		if name == "||" {
			return texpr{}, errOperator(l, name, r)
		}
		return texpr{}, errNoFunction(name, []texpr{l, r})
	}
	et, err := commonType([]texpr{{t: l.t.Elem()}, {t: r.t.Elem()}}, name)
	if err != nil {
		if name == "||" {
			return texpr{}, errOperator(l, name, r)
		}
		return texpr{}, errNoFunction(name, []texpr{l, r})
	}
	at := ArrayOf(et)
	if l.t.T == at.T {
		at = l.t
	}
	le, err := p.coerce(l, at, sem.CastImplicit)
	if err != nil {
		return texpr{}, err
	}
	re, err := p.coerce(r, at, sem.CastImplicit)
	if err != nil {
		return texpr{}, err
	}
	return fnExpr("array_cat", at, false, []plan.Expr{le, re}, func(a []storage.Value) (storage.Value, error) {
		return sem.ArrayCat(a[0], a[1])
	}), nil
}

// castArrayCtor binds pdb_cast(pdb_array(...), t): the cast's type
// reaches the elements.
func (p *Planner) castArrayCtor(c exprCtx, n ast.ExprNode, t Type) (texpr, bool, error) {
	f, ok := n.(*ast.FuncCallExpr)
	if !ok || f.FnName.L != dialect.FuncArray || !t.IsArray() {
		return texpr{}, false, nil
	}
	x, err := p.arrayCtor(c, f, &t)
	return x, true, err
}

// arraySet binds UPDATE's col[i][j] = v (pdb_array_set(col, i, j, v)):
// subscripts and value convert as by assignment.
func (p *Planner) arraySet(xs []texpr) (texpr, error) {
	arr := xs[0]
	if arr.open() || !arr.t.IsArray() {
		return texpr{}, pgerr.New(pgerr.DatatypeMismatch, "cannot subscript type %s because it does not support subscripting", typeNameOf(arr))
	}
	if len(xs)-2 > storage.MaxArrayDims {
		return texpr{}, pgerr.New(pgerr.ProgramLimitExceeded, "number of array dimensions (%d) exceeds the maximum allowed (%d)", len(xs)-2, storage.MaxArrayDims)
	}
	es := []plan.Expr{arr.e}
	subs, err := p.subscripts(xs[1 : len(xs)-1])
	if err != nil {
		return texpr{}, err
	}
	es = append(es, subs...)
	et := arr.t.Elem()
	v, err := p.coerce(xs[len(xs)-1], et, sem.CastAssignment)
	if err != nil {
		return texpr{}, err
	}
	es = append(es, v)
	elem := et.T
	return texpr{e: plan.Func{Name: "array_set", Args: es, Impl: func(a []storage.Value) (storage.Value, error) {
		return sem.ArraySetElement(elem, a[0], a[1:len(a)-1], a[len(a)-1])
	}}, t: arr.t}, nil
}

// subscripts types the subscripts of an array assignment as integers.
func (p *Planner) subscripts(xs []texpr) ([]plan.Expr, error) {
	es := make([]plan.Expr, 0, len(xs))
	for _, x := range xs {
		e, err := p.coerce(x, TypeOf(storage.TypeInt32), sem.CastAssignment)
		if err != nil {
			if x.open() {
				return nil, err
			}
			return nil, pgerr.New(pgerr.DatatypeMismatch, "array subscript must have type integer")
		}
		es = append(es, e)
	}
	return es, nil
}
