package sql

import (
	"context"
	"strconv"

	"github.com/persiandb/persiandb/sql/dialect"
	"github.com/persiandb/persiandb/sql/exec"
	"github.com/persiandb/persiandb/storage"
	"github.com/persiandb/persiandb/txn"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// update runs UPDATE t SET ... [FROM ...] [WHERE ...] [RETURNING ...].
func (s *Session) update(ctx context.Context, tx *txn.Txn, st *dialect.Stmt, n *ast.UpdateStmt, params []storage.Value) (*Result, error) {
	d, err := s.plan.PlanUpdate(n)
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
	var done map[string]bool // target rows already written, by key (joins only)
	if d.Joined {
		done = map[string]bool{}
	}
	count := 0
	err = drain(it, func(row []storage.Value) error {
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
			nr, err := newRow.eval(row)
			if err != nil {
				return err
			}
			if err := w.checkWith(checks, nr); err != nil {
				return err
			}
			o, cur, err := w.replace(ctx, key, expected, nr)
			if err != nil {
				return err
			}
			switch o {
			case gone:
				return nil
			case changed:
				// READ COMMITTED: re-evaluate on the newest version.
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
			if err := r.afterUpdate(w, old, nr); err != nil {
				return err
			}
			return ret.add(append(nr, row[ncols:]...))
		}
	})
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
	d, err := s.plan.PlanDelete(n)
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
	var done map[string]bool
	if d.Joined {
		done = map[string]bool{}
	}
	count := 0
	err = drain(it, func(row []storage.Value) error {
		old := row[:ncols]
		key := w.keyOf(old)
		if done != nil && done[string(key)] {
			return nil
		}
		expected, err := w.encode(old)
		if err != nil {
			return err
		}
		for {
			o, cur, err := w.remove(ctx, key, expected)
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
			if err := r.afterDelete(w, old); err != nil {
				return err
			}
			return ret.add(row)
		}
	})
	if err != nil {
		return nil, err
	}
	if err := r.finish(); err != nil {
		return nil, err
	}
	return ret.result("DELETE "+strconv.Itoa(count), d.Returning), nil
}
