// Package pgerr gives SQL errors their SQLSTATE from birth.
//
// # Model
//
// Every error the SQL layer reports to a client is an *Error: a Code from
// the one table in codes.go (named as in cockroach's pgcode, values from
// Postgres's errcodes.txt), a Message worded exactly as Postgres words it
// (lower case, no trailing period), and the optional Detail, Hint,
// Position, Constraint, Table, Column, Schema and DataType fields of the
// wire's ErrorResponse. Code that detects a problem creates the *Error
// there, with New, or with Wrap when a lower-layer error is the cause:
//
//	return pgerr.New(pgerr.UndefinedTable, "relation %q does not exist", name)
//	return pgerr.New(pgerr.DivisionByZero, "division by zero")
//
// The lower layers (txn, storage) do not know SQLSTATEs; they return the
// documented sentinels of their errors.go. FromTxn (or TxnInfo.Convert,
// when the executor knows the command and constraint names) translates
// them at the boundary, wrapping the original so errors.Is still works.
//
// # Invariants
//
//   - An *Error is never mutated after it is returned: the With* methods
//     copy. Package-level *Error values may therefore be shared.
//   - CodeOf never returns "" : nil is 00000, an error without an *Error in
//     its chain is the FromTxn translation of a known sentinel, else XX000.
//   - Error() returns the Message alone, so that %v of an error is what
//     psql would print after "ERROR:  ".
//
// # Lifetimes
//
// Errors own their strings; nothing refers to buffers of the caller.
//
// # Debugging
//
// The wrapped cause of a translated error keeps the lower layer's message
// (with its package prefix, "txn: ..."); print errors.Unwrap(err) or use
// %+v on the chain to see it. An unexpected XX000 at the client means some
// error escaped without a code: find where it was created and give it one.
package pgerr
