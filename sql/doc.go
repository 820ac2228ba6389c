// Package sql runs PostgreSQL statements: an Engine holds the catalog
// over a txn.Manager, and each client connection has a Session with its
// transaction state, settings and prepared statements. A statement goes
// through the dialect front (sql/dialect), the TiDB parser, the planner
// (sql/planner) and the executor (sql/exec); errors are *pgerr.Error with
// Postgres's SQLSTATEs.
package sql
