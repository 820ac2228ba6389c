package sql

import (
	"sync/atomic"

	"github.com/persiandb/persiandb/sql/catalog"
	"github.com/persiandb/persiandb/txn"
)

// Engine is one database: the catalog and the transaction manager it
// lives in. Sessions share it.
type Engine struct {
	m   *txn.Manager
	cat *catalog.Catalog
	// rowID numbers the rows of tables without a primary key.
	rowID atomic.Int64
	// version changes with every DDL statement and at the end of every
	// transaction that ran one; cached plans are valid for one version.
	version atomic.Uint64
}

// Open opens the SQL engine over a transaction manager.
func Open(m *txn.Manager) (*Engine, error) {
	cat, err := catalog.Open(m)
	if err != nil {
		return nil, err
	}
	return &Engine{m: m, cat: cat}, nil
}

// Catalog returns the engine's catalog.
func (e *Engine) Catalog() *catalog.Catalog { return e.cat }

// Manager returns the transaction manager.
func (e *Engine) Manager() *txn.Manager { return e.m }
