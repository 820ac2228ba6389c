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

	// cp makes commits durable and runs CHECKPOINT (durability.go); nil
	// keeps everything in memory. syncCommit is the server's default
	// synchronous_commit ("" for the built-in "on"). Both are set before
	// the first session opens and only read afterwards.
	cp         Checkpointer
	syncCommit string
	// recovered holds the commit points by session name that sessions
	// continue from (recovered.go); set before the first session opens,
	// read-only after.
	recovered map[string]uint64
	// advisory holds the sessions' advisory locks (advisory.go).
	advisory advisoryLocks
	// notify holds the LISTEN registrations (notify.go).
	notify notifyHub
}

// defaultSettings are a new session's parameters: Postgres's defaults
// with the server's own (synchronous_commit). RESET and SET .. TO
// DEFAULT return to them.
func (e *Engine) defaultSettings() *settings {
	s := newSettings()
	if e.syncCommit != "" {
		s.vals["synchronous_commit"].value = e.syncCommit
	}
	return s
}

// Open opens the SQL engine over a transaction manager.
func Open(m *txn.Manager) (*Engine, error) {
	cat, err := catalog.Open(m)
	if err != nil {
		return nil, err
	}
	e := &Engine{m: m, cat: cat}
	e.advisory.init()
	e.notify.init()
	return e, nil
}

// Catalog returns the engine's catalog.
func (e *Engine) Catalog() *catalog.Catalog { return e.cat }

// Manager returns the transaction manager.
func (e *Engine) Manager() *txn.Manager { return e.m }
