// Package dialect is the Postgres front of the SQL layer: it tokenizes
// Postgres text, splits a simple Query into statements, classifies utility
// statements, and rewrites the rest into text the TiDB parser (a MySQL
// grammar) accepts, with side tables of what was rewritten so the planner
// can recover Postgres semantics.
//
// # The model
//
//	Split(query)      -> []string             top-level ';' only
//	SplitWithOffsets(query) -> []Statement    with ';' and start (characters)
//	Prepare(stmt)     -> *Stmt                Kind + details, or Text
//	NewParser().ParseOneStmt(stmt.Text, "", "") -> TiDB AST (KindParsed only)
//
// Tokenize implements Postgres 15 lexing: '..' with doubled-quote escapes and
// newline continuation, E'..' (\n \t \\ \' \xHH \ooo \uXXXX \UXXXXXXXX,
// surrogate pairs), U&'..', B'..'/X'..', $tag$..$tag$, "quoted idents",
// nested /* */ and -- comments, numbers without hex, operators by
// Postgres's rule (a trailing + or - splits off: a<-1 is a < -1; != is <>),
// $n parameters. Unquoted identifiers fold to lower case (ASCII only).
//
// Utility statements (BEGIN/START, COMMIT/END, ROLLBACK/ABORT, SAVEPOINT,
// RELEASE, ROLLBACK TO, SET/SET TRANSACTION/SET TIME ZONE, RESET, SHOW,
// CHECKPOINT, VACUUM, ANALYZE, COPY, PREPARE, EXECUTE, DEALLOCATE, DISCARD,
// TRUNCATE) never reach the TiDB parser: their grammar is small and
// Postgres-specific, so Prepare fills Stmt fields by hand (utility.go,
// copy.go). Expressions inside them (EXECUTE arguments, COPY (query),
// PREPARE body) are nested KindParsed Stmts.
//
// Everything else is KindParsed. Rewrites work on token slices, not
// strings, in two stages (rewrite.go):
//
//  1. Structure (rewrite_struct.go): RETURNING and ON CONFLICT are cut
//     out into nested Stmts ("SELECT list", "UPDATE t SET ... WHERE ...",
//     with excluded.col kept as written); UPDATE ... FROM and DELETE ...
//     USING become MySQL's multi-table forms with the target first, and
//     INSERT ... DEFAULT VALUES becomes "() VALUES ()" (rewrite_dml.go);
//     in DDL, Postgres column types are
//     replaced by placeholder MySQL types and recorded in Columns, WITH
//     (storage params) is stripped, an unnamed CREATE INDEX gets
//     <table>_<cols>_idx and USING moves after the column list.
//  2. Expressions (rewrite_cast.go, rewrite_expr.go, rewrite_series.go):
//     x::t, CAST(x AS t) and typed literals become pdb_cast(x, 't');
//     IS [NOT] DISTINCT FROM becomes <=> inside parentheses; ~ ~* !~ !~*
//     become pdb_regex_match/imatch calls; "e NULLS FIRST" becomes
//     pdb_nulls_first(e); DISTINCT ON (..) becomes a first select field
//     pdb_distinct_on(..); generate_series(..) in FROM becomes the table
//     pdb_series_<i> (so do unnest(..) and generate_subscripts(..), with
//     WITH ORDINALITY and the alias's column list recorded in Series);
//     array syntax becomes marker
//     calls (rewrite_array.go): ARRAY[..] pdb_array, ARRAY(SELECT ..)
//     pdb_array_sub, x[i] pdb_subscript, x[i:j] pdb_slice, @> <@ &&
//     pdb_contains/pdb_overlap, x op ANY/ALL (array) pdb_any/pdb_all
//     (op also [NOT] LIKE, [NOT] ILIKE, ~ ~* !~ !~*), UPDATE's a[i] = v
//     and a[i:j] = v pdb_array_set/pdb_array_set_slice;
//     nextval/currval/setval/lastval calls get quoted
//     names (the MySQL grammar has its own NEXTVAL(table)). DDL the MySQL
//     grammar cannot say is in rewrite_ddl.go: DEFAULT pdb_default(expr),
//     SET/DROP NOT NULL as SET DEFAULT (pdb_set_not_null()), index
//     NULLS FIRST/LAST as expression keys, DROP INDEX names and CASCADE in
//     Rewrites. Then emit writes Text: $n as '?' (Params maps each
//     back to n), strings re-quoted, quoted identifiers double-quoted.
//
// Markers were chosen over side tables wherever the information belongs to
// a place in an expression tree (casts, NULLS order, DISTINCT ON of a
// nested SELECT): a marker call survives nesting and the planner finds it
// while walking the AST, where an index into a side table would have to be
// matched back to nodes. Side tables hold what has no home in the MySQL
// AST (column types, ON CONFLICT, RETURNING, series arguments).
//
// # Invariants
//
//  1. Every name starting with pdb_ in Text was written by a rewrite:
//     Prepare rejects user identifiers with that prefix (SQLSTATE 42939).
//  2. Text is written for SQLMode (ANSI_QUOTES | PIPES_AS_CONCAT |
//     IGNORE_SPACE | NO_BACKSLASH_ESCAPES); parse it only with NewParser.
//     String literals in Text carry their decoded value with only the quote
//     doubled, so backslashes are never escapes, as in Postgres.
//  3. The i-th '?' in Text, in byte order, is $Params[i]; its offset is
//     ParamOffsets[i] == ParamMarkerExpr.Offset. Nested Stmts have their
//     own Params; NumParams is the maximum over all of them.
//  4. pdb_cast's second argument is TypeName.String(), canonical Postgres
//     spelling, readable with ParseTypeName; Casts lists them too.
//  5. Operators that the MySQL lexer would misread (# starts a comment, ?
//     is a marker, ^ is XOR, -> ...) are rejected with 0A000, never
//     passed through; @> <@ && are rewritten into calls.
//  6. Errors are *SyntaxError with an SQLSTATE Code, a byte Pos into the
//     text given (query for Split/Tokenize, statement for Prepare) and
//     Position, the same place as Postgres counts it (1-based characters).
//  7. A Stmt is immutable after Prepare and owns no buffers: cache and
//     share it freely (one per prepared statement).
//  8. Every token of Text maps back to a token of Source (position.go):
//     emit records one span per token, synthetic tokens carry the Pos of
//     the source token they stand for, so Stmt.Position(off) of any AST
//     node's OriginTextPosition is a Postgres error position. Positions
//     are relative to the statement given to Prepare; a multi-statement
//     query's caller adds Statement.Offset (SplitWithOffsets).
//
// Unquoted identifiers are emitted unquoted in lower case, so keywords
// work; a Postgres identifier that is a MySQL reserved word (key, range,
// ...) must be quoted by the user for now.
//
// # Not handled (the TiDB parser rejects or misreads these)
//
// ^ (power), FILTER,
// aggregate ORDER BY (string_agg(a, ',' ORDER BY a)), UPDATE ... SET
// (a, b) = (...), OFFSET without LIMIT, LIMIT ALL, VALUES as a
// statement, table alias column lists other than those of functions in
// FROM, ROWS FROM (...),
// FULL JOIN, SIMILAR TO, partial indexes, COLLATE "C",
// ON CONFLICT (expr) and ON CONFLICT (...) WHERE.
//
// # How to debug
//
// Print Stmt.Text and restore what the TiDB parser makes of it (the tests'
// restore helper: ParseOneStmt then Restore); precedence shows as
// parentheses. TiDB errors give the rest of Text from the failing token
// (Stmt.ParseError maps it back); synthetic tokens keep the Pos of the
// source token they replace, and Casts[i].Pos points at the source
// "::"/CAST. Stmt.OrigPos(off) shows where a Text offset came from. Tokenize(stmt) shows the token stream each rewrite
// starts from. FuzzSplit (go test -fuzz FuzzSplit ./sql/dialect/) runs
// Tokenize, Split and Prepare on random input.
package dialect
