package sem

import (
	"strconv"
	"strings"

	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/storage"
)

// The system catalog functions psql's backslash commands call. Those that
// read the catalog go through Context.Catalog, so they see what the
// statement's transaction sees; they are Volatile so that the planner
// never folds them with a plan-time view into a cached plan. OIDs are int8
// values (planner types.go).
func init() {
	const tOid = tInt8
	cat := func(name string, ret storage.Type, args ...storage.Type) *Func {
		return &Func{Name: name, Args: args, Ret: ret, Volatile: true, Fn: func(c *Context, a []storage.Value) (storage.Value, error) {
			if c == nil || c.Catalog == nil {
				return storage.Value{}, pgerr.New(pgerr.FeatureNotSupported, "%s is only available in a session", name)
			}
			return c.Catalog.CatalogFunc(name, a)
		}}
	}
	null := func(name string, ret storage.Type, args ...storage.Type) *Func {
		return &Func{Name: name, Args: args, Ret: ret, NonStrict: true, Fn: func(*Context, []storage.Value) (storage.Value, error) {
			return storage.Null(), nil
		}}
	}
	yes := func(name string, args ...storage.Type) *Func {
		return fn(name, tBool, args, func(*Context, []storage.Value) (storage.Value, error) { return storage.Bool(true), nil })
	}
	formatType := cat("format_type", tText, tOid, tInt4)
	formatType.NonStrict = true // format_type(oid, NULL) is the name without modifier
	register(
		cat("pg_get_userbyid", tText, tOid),
		formatType,
		cat("pg_get_expr", tText, tText, tOid),
		cat("pg_get_expr", tText, tText, tOid, tBool),
		cat("pg_get_indexdef", tText, tOid),
		cat("pg_get_indexdef", tText, tOid, tInt4, tBool),
		cat("pg_get_constraintdef", tText, tOid),
		cat("pg_get_constraintdef", tText, tOid, tBool),
		cat("pg_get_viewdef", tText, tOid),
		cat("pg_get_viewdef", tText, tOid, tBool),
		cat("pg_get_viewdef", tText, tText),
		cat("pg_get_viewdef", tText, tText, tBool),
		cat("pg_relation_is_publishable", tBool, tOid),
		cat("pg_table_size", tInt8, tOid),
		cat("pg_relation_size", tInt8, tOid),
		cat("pg_total_relation_size", tInt8, tOid),
		cat("pg_indexes_size", tInt8, tOid),
		cat("pg_get_serial_sequence", tText, tText, tText),
		cat("to_regclass", tOid, tText),
		// The search path is pg_catalog and public, and no name in one
		// hides another: every object is visible except the relations
		// of information_schema.
		cat("pg_table_is_visible", tBool, tOid),
		yes("pg_type_is_visible", tOid),
		yes("pg_function_is_visible", tOid),
		yes("pg_collation_is_visible", tOid),
		yes("pg_conversion_is_visible", tOid),
		yes("pg_operator_is_visible", tOid),
		yes("pg_opclass_is_visible", tOid),
		yes("pg_statistics_obj_is_visible", tOid),
		yes("pg_ts_config_is_visible", tOid),
		// Privileges: there are no ACLs; every role may do everything.
		yes("has_table_privilege", tText, tText),
		yes("has_table_privilege", tOid, tText),
		yes("has_table_privilege", tText, tText, tText),
		yes("has_schema_privilege", tText, tText),
		yes("has_schema_privilege", tText, tText, tText),
		yes("has_database_privilege", tText, tText),
		yes("has_sequence_privilege", tText, tText),
		yes("pg_has_role", tText, tText),
		yes("pg_has_role", tText, tText, tText),
		// No triggers, statistics objects or functions exist.
		cat("obj_description", tText, tOid, tText),
		cat("obj_description", tText, tOid),
		null("shobj_description", tText, tOid, tText),
		cat("col_description", tText, tOid, tInt4),
		null("pg_get_triggerdef", tText, tOid),
		null("pg_get_triggerdef", tText, tOid, tBool),
		null("pg_get_statisticsobjdef_columns", tText, tOid),
		null("pg_get_function_result", tText, tOid),
		null("pg_get_function_arguments", tText, tOid),
		null("pg_get_function_identity_arguments", tText, tOid),
		null("pg_get_function_sqlbody", tText, tOid),
		fn("getdatabaseencoding", tText, nil, func(*Context, []storage.Value) (storage.Value, error) {
			return storage.Text("UTF8"), nil
		}),
		fn("pg_char_to_encoding", tInt4, types(tText), func(_ *Context, a []storage.Value) (storage.Value, error) {
			if strings.EqualFold(a[0].AsString(), "UTF8") {
				return storage.Int32(6), nil
			}
			return storage.Int32(-1), nil
		}),
		cat("pg_database_size", tInt8, tText),
		// Tablespaces are pg_default and pg_global, which have no
		// directory of their own.
		fn("pg_tablespace_location", tText, types(tOid), func(*Context, []storage.Value) (storage.Value, error) {
			return storage.Text(""), nil
		}),
		fn("pg_encoding_to_char", tText, types(tInt4), func(_ *Context, a []storage.Value) (storage.Value, error) {
			if a[0].AsInt64() == 6 {
				return storage.Text("UTF8"), nil
			}
			return storage.Text(""), nil
		}),
		fn("pg_size_pretty", tText, types(tInt8), func(_ *Context, a []storage.Value) (storage.Value, error) {
			return storage.Text(SizePretty(a[0].AsInt64())), nil
		}),
		fn("quote_ident", tText, types(tText), func(_ *Context, a []storage.Value) (storage.Value, error) {
			return storage.Text(QuoteIdent(a[0].AsString())), nil
		}),
	)
}

// SizePretty is pg_size_pretty for a bigint: bytes up to 10 kB
// (exclusive of 10240), then kB, MB, GB, TB, each step halved with
// rounding as Postgres's half_rounded does.
func SizePretty(size int64) string {
	const limit = 10 * 1024
	const limit2 = limit*2 - 1
	abs := func(x int64) int64 {
		if x < 0 {
			return -x
		}
		return x
	}
	half := func(x int64) int64 {
		if x >= 0 {
			return (x + 1) / 2
		}
		return (x - 1) / 2
	}
	if abs(size) < limit {
		return strconv.FormatInt(size, 10) + " bytes"
	}
	size >>= 9 // keep one extra bit for rounding
	for _, unit := range []string{"kB", "MB", "GB", "TB"} {
		if abs(size) < limit2 || unit == "TB" {
			return strconv.FormatInt(half(size), 10) + " " + unit
		}
		size >>= 10
	}
	return ""
}

// QuoteIdent is quote_ident: the name as is when it is a lower-case
// identifier that is not a keyword, else double-quoted with inner quotes
// doubled.
func QuoteIdent(s string) string {
	safe := s != "" && (s[0] >= 'a' && s[0] <= 'z' || s[0] == '_')
	for i := 0; safe && i < len(s); i++ {
		c := s[i]
		safe = c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_'
	}
	if safe && !reservedWords[s] {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// reservedWords are the keywords quote_ident quotes (Postgres quotes every
// keyword that is not unreserved; these are the common ones).
var reservedWords = map[string]bool{
	"all": true, "analyse": true, "analyze": true, "and": true, "any": true, "array": true, "as": true,
	"asc": true, "between": true, "both": true, "case": true, "cast": true, "check": true, "collate": true,
	"column": true, "constraint": true, "create": true, "current_date": true, "current_time": true,
	"current_timestamp": true, "current_user": true, "default": true, "desc": true, "distinct": true,
	"do": true, "else": true, "end": true, "except": true, "false": true, "fetch": true, "for": true,
	"foreign": true, "from": true, "grant": true, "group": true, "having": true, "in": true, "inner": true,
	"intersect": true, "into": true, "is": true, "join": true, "leading": true, "left": true, "like": true,
	"limit": true, "localtime": true, "localtimestamp": true, "not": true, "null": true, "offset": true,
	"on": true, "only": true, "or": true, "order": true, "outer": true, "primary": true, "references": true,
	"returning": true, "right": true, "select": true, "session_user": true, "some": true, "table": true,
	"then": true, "to": true, "trailing": true, "true": true, "union": true, "unique": true, "user": true,
	"using": true, "when": true, "where": true, "window": true, "with": true,
}

// QuoteLiteral is quote_literal for a non-NULL string: single-quoted with
// quotes doubled, and with the E prefix (backslashes doubled) when the
// string has a backslash.
func QuoteLiteral(s string) string {
	q := "'" + strings.ReplaceAll(s, "'", "''") + "'"
	if strings.Contains(s, `\`) {
		return "E" + strings.ReplaceAll(q, `\`, `\\`)
	}
	return q
}
