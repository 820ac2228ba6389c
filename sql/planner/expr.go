package planner

import (
	"math"
	"strconv"

	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/sql/plan"
	"github.com/persiandb/persiandb/sql/sem"
	"github.com/persiandb/persiandb/storage"
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/mysql"
	"github.com/pingcap/tidb/pkg/parser/opcode"
	"github.com/pingcap/tidb/pkg/parser/test_driver"
)

// exprCtx says where an expression is, for the errors Postgres gives
// when aggregates, window functions or subqueries appear where they may
// not.
type exprCtx struct {
	sc *scope
	// clause names the clause for "aggregate functions are not allowed
	// in WHERE".
	clause string
}

// expr binds an AST expression in scope. Its errors carry the position
// Postgres gives them (locate).
func (p *Planner) expr(c exprCtx, n ast.ExprNode) (texpr, error) {
	x, err := p.exprNode(c, n)
	if err != nil {
		err = p.locate(n, err)
	}
	return x, err
}

func (p *Planner) exprNode(c exprCtx, n ast.ExprNode) (texpr, error) {
	if i, ok := c.sc.computed[n]; ok {
		return texpr{e: plan.Col{Idx: i}, t: c.sc.cols[i].typ}, nil
	}
	if c.sc.group != nil {
		if i, ok := c.sc.group.keyExprs[exprKey(n)]; ok {
			return texpr{e: plan.Col{Idx: i}, t: c.sc.cols[i].typ}, nil
		}
	}
	switch n := n.(type) {
	case *ast.ParenthesesExpr:
		return p.expr(c, n.Expr)
	case *test_driver.ParamMarkerExpr:
		return p.paramExpr(n)
	case *test_driver.ValueExpr:
		x, err := literal(n)
		if x.unknown {
			x.pos = p.pos(n)
		}
		return x, err
	case *ast.ColumnNameExpr:
		e, col, err := c.sc.resolve(n.Name.Table.O, n.Name.Name.O)
		if err != nil {
			return texpr{}, err
		}
		if o, ok := e.(plan.Outer); ok {
			p.noteOuter(o.Depth)
		}
		x := texpr{e: e, t: col.typ}
		if col.tableID != 0 {
			x.col = &col
		}
		return x, nil
	case *ast.UnaryOperationExpr:
		return p.unary(c, n)
	case *ast.BinaryOperationExpr:
		return p.binary(c, n)
	case *ast.IsNullExpr:
		x, err := p.expr(c, n.Expr)
		if err != nil {
			return x, err
		}
		if x, err = p.settle(x); err != nil {
			return x, err
		}
		return boolExpr(plan.IsNull{X: x.e, Negate: n.Not}), nil
	case *ast.IsTruthExpr:
		return p.isTruth(c, n)
	case *ast.BetweenExpr:
		return p.between(c, n)
	case *ast.PatternInExpr:
		return p.in(c, n)
	case *ast.PatternLikeOrIlikeExpr:
		return p.like(c, n)
	case *ast.CaseExpr:
		return p.caseExpr(c, n)
	case *ast.FuncCallExpr:
		return p.call(c, n)
	case *ast.AggregateFuncExpr:
		return texpr{}, p.misplacedAgg(c, n.F)
	case *ast.WindowFuncExpr:
		return texpr{}, pgerr.New(pgerr.WindowingError, "window functions are not allowed in %s", c.clause)
	case *ast.SubqueryExpr:
		return p.scalarSubquery(c, n)
	case *ast.ExistsSubqueryExpr:
		return p.exists(c, n)
	case *ast.CompareSubqueryExpr:
		return p.compareSubquery(c, n)
	case *ast.DefaultExpr:
		return texpr{}, pgerr.New(pgerr.SyntaxError, "DEFAULT is not allowed in this context")
	case *ast.RowExpr:
		return texpr{}, notSupported("row constructors are not supported")
	}
	return texpr{}, notSupported("expression %T is not supported", n)
}

func boolExpr(e plan.Expr) texpr { return texpr{e: e, t: TypeOf(storage.TypeBool)} }

func (p *Planner) misplacedAgg(c exprCtx, name string) error {
	if c.clause == "" {
		c.clause = "this context"
	}
	return pgerr.New(pgerr.GroupingError, "aggregate functions are not allowed in %s", c.clause)
}

func (p *Planner) paramExpr(n *test_driver.ParamMarkerExpr) (texpr, error) {
	num, ok := p.stmt.ParamAt(n.Offset)
	if !ok {
		return texpr{}, pgerr.New(pgerr.SyntaxError, "syntax error at or near \"?\"")
	}
	if t, ok := p.paramType(num); ok {
		return texpr{e: plan.Param{N: num}, t: t}, nil
	}
	return texpr{param: num}, nil
}

// literal types a constant as Postgres's lexer would: integers are
// integer or bigint by size, other numbers numeric, strings unknown.
func literal(n *test_driver.ValueExpr) (texpr, error) {
	switch n.Kind() {
	case test_driver.KindNull:
		return texpr{unknown: true, null: true}, nil
	case test_driver.KindInt64:
		v := n.GetInt64()
		if mysql.HasIsBooleanFlag(n.Type.GetFlag()) {
			return constExpr(storage.Bool(v != 0)), nil
		}
		if v >= math.MinInt32 && v <= math.MaxInt32 {
			return constExpr(storage.Int32(int32(v))), nil
		}
		return constExpr(storage.Int64(v)), nil
	case test_driver.KindUint64:
		v, err := storage.NumericFromString(strconv.FormatUint(n.GetUint64(), 10))
		return constExpr(v), err
	case test_driver.KindMysqlDecimal:
		v, err := storage.NumericFromString(n.GetMysqlDecimal().String())
		return constExpr(v), err
	case test_driver.KindFloat64, test_driver.KindFloat32:
		v, err := storage.NumericFromString(strconv.FormatFloat(n.GetFloat64(), 'g', -1, 64))
		return constExpr(v), err
	case test_driver.KindString:
		return texpr{unknown: true, lit: n.GetString()}, nil
	}
	return texpr{}, notSupported("literal of kind %d is not supported", n.Kind())
}

func (p *Planner) unary(c exprCtx, n *ast.UnaryOperationExpr) (texpr, error) {
	x, err := p.expr(c, n.V)
	if err != nil {
		return x, err
	}
	switch n.Op {
	case opcode.Not, opcode.Not2:
		e, err := p.coerce(x, TypeOf(storage.TypeBool), sem.CastImplicit)
		if err != nil {
			return x, argTypeErr("NOT", x, err)
		}
		return boolExpr(plan.Not{X: e}), nil
	case opcode.Minus:
		if !x.open() && !sem.IsNumericType(x.t.T) && x.t.T != storage.TypeInterval {
			return x, pgerr.New(pgerr.UndefinedFunction, "operator does not exist: - %s", x.t.Name)
		}
		if x.open() {
			if x, err = p.settleNumeric(x); err != nil {
				return x, err
			}
		}
		if c, ok := x.e.(plan.Const); ok {
			v, err := sem.Negate(c.Value)
			if err == nil {
				return texpr{e: plan.Const{Value: v}, t: TypeOf(x.t.T)}, nil
			}
		}
		return texpr{e: plan.Func{Name: "-", Args: []plan.Expr{x.e}, Strict: true, Impl: func(a []storage.Value) (storage.Value, error) {
			return sem.Negate(a[0])
		}}, t: TypeOf(x.t.T)}, nil
	case opcode.Plus:
		if x.open() {
			return p.settleNumeric(x)
		}
		if !sem.IsNumericType(x.t.T) && x.t.T != storage.TypeInterval {
			return x, pgerr.New(pgerr.UndefinedFunction, "operator does not exist: + %s", x.t.Name)
		}
		x.col = nil
		return x, nil
	case opcode.BitNeg:
		// ~ of an integer: Postgres's int2not, int4not, int8not (and
		// inet's, which makes ~ of an unknown literal ambiguous there).
		if x.open() {
			return x, pgerr.New(pgerr.AmbiguousFunction, "operator is not unique: ~ unknown")
		}
		t := x.t.T
		if t != storage.TypeInt16 && t != storage.TypeInt32 && t != storage.TypeInt64 {
			return x, pgerr.New(pgerr.UndefinedFunction, "operator does not exist: ~ %s", x.t.Name)
		}
		return fnExpr("~", TypeOf(t), true, []plan.Expr{x.e}, func(a []storage.Value) (storage.Value, error) {
			return sem.BitNot(a[0]), nil
		}), nil
	}
	return x, notSupported("operator %s is not supported", n.Op)
}

// settleNumeric types an open operand of a unary sign: Postgres picks
// the numeric operators' preferred input, double precision... except
// that an unknown literal stays ambiguous; integers are the common case.
func (p *Planner) settleNumeric(x texpr) (texpr, error) {
	if x.null {
		return texpr{e: plan.Const{Value: storage.Null()}, t: TypeOf(storage.TypeInt32)}, nil
	}
	t := TypeOf(storage.TypeFloat64)
	e, err := p.coerce(x, t, sem.CastImplicit)
	return texpr{e: e, t: t}, err
}

func argTypeErr(what string, x texpr, err error) error {
	if pgerr.CodeOf(err) == pgerr.DatatypeMismatch {
		return pgerr.New(pgerr.DatatypeMismatch, "argument of %s must be type boolean, not type %s", what, x.t.Name)
	}
	return err
}

var arithOps = map[opcode.Op]sem.BinOp{
	opcode.Plus: sem.OpAdd, opcode.Minus: sem.OpSub, opcode.Mul: sem.OpMul, opcode.Div: sem.OpDiv,
	opcode.Mod: sem.OpMod, opcode.And: sem.OpBitAnd, opcode.Or: sem.OpBitOr,
	opcode.LeftShift: sem.OpShl, opcode.RightShift: sem.OpShr,
}

var cmpOpText = [...]string{plan.EQ: "=", plan.NE: "<>", plan.LT: "<", plan.LE: "<=", plan.GT: ">", plan.GE: ">=", plan.NotDistinct: "IS NOT DISTINCT FROM"}

var cmpOps = map[opcode.Op]plan.CmpOp{
	opcode.EQ: plan.EQ, opcode.NE: plan.NE, opcode.LT: plan.LT, opcode.LE: plan.LE,
	opcode.GT: plan.GT, opcode.GE: plan.GE, opcode.NullEQ: plan.NotDistinct,
}

func (p *Planner) binary(c exprCtx, n *ast.BinaryOperationExpr) (texpr, error) {
	switch n.Op {
	case opcode.LogicAnd, opcode.LogicOr:
		l, err := p.boolOperand(c, n.L, n.Op)
		if err != nil {
			return texpr{}, err
		}
		r, err := p.boolOperand(c, n.R, n.Op)
		if err != nil {
			return texpr{}, err
		}
		if n.Op == opcode.LogicAnd {
			return boolExpr(plan.And{L: l, R: r}), nil
		}
		return boolExpr(plan.Or{L: l, R: r}), nil
	}
	l, err := p.expr(c, n.L)
	if err != nil {
		return l, err
	}
	r, err := p.expr(c, n.R)
	if err != nil {
		return r, err
	}
	if op, ok := cmpOps[n.Op]; ok {
		return p.compare(op, l, r)
	}
	if op, ok := arithOps[n.Op]; ok {
		return p.arith(op, l, r)
	}
	return texpr{}, notSupported("operator %s is not supported", n.Op)
}

func (p *Planner) boolOperand(c exprCtx, n ast.ExprNode, op opcode.Op) (plan.Expr, error) {
	x, err := p.expr(c, n)
	if err != nil {
		return nil, err
	}
	e, err := p.coerce(x, TypeOf(storage.TypeBool), sem.CastImplicit)
	if err != nil {
		what := "AND"
		if op == opcode.LogicOr {
			what = "OR"
		}
		return nil, argTypeErr(what, x, err)
	}
	return e, nil
}

// compare binds l op r: open sides take the other side's type, and
// different types meet at their common type.
func (p *Planner) compare(op plan.CmpOp, l, r texpr) (texpr, error) {
	if isPlainJSON(l.t) && !r.open() || isPlainJSON(r.t) && !l.open() || isPlainJSON(l.t) && isPlainJSON(r.t) ||
		isPlainJSON(l.t) && r.open() || isPlainJSON(r.t) && l.open() {
		return texpr{}, errOperator(l, cmpOpText[op], r)
	}
	if !l.open() && !r.open() && (l.t.IsArray() || r.t.IsArray()) && l.t.T != r.t.T {
		// No implicit casts between array types (anyarray = anyarray).
		return texpr{}, errOperator(l, cmpOpText[op], r)
	}
	if !l.open() && !r.open() && family(l.t.T) != family(r.t.T) {
		if _, ok := widen(l.t.T, r.t.T); !ok {
			_, err := sem.BinaryType(sem.OpEq+sem.BinOp(min(op, plan.GE)), l.t.T, r.t.T)
			if err == nil {
				err = pgerr.New(pgerr.UndefinedFunction, "operator does not exist: %s = %s", l.t.Name, r.t.Name)
			}
			return texpr{}, err
		}
	}
	if !l.open() && !r.open() && family(l.t.T) == family(r.t.T) {
		return boolExpr(plan.Cmp{Op: op, L: l.e, R: r.e}), nil
	}
	es, _, err := p.unify([]texpr{l, r}, "comparison")
	if err != nil {
		return texpr{}, err
	}
	return boolExpr(plan.Cmp{Op: op, L: es[0], R: es[1]}), nil
}

// arith binds l op r for + - * / % and ||.
func (p *Planner) arith(op sem.BinOp, l, r texpr) (texpr, error) {
	if op == sem.OpSub && !l.open() && l.t.T == storage.TypeJSONB {
		return p.jsonbDelete(l, r)
	}
	var err error
	switch {
	case l.open() && r.open():
		if op == sem.OpConcat {
			if l, err = p.settle(l); err != nil {
				return l, err
			}
			if r, err = p.settle(r); err != nil {
				return r, err
			}
			break
		}
		// unknown + unknown: Postgres cannot choose either; integers
		// are what users mean by '1' + '2' no more than text is.
		return texpr{}, pgerr.New(pgerr.UndefinedFunction, "operator is not unique: unknown %s unknown", op)
	case l.open():
		if l, err = p.typeOperand(op, l, r.t); err != nil {
			return texpr{}, err
		}
	case r.open():
		if r, err = p.typeOperand(op, r, l.t); err != nil {
			return texpr{}, err
		}
	}
	t, err := sem.BinaryType(op, l.t.T, r.t.T)
	if err != nil {
		return texpr{}, err
	}
	ctx := p.Sem
	f := plan.Func{Name: op.String(), Args: []plan.Expr{l.e, r.e}, Strict: true, Impl: func(a []storage.Value) (storage.Value, error) {
		return sem.Binary(ctx, op, a[0], a[1])
	}}
	lc, lok := l.e.(plan.Const)
	rc, rok := r.e.(plan.Const)
	if lok && rok {
		if v, err := sem.Binary(ctx, op, lc.Value, rc.Value); err == nil {
			return texpr{e: plan.Const{Value: v}, t: TypeOf(t)}, nil
		}
	}
	return texpr{e: f, t: TypeOf(t)}, nil
}

// typeOperand types the open operand x of op next to one of type other:
// the same type for numbers and intervals, else otherOperandType's.
func (p *Planner) typeOperand(op sem.BinOp, x texpr, other Type) (texpr, error) {
	t := other
	if op == sem.OpConcat || !sem.IsNumericType(other.T) && other.T != storage.TypeInterval {
		t = otherOperandType(op, other)
	}
	e, err := p.coerce(x, t, sem.CastImplicit)
	return texpr{e: e, t: t}, err
}

// otherOperandType is the type an unknown operand takes next to a typed
// one for operators where "the same type" is wrong: date + '1 day'
// means an interval, text || 'x' text.
func otherOperandType(op sem.BinOp, t Type) Type {
	switch {
	case op == sem.OpConcat:
		if t.T == storage.TypeBytea {
			return t
		}
		return TypeOf(storage.TypeText)
	case t.T == storage.TypeDate || t.T == storage.TypeTimestamp || t.T == storage.TypeTimestampTZ:
		if op == sem.OpAdd || op == sem.OpSub {
			return TypeOf(storage.TypeInterval)
		}
	}
	return t
}

func (p *Planner) isTruth(c exprCtx, n *ast.IsTruthExpr) (texpr, error) {
	x, err := p.expr(c, n.Expr)
	if err != nil {
		return x, err
	}
	e, err := p.coerce(x, TypeOf(storage.TypeBool), sem.CastImplicit)
	if err != nil {
		return x, argTypeErr("IS TRUE", x, err)
	}
	want := plan.Const{Value: storage.Bool(n.True != 0)}
	var out plan.Expr = plan.Cmp{Op: plan.NotDistinct, L: e, R: want}
	if n.Not {
		out = plan.Not{X: out}
	}
	return boolExpr(out), nil
}

func (p *Planner) between(c exprCtx, n *ast.BetweenExpr) (texpr, error) {
	x, err := p.expr(c, n.Expr)
	if err != nil {
		return x, err
	}
	lo, err := p.expr(c, n.Left)
	if err != nil {
		return x, err
	}
	hi, err := p.expr(c, n.Right)
	if err != nil {
		return x, err
	}
	es, _, err := p.unify([]texpr{x, lo, hi}, "BETWEEN")
	if err != nil {
		return x, err
	}
	if n.Not {
		return boolExpr(plan.Or{L: plan.Cmp{Op: plan.LT, L: es[0], R: es[1]}, R: plan.Cmp{Op: plan.GT, L: es[0], R: es[2]}}), nil
	}
	return boolExpr(plan.And{L: plan.Cmp{Op: plan.GE, L: es[0], R: es[1]}, R: plan.Cmp{Op: plan.LE, L: es[0], R: es[2]}}), nil
}

func (p *Planner) in(c exprCtx, n *ast.PatternInExpr) (texpr, error) {
	if n.Sel != nil {
		x, err := p.anySubquery(c, n.Expr, plan.EQ, n.Sel, false)
		if err != nil || !n.Not {
			return x, err
		}
		return boolExpr(plan.Not{X: x.e}), nil
	}
	xs := make([]texpr, 0, len(n.List)+1)
	for _, e := range append([]ast.ExprNode{n.Expr}, n.List...) {
		x, err := p.expr(c, e)
		if err != nil {
			return x, err
		}
		xs = append(xs, x)
	}
	for _, x := range xs[1:] {
		if isPlainJSON(xs[0].t) && !xs[0].open() || isPlainJSON(x.t) && !x.open() {
			return texpr{}, errOperator(xs[0], "=", x)
		}
	}
	es, _, err := p.unify(xs, "IN")
	if err != nil {
		return texpr{}, err
	}
	var out plan.Expr = plan.InList{X: es[0], List: es[1:]}
	if n.Not {
		out = plan.Not{X: out}
	}
	return boolExpr(out), nil
}

func (p *Planner) caseExpr(c exprCtx, n *ast.CaseExpr) (texpr, error) {
	var operand texpr
	var err error
	if n.Value != nil {
		if operand, err = p.expr(c, n.Value); err != nil {
			return operand, err
		}
	}
	conds := make([]plan.Expr, len(n.WhenClauses))
	results := make([]texpr, 0, len(n.WhenClauses)+1)
	for i, w := range n.WhenClauses {
		cond, err := p.expr(c, w.Expr)
		if err != nil {
			return cond, err
		}
		if n.Value != nil {
			if cond, err = p.compare(plan.EQ, operand, cond); err != nil {
				return cond, err
			}
		}
		if conds[i], err = p.coerce(cond, TypeOf(storage.TypeBool), sem.CastImplicit); err != nil {
			return cond, pgerr.New(pgerr.DatatypeMismatch, "argument of CASE/WHEN must be type boolean, not type %s", cond.t.Name)
		}
		res, err := p.expr(c, w.Result)
		if err != nil {
			return res, err
		}
		results = append(results, res)
	}
	if n.ElseClause != nil {
		res, err := p.expr(c, n.ElseClause)
		if err != nil {
			return res, err
		}
		results = append(results, res)
	}
	es, t, err := p.unify(results, "CASE")
	if err != nil {
		return texpr{}, err
	}
	out := plan.Case{Whens: make([]plan.When, len(conds))}
	for i := range conds {
		out.Whens[i] = plan.When{Cond: conds[i], Then: es[i]}
	}
	if n.ElseClause != nil {
		out.Else = es[len(es)-1]
	}
	return texpr{e: out, t: t}, nil
}
