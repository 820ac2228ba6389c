package sql

import (
	"context"

	"github.com/persiandb/persiandb/sql/dialect"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/storage"
	"github.com/persiandb/persiandb/txn"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

func (s *Session) update(ctx context.Context, tx *txn.Txn, st *dialect.Stmt, n *ast.UpdateStmt, params []storage.Value) (*Result, error) {
	return nil, pgerr.New(pgerr.FeatureNotSupported, "UPDATE is not supported yet")
}

func (s *Session) delete(ctx context.Context, tx *txn.Txn, st *dialect.Stmt, n *ast.DeleteStmt, params []storage.Value) (*Result, error) {
	return nil, pgerr.New(pgerr.FeatureNotSupported, "DELETE is not supported yet")
}
