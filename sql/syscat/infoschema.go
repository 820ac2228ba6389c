package syscat

import (
	"strconv"

	"github.com/persiandb/persiandb/sql/catalog"
	"github.com/persiandb/persiandb/sql/planner"
	"github.com/persiandb/persiandb/storage"
)

// information_schema: the SQL standard's views over the same snapshot,
// with Postgres 15's columns (domains such as sql_identifier appear as
// their base types). Only the user's relations in public are listed in
// the per-relation views, plus pg_catalog's and information_schema's own
// entries in tables, as a superuser sees them in Postgres.
func init() {
	info := func(name string, oid uint32, spec string, rows func(*Snapshot) [][]any) {
		define(NamespaceInfo, name, oid, 'v', spec, rows)
	}
	info("schemata", 13100, "catalog_name sql_identifier, schema_name sql_identifier, "+
		"schema_owner sql_identifier, default_character_set_catalog sql_identifier, "+
		"default_character_set_schema sql_identifier, default_character_set_name sql_identifier, "+
		"sql_path character_data", func(*Snapshot) [][]any {
		row := func(name, owner string) []any { return []any{"postgres", name, owner, nil, nil, nil, nil} }
		return [][]any{row("information_schema", "postgres"), row("pg_catalog", "postgres"), row("public", "pg_database_owner")}
	})
	info("tables", 13101, "table_catalog sql_identifier, table_schema sql_identifier, table_name sql_identifier, "+
		"table_type character_data, self_referencing_column_name sql_identifier, "+
		"reference_generation character_data, user_defined_type_catalog sql_identifier, "+
		"user_defined_type_schema sql_identifier, user_defined_type_name sql_identifier, "+
		"is_insertable_into yes_or_no, is_typed yes_or_no, commit_action character_data", infoTables)
	info("columns", 13102, "table_catalog sql_identifier, table_schema sql_identifier, table_name sql_identifier, "+
		"column_name sql_identifier, ordinal_position cardinal_number, column_default character_data, "+
		"is_nullable yes_or_no, data_type character_data, character_maximum_length cardinal_number, "+
		"character_octet_length cardinal_number, numeric_precision cardinal_number, "+
		"numeric_precision_radix cardinal_number, numeric_scale cardinal_number, "+
		"datetime_precision cardinal_number, interval_type character_data, interval_precision cardinal_number, "+
		"character_set_catalog sql_identifier, character_set_schema sql_identifier, "+
		"character_set_name sql_identifier, collation_catalog sql_identifier, collation_schema sql_identifier, "+
		"collation_name sql_identifier, domain_catalog sql_identifier, domain_schema sql_identifier, "+
		"domain_name sql_identifier, udt_catalog sql_identifier, udt_schema sql_identifier, "+
		"udt_name sql_identifier, scope_catalog sql_identifier, scope_schema sql_identifier, "+
		"scope_name sql_identifier, maximum_cardinality cardinal_number, dtd_identifier sql_identifier, "+
		"is_self_referencing yes_or_no, is_identity yes_or_no, identity_generation character_data, "+
		"identity_start character_data, identity_increment character_data, identity_maximum character_data, "+
		"identity_minimum character_data, identity_cycle yes_or_no, is_generated character_data, "+
		"generation_expression character_data, is_updatable yes_or_no", infoColumns)
	info("views", 13103, "table_catalog sql_identifier, table_schema sql_identifier, table_name sql_identifier, "+
		"view_definition character_data, check_option character_data, is_updatable yes_or_no, "+
		"is_insertable_into yes_or_no, is_trigger_updatable yes_or_no, is_trigger_deletable yes_or_no, "+
		"is_trigger_insertable_into yes_or_no", func(s *Snapshot) [][]any {
		var out [][]any
		for _, v := range s.Views {
			out = append(out, []any{"postgres", "public", v.Name, ViewDef(s, v), "NONE", "NO", "NO", "NO", "NO", "NO"})
		}
		return out
	})
	info("sequences", 13104, "sequence_catalog sql_identifier, sequence_schema sql_identifier, "+
		"sequence_name sql_identifier, data_type character_data, numeric_precision cardinal_number, "+
		"numeric_precision_radix cardinal_number, numeric_scale cardinal_number, start_value character_data, "+
		"minimum_value character_data, maximum_value character_data, increment character_data, "+
		"cycle_option yes_or_no", func(s *Snapshot) [][]any {
		var out [][]any
		for _, q := range s.Sequences {
			t := sequenceType(q)
			prec, _, _ := numericInfo(t)
			out = append(out, []any{"postgres", "public", q.Name, q.Type, prec, 2, 0, i64(q.Start), i64(q.Min),
				i64(q.Max), i64(q.Increment), yesNo(q.Cycle)})
		}
		return out
	})
	info("table_constraints", 13105, "constraint_catalog sql_identifier, constraint_schema sql_identifier, "+
		"constraint_name sql_identifier, table_catalog sql_identifier, table_schema sql_identifier, "+
		"table_name sql_identifier, constraint_type character_data, is_deferrable yes_or_no, "+
		"initially_deferred yes_or_no, enforced yes_or_no, nulls_distinct yes_or_no", infoTableConstraints)
	info("key_column_usage", 13106, "constraint_catalog sql_identifier, constraint_schema sql_identifier, "+
		"constraint_name sql_identifier, table_catalog sql_identifier, table_schema sql_identifier, "+
		"table_name sql_identifier, column_name sql_identifier, ordinal_position cardinal_number, "+
		"position_in_unique_constraint cardinal_number", infoKeyColumns)
}

func i64(x int64) string { return strconv.FormatInt(x, 10) }

func yesNo(b bool) string {
	if b {
		return "YES"
	}
	return "NO"
}

func infoTables(s *Snapshot) [][]any {
	var out [][]any
	row := func(schema, name, typ string, insertable bool) []any {
		return []any{"postgres", schema, name, typ, nil, nil, nil, nil, nil, yesNo(insertable), "NO", nil}
	}
	for _, t := range s.Tables {
		out = append(out, row("public", t.Name, "BASE TABLE", true))
	}
	for _, v := range s.Views {
		out = append(out, row("public", v.Name, "VIEW", false))
	}
	for _, t := range systemRelations() {
		typ := "BASE TABLE"
		if t.kind == 'v' {
			typ = "VIEW"
		}
		out = append(out, row(nspName(t.schema), t.name, typ, t.kind == 'r'))
	}
	return out
}

// dataType is information_schema's data_type: format_type's name without
// modifiers, ARRAY for arrays.
func dataType(t planner.Type) string {
	if t.IsArray() {
		return "ARRAY"
	}
	return FormatType(t.OID(), -1, false)
}

// numericInfo is numeric_precision, its radix and numeric_scale (nil
// for non-numeric types and unconstrained numeric's precision).
func numericInfo(t planner.Type) (prec, radix, scale any) {
	switch t.T {
	case storage.TypeInt16:
		return 16, 2, 0
	case storage.TypeInt32:
		return 32, 2, 0
	case storage.TypeInt64:
		if t.IsOID() {
			return nil, nil, nil
		}
		return 64, 2, 0
	case storage.TypeFloat32:
		return 24, 2, nil
	case storage.TypeFloat64:
		return 53, 2, nil
	case storage.TypeNumeric:
		if t.Typmod >= 4 {
			m := t.Typmod - 4
			return int(m >> 16 & 0xffff), 10, int(int16(m & 0xffff))
		}
		return nil, 10, nil
	}
	return nil, nil, nil
}

// charInfo is character_maximum_length and character_octet_length.
func charInfo(t planner.Type) (maxLen, octets any) {
	if t.T != storage.TypeText || t.IsOID() || t.Name == "name" || t.Name == `"char"` {
		return nil, nil
	}
	if (t.Name == "character varying" || t.Name == "character") && t.Typmod >= 4 {
		return int(t.Typmod - 4), int(t.Typmod-4) * 4
	}
	return nil, 1073741824
}

func datetimePrecision(t planner.Type) any {
	switch t.T {
	case storage.TypeDate:
		return 0
	case storage.TypeTimestamp, storage.TypeTimestampTZ, storage.TypeInterval:
		if t.Typmod >= 0 && t.T != storage.TypeInterval {
			return int(t.Typmod)
		}
		return 6
	}
	return nil
}

// infoColumn is one row of information_schema.columns.
func infoColumn(table string, pos int, name string, t planner.Type, def any, nullable, updatable bool) []any {
	maxLen, octets := charInfo(t)
	prec, radix, scale := numericInfo(t)
	// collation_name is NULL for the default collation, the only one a
	// column here has.
	var coll any
	udtName := typnameOf(t)
	if t.IsArray() {
		udtName = "_" + typnameOf(t.Elem())
	}
	return []any{"postgres", "public", table, name, pos, def, yesNo(nullable), dataType(t), maxLen, octets,
		prec, radix, scale, datetimePrecision(t), nil, nil, nil, nil, nil, nil, nil, coll, nil, nil, nil,
		"postgres", "pg_catalog", udtName, nil, nil, nil, nil, strconv.Itoa(pos), "NO", "NO", nil, nil, nil,
		nil, nil, "NO", "NEVER", nil, yesNo(updatable)}
}

// typnameOf is pg_type.typname of a scalar type.
func typnameOf(t planner.Type) string {
	if b, _, ok := typeByOID(t.OID()); ok {
		return b.name
	}
	return t.Typname()
}

func infoColumns(s *Snapshot) [][]any {
	var out [][]any
	for _, t := range s.Tables {
		for i, c := range attributes(t) {
			if c.Dropped {
				continue
			}
			var def any
			if c.Default != "" {
				def = DefaultDef(c)
			}
			out = append(out, infoColumn(t.Name, i+1, c.Name, ColumnType(c), def, !c.NotNull && !inPrimaryKey(t, i), true))
		}
	}
	for _, v := range s.Views {
		for i, c := range v.Columns {
			out = append(out, infoColumn(v.Name, i+1, c.Name, viewColumnType(c), nil, true, false))
		}
	}
	return out
}

// constraintRow is one row of information_schema.table_constraints.
func constraintRow(name, table, typ string, nullsDistinct any) []any {
	return []any{"postgres", "public", name, "postgres", "public", table, typ, "NO", "NO", "YES", nullsDistinct}
}

func infoTableConstraints(s *Snapshot) [][]any {
	var out [][]any
	for _, t := range s.Tables {
		for k, ix := range indexes(t) {
			switch {
			case k == 0 && !t.HasRowID():
				out = append(out, constraintRow(ix.Name, t.Name, "PRIMARY KEY", nil))
			case ix.Constraint:
				out = append(out, constraintRow(ix.Name, t.Name, "UNIQUE", "YES"))
			}
		}
		for _, fk := range t.ForeignKeys {
			out = append(out, constraintRow(fk.Name, t.Name, "FOREIGN KEY", nil))
		}
		for _, c := range t.Checks {
			out = append(out, constraintRow(c.Name, t.Name, "CHECK", nil))
		}
		// NOT NULL columns are CHECK constraints here, named as Postgres
		// names them: namespace OID, table OID, attnum.
		for i, c := range attributes(t) {
			if !c.Dropped && (c.NotNull || inPrimaryKey(t, i)) {
				name := strconv.Itoa(NamespacePublic) + "_" + strconv.FormatUint(uint64(RelOID(t.ID)), 10) + "_" + strconv.Itoa(i+1) + "_not_null"
				out = append(out, constraintRow(name, t.Name, "CHECK", nil))
			}
		}
	}
	return out
}

func infoKeyColumns(s *Snapshot) [][]any {
	var out [][]any
	row := func(constraint string, t *catalog.Table, col, pos int, posInUnique any) []any {
		return []any{"postgres", "public", constraint, "postgres", "public", t.Name, t.Columns[col].Name, pos, posInUnique}
	}
	for _, t := range s.Tables {
		for k, ix := range indexes(t) {
			if k == 0 && !t.HasRowID() || ix.Constraint {
				for i, c := range ix.Columns {
					out = append(out, row(ix.Name, t, c, i+1, nil))
				}
			}
		}
		for _, fk := range t.ForeignKeys {
			for i, c := range fk.Columns {
				out = append(out, row(fk.Name, t, c, i+1, i+1))
			}
		}
	}
	return out
}
