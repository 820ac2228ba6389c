package syscat

import (
	"fmt"

	"github.com/persiandb/persiandb/sql/planner"
	"github.com/persiandb/persiandb/storage"
)

// pg_attribute and pg_attrdef: the columns of every relation, and the
// defaults of table columns.
func init() {
	catalogTable("pg_attribute", 1249, "attrelid oid, attname name, atttypid oid, attstattarget int4, "+
		"attlen int2, attnum int2, attndims int4, attcacheoff int4, atttypmod int4, attbyval bool, "+
		"attalign char, attstorage char, attcompression char, attnotnull bool, atthasdef bool, "+
		"atthasmissing bool, attidentity char, attgenerated char, attisdropped bool, attislocal bool, "+
		"attinhcount int4, attcollation oid, attacl aclitem[], attoptions text[], attfdwoptions text[], "+
		"attmissingval anyarray", attributeRows)
	// adbin holds the default as pg_get_expr prints it (there are no
	// stored plan trees); pg_get_expr returns it unchanged.
	catalogTable("pg_attrdef", 2604, "oid oid, adrelid oid, adnum int2, adbin pg_node_tree", attrdefRows)
}

// attribute is one pg_attribute row.
func attribute(rel uint32, name string, num int, t planner.Type, notNull, hasDef, dropped bool) []any {
	oid := t.OID()
	size := t.Size()
	byval := size > 0 && size <= 8
	align, storageKind := "i", "p"
	switch {
	case size == -1:
		storageKind = "x"
		if t.T == storage.TypeNumeric {
			storageKind = "m"
		}
	case size == 1:
		align = "c"
	case size == 2:
		align = "s"
	case size == 8:
		align = "d"
	case size == 64:
		align, byval = "c", false
	case size == 16:
		align, byval = "d", false
		if t.T == storage.TypeUUID {
			align = "c"
		}
	}
	if t.T == storage.TypeText && size == -1 {
		align = "i"
	}
	ndims := 0
	if t.IsArray() {
		ndims = 1
		align, storageKind = "i", "x"
		if et := t.Elem(); et.Size() == 8 {
			align = "d"
		}
	}
	if dropped {
		name = fmt.Sprintf("........pg.dropped.%d........", num)
		oid = 0
	}
	return []any{rel, name, oid, -1, size, num, ndims, -1, t.Typmod, byval, align, storageKind, "",
		notNull, hasDef, false, "", "", dropped, true, 0, collationOf(t), nil, nil, nil, nil}
}

// collationOf is attcollation: the default collation for the string
// types, none for the others.
func collationOf(t planner.Type) uint32 {
	if t.IsArray() {
		t = t.Elem()
	}
	if t.T == storage.TypeText && t.Name != "name" && t.Name != `"char"` {
		return CollDefault
	}
	if t.Name == "name" {
		return CollC
	}
	return 0
}

func attributeRows(s *Snapshot) [][]any {
	var out [][]any
	for _, t := range s.Tables {
		rel := RelOID(t.ID)
		cols := attributes(t)
		for i, c := range cols {
			out = append(out, attribute(rel, c.Name, i+1, ColumnType(c), c.NotNull || inPrimaryKey(t, i), c.Default != "", c.Dropped))
		}
		for _, ix := range indexes(t) {
			for k, ci := range ix.Columns {
				c := t.Columns[ci]
				out = append(out, attribute(IndexOID(t.ID, ix.ID), c.Name, k+1, ColumnType(c), false, false, false))
			}
		}
	}
	for _, v := range s.Views {
		for i, c := range v.Columns {
			out = append(out, attribute(RelOID(v.ID), c.Name, i+1, viewColumnType(c), false, false, false))
		}
	}
	int8t, boolt := planner.TypeOf(storage.TypeInt64), planner.TypeOf(storage.TypeBool)
	for _, q := range s.Sequences {
		rel := RelOID(q.ID)
		out = append(out, attribute(rel, "last_value", 1, int8t, true, false, false),
			attribute(rel, "log_cnt", 2, int8t, true, false, false),
			attribute(rel, "is_called", 3, boolt, true, false, false))
	}
	for _, st := range systemRelations() {
		for i, c := range st.cols {
			// Catalog columns are NOT NULL up to the first one that
			// may be NULL; the fixed-width and name ones here are.
			notNull := st.kind == 'r' && !c.Type.IsArray() && (c.Type.Size() > 0 || c.Type.Name == "name")
			out = append(out, attribute(st.oid, c.Name, i+1, c.Type, notNull, false, false))
		}
	}
	return out
}

func attrdefRows(s *Snapshot) [][]any {
	var out [][]any
	for _, t := range s.Tables {
		for i, c := range attributes(t) {
			if c.Default == "" || c.Dropped {
				continue
			}
			out = append(out, []any{RelOID(t.ID) + slotDefault + uint32(i+1), RelOID(t.ID), i + 1, DefaultDef(c)})
		}
	}
	return out
}
