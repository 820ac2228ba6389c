// Package exec turns plans (package plan) into iterators and runs them in
// a transaction.
//
// # The model
//
// Build walks a plan tree once and returns an Iterator tree; expressions
// are compiled into closures at build time, so evaluating a row does no
// type switches over plan nodes. Iterators pull: Next returns the next row
// or io.EOF. Close is safe to call twice and releases what the iterator
// holds.
//
// Scans read through the transaction (txn.Txn.Scan and IndexScan), never
// the storage trees directly, so that every row is the version the
// statement's snapshot sees and a SERIALIZABLE transaction records the
// ranges it read. The transaction pushes rows through a callback while it
// holds an epoch guard; a scan therefore reads a batch, returns from the
// callback, and resumes after the last key of the batch (scan.go,
// indexscan.go). Span bounds (plan.KeyBound) are evaluated once, at Build,
// and encoded with the storage key encoding of the index's columns.
//
// Subqueries (subquery.go) are built and run from inside expression
// evaluation, on the same Context. A correlated one pushes the row it is
// evaluated for on the Context's outer stack, builds and drains its plan,
// and pops; plan.Outer reads that stack. An uncorrelated one runs once,
// the first time the compiled expression is evaluated, and keeps its
// result for the life of the Build.
//
// A LateralJoin (FROM t, unnest(t.a)) does the same for a function scan:
// it pushes each left row (a copy) while it builds and reads the right
// side, and pops before returning the joined row, so expressions above it
// see only their own outer rows. Because the right side is built afresh
// for each left row, an Ordinality above a function scan (WITH
// ORDINALITY) counts from 1 again for each. ProjectSet expands the array
// columns of select-list unnest calls, one output row per element
// (series.go).
//
// Values follow Postgres through package sem: sum and avg (agg.go) add
// with sem's operators and take Postgres's result types (AggResultType);
// results are cast to the type the plan declares when it differs.
//
// # Invariants
//
//  1. Equality for grouping, DISTINCT, set operations and IN over
//     constants is equality of the key encoding (storage.AppendKeyValue),
//     which is equality under storage.Compare with NULL equal to NULL.
//  2. A scan reads each key of its spans once, in key order (descending
//     when Reverse): spans are sorted and merged before reading.
//  3. An iterator tree runs on one goroutine; Context is not locked.
//
// # Lifetimes
//
// A Row returned by Next is valid until the next call to Next on the same
// iterator; an operator that keeps rows (Sort, HashJoin, Group, Window)
// copies them. A row on the outer stack is valid while the subquery that
// pushed it runs, which is all the time anything can read it.
//
// # Debugging
//
// ErrBoundType and ErrNoOuterRow are planner bugs: the plan has a span
// bound not cast to its column's type, or an outer reference with no
// enclosing row (a subquery marked uncorrelated that is not). ErrGone is
// a table or index dropped after planning.
package exec
