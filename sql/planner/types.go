package planner

import (
	"strings"

	"github.com/persiandb/persiandb/sql/dialect"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/storage"
)

// Type is a Postgres type as the planner sees it: the storage type values
// are kept in, the name Postgres prints for it, and its modifier.
type Type struct {
	T storage.Type
	// Name is the canonical Postgres name ("character varying", "integer").
	Name string
	// Typmod is Postgres's atttypmod: -1 for none, n+4 for varchar(n) and
	// char(n), (p<<16|s)+4 for numeric(p,s), p for timestamp(p).
	Typmod int32
}

// Postgres type OIDs, as pg_type has them.
const (
	OIDBool        = 16
	OIDBytea       = 17
	OIDInt8        = 20
	OIDInt2        = 21
	OIDInt4        = 23
	OIDText        = 25
	OIDFloat4      = 700
	OIDFloat8      = 701
	OIDBpchar      = 1042
	OIDVarchar     = 1043
	OIDDate        = 1082
	OIDTimestamp   = 1114
	OIDTimestampTZ = 1184
	OIDInterval    = 1186
	OIDNumeric     = 1700
	OIDUUID        = 2950
	OIDJSON        = 114
	OIDJSONB       = 3802

	// The system catalogs' own types (oids.go).
	OIDChar         = 18
	OIDName         = 19
	OIDRegproc      = 24
	OIDOid          = 26
	OIDRegclass     = 2205
	OIDRegtype      = 2206
	OIDRegnamespace = 4089
	OIDRegrole      = 4096
)

// Array type OIDs (pg_type.typarray of each element type).
var arrayOIDs = map[uint32]uint32{
	OIDBool: 1000, OIDInt2: 1005, OIDInt4: 1007, OIDInt8: 1016, OIDFloat4: 1021, OIDFloat8: 1022,
	OIDNumeric: 1231, OIDText: 1009, OIDVarchar: 1015, OIDBpchar: 1014, OIDBytea: 1001, OIDDate: 1182,
	OIDTimestamp: 1115, OIDTimestampTZ: 1185, OIDInterval: 1187, OIDUUID: 2951,
	OIDJSON: 199, OIDJSONB: 3807,
	OIDChar: 1002, OIDName: 1003, OIDRegproc: 1008, OIDOid: 1028, OIDRegclass: 2210, OIDRegtype: 2211,
	OIDRegnamespace: 4090, OIDRegrole: 4097,
}

// IsArray reports whether t is an array type.
func (t Type) IsArray() bool { return t.T.IsArray() }

// Elem is an array type's element type, with the array's modifier
// (varchar(10)[] has elements of varchar(10)).
func (t Type) Elem() Type {
	return Type{T: t.T.Elem(), Name: strings.TrimSuffix(t.Name, "[]"), Typmod: t.Typmod}
}

// ArrayOf is the array type of elements of type t.
func ArrayOf(t Type) Type {
	return Type{T: storage.ArrayOf(t.T), Name: t.Name + "[]", Typmod: t.Typmod}
}

// ElemOID is the element type OID of an array type, 0 for other types.
func (t Type) ElemOID() uint32 {
	if !t.IsArray() {
		return 0
	}
	return t.Elem().OID()
}

var storageOIDs = map[storage.Type]uint32{
	storage.TypeBool: OIDBool, storage.TypeBytea: OIDBytea, storage.TypeInt64: OIDInt8,
	storage.TypeInt16: OIDInt2, storage.TypeInt32: OIDInt4, storage.TypeText: OIDText,
	storage.TypeFloat32: OIDFloat4, storage.TypeFloat64: OIDFloat8, storage.TypeDate: OIDDate,
	storage.TypeTimestamp: OIDTimestamp, storage.TypeTimestampTZ: OIDTimestampTZ,
	storage.TypeInterval: OIDInterval, storage.TypeNumeric: OIDNumeric, storage.TypeUUID: OIDUUID,
	storage.TypeJSON: OIDJSON, storage.TypeJSONB: OIDJSONB,
}

var typnames = map[uint32]string{
	OIDBool: "bool", OIDBytea: "bytea", OIDInt8: "int8", OIDInt2: "int2", OIDInt4: "int4",
	OIDText: "text", OIDFloat4: "float4", OIDFloat8: "float8", OIDBpchar: "bpchar",
	OIDVarchar: "varchar", OIDDate: "date", OIDTimestamp: "timestamp",
	OIDTimestampTZ: "timestamptz", OIDInterval: "interval", OIDNumeric: "numeric", OIDUUID: "uuid",
	OIDJSON: "json", OIDJSONB: "jsonb",
	OIDChar: "char", OIDName: "name", OIDRegproc: "regproc", OIDOid: "oid", OIDRegclass: "regclass",
	OIDRegtype: "regtype", OIDRegnamespace: "regnamespace", OIDRegrole: "regrole",
}

// OID is the type's pg_type OID, as RowDescription sends it.
func (t Type) OID() uint32 {
	if t.IsArray() {
		return arrayOIDs[t.Elem().OID()]
	}
	switch t.Name {
	case "character varying":
		return OIDVarchar
	case "character":
		return OIDBpchar
	}
	if o, ok := namedOIDs[t.Name]; ok {
		return o
	}
	if o, ok := storageOIDs[t.T]; ok {
		return o
	}
	return OIDText
}

// Typname is pg_type.typname ("int4", "varchar", "_int4").
func (t Type) Typname() string {
	if t.IsArray() {
		return "_" + t.Elem().Typname()
	}
	return typnames[t.OID()]
}

// Size is pg_type.typlen (-1 for variable length).
func (t Type) Size() int16 {
	if !t.IsArray() {
		switch namedOIDs[t.Name] {
		case OIDChar:
			return 1
		case OIDName:
			return 64
		case 0:
		default:
			return 4 // oid and the reg* types
		}
	}
	switch t.T {
	case storage.TypeBool:
		return 1
	case storage.TypeInt16:
		return 2
	case storage.TypeInt32, storage.TypeFloat32, storage.TypeDate:
		return 4
	case storage.TypeInt64, storage.TypeFloat64, storage.TypeTimestamp, storage.TypeTimestampTZ:
		return 8
	case storage.TypeInterval, storage.TypeUUID:
		return 16
	}
	return -1
}

// TypeOf is the plain type of a storage type (no modifier).
func TypeOf(t storage.Type) Type {
	if t == storage.TypeNull {
		t = storage.TypeText
	}
	return Type{T: t, Name: t.String(), Typmod: -1}
}

// TypeByOID maps a parameter type OID a client sent; 0 (unspecified) and
// unknown OIDs give false.
func TypeByOID(oid uint32) (Type, bool) {
	for e, a := range arrayOIDs {
		if a == oid {
			et, _ := TypeByOID(e)
			return ArrayOf(et), true
		}
	}
	switch oid {
	case OIDVarchar:
		return Type{T: storage.TypeText, Name: "character varying", Typmod: -1}, true
	case OIDBpchar:
		return Type{T: storage.TypeText, Name: "character", Typmod: -1}, true
	}
	for name, o := range namedOIDs {
		if o == oid {
			return Type{T: storageTypes[name], Name: name, Typmod: -1}, true
		}
	}
	for t, o := range storageOIDs {
		if o == oid {
			return TypeOf(t), true
		}
	}
	return Type{}, false
}

// storageTypes maps canonical Postgres names to storage types.
var storageTypes = map[string]storage.Type{
	"boolean": storage.TypeBool, "smallint": storage.TypeInt16, "integer": storage.TypeInt32,
	"bigint": storage.TypeInt64, "real": storage.TypeFloat32, "double precision": storage.TypeFloat64,
	"numeric": storage.TypeNumeric, "text": storage.TypeText, "character varying": storage.TypeText,
	"character": storage.TypeText, "bytea": storage.TypeBytea, "date": storage.TypeDate,
	"timestamp without time zone": storage.TypeTimestamp, "timestamp with time zone": storage.TypeTimestampTZ,
	"interval": storage.TypeInterval, "uuid": storage.TypeUUID,
	"json": storage.TypeJSON, "jsonb": storage.TypeJSONB,
	"serial": storage.TypeInt32, "bigserial": storage.TypeInt64, "smallserial": storage.TypeInt16,
	"name": storage.TypeText, "unknown": storage.TypeText,
	"oid": storage.TypeInt64, `"char"`: storage.TypeText, "regclass": storage.TypeInt64,
	"regtype": storage.TypeInt64, "regproc": storage.TypeInt64, "regnamespace": storage.TypeInt64,
	"regrole": storage.TypeInt64,
}

// namedOIDs are the types that share a storage type with another and are
// told apart by name: oid and the reg* types are int8 values (an OID is
// unsigned 32-bit, which int8 holds exactly), name and "char" are text.
var namedOIDs = map[string]uint32{
	"oid": OIDOid, "regclass": OIDRegclass, "regtype": OIDRegtype, "regproc": OIDRegproc,
	"regnamespace": OIDRegnamespace, "regrole": OIDRegrole, "name": OIDName, `"char"`: OIDChar,
}

// IsOID reports whether t is oid or one of the reg* types: an unsigned
// 32-bit value, sent in binary as 4 bytes.
func (t Type) IsOID() bool {
	o := namedOIDs[t.Name]
	return o != 0 && o != OIDName && o != OIDChar
}

// IsReg reports whether t is a reg* type, whose text form is the name of
// the object the OID stands for (regclass prints a relation name).
func (t Type) IsReg() bool { return t.IsOID() && t.Name != "oid" }

// ResolveType maps a type name from SQL text to a Type, or 42704.
func ResolveType(tn dialect.TypeName) (Type, error) {
	if tn.Array > 0 {
		// int[][] is int[]: Postgres does not enforce declared dimensions.
		tn.Array = 0
		if tn.Serial() {
			return Type{}, pgerr.New(pgerr.UndefinedObject, "type \"%s[]\" does not exist", tn.Name)
		}
		et, err := ResolveType(tn)
		if err != nil {
			return Type{}, err
		}
		return ArrayOf(et), nil
	}
	st, ok := storageTypes[tn.Name]
	if !ok {
		return Type{}, pgerr.New(pgerr.UndefinedObject, "type %q does not exist", tn.Name)
	}
	t := Type{T: st, Name: tn.Name, Typmod: -1}
	switch t.Name {
	case "serial":
		t.Name = "integer"
	case "bigserial":
		t.Name = "bigint"
	case "smallserial":
		t.Name = "smallint"
	case "name", "unknown":
		t.Name = "text"
	}
	switch {
	case len(tn.Mods) == 0:
		if t.Name == "character" {
			t.Typmod = 1 + 4 // char means char(1)
		}
	case t.Name == "character varying" || t.Name == "character":
		if len(tn.Mods) != 1 || tn.Mods[0] < 1 {
			return Type{}, pgerr.New(pgerr.InvalidParameterValue, "length for type %s must be at least 1", shortName(t.Name))
		}
		t.Typmod = int32(tn.Mods[0]) + 4
	case t.Name == "numeric":
		p, s := tn.Mods[0], 0
		if len(tn.Mods) > 1 {
			s = tn.Mods[1]
		}
		if p < 1 || p > 1000 {
			return Type{}, pgerr.New(pgerr.InvalidParameterValue, "NUMERIC precision %d must be between 1 and 1000", p)
		}
		t.Typmod = int32(p<<16|(s&0xffff)) + 4
	case st == storage.TypeTimestamp || st == storage.TypeTimestampTZ:
		t.Typmod = int32(min(max(tn.Mods[0], 0), 6))
	default:
		return Type{}, pgerr.New(pgerr.SyntaxError, "type modifier is not allowed for type %q", t.Name)
	}
	return t, nil
}

func shortName(n string) string {
	switch n {
	case "character varying":
		return "varchar"
	case "character":
		return "character"
	}
	return n
}
