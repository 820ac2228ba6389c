package planner

import (
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// PlanDelete plans DELETE FROM t [AS a] [USING ...] [WHERE ...]
// [RETURNING ...]. The dialect writes USING as MySQL's "DELETE a FROM t AS
// a, <using list>", the target first.
func (p *Planner) PlanDelete(n *ast.DeleteStmt) (*DML, error) {
	if n.Order != nil || n.Limit != nil {
		return nil, pgerr.New(pgerr.SyntaxError, "syntax error: DELETE takes no ORDER BY or LIMIT")
	}
	if n.IsMultiTable && (!n.BeforeFrom || n.Tables == nil || len(n.Tables.Tables) != 1) {
		return nil, notSupported("this form of DELETE is not supported")
	}
	if n.With != nil {
		pop, err := p.with(n.With, nil)
		if err != nil {
			return nil, err
		}
		defer pop()
	}
	d, rel, err := p.dmlSource(n.TableRefs, n.Where, "DELETE")
	if err != nil {
		return nil, err
	}
	if d.Returning, err = p.returning(returningScope(d.Table, d.Alias, rel.sc)); err != nil {
		return nil, err
	}
	return d, nil
}
