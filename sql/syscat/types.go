package syscat

import (
	"strconv"
)

// builtinType is one row of pg_type for a built-in base type; its array
// type is derived from it.
type builtinType struct {
	oid, array uint32
	name       string // typname
	format     string // format_type's spelling
	len        int16
	category   string
	preferred  bool
	align      string
	collation  uint32
}

// builtinTypes are the base types the engine has, at Postgres's OIDs.
var builtinTypes = []builtinType{
	{16, 1000, "bool", "boolean", 1, "B", true, "c", 0},
	{17, 1001, "bytea", "bytea", -1, "U", false, "i", 0},
	{18, 1002, "char", `"char"`, 1, "Z", false, "c", 0},
	{19, 1003, "name", "name", 64, "S", false, "c", CollC},
	{20, 1016, "int8", "bigint", 8, "N", false, "d", 0},
	{21, 1005, "int2", "smallint", 2, "N", false, "s", 0},
	{22, 1006, "int2vector", "int2vector", -1, "A", false, "i", 0},
	{23, 1007, "int4", "integer", 4, "N", false, "i", 0},
	{24, 1008, "regproc", "regproc", 4, "N", false, "i", 0},
	{25, 1009, "text", "text", -1, "S", true, "i", CollDefault},
	{26, 1028, "oid", "oid", 4, "N", true, "i", 0},
	{30, 1013, "oidvector", "oidvector", -1, "A", false, "i", 0},
	{114, 199, "json", "json", -1, "U", false, "i", 0},
	{700, 1021, "float4", "real", 4, "N", false, "i", 0},
	{701, 1022, "float8", "double precision", 8, "N", true, "d", 0},
	{1042, 1014, "bpchar", "character", -1, "S", false, "i", CollDefault},
	{1043, 1015, "varchar", "character varying", -1, "S", false, "i", CollDefault},
	{1082, 1182, "date", "date", 4, "D", false, "i", 0},
	{1114, 1115, "timestamp", "timestamp without time zone", 8, "D", false, "d", 0},
	{1184, 1185, "timestamptz", "timestamp with time zone", 8, "D", true, "d", 0},
	{1186, 1187, "interval", "interval", 16, "T", true, "d", 0},
	{1700, 1231, "numeric", "numeric", -1, "N", false, "i", 0},
	{2205, 2210, "regclass", "regclass", 4, "N", false, "i", 0},
	{2206, 2211, "regtype", "regtype", 4, "N", false, "i", 0},
	{2950, 2951, "uuid", "uuid", 16, "U", false, "c", 0},
	{3802, 3807, "jsonb", "jsonb", -1, "U", false, "i", 0},
	{4089, 4090, "regnamespace", "regnamespace", 4, "N", false, "i", 0},
	{4096, 4097, "regrole", "regrole", 4, "N", false, "i", 0},
}

func init() {
	catalogTable("pg_type", ClassPgType, "oid oid, typname name, typnamespace oid, typowner oid, typlen int2, "+
		"typbyval bool, typtype char, typcategory char, typispreferred bool, typisdefined bool, "+
		"typdelim char, typrelid oid, typsubscript regproc, typelem oid, typarray oid, typinput regproc, "+
		"typoutput regproc, typreceive regproc, typsend regproc, typmodin regproc, typmodout regproc, "+
		"typanalyze regproc, typalign char, typstorage char, typnotnull bool, typbasetype oid, "+
		"typtypmod int4, typndims int4, typcollation oid, typdefaultbin pg_node_tree, typdefault text, "+
		"typacl aclitem[]", typeRows)
}

func typeRows(*Snapshot) [][]any {
	var out [][]any
	row := func(oid uint32, name string, length int16, category string, preferred bool, elem, array uint32, align string, coll uint32) []any {
		byval := length > 0 && length <= 8
		storage := "p"
		if length < 0 {
			storage = "x"
		}
		// Only the array types' I/O functions have OIDs here (procOIDs).
		var in, out, recv, send uint32
		if elem != 0 {
			in, out, recv, send = procOIDs["array_in"], procOIDs["array_out"], procOIDs["array_recv"], procOIDs["array_send"]
		}
		return []any{oid, name, uint32(NamespaceCatalog), uint32(RoleBootstrap), length, byval, "b", category,
			preferred, true, ",", uint32(0), uint32(0), elem, array, in, out, recv, send,
			uint32(0), uint32(0), uint32(0), align, storage, false, uint32(0), -1, 0, coll, nil, nil, nil}
	}
	for _, t := range builtinTypes {
		out = append(out, row(t.oid, t.name, t.len, t.category, t.preferred, 0, t.array, t.align, t.collation))
	}
	for _, t := range builtinTypes {
		align := "i"
		if t.align == "d" {
			align = "d"
		}
		out = append(out, row(t.array, "_"+t.name, -1, "A", false, t.oid, 0, align, t.collation))
	}
	return out
}

// typeByOID finds a built-in type or array type; elem is the element
// type of an array type.
func typeByOID(oid uint32) (t builtinType, isArray bool, ok bool) {
	for _, b := range builtinTypes {
		switch oid {
		case b.oid:
			return b, false, true
		case b.array:
			return b, true, true
		}
	}
	return builtinType{}, false, false
}

// FormatType is format_type(oid, typmod): the type's SQL name with its
// modifier; withMod false is format_type(oid, NULL). Unknown OIDs print
// as ??? as in Postgres.
func FormatType(oid uint32, typmod int32, withMod bool) string {
	b, isArray, ok := typeByOID(oid)
	if !ok {
		return "???"
	}
	name := b.format
	mod := withMod && typmod >= 0
	switch b.oid {
	case 1042:
		switch {
		case mod && typmod >= 4:
			name = "character(" + strconv.Itoa(int(typmod-4)) + ")"
		case withMod:
			// bpchar without a modifier is not character, which means
			// character(1).
			name = "bpchar"
		}
	case 1043:
		if mod && typmod >= 4 {
			name += "(" + strconv.Itoa(int(typmod-4)) + ")"
		}
	case 1700:
		if mod && typmod >= 4 {
			m := typmod - 4
			name += "(" + strconv.Itoa(int(m>>16&0xffff)) + "," + strconv.Itoa(int(int16(m&0xffff))) + ")"
		}
	case 1114, 1184:
		if mod {
			zone := " without time zone"
			if b.oid == 1184 {
				zone = " with time zone"
			}
			name = "timestamp(" + strconv.Itoa(int(typmod)) + ")" + zone
		}
	}
	if isArray {
		name += "[]"
	}
	return name
}
