package exec

import (
	"errors"

	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/sql/plan"
	"github.com/persiandb/persiandb/storage"
	"github.com/persiandb/persiandb/txn"
)

// ErrRowChanged ends a plan.LockRows run that locked a row committed
// after the statement's snapshot (READ COMMITTED): the rows read are out
// of date. The statement is run again on a new snapshot; the rows locked
// so far stay locked, so each run settles at least one more row.
var ErrRowChanged = errors.New("exec: a locked row changed since the snapshot")

var lockPolicies = [...]txn.LockPolicy{plan.LockWait: txn.LockWait, plan.LockNoWait: txn.LockNoWait, plan.LockSkip: txn.LockSkip}

type lockIter struct {
	c     *Context
	in    Iterator
	n     *plan.LockRows
	tbl   *storage.Table
	kcols []storage.KeyColumn
	key   []byte
}

func buildLockRows(c *Context, n *plan.LockRows) (Iterator, error) {
	in, err := Build(c, n.Input)
	if err != nil {
		return nil, err
	}
	tbl := c.Catalog.Storage(n.Table)
	if tbl == nil {
		return nil, pgerr.New(pgerr.UndefinedTable, "relation %q does not exist", n.Table.Name)
	}
	kcols := make([]storage.KeyColumn, len(n.Key))
	copy(kcols, n.Table.PrimaryKey.Keys)
	return &lockIter{c: c, in: in, n: n, tbl: tbl, kcols: kcols}, nil
}

func (it *lockIter) Next() (Row, error) {
	for {
		row, err := it.in.Next()
		if row == nil || err != nil {
			return row, err
		}
		it.key = it.key[:0]
		for i, k := range it.n.Key {
			it.key = storage.AppendKeyValue(it.key, row[k], it.kcols[i])
		}
		res, err := it.c.Txn.LockRow(it.c.Ctx, it.tbl, it.key, lockPolicies[it.n.Policy])
		switch {
		case errors.Is(err, txn.ErrLockNotAvailable):
			return nil, pgerr.New(pgerr.LockNotAvailable, "could not obtain lock on row in relation %q", it.n.Table.Name)
		case err != nil:
			return nil, err
		case res.Changed:
			return nil, ErrRowChanged
		case res.Locked:
			return row, nil
		}
		// Skipped, or deleted by a transaction that committed since the
		// snapshot: not a row of the result.
	}
}

func (it *lockIter) Close() error { return it.in.Close() }
