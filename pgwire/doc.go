// Package pgwire is PersianDB's PostgreSQL front end: it speaks protocol
// 3.0 (on github.com/jackc/pgx/v5/pgproto3's Backend) so that psql, the
// drivers (pgx, lib/pq, pgjdbc, node-postgres, psycopg2) and pgbench work
// unmodified against the SQL engine in package sql.
//
// One goroutine serves each connection: it reads a message, runs it on the
// connection's sql.Session and writes the answer. Nothing is shared between
// connections but the engine and the server's registry of running
// statements, which CancelRequest (arriving on a connection of its own)
// and shutdown consult.
//
// Message flow follows PostgreSQL 15 (src/backend/tcop/postgres.c):
//
//   - Simple query: each statement of the string gets its own
//     RowDescription/DataRow.../CommandComplete (or EmptyQueryResponse);
//     the first error ends the string; one ReadyForQuery closes it.
//   - Extended query: Parse, Bind, Describe, Execute, Close and Flush are
//     answered in order; after an error everything up to Sync is read and
//     dropped. Execute never sends RowDescription; a row limit suspends the
//     portal (PortalSuspended) and a later Execute resumes it.
//   - COPY FROM STDIN and TO STDOUT use the Copy sub-protocol; data chunks
//     need not align to rows.
//
// Every statement runs under a context that a CancelRequest, the
// statement_timeout or shutdown's grace period ends; the engine checks it
// in its scans and waits and fails the statement with 57014.
package pgwire
