package syscat

import (
	"strconv"
	"strings"

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
	}
	s, err := r.Load()
	if err != nil {
		return storage.Value{}, err
	}
	switch name {
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
		col := 0
		if len(a) > 1 {
			col = int(a[1].AsInt64())
		}
		primary := rel.Index.ID == rel.Table.PrimaryKey.ID && !rel.Table.HasRowID()
		return storage.Text(IndexDef(rel.Table, *rel.Index, primary, col)), nil
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
		return storage.Text(" " + strings.TrimSpace(rel.View.Query) + ";"), nil
	case "pg_relation_is_publishable":
		rel, ok := s.RelationByOID(oidArg(a[0]))
		return storage.Bool(ok && rel.Kind == 'r'), nil
	case "pg_table_size", "pg_relation_size", "pg_total_relation_size", "pg_indexes_size":
		rel, ok := s.RelationByOID(oidArg(a[0]))
		if !ok {
			return storage.Null(), nil
		}
		return storage.Int64(relationSize(rel, name)), nil
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

// relationSize estimates a relation's size in bytes: Postgres's sizes are
// 8 kB pages, which an in-memory store does not have, so a table counts
// one page (as Postgres reports for any table with a row) and an index
// two, and views none. Only the order of magnitude means anything.
func relationSize(rel Relation, fn string) int64 {
	const page = 8192
	switch rel.Kind {
	case 'r':
		switch fn {
		case "pg_indexes_size":
			return int64(len(indexes(rel.Table))) * 2 * page
		case "pg_total_relation_size":
			return page + int64(len(indexes(rel.Table)))*2*page
		}
		return page
	case 'i':
		return 2 * page
	case 'S':
		return page
	}
	return 0
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
		return CheckDef(t.Checks[slot-slotCheck], pretty), true
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

// RegIn implements sem.Catalog.
func (r *Reader) RegIn(typ, text string) (int64, error) {
	text = strings.TrimSpace(text)
	if n, err := strconv.ParseUint(text, 10, 32); err == nil {
		return int64(n), nil
	}
	switch typ {
	case "regclass":
		s, err := r.Load()
		if err != nil {
			return 0, err
		}
		return regclassIn(s, text)
	case "regtype":
		for _, b := range builtinTypes {
			if text == b.name || text == b.format || text == "pg_catalog."+b.name {
				return int64(b.oid), nil
			}
			if text == b.format+"[]" || text == "_"+b.name {
				return int64(b.array), nil
			}
		}
		return 0, pgerr.New(pgerr.UndefinedObject, "type %q does not exist", text)
	case "regnamespace":
		switch text {
		case "pg_catalog":
			return NamespaceCatalog, nil
		case "public":
			return NamespacePublic, nil
		case "information_schema":
			return NamespaceInfo, nil
		}
		return 0, pgerr.New(pgerr.InvalidSchemaName, "schema %q does not exist", text)
	case "regrole":
		s, err := r.Load()
		if err != nil {
			return 0, err
		}
		for _, role := range roles(s) {
			if role.Name == text {
				return int64(RoleOID(role.Name)), nil
			}
		}
		return 0, pgerr.New(pgerr.UndefinedObject, "role %q does not exist", text)
	}
	return 0, pgerr.New(pgerr.UndefinedFunction, "function %q does not exist", text)
}

// regclassIn resolves a possibly qualified relation name (quoted parts
// keep their case) to an OID, or 42P01.
func regclassIn(s *Snapshot, text string) (int64, error) {
	schema, name := "", text
	parts := splitQualified(text)
	switch len(parts) {
	case 1:
		name = parts[0]
	case 2:
		schema, name = parts[0], parts[1]
	default:
		return 0, pgerr.New(pgerr.InvalidName, "improper relation name (too many dotted names): %s", text)
	}
	if schema == "" || schema == "public" {
		if oid, ok := s.RelOIDByName(name); ok {
			return int64(oid), nil
		}
	}
	for _, nsp := range []uint32{NamespaceCatalog, NamespaceInfo} {
		if schema == "" && nsp == NamespaceCatalog || schema == nspName(nsp) {
			if t := systemByName(nsp, name); t != nil {
				return int64(t.oid), nil
			}
		}
	}
	return 0, pgerr.New(pgerr.UndefinedTable, "relation %q does not exist", text)
}

// splitQualified splits a.b on dots outside double quotes, folding
// unquoted parts to lower case as identifiers are.
func splitQualified(s string) []string {
	var parts []string
	var cur strings.Builder
	quoted := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' && quoted && i+1 < len(s) && s[i+1] == '"':
			cur.WriteByte('"')
			i++
		case c == '"':
			quoted = !quoted
		case c == '.' && !quoted:
			parts = append(parts, cur.String())
			cur.Reset()
		case !quoted && c >= 'A' && c <= 'Z':
			cur.WriteByte(c + 'a' - 'A')
		default:
			cur.WriteByte(c)
		}
	}
	return append(parts, cur.String())
}

func nspName(oid uint32) string {
	switch oid {
	case NamespaceCatalog:
		return "pg_catalog"
	case NamespacePublic:
		return "public"
	case NamespaceInfo:
		return "information_schema"
	}
	return ""
}

// RegOut implements sem.Catalog: the name, qualified when its schema is
// not on the search path (information_schema), or the number.
func (r *Reader) RegOut(typ string, oid int64) string {
	num := strconv.FormatInt(oid, 10)
	switch typ {
	case "regproc":
		if oid == 0 {
			return "-"
		}
		return num
	case "regtype":
		if oid == 0 {
			return "-"
		}
		if name := FormatType(uint32(oid), -1, false); name != "???" {
			return name
		}
		return num
	case "regnamespace":
		if n := nspName(uint32(oid)); n != "" {
			return n
		}
		return num
	case "regclass", "regrole":
		if oid == 0 {
			return "-"
		}
		s, err := r.Load()
		if err != nil {
			return num
		}
		if typ == "regrole" {
			for _, role := range roles(s) {
				if int64(RoleOID(role.Name)) == oid {
					return sem.QuoteIdent(role.Name)
				}
			}
			return num
		}
		if rel, ok := s.RelationByOID(uint32(oid)); ok {
			return sem.QuoteIdent(rel.Name)
		}
		if t := systemByOID(uint32(oid)); t != nil {
			if t.schema == NamespaceInfo {
				return "information_schema." + sem.QuoteIdent(t.name)
			}
			return sem.QuoteIdent(t.name)
		}
	}
	return num
}
