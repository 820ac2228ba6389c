package planner

import (
	"errors"

	"github.com/persiandb/persiandb/sql/catalog"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/sql/plan"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// rowLock is a SELECT's locking clause (FOR UPDATE, FOR SHARE) as
// planned: the one table whose rows are locked, its key's positions in
// the projection, and the policy for rows others hold.
type rowLock struct {
	clause string // "FOR UPDATE" or "FOR SHARE", for messages
	table  *catalog.Table
	key    []int
	policy plan.LockPolicy
}

func (l *rowLock) notAllowed(what string) error {
	return pgerr.New(pgerr.FeatureNotSupported, "%s is not allowed with %s", l.clause, what)
}

// lockClause checks n's locking clause, if any. FOR SHARE takes the same
// exclusive row lock as FOR UPDATE (here a row lock is a new version of
// the row): it blocks more than Postgres's shared lock, never less.
// Only a SELECT from one table can lock rows.
func (p *Planner) lockClause(n *ast.SelectStmt) (*rowLock, error) {
	if n.LockInfo == nil {
		return nil, nil
	}
	l := &rowLock{clause: "FOR UPDATE"}
	switch n.LockInfo.LockType {
	case ast.SelectLockForUpdate:
	case ast.SelectLockForShare:
		l.clause = "FOR SHARE"
	case ast.SelectLockForUpdateNoWait:
		l.policy = plan.LockNoWait
	case ast.SelectLockForShareNoWait:
		l.clause, l.policy = "FOR SHARE", plan.LockNoWait
	case ast.SelectLockForUpdateSkipLocked:
		l.policy = plan.LockSkip
	case ast.SelectLockForShareSkipLocked:
		l.clause, l.policy = "FOR SHARE", plan.LockSkip
	default:
		return nil, notSupported("this locking clause is not supported")
	}
	name, alias := singleTable(n.From)
	if name == nil {
		return nil, notSupported("%s is supported on a single table only (no joins, subqueries or functions in FROM)", l.clause)
	}
	for _, of := range n.LockInfo.Tables {
		if of.Name.O != alias {
			return nil, pgerr.New(pgerr.UndefinedTable, "relation %q in %s clause not found in FROM clause", of.Name.O, l.clause)
		}
	}
	t, err := p.Cat.Table(p.Txn, name.Name.O)
	if errors.Is(err, catalog.ErrNotFound) {
		return nil, notSupported("%s is supported on tables only, not on %q", l.clause, name.Name.O)
	}
	if err != nil {
		return nil, err
	}
	l.table = t
	return l, nil
}

// singleTable returns the table a FROM clause names when it is one
// table and nothing else, and the name it goes by there (its alias).
func singleTable(from *ast.TableRefsClause) (*ast.TableName, string) {
	if from == nil || from.TableRefs == nil || from.TableRefs.Right != nil {
		return nil, ""
	}
	ts, ok := from.TableRefs.Left.(*ast.TableSource)
	if !ok {
		return nil, ""
	}
	name, _ := ts.Source.(*ast.TableName)
	if name == nil {
		return nil, ""
	}
	if ts.AsName.O != "" {
		return name, ts.AsName.O
	}
	return name, name.Name.O
}
