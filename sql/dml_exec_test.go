package sql_test

import (
	"context"
	"errors"
	"testing"

	"github.com/persiandb/persiandb/sql"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/sql/sem"
	"github.com/persiandb/persiandb/storage"
)

// rowsText renders a result's rows as Postgres's text output would.
func rowsText(r *sql.Result) [][]string {
	out := make([][]string, len(r.Rows))
	for i, row := range r.Rows {
		for _, v := range row {
			s := "NULL"
			if !v.IsNull() {
				s = sem.Format(v, nil)
			}
			out[i] = append(out[i], s)
		}
	}
	return out
}

func sameRows(got [][]string, want ...[]string) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if len(got[i]) != len(want[i]) {
			return false
		}
		for j := range got[i] {
			if got[i][j] != want[i][j] {
				return false
			}
		}
	}
	return true
}

// execErr runs q and returns its *pgerr.Error (nil if it succeeded).
func execErr(t *testing.T, s *sql.Session, q string) *pgerr.Error {
	t.Helper()
	_, err := s.Exec(context.Background(), q)
	if err == nil {
		return nil
	}
	var e *pgerr.Error
	if !errors.As(err, &e) {
		t.Fatalf("%s: error %T %v is not a *pgerr.Error", q, err, err)
	}
	return e
}

func wantErr(t *testing.T, s *sql.Session, q string, code pgerr.Code, msg, detail string) {
	t.Helper()
	e := execErr(t, s, q)
	switch {
	case e == nil:
		t.Errorf("%s: succeeded, want %s", q, code)
	case e.Code != code || msg != "" && e.Message != msg || detail != "" && e.Detail != detail:
		t.Errorf("%s:\n got %s %q detail %q\nwant %s %q detail %q", q, e.Code, e.Message, e.Detail, code, msg, detail)
	}
}

// Command tags count the rows written; RETURNING adds columns and rows
// and keeps the tag.
func TestDMLTagsAndReturning(t *testing.T) {
	s := newSession(t)
	mustExec(t, s, "CREATE TABLE t (id integer PRIMARY KEY, a integer, b text DEFAULT 'd')")
	for _, c := range []struct {
		q, tag string
		cols   []string
		rows   [][]string
	}{
		{"INSERT INTO t VALUES (1, 10), (2, 20), (3, 30)", "INSERT 0 3", nil, nil},
		{"INSERT INTO t (id, a) VALUES (4, 40) RETURNING *", "INSERT 0 1", []string{"id", "a", "b"}, [][]string{{"4", "40", "d"}}},
		{"UPDATE t SET a = a + 1 WHERE id > 2", "UPDATE 2", nil, nil},
		{"UPDATE t SET a = 0 WHERE id = 99 RETURNING id", "UPDATE 0", []string{"id"}, nil},
		{"UPDATE t SET b = 'x' WHERE id = 1 RETURNING b, a * 2, a AS z", "UPDATE 1", []string{"b", "?column?", "z"}, [][]string{{"x", "20", "10"}}},
		{"DELETE FROM t WHERE id = 4 RETURNING id, b", "DELETE 1", []string{"id", "b"}, [][]string{{"4", "d"}}},
		{"DELETE FROM t WHERE a > 30", "DELETE 1", nil, nil},
		{"INSERT INTO t VALUES (1, 0) ON CONFLICT DO NOTHING", "INSERT 0 0", nil, nil},
		{"INSERT INTO t VALUES (1, 0), (5, 50) ON CONFLICT (id) DO UPDATE SET a = excluded.a RETURNING id, a", "INSERT 0 2", []string{"id", "a"}, [][]string{{"1", "0"}, {"5", "50"}}},
	} {
		rs := mustExec(t, s, c.q)
		r := rs[0]
		if r.Tag != c.tag {
			t.Errorf("%s: tag %q, want %q", c.q, r.Tag, c.tag)
		}
		if (r.Columns == nil) != (c.cols == nil) || len(r.Columns) != len(c.cols) {
			t.Errorf("%s: columns %v, want %v", c.q, r.Columns, c.cols)
			continue
		}
		for i, col := range r.Columns {
			if col.Name != c.cols[i] {
				t.Errorf("%s: column %d named %q, want %q", c.q, i, col.Name, c.cols[i])
			}
		}
		if !sameRows(rowsText(r), c.rows...) {
			t.Errorf("%s: rows %v, want %v", c.q, rowsText(r), c.rows)
		}
	}
}

// Errors carry Postgres's SQLSTATE, message and detail.
func TestDMLErrors(t *testing.T) {
	s := newSession(t)
	mustExec(t, s, "CREATE TABLE t (id integer PRIMARY KEY, a integer NOT NULL, u integer UNIQUE, CONSTRAINT pos CHECK (a > 0))")
	mustExec(t, s, "INSERT INTO t VALUES (1, 1, 1), (2, 2, 2)")
	wantErr(t, s, "UPDATE t SET id = 2 WHERE id = 1", pgerr.UniqueViolation,
		`duplicate key value violates unique constraint "t_pkey"`, "Key (id)=(2) already exists.")
	wantErr(t, s, "UPDATE t SET u = 2 WHERE id = 1", pgerr.UniqueViolation,
		`duplicate key value violates unique constraint "t_u_key"`, "Key (u)=(2) already exists.")
	wantErr(t, s, "UPDATE t SET a = 0 WHERE id = 2", pgerr.CheckViolation,
		`new row for relation "t" violates check constraint "pos"`, "Failing row contains (2, 0, 2).")
	wantErr(t, s, "UPDATE t SET a = NULL WHERE id = 2", pgerr.NotNullViolation,
		`null value in column "a" of relation "t" violates not-null constraint`, "Failing row contains (2, null, 2).")
	wantErr(t, s, "UPDATE t SET nope = 1", pgerr.UndefinedColumn, `column "nope" of relation "t" does not exist`, "")
	wantErr(t, s, "UPDATE t SET a = 'x'", pgerr.InvalidTextRepresentation, "", "")
	wantErr(t, s, "UPDATE t SET a = 1 ORDER BY id", pgerr.SyntaxError, "", "")
	wantErr(t, s, "DELETE FROM nosuch", pgerr.UndefinedTable, `relation "nosuch" does not exist`, "")
	wantErr(t, s, "INSERT INTO t VALUES (3, 3, 3), (3, 4, 4) ON CONFLICT (id) DO UPDATE SET a = excluded.a",
		pgerr.CardinalityViolation, "ON CONFLICT DO UPDATE command cannot affect row a second time", "")
	wantErr(t, s, "INSERT INTO t VALUES (3, 3, 3) ON CONFLICT (a) DO NOTHING",
		pgerr.InvalidColumnReference, "there is no unique or exclusion constraint matching the ON CONFLICT specification", "")
	// Nothing of the failed statements stayed.
	r := mustExec(t, s, "SELECT * FROM t ORDER BY id")[0]
	if !sameRows(rowsText(r), []string{"1", "1", "1"}, []string{"2", "2", "2"}) {
		t.Fatalf("rows after failed statements: %v", rowsText(r))
	}
}

// Prepared DML binds parameters in SET, WHERE, RETURNING and ON
// CONFLICT DO UPDATE.
func TestDMLPrepared(t *testing.T) {
	s := newSession(t)
	ctx := context.Background()
	mustExec(t, s, "CREATE TABLE t (id integer PRIMARY KEY, a integer, b text)")
	mustExec(t, s, "INSERT INTO t VALUES (1, 10, 'x'), (2, 20, 'y')")
	run := func(q string, params ...storage.Value) *sql.Result {
		t.Helper()
		p, err := s.Prepare(ctx, "", q, nil)
		if err != nil {
			t.Fatalf("prepare %s: %v", q, err)
		}
		r, err := s.ExecPrepared(ctx, p, params)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return r
	}
	r := run("UPDATE t SET a = $1 WHERE id = $2 RETURNING a + $3", storage.Int32(11), storage.Int32(1), storage.Int32(100))
	if r.Tag != "UPDATE 1" || !sameRows(rowsText(r), []string{"111"}) {
		t.Fatalf("UPDATE: %s %v", r.Tag, rowsText(r))
	}
	r = run("INSERT INTO t VALUES ($1, $2, 'z') ON CONFLICT (id) DO UPDATE SET a = excluded.a + $3 RETURNING id, a",
		storage.Int32(2), storage.Int32(5), storage.Int32(1000))
	if !sameRows(rowsText(r), []string{"2", "1005"}) {
		t.Fatalf("ON CONFLICT: %v", rowsText(r))
	}
	r = run("DELETE FROM t WHERE b = $1 RETURNING id", storage.Text("x"))
	if r.Tag != "DELETE 1" || !sameRows(rowsText(r), []string{"1"}) {
		t.Fatalf("DELETE: %s %v", r.Tag, rowsText(r))
	}
}
