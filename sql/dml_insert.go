package sql

import (
	"context"
	"github.com/persiandb/persiandb/sql/planner"
	"strconv"

	"github.com/persiandb/persiandb/sql/dialect"
	"github.com/persiandb/persiandb/sql/exec"
	"github.com/persiandb/persiandb/storage"
	"github.com/persiandb/persiandb/txn"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// insert runs INSERT [ON CONFLICT ...] [RETURNING ...].
func (s *Session) insert(ctx context.Context, tx *txn.Txn, st *dialect.Stmt, n *ast.InsertStmt, params []storage.Value) (*Result, error) {
	ins, err := cachedPlan(s, func() (*planner.Insert, error) { return s.plan.PlanInsert(n) })
	if err != nil {
		return nil, err
	}
	t := ins.Table
	r := s.newRun(ctx, tx, params)
	w, err := r.writer(t)
	if err != nil {
		return nil, err
	}
	it, err := exec.Build(r.ec, ins.Source)
	if err != nil {
		return nil, err
	}
	ret := r.returning(ins.Returning)
	var oc *conflict
	if ins.OnConflict != nil {
		if oc, err = r.conflict(w, ins.OnConflict); err != nil {
			it.Close()
			return nil, err
		}
	}
	ncols := len(t.Columns)
	count := 0
	err = drain(it, func(full []storage.Value) error {
		row := full[:ncols]
		if err := w.check(row, full[ncols:], ins.Checks); err != nil {
			return err
		}
		w.assignRowID(row)
		if oc != nil {
			done, err := oc.insert(row, ret)
			if done {
				count++
			}
			return err
		}
		if err := w.insert(ctx, row); err != nil {
			return err
		}
		count++
		if err := r.afterInsert(w, row); err != nil {
			return err
		}
		return ret.add(row)
	})
	if err != nil {
		return nil, err
	}
	if err := r.finish(); err != nil {
		return nil, err
	}
	return ret.result("INSERT 0 "+strconv.Itoa(count), ins.Returning), nil
}
