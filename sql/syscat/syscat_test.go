package syscat

import (
	"testing"

	"github.com/persiandb/persiandb/sql/catalog"
	"github.com/persiandb/persiandb/storage"
)

func TestFormatType(t *testing.T) {
	for _, tc := range []struct {
		oid     uint32
		typmod  int32
		withMod bool
		want    string
	}{
		{23, -1, false, "integer"},
		{23, -1, true, "integer"},
		{1043, 24, true, "character varying(20)"},
		{1043, -1, true, "character varying"},
		{1042, 5, true, "character(1)"},
		{1042, -1, true, "bpchar"}, // not character, which means character(1)
		{1042, -1, false, "character"},
		{1700, (10<<16 | 2) + 4, true, "numeric(10,2)"},
		{1700, -1, true, "numeric"},
		{1184, -1, true, "timestamp with time zone"},
		{1114, 3, true, "timestamp(3) without time zone"},
		{1007, -1, true, "integer[]"},
		{1015, 24, true, "character varying(20)[]"},
		{18, -1, true, `"char"`},
		{2205, -1, false, "regclass"},
		{999999, -1, true, "???"},
	} {
		if got := FormatType(tc.oid, tc.typmod, tc.withMod); got != tc.want {
			t.Errorf("FormatType(%d, %d, %v) = %q, want %q", tc.oid, tc.typmod, tc.withMod, got, tc.want)
		}
	}
}

// TestOIDScheme checks that the slots of a table's block do not overlap
// and that slotOf inverts them.
func TestOIDScheme(t *testing.T) {
	if RelOID(100) != FirstUserOID {
		t.Fatalf("first table OID = %d", RelOID(100))
	}
	seen := map[uint32]string{}
	add := func(oid uint32, what string) {
		if prev, dup := seen[oid]; dup {
			t.Fatalf("OID %d is both %s and %s", oid, prev, what)
		}
		seen[oid] = what
		id, _, ok := slotOf(oid)
		if !ok || id != 101 {
			t.Fatalf("slotOf(%d) = %d, %v", oid, id, ok)
		}
	}
	add(RelOID(101), "table")
	for ix := uint32(0); ix < 255; ix++ {
		add(IndexOID(101, ix), "index")
		add(RelOID(101)+slotKey+ix, "key constraint")
	}
	for col := uint32(1); col < 256; col++ {
		add(RelOID(101)+slotDefault+col, "default")
	}
	for k := uint32(0); k < 128; k++ {
		add(RelOID(101)+slotCheck+k, "check")
		add(RelOID(101)+slotFK+k, "foreign key")
	}
	if _, _, ok := slotOf(RelOID(102) - 1); !ok || RelOID(102)-1 != RelOID(101)+blockSize-1 {
		t.Fatal("blocks are not contiguous")
	}
	if RoleOID("postgres") != RoleBootstrap || RoleOID("pg_database_owner") != RoleDatabaseOwner {
		t.Fatal("built-in role OIDs")
	}
	if a, b := RoleOID("alice"), RoleOID("alice"); a != b || a < FirstUserOID {
		t.Fatalf("RoleOID(alice) = %d, %d", a, b)
	}
}

func TestDefaultAndCheckDef(t *testing.T) {
	col := func(typ storage.Type, pg string, typmod int32, def string) catalog.Column {
		return catalog.Column{Name: "c", Type: typ, PgType: pg, Typmod: typmod, Default: def}
	}
	for _, tc := range []struct {
		c    catalog.Column
		want string
	}{
		{col(storage.TypeText, "character varying", 24, "_utf8mb4'x'"), "'x'::character varying"},
		{col(storage.TypeText, "text", -1, "'it''s'"), "'it''s'::text"},
		{col(storage.TypeInt32, "integer", -1, "0"), "0"},
		{col(storage.TypeInt32, "integer", -1, "-1"), "'-1'::integer"},
		{col(storage.TypeNumeric, "numeric", -1, "'1.5'"), "1.5"},
		{col(storage.TypeBool, "boolean", -1, "TRUE"), "true"},
		{col(storage.TypeInt64, "bigint", -1, "nextval('t_id_seq')"), "nextval('t_id_seq'::regclass)"},
		{col(storage.TypeTimestampTZ, "timestamp with time zone", -1, "now()"), "now()"},
		{col(storage.TypeDate, "date", -1, "'2020-01-01'"), "'2020-01-01'::date"},
		{col(storage.TypeInt16, "smallint", -1, "-1"), "'-1'::integer"},
		{col(storage.TypeNumeric, "numeric", -1, "-1.5"), "'-1.5'::numeric"},
		{col(storage.TypeTimestampTZ, "timestamp with time zone", -1, "CURRENT_TIMESTAMP()"), "CURRENT_TIMESTAMP"},
		{col(storage.TypeText, "text", -1, "upper(_UTF8MB4'a')"), "upper('a'::text)"},
		{col(storage.TypeText, "text", -1, "concat(_UTF8MB4'(', 'b')"), "concat('('::text, 'b'::text)"},
	} {
		if got := DefaultDef(tc.c); got != tc.want {
			t.Errorf("DefaultDef(%q) = %q, want %q", tc.c.Default, got, tc.want)
		}
	}
	ck := catalog.Check{Name: "k", Expr: "qty > 0 and (b IS NOT NULL)"}
	tbl := &catalog.Table{Columns: []catalog.Column{{Name: "qty", Type: storage.TypeInt32, PgType: "integer", Typmod: -1}}}
	if got, want := CheckDef(tbl, ck, true), "CHECK (qty > 0 AND (b IS NOT NULL))"; got != want {
		t.Errorf("CheckDef pretty = %q, want %q", got, want)
	}
	if got, want := CheckDef(tbl, ck, false), "CHECK ((qty > 0 AND (b IS NOT NULL)))"; got != want {
		t.Errorf("CheckDef = %q, want %q", got, want)
	}
}

func TestSplitQualified(t *testing.T) {
	for in, want := range map[string][]string{
		"T1":                  {"t1"},
		`public."T1"`:         {"public", "T1"},
		`"a.b"`:               {"a.b"},
		`"x""y".z`:            {`x"y`, "z"},
		"pg_catalog.pg_class": {"pg_catalog", "pg_class"},
	} {
		got := splitQualified(in)
		if len(got) != len(want) {
			t.Errorf("splitQualified(%q) = %q", in, got)
			continue
		}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("splitQualified(%q) = %q, want %q", in, got, want)
			}
		}
	}
}

// TestEveryViewBuilds checks every system view's rows against its
// columns on an empty snapshot (a wrong Go type in a row is an error).
func TestEveryViewBuilds(t *testing.T) {
	s := &Snapshot{Roles: []*catalog.Role{{Name: "postgres", Superuser: true, Login: true, ConnLimit: -1}},
		keys: func(*catalog.Table) int { return 0 }, tableByID: map[uint32]*catalog.Table{}, byName: map[string]uint32{}}
	for key := range sysTables {
		if _, err := Rows(s, key); err != nil {
			t.Errorf("%s: %v", key, err)
		}
		if Columns(key) == nil {
			t.Errorf("%s has no columns", key)
		}
	}
}

func TestViewDef(t *testing.T) {
	tbl := &catalog.Table{ID: 100, Name: "vt", Columns: []catalog.Column{
		{Name: "id", Type: storage.TypeInt32, PgType: "integer", Typmod: -1},
		{Name: "t", Type: storage.TypeText, PgType: "text", Typmod: -1}}}
	s := &Snapshot{Tables: []*catalog.Table{tbl}, tableByID: map[uint32]*catalog.Table{100: tbl},
		byName: map[string]uint32{"vt": RelOID(100)}}
	view := func(q string, cols ...string) *catalog.View {
		v := &catalog.View{Name: "v", Query: q}
		for _, c := range cols {
			v.Columns = append(v.Columns, catalog.ViewColumn{Name: c})
		}
		return v
	}
	for _, tc := range []struct {
		v    *catalog.View
		want string
	}{
		{view("SELECT id, t FROM vt WHERE id > 1 AND t <> 'x'", "id", "t"),
			" SELECT vt.id,\n    vt.t\n   FROM vt\n  WHERE vt.id > 1 AND vt.t <> 'x'::text;"},
		{view("select * from public.vt order by t desc, id", "a", "t"),
			" SELECT vt.id AS a,\n    vt.t\n   FROM vt\n  ORDER BY vt.t DESC, vt.id;"},
		// Anything else is kept as written.
		{view("SELECT count(*) FROM vt", "count"), " SELECT count(*) FROM vt;"},
		{view("SELECT id FROM vt JOIN vt AS w USING (id)", "id"), " SELECT id FROM vt JOIN vt AS w USING (id);"},
	} {
		if got := ViewDef(s, tc.v); got != tc.want {
			t.Errorf("ViewDef(%q) =\n%s\nwant\n%s", tc.v.Query, got, tc.want)
		}
	}
}
