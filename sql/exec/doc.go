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
// # Lifetimes
//
// A Row returned by Next is valid until the next call to Next on the same
// iterator; an operator that keeps rows (Sort, HashJoin, Group) copies
// them.
package exec
