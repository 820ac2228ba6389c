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

// update runs UPDATE t SET ... [FROM ...] [WHERE ...] [RETURNING ...].
func (s *Session) update(ctx context.Context, tx *txn.Txn, st *dialect.Stmt, n *ast.UpdateStmt, params []storage.Value) (*Result, error) {
	d, err := cachedPlan(s, func() (*planner.DML, error) { return s.plan.PlanUpdate(n) })
	if err != nil {
		return nil, err
	}
	t := d.Table
	r := s.newRun(ctx, tx, params)
	w, err := r.writer(t)
	if err != nil {
		return nil, err
	}
	it, err := exec.Build(r.ec, d.Source)
	if err != nil {
		return nil, err
	}
	var pred exec.Eval
	if d.Pred != nil {
		pred = exec.Compile(r.ec, d.Pred)
	}
	newRow, checks := r.compile(d.New), r.compile(d.CheckExprs)
	ret := r.returning(d.Returning)
	ncols := len(t.Columns)
	var nr []storage.Value // the new row of the last write
	write := func(row []storage.Value, key, expected []byte) (outcome, []byte, error) {
		var err error
		if nr, err = newRow.eval(row); err != nil {
			return 0, nil, err
		}
		if err := w.checkWith(checks, nr); err != nil {
			return 0, nil, err
		}
		return w.replace(ctx, key, expected, nr)
	}
	after := func(row []storage.Value) error {
		if err := r.afterUpdate(w, row[:ncols], nr); err != nil {
			return err
		}
		return ret.add(append(nr, row[ncols:]...))
	}
	count, err := r.eachTarget(it, w, pred, d.Joined, ncols, write, after)
	if err != nil {
		return nil, err
	}
	if err := r.finish(); err != nil {
		return nil, err
	}
	return ret.result("UPDATE "+strconv.Itoa(count), d.Returning), nil
}

// delete runs DELETE FROM t [USING ...] [WHERE ...] [RETURNING ...].
func (s *Session) delete(ctx context.Context, tx *txn.Txn, st *dialect.Stmt, n *ast.DeleteStmt, params []storage.Value) (*Result, error) {
	d, err := cachedPlan(s, func() (*planner.DML, error) { return s.plan.PlanDelete(n) })
	if err != nil {
		return nil, err
	}
	t := d.Table
	r := s.newRun(ctx, tx, params)
	w, err := r.writer(t)
	if err != nil {
		return nil, err
	}
	it, err := exec.Build(r.ec, d.Source)
	if err != nil {
		return nil, err
	}
	var pred exec.Eval
	if d.Pred != nil {
		pred = exec.Compile(r.ec, d.Pred)
	}
	ret := r.returning(d.Returning)
	ncols := len(t.Columns)
	write := func(row []storage.Value, key, expected []byte) (outcome, []byte, error) {
		return w.remove(ctx, key, expected)
	}
	after := func(row []storage.Value) error {
		if err := r.afterDelete(w, row[:ncols]); err != nil {
			return err
		}
		return ret.add(row)
	}
	count, err := r.eachTarget(it, w, pred, d.Joined, ncols, write, after)
	if err != nil {
		return nil, err
	}
	if err := r.finish(); err != nil {
		return nil, err
	}
	return ret.result("DELETE "+strconv.Itoa(count), d.Returning), nil
}

// eachTarget drives UPDATE and DELETE over the rows of it, whose first
// ncols columns are the target row. With a join (FROM, USING) only a
// target row's first join row counts. write applies the change to the
// version the statement read (expected); if a concurrent commit changed
// the row (READ COMMITTED), the newest version replaces the target
// columns of row, the predicate is checked on it again and write runs
// again. after runs once the change is made.
func (r *dmlRun) eachTarget(it exec.Iterator, w *rowWriter, pred exec.Eval, joined bool, ncols int,
	write func(row []storage.Value, key, expected []byte) (outcome, []byte, error), after func(row []storage.Value) error) (int, error) {
	var done map[string]bool // target rows already written, by key
	if joined {
		done = map[string]bool{}
	}
	count := 0
	err := drain(it, func(row []storage.Value) error {
		old := row[:ncols]
		key := w.keyOf(old)
		if done != nil && done[string(key)] {
			return nil // a later join row of a row written: the first one wins
		}
		expected, err := w.encode(old)
		if err != nil {
			return err
		}
		for {
			o, cur, err := write(row, key, expected)
			if err != nil {
				return err
			}
			switch o {
			case gone:
				return nil
			case changed:
				if err := w.decode(cur, old); err != nil {
					return err
				}
				expected = cur
				if ok, err := isTrue(pred, row); err != nil || !ok {
					return err
				}
				continue
			}
			if done != nil {
				done[string(key)] = true
			}
			count++
			return after(row)
		}
	})
	return count, err
}
