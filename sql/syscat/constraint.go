package syscat

import (
	"github.com/persiandb/persiandb/sql/catalog"
)

// pg_index and pg_constraint.
func init() {
	catalogTable("pg_index", 2610, "indexrelid oid, indrelid oid, indnatts int2, indnkeyatts int2, "+
		"indisunique bool, indnullsnotdistinct bool, indisprimary bool, indisexclusion bool, "+
		"indimmediate bool, indisclustered bool, indisvalid bool, indcheckxmin bool, indisready bool, "+
		"indislive bool, indisreplident bool, indkey int2vector, indcollation oidvector, "+
		"indclass oidvector, indoption int2vector, indexprs pg_node_tree, indpred pg_node_tree", indexRows)
	catalogTable("pg_constraint", ClassPgConst, "oid oid, conname name, connamespace oid, contype char, "+
		"condeferrable bool, condeferred bool, convalidated bool, conrelid oid, contypid oid, "+
		"conindid oid, conparentid oid, confrelid oid, confupdtype char, confdeltype char, "+
		"confmatchtype char, conislocal bool, coninhcount int4, connoinherit bool, conkey int2[], "+
		"confkey int2[], conpfeqop oid[], conppeqop oid[], conffeqop oid[], confdelsetcols int2[], "+
		"conexclop oid[], conbin pg_node_tree", constraintRows)
}

// inPrimaryKey reports whether column i is in t's declared primary key
// (Postgres marks those columns NOT NULL).
func inPrimaryKey(t *catalog.Table, i int) bool {
	if t.HasRowID() {
		return false
	}
	for _, c := range t.PrimaryKey.Columns {
		if c == i {
			return true
		}
	}
	return false
}

// attnums are column positions as attnums.
func attnums(cols []int) []int16 {
	out := make([]int16, len(cols))
	for i, c := range cols {
		out[i] = int16(c + 1)
	}
	return out
}

func indexRows(s *Snapshot) [][]any {
	var out [][]any
	for _, t := range s.Tables {
		for k, ix := range indexes(t) {
			primary := k == 0 && !t.HasRowID()
			n := len(ix.Columns)
			colls := make([]uint32, n)
			opts := make([]int16, n)
			classes := make([]uint32, n)
			for i, ci := range ix.Columns {
				colls[i] = collationOf(ColumnType(t.Columns[ci]))
				if i < len(ix.Keys) && ix.Keys[i].Desc {
					opts[i] |= 1
				}
				if i < len(ix.Keys) && ix.Keys[i].NullsFirst != ix.Keys[i].Desc {
					opts[i] |= 2
				}
			}
			out = append(out, []any{IndexOID(t.ID, ix.ID), RelOID(t.ID), n, n, ix.Unique || primary, false,
				primary, false, true, false, true, false, true, true, false, attnums(ix.Columns), colls,
				classes, opts, nil, nil})
		}
	}
	return out
}

// constraint is one pg_constraint row.
func constraint(oid uint32, name string, typ string, rel, index, frel uint32, key, fkey []int16, upd, del string) []any {
	var fk []int16
	if typ == "f" {
		fk = fkey
	}
	if typ != "f" {
		upd, del = " ", " "
	}
	var conkey any = key
	if key == nil {
		conkey = nil
	}
	var confkey any
	if fk != nil {
		confkey = fk
	}
	match := " "
	if typ == "f" {
		match = "s"
	}
	return []any{oid, name, uint32(NamespacePublic), typ, false, false, true, rel, uint32(0), index,
		uint32(0), frel, upd, del, match, true, 0, false, conkey, confkey, nil, nil, nil, nil, nil, nil}
}

// fkAction is confupdtype/confdeltype for a referential action.
func fkAction(a string) string {
	switch a {
	case "restrict":
		return "r"
	case "cascade":
		return "c"
	case "set null":
		return "n"
	case "set default":
		return "d"
	}
	return "a"
}

func constraintRows(s *Snapshot) [][]any {
	var out [][]any
	for _, t := range s.Tables {
		rel := RelOID(t.ID)
		for k, ix := range indexes(t) {
			primary := k == 0 && !t.HasRowID()
			if !primary && !ix.Constraint {
				continue
			}
			typ := "u"
			if primary {
				typ = "p"
			}
			out = append(out, constraint(rel+slotKey+ix.ID, ix.Name, typ, rel, IndexOID(t.ID, ix.ID), 0, attnums(ix.Columns), nil, "", ""))
		}
		for k, c := range t.Checks {
			out = append(out, constraint(rel+slotCheck+uint32(k), c.Name, "c", rel, 0, 0, checkColumns(t, c), nil, "", ""))
		}
		for k, fk := range t.ForeignKeys {
			ref := s.TableByName(fk.RefTable)
			var frel, findex uint32
			if ref != nil {
				frel = RelOID(ref.ID)
				findex = referencedIndex(ref, fk.RefColumns)
			}
			out = append(out, constraint(rel+slotFK+uint32(k), fk.Name, "f", rel, findex, frel,
				attnums(fk.Columns), attnums(fk.RefColumns), fkAction(fk.OnUpdate), fkAction(fk.OnDelete)))
		}
	}
	return out
}

// referencedIndex is the OID of the unique index a foreign key's
// referenced columns match (conindid of a foreign key).
func referencedIndex(t *catalog.Table, cols []int) uint32 {
	for _, ix := range indexes(t) {
		if len(ix.Columns) != len(cols) {
			continue
		}
		same := true
		for i := range cols {
			same = same && ix.Columns[i] == cols[i]
		}
		if same {
			return IndexOID(t.ID, ix.ID)
		}
	}
	return 0
}
