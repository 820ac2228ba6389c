package sql_test

import (
	"context"
	"testing"

	"github.com/persiandb/persiandb/sql"
	"github.com/persiandb/persiandb/sql/catalog"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/storage"
	"github.com/persiandb/persiandb/txn"
	"github.com/rs/zerolog"
)

func newEngine(t testing.TB) *sql.Engine {
	t.Helper()
	st := storage.Open(storage.Options{PageBits: 16, Logger: zerolog.Nop()})
	m := txn.NewManager(st, txn.Options{})
	t.Cleanup(m.Close)
	e, err := sql.Open(m)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func engineSession(t testing.TB, e *sql.Engine) *sql.Session {
	t.Helper()
	s := e.NewSession("")
	t.Cleanup(s.Close)
	return s
}

// tdesc describes a table of integer columns (a trailing "!" marks NOT
// NULL) with the first pk columns as its primary key.
type tdesc struct {
	name    string
	cols    []string
	pk      int
	indexes [][]int // secondary indexes; unique if listed in unique
	unique  [][]int
	fks     []catalog.ForeignKey
}

// createTables creates descriptors directly, as CREATE TABLE with
// REFERENCES would.
func createTables(t *testing.T, e *sql.Engine, ds ...tdesc) {
	t.Helper()
	ts := e.Manager().NewSession("")
	defer ts.Close()
	tx := ts.Begin(txn.TxnOptions{})
	for _, d := range ds {
		desc := &catalog.Table{Name: d.name}
		for _, c := range d.cols {
			col := catalog.Column{Name: c, Type: storage.TypeInt32, PgType: "integer", Typmod: -1}
			if c[len(c)-1] == '!' {
				col.Name, col.NotNull = c[:len(c)-1], true
			}
			desc.Columns = append(desc.Columns, col)
		}
		desc.PrimaryKey = catalog.Index{Name: d.name + "_pkey", Unique: true}
		for i := 0; i < d.pk; i++ {
			desc.PrimaryKey.Columns = append(desc.PrimaryKey.Columns, i)
			desc.Columns[i].NotNull = true
		}
		id := uint32(1)
		for _, u := range d.unique {
			desc.Indexes = append(desc.Indexes, catalog.Index{ID: id, Name: d.name + "_u" + string(rune('0'+id)), Unique: true, Columns: u})
			id++
		}
		for _, ix := range d.indexes {
			desc.Indexes = append(desc.Indexes, catalog.Index{ID: id, Name: d.name + "_i" + string(rune('0'+id)), Columns: ix})
			id++
		}
		desc.ForeignKeys = d.fks
		if err := e.Catalog().CreateTable(context.Background(), tx, desc); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

func fk(name string, cols []int, ref string, refCols []int, onDelete, onUpdate string) catalog.ForeignKey {
	return catalog.ForeignKey{Name: name, Columns: cols, RefTable: ref, RefColumns: refCols, OnDelete: onDelete, OnUpdate: onUpdate}
}

func query(t *testing.T, s *sql.Session, q string) [][]string {
	t.Helper()
	rs := mustExec(t, s, q)
	return rowsText(rs[len(rs)-1])
}

func wantRows(t *testing.T, s *sql.Session, q string, want ...[]string) {
	t.Helper()
	if got := query(t, s, q); !sameRows(got, want...) {
		t.Errorf("%s:\n got %v\nwant %v", q, got, want)
	}
}

// The child side: a child key must be present in the parent at the end
// of the statement; a NULL in it references nothing.
func TestFKChildChecks(t *testing.T) {
	e := newEngine(t)
	createTables(t, e,
		tdesc{name: "p", cols: []string{"id", "x"}, pk: 1},
		tdesc{name: "c", cols: []string{"id", "pid"}, pk: 1, fks: []catalog.ForeignKey{fk("c_pid_fkey", []int{1}, "p", []int{0}, "", "")}},
		// Self-referencing, and a two-column key, one side of which is
		// found through a unique index.
		tdesc{name: "tree", cols: []string{"id", "up"}, pk: 1, fks: []catalog.ForeignKey{fk("tree_up_fkey", []int{1}, "tree", []int{0}, "", "")}},
		tdesc{name: "q", cols: []string{"id", "a", "b"}, pk: 1, unique: [][]int{{2, 1}}},
		tdesc{name: "r", cols: []string{"id", "a", "b"}, pk: 1, fks: []catalog.ForeignKey{fk("r_ab_fkey", []int{1, 2}, "q", []int{1, 2}, "", "")}},
	)
	s := engineSession(t, e)
	mustExec(t, s, "INSERT INTO p VALUES (1, 0), (2, 0)")
	mustExec(t, s, "INSERT INTO c VALUES (1, 1), (2, NULL), (3, 2)")
	wantErr(t, s, "INSERT INTO c VALUES (4, 7)", pgerr.ForeignKeyViolation,
		`insert or update on table "c" violates foreign key constraint "c_pid_fkey"`, `Key (pid)=(7) is not present in table "p".`)
	wantErr(t, s, "INSERT INTO c VALUES (4, 1), (5, 8)", pgerr.ForeignKeyViolation, "", `Key (pid)=(8) is not present in table "p".`)
	wantErr(t, s, "UPDATE c SET pid = 9 WHERE id = 1", pgerr.ForeignKeyViolation,
		`insert or update on table "c" violates foreign key constraint "c_pid_fkey"`, `Key (pid)=(9) is not present in table "p".`)
	wantErr(t, s, "INSERT INTO c VALUES (6, 9) ON CONFLICT DO NOTHING", pgerr.ForeignKeyViolation, "", "")
	wantErr(t, s, "INSERT INTO c VALUES (1, 9) ON CONFLICT (id) DO UPDATE SET pid = excluded.pid", pgerr.ForeignKeyViolation, "", "")
	mustExec(t, s, "UPDATE c SET pid = 2 WHERE id = 1")
	mustExec(t, s, "UPDATE c SET pid = NULL WHERE id = 1")
	// The failed statements left nothing.
	wantRows(t, s, "SELECT id, pid FROM c ORDER BY id", []string{"1", "NULL"}, []string{"2", "NULL"}, []string{"3", "2"})

	// A child may come before its parent within one statement.
	mustExec(t, s, "INSERT INTO tree VALUES (2, 1), (1, NULL), (3, 3)")
	wantErr(t, s, "INSERT INTO tree VALUES (4, 5)", pgerr.ForeignKeyViolation, "", `Key (up)=(5) is not present in table "tree".`)

	mustExec(t, s, "INSERT INTO q VALUES (1, 10, 20)")
	mustExec(t, s, "INSERT INTO r VALUES (1, 10, 20), (2, 10, NULL), (3, NULL, 99)")
	wantErr(t, s, "INSERT INTO r VALUES (4, 10, 21)", pgerr.ForeignKeyViolation,
		`insert or update on table "r" violates foreign key constraint "r_ab_fkey"`, `Key (a, b)=(10, 21) is not present in table "q".`)

	// In a block, the error fails the block and ROLLBACK undoes the
	// statement's writes.
	mustExec(t, s, "BEGIN")
	mustExec(t, s, "INSERT INTO p VALUES (3, 0)")
	if e := execErr(t, s, "INSERT INTO c VALUES (10, 3), (11, 4)"); e == nil || e.Code != pgerr.ForeignKeyViolation {
		t.Fatalf("got %v, want 23503", e)
	}
	mustExec(t, s, "ROLLBACK")
	wantRows(t, s, "SELECT count(*) FROM c WHERE id >= 10", []string{"0"})
	wantRows(t, s, "SELECT count(*) FROM p", []string{"2"})
}

// The parent side: each ON DELETE / ON UPDATE action.
func TestFKParentActions(t *testing.T) {
	e := newEngine(t)
	createTables(t, e,
		tdesc{name: "p", cols: []string{"id", "x"}, pk: 1},
		tdesc{name: "noact", cols: []string{"id", "pid"}, pk: 1, fks: []catalog.ForeignKey{fk("noact_pid_fkey", []int{1}, "p", []int{0}, "", "")}},
		tdesc{name: "restr", cols: []string{"id", "pid"}, pk: 1, fks: []catalog.ForeignKey{fk("restr_pid_fkey", []int{1}, "p", []int{0}, "restrict", "restrict")}},
		// Children found through an index on the key, and by a scan.
		tdesc{name: "casc", cols: []string{"id", "pid"}, pk: 1, indexes: [][]int{{1}}, fks: []catalog.ForeignKey{fk("casc_pid_fkey", []int{1}, "p", []int{0}, "cascade", "cascade")}},
		tdesc{name: "grand", cols: []string{"id", "cid"}, pk: 1, fks: []catalog.ForeignKey{fk("grand_cid_fkey", []int{1}, "casc", []int{0}, "cascade", "")}},
		tdesc{name: "setn", cols: []string{"id", "pid", "y"}, pk: 1, fks: []catalog.ForeignKey{fk("setn_pid_fkey", []int{1}, "p", []int{0}, "set null", "set null")}},
		tdesc{name: "setnn", cols: []string{"id", "pid!"}, pk: 1, fks: []catalog.ForeignKey{fk("setnn_pid_fkey", []int{1}, "p", []int{0}, "set null", "")}},
	)
	s := engineSession(t, e)
	mustExec(t, s, "INSERT INTO p VALUES (1, 0), (2, 0), (3, 0), (4, 0), (5, 0), (6, 0), (7, 0)")
	mustExec(t, s, "INSERT INTO noact VALUES (1, 1)")
	mustExec(t, s, "INSERT INTO restr VALUES (1, 2)")
	mustExec(t, s, "INSERT INTO casc VALUES (1, 3), (2, 3), (3, 4)")
	mustExec(t, s, "INSERT INTO grand VALUES (1, 1), (2, 2), (3, 3)")
	mustExec(t, s, "INSERT INTO setn VALUES (1, 5, 0), (2, 5, 0), (3, 6, 0)")
	mustExec(t, s, "INSERT INTO setnn VALUES (1, 7)")

	wantErr(t, s, "DELETE FROM p WHERE id = 1", pgerr.ForeignKeyViolation,
		`update or delete on table "p" violates foreign key constraint "noact_pid_fkey" on table "noact"`,
		`Key (id)=(1) is still referenced from table "noact".`)
	wantErr(t, s, "UPDATE p SET id = 10 WHERE id = 1", pgerr.ForeignKeyViolation,
		`update or delete on table "p" violates foreign key constraint "noact_pid_fkey" on table "noact"`, "")
	wantErr(t, s, "DELETE FROM p WHERE id = 2", pgerr.ForeignKeyViolation,
		`update or delete on table "p" violates foreign key constraint "restr_pid_fkey" on table "restr"`,
		`Key (id)=(2) is still referenced from table "restr".`)
	wantErr(t, s, "DELETE FROM p WHERE id = 7", pgerr.NotNullViolation,
		`null value in column "pid" of relation "setnn" violates not-null constraint`, "")
	// Non-key columns change freely; a key "changed" to itself is no change.
	mustExec(t, s, "UPDATE p SET x = 1, id = id")

	// CASCADE deletes children and grandchildren.
	r := mustExec(t, s, "DELETE FROM p WHERE id = 3")[0]
	if r.Tag != "DELETE 1" {
		t.Errorf("cascading delete tag %q, want DELETE 1 (cascaded rows are not counted)", r.Tag)
	}
	wantRows(t, s, "SELECT id, pid FROM casc ORDER BY id", []string{"3", "4"})
	wantRows(t, s, "SELECT id, cid FROM grand ORDER BY id", []string{"3", "3"})
	// ON UPDATE CASCADE gives children the new key.
	mustExec(t, s, "UPDATE p SET id = 40 WHERE id = 4")
	wantRows(t, s, "SELECT id, pid FROM casc ORDER BY id", []string{"3", "40"})
	// SET NULL.
	mustExec(t, s, "DELETE FROM p WHERE id = 5")
	mustExec(t, s, "UPDATE p SET id = 60 WHERE id = 6")
	wantRows(t, s, "SELECT id, pid FROM setn ORDER BY id", []string{"1", "NULL"}, []string{"2", "NULL"}, []string{"3", "NULL"})
	// A referenced row may go once its children do, in the same statement
	// or before.
	mustExec(t, s, "DELETE FROM noact")
	mustExec(t, s, "DELETE FROM p WHERE id = 1")
	wantRows(t, s, "SELECT id FROM p ORDER BY id", []string{"2"}, []string{"7"}, []string{"40"}, []string{"60"})
}

// A self-referencing table: deleting every row in one statement passes
// (the children go too), and CASCADE follows the tree.
func TestFKSelfReference(t *testing.T) {
	e := newEngine(t)
	createTables(t, e,
		tdesc{name: "n", cols: []string{"id", "up"}, pk: 1, fks: []catalog.ForeignKey{fk("n_up_fkey", []int{1}, "n", []int{0}, "", "")}},
		tdesc{name: "m", cols: []string{"id", "up"}, pk: 1, fks: []catalog.ForeignKey{fk("m_up_fkey", []int{1}, "m", []int{0}, "cascade", "")}},
	)
	s := engineSession(t, e)
	mustExec(t, s, "INSERT INTO n VALUES (1, NULL), (2, 1), (3, 2), (4, 4)")
	wantErr(t, s, "DELETE FROM n WHERE id = 2", pgerr.ForeignKeyViolation, "", `Key (id)=(2) is still referenced from table "n".`)
	mustExec(t, s, "DELETE FROM n WHERE id = 4")
	if r := mustExec(t, s, "DELETE FROM n")[0]; r.Tag != "DELETE 3" {
		t.Errorf("tag %q", r.Tag)
	}
	mustExec(t, s, "INSERT INTO m VALUES (1, NULL), (2, 1), (3, 2), (4, 3), (5, NULL), (6, 5)")
	mustExec(t, s, "DELETE FROM m WHERE id = 2")
	wantRows(t, s, "SELECT id FROM m ORDER BY id", []string{"1"}, []string{"5"}, []string{"6"})
}
