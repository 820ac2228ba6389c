package logictest

import (
	"context"
	"errors"
)

// Engine is one fresh database for one test file. The runner opens an
// Engine per file (SQLite's corpus assumes a fresh database per file) and
// closes it when the file ends; Close must release everything the file made
// (for the PostgreSQL oracle: drop the per-file database).
type Engine interface {
	// NewSession opens a connection with its own transaction context. The
	// runner calls it lazily, once per session name, the first time a
	// record runs in that session ("default" for files without `session`).
	NewSession(ctx context.Context, name string) (Session, error)
	Close() error
}

// Opener makes a fresh Engine for the file at path (path is for naming and
// messages only). The runner calls it once per file.
type Opener func(ctx context.Context, path string) (Engine, error)

// Session is one connection. Calls on a session are sequential; different
// sessions of one Engine are used from one goroutine too (the runner
// interleaves them record by record), so a statement that blocks on a lock
// held by another session blocks the file: write such tests so they do not.
type Session interface {
	// Exec runs a statement and discards any rows.
	Exec(ctx context.Context, sql string) error
	// Query runs a statement that returns rows. cols has one entry per
	// result column; each row has len(cols) values. The values are the
	// engine's text output (what psql prints), which the runner renders by
	// the record's type letters.
	Query(ctx context.Context, sql string) (cols []ColumnType, rows [][]Value, err error)
	Close() error
}

// ColumnType describes a result column. Type is the PostgreSQL type name
// (pg_type.typname: "int4", "int8", "numeric", "float8", "bool", "text",
// ...) or "" if unknown. The renderer needs it only to turn booleans into
// 1/0 under the type letters I and R, as SQLite's integers would read.
type ColumnType struct {
	Name string
	Type string
}

// Value is one result cell: NULL, or the engine's text output for it.
type Value struct {
	Text string
	Null bool
}

// Null is the NULL value.
var Null = Value{Null: true}

// Text returns a non-NULL value.
func Text(s string) Value { return Value{Text: s} }

// SQLStater is implemented by engine errors that carry a SQLSTATE
// (pgconn.PgError does; the engine's own error type should too). The runner
// finds it with errors.As, so wrapped errors work.
type SQLStater interface {
	SQLState() string
}

// SQLState returns the SQLSTATE of err, or "" if nothing in its chain
// carries one.
func SQLState(err error) string {
	var s SQLStater
	if errors.As(err, &s) {
		return s.SQLState()
	}
	return ""
}
