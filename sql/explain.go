package sql

import (
	"context"

	"github.com/persiandb/persiandb/sql/dialect"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/storage"
	"github.com/persiandb/persiandb/txn"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

func (s *Session) explain(ctx context.Context, tx *txn.Txn, st *dialect.Stmt, n *ast.ExplainStmt, params []storage.Value) (*Result, error) {
	return nil, pgerr.New(pgerr.FeatureNotSupported, "EXPLAIN is not supported yet")
}
