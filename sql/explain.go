package sql

import (
	"context"
	"fmt"
	"time"

	"github.com/persiandb/persiandb/sql/exec"

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
	rs, ok := n.Stmt.(ast.ResultSetNode)
	if !ok {
		return nil, pgerr.New(pgerr.FeatureNotSupported, "EXPLAIN of %T is not supported yet", n.Stmt)
	}
	start := time.Now()
	q, err := s.plan.PlanSelect(rs)
	if err != nil {
		return nil, err
	}
	r := &Result{Columns: explainColumns, Tag: "EXPLAIN"}
	lines := plan.Explain(q.Plan)
	if n.Analyze {
		planned := time.Since(start)
		if lines, err = s.explainAnalyze(ctx, tx, q.Plan, params); err != nil {
			return nil, err
		}
		lines = append(lines, fmt.Sprintf("Planning Time: %.3f ms", ms(planned)))
		lines = append(lines, fmt.Sprintf("Execution Time: %.3f ms", ms(time.Since(start)-planned)))
	}
	for _, line := range lines {
		r.Rows = append(r.Rows, []storage.Value{storage.Text(line)})
	}
	return r, nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// explainAnalyze runs the query, discarding its rows, and renders the
// plan with the rows each node returned over all the times it ran
// (loops: a node under a nested loop runs once per outer row).
func (s *Session) explainAnalyze(ctx context.Context, tx *txn.Txn, p plan.Node, params []storage.Value) ([]string, error) {
	type count struct{ rows, loops int64 }
	var counts map[plan.Node]*count
	_, err := s.runPlan(ctx, tx, p, params, func() func(plan.Node, exec.Iterator) exec.Iterator {
		counts = map[plan.Node]*count{} // a run again starts over
		return func(n plan.Node, it exec.Iterator) exec.Iterator {
			c := counts[n]
			if c == nil {
				c = &count{}
				counts[n] = c
			}
			c.loops++
			return &countingIter{Iterator: it, rows: &c.rows}
		}
	})
	if err != nil {
		return nil, err
	}
	return plan.ExplainWith(p, func(n plan.Node) string {
		c := counts[n]
		if c == nil {
			return " (never executed)"
		}
		return fmt.Sprintf("  (actual rows=%d loops=%d)", c.rows, c.loops)
	}), nil
}

// countingIter counts the rows an iterator returns.
type countingIter struct {
	exec.Iterator
	rows *int64
}

func (c *countingIter) Next() (exec.Row, error) {
	row, err := c.Iterator.Next()
	if err == nil && row != nil {
		*c.rows++
	}
	return row, err
}

// explainColumns is EXPLAIN's row shape, known before it runs.
var explainColumns = []planner.ResultColumn{{Name: "QUERY PLAN", Type: planner.TypeOf(storage.TypeText)}}
