// Package syscat computes PostgreSQL's system catalogs (pg_catalog) and a
// part of information_schema from the engine's catalog, so that psql's
// backslash commands and other clients' introspection queries work.
//
// # The model
//
// Every system view (pg_class, pg_attribute, information_schema.tables,
// ...) is a plan.Virtual: the planner asks Columns for its columns, typed
// as Postgres 15 types them (oid, name, "char", int2vector, ...), and the
// executor asks Rows for its rows when the plan runs. Rows are computed
// from a Snapshot, which Load reads through the statement's transaction:
// a table created earlier in the same open transaction is in pg_class,
// one it dropped is not, and a cached plan never shows stale rows.
//
// The catalog functions (format_type, pg_get_indexdef,
// pg_get_constraintdef, regclass input and output, ...) are registered in
// sem (funcs_catalog.go) and reach this package through sem.Catalog,
// which Reader implements over a snapshot the session loads with its
// current transaction.
//
// # Invariants
//
//  1. OIDs are derived, never stored: a relation's from its catalog id,
//     the objects that hang off a table (indexes, constraints, defaults)
//     from fixed slots in the table's block (oids.go). So an OID is the
//     same in every statement and after a restart, and it says which
//     descriptor holds the object.
//  2. The fixed objects have Postgres's OIDs: namespaces pg_catalog (11)
//     and public (2200), the bootstrap superuser (10), pg_class (1259),
//     the built-in types, access methods, collations, tablespaces and
//     the database postgres (5).
//  3. Every row of a view has exactly its columns' storage types (Rows
//     converts and checks; TestEveryViewBuilds runs all of them).
//
// # What is approximated
//
// Defaults and CHECK expressions are kept as SQL text, not plan trees:
// deparse.go prints the common shapes exactly as Postgres does and
// re-spaces the rest. View definitions print as Postgres's for simple
// views (viewdef.go) and as written otherwise. Sizes
// (pg_table_size and friends) are estimated from the number of keys in
// storage. Views that hold objects the engine does not have (triggers,
// policies, publications, functions, operators, casts, extensions, ...)
// exist and are empty. docs/sql.md, "System catalogs", is the user's
// view of this.
//
// # Debugging
//
// Run psql with -E (ECHO_HIDDEN) to see the queries a backslash command
// sends; pgwire/clitest/testdata/psql/describe.sql compares their output
// with PostgreSQL 15's.
package syscat
