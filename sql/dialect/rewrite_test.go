package dialect

import (
	"errors"
	"fmt"
	"testing"

	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/test_driver"
)

// TestRewrite checks each rewrite by what the TiDB parser makes of Text:
// want is the parser's Restore of the AST, so precedence shows as nesting.
func TestRewrite(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		// Identifiers fold; quoted ones keep their case exactly.
		{`select MiXed, "MiXed", "a""b" from T`, "SELECT `mixed`,`MiXed`,`a\"b` FROM `t`"},
		// Strings: E'' decoded, backslashes literal in standard strings.
		{`select E'a\tb', 'c\d', $$x'y$$, 'it''s'`, "SELECT _UTF8MB4'a\tb',_UTF8MB4'c\\d',_UTF8MB4'x''y',_UTF8MB4'it''s'"},
		// LIMIT ALL, OFFSET without LIMIT, OFFSET before LIMIT, nested.
		{"select a from t limit all", "SELECT `a` FROM `t` LIMIT 9223372036854775807"},
		{"select a from t order by a offset 2", "SELECT `a` FROM `t` ORDER BY `a` LIMIT 2,9223372036854775807"},
		{"select (select b from u offset 1 limit 1) from t offset $1 limit 5", "SELECT (SELECT `b` FROM `u` LIMIT 1,1) FROM `t` LIMIT ?,5"},
		{"select a from t offset 1 limit all", "SELECT `a` FROM `t` LIMIT 1,9223372036854775807"},
		// concat() is the function, || the operator; EXTRACT's fields.
		{"select concat(a, 'x'), a || b, extract(epoch from d)", "SELECT PDB_CONCAT(`a`, _UTF8MB4'x'),CONCAT(`a`, `b`),PDB_EXTRACT(_UTF8MB4'epoch', `d`)"},
		// FULL JOIN is spelled STRAIGHT_JOIN for the parser.
		{"select * from a full outer join b on a.x = b.y", "SELECT * FROM `a` STRAIGHT_JOIN `b` ON `a`.`x`=`b`.`y`"},
		// :: binds tighter than every operator.
		{"select -1::int", "SELECT -PDB_CAST(1, _UTF8MB4'integer')"},
		{"select a.b::text, f(x)::int, (a+b)::int8, x::text::int", "SELECT PDB_CAST(`a`.`b`, _UTF8MB4'text'),PDB_CAST(F(`x`), _UTF8MB4'integer'),PDB_CAST((`a`+`b`), _UTF8MB4'bigint'),PDB_CAST(PDB_CAST(`x`, _UTF8MB4'text'), _UTF8MB4'integer')"},
		{"select 1 + '2'::int * 3", "SELECT 1+PDB_CAST(_UTF8MB4'2', _UTF8MB4'integer')*3"},
		{"select '2020-01-01'::date, $1::timestamptz, 1::numeric(10,2), x::varchar(3)[]", "SELECT PDB_CAST(_UTF8MB4'2020-01-01', _UTF8MB4'date'),PDB_CAST(?, _UTF8MB4'timestamp with time zone'),PDB_CAST(1, _UTF8MB4'numeric(10,2)'),PDB_CAST(`x`, _UTF8MB4'character varying(3)[]')"},
		{"select case when a then 1 else 2 end::text", "SELECT PDB_CAST(CASE WHEN `a` THEN 1 ELSE 2 END, _UTF8MB4'text')"},
		{"select cast(x as double precision), cast(cast(y as text) as integer)", "SELECT PDB_CAST(`x`, _UTF8MB4'double precision'),PDB_CAST(PDB_CAST(`y`, _UTF8MB4'text'), _UTF8MB4'integer')"},
		{"select cast(a + 1 as timestamp(3) with time zone)", "SELECT PDB_CAST(`a`+1, _UTF8MB4'timestamp(3) with time zone')"},
		{"select interval '1 day', date '2020-01-01', double precision '1.5'", "SELECT PDB_CAST(_UTF8MB4'1 day', _UTF8MB4'interval'),PDB_CAST(_UTF8MB4'2020-01-01', _UTF8MB4'date'),PDB_CAST(_UTF8MB4'1.5', _UTF8MB4'double precision')"},
		// IS [NOT] DISTINCT FROM: IS binds looser than arithmetic and
		// comparison, tighter than NOT and AND.
		{"select * from t where a is distinct from b and c + 1 is not distinct from d * 2", "SELECT * FROM `t` WHERE (NOT ((`a`)<=>(`b`))) AND ((`c`+1)<=>(`d`*2))"},
		{"select not a is distinct from b", "SELECT NOT (NOT ((`a`)<=>(`b`)))"},
		{"select case when a is distinct from $1 then 1 end", "SELECT CASE WHEN (NOT ((`a`)<=>(?))) THEN 1 END"},
		{"select a = b is not distinct from c", "SELECT ((`a`=`b`)<=>(`c`))"},
		// Regex operators.
		{"select a ~ 'x', a !~ 'y' || 'z', a ~* b, ~a", "SELECT PDB_REGEX_MATCH(`a`, _UTF8MB4'x'),CONCAT((NOT PDB_REGEX_MATCH(`a`, _UTF8MB4'y')), _UTF8MB4'z'),PDB_REGEX_IMATCH(`a`, `b`),~(`a`)"},
		{"select * from t where s !~* '^a' and x + 1 ~ y", "SELECT * FROM `t` WHERE (NOT PDB_REGEX_IMATCH(`s`, _UTF8MB4'^a')) AND PDB_REGEX_MATCH(`x`+1, `y`)"},
		// NULLS FIRST/LAST wrap the item, in every ORDER BY.
		{"select * from t order by a desc nulls first, b nulls last, f(c, d) asc nulls last", "SELECT * FROM `t` ORDER BY PDB_NULLS_FIRST(`a`) DESC,PDB_NULLS_LAST(`b`),PDB_NULLS_LAST(F(`c`, `d`))"},
		{"select (select x from u order by x nulls first limit 1), row_number() over (order by a nulls last) from t order by 1 desc nulls last", "SELECT (SELECT `x` FROM `u` ORDER BY PDB_NULLS_FIRST(`x`) LIMIT 1),ROW_NUMBER() OVER (ORDER BY PDB_NULLS_LAST(`a`)) FROM `t` ORDER BY PDB_NULLS_LAST(1) DESC"},
		// DISTINCT ON.
		{"select distinct on (a, b) a, c from t", "SELECT PDB_DISTINCT_ON(`a`, `b`) AS `pdb_distinct_on`,`a`,`c` FROM `t`"},
		// generate_series in FROM.
		{"select g from generate_series(1, 3)", "SELECT `g` FROM `pdb_series_0` AS `generate_series`"},
		{"select * from t, generate_series(1, $1) as g(x)", "SELECT * FROM (`t`) JOIN `pdb_series_0` AS `g`"},
		// DDL.
		{"create table t (id bigserial primary key, b bytea, ts timestamptz not null default now(), u uuid, j jsonb, d double precision, v character varying(20)) with (fillfactor=90)", "CREATE TABLE `t` (`id` BIGINT PRIMARY KEY,`b` LONGBLOB,`ts` TIMESTAMP(6) NOT NULL DEFAULT (PDB_DEFAULT(NOW())),`u` TEXT,`j` JSON,`d` DOUBLE,`v` VARCHAR(20))"},
		{"create table t (a int, b text, primary key (a), constraint u unique (b))", "CREATE TABLE `t` (`a` INT,`b` TEXT,PRIMARY KEY(`a`),UNIQUE `u`(`b`))"},
		{"create index on t (a, b)", "CREATE INDEX `t_a_b_idx` ON `t` (`a`, `b`)"},
		// DDL the MySQL grammar cannot say (rewrite_ddl.go).
		{"create table t (a int default 'x' || 'y' not null, b int default nextval('s'))", "CREATE TABLE `t` (`a` INT DEFAULT (PDB_DEFAULT(CONCAT(_UTF8MB4'x', _UTF8MB4'y'))) NOT NULL,`b` INT DEFAULT (PDB_DEFAULT(NEXTVAL(_UTF8MB4's'))))"},
		{"create index i on t (a desc nulls first, b, c nulls last)", "CREATE INDEX `i` ON `t` ((PDB_NULLS_FIRST(`a`)) DESC, `b`, (PDB_NULLS_LAST(`c`)))"},
		{"alter table t alter column a set not null, alter b drop not null, alter c set default 1 + 2, rename d to e", "ALTER TABLE `t` ALTER COLUMN `a` SET DEFAULT (PDB_SET_NOT_NULL()), ALTER COLUMN `b` SET DEFAULT (PDB_DROP_NOT_NULL()), ALTER COLUMN `c` SET DEFAULT (1+2), RENAME COLUMN `d` TO `e`"},
		{"drop index concurrently if exists i, public.j cascade", "DROP INDEX IF EXISTS `pdb_index` ON `pdb_index`"},
		{"drop sequence s restrict", "DROP SEQUENCE `s`"},
		{"select nextval('s'), currval('s'), setval('s', 1, false), lastval()", "SELECT NEXTVAL(_UTF8MB4's'),CURRVAL(_UTF8MB4's'),SETVAL(_UTF8MB4's', 1, FALSE),LASTVAL()"},
		{"create unique index concurrently if not exists i on t using btree (a)", "CREATE UNIQUE INDEX IF NOT EXISTS `i` ON `t` (`a`) USING BTREE"},
		{"alter table t add column c timestamptz, alter column d type bigint", "ALTER TABLE `t` ADD COLUMN `c` TIMESTAMP(6), MODIFY COLUMN `d` BIGINT"},
		// DML clauses are cut out.
		{"insert into t (a) values ($1) returning id", "INSERT INTO `t` (`a`) VALUES (?)"},
		{"insert into t as x values (1) on conflict (a) do update set b = excluded.b", "INSERT INTO `t` VALUES (1)"},
		{"update t set a = 1 where b = 2 returning *", "UPDATE `t` SET `a`=1 WHERE `b`=2"},
	} {
		_, got := mustPrepare(t, tc.in)
		if got != tc.want {
			t.Errorf("Prepare(%q):\n got %s\nwant %s", tc.in, got, tc.want)
		}
	}
}

// TestParams checks $n -> ? and its map, against the parser's markers.
func TestParams(t *testing.T) {
	for _, tc := range []struct {
		in     string
		params []int
		max    int
	}{
		{"select $2 + $1 + $2", []int{2, 1, 2}, 2},
		{"select * from t where a = $1 limit $3 offset $2", []int{1, 3, 2}, 3},
		{"select '$1', \"$2\", $$ $3 $$, $4 /* $5 */", []int{4}, 4},
		{"insert into t values ($1, $2) on conflict (a) do update set b = $3 returning $4", []int{1, 2}, 4},
	} {
		s, _ := mustPrepare(t, tc.in)
		if fmt.Sprint(s.Params) != fmt.Sprint(tc.params) || s.NumParams != tc.max {
			t.Errorf("Prepare(%q): params %v max %d, want %v %d", tc.in, s.Params, s.NumParams, tc.params, tc.max)
		}
		// Markers are numbered in text order, which is what Params indexes.
		node, err := NewParser().ParseOneStmt(s.Text, "", "")
		if err != nil {
			t.Fatal(err)
		}
		v := &markerVisitor{}
		node.Accept(v)
		if len(v.offsets) != len(s.Params) {
			t.Errorf("Prepare(%q): %d markers, %d params", tc.in, len(v.offsets), len(s.Params))
		}
		for _, off := range v.offsets {
			if _, ok := s.ParamAt(off); !ok {
				t.Errorf("Prepare(%q): marker at offset %d has no param", tc.in, off)
			}
		}
	}
	s, _ := mustPrepare(t, "select $2 + $1")
	if n, _ := s.ParamAt(s.ParamOffsets[1]); n != 1 {
		t.Errorf("ParamAt = %d", n)
	}
}

type markerVisitor struct{ offsets []int }

func (v *markerVisitor) Enter(n ast.Node) (ast.Node, bool) {
	if m, ok := n.(*test_driver.ParamMarkerExpr); ok {
		v.offsets = append(v.offsets, m.Offset)
	}
	return n, false
}
func (v *markerVisitor) Leave(n ast.Node) (ast.Node, bool) { return n, true }

func TestSideTables(t *testing.T) {
	s, _ := mustPrepare(t, "insert into t as x (a, b) values ($1, 2) on conflict (a) do update set b = excluded.b + x.b where x.b < $2 returning id, a::text")
	oc := s.OnConflict
	if oc == nil || fmt.Sprint(oc.Columns) != "[a]" || oc.DoNothing {
		t.Fatalf("OnConflict = %+v", oc)
	}
	if got := restore(t, oc.Update.Text); got != "UPDATE `t` AS `x` SET `b`=`excluded`.`b`+`x`.`b` WHERE `x`.`b`<?" {
		t.Errorf("update = %s", got)
	}
	if fmt.Sprint(oc.Update.Params) != "[2]" || s.NumParams != 2 {
		t.Errorf("update params %v, NumParams %d", oc.Update.Params, s.NumParams)
	}
	if got := restore(t, s.Returning.Text); got != "SELECT `id`,PDB_CAST(`a`, _UTF8MB4'text')" {
		t.Errorf("returning = %s", got)
	}
	if len(s.Returning.Casts) != 1 || s.Returning.Casts[0].Type.Name != "text" {
		t.Errorf("returning casts = %v", s.Returning.Casts)
	}

	s, _ = mustPrepare(t, "insert into t values (1) on conflict on constraint t_pkey do nothing")
	if s.OnConflict.Constraint != "t_pkey" || !s.OnConflict.DoNothing {
		t.Errorf("OnConflict = %+v", s.OnConflict)
	}

	s, _ = mustPrepare(t, `create table "T" (id serial, n numeric(10,2), t timestamp(3) with time zone, a int[], c "char")`)
	want := `[{T id serial} {T n numeric(10,2)} {T t timestamp(3) with time zone} {T a integer[]} {T c "char"}]`
	var got []string
	for _, c := range s.Columns {
		got = append(got, fmt.Sprintf("{%s %s %s}", c.Table, c.Column, c.Type))
	}
	if fmt.Sprint(got) != want {
		t.Errorf("Columns = %v, want %v", got, want)
	}
	if !s.Columns[0].Type.Serial() {
		t.Errorf("serial not reported")
	}

	s, _ = mustPrepare(t, "create table t (a int) with (fillfactor = 70, autovacuum_enabled = false)")
	if fmt.Sprint(s.StorageParams) != "[{fillfactor 70} {autovacuum_enabled false}]" {
		t.Errorf("StorageParams = %v", s.StorageParams)
	}

	s, _ = mustPrepare(t, "select * from t, generate_series(1, $1, 2) as g(x)")
	g := s.Series[0]
	if g.Table != "pdb_series_0" || g.Alias != "g" || fmt.Sprint(g.Columns) != "[x]" || g.Args.Text != "select 1, ?, 2" || fmt.Sprint(g.Args.Params) != "[1]" || s.NumParams != 1 {
		t.Errorf("Series = %+v args %+v", g, g.Args)
	}

	s, _ = mustPrepare(t, "select x::int, cast(y as text), date '2020-01-01'")
	var types []string
	for _, c := range s.Casts {
		types = append(types, c.Type.String())
	}
	if fmt.Sprint(types) != "[integer text date]" {
		t.Errorf("Casts = %v", types)
	}
}

func TestTypeNames(t *testing.T) {
	for in, want := range map[string]string{
		"int": "integer", "INT4": "integer", "int8": "bigint", "float": "double precision",
		"float(10)": "real", "double precision": "double precision", "character varying(10)": "character varying(10)",
		"varchar": "character varying", "bpchar(3)": "character(3)", "timestamptz": "timestamp with time zone",
		"timestamp(3) without time zone": "timestamp(3) without time zone", "time with time zone": "time with time zone",
		"numeric(10, 2)": "numeric(10,2)", "text[]": "text[]", "int array": "integer[]", "pg_catalog.int4": "integer",
		"bool": "boolean", "interval day to second": "interval", "mytype": "mytype",
	} {
		ty, err := ParseTypeName(in)
		if err != nil {
			t.Errorf("ParseTypeName(%q): %v", in, err)
			continue
		}
		if ty.String() != want {
			t.Errorf("ParseTypeName(%q) = %q, want %q", in, ty, want)
		}
		if back, err := ParseTypeName(ty.String()); err != nil || back.String() != want {
			t.Errorf("ParseTypeName(%q) does not round-trip: %v %v", want, back, err)
		}
	}
}

func TestRewriteErrors(t *testing.T) {
	for _, tc := range []struct{ in, code string }{
		{"select a # ", CodeSyntaxError},
		{"select a ? ", CodeSyntaxError},
		{"select -> b", CodeSyntaxError},
		{"select a @> ", CodeSyntaxError},
		{"select a[1", CodeSyntaxError},
		{"select array[1,2][1]", CodeSyntaxError},
		{"select ^ 3", CodeSyntaxError},
		{"select ::int", CodeSyntaxError},
		{"select cast(a as)", CodeSyntaxError},
		{"select a is distinct from", CodeSyntaxError},
		{"insert into t values (1) on conflict do update set a = 1", CodeSyntaxError},
		{`select a from t order by a collate "de_DE"`, CodeFeatureNotSupported}, // only bytewise collations
	} {
		_, err := Prepare(tc.in)
		var se *SyntaxError
		if !errors.As(err, &se) || se.Code != tc.code {
			t.Errorf("Prepare(%q) = %v, want SQLSTATE %s", tc.in, err, tc.code)
		}
	}
}
