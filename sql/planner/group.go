package planner

import (
	"strings"

	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/sql/plan"
	"github.com/persiandb/persiandb/sql/sem"
	"github.com/persiandb/persiandb/storage"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// group plans GROUP BY and the aggregates; the result's scope maps
// grouped expressions and aggregate calls to the Group's output.
func (p *Planner) group(in *relation, n *ast.SelectStmt, fields []*ast.SelectField, aggNodes []ast.Node) (*relation, error) {
	g := &grouping{src: in.sc, keyCols: map[int]int{}, keyExprs: map[string]int{}}
	out := &scope{parent: in.sc.parent, group: g, computed: map[ast.Node]int{}}
	node := &plan.Group{Input: in.node}
	c := exprCtx{sc: in.sc, clause: "GROUP BY"}
	if n.GroupBy != nil {
		for _, it := range n.GroupBy.Items {
			e := p.groupItem(in.sc, it.Expr, fields)
			x, err := p.expr(c, e)
			if err != nil {
				return nil, err
			}
			if x, err = p.settle(x); err != nil {
				return nil, err
			}
			if err := checkOrderable(x.t, "equality"); err != nil {
				return nil, err
			}
			k := len(node.GroupBy)
			if col, ok := x.e.(plan.Col); ok {
				if prev, dup := g.keyCols[col.Idx]; dup {
					g.keyExprs[exprKey(e)] = prev
					continue
				}
				g.keyCols[col.Idx] = k
			}
			g.keyExprs[exprKey(e)] = k
			node.GroupBy = append(node.GroupBy, x.e)
			name := "?column?"
			oc := column{typ: x.t}
			if x.col != nil {
				oc = *x.col
				name = x.col.name
			}
			oc.name = name
			node.Cols = append(node.Cols, plan.Column{Name: name, Type: x.t.T})
			out.cols = append(out.cols, oc)
		}
	}
	byKey := map[string]int{}
	ac := exprCtx{sc: in.sc, clause: "aggregate function calls"}
	for _, an := range aggNodes {
		key := exprKey(an)
		if i, ok := byKey[key]; ok {
			out.computed[an] = i
			continue
		}
		agg, name, err := p.aggregate(ac, an)
		if err != nil {
			return nil, err
		}
		i := len(out.cols)
		byKey[key] = i
		out.computed[an] = i
		node.Aggs = append(node.Aggs, agg)
		node.Cols = append(node.Cols, plan.Column{Name: name, Type: agg.Type})
		out.cols = append(out.cols, column{name: name, typ: TypeOf(agg.Type)})
	}
	return &relation{node: node, sc: out}, nil
}

// groupItem resolves GROUP BY 2 and GROUP BY alias to the select item,
// as Postgres does when the name is not an input column.
func (p *Planner) groupItem(in *scope, e ast.ExprNode, fields []*ast.SelectField) ast.ExprNode {
	if pos, ok := ordinal(e); ok && pos >= 1 && pos <= len(fields) && fields[pos-1].Expr != nil {
		return fields[pos-1].Expr
	}
	if cn, ok := e.(*ast.ColumnNameExpr); ok && cn.Name.Table.O == "" {
		if _, found, _ := in.lookup("", cn.Name.Name.O); !found {
			for _, f := range fields {
				if f.AsName.O == cn.Name.Name.O && f.Expr != nil {
					return f.Expr
				}
			}
		}
	}
	return e
}

var aggByName = map[string]plan.AggFunc{
	"count": plan.AggCount, "sum": plan.AggSum, "avg": plan.AggAvg, "min": plan.AggMin, "max": plan.AggMax,
	"bool_and": plan.AggBoolAnd, "every": plan.AggBoolAnd, "bool_or": plan.AggBoolOr, "string_agg": plan.AggStringAgg,
	"array_agg": plan.AggArrayAgg, "json_agg": plan.AggJSONAgg, "jsonb_agg": plan.AggJSONAgg,
	"json_object_agg": plan.AggJSONObjectAgg, "jsonb_object_agg": plan.AggJSONObjectAgg,
}

// aggregate binds one aggregate call.
func (p *Planner) aggregate(c exprCtx, n ast.Node) (plan.Aggregate, string, error) {
	var name string
	var args []ast.ExprNode
	var distinct, star bool
	switch n := n.(type) {
	case *ast.AggregateFuncExpr:
		name, args, distinct = strings.ToLower(n.F), n.Args, n.Distinct
		if name == "group_concat" {
			// array_agg, written so (dialect): drop the separator the
			// grammar adds.
			name, args = "array_agg", args[:len(args)-1]
			if n.Order != nil {
				agg, name, err := p.aggCall(c, name, args, distinct, false)
				if err == nil {
					agg.Order, err = p.aggOrder(c, n.Order, distinct, args)
				}
				if err != nil {
					err = p.locate(n, err)
				}
				return agg, name, err
			}
		}
		if n.Order != nil {
			return plan.Aggregate{}, "", notSupported("ORDER BY inside an aggregate is not supported")
		}
		star = name == "count" && len(args) == 1 && isStarArg(args[0])
	case *ast.FuncCallExpr:
		name, args = n.FnName.L, n.Args
	}
	agg, name, err := p.aggCall(c, name, args, distinct, star)
	if x, ok := n.(ast.ExprNode); ok && err != nil {
		err = p.locate(x, err)
	}
	return agg, name, err
}

func (p *Planner) aggCall(c exprCtx, name string, args []ast.ExprNode, distinct, star bool) (plan.Aggregate, string, error) {
	f, ok := aggByName[name]
	if !ok {
		return plan.Aggregate{}, "", notSupported("aggregate function %s is not supported", name)
	}
	agg := plan.Aggregate{Func: f, Distinct: distinct}
	if star {
		agg.Type = storage.TypeInt64
		return agg, name, nil
	}
	wantArgs := 1
	if f == plan.AggStringAgg || f == plan.AggJSONObjectAgg {
		wantArgs = 2
	}
	if len(args) != wantArgs {
		return agg, "", pgerr.New(pgerr.UndefinedFunction, "function %s with %d arguments does not exist", name, len(args))
	}
	x, err := p.expr(c, args[0])
	if err != nil {
		if pgerr.CodeOf(err) == pgerr.GroupingError && strings.Contains(err.Error(), "aggregate functions are not allowed") {
			// At the inner call, where the error came from.
			return agg, "", pgerr.New(pgerr.GroupingError, "aggregate function calls cannot be nested").WithPosition(pgerr.As(err).Position)
		}
		return agg, "", err
	}
	switch f {
	case plan.AggBoolAnd, plan.AggBoolOr:
		if agg.Arg, err = p.coerce(x, TypeOf(storage.TypeBool), sem.CastImplicit); err != nil {
			return agg, "", pgerr.New(pgerr.UndefinedFunction, "function %s(%s) does not exist", name, x.t.Name)
		}
		agg.Type = storage.TypeBool
		return agg, name, nil
	case plan.AggArrayAgg:
		if x, err = p.settle(x); err != nil {
			return agg, "", err
		}
		agg.Arg, agg.Type, agg.Nested = x.e, storage.ArrayOf(x.t.T.Elem()), x.t.IsArray()
		return agg, name, nil
	case plan.AggJSONAgg, plan.AggJSONObjectAgg:
		return p.jsonAgg(c, agg, name, x, args)
	case plan.AggStringAgg:
		if agg.Arg, err = p.coerce(x, TypeOf(storage.TypeText), sem.CastImplicit); err != nil {
			return agg, "", pgerr.New(pgerr.UndefinedFunction, "function string_agg(%s, text) does not exist", x.t.Name)
		}
		sep, err := p.expr(c, args[1])
		if err != nil {
			return agg, "", err
		}
		if agg.Sep, err = p.coerce(sep, TypeOf(storage.TypeText), sem.CastImplicit); err != nil {
			return agg, "", err
		}
		agg.Type = storage.TypeText
		return agg, name, nil
	}
	if x.open() {
		if f == plan.AggCount {
			x, err = p.settle(x)
		} else {
			return agg, "", pgerr.New(pgerr.UndefinedFunction, "function %s(unknown) is not unique", name).
				WithHint("Could not choose a best candidate function. You might need to add explicit type casts.")
		}
		if err != nil {
			return agg, "", err
		}
	}
	agg.Arg = x.e
	t, err := aggType(f, x.t.T)
	if err != nil {
		return agg, "", pgerr.New(pgerr.UndefinedFunction, "function %s(%s) does not exist", name, x.t.Name).
			WithHint("No function matches the given name and argument types. You might need to add explicit type casts.")
	}
	agg.Type = t
	return agg, name, nil
}

// aggOrder binds array_agg's ORDER BY; with DISTINCT each item must be
// an argument, as Postgres requires.
func (p *Planner) aggOrder(c exprCtx, ob *ast.OrderByClause, distinct bool, args []ast.ExprNode) ([]plan.SortKey, error) {
	var keys []plan.SortKey
	for _, it := range ob.Items {
		e, desc, nullsFirst := sortItem(it)
		if distinct {
			found := false
			for _, a := range args {
				found = found || exprKey(a) == exprKey(e)
			}
			if !found {
				return nil, at(pgerr.New(pgerr.InvalidColumnReference, "in an aggregate with DISTINCT, ORDER BY expressions must appear in argument list"), p.pos(e))
			}
		}
		x, err := p.expr(c, e)
		if err != nil {
			return nil, err
		}
		if x, err = p.settle(x); err != nil {
			return nil, err
		}
		if err := checkOrderable(x.t, "ordering"); err != nil {
			return nil, err
		}
		keys = append(keys, plan.SortKey{Expr: x.e, Desc: desc, NullsFirst: nullsFirst})
	}
	return keys, nil
}

// aggType is the result type of an aggregate over an argument type.
func aggType(f plan.AggFunc, t storage.Type) (storage.Type, error) {
	bad := pgerr.New(pgerr.UndefinedFunction, "no such aggregate")
	switch f {
	case plan.AggCount:
		return storage.TypeInt64, nil
	case plan.AggMin, plan.AggMax:
		// Postgres has no min or max over boolean, json or jsonb.
		if t == storage.TypeBool || t.Elem() == storage.TypeJSON || t.Elem() == storage.TypeJSONB {
			return 0, bad
		}
		return t, nil
	case plan.AggSum:
		switch t {
		case storage.TypeInt16, storage.TypeInt32:
			return storage.TypeInt64, nil
		case storage.TypeInt64, storage.TypeNumeric:
			return storage.TypeNumeric, nil
		case storage.TypeFloat32, storage.TypeFloat64, storage.TypeInterval:
			return t, nil
		}
	case plan.AggAvg:
		switch t {
		case storage.TypeInt16, storage.TypeInt32, storage.TypeInt64, storage.TypeNumeric:
			return storage.TypeNumeric, nil
		case storage.TypeFloat32, storage.TypeFloat64:
			return storage.TypeFloat64, nil
		case storage.TypeInterval:
			return t, nil
		}
	}
	return 0, bad
}

// isStarArg recognizes count(*), which the grammar gives the argument 1.
func isStarArg(e ast.ExprNode) bool {
	return exprKey(e) == "1"
}

// window plans the window function calls of a select list.
func (p *Planner) window(in *relation, calls []*ast.WindowFuncExpr) (*relation, error) {
	out := &scope{parent: in.sc.parent, group: in.sc.group, computed: map[ast.Node]int{}}
	out.cols = append(out.cols, in.sc.cols...)
	for k, v := range in.sc.computed {
		out.computed[k] = v
	}
	node := &plan.Window{Input: in.node}
	node.Cols = append(node.Cols, in.node.Columns()...)
	c := exprCtx{sc: in.sc, clause: "window functions"}
	for _, w := range calls {
		if w.Spec.Name.O != "" || w.Spec.Ref.O != "" {
			return nil, notSupported("named windows are not supported")
		}
		if w.Spec.Frame != nil {
			return nil, notSupported("window frame clauses are not supported")
		}
		name := strings.ToLower(w.Name)
		args := w.Args
		if name == "group_concat" { // array_agg (see aggregate)
			name = "array_agg"
			if len(args) > 1 {
				args = args[:len(args)-1]
			}
		}
		wf := plan.WindowFunc{Func: name}
		for _, pb := range partitionItems(w.Spec.PartitionBy) {
			x, err := p.expr(c, pb.Expr)
			if err != nil {
				return nil, err
			}
			if x, err = p.settle(x); err != nil {
				return nil, err
			}
			wf.PartitionBy = append(wf.PartitionBy, x.e)
		}
		if w.Spec.OrderBy != nil {
			for _, it := range w.Spec.OrderBy.Items {
				e, desc, nf := sortItem(it)
				x, err := p.expr(c, e)
				if err != nil {
					return nil, err
				}
				if x, err = p.settle(x); err != nil {
					return nil, err
				}
				wf.OrderBy = append(wf.OrderBy, plan.SortKey{Expr: x.e, Desc: desc, NullsFirst: nf})
			}
		}
		if _, isAgg := aggByName[name]; isAgg {
			star := name == "count" && (len(args) == 0 || len(args) == 1 && isStarArg(args[0]))
			agg, _, err := p.aggCall(c, name, args, w.Distinct, star)
			if err != nil {
				return nil, err
			}
			wf.Agg, wf.Type = &agg, agg.Type
		} else {
			t, err := p.windowArgs(c, &wf, args)
			if err != nil {
				return nil, err
			}
			wf.Type = t
		}
		i := len(out.cols)
		out.computed[w] = i
		out.cols = append(out.cols, column{name: name, typ: TypeOf(wf.Type)})
		node.Funcs = append(node.Funcs, wf)
		node.Cols = append(node.Cols, plan.Column{Name: name, Type: wf.Type})
	}
	return &relation{node: node, sc: out}, nil
}

func partitionItems(pb *ast.PartitionByClause) []*ast.ByItem {
	if pb == nil {
		return nil
	}
	return pb.Items
}

// windowArgs binds the arguments of a non-aggregate window function and
// returns its result type.
func (p *Planner) windowArgs(c exprCtx, wf *plan.WindowFunc, args []ast.ExprNode) (storage.Type, error) {
	xs, err := p.exprs(c, args)
	if err != nil {
		return 0, err
	}
	argc := func(lo, hi int) error {
		if len(xs) < lo || len(xs) > hi {
			return pgerr.New(pgerr.UndefinedFunction, "function %s with %d arguments does not exist", wf.Func, len(xs))
		}
		return nil
	}
	intArg := func(i int) error {
		e, err := p.coerce(xs[i], TypeOf(storage.TypeInt64), sem.CastImplicit)
		wf.Args = append(wf.Args, e)
		return err
	}
	switch wf.Func {
	case "row_number", "rank", "dense_rank":
		return storage.TypeInt64, argc(0, 0)
	case "percent_rank", "cume_dist":
		return storage.TypeFloat64, argc(0, 0)
	case "ntile":
		if err := argc(1, 1); err != nil {
			return 0, err
		}
		return storage.TypeInt32, intArg(0)
	case "first_value", "last_value", "nth_value", "lag", "lead":
		lo, hi := 1, 1
		switch wf.Func {
		case "nth_value":
			lo, hi = 2, 2
		case "lag", "lead":
			lo, hi = 1, 3
		}
		if err := argc(lo, hi); err != nil {
			return 0, err
		}
		vals := []texpr{xs[0]}
		if len(xs) == 3 {
			vals = append(vals, xs[2])
		}
		es, t, err := p.unify(vals, wf.Func)
		if err != nil {
			return 0, err
		}
		wf.Args = append(wf.Args, es[0])
		if len(xs) >= 2 {
			if err := intArg(1); err != nil {
				return 0, err
			}
		}
		if len(xs) == 3 {
			wf.Args = append(wf.Args, es[1])
		}
		return t.T, nil
	}
	return 0, pgerr.New(pgerr.UndefinedFunction, "function %s does not exist", wf.Func)
}
