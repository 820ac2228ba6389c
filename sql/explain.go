package sql

import (
	"context"

	"github.com/persiandb/persiandb/sql/dialect"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/sql/plan"
	"github.com/persiandb/persiandb/sql/planner"
	"github.com/persiandb/persiandb/storage"
	"github.com/persiandb/persiandb/txn"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// explain shows the plan chosen for a query, one line per row in a
// column named "QUERY PLAN", as Postgres does.
func (s *Session) explain(ctx context.Context, tx *txn.Txn, st *dialect.Stmt, n *ast.ExplainStmt, params []storage.Value) (*Result, error) {
	if n.Analyze {
		return nil, pgerr.New(pgerr.FeatureNotSupported, "EXPLAIN ANALYZE is not supported yet")
	}
	rs, ok := n.Stmt.(ast.ResultSetNode)
	if !ok {
		return nil, pgerr.New(pgerr.FeatureNotSupported, "EXPLAIN of %T is not supported yet", n.Stmt)
	}
	q, err := s.plan.PlanSelect(rs)
	if err != nil {
		return nil, err
	}
	r := &Result{Columns: explainColumns, Tag: "EXPLAIN"}
	for _, line := range plan.Explain(q.Plan) {
		r.Rows = append(r.Rows, []storage.Value{storage.Text(line)})
	}
	return r, nil
}

// explainColumns is EXPLAIN's row shape, known before it runs.
var explainColumns = []planner.ResultColumn{{Name: "QUERY PLAN", Type: planner.TypeOf(storage.TypeText)}}
