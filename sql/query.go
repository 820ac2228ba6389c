package sql

import (
	"context"
	"errors"
	"github.com/persiandb/persiandb/sql/pgerr"

	"github.com/persiandb/persiandb/sql/exec"
	"github.com/persiandb/persiandb/sql/plan"
	"github.com/persiandb/persiandb/sql/planner"
	"github.com/persiandb/persiandb/storage"
	"github.com/persiandb/persiandb/txn"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// query plans and runs a SELECT, collecting its rows.
func (s *Session) query(ctx context.Context, tx *txn.Txn, n ast.ResultSetNode, params []storage.Value) (*Result, error) {
	q, err := s.plan.PlanSelect(n)
	if err != nil {
		return nil, err
	}
	rows, err := s.collect(ctx, tx, q.Plan, params)
	if err != nil {
		return nil, err
	}
	s.regNames(q.Columns, rows)
	return &Result{Columns: q.Columns, Rows: rows, Tag: selectTag(len(rows)), Notices: s.takeNotices()}, nil
}

// takeNotices returns the warnings functions raised in the query that
// just ran.
func (s *Session) takeNotices() []*pgerr.Error {
	n := s.notices
	s.notices = nil
	return n
}

// regNames replaces the OIDs in result columns of a reg* type by the
// names they stand for, as Postgres's output functions print them
// (conrelid::regclass is the table's name). The values stay OIDs inside
// the statement, where they compare as numbers; they become text only
// on the way out, while the transaction that read them is still open,
// which is also why the reg* types have no binary format here.
func (s *Session) regNames(cols []planner.ResultColumn, rows [][]storage.Value) {
	for i, c := range cols {
		if !c.Type.IsReg() {
			continue
		}
		for _, r := range rows {
			if i < len(r) && !r[i].IsNull() && r[i].Type() != storage.TypeText {
				r[i] = storage.Text(s.sem.Catalog.RegOut(c.Type.Name, r[i].AsInt64()))
			}
		}
	}
}

// execContext returns the session's execution context for a statement;
// it is reused, as a session runs one statement at a time.
func (s *Session) execContext(ctx context.Context, tx *txn.Txn, params []storage.Value) *exec.Context {
	scratch := s.ectx.Scratch()
	s.ectx = exec.Context{Ctx: ctx, Txn: tx, Catalog: s.e.cat, Params: params, Now: s.sem.Now, Location: s.sem.Loc, Sem: &s.sem, Virtual: s.virtual}
	s.ectx.SetScratch(scratch)
	return &s.ectx
}

// collect runs a plan to the end.
func (s *Session) collect(ctx context.Context, tx *txn.Txn, p plan.Node, params []storage.Value) ([][]storage.Value, error) {
	return s.runPlan(ctx, tx, p, params, nil)
}

// runPlan is collect; observer, when not nil, gives each run of the plan
// the exec.Context.Observe it runs with (EXPLAIN ANALYZE's counters).
func (s *Session) runPlan(ctx context.Context, tx *txn.Txn, p plan.Node, params []storage.Value,
	observer func() func(plan.Node, exec.Iterator) exec.Iterator) ([][]storage.Value, error) {
	s.notices = nil
	for {
		ec := s.execContext(ctx, tx, params)
		if observer != nil {
			ec.Observe = observer()
		}
		it, err := exec.Build(ec, p)
		var rows [][]storage.Value
		if err == nil {
			rows, err = exec.Collect(it)
		}
		ec.Observe = nil
		if !errors.Is(err, exec.ErrRowChanged) {
			return rows, err
		}
		// SELECT ... FOR UPDATE locked a row that changed since the
		// snapshot (READ COMMITTED): run it again on a new one, as
		// Postgres rechecks such a row. The rows locked stay locked, so
		// every run has at least one more row that cannot change again.
		tx.NewStatement()
	}
}
