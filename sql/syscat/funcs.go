package syscat

import (
	"strconv"

	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/sql/sem"
	"github.com/persiandb/persiandb/storage"
)

// Reader answers the catalog functions (sem.Catalog) from a snapshot
// that Load gives: the sql session passes one reading its current
// transaction.
type Reader struct {
	Load func() (*Snapshot, error)
}

var _ sem.Catalog = (*Reader)(nil)

// oidArg reads an OID argument (int8; OIDs are unsigned 32-bit).
func oidArg(v storage.Value) uint32 { return uint32(v.AsInt64()) }

func textOrNull(s string, ok bool) storage.Value {
	if !ok {
		return storage.Null()
	}
	return storage.Text(s)
}

// CatalogFunc implements sem.Catalog.
func (r *Reader) CatalogFunc(name string, a []storage.Value) (storage.Value, error) {
	switch name {
	case "format_type":
		if a[0].IsNull() {
			return storage.Null(), nil
		}
		if a[1].IsNull() {
			return storage.Text(FormatType(oidArg(a[0]), -1, false)), nil
		}
		return storage.Text(FormatType(oidArg(a[0]), int32(a[1].AsInt64()), true)), nil
	case "pg_get_expr":
		// adbin already holds the printed expression.
		return a[0], nil
	case "pg_table_is_visible":
		t := systemByOID(oidArg(a[0]))
		return storage.Bool(t == nil || t.schema != NamespaceInfo), nil
	}
	s, err := r.Load()
	if err != nil {
		return storage.Value{}, err
	}
	switch name {
	case "obj_description":
		cat := ""
		if len(a) > 1 {
			cat = a[1].AsString()
		}
		return description(s, oidArg(a[0]), 0, cat), nil
	case "col_description":
		return description(s, oidArg(a[0]), int32(a[1].AsInt64()), ""), nil
	case "pg_get_userbyid":
		oid := oidArg(a[0])
		for _, role := range roles(s) {
			if RoleOID(role.Name) == oid {
				return storage.Text(role.Name), nil
			}
		}
		return storage.Text("unknown (OID=" + strconv.FormatUint(uint64(oid), 10) + ")"), nil
	case "pg_get_indexdef":
		rel, ok := s.RelationByOID(oidArg(a[0]))
		if !ok || rel.Index == nil {
			return storage.Null(), nil
		}
		col, pretty := 0, false
		if len(a) > 2 {
			col, pretty = int(a[1].AsInt64()), a[2].AsBool()
		}
		primary := rel.Index.ID == rel.Table.PrimaryKey.ID && !rel.Table.HasRowID()
		return storage.Text(IndexDef(rel.Table, *rel.Index, primary, col, pretty)), nil
	case "pg_get_constraintdef":
		pretty := len(a) > 1 && a[1].AsBool()
		def, ok := constraintDef(s, oidArg(a[0]), pretty)
		return textOrNull(def, ok), nil
	case "pg_get_viewdef":
		var rel Relation
		var ok bool
		if a[0].Type() == storage.TypeText {
			var oid uint32
			if oid, ok = s.RelOIDByName(a[0].AsString()); ok {
				rel, ok = s.RelationByOID(oid)
			}
		} else {
			rel, ok = s.RelationByOID(oidArg(a[0]))
		}
		if !ok || rel.View == nil {
			return storage.Null(), nil
		}
		return storage.Text(ViewDef(s, rel.View)), nil
	case "pg_relation_is_publishable":
		rel, ok := s.RelationByOID(oidArg(a[0]))
		return storage.Bool(ok && rel.Kind == 'r'), nil
	case "pg_table_size", "pg_relation_size", "pg_total_relation_size", "pg_indexes_size":
		rel, ok := s.RelationByOID(oidArg(a[0]))
		if !ok {
			return storage.Null(), nil
		}
		return storage.Int64(relationSize(s, rel, name)), nil
	case "pg_database_size":
		if a[0].AsString() != "postgres" {
			return storage.Value{}, pgerr.New(pgerr.InvalidCatalogName, "database %q does not exist", a[0].AsString())
		}
		var total int64
		for _, t := range s.Tables {
			total += relationSize(s, Relation{Kind: 'r', Table: t}, "pg_total_relation_size")
		}
		return storage.Int64(total + int64(len(s.Sequences))*8192), nil
	case "to_regclass":
		oid, err := regclassIn(s, a[0].AsString())
		if err != nil {
			return storage.Null(), nil
		}
		return storage.Int64(oid), nil
	case "pg_get_serial_sequence":
		t := s.TableByName(a[0].AsString())
		if t == nil {
			return storage.Value{}, pgerr.New(pgerr.UndefinedTable, "relation %q does not exist", a[0].AsString())
		}
		for _, q := range s.Sequences {
			if q.OwnedBy != nil && q.OwnedBy.Table == t.Name && q.OwnedBy.Column == a[1].AsString() {
				return storage.Text("public." + sem.QuoteIdent(q.Name)), nil
			}
		}
		return storage.Null(), nil
	}
	return storage.Value{}, pgerr.New(pgerr.UndefinedFunction, "function %s is not implemented", name)
}

// constraintDef is pg_get_constraintdef.
func constraintDef(s *Snapshot, oid uint32, pretty bool) (string, bool) {
	id, slot, ok := slotOf(oid)
	t := s.tableByID[id]
	if !ok || t == nil {
		return "", false
	}
	switch {
	case slot >= slotFK && int(slot-slotFK) < len(t.ForeignKeys):
		fk := t.ForeignKeys[slot-slotFK]
		return foreignKeyDef(t, fk, s.TableByName(fk.RefTable)), true
	case slot >= slotCheck && slot < slotFK && int(slot-slotCheck) < len(t.Checks):
		return CheckDef(t, t.Checks[slot-slotCheck], pretty), true
	case slot >= slotKey && slot < slotCheck:
		for k, ix := range indexes(t) {
			if ix.ID != slot-slotKey {
				continue
			}
			if k == 0 && !t.HasRowID() {
				return "PRIMARY KEY " + columnList(t, ix.Columns), true
			}
			return "UNIQUE " + columnList(t, ix.Columns), true
		}
	}
	return "", false
}
