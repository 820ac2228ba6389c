package syscat

import (
	"strconv"
	"strings"

	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/sql/sem"
)

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
	case "regproc":
		if oid, ok := procOIDs[strings.TrimPrefix(text, "pg_catalog.")]; ok {
			return int64(oid), nil
		}
	}
	return 0, pgerr.New(pgerr.UndefinedFunction, "function %q does not exist", text)
}

// procOIDs are the few built-in functions a regproc names here, at
// Postgres's OIDs: the array types' I/O functions, which pg_type lists
// and drivers compare with (pgjdbc tells array types by
// typinput = 'array_in'::regproc). pg_proc itself is empty.
var procOIDs = map[string]uint32{"array_in": 750, "array_out": 751, "array_recv": 2400, "array_send": 2401}

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
		for name, o := range procOIDs {
			if int64(o) == oid {
				return name
			}
		}
		return num
	case "regtype":
		switch oid {
		case 0:
			return "-"
		case 705:
			return "unknown" // pg_typeof of an untyped literal
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
