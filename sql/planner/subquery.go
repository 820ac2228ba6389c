package planner

import (
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/sql/plan"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// subquery plans a query nested in an expression of scope sc.
func (p *Planner) subquery(c exprCtx, n ast.ExprNode) (*relation, bool, error) {
	sq, ok := n.(*ast.SubqueryExpr)
	if !ok {
		return nil, false, pgerr.New(pgerr.SyntaxError, "subquery expected")
	}
	correlated := false
	p.levels = append(p.levels, &correlated)
	rel, err := p.query(sq.Query, c.sc)
	p.levels = p.levels[:len(p.levels)-1]
	return rel, correlated, err
}

func (p *Planner) scalarSubquery(c exprCtx, n *ast.SubqueryExpr) (texpr, error) {
	rel, corr, err := p.subquery(c, n)
	if err != nil {
		return texpr{}, err
	}
	if len(rel.sc.cols) != 1 {
		return texpr{}, pgerr.New(pgerr.SyntaxError, "subquery must return only one column")
	}
	return texpr{e: plan.Subquery{Kind: plan.SubScalar, Plan: rel.node, Correlated: corr}, t: rel.sc.cols[0].typ}, nil
}

func (p *Planner) exists(c exprCtx, n *ast.ExistsSubqueryExpr) (texpr, error) {
	rel, corr, err := p.subquery(c, n.Sel)
	if err != nil {
		return texpr{}, err
	}
	var e plan.Expr = plan.Subquery{Kind: plan.SubExists, Plan: rel.node, Correlated: corr}
	if n.Not {
		e = plan.Not{X: e}
	}
	return boolExpr(e), nil
}

func (p *Planner) compareSubquery(c exprCtx, n *ast.CompareSubqueryExpr) (texpr, error) {
	op, ok := cmpOps[n.Op]
	if !ok || op == plan.NotDistinct {
		return texpr{}, notSupported("operator %s with a subquery is not supported", n.Op)
	}
	return p.anySubquery(c, n.L, op, n.R, n.All)
}

// anySubquery binds left op ANY/ALL (subquery); IN is = ANY.
func (p *Planner) anySubquery(c exprCtx, left ast.ExprNode, op plan.CmpOp, sub ast.ExprNode, all bool) (texpr, error) {
	l, err := p.expr(c, left)
	if err != nil {
		return l, err
	}
	rel, corr, err := p.subquery(c, sub)
	if err != nil {
		return texpr{}, err
	}
	if len(rel.sc.cols) != 1 {
		return texpr{}, pgerr.New(pgerr.SyntaxError, "subquery has too many columns")
	}
	rt := rel.sc.cols[0].typ
	r := texpr{e: plan.Col{Idx: 0}, t: rt}
	if isPlainJSON(rt) || isPlainJSON(l.t) && !l.open() {
		return texpr{}, errOperator(l, cmpOpText[op], r)
	}
	es, t, err := p.unify([]texpr{l, r}, "IN")
	if err != nil {
		if _, ok := widen(l.t.T, rt.T); !ok && !l.open() {
			return texpr{}, pgerr.New(pgerr.UndefinedFunction, "operator does not exist: %s = %s", l.t.Name, rt.Name)
		}
		return texpr{}, err
	}
	node := rel.node
	if t.T != rt.T {
		node = &plan.Project{Input: node, Exprs: []plan.Expr{p.castFn(plan.Col{Idx: 0}, t, false)},
			Cols: []plan.Column{{Name: rel.sc.cols[0].name, Type: t.T}}}
	}
	kind := plan.SubAny
	if all {
		kind = plan.SubAll
	}
	return boolExpr(plan.Subquery{Kind: kind, Plan: node, Left: es[0], Op: op, Correlated: corr}), nil
}
