package dialect

import "testing"

// TestRewriteArrays checks the array rewrites by the TiDB parser's Restore
// of Text, as TestRewrite does.
func TestRewriteArrays(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"select array[1, 2], array[]::int[], array[[1,2],[3,4]]", "SELECT PDB_ARRAY(1, 2),PDB_CAST(PDB_ARRAY(), _UTF8MB4'integer[]'),PDB_ARRAY(PDB_ARRAY(1, 2), PDB_ARRAY(3, 4))"},
		{"select array[array[1], array[a[1]]]", "SELECT PDB_ARRAY(PDB_ARRAY(1), PDB_ARRAY(PDB_SUBSCRIPT(`a`, 1)))"},
		{"select array(select x from t order by x)", "SELECT PDB_ARRAY_SUB((SELECT `x` FROM `t` ORDER BY `x`))"},
		{"select a[1], t.a[i + 1][2], (b)[1:2], a[:2], a[2:][1], f(x)[1]::text", "SELECT PDB_SUBSCRIPT(`a`, 1),PDB_SUBSCRIPT(`t`.`a`, `i`+1, 2),PDB_SLICE((`b`), 1, 2),PDB_SLICE(`a`, PDB_OMITTED(), 2),PDB_SLICE(`a`, 2, PDB_OMITTED(), 1, 1),PDB_CAST(PDB_SUBSCRIPT(F(`x`), 1), _UTF8MB4'text')"},
		// <@ and || share a precedence level and associate left.
		{"select a @> b, a <@ b || c, x && y and z", "SELECT PDB_CONTAINS(`a`, `b`),CONCAT(PDB_CONTAINS(`b`, `a`), `c`),PDB_OVERLAP(`x`, `y`) AND `z`"},
		{"select * from t where x + 1 = any(a) and y <> all ($1) and z = any (select 1)", "SELECT * FROM `t` WHERE PDB_ANY(`x`+1, _UTF8MB4'=', `a`) AND PDB_ALL(`y`, _UTF8MB4'<>', ?) AND `z`=ANY (SELECT 1)"},
		{"select 1 = some(array[1,2])", "SELECT PDB_ANY(1, _UTF8MB4'=', PDB_ARRAY(1, 2))"},
		{"select '{1,2}'::int[], cast(x as text[]), y::_int8, z::int array", "SELECT PDB_CAST(_UTF8MB4'{1,2}', _UTF8MB4'integer[]'),PDB_CAST(`x`, _UTF8MB4'text[]'),PDB_CAST(`y`, _UTF8MB4'bigint[]'),PDB_CAST(`z`, _UTF8MB4'integer[]')"},
		{"select u from unnest(array[1,2]) as u", "SELECT `u` FROM `pdb_series_0` AS `u`"},
		{"update t set a[1] = b[2] + 1, c = 3, d[i][j] = (select 1) where x", "UPDATE `t` SET `a`=PDB_ARRAY_SET(`t`.`a`, 1, PDB_SUBSCRIPT(`b`, 2)+1), `c`=3, `d`=PDB_ARRAY_SET(`t`.`d`, `i`, `j`, (SELECT 1)) WHERE `x`"},
		{"select u from t, lateral unnest(t.a) u", "SELECT `u` FROM (`t`) JOIN `pdb_series_0` AS `u`"},
		// Pattern operators: LIKE binds looser than ||, ~ with it.
		{"select a || b like any (p), x not ilike all (q) and y", "SELECT PDB_ANY(CONCAT(`a`, `b`), _UTF8MB4'like', `p`),PDB_ALL(`x`, _UTF8MB4'not ilike', `q`) AND `y`"},
		{"select x ~* any (p), x !~ all (p), x like any (select 1)", "SELECT PDB_ANY(`x`, _UTF8MB4'~*', `p`),PDB_ALL(`x`, _UTF8MB4'!~', `p`),PDB_ANY(`x`, _UTF8MB4'like', PDB_ARRAY_SUB((SELECT 1)))"},
		{"update t as u set a[2:3] = b, c[:i][2] = x[1:2] where x", "UPDATE `t` AS `u` SET `a`=PDB_ARRAY_SET_SLICE(`u`.`a`, 2, 3, `b`), `c`=PDB_ARRAY_SET_SLICE(`u`.`c`, PDB_OMITTED(), `i`, 1, 2, PDB_SLICE(`x`, 1, 2)) WHERE `x`"},
		{"select * from unnest(a, b) with ordinality as t(x, y, n)", "SELECT * FROM `pdb_series_0` AS `t`"},
		// JSON operators: one level with || and @>, grouping from the
		// left; a ? from the text is the operator, $1 stays a parameter.
		{"select j -> 'a' ->> 0 || x, j #> p #>> q, j ? $1 and j ?| k, j ?& k = true, j->-1", "SELECT CONCAT(PDB_JSON_GET_TEXT(PDB_JSON_GET(`j`, _UTF8MB4'a'), 0), `x`),PDB_JSON_PATH_TEXT(PDB_JSON_PATH(`j`, `p`), `q`),PDB_JSON_EXISTS(`j`, ?) AND PDB_JSON_EXISTS_ANY(`j`, `k`),PDB_JSON_EXISTS_ALL(`j`, `k`)=TRUE,PDB_JSON_GET(`j`, -1)"},
	} {
		_, got := mustPrepare(t, tc.in)
		if got != tc.want {
			t.Errorf("%s\n got %s\nwant %s", tc.in, got, tc.want)
		}
	}
}
