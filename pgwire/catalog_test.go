package pgwire

import (
	"strings"
	"testing"
)

// TestPgxOIDAndRegclass reads oid and regclass columns through pgx in
// every query mode: oid travels in binary as 4 unsigned bytes when pgx
// asks for it (extended protocol) and as digits in text; regclass has no
// binary format here, so pgx reads its name as text, and regclass::oid
// gives the number back.
func TestPgxOIDAndRegclass(t *testing.T) {
	ts := startServer(t)
	setup := ts.connect(t, "")
	ctx := ctxT(t)
	if _, err := setup.Exec(ctx, "CREATE TABLE cat_wire (id int PRIMARY KEY)"); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{"", "&default_query_exec_mode=simple_protocol", "&default_query_exec_mode=describe_exec"} {
		t.Run(strings.TrimPrefix(mode, "&"), func(t *testing.T) {
			c := ts.connect(t, mode)
			var (
				oid, sysOID, back uint32
				name, sysName     string
			)
			err := c.QueryRow(ctx, `SELECT c.oid, c.oid::regclass, 'pg_catalog.pg_class'::regclass::oid,
				'pg_class'::regclass, 'cat_wire'::regclass::oid
				FROM pg_catalog.pg_class c WHERE c.relname = 'cat_wire'`).Scan(&oid, &name, &sysOID, &sysName, &back)
			if err != nil {
				t.Fatal(err)
			}
			if oid < 16384 || oid != back || name != "cat_wire" || sysOID != 1259 || sysName != "pg_class" {
				t.Errorf("got oid %d (back %d) name %q, pg_class %d %q", oid, back, name, sysOID, sysName)
			}
			// An oid parameter: binary in the extended modes.
			var got string
			if err := c.QueryRow(ctx, "SELECT relname FROM pg_catalog.pg_class WHERE oid = $1", oid).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != "cat_wire" {
				t.Errorf("lookup by oid parameter = %q", got)
			}
			// A name parameter cast to regclass is looked up.
			var byName uint32
			if err := c.QueryRow(ctx, "SELECT $1::regclass::oid", "cat_wire").Scan(&byName); err != nil {
				t.Fatal(err)
			}
			if byName != oid {
				t.Errorf("$1::regclass = %d, want %d", byName, oid)
			}
			rows, err := c.Query(ctx, "SELECT oid, oid::regclass FROM pg_catalog.pg_class WHERE relname = 'cat_wire'")
			if err != nil {
				t.Fatal(err)
			}
			fds := rows.FieldDescriptions()
			if len(fds) != 2 || fds[0].DataTypeOID != 26 || fds[1].DataTypeOID != 2205 || fds[0].DataTypeSize != 4 {
				t.Errorf("field descriptions %+v", fds)
			}
			rows.Close()
		})
	}
	var code string
	_, err := setup.Exec(ctx, "SELECT 'cat_nosuch'::regclass")
	if code = sqlstate(err); code != "42P01" {
		t.Errorf("unknown relation: %v (%s), want 42P01", err, code)
	}
}
