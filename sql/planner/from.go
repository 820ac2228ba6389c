package planner

import (
	"errors"
	"strings"

	"github.com/persiandb/persiandb/sql/catalog"
	"github.com/persiandb/persiandb/sql/dialect"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/sql/plan"
	"github.com/persiandb/persiandb/sql/sem"
	"github.com/persiandb/persiandb/storage"
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/opcode"
)

// fromItem is one relation of a FROM list that inner joins connect.
type fromItem struct {
	rel   *relation
	table *catalog.Table // base table, for access paths; nil otherwise
	first int            // position of its first column in the FROM-order layout
}

// cond is one conjunct of WHERE and the inner joins' ON clauses, with
// the FROM items it mentions.
type cond struct {
	n    ast.ExprNode
	refs uint64 // bit i: mentions item i (items beyond 63 share bit 63)
	used bool
}

func bit(i int) uint64 { return 1 << min(i, 63) }

// from plans FROM and WHERE: base relations with their own predicates
// pushed down to them (and turned into index spans where possible), then
// joined greedily so that each join is connected to what is already
// joined by some predicate whenever one exists, so no cross product is
// built that predicates could avoid.
func (p *Planner) from(refs *ast.TableRefsClause, where ast.ExprNode, parent *scope) (*relation, error) {
	if refs == nil {
		one := &relation{node: &plan.Values{Rows: [][]plan.Expr{{}}}, sc: &scope{parent: parent}}
		if where == nil {
			return one, nil
		}
		return p.filter(one, splitAnd(where, nil))
	}
	var items []*fromItem
	var conds []*cond
	if err := p.flatten(refs.TableRefs, parent, &items, &conds); err != nil {
		return nil, err
	}
	// Range variables must differ within one FROM (42712, no position in
	// Postgres either).
	if err := uniqueAliases(refs.TableRefs, map[string]bool{}); err != nil {
		return nil, err
	}
	for _, w := range splitAnd(where, nil) {
		conds = append(conds, &cond{n: w})
	}
	// The FROM-order layout decides names (duplicates, ambiguity) and
	// the final column order.
	all := &scope{parent: parent}
	owner := []int{}
	for i, it := range items {
		it.first = len(all.cols)
		all.cols = append(all.cols, it.rel.sc.cols...)
		for range it.rel.sc.cols {
			owner = append(owner, i)
		}
	}
	for _, c := range conds {
		c.refs = mentions(c.n, all, owner)
	}
	// Each item's own predicates, and those that mention no item, go
	// to the item itself.
	for i, it := range items {
		var own []ast.ExprNode
		for _, c := range conds {
			if !c.used && (c.refs == bit(i) && len(items) <= 64 || c.refs == 0 && i == 0) {
				own = append(own, c.n)
				c.used = true
			}
		}
		if len(own) > 0 {
			rel, err := p.restrict(it, own)
			if err != nil {
				return nil, err
			}
			it.rel = rel
		}
	}
	order := []int{0}
	joined := bit(0)
	cur := items[0].rel
	done := make([]bool, len(items))
	done[0] = true
	for len(order) < len(items) {
		next := -1
		for i := range items {
			if done[i] {
				continue
			}
			for _, c := range conds {
				if !c.used && c.refs&bit(i) != 0 && c.refs&joined != 0 && c.refs&^(joined|bit(i)) == 0 {
					next = i
					break
				}
			}
			if next >= 0 {
				break
			}
		}
		if next < 0 {
			for i := range items {
				if !done[i] {
					next = i
					break
				}
			}
		}
		var err error
		if cur, err = p.innerJoin(cur, items[next].rel, joined, bit(next), conds); err != nil {
			return nil, err
		}
		done[next] = true
		order = append(order, next)
		joined |= bit(next)
	}
	// Anything left (items beyond 64 share a bit) applies on top.
	var rest []ast.ExprNode
	for _, c := range conds {
		if !c.used {
			rest = append(rest, c.n)
			c.used = true
		}
	}
	if len(rest) > 0 {
		var err error
		if cur, err = p.filter(cur, rest); err != nil {
			return nil, err
		}
	}
	return reorder(cur, items, order, all), nil
}

// reorder restores FROM order after joining in another order.
func reorder(cur *relation, items []*fromItem, order []int, all *scope) *relation {
	inOrder := true
	for i, o := range order {
		inOrder = inOrder && i == o
	}
	if inOrder {
		return cur
	}
	pos := make([]int, len(items)) // item -> first column in cur
	at := 0
	for _, o := range order {
		pos[o] = at
		at += len(items[o].rel.sc.cols)
	}
	var exprs []plan.Expr
	var cols []plan.Column
	for i, it := range items {
		for j, c := range it.rel.sc.cols {
			exprs = append(exprs, plan.Col{Idx: pos[i] + j})
			cols = append(cols, plan.Column{Name: c.name, Type: c.typ.T})
		}
	}
	return &relation{node: &plan.Project{Input: cur.node, Exprs: exprs, Cols: cols}, sc: all}
}

// innerJoin joins item r to cur using the conditions that become
// applicable: equalities between the two sides are hash keys, the rest
// a residual filter.
func (p *Planner) innerJoin(cur, r *relation, joined, rbit uint64, conds []*cond) (*relation, error) {
	sc := &scope{parent: cur.sc.parent}
	sc.cols = append(append(sc.cols, cur.sc.cols...), r.sc.cols...)
	var lk, rk []plan.Expr
	var residual []plan.Expr
	width := len(cur.sc.cols)
	for _, c := range conds {
		if c.used || c.refs&^(joined|rbit) != 0 {
			continue
		}
		c.used = true
		if l, rr, ok := p.equiKey(c.n, cur.sc, r.sc, joined, rbit, width); ok {
			lk, rk = append(lk, l), append(rk, rr)
			continue
		}
		x, err := p.expr(exprCtx{sc: sc, clause: "WHERE"}, c.n)
		if err != nil {
			return nil, err
		}
		e, err := p.coerce(x, TypeOf(storage.TypeBool), sem.CastImplicit)
		if err != nil {
			return nil, argTypeErr("WHERE", x, err)
		}
		residual = append(residual, e)
	}
	var node plan.Node
	if len(lk) > 0 {
		node = &plan.HashJoin{Kind: plan.InnerJoin, Left: cur.node, Right: r.node, LeftKeys: lk, RightKeys: rk, Residual: andAll(residual)}
	} else {
		node = &plan.NestedLoopJoin{Kind: plan.InnerJoin, Left: cur.node, Right: r.node, On: andAll(residual)}
	}
	return &relation{node: node, sc: sc}, nil
}

// equiKey recognizes l = r with one side over the joined relations and
// the other over the new one, and binds each side on its own input.
func (p *Planner) equiKey(n ast.ExprNode, lsc, rsc *scope, joined, rbit uint64, width int) (plan.Expr, plan.Expr, bool) {
	for {
		pe, ok := n.(*ast.ParenthesesExpr)
		if !ok {
			break
		}
		n = pe.Expr
	}
	b, ok := n.(*ast.BinaryOperationExpr)
	if !ok || b.Op != opcode.EQ {
		return nil, nil, false
	}
	sides := [2]ast.ExprNode{b.L, b.R}
	for swap := 0; swap < 2; swap++ {
		ln, rn := sides[swap], sides[1-swap]
		l, errL := p.expr(exprCtx{sc: lsc, clause: "WHERE"}, ln)
		if errL != nil || l.open() || hasSubquery(ln) {
			continue
		}
		r, errR := p.expr(exprCtx{sc: rsc, clause: "WHERE"}, rn)
		if errR != nil || r.open() || hasSubquery(rn) {
			continue
		}
		if !refsOnlyCols(l.e) || !refsOnlyCols(r.e) {
			continue
		}
		cmp, err := p.compare(plan.EQ, l, r)
		if err != nil {
			return nil, nil, false
		}
		c := cmp.e.(plan.Cmp)
		return c.L, c.R, true
	}
	return nil, nil, false
}

// refsOnlyCols reports whether e reads some input column (a key made of
// constants alone is no join key).
func refsOnlyCols(e plan.Expr) bool {
	found := false
	walkExpr(e, func(e plan.Expr) {
		if _, ok := e.(plan.Col); ok {
			found = true
		}
	})
	return found
}

func hasSubquery(n ast.Node) bool {
	f := &subFinder{}
	n.Accept(f)
	return f.found
}

type subFinder struct{ found bool }

func (f *subFinder) Enter(n ast.Node) (ast.Node, bool) {
	switch n.(type) {
	case *ast.SubqueryExpr, *ast.ExistsSubqueryExpr:
		f.found = true
		return n, true
	}
	return n, false
}

func (f *subFinder) Leave(n ast.Node) (ast.Node, bool) { return n, true }

// walkExpr visits e and its operands (not subquery plans).
func walkExpr(e plan.Expr, f func(plan.Expr)) {
	f(e)
	switch e := e.(type) {
	case plan.Cmp:
		walkExpr(e.L, f)
		walkExpr(e.R, f)
	case plan.And:
		walkExpr(e.L, f)
		walkExpr(e.R, f)
	case plan.Or:
		walkExpr(e.L, f)
		walkExpr(e.R, f)
	case plan.Not:
		walkExpr(e.X, f)
	case plan.IsNull:
		walkExpr(e.X, f)
	case plan.Func:
		for _, a := range e.Args {
			walkExpr(a, f)
		}
	case plan.Case:
		for _, w := range e.Whens {
			walkExpr(w.Cond, f)
			walkExpr(w.Then, f)
		}
		if e.Else != nil {
			walkExpr(e.Else, f)
		}
	case plan.Coalesce:
		for _, a := range e.Args {
			walkExpr(a, f)
		}
	case plan.InList:
		walkExpr(e.X, f)
		for _, a := range e.List {
			walkExpr(a, f)
		}
	case plan.Subquery:
		if e.Left != nil {
			walkExpr(e.Left, f)
		}
	}
}

func andAll(es []plan.Expr) plan.Expr {
	var out plan.Expr
	for _, e := range es {
		if out == nil {
			out = e
		} else {
			out = plan.And{L: out, R: e}
		}
	}
	return out
}

// filter applies predicates (AST conjuncts) to a relation.
func (p *Planner) filter(rel *relation, conds []ast.ExprNode) (*relation, error) {
	var preds []plan.Expr
	for _, n := range conds {
		x, err := p.expr(exprCtx{sc: rel.sc, clause: "WHERE"}, n)
		if err != nil {
			return nil, err
		}
		e, err := p.coerce(x, TypeOf(storage.TypeBool), sem.CastImplicit)
		if err != nil {
			return nil, argTypeErr("WHERE", x, err)
		}
		preds = append(preds, e)
	}
	if len(preds) == 0 {
		return rel, nil
	}
	return &relation{node: &plan.Filter{Input: rel.node, Pred: andAll(preds)}, sc: rel.sc}, nil
}

// restrict applies an item's own predicates, choosing an access path for
// a base table.
func (p *Planner) restrict(it *fromItem, conds []ast.ExprNode) (*relation, error) {
	rel, err := p.filter(it.rel, conds)
	if err != nil || it.table == nil {
		return rel, err
	}
	f := rel.node.(*plan.Filter)
	return &relation{node: p.accessPath(it.table, f), sc: rel.sc}, nil
}

// splitAnd flattens AND chains.
func splitAnd(n ast.ExprNode, out []ast.ExprNode) []ast.ExprNode {
	switch e := n.(type) {
	case nil:
		return out
	case *ast.BinaryOperationExpr:
		if e.Op == opcode.LogicAnd {
			return splitAnd(e.R, splitAnd(e.L, out))
		}
	case *ast.ParenthesesExpr:
		if _, ok := e.Expr.(*ast.BinaryOperationExpr); ok {
			return splitAnd(e.Expr, out)
		}
	}
	return append(out, n)
}

// mentions finds the FROM items a condition's column references could
// name. It over-approximates (a subquery's own column with a clashing
// name counts), which only delays where the condition is applied.
func mentions(n ast.Node, all *scope, owner []int) uint64 {
	m := &mentioner{all: all, owner: owner}
	n.Accept(m)
	return m.refs
}

type mentioner struct {
	all   *scope
	owner []int
	refs  uint64
}

func (m *mentioner) Enter(n ast.Node) (ast.Node, bool) {
	if c, ok := n.(*ast.ColumnNameExpr); ok {
		qual, name := c.Name.Table.O, c.Name.Name.O
		for i, col := range m.all.cols {
			if col.name == name && (qual == "" || col.table == qual) {
				m.refs |= bit(m.owner[i])
			}
		}
	}
	return n, false
}

func (m *mentioner) Leave(n ast.Node) (ast.Node, bool) { return n, true }

// flatten collects the relations that inner and cross joins connect,
// and their ON conditions; outer joins are planned as single items.
func (p *Planner) flatten(n ast.ResultSetNode, parent *scope, items *[]*fromItem, conds *[]*cond) error {
	switch n := n.(type) {
	case *ast.Join:
		if n.Right == nil {
			return p.flatten(n.Left, parent, items, conds)
		}
		if n.Tp == ast.CrossJoin && len(n.Using) == 0 && !n.NaturalJoin && !n.StraightJoin {
			ni, nc := len(*items), len(*conds)
			if err := p.flatten(n.Left, parent, items, conds); err != nil {
				return err
			}
			if err := p.flatten(n.Right, parent, items, conds); err != nil {
				if !isFunctionScan(n.Right) || pgerr.CodeOf(err) != pgerr.UndefinedTable && pgerr.CodeOf(err) != pgerr.UndefinedColumn {
					return err
				}
				// A function in FROM that reads the items before it:
				// implicitly LATERAL, as in Postgres.
				*items, *conds = (*items)[:ni], (*conds)[:nc]
				rel, err := p.lateral(n.Left, n.Right.(*ast.TableSource), parent)
				if err != nil {
					return err
				}
				*items = append(*items, &fromItem{rel: rel})
			}
			if n.On != nil {
				for _, c := range splitAnd(n.On.Expr, nil) {
					*conds = append(*conds, &cond{n: c})
				}
			}
			return nil
		}
		rel, err := p.joinNode(n, parent)
		if err != nil {
			return err
		}
		*items = append(*items, &fromItem{rel: rel})
		return nil
	case *ast.TableSource:
		it, err := p.tableSource(n, parent)
		if err != nil {
			return err
		}
		*items = append(*items, it)
		return nil
	}
	return notSupported("FROM item %T is not supported", n)
}

// isFunctionScan reports whether n is a function call in FROM
// (generate_series or unnest, pdb_series_<i> in the text).
func isFunctionScan(n ast.ResultSetNode) bool {
	ts, ok := n.(*ast.TableSource)
	if !ok {
		return false
	}
	tn, ok := ts.Source.(*ast.TableName)
	return ok && strings.HasPrefix(tn.Name.O, dialect.SeriesTablePrefix)
}

// lateral plans left, then the function scan right with left's columns
// visible to its arguments (as outer references one level out).
func (p *Planner) lateral(left ast.ResultSetNode, right *ast.TableSource, parent *scope) (*relation, error) {
	l, err := p.fromRelation(left, parent)
	if err != nil {
		return nil, err
	}
	lat := &scope{parent: parent, cols: l.sc.cols}
	p.levels = append(p.levels, new(bool)) // the left row is one level out
	it, err := p.tableSource(right, lat)
	p.levels = p.levels[:len(p.levels)-1]
	if err != nil {
		return nil, err
	}
	sc := &scope{parent: parent, cols: append(append([]column(nil), l.sc.cols...), it.rel.sc.cols...)}
	return &relation{node: &plan.LateralJoin{Left: l.node, Right: it.rel.node}, sc: sc}, nil
}

// fromRelation plans any FROM subtree as one relation.
func (p *Planner) fromRelation(n ast.ResultSetNode, parent *scope) (*relation, error) {
	rel, err := p.from(&ast.TableRefsClause{TableRefs: asJoin(n)}, nil, parent)
	return rel, err
}

func asJoin(n ast.ResultSetNode) *ast.Join {
	if j, ok := n.(*ast.Join); ok {
		return j
	}
	return &ast.Join{Left: n}
}

// joinNode plans an outer join (or an inner join with USING/NATURAL).
func (p *Planner) joinNode(n *ast.Join, parent *scope) (*relation, error) {
	l, err := p.fromRelation(n.Left, parent)
	if err != nil {
		return nil, err
	}
	r, err := p.fromRelation(n.Right, parent)
	if err != nil {
		return nil, err
	}
	kind := plan.InnerJoin
	switch n.Tp {
	case ast.LeftJoin:
		kind = plan.LeftJoin
	case ast.RightJoin:
		kind = plan.RightJoin
	}
	if n.StraightJoin {
		kind = plan.FullJoin // the dialect's spelling of FULL JOIN
	}
	sc := &scope{parent: parent}
	sc.cols = append(append(sc.cols, l.sc.cols...), r.sc.cols...)
	width := len(l.sc.cols)
	var lk, rk, residual []plan.Expr
	using := columnNames(n.Using)
	if n.NaturalJoin {
		for _, lc := range l.sc.cols {
			if lc.hidden || lc.noStar {
				continue
			}
			if _, ok, _ := r.sc.lookup("", lc.name); ok {
				using = append(using, lc.name)
			}
		}
	}
	for _, name := range using {
		li, lok, err := l.sc.lookup("", name)
		if err != nil {
			return nil, err
		}
		ri, rok, err := r.sc.lookup("", name)
		if err != nil {
			return nil, err
		}
		if !lok || !rok {
			side := "left"
			if lok {
				side = "right"
			}
			return nil, pgerr.New(pgerr.UndefinedColumn, "column %q specified in USING clause does not exist in %s table", name, side)
		}
		cmp, err := p.compare(plan.EQ, texpr{e: plan.Col{Idx: li}, t: l.sc.cols[li].typ}, texpr{e: plan.Col{Idx: ri}, t: r.sc.cols[ri].typ})
		if err != nil {
			return nil, err
		}
		c := cmp.e.(plan.Cmp)
		lk, rk = append(lk, c.L), append(rk, c.R)
		// The joined column is named once: the right one is reachable
		// only qualified (a RIGHT join keeps the right one instead).
		if kind == plan.RightJoin {
			sc.cols[li].usingDup = true
		} else {
			sc.cols[width+ri].usingDup = true
		}
	}
	if n.On != nil {
		for _, cn := range splitAnd(n.On.Expr, nil) {
			if le, re, ok := p.equiKey(cn, l.sc, r.sc, 0, 0, width); ok {
				lk, rk = append(lk, le), append(rk, re)
				continue
			}
			x, err := p.expr(exprCtx{sc: sc, clause: "JOIN conditions"}, cn)
			if err != nil {
				return nil, err
			}
			e, err := p.coerce(x, TypeOf(storage.TypeBool), sem.CastImplicit)
			if err != nil {
				return nil, argTypeErr("JOIN/ON", x, err)
			}
			residual = append(residual, e)
		}
	}
	var node plan.Node
	if len(lk) > 0 {
		node = &plan.HashJoin{Kind: kind, Left: l.node, Right: r.node, LeftKeys: lk, RightKeys: rk, Residual: andAll(residual)}
	} else {
		node = &plan.NestedLoopJoin{Kind: kind, Left: l.node, Right: r.node, On: andAll(residual)}
	}
	return &relation{node: node, sc: sc}, nil
}

func columnNames(cs []*ast.ColumnName) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Name.O
	}
	return out
}

// tableSource plans a table, view, CTE or derived table with its alias.
func (p *Planner) tableSource(n *ast.TableSource, parent *scope) (*fromItem, error) {
	alias := n.AsName.O
	switch src := n.Source.(type) {
	case *ast.TableName:
		name := src.Name.O
		if alias == "" {
			alias = name
		}
		if strings.HasPrefix(name, dialect.SeriesTablePrefix) {
			return p.series(name, parent)
		}
		switch src.Schema.O {
		case "":
			if c := p.lookupCTE(name); c != nil {
				return &fromItem{rel: renamed(c.rel, alias, c.cols, parent)}, nil
			}
		case "public":
		case "pg_catalog", "information_schema":
			// System views come first in their own schemas, as the
			// schema qualification says.
			key := name
			if src.Schema.O != "pg_catalog" {
				key = src.Schema.O + "." + name
			}
			if it := p.virtual(key, alias, parent); it != nil {
				return it, nil
			}
			if src.Schema.O != "pg_catalog" {
				return nil, at(pgerr.New(pgerr.UndefinedTable, "relation \"%s.%s\" does not exist", src.Schema.O, name), p.relPos(src.Schema.O, name))
			}
		default:
			return nil, pgerr.New(pgerr.InvalidSchemaName, "schema %q does not exist", src.Schema.O)
		}
		t, err := p.Cat.Table(p.Txn, name)
		if errors.Is(err, catalog.ErrNotFound) {
			rel, ok, err := p.viewRelation(name, alias, parent)
			if err != nil {
				return nil, err
			}
			if ok {
				return &fromItem{rel: rel}, nil
			}
			if it := p.virtual(name, alias, parent); it != nil {
				return it, nil
			}
			shown := name
			if src.Schema.O != "" {
				shown = src.Schema.O + "." + name
			}
			return nil, at(pgerr.New(pgerr.UndefinedTable, "relation %q does not exist", shown), p.relPos(src.Schema.O, name))
		}
		if err != nil {
			return nil, err
		}
		sc := &scope{parent: parent}
		for i, c := range t.Columns {
			sc.cols = append(sc.cols, column{table: alias, name: c.Name, typ: columnType(c),
				hidden: c.Hidden || c.Dropped, dropped: c.Dropped, tableID: t.ID, colNum: int16(i + 1)})
		}
		return &fromItem{rel: &relation{node: &plan.Scan{Table: t}, sc: sc}, table: t}, nil
	case *ast.SelectStmt, *ast.SetOprStmt:
		if alias == "" {
			return nil, pgerr.New(pgerr.SyntaxError, "subquery in FROM must have an alias")
		}
		rel, err := p.query(src, parent)
		if err != nil {
			return nil, err
		}
		return &fromItem{rel: renamed(rel, alias, nil, parent)}, nil
	}
	return nil, notSupported("FROM item %T is not supported", n.Source)
}

// virtual plans a system view the executor fills (plan.Virtual), or
// returns nil if name is none. User tables and views of the same name
// come first.
func (p *Planner) virtual(name, alias string, parent *scope) *fromItem {
	if p.Virtual == nil {
		return nil
	}
	cols := p.Virtual(name)
	if cols == nil {
		return nil
	}
	sc := &scope{parent: parent}
	pcols := make([]plan.Column, len(cols))
	for i, c := range cols {
		sc.cols = append(sc.cols, column{table: alias, name: c.Name, typ: c.Type})
		pcols[i] = plan.Column{Name: c.Name, Type: c.Type.T}
	}
	return &fromItem{rel: &relation{node: &plan.Virtual{Name: name, Cols: pcols}, sc: sc}}
}

// renamed gives a relation's columns a range variable name (and column
// aliases).
func renamed(rel *relation, alias string, names []string, parent *scope) *relation {
	sc := &scope{parent: parent}
	for i, c := range rel.sc.cols {
		c.table = alias
		if i < len(names) {
			c.name = names[i]
		}
		sc.cols = append(sc.cols, c)
	}
	return &relation{node: rel.node, sc: sc}
}

// columnType is a catalog column's type.
func columnType(c catalog.Column) Type {
	name := c.PgType
	if name == "" {
		name = c.Type.String()
	}
	return Type{T: c.Type, Name: name, Typmod: c.Typmod}
}
