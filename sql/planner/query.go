package planner

import (
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/sql/plan"
	"github.com/persiandb/persiandb/sql/sem"
	"github.com/persiandb/persiandb/storage"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// relation is a planned query or FROM item: its plan and the scope whose
// columns describe the plan's output, one to one.
type relation struct {
	node plan.Node
	sc   *scope
}

func (r *relation) finish() *Query {
	q := &Query{Plan: r.node}
	for _, c := range r.sc.cols {
		q.Columns = append(q.Columns, ResultColumn{Name: c.name, Type: c.typ, TableID: c.tableID, Column: c.colNum})
	}
	return q
}

// cte is a WITH query visible by name.
type cte struct {
	name string
	rel  *relation
	cols []string
}

// query plans a row source; parent is the scope of the enclosing query
// for a subquery in an expression (nil otherwise).
func (p *Planner) query(n ast.ResultSetNode, parent *scope) (*relation, error) {
	switch n := n.(type) {
	case *ast.SelectStmt:
		if n.With != nil {
			pop, err := p.with(n.With, parent)
			if err != nil {
				return nil, err
			}
			defer pop()
		}
		switch n.Kind {
		case ast.SelectStmtKindValues:
			return p.values(n, parent)
		case ast.SelectStmtKindTable:
			return nil, notSupported("TABLE statements are not supported")
		}
		return p.selectStmt(n, parent)
	case *ast.SetOprStmt:
		if n.With != nil {
			pop, err := p.with(n.With, parent)
			if err != nil {
				return nil, err
			}
			defer pop()
		}
		rel, err := p.setOpList(n.SelectList, parent)
		if err != nil {
			return nil, err
		}
		return p.orderLimit(rel, n.OrderBy, n.Limit, parent)
	case *ast.SubqueryExpr:
		return p.query(n.Query, parent)
	}
	return nil, notSupported("query %T is not supported", n)
}

// with makes CTEs visible for the rest of a query; pop hides them.
func (p *Planner) with(w *ast.WithClause, parent *scope) (func(), error) {
	frame := map[string]*cte{}
	p.ctes = append(p.ctes, frame)
	pop := func() { p.ctes = p.ctes[:len(p.ctes)-1] }
	for _, c := range w.CTEs {
		var names []string
		for _, cn := range c.ColNameList {
			names = append(names, cn.O)
		}
		var rel *relation
		var err error
		if w.IsRecursive && mentionsTable(c.Query.Query, c.Name.O) {
			rel, err = p.recursive(c, names, frame, parent)
		} else {
			rel, err = p.query(c.Query.Query, parent)
		}
		if err != nil {
			pop()
			return nil, err
		}
		def := &cte{name: c.Name.O, rel: rel, cols: names}
		if len(def.cols) > len(rel.sc.cols) {
			pop()
			return nil, pgerr.New(pgerr.InvalidColumnReference, "WITH query %q has %d columns available but %d columns specified", def.name, len(rel.sc.cols), len(def.cols))
		}
		frame[def.name] = def
	}
	return pop, nil
}

func (p *Planner) lookupCTE(name string) *cte {
	for i := len(p.ctes) - 1; i >= 0; i-- {
		if c, ok := p.ctes[i][name]; ok {
			return c
		}
	}
	return nil
}

// values plans VALUES (...), (...): column types are the common type of
// each column.
func (p *Planner) values(n *ast.SelectStmt, parent *scope) (*relation, error) {
	sc := &scope{parent: parent}
	c := exprCtx{sc: sc, clause: "VALUES"}
	var rows [][]texpr
	for _, r := range n.Lists {
		xs, err := p.exprs(c, r.Values)
		if err != nil {
			return nil, err
		}
		if len(rows) > 0 && len(xs) != len(rows[0]) {
			return nil, pgerr.New(pgerr.SyntaxError, "VALUES lists must all be the same length")
		}
		rows = append(rows, xs)
	}
	return p.valuesRows(rows, parent, sc)
}

func (p *Planner) valuesRows(rows [][]texpr, parent, sc *scope) (*relation, error) {
	width := len(rows[0])
	out := &plan.Values{Rows: make([][]plan.Expr, len(rows))}
	for i := range out.Rows {
		out.Rows[i] = make([]plan.Expr, width)
	}
	rs := &scope{parent: parent}
	for j := range width {
		col := make([]texpr, len(rows))
		for i := range rows {
			col[i] = rows[i][j]
		}
		es, t, err := p.unify(col, "VALUES")
		if err != nil {
			return nil, err
		}
		for i := range rows {
			out.Rows[i][j] = es[i]
		}
		name := "column" + itoa(j+1)
		out.Cols = append(out.Cols, plan.Column{Name: name, Type: t.T})
		rs.cols = append(rs.cols, column{name: name, typ: t})
	}
	return &relation{node: out, sc: rs}, nil
}

func itoa(i int) string {
	return string(appendInt(nil, i))
}

func appendInt(b []byte, i int) []byte {
	if i >= 10 {
		b = appendInt(b, i/10)
	}
	return append(b, byte('0'+i%10))
}

// setOpList folds a chain of set operations left to right; the grammar
// has already nested INTERSECT's tighter binding.
func (p *Planner) setOpList(l *ast.SetOprSelectList, parent *scope) (*relation, error) {
	if l.With != nil {
		pop, err := p.with(l.With, parent)
		if err != nil {
			return nil, err
		}
		defer pop()
	}
	var acc *relation
	for _, s := range l.Selects {
		var rel *relation
		var err error
		var op *ast.SetOprType
		switch s := s.(type) {
		case *ast.SelectStmt:
			rel, err = p.query(s, parent)
			op = s.AfterSetOperator
		case *ast.SetOprSelectList:
			rel, err = p.setOpList(s, parent)
			op = s.AfterSetOperator
		default:
			return nil, notSupported("set operand %T is not supported", s)
		}
		if err != nil {
			return nil, err
		}
		if acc == nil {
			acc = rel
			continue
		}
		if op == nil {
			return nil, pgerr.New(pgerr.SyntaxError, "syntax error in set operation")
		}
		if acc, err = p.setOp(*op, acc, rel, parent); err != nil {
			return nil, err
		}
	}
	if l.OrderBy != nil || l.Limit != nil {
		return p.orderLimit(acc, l.OrderBy, l.Limit, parent)
	}
	return acc, nil
}

func (p *Planner) setOp(op ast.SetOprType, l, r *relation, parent *scope) (*relation, error) {
	name := map[ast.SetOprType]string{ast.Union: "UNION", ast.UnionAll: "UNION", ast.Except: "EXCEPT",
		ast.ExceptAll: "EXCEPT", ast.Intersect: "INTERSECT", ast.IntersectAll: "INTERSECT"}[op]
	if len(l.sc.cols) != len(r.sc.cols) {
		return nil, pgerr.New(pgerr.SyntaxError, "each %s query must have the same number of columns", name)
	}
	lx := make([]plan.Expr, len(l.sc.cols))
	rx := make([]plan.Expr, len(r.sc.cols))
	out := &scope{parent: parent}
	var cols []plan.Column
	castL, castR := false, false
	for i := range l.sc.cols {
		lc, rc := l.sc.cols[i], r.sc.cols[i]
		x := []texpr{{e: plan.Col{Idx: i}, t: lc.typ}, {e: plan.Col{Idx: i}, t: rc.typ}}
		es, t, err := p.unify(x, name)
		if err != nil {
			return nil, err
		}
		lx[i], rx[i] = es[0], es[1]
		castL = castL || lc.typ.T != t.T
		castR = castR || rc.typ.T != t.T
		out.cols = append(out.cols, column{name: lc.name, typ: t})
		cols = append(cols, plan.Column{Name: lc.name, Type: t.T})
	}
	ln, rn := l.node, r.node
	if castL {
		ln = &plan.Project{Input: ln, Exprs: lx, Cols: cols}
	}
	if castR {
		rn = &plan.Project{Input: rn, Exprs: rx, Cols: cols}
	}
	kind := map[ast.SetOprType]plan.SetOpKind{ast.Union: plan.Union, ast.UnionAll: plan.Union,
		ast.Except: plan.Except, ast.ExceptAll: plan.Except, ast.Intersect: plan.Intersect, ast.IntersectAll: plan.Intersect}[op]
	all := op == ast.UnionAll || op == ast.ExceptAll || op == ast.IntersectAll
	return &relation{node: &plan.SetOp{Kind: kind, All: all, Left: ln, Right: rn, Cols: cols}, sc: out}, nil
}

// orderLimit applies ORDER BY and LIMIT to a finished query (a set
// operation or VALUES), where ORDER BY sees only output columns.
func (p *Planner) orderLimit(rel *relation, ob *ast.OrderByClause, lim *ast.Limit, parent *scope) (*relation, error) {
	if ob != nil {
		keys, err := p.outputOrder(rel, ob)
		if err != nil {
			return nil, err
		}
		rel = &relation{node: &plan.Sort{Input: rel.node, Keys: keys}, sc: rel.sc}
	}
	return p.limit(rel, lim, parent)
}

func (p *Planner) outputOrder(rel *relation, ob *ast.OrderByClause) ([]plan.SortKey, error) {
	var keys []plan.SortKey
	for _, it := range ob.Items {
		e, desc, nullsFirst := sortItem(it)
		x, err := p.expr(exprCtx{sc: rel.sc, clause: "ORDER BY"}, e)
		if pos, ok := ordinal(e); ok {
			if pos < 1 || pos > len(rel.sc.cols) {
				return nil, pgerr.New(pgerr.InvalidColumnReference, "ORDER BY position %d is not in select list", pos)
			}
			x, err = texpr{e: plan.Col{Idx: pos - 1}, t: rel.sc.cols[pos-1].typ}, nil
		}
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

func (p *Planner) limit(rel *relation, lim *ast.Limit, parent *scope) (*relation, error) {
	if lim == nil {
		return rel, nil
	}
	n := &plan.Limit{Input: rel.node}
	c := exprCtx{sc: &scope{parent: parent}, clause: "LIMIT"}
	for i, e := range []ast.ExprNode{lim.Count, lim.Offset} {
		if e == nil {
			continue
		}
		x, err := p.expr(c, e)
		if err != nil {
			return nil, err
		}
		v, err := p.coerce(x, TypeOf(storage.TypeInt64), sem.CastAssignment)
		if err != nil {
			return nil, err
		}
		if i == 0 {
			n.Count = v
		} else {
			n.Offset = v
		}
	}
	return &relation{node: n, sc: rel.sc}, nil
}

// recursive plans WITH RECURSIVE name AS (init UNION [ALL] step): init
// first, then step with name bound to the work table of the previous
// round.
func (p *Planner) recursive(c *ast.CommonTableExpression, names []string, frame map[string]*cte, parent *scope) (*relation, error) {
	name := c.Name.O
	so, ok := c.Query.Query.(*ast.SetOprStmt)
	if !ok || len(so.SelectList.Selects) < 2 {
		return nil, pgerr.New(pgerr.InvalidRecursion, "recursive query %q does not have the form non-recursive-term UNION [ALL] recursive-term", name)
	}
	sels := so.SelectList.Selects
	last, ok := sels[len(sels)-1].(*ast.SelectStmt)
	if !ok || last.AfterSetOperator == nil || (*last.AfterSetOperator != ast.Union && *last.AfterSetOperator != ast.UnionAll) {
		return nil, pgerr.New(pgerr.InvalidRecursion, "recursive query %q does not have the form non-recursive-term UNION [ALL] recursive-term", name)
	}
	var init *relation
	var err error
	if len(sels) == 2 {
		first, ok := sels[0].(*ast.SelectStmt)
		if !ok {
			return nil, notSupported("this form of WITH RECURSIVE is not supported")
		}
		init, err = p.query(first, parent)
	} else {
		init, err = p.setOpList(&ast.SetOprSelectList{Selects: sels[:len(sels)-1]}, parent)
	}
	if err != nil {
		return nil, err
	}
	if len(names) > len(init.sc.cols) {
		return nil, pgerr.New(pgerr.InvalidColumnReference, "WITH query %q has %d columns available but %d columns specified", name, len(init.sc.cols), len(names))
	}
	p.workIDs++
	id := p.workIDs
	cols := init.node.Columns()
	frame[name] = &cte{name: name, cols: names, rel: &relation{node: &plan.WorkTable{ID: id, Cols: cols}, sc: init.sc}}
	defer delete(frame, name)
	step, err := p.query(last, parent)
	if err != nil {
		return nil, err
	}
	if len(step.sc.cols) != len(init.sc.cols) {
		return nil, pgerr.New(pgerr.SyntaxError, "each UNION query must have the same number of columns")
	}
	exprs := make([]plan.Expr, len(cols))
	cast := false
	for i, col := range init.sc.cols {
		x := texpr{e: plan.Col{Idx: i}, t: step.sc.cols[i].typ}
		if step.sc.cols[i].typ.T != col.typ.T {
			cast = true
		}
		if exprs[i], err = p.coerce(x, col.typ, sem.CastAssignment); err != nil {
			return nil, pgerr.New(pgerr.DatatypeMismatch, "recursive query %q column %d has type %s in non-recursive term but type %s overall", name, i+1, col.typ.Name, step.sc.cols[i].typ.Name)
		}
	}
	stepNode := step.node
	if cast {
		stepNode = &plan.Project{Input: stepNode, Exprs: exprs, Cols: cols}
	}
	all := *last.AfterSetOperator == ast.UnionAll
	return &relation{node: &plan.RecursiveUnion{ID: id, Init: init.node, Step: stepNode, All: all, Cols: cols}, sc: init.sc}, nil
}

// mentionsTable reports whether a query names table name anywhere.
func mentionsTable(n ast.Node, name string) bool {
	f := &tableFinder{name: name}
	n.Accept(f)
	return f.found
}

type tableFinder struct {
	name  string
	found bool
}

func (f *tableFinder) Enter(n ast.Node) (ast.Node, bool) {
	if t, ok := n.(*ast.TableName); ok && t.Schema.O == "" && t.Name.O == f.name {
		f.found = true
	}
	return n, f.found
}

func (f *tableFinder) Leave(n ast.Node) (ast.Node, bool) { return n, true }
