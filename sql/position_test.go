package sql_test

import (
	"context"
	"testing"

	"github.com/persiandb/persiandb/sql/pgerr"
)

// TestErrorPositions checks the SQLSTATE and the position (1-based, in
// characters of the query string) of errors against what PostgreSQL 15
// answered for the same query over the simple protocol.
func TestErrorPositions(t *testing.T) {
	s := newSession(t)
	mustExec(t, s, "CREATE TABLE t (id int PRIMARY KEY, name text, v int); CREATE TABLE u (id int, w int)")
	for _, c := range []struct {
		q    string
		code pgerr.Code
		pos  int
		msg  string // checked when set
	}{
		// Syntax errors: at the offending token as written, or the end.
		{"selec 1", "42601", 1, `syntax error at or near "selec"`},
		{"SELECT 1 +;", "42601", 11, `syntax error at or near ";"`},
		{"SELECT 1 +", "42601", 11, "syntax error at end of input"},
		{"SELECT 1 +  ", "42601", 13, "syntax error at end of input"},
		{"SELECT id, FROM t", "42601", 12, `syntax error at or near "FROM"`},
		{"SELECT id\n  FROM t\n WHERE id = = 1", "42601", 32, `syntax error at or near "="`},
		{"SELECT 1;SELECT 1 +;", "42601", 20, `syntax error at or near ";"`},
		{"SELECT 'é', FROM t", "42601", 13, `syntax error at or near "FROM"`},
		{"BEGIN ISOLATION LEVEL;", "42601", 22, `syntax error at or near ";"`},
		{"SAVEPOINT;", "42601", 10, `syntax error at or near ";"`},
		// Names.
		{"SELECT * FROM nosuch_t", "42P01", 15, `relation "nosuch_t" does not exist`},
		{"SELECT nosuch_c FROM t", "42703", 8, ""},
		{"SELECT t.nosuch_c FROM t", "42703", 8, ""},
		{"SELECT x.id FROM t", "42P01", 8, ""},
		{"SELECT id FROM t WHERE nosuch_c = 1", "42703", 24, ""},
		{"SELECT   1 +  nosuch", "42703", 15, ""},
		{"SELECT 'é' || nosuch", "42703", 15, ""},
		{"SELECT 'é', nosuch_c FROM t", "42703", 13, ""},
		{"SELECT id FROM t ORDER BY nosuch", "42703", 27, ""},
		{"SELECT id, x FROM t GROUP BY id", "42703", 12, ""},
		{"SELECT (SELECT nosuch)", "42703", 16, ""},
		{"SELECT \"Nosuch\" FROM t", "42703", 8, ""},
		{"SELECT 1 FROM t WHERE id IN (SELECT nosuch FROM u)", "42703", 37, ""},
		{"WITH w AS (SELECT 1) SELECT nosuch FROM w", "42703", 29, ""},
		{"SELECT 1;  SELECT nosuch;", "42703", 19, ""},
		{"SELECT id FROM t, u", "42702", 8, `column reference "id" is ambiguous`},
		{"SELECT id FROM t JOIN u ON t.id = u.id", "42702", 8, ""},
		{"SELECT nosuch_f(1)", "42883", 8, "function nosuch_f(integer) does not exist"},
		{"SELECT upper(1)", "42883", 8, ""},
		{"SELECT sum(name) FROM t", "42883", 8, ""},
		{"INSERT INTO t (id, name, nosuch_c) VALUES (4, 'd', 0)", "42703", 26, `column "nosuch_c" of relation "t" does not exist`},
		{"INSERT INTO nosuch_t VALUES (1)", "42P01", 13, ""},
		{"UPDATE t SET nosuch_c = 1", "42703", 14, ""},
		{"UPDATE nosuch_t SET a = 1", "42P01", 8, ""},
		{"DELETE FROM nosuch_t", "42P01", 13, ""},
		{"SELECT * FROM public.nosuch_t", "42P01", 15, `relation "public.nosuch_t" does not exist`},
		{"INSERT INTO t SELECT 1 RETURNING nosuch", "42703", 34, ""},
		{"INSERT INTO t VALUES (1) ON CONFLICT (id) DO UPDATE SET id = nosuch", "42703", 62, ""},
		{"COPY (SELECT nosuch) TO STDOUT", "42703", 14, ""},
		{"PREPARE p AS SELECT nosuch", "42703", 21, ""},
		{"PREPARE p AS SELECT 1 +;", "42601", 24, `syntax error at or near ";"`},
		// Literals that do not convert: at the literal.
		{"SELECT 'abc'::int", "22P02", 8, `invalid input syntax for type integer: "abc"`},
		{"SELECT CAST('abc' AS int)", "22P02", 13, ""},
		{"SELECT 'a' + 1", "22P02", 8, ""},
		{"SELECT 1 + 'a'", "22P02", 12, ""},
		{"SELECT 1 \n+ 'x'", "22P02", 13, ""},
		{"SELECT id FROM t WHERE id = 'x'", "22P02", 29, ""},
		{"SELECT 'abc'::date", "22007", 8, ""},
		{"SELECT 'abc'::int + 1", "22P02", 8, ""},
		{"SELECT 1 + 'a' + 1", "22P02", 12, ""},
		{"UPDATE t SET v = 'x'", "22P02", 18, ""},
		{"INSERT INTO t (id, v) VALUES (1, 'x')", "22P02", 34, ""},
		// Operators that do not exist: at the operator.
		{"SELECT 1 + 'a'::text", "42883", 10, "operator does not exist: integer + text"},
		{"SELECT 'a'::text + 1", "42883", 18, ""},
		{"SELECT id FROM t WHERE name = 1", "42883", 29, ""},
		{"SELECT -'a'::text", "42883", 8, ""},
		// Grouping.
		{"SELECT name, count(*) FROM t", "42803", 8, `column "t.name" must appear in the GROUP BY clause or be used in an aggregate function`},
		{"SELECT 1 FROM t HAVING id > 1", "42803", 24, ""},
		{"SELECT 1 FROM t WHERE count(*) > 1", "42803", 23, ""},
		{"SELECT avg(avg(id)) FROM t", "42803", 12, "aggregate function calls cannot be nested"},
		// No position in Postgres either.
		{"SELECT id FROM t, t", "42712", 0, `table name "t" specified more than once`},
		{"SELECT id FROM t JOIN t ON true", "42712", 0, ""},
		{"SELECT t.id FROM t, u t", "42712", 0, ""},
		{"SELECT 1 FROM t, t AS u, u", "42712", 0, `table name "u" specified more than once`},
		{"SELECT 1 FROM (SELECT 1) s, (SELECT 2) s", "42712", 0, ""},
		{"SELECT 1 / 0", "22012", 0, ""},
		{"SELECT 99999999999::int", "22003", 0, ""},
	} {
		_, err := s.Exec(context.Background(), c.q)
		e := pgerr.As(err)
		if e == nil {
			t.Errorf("%q: error %v, want %s at %d", c.q, err, c.code, c.pos)
			continue
		}
		if e.Code != c.code || e.Position != c.pos || c.msg != "" && e.Message != c.msg {
			t.Errorf("%q: %s at %d (%s), want %s at %d %s", c.q, e.Code, e.Position, e.Message, c.code, c.pos, c.msg)
		}
	}
}
