package planner

import (
	"strings"

	"github.com/persiandb/persiandb/sql/dialect"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/sql/plan"
	"github.com/persiandb/persiandb/sql/sem"
	"github.com/persiandb/persiandb/storage"
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/format"
	"github.com/pingcap/tidb/pkg/parser/test_driver"
)

// selectStmt plans SELECT ... FROM ... WHERE ... GROUP BY ... HAVING ...
// ORDER BY ... LIMIT: scan and join, filter, group, window, project,
// distinct, sort, limit.
func (p *Planner) selectStmt(n *ast.SelectStmt, parent *scope) (*relation, error) {
	lock, err := p.lockClause(n)
	if err != nil {
		return nil, err
	}
	fields := n.Fields.Fields
	var distinctOn []ast.ExprNode
	if len(fields) > 0 && fields[0].AsName.O == dialect.FuncDistinctOn {
		if f, ok := fields[0].Expr.(*ast.FuncCallExpr); ok {
			distinctOn = f.Args
			fields = fields[1:]
		}
	}
	in, err := p.from(n.From, n.Where, parent)
	if err != nil {
		return nil, err
	}
	// Aggregates make the query grouped.
	var aggNodes []ast.Node
	collect := func(n ast.Node) {
		if n != nil {
			aggNodes = append(aggNodes, findAggs(n)...)
		}
	}
	for _, f := range fields {
		if f.Expr != nil {
			collect(f.Expr)
		}
	}
	if n.Having != nil {
		collect(n.Having.Expr)
	}
	if n.OrderBy != nil {
		for _, it := range n.OrderBy.Items {
			collect(it.Expr)
		}
	}
	if lock != nil {
		switch {
		case n.GroupBy != nil:
			return nil, lock.notAllowed("GROUP BY clause")
		case len(aggNodes) > 0 || n.Having != nil:
			return nil, lock.notAllowed("aggregate functions")
		case n.Distinct || len(distinctOn) > 0:
			return nil, lock.notAllowed("DISTINCT clause")
		}
	}
	if n.GroupBy != nil || len(aggNodes) > 0 || n.Having != nil {
		if in, err = p.group(in, n, fields, aggNodes); err != nil {
			return nil, err
		}
		if n.Having != nil {
			x, err := p.expr(exprCtx{sc: in.sc, clause: "HAVING"}, n.Having.Expr)
			if err != nil {
				return nil, err
			}
			pred, err := p.coerce(x, TypeOf(storage.TypeBool), sem.CastImplicit)
			if err != nil {
				return nil, argTypeErr("HAVING", x, err)
			}
			in = &relation{node: &plan.Filter{Input: in.node, Pred: pred}, sc: in.sc}
		}
	}
	var winNodes []*ast.WindowFuncExpr
	for _, f := range fields {
		if f.Expr != nil {
			winNodes = append(winNodes, findWindows(f.Expr)...)
		}
	}
	if n.OrderBy != nil {
		for _, it := range n.OrderBy.Items {
			winNodes = append(winNodes, findWindows(it.Expr)...)
		}
	}
	if len(winNodes) > 0 && lock != nil {
		return nil, lock.notAllowed("window functions")
	}
	if len(winNodes) > 0 {
		if in, err = p.window(in, winNodes); err != nil {
			return nil, err
		}
	}

	// The select list, then ORDER BY items not in it as hidden columns.
	c := exprCtx{sc: in.sc, clause: "SELECT"}
	var exprs []plan.Expr
	var cols []plan.Column
	out := &scope{parent: parent}
	var fieldExprs []ast.ExprNode // per output column, nil for * columns
	var srfCols []int             // unnest(..) items: array-valued until ProjectSet
	for _, f := range fields {
		if f.WildCard != nil {
			idx, err := starColumns(in.sc, f.WildCard)
			if err != nil {
				return nil, err
			}
			for _, i := range idx {
				col := in.sc.cols[i]
				exprs = append(exprs, plan.Col{Idx: i})
				cols = append(cols, plan.Column{Name: col.name, Type: col.typ.T})
				out.cols = append(out.cols, column{name: col.name, typ: col.typ, tableID: col.tableID, colNum: col.colNum, table: col.table})
				fieldExprs = append(fieldExprs, nil)
			}
			continue
		}
		x, srf, err := p.selectItem(c, f.Expr)
		if err != nil {
			return nil, err
		}
		if srf {
			srfCols = append(srfCols, len(exprs))
		}
		name := f.AsName.O
		if name == "" {
			name = columnName(f.Expr)
		}
		oc := column{name: name, typ: x.t}
		if srf {
			oc.typ, x.col = x.t.Elem(), nil
		}
		if x.col != nil {
			oc.tableID, oc.colNum = x.col.tableID, x.col.colNum
		}
		exprs = append(exprs, x.e)
		cols = append(cols, plan.Column{Name: name, Type: x.t.T})
		out.cols = append(out.cols, oc)
		fieldExprs = append(fieldExprs, f.Expr)
	}
	if len(fields) == 0 && len(distinctOn) == 0 && n.Fields != nil && len(n.Fields.Fields) == 0 {
		return nil, pgerr.New(pgerr.SyntaxError, "syntax error: empty select list")
	}
	visible := len(exprs)

	// ORDER BY: an output column by name or position, else an expression
	// over the input (added as a hidden column).
	var keys []plan.SortKey
	if n.OrderBy != nil {
		for _, it := range n.OrderBy.Items {
			e, desc, nullsFirst := sortItem(it)
			idx := -1
			if pos, ok := ordinal(e); ok {
				if pos < 1 || pos > visible {
					return nil, pgerr.New(pgerr.InvalidColumnReference, "ORDER BY position %d is not in select list", pos)
				}
				idx = pos - 1
			} else if cn, ok := e.(*ast.ColumnNameExpr); ok && cn.Name.Table.O == "" {
				for i := 0; i < visible; i++ {
					if out.cols[i].name == cn.Name.Name.O && fieldExprs[i] != nil {
						if idx >= 0 {
							return nil, pgerr.New(pgerr.AmbiguousColumn, "ORDER BY %q is ambiguous", cn.Name.Name.O)
						}
						idx = i
					}
				}
			}
			if idx < 0 {
				key := exprKey(e)
				for i := 0; i < visible; i++ {
					if fieldExprs[i] != nil && exprKey(fieldExprs[i]) == key {
						idx = i
						break
					}
				}
			}
			if idx < 0 {
				if n.Distinct {
					return nil, pgerr.New(pgerr.InvalidColumnReference, "for SELECT DISTINCT, ORDER BY expressions must appear in select list")
				}
				x, err := p.expr(exprCtx{sc: in.sc, clause: "ORDER BY"}, e)
				if err != nil {
					return nil, err
				}
				if x, err = p.settle(x); err != nil {
					return nil, err
				}
				idx = len(exprs)
				exprs = append(exprs, x.e)
				cols = append(cols, plan.Column{Name: "?order?", Type: x.t.T})
				out.cols = append(out.cols, column{name: "?order?", typ: x.t, hidden: true})
			}
			if err := checkOrderable(out.cols[idx].typ, "ordering"); err != nil {
				return nil, err
			}
			keys = append(keys, plan.SortKey{Expr: plan.Col{Idx: idx}, Desc: desc, NullsFirst: nullsFirst})
		}
	}
	var onKeys []plan.Expr
	for _, e := range distinctOn {
		x, err := p.expr(c, e)
		if pos, ok := ordinal(e); ok && pos >= 1 && pos <= visible {
			x, err = texpr{e: plan.Col{Idx: pos - 1}, t: out.cols[pos-1].typ}, nil
		}
		if err != nil {
			return nil, err
		}
		if x, err = p.settle(x); err != nil {
			return nil, err
		}
		idx := len(exprs)
		exprs = append(exprs, x.e)
		cols = append(cols, plan.Column{Name: "?on?", Type: x.t.T})
		out.cols = append(out.cols, column{name: "?on?", typ: x.t, hidden: true})
		onKeys = append(onKeys, plan.Col{Idx: idx})
	}
	if lock != nil {
		if len(srfCols) > 0 {
			return nil, lock.notAllowed("set-returning functions in the target list")
		}
		// The locked table's primary key, as hidden columns.
		for _, ci := range lock.table.PrimaryKey.Columns {
			idx := -1
			for i, col := range in.sc.cols {
				if col.tableID == lock.table.ID && int(col.colNum) == ci+1 {
					idx = i
				}
			}
			if idx < 0 {
				return nil, pgerr.New(pgerr.InternalError, "FOR UPDATE: primary key column %d of %q not in scope", ci, lock.table.Name)
			}
			lock.key = append(lock.key, len(exprs))
			exprs = append(exprs, plan.Col{Idx: idx})
			cols = append(cols, plan.Column{Name: "?key?", Type: in.sc.cols[idx].typ.T})
			out.cols = append(out.cols, column{name: "?key?", typ: in.sc.cols[idx].typ, hidden: true})
		}
	}
	input := in.node
	if len(keys) > 0 && len(onKeys) == 0 && !n.Distinct {
		if ordered, ok := sortByIndex(input, exprs, keys); ok {
			input, keys = ordered, nil
		}
	}
	node := plan.Node(&plan.Project{Input: input, Exprs: exprs, Cols: cols})
	if len(srfCols) > 0 {
		setCols := append([]plan.Column(nil), cols...)
		for _, i := range srfCols {
			setCols[i].Type = setCols[i].Type.Elem()
		}
		node = &plan.ProjectSet{Input: node, SRF: srfCols, Cols: setCols}
		cols = setCols
	}
	switch {
	case len(onKeys) > 0:
		sortKeys := keys
		if len(sortKeys) == 0 {
			for _, k := range onKeys {
				sortKeys = append(sortKeys, plan.SortKey{Expr: k})
			}
		} else if len(sortKeys) < len(onKeys) {
			return nil, pgerr.New(pgerr.InvalidColumnReference, "SELECT DISTINCT ON expressions must match initial ORDER BY expressions")
		}
		node = &plan.Distinct{Input: &plan.Sort{Input: node, Keys: sortKeys}, On: onKeys}
		keys = nil
	case n.Distinct:
		for _, c := range out.cols {
			if err := checkOrderable(c.typ, "equality"); err != nil {
				return nil, err
			}
		}
		node = &plan.Distinct{Input: node}
	}
	if len(keys) > 0 {
		node = &plan.Sort{Input: node, Keys: keys}
	}
	if lock != nil {
		// Below LIMIT, as in Postgres: a skipped or vanished row does not
		// count toward it.
		node = &plan.LockRows{Input: node, Table: lock.table, Key: lock.key, Policy: lock.policy}
	}
	rel, err := p.limit(&relation{node: node, sc: out}, n.Limit, parent)
	if err != nil {
		return nil, err
	}
	if len(exprs) > visible {
		trim := make([]plan.Expr, visible)
		for i := range trim {
			trim[i] = plan.Col{Idx: i}
		}
		out.cols = out.cols[:visible]
		rel = &relation{node: &plan.Project{Input: rel.node, Exprs: trim, Cols: cols[:visible]}, sc: out}
	}
	return rel, nil
}

// selectItem binds one select-list expression; unnest(array) as a whole
// item is a set-returning function (srf): its value is the array, which a
// ProjectSet expands. generate_subscripts is the array of its subscripts.
func (p *Planner) selectItem(c exprCtx, n ast.ExprNode) (x texpr, srf bool, err error) {
	if f, ok := n.(*ast.FuncCallExpr); ok && f.FnName.L == "generate_subscripts" {
		xs := make([]texpr, len(f.Args))
		for i, a := range f.Args {
			if xs[i], err = p.expr(c, a); err != nil {
				return x, false, err
			}
		}
		x, err = p.generateSubscripts(xs)
		return x, err == nil, p.locate(n, err)
	}
	if f, ok := n.(*ast.FuncCallExpr); ok && f.FnName.L == "unnest" && len(f.Args) != 1 {
		xs := make([]texpr, len(f.Args))
		for i, a := range f.Args {
			if xs[i], err = p.expr(c, a); err != nil {
				return x, false, err
			}
		}
		// Several arguments are only for unnest in FROM (ROWS FROM).
		return x, false, p.locate(n, errNoFunction("unnest", xs))
	}
	if f, ok := n.(*ast.FuncCallExpr); ok && jsonSelectSRFs[f.FnName.L] {
		x, err = p.jsonSelectSRF(c, f)
		return x, err == nil, p.locate(n, err)
	}
	if f, ok := n.(*ast.FuncCallExpr); ok && f.FnName.L == "unnest" && len(f.Args) == 1 {
		if x, err = p.expr(c, f.Args[0]); err != nil {
			return x, false, err
		}
		if x, err = p.arrayOperand(x, Type{}); err != nil {
			return x, false, err
		}
		if !x.t.IsArray() {
			return x, false, p.locate(n, errNoFunction("unnest", []texpr{x}))
		}
		return x, true, nil
	}
	if x, err = p.expr(c, n); err != nil {
		return x, false, err
	}
	x, err = p.settle(x)
	return x, false, err
}

// starColumns expands * or t.* to column positions. In a grouped query
// the columns are the input's, each of which must be grouped.
func starColumns(sc *scope, w *ast.WildCardField) ([]int, error) {
	if g := sc.group; g != nil {
		src, err := starColumns(g.src, w)
		if err != nil {
			return nil, err
		}
		for i, c := range src {
			k, ok := g.keyCols[c]
			if !ok {
				col := g.src.cols[c]
				return nil, pgerr.New(pgerr.GroupingError,
					"column \"%s.%s\" must appear in the GROUP BY clause or be used in an aggregate function", col.table, col.name)
			}
			src[i] = k
		}
		return src, nil
	}
	var idx []int
	qual := w.Table.O
	for i, c := range sc.cols {
		if c.hidden || c.noStar || c.usingDup || (qual != "" && c.table != qual) {
			continue
		}
		idx = append(idx, i)
	}
	if qual != "" && !sc.hasTable(qual) {
		return nil, pgerr.New(pgerr.UndefinedTable, "missing FROM-clause entry for table %q", qual)
	}
	if qual == "" && len(sc.cols) == 0 {
		return nil, pgerr.New(pgerr.SyntaxError, "SELECT * with no tables specified is not valid")
	}
	return idx, nil
}

// columnName is the name Postgres gives an unaliased select item.
func columnName(e ast.ExprNode) string {
	switch e := e.(type) {
	case *ast.ParenthesesExpr:
		return columnName(e.Expr)
	case *ast.ColumnNameExpr:
		return e.Name.Name.O
	case *ast.FuncCallExpr:
		switch e.FnName.L {
		case dialect.FuncCast:
			// Postgres names a cast after its operand, unless that name
			// itself only came from a cast's type (x::int[]::bigint[] is
			// int8).
			if n := columnName(e.Args[0]); n != "?column?" && !typeNamedCast(e.Args[0]) {
				return n
			}
			if v, ok := e.Args[1].(*test_driver.ValueExpr); ok {
				if tn, err := dialect.ParseTypeName(v.GetString()); err == nil {
					if t, err := ResolveType(tn); err == nil {
						if t.IsArray() {
							return t.Elem().Typname() // int[] is int4
						}
						return t.Typname()
					}
				}
			}
			return "?column?"
		case "concat":
			return "?column?"
		case dialect.FuncConcat:
			return "concat"
		case dialect.FuncExtract:
			return "extract"
		case dialect.FuncRegexMatch, dialect.FuncRegexIMatch, dialect.FuncAny, dialect.FuncAll,
			dialect.FuncContains, dialect.FuncOverlap, dialect.FuncJSONGet, dialect.FuncJSONGetText,
			dialect.FuncJSONPath, dialect.FuncJSONPathText, dialect.FuncJSONExists,
			dialect.FuncJSONExistsAny, dialect.FuncJSONExistsAll:
			return "?column?"
		case dialect.FuncArray, dialect.FuncArraySub:
			return "array"
		case dialect.FuncSubscript, dialect.FuncSlice:
			return columnName(e.Args[0])
		case dialect.FuncCardinality:
			return "cardinality"
		}
		return e.FnName.L
	case *ast.AggregateFuncExpr:
		if strings.EqualFold(e.F, "group_concat") {
			return "array_agg" // see dialect's rewriteArrayAgg
		}
		return strings.ToLower(e.F)
	case *ast.WindowFuncExpr:
		if strings.EqualFold(e.Name, "group_concat") {
			return "array_agg"
		}
		return strings.ToLower(e.Name)
	case *ast.CaseExpr:
		return "case"
	case *ast.ExistsSubqueryExpr:
		return "exists"
	case *ast.SubqueryExpr:
		if s, ok := e.Query.(*ast.SelectStmt); ok && s.Fields != nil && len(s.Fields.Fields) == 1 {
			f := s.Fields.Fields[0]
			if f.AsName.O != "" {
				return f.AsName.O
			}
			if f.Expr != nil {
				return columnName(f.Expr)
			}
		}
	}
	return "?column?"
}

// typeNamedCast reports whether columnName names e after a cast's type.
func typeNamedCast(e ast.ExprNode) bool {
	for {
		p, ok := e.(*ast.ParenthesesExpr)
		if !ok {
			break
		}
		e = p.Expr
	}
	f, ok := e.(*ast.FuncCallExpr)
	if !ok || f.FnName.L != dialect.FuncCast {
		return false
	}
	return columnName(f.Args[0]) == "?column?" || typeNamedCast(f.Args[0])
}

// sortItem unwraps an ORDER BY item: NULLS FIRST/LAST arrive as marker
// calls around the expression.
func sortItem(it *ast.ByItem) (ast.ExprNode, bool, bool) {
	e := it.Expr
	nullsFirst := it.Desc
	if f, ok := e.(*ast.FuncCallExpr); ok && len(f.Args) == 1 {
		switch f.FnName.L {
		case dialect.FuncNullsFirst:
			e, nullsFirst = f.Args[0], true
		case dialect.FuncNullsLast:
			e, nullsFirst = f.Args[0], false
		}
	}
	return e, it.Desc, nullsFirst
}

// ordinal reports whether e is an integer literal (ORDER BY 2).
func ordinal(e ast.ExprNode) (int, bool) {
	if pe, ok := e.(*ast.PositionExpr); ok && pe.P == nil {
		return pe.N, true
	}
	v, ok := e.(*test_driver.ValueExpr)
	if !ok || v.Kind() != test_driver.KindInt64 {
		return 0, false
	}
	return int(v.GetInt64()), true
}

// exprKey is an expression's canonical text, to match GROUP BY and
// ORDER BY expressions against select items.
func exprKey(n ast.Node) string {
	var b strings.Builder
	if err := n.Restore(format.NewRestoreCtx(format.RestoreStringSingleQuotes|format.RestoreNameBackQuotes, &b)); err != nil {
		return ""
	}
	return b.String()
}

// finder collects nodes of interest without entering subqueries.
type finder struct {
	match func(ast.Node) bool
	found []ast.Node
}

func (f *finder) Enter(n ast.Node) (ast.Node, bool) {
	switch n.(type) {
	case *ast.SubqueryExpr:
		return n, true
	}
	if f.match(n) {
		f.found = append(f.found, n)
		_, isWin := n.(*ast.WindowFuncExpr)
		return n, !isWin // aggregates inside a window call's arguments still count
	}
	return n, false
}

func (f *finder) Leave(n ast.Node) (ast.Node, bool) { return n, true }

func findAggs(n ast.Node) []ast.Node {
	f := &finder{match: isAggCall}
	n.Accept(f)
	return f.found
}

func findWindows(n ast.Node) []*ast.WindowFuncExpr {
	f := &finder{match: func(n ast.Node) bool { _, ok := n.(*ast.WindowFuncExpr); return ok }}
	n.Accept(f)
	out := make([]*ast.WindowFuncExpr, len(f.found))
	for i, w := range f.found {
		out[i] = w.(*ast.WindowFuncExpr)
	}
	return out
}
