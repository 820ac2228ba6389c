// Package recovery rebuilds the database at start-up from the newest
// valid checkpoint of package cpr (DESIGN.md, "Recovery" and Invariant 2).
//
// # The model
//
// A checkpoint at cut C = (v+1)<<40 holds, per table and key, the row
// visible at C with its commit timestamp (beginTS < C), the named
// sessions' commit points at C, and the SQL layer's extra state (the
// sequence counters). Open turns it back into a running transaction
// manager; package sql/sqlrecover opens the SQL engine over it:
//
//	st := storage.Open()                  (again for each chain tried)
//	cpr.LoadStream(dir)                   newest valid chain (Load's choice and
//	                                      checks): its deltas read first, then
//	                                      its segments in parallel, rows minus
//	                                      those the deltas overrode, then the
//	                                      deltas' rows; Strict: any Skipped
//	                                      reason -> ErrRefused
//	    each batch of a table's rows goes straight into the store
//	    (Table.LoadRows, from every segment reader at once: records
//	    appended in parallel, keys sorted per batch and put into the
//	    table's btree under its lock); a key that came twice is
//	    ErrCorrupt (the chain is then passed over, as cpr.Load would, and
//	    the next one loads into a new store)
//	the system table's rows are in: m := txn.NewManager(st, StartVersion: v+1)
//	Options.Catalog.Tables(m)             the SQL layer reads the descriptors
//	for each table the catalog names:     name it, set its schema, fill its
//	                                      point index (Table.FinishLoad);
//	                                      a table it does not name is dropped
//	for each such table: AddIndex + BuildIndex for its secondary indexes
//	then, in sql/sqlrecover:
//	eng := sql.Open(m)
//	eng.RestoreCheckpointExtra(Extra)     sequence counters
//	eng.RestoreRowIDs()                   row ids of tables without a primary key
//	eng.SetRecoveredPoints(sessions)      named sessions continue their serials
//
// A missing or empty directory gives an empty database (Result.Manifest
// is nil). A directory whose manifests are all damaged is an error: an
// empty database would lose every commit silently.
//
// Like cpr, this package never imports sql or pgwire: what it needs of
// the catalog comes through the Catalog interface.
//
// # Invariants
//
//  1. The recovered state is the checkpoint's: every key gets exactly its
//     checkpointed row, as a committed version (beginTS < C, endTS 0, no
//     predecessor), installed before any transaction runs. So every
//     snapshot of the new manager (visible starts at (v+1)<<40 = C) sees
//     exactly the rows of the cut.
//  2. Every new commit is above the cut: the clock restarts at version
//     v+1, so its timestamps are >= C > every recovered beginTS, and a
//     later checkpoint's cut is above every recovered row (its delta
//     chain starts with a full checkpoint: a new Checkpointer has no
//     chain).
//  3. Rows of a table id the recovered catalog does not name belong to a
//     table dropped below the cut whose storage was not yet released
//     (cpr invariant 5): they are ignored (Result.IgnoredRows).
//  4. Secondary indexes are built from the loaded rows (BuildIndex), so
//     each holds one entry per row; their uniqueness was checked when the
//     rows were written and is not checked again.
//  5. A named session continues its commit counter from the recovered
//     point (or from a higher one a session of that name reached since
//     start-up), so persiandb.commit_point never goes back; cpr.New
//     carries the points of names that do not reconnect from the newest
//     manifest into the next checkpoint.
//
// # Lifetimes
//
// The Result's Manager is the caller's: close the engine's sessions, then
// any checkpointer on the manager, then the Manager. The streamed rows'
// bytes are copied into the log and not kept: recovery's memory is the
// store's, plus a batch per segment reader. Options.ID recovers through
// cpr.LoadTo (the snapshot read whole, then loaded the same way).
//
// # Debugging
//
// Result says which checkpoint was used (Manifest, Base, Deltas), what was
// passed over and why (Skipped, also logged as warnings), the rows per
// table, and how long reading, loading and index building took; the
// server logs all of it at start-up. cpr's Snapshot.Skipped reasons name
// the file and the failed check.
package recovery
