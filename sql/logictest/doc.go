// Package logictest runs SQL logic test files: SQLite's sqllogictest corpus
// unchanged, and the project's own files in testdata/logic, against an
// Engine. The dialect is documented at the top of logic.go.
//
// # The model
//
// A file parses (parse.go) into Records, each knowing its path:line. The
// runner (logic.go) opens a fresh Engine per file, a Session per session
// name on first use, and runs the records in order. Query results come
// back as text values with NULL flags; render.go turns them into strings by
// the record's type letters exactly as SQLite's reference runner prints its
// own values, sorts them by the sort mode and compares them with the
// expected lines or their MD5. Errors are matched by SQLSTATE through the
// SQLStater interface, which pgconn.PgError implements and the engine's own
// error type must implement too.
//
// # Engines
//
// Postgres (postgres.go) is the oracle: a PostgreSQL server reached with
// pgx, one database per file, one connection per session, simple-query
// protocol so results are psql's text output. PostgreSQL 15 passes 100% of
// select1-5 and of every random/ and index/ file except random/expr
// (99.97%), index/random (96.69%: unary + on text) and index/view (95.02%:
// DROP VIEW with dependants); a lower figure for it means a runner bug,
// not an engine bug. PersianDB's own engine will be a second Opener.
//
// # Lifetimes
//
// RunFile owns the Engine and Sessions it opens and closes them before it
// returns, on every path. Values and ColumnTypes returned by a Session must
// stay valid after the next call (copy out of reused buffers).
//
// # Debugging
//
// cmd/sqllogictest -v prints every record's outcome with its position;
// -max-failures N prints the SQL, expected and actual of the first N
// failures per file. To see what an engine returns, put the query in a
// scratch file without a ---- section and run it with -rewrite. The runner's
// own tests use a map-based fake engine (fake_test.go) and data files in
// testdata/; go test -rewrite updates testdata/rewrite.golden.
package logictest
