package syscat

import (
	"fmt"
	"sort"
	"strings"

	"github.com/persiandb/persiandb/sql/planner"
	"github.com/persiandb/persiandb/storage"
)

// sysTable is one system view: its columns with Postgres 15's names and
// types, and the rows it has in a snapshot.
type sysTable struct {
	name   string // as in pg_class
	schema uint32 // NamespaceCatalog or NamespaceInfo
	oid    uint32
	kind   byte // relkind: 'r' for Postgres's catalog tables, 'v' for its views
	cols   []planner.VirtualColumn
	// lower is each column's array lower bound: 0 for int2vector and
	// oidvector, whose subscripts start at 0 in Postgres (indkey[0] is an
	// index's first column, and drivers' queries index them so), else 1.
	lower []int32
	rows  func(*Snapshot) [][]any
}

// sysTables are the system views by the name the planner asks for:
// "pg_class" for pg_catalog's, "information_schema.tables" for the others.
var sysTables = map[string]*sysTable{}

// define adds a system view. spec lists its columns as "name type, ...",
// with the type names of pg_type (oid, name, char for "char", int2vector,
// oidvector, aclitem[], pg_node_tree, regproc, xid, ...).
func define(schema uint32, name string, oid uint32, kind byte, spec string, rows func(*Snapshot) [][]any) {
	t := &sysTable{name: name, schema: schema, oid: oid, kind: kind, rows: rows}
	for _, f := range strings.Split(spec, ",") {
		w := strings.Fields(f)
		if len(w) != 2 {
			panic("syscat: bad column spec " + f)
		}
		t.cols = append(t.cols, planner.VirtualColumn{Name: w[0], Type: specType(w[1])})
		lower := int32(1)
		if w[1] == "int2vector" || w[1] == "oidvector" {
			lower = 0
		}
		t.lower = append(t.lower, lower)
	}
	key := name
	if schema == NamespaceInfo {
		key = "information_schema." + name
	}
	sysTables[key] = t
}

func catalogTable(name string, oid uint32, spec string, rows func(*Snapshot) [][]any) {
	define(NamespaceCatalog, name, oid, 'r', spec, rows)
}

func catalogView(name string, oid uint32, spec string, rows func(*Snapshot) [][]any) {
	define(NamespaceCatalog, name, oid, 'v', spec, rows)
}

// specType maps a pg_type name to the planner type a column of it has.
// int2vector and oidvector are arrays with subscripts from 0 here (their
// text form is [0:1]={1,2} where Postgres prints "1 2"); aclitem[] and pg_node_tree are
// text, as nothing here has ACLs or stored plan trees.
func specType(n string) planner.Type {
	if strings.HasSuffix(n, "[]") {
		return planner.ArrayOf(specType(strings.TrimSuffix(n, "[]")))
	}
	named := func(t storage.Type, name string) planner.Type { return planner.Type{T: t, Name: name, Typmod: -1} }
	switch n {
	case "oid", "regproc", "regclass", "regtype", "regnamespace":
		return named(storage.TypeInt64, n)
	case "name":
		return named(storage.TypeText, "name")
	case "char":
		return named(storage.TypeText, `"char"`)
	case "bool":
		return named(storage.TypeBool, "boolean")
	case "int2":
		return named(storage.TypeInt16, "smallint")
	case "int4":
		return named(storage.TypeInt32, "integer")
	case "int8", "xid":
		return named(storage.TypeInt64, "bigint")
	case "float4":
		return named(storage.TypeFloat32, "real")
	case "text", "pg_node_tree", "aclitem", "anyarray":
		return named(storage.TypeText, "text")
	case "int2vector":
		return planner.ArrayOf(specType("int2"))
	case "oidvector":
		return planner.ArrayOf(specType("oid"))
	case "timestamptz":
		return named(storage.TypeTimestampTZ, "timestamp with time zone")
	case "bytea":
		return named(storage.TypeBytea, "bytea")
	// information_schema's domains, as their base types (which is what
	// Postgres sends in RowDescription for them too).
	case "sql_identifier":
		return named(storage.TypeText, "name")
	case "character_data", "yes_or_no":
		return named(storage.TypeText, "character varying")
	case "cardinal_number":
		return named(storage.TypeInt32, "integer")
	}
	panic("syscat: unknown column type " + n)
}

// Columns returns the columns of the system view key ("pg_class",
// "information_schema.tables"), nil if there is none.
func Columns(key string) []planner.VirtualColumn {
	if t := sysTables[key]; t != nil {
		return t.cols
	}
	return nil
}

// Rows returns the rows of the system view key in the snapshot.
func Rows(s *Snapshot, key string) ([][]storage.Value, error) {
	t := sysTables[key]
	if t == nil {
		return nil, fmt.Errorf("syscat: no system view %q", key)
	}
	if t.rows == nil {
		return nil, nil
	}
	raw := t.rows(s)
	out := make([][]storage.Value, len(raw))
	for i, r := range raw {
		if len(r) != len(t.cols) {
			return nil, fmt.Errorf("syscat: %s row has %d values for %d columns", key, len(r), len(t.cols))
		}
		row := make([]storage.Value, len(r))
		for j, v := range r {
			var err error
			if row[j], err = toValue(v, t.cols[j].Type.T, t.lower[j]); err != nil {
				return nil, fmt.Errorf("syscat: %s.%s: %w", key, t.cols[j].Name, err)
			}
		}
		out[i] = row
	}
	return out, nil
}

// toValue converts a Go value of a row to the column's storage type;
// arrays get the lower bound lower.
func toValue(v any, t storage.Type, lower int32) (storage.Value, error) {
	if v == nil {
		return storage.Null(), nil
	}
	if t.IsArray() {
		var elems []storage.Value
		switch a := v.(type) {
		case []uint32:
			for _, x := range a {
				elems = append(elems, storage.Int64(int64(x)))
			}
		case []int16:
			for _, x := range a {
				elems = append(elems, storage.Int16(x))
			}
		case []string:
			for _, x := range a {
				elems = append(elems, storage.Text(x))
			}
		default:
			return storage.Value{}, fmt.Errorf("%T for an array", v)
		}
		if len(elems) == 0 {
			return storage.EmptyArray(t.Elem()), nil
		}
		return storage.Array(t.Elem(), []storage.ArrayDim{{Len: int32(len(elems)), Lower: lower}}, elems)
	}
	var i int64
	switch x := v.(type) {
	case string:
		return storage.Text(x), nil
	case bool:
		return storage.Bool(x), nil
	case float32:
		return storage.Float32(x), nil
	case storage.Value:
		return x, nil
	case uint32:
		i = int64(x)
	case int:
		i = int64(x)
	case int16:
		i = int64(x)
	case int32:
		i = int64(x)
	case int64:
		i = x
	default:
		return storage.Value{}, fmt.Errorf("unexpected %T", v)
	}
	switch t {
	case storage.TypeInt16:
		return storage.Int16(int16(i)), nil
	case storage.TypeInt32:
		return storage.Int32(int32(i)), nil
	case storage.TypeFloat32:
		return storage.Float32(float32(i)), nil
	}
	return storage.Int64(i), nil
}

// systemRelations lists the system views in OID order, for pg_class.
func systemRelations() []*sysTable {
	out := make([]*sysTable, 0, len(sysTables))
	for _, t := range sysTables {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].oid < out[j].oid })
	return out
}

// systemByName finds a system view by schema and name.
func systemByName(schema uint32, name string) *sysTable {
	key := name
	if schema == NamespaceInfo {
		key = "information_schema." + name
	}
	if t := sysTables[key]; t != nil && t.schema == schema {
		return t
	}
	return nil
}

// systemByOID finds a system view by OID.
func systemByOID(oid uint32) *sysTable {
	for _, t := range sysTables {
		if t.oid == oid {
			return t
		}
	}
	return nil
}
