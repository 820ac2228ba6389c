// Package plan defines query plans as data: plain structs for relational
// operators and scalar expressions, built by the binder from the parsed
// statement and turned into iterators by package exec. Keeping plans as
// data lets a prepared statement keep its plan, lets EXPLAIN print it, and
// keeps execution free of planning decisions.
//
// Columns are referenced by position in the input row of the node that
// evaluates the expression (Col{Idx}); a node's output row layout is
// described by its Columns.
package plan
