package dialect

import (
	"strconv"
	"strings"
)

// TypeName is a Postgres type as written in a cast or a column definition,
// canonicalized to the spelling Postgres's format_type prints: "integer",
// "character varying", "timestamp with time zone", "double precision",...
// Names not in the alias table are kept (folded) as written; the planner
// reports 42704 for those it does not know.
type TypeName struct {
	Name  string // canonical name without modifiers
	Mods  []int  // type modifiers: varchar(10) -> [10], numeric(10,2) -> [10 2]
	Array int    // number of [] dimensions
}

// String writes the type as Postgres would, e.g. "numeric(10,2)",
// "timestamp(3) with time zone", "integer[]". ParseTypeName reads it back.
func (t TypeName) String() string {
	var b strings.Builder
	name := t.Name
	suffix := ""
	if i := strings.Index(name, " with"); i > 0 && (strings.HasPrefix(name, "time")) {
		name, suffix = name[:i], name[i:]
	}
	b.WriteString(name)
	if len(t.Mods) > 0 {
		b.WriteByte('(')
		for i, m := range t.Mods {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Itoa(m))
		}
		b.WriteByte(')')
	}
	b.WriteString(suffix)
	for range t.Array {
		b.WriteString("[]")
	}
	return b.String()
}

// Serial reports whether t is one of the serial pseudo-types, which mean
// "integer type, NOT NULL, DEFAULT nextval of an owned sequence" in DDL.
func (t TypeName) Serial() bool {
	return t.Name == "serial" || t.Name == "bigserial" || t.Name == "smallserial"
}

// ParseTypeName parses a Postgres type name, as found in a pdb_cast call's
// second argument.
func ParseTypeName(s string) (TypeName, error) {
	toks, err := Tokenize(s)
	if err != nil {
		return TypeName{}, err
	}
	t, n, err := parseType(toks, 0)
	if err != nil {
		return TypeName{}, err
	}
	if n != len(toks) {
		return TypeName{}, syntaxErr(toks[n].Pos, "syntax error in type name %q", s)
	}
	return t, nil
}

// typeAliases maps single-word names to canonical names.
var typeAliases = map[string]string{
	"int": "integer", "int4": "integer", "integer": "integer",
	"int8": "bigint", "bigint": "bigint",
	"int2": "smallint", "smallint": "smallint",
	"float4": "real", "real": "real",
	"float8":  "double precision",
	"decimal": "numeric", "numeric": "numeric",
	"bool": "boolean", "boolean": "boolean",
	"varchar": "character varying", "char": "character", "character": "character", "bpchar": "character",
	"text": "text", "bytea": "bytea", "date": "date",
	"timestamp": "timestamp without time zone", "timestamptz": "timestamp with time zone",
	"time": "time without time zone", "timetz": "time with time zone",
	"interval": "interval", "uuid": "uuid", "json": "json", "jsonb": "jsonb",
	"oid": "oid", "name": "name", "regclass": "regclass", "regtype": "regtype", "regproc": "regproc",
	"serial": "serial", "serial4": "serial", "bigserial": "bigserial", "serial8": "bigserial",
	"smallserial": "smallserial", "serial2": "smallserial",
	"bit": "bit", "varbit": "bit varying", "inet": "inet", "cidr": "cidr", "money": "money",
	"xid": "xid", "void": "void", "record": "record", "unknown": "unknown",
}

var intervalFields = map[string]bool{"year": true, "month": true, "day": true, "hour": true, "minute": true, "second": true, "to": true}

// parseType reads a type name starting at toks[i]; it returns the index
// after it.
func parseType(toks []Token, i int) (TypeName, int, error) {
	at := func(j int) Token {
		if j < len(toks) {
			return toks[j]
		}
		return Token{}
	}
	start := at(i)
	if start.Kind != Ident && start.Kind != QuotedIdent {
		return TypeName{}, i, syntaxErr(start.Pos, "type name expected")
	}
	// pg_catalog.int4 and "char" style spellings.
	if start.Kind == Ident && (start.Text == "pg_catalog" || start.Text == "public") && at(i+1).isPunct(".") {
		i += 2
		start = at(i)
		if start.Kind != Ident && start.Kind != QuotedIdent {
			return TypeName{}, i, syntaxErr(start.Pos, "type name expected")
		}
	}
	var t TypeName
	i++
	if start.Kind == QuotedIdent {
		t.Name = start.Text
		if t.Name == "char" {
			t.Name = `"char"`
		}
	} else {
		w := start.Text
		switch {
		case w == "double" && at(i).is("precision"):
			t.Name, i = "double precision", i+1
		case (w == "character" || w == "char") && at(i).is("varying"):
			t.Name, i = "character varying", i+1
		case w == "national" && (at(i).is("character") || at(i).is("char")):
			i++
			t.Name = "character"
			if at(i).is("varying") {
				t.Name, i = "character varying", i+1
			}
		case w == "bit" && at(i).is("varying"):
			t.Name, i = "bit varying", i+1
		case w == "float":
			t.Name = "double precision"
			if at(i).isPunct("(") && at(i+1).Kind == Number && at(i+2).isPunct(")") {
				p, err := strconv.Atoi(at(i + 1).Text)
				if err != nil || p < 1 || p > 53 {
					return TypeName{}, i, syntaxErr(at(i+1).Pos, "precision for type float must be between 1 and 53 bits")
				}
				if p <= 24 {
					t.Name = "real"
				}
				i += 3
			}
		case w == "interval":
			t.Name = "interval"
			for at(i).Kind == Ident && intervalFields[at(i).Text] {
				i++ // fields restrict input; recorded nowhere (rarely used)
			}
		default:
			if c, ok := typeAliases[w]; ok {
				t.Name = c
			} else if c, ok := typeAliases[strings.TrimPrefix(w, "_")]; ok && w[0] == '_' && c != "serial" && c != "bigserial" && c != "smallserial" {
				t.Name, t.Array = c, 1 // _int4: pg_type's name of int4[]
			} else {
				t.Name = w
			}
		}
	}
	// Modifiers: (n) or (n, m).
	if at(i).isPunct("(") {
		j := i + 1
		for {
			n := at(j)
			neg := false
			if n.isPunct("-") {
				neg, j = true, j+1
				n = at(j)
			}
			if n.Kind != Number {
				return TypeName{}, j, syntaxErr(n.Pos, "type modifiers must be simple constants or identifiers")
			}
			v, err := strconv.Atoi(n.Text)
			if err != nil {
				return TypeName{}, j, syntaxErr(n.Pos, "invalid type modifier %q", n.Text)
			}
			if neg {
				v = -v
			}
			t.Mods = append(t.Mods, v)
			j++
			if at(j).isPunct(",") {
				j++
				continue
			}
			if !at(j).isPunct(")") {
				return TypeName{}, j, syntaxErr(at(j).Pos, "syntax error in type modifiers")
			}
			i = j + 1
			break
		}
	}
	// timestamp(3) with time zone: the zone words follow the modifiers.
	if t.Name == "timestamp without time zone" || t.Name == "time without time zone" {
		base := strings.TrimSuffix(t.Name, " without time zone")
		switch {
		case at(i).is("with") && at(i+1).is("time") && at(i+2).is("zone"):
			t.Name, i = base+" with time zone", i+3
		case at(i).is("without") && at(i+1).is("time") && at(i+2).is("zone"):
			i += 3
		}
	}
	// Arrays: [] / [n] repeated, or ARRAY / ARRAY[n].
	for {
		if at(i).isPunct("[") {
			j := i + 1
			if at(j).Kind == Number {
				j++
			}
			if !at(j).isPunct("]") {
				return TypeName{}, j, syntaxErr(at(j).Pos, "syntax error in array type")
			}
			t.Array++
			i = j + 1
			continue
		}
		if at(i).is("array") {
			t.Array++
			i++
			if at(i).isPunct("[") && at(i+1).Kind == Number && at(i+2).isPunct("]") {
				i += 3
			}
			continue
		}
		break
	}
	return t, i, nil
}

// mysqlType is the TiDB column type written into DDL Text in place of t.
// The AST type is only a placeholder that parses: the planner takes the
// column's type from Rewrites.Columns, never from the AST.
func mysqlType(t TypeName) string {
	if t.Array > 0 {
		return "json"
	}
	mod := func(def string) string {
		if len(t.Mods) == 0 {
			return def
		}
		parts := make([]string, len(t.Mods))
		for i, m := range t.Mods {
			parts[i] = strconv.Itoa(m)
		}
		return def + "(" + strings.Join(parts, ",") + ")"
	}
	switch t.Name {
	case "integer", "serial":
		return "int"
	case "bigint", "bigserial":
		return "bigint"
	case "smallint", "smallserial":
		return "smallint"
	case "real":
		return "float"
	case "double precision":
		return "double"
	case "numeric":
		if len(t.Mods) > 0 && t.Mods[0] <= 65 && (len(t.Mods) < 2 || t.Mods[1] >= 0 && t.Mods[1] <= 30) {
			return mod("decimal")
		}
		return "decimal(65,30)"
	case "character varying":
		if len(t.Mods) == 1 {
			return mod("varchar")
		}
		return "text"
	case "character":
		if len(t.Mods) == 1 && t.Mods[0] <= 255 {
			return mod("char")
		}
		return "text"
	case "boolean":
		return "boolean"
	case "bytea":
		return "longblob"
	case "date":
		return "date"
	case "timestamp without time zone":
		return "datetime(6)"
	case "timestamp with time zone":
		return "timestamp(6)"
	case "time without time zone", "time with time zone":
		return "time(6)"
	case "json", "jsonb":
		return "json"
	}
	return "text"
}
