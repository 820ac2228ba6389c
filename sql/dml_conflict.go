package sql

import (
	"bytes"
	"errors"

	"github.com/persiandb/persiandb/sql/exec"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/sql/planner"
	"github.com/persiandb/persiandb/storage"
	"github.com/persiandb/persiandb/txn"
)

// conflict runs INSERT ... ON CONFLICT for one statement, as Postgres's
// speculative insertion does:
//
//  1. For each arbiter index, look for a live row (the newest version,
//     waiting for a running writer) with the proposed row's key. Found:
//     DO NOTHING skips the row; DO UPDATE re-checks its WHERE on the
//     existing row and the proposed one (excluded) and writes the new row
//     in place of the existing one, expecting exactly the version found.
//     If that version changed meanwhile, start over at 1.
//  2. None found: insert. A unique violation on an arbiter means a
//     concurrent insert won the race since step 1: start over. On another
//     index it is the statement's error.
//
// A row that this statement inserted or updated is not updated again:
// that is 21000, since the outcome would depend on the order of the
// proposed rows.
type conflict struct {
	r      *dmlRun
	w      *rowWriter
	plan   *planner.Conflict
	pred   exec.Eval
	newRow compiled
	checks compiled
	ixs    []*storage.Index // per arbiter, its storage index (nil for the primary key)
}

func (r *dmlRun) conflict(w *rowWriter, p *planner.Conflict) (*conflict, error) {
	c := &conflict{r: r, w: w, plan: p, newRow: r.compile(p.New), checks: r.compile(p.CheckExprs)}
	if p.Pred != nil {
		c.pred = exec.Compile(r.ec, p.Pred)
	}
	for _, a := range p.Arbiters {
		var six *storage.Index
		if !a.Primary {
			if six = storageIndex(w.st, a.Index.ID); six == nil {
				return nil, pgerr.New(pgerr.InternalError, "index %q of table %q has no storage", a.Index.Name, w.t.Name)
			}
		}
		c.ixs = append(c.ixs, six)
	}
	return c, nil
}

func storageIndex(st *storage.Table, id uint32) *storage.Index {
	for _, x := range st.Indexes() {
		if x.Spec().ID == id {
			return x
		}
	}
	return nil
}

// insert handles one proposed row (checked, its row id assigned) and
// reports whether a row was inserted or updated.
func (c *conflict) insert(row []storage.Value, ret *returning) (bool, error) {
	r, w := c.r, c.w
	raced := false // the last insert met an arbiter conflict find missed
	for {
		key, cur, found, err := c.find(row)
		if err != nil {
			return false, err
		}
		if found {
			if c.plan.DoNothing {
				return false, nil
			}
			done, retry, err := c.update(key, cur, row, ret)
			if retry {
				continue
			}
			return done, err
		}
		err = w.insert(r.ctx, row)
		var ue *txn.UniqueError
		if errors.As(err, &ue) && c.isArbiter(ue.Index) && !raced {
			// A concurrent insert won since find looked: look again. A
			// second miss in a row is reported, not retried forever.
			raced = true
			continue
		}
		if err != nil {
			return false, err
		}
		if !c.plan.DoNothing {
			r.noteWritten(w.t, w.keyOf(row))
		}
		if err := r.afterInsert(w, row); err != nil {
			return false, err
		}
		return true, ret.add(row)
	}
}

func (c *conflict) isArbiter(index string) bool {
	for _, a := range c.plan.Arbiters {
		if a.Primary && index == "" || !a.Primary && a.Index.Name == index {
			return true
		}
	}
	return false
}

// find looks for a live row conflicting with row on an arbiter index and
// returns its primary key and newest version.
func (c *conflict) find(row []storage.Value) (key, cur []byte, found bool, err error) {
	w := c.w
	for i, a := range c.plan.Arbiters {
		if a.Primary {
			key = w.keyOf(row)
			if cur, found, err = w.probe(c.r.ctx, key); err != nil || found {
				return key, cur, found, err
			}
			continue
		}
		var ik []byte
		null := false
		for j, col := range a.Index.Columns {
			if row[col].IsNull() {
				null = true // NULLs never conflict
				break
			}
			var kc storage.KeyColumn
			if j < len(a.Index.Keys) {
				kc = a.Index.Keys[j]
			}
			ik = storage.AppendKeyValue(ik, row[col], kc)
		}
		if null {
			continue
		}
		var pks [][]byte
		c.ixs[i].Ascend(ik, storage.PrefixEnd(ik), func(_, pk []byte) bool {
			pks = append(pks, append([]byte(nil), pk...))
			return true
		})
		var buf []byte
		for _, pk := range pks {
			v, ok, err := w.probe(c.r.ctx, pk)
			if err != nil {
				return nil, nil, false, err
			}
			if !ok {
				continue
			}
			if buf, _, err = c.ixs[i].Key(buf[:0], v); err != nil {
				return nil, nil, false, err
			}
			if bytes.Equal(buf, ik) {
				return pk, v, true, nil
			}
		}
	}
	return nil, nil, false, nil
}

// update runs DO UPDATE on the existing row (key, cur) for the proposed
// row. retry asks the caller to start over: the row changed or went away.
func (c *conflict) update(key, cur []byte, proposed []storage.Value, ret *returning) (done, retry bool, err error) {
	r, w := c.r, c.w
	if r.wasWritten(w.t, key) {
		return false, false, pgerr.New(pgerr.CardinalityViolation, "ON CONFLICT DO UPDATE command cannot affect row a second time").
			WithHint("Ensure that no rows proposed for insertion within the same command have duplicate constrained values.")
	}
	ncols := len(w.t.Columns)
	row := make([]storage.Value, ncols, 2*ncols)
	if err := w.decode(cur, row); err != nil {
		return false, false, err
	}
	row = append(row, proposed...)
	if ok, err := isTrue(c.pred, row); err != nil || !ok {
		return false, false, err
	}
	nr, err := c.newRow.eval(row)
	if err != nil {
		return false, false, err
	}
	if err := w.checkWith(c.checks, nr); err != nil {
		return false, false, err
	}
	o, _, err := w.replace(r.ctx, key, cur, nr)
	if err != nil || o != wrote {
		return false, err == nil, err
	}
	r.noteWritten(w.t, w.keyOf(nr))
	if err := r.afterUpdate(w, row[:ncols], nr); err != nil {
		return false, false, err
	}
	return true, false, ret.add(nr)
}
