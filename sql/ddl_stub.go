package sql

import (
	"context"

	"github.com/persiandb/persiandb/sql/dialect"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/txn"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

func (s *Session) createIndex(ctx context.Context, tx *txn.Txn, st *dialect.Stmt, n *ast.CreateIndexStmt) (*Result, error) {
	return nil, pgerr.New(pgerr.FeatureNotSupported, "CREATE INDEX is not supported yet")
}

func (s *Session) dropIndex(ctx context.Context, tx *txn.Txn, n *ast.DropIndexStmt) (*Result, error) {
	return nil, pgerr.New(pgerr.FeatureNotSupported, "DROP INDEX is not supported yet")
}

func (s *Session) createView(ctx context.Context, tx *txn.Txn, st *dialect.Stmt, n *ast.CreateViewStmt) (*Result, error) {
	return nil, pgerr.New(pgerr.FeatureNotSupported, "CREATE VIEW is not supported yet")
}

func (s *Session) alterTable(ctx context.Context, tx *txn.Txn, st *dialect.Stmt, n *ast.AlterTableStmt) (*Result, error) {
	return nil, pgerr.New(pgerr.FeatureNotSupported, "ALTER TABLE is not supported yet")
}

func (s *Session) renameTable(ctx context.Context, tx *txn.Txn, n *ast.RenameTableStmt) (*Result, error) {
	return nil, pgerr.New(pgerr.FeatureNotSupported, "RENAME is not supported yet")
}

func (s *Session) createSequence(ctx context.Context, tx *txn.Txn, st *dialect.Stmt, n *ast.CreateSequenceStmt) (*Result, error) {
	return nil, pgerr.New(pgerr.FeatureNotSupported, "CREATE SEQUENCE is not supported yet")
}

func (s *Session) dropSequence(ctx context.Context, tx *txn.Txn, n *ast.DropSequenceStmt) (*Result, error) {
	return nil, pgerr.New(pgerr.FeatureNotSupported, "DROP SEQUENCE is not supported yet")
}

func (s *Session) truncate(ctx context.Context, tx *txn.Txn, st *dialect.Stmt) (*Result, error) {
	return nil, pgerr.New(pgerr.FeatureNotSupported, "TRUNCATE is not supported yet")
}
