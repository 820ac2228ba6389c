package syscat

import (
	"github.com/persiandb/persiandb/sql/catalog"
	"github.com/persiandb/persiandb/sql/planner"
	"github.com/persiandb/persiandb/storage"
)

// pg_class and pg_namespace: every user relation (tables, their indexes,
// views, sequences) in public, and the system views themselves in
// pg_catalog and information_schema.
func init() {
	catalogTable("pg_namespace", ClassPgNsp, "oid oid, nspname name, nspowner oid, nspacl aclitem[]",
		func(*Snapshot) [][]any {
			return [][]any{
				{uint32(NamespaceCatalog), "pg_catalog", uint32(RoleBootstrap), nil},
				{uint32(NamespacePublic), "public", uint32(RoleDatabaseOwner), nil},
				{uint32(NamespaceInfo), "information_schema", uint32(RoleBootstrap), nil},
			}
		})
	catalogTable("pg_class", ClassPgClass, "oid oid, relname name, relnamespace oid, reltype oid, reloftype oid, "+
		"relowner oid, relam oid, relfilenode oid, reltablespace oid, relpages int4, reltuples float4, "+
		"relallvisible int4, reltoastrelid oid, relhasindex bool, relisshared bool, relpersistence char, "+
		"relkind char, relnatts int2, relchecks int2, relhasrules bool, relhastriggers bool, "+
		"relhassubclass bool, relrowsecurity bool, relforcerowsecurity bool, relispopulated bool, "+
		"relreplident char, relispartition bool, relrewrite oid, relfrozenxid xid, relminmxid xid, "+
		"relacl aclitem[], reloptions text[], relpartbound pg_node_tree", classRows)
}

// classRow is one pg_class row from the fields that vary.
func classRow(oid uint32, name string, nsp uint32, kind byte, am uint32, natts, checks int, hasIndex, hasTriggers bool) []any {
	filenode, replident := oid, "n"
	switch kind {
	case 'v':
		filenode = 0
	case 'r':
		replident = "d"
	}
	return []any{oid, name, nsp, uint32(0), uint32(0), uint32(RoleBootstrap), am, filenode, uint32(0),
		0, float32(-1), 0, uint32(0), hasIndex, false, "p", string(kind), natts, checks, false, hasTriggers,
		false, false, false, true, replident, false, uint32(0), 0, 0, nil, nil, nil}
}

func classRows(s *Snapshot) [][]any {
	var out [][]any
	// A foreign key is enforced by triggers on both of its tables in
	// Postgres, and psql looks for foreign keys only where
	// relhastriggers is set.
	fkTables := map[string]bool{}
	for _, t := range s.Tables {
		for _, fk := range t.ForeignKeys {
			fkTables[t.Name], fkTables[fk.RefTable] = true, true
		}
	}
	for _, t := range s.Tables {
		ixs := indexes(t)
		out = append(out, classRow(RelOID(t.ID), t.Name, NamespacePublic, 'r', AmHeap, len(attributes(t)), len(t.Checks), len(ixs) > 0, fkTables[t.Name]))
		for _, ix := range ixs {
			out = append(out, classRow(IndexOID(t.ID, ix.ID), ix.Name, NamespacePublic, 'i', AmBtree, len(ix.Columns), 0, false, false))
		}
	}
	for _, v := range s.Views {
		out = append(out, classRow(RelOID(v.ID), v.Name, NamespacePublic, 'v', 0, len(v.Columns), 0, false, false))
	}
	for _, q := range s.Sequences {
		out = append(out, classRow(RelOID(q.ID), q.Name, NamespacePublic, 'S', 0, 3, 0, false, false))
	}
	for _, t := range systemRelations() {
		am := uint32(0)
		if t.kind == 'r' {
			am = AmHeap
		}
		out = append(out, classRow(t.oid, t.name, t.schema, t.kind, am, len(t.cols), 0, false, false))
	}
	return out
}

// attributes are a table's columns as pg_attribute numbers them (attnum
// is the position plus one; dropped columns keep theirs). The hidden row
// id column, last, is not an attribute.
func attributes(t *catalog.Table) []catalog.Column {
	cols := t.Columns
	for len(cols) > 0 && cols[len(cols)-1].Hidden {
		cols = cols[:len(cols)-1]
	}
	return cols
}

// ColumnType is a catalog column's planner type.
func ColumnType(c catalog.Column) planner.Type {
	name := c.PgType
	if name == "" {
		name = c.Type.String()
	}
	return planner.Type{T: c.Type, Name: name, Typmod: c.Typmod}
}

// viewColumnType is a view column's planner type.
func viewColumnType(c catalog.ViewColumn) planner.Type {
	return ColumnType(catalog.Column{Type: c.Type, PgType: c.PgType, Typmod: c.Typmod})
}

// sequenceType is the type of a sequence's values.
func sequenceType(q *catalog.Sequence) planner.Type {
	switch q.Type {
	case "integer":
		return planner.TypeOf(storage.TypeInt32)
	case "smallint":
		return planner.TypeOf(storage.TypeInt16)
	}
	return planner.TypeOf(storage.TypeInt64)
}
