package syscat

import (
	"strconv"
	"strings"

	"github.com/persiandb/persiandb/sql/catalog"
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
		return storage.Text(" " + strings.TrimSpace(rel.View.Query) + ";"), nil
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

// relationSize estimates a relation's size in bytes as Postgres would
// count its 8 kB pages, since an in-memory store has no pages: a table
// of n rows takes n * (24-byte tuple header + the columns' widths, 32 for
// variable-length ones) rounded up to pages (an empty table is 0 bytes,
// as in Postgres); an index has a metapage plus n * (16 + key widths);
// a sequence is one page and a view none. The row count includes
// versions not yet garbage-collected. Only the magnitude means anything.
func relationSize(s *Snapshot, rel Relation, fn string) int64 {
	const page = 8192
	pages := func(n int, width int64) int64 {
		return (int64(n)*width + page - 1) / page * page
	}
	width := func(cols []int, t *catalog.Table) int64 {
		var w int64
		for _, c := range cols {
			if n := ColumnType(t.Columns[c]).Size(); n > 0 {
				w += int64(n)
			} else {
				w += 32
			}
		}
		return w
	}
	indexSize := func(t *catalog.Table, ix catalog.Index) int64 {
		return page + pages(s.keys(t), 16+width(ix.Columns, t))
	}
	switch rel.Kind {
	case 'r':
		t := rel.Table
		all := make([]int, len(t.Columns))
		for i := range all {
			all[i] = i
		}
		heap := pages(s.keys(t), 24+width(all, t))
		var ixs int64
		for _, ix := range indexes(t) {
			ixs += indexSize(t, ix)
		}
		switch fn {
		case "pg_indexes_size":
			return ixs
		case "pg_total_relation_size":
			return heap + ixs
		}
		return heap
	case 'i':
		return indexSize(rel.Table, *rel.Index)
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
