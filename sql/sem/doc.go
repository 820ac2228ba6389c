// Package sem is PostgreSQL 15's value semantics over storage.Value: the
// executor's toolbox for text input and output, casts, operators and
// scalar functions.
//
// # Model
//
// SQL datums are storage.Value; sem adds no value type of its own. Every
// function takes a *Context carrying the session TimeZone and the
// transaction's clock (nil means UTC and time.Now). Files:
//
//	format.go          Format / AppendFormat: the text output functions
//	parse.go           ParseText: the text input functions (bool, numbers, bytea, uuid)
//	parse_datetime.go  date, timestamp and timestamptz input (DateStyle ISO, MDY)
//	parse_interval.go  interval input, Postgres and ISO 8601 forms
//	cast.go            CanCast, Cast: pg_cast for the storage types
//	typmod.go          numeric(p,s), varchar(n), char(n), timestamp(p)
//	arith.go           BinaryType, Binary, Negate: operators and their typing
//	datetime_arith.go  date/timestamp/interval operators
//	compare.go         CompareValues, three-valued logic (Tri, And, Or, Not)
//	numeric.go         numeric division, sqrt, exp, ln, log, power with Postgres's result scales
//	array.go           array_in / array_out, array casts (element by element)
//	funcs_array.go     the array functions and operators (the planner types them)
//	registry.go        Func, Lookup: function overload resolution
//	funcs_*.go         the scalar functions
//
// # Invariants
//
//   - Every error is a *pgerr.Error with Postgres's SQLSTATE and message
//     (22P02/22007 for malformed input, 22003 overflow, 22008 date/time
//     out of range, 22012 division by zero, 42883 no such operator or
//     function, 42846 no such cast).
//   - Results are normalized as Postgres stores them: numerics never carry
//     a positive exponent (1E+2 is 100) and keep their display scale
//     (1.50 stays 1.50); -0 numeric is 0.
//   - Strict functions and operators return NULL for any NULL input;
//     Func.NonStrict marks the exceptions (concat, concat_ws, greatest,
//     least). The executor handles COALESCE, NULLIF, CASE, AND/OR itself,
//     using Tri for the latter.
//   - Type modifiers are not types: numeric(p,s), varchar(n), char(n)
//     are numeric or text values to which the executor applies typmod.go
//     on each cast and assignment.
//
// # Lifetimes
//
// Values returned never alias arguments' mutable state (storage.Value is
// immutable). A *Func from Lookup may be kept in a plan and called from
// any goroutine; the registry is built in init and never written after.
//
// # Debugging
//
// The tests are tables of outputs recorded from PostgreSQL 15.18 (see the
// comments above each table); to check a new case, run the same SELECT on
// a real server with TimeZone and DateStyle as in the table and add the
// row. Differences in date/time input usually come from the simplified
// decoder in parse_datetime.go, which covers the common forms of
// Postgres's DecodeDateTime, not all of them.
package sem
