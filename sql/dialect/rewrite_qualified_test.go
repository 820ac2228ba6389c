package dialect

import "testing"

// TestRewriteQualified checks the spellings of psql's catalog queries by
// what the TiDB parser makes of Text (as TestRewrite does).
func TestRewriteQualified(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		// OPERATOR(schema.op) is the bare operator, then rewritten as usual.
		{"select a from t where a OPERATOR(pg_catalog.~) '^x$' and b operator(=) 1",
			"SELECT `a` FROM `t` WHERE PDB_REGEX_MATCH(`a`, _UTF8MB4'^x$') AND `b`=1"},
		// COLLATE in any spelling is dropped.
		{`select a from t where a = 'x' COLLATE pg_catalog.default and b < 'y' collate "C"`,
			"SELECT `a` FROM `t` WHERE `a`=_UTF8MB4'x' AND `b`<_UTF8MB4'y'"},
		// pg_catalog.f( is f(; tables keep their schema.
		{"select pg_catalog.format_type(a, b) from pg_catalog.pg_attribute",
			"SELECT FORMAT_TYPE(`a`, `b`) FROM `pg_catalog`.`pg_attribute`"},
		// A VALUES list as a UNION operand is a chain of SELECTs.
		{"select a from t union all values (1), (2)", "SELECT `a` FROM `t` UNION ALL SELECT 1 UNION ALL SELECT 2"},
		{"select a, b from t union values (1, 'x')", "SELECT `a`,`b` FROM `t` UNION SELECT 1,_UTF8MB4'x'"},
		// pg_partition_ancestors has no rows: an SRF of none in a select
		// list, an empty derived table (with the alias's columns) in FROM.
		{"select pg_catalog.pg_partition_ancestors('1')",
			"SELECT UNNEST(PDB_CAST(NULL, _UTF8MB4'oid[]'))"},
		{"select * from pg_catalog.pg_partition_ancestors(x) with ordinality as a(relid, depth) where a.relid = 1",
			"SELECT * FROM (SELECT PDB_CAST(NULL, _UTF8MB4'oid') AS `relid`,PDB_CAST(NULL, _UTF8MB4'bigint') AS `depth` FROM DUAL WHERE FALSE) AS `a` WHERE `a`.`relid`=1"},
	} {
		_, got := mustPrepare(t, tc.in)
		if got != tc.want {
			t.Errorf("Prepare(%q):\n got %s\nwant %s", tc.in, got, tc.want)
		}
	}
}
