package planner

import "github.com/pingcap/tidb/pkg/parser/ast"

// sequenceCall binds nextval/currval/setval/lastval.
func (p *Planner) sequenceCall(c exprCtx, n *ast.FuncCallExpr) (texpr, error) {
	return texpr{}, notSupported("sequences are not supported yet: %s", n.FnName.L)
}
