// Package sql runs PostgreSQL statements: an Engine holds the catalog
// over a txn.Manager, and each client connection has a Session with its
// transaction state, settings and prepared statements. A statement goes
// through the dialect front (sql/dialect), the TiDB parser, the planner
// (sql/planner) and the executor (sql/exec); errors are *pgerr.Error with
// Postgres's SQLSTATEs.
//
// # DDL
//
// DDL writes catalog rows in the statement's transaction (sql/catalog),
// after locking the descriptor it changes; the model, and what DML
// running concurrently sees, is at the top of ddl.go, with ALTER TABLE in
// ddl_alter.go, indexes in ddl_index.go (the back-fill itself in
// catalog/index.go and storage/index_build.go), views in ddl_view.go,
// sequences in ddl_sequence.go and TRUNCATE in truncate.go.
//
// # Durability
//
// The engine does not know how checkpoints are taken: it is given a
// Checkpointer (declared in durability.go; sql/sqlcpr adapts cpr's).
// durability.go states the contract as numbered points: CHECKPOINT, the
// wait of every writing commit under synchronous_commit (COMMIT, inTxn's
// autocommit, EndImplicit, COPY), why a failed wait is an error although
// the transaction stays committed in memory (ErrNotDurable), the commit
// point parameters and the persiandb_checkpoints view, whose rows the
// executor asks for when the plan runs (plan.Virtual), so cached plans
// stay correct. Without a checkpointer nothing waits and CHECKPOINT does
// nothing.
//
// # System catalogs
//
// pg_catalog and information_schema are plan.Virtual views too
// (virtualColumns and virtualRows in durability.go hand them to
// sql/syscat), read through the statement's transaction. The catalog
// functions read the transaction the session planned the statement in
// (the sem.Catalog set in NewSession). Result columns of a reg* type
// leave the engine as names (regNames in query.go): inside a statement
// they are OIDs, which compare as numbers.
package sql
