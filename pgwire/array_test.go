package pgwire

import (
	"reflect"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/lib/pq"
)

// TestPgxArrays round-trips arrays through pgx in every query mode: the
// extended protocol sends and receives them in binary, the simple
// protocol in text.
func TestPgxArrays(t *testing.T) {
	ts := startServer(t)
	for _, mode := range []string{"", "&default_query_exec_mode=simple_protocol", "&default_query_exec_mode=describe_exec"} {
		t.Run(strings.TrimPrefix(mode, "&"), func(t *testing.T) {
			c := ts.connect(t, mode)
			ctx := ctxT(t)
			one := int32(1)
			var (
				i4   []int32
				i8   []int64
				txt  []string
				bs   []bool
				f8   []float64
				nils []*int32
				md   pgtype.Array[int32]
				emp  []int32
			)
			err := c.QueryRow(ctx, `select $1::int4[], $2::int8[], $3::text[], $4::bool[], $5::float8[], $6::int4[], $7::int4[], $8::int4[]`,
				[]int32{1, -2, 3}, []int64{1 << 40}, []string{"a b", "", `x"y`, "NULL", "{}"}, []bool{true, false},
				[]float64{1.5, -0.25}, []*int32{&one, nil},
				pgtype.Array[int32]{Elements: []int32{1, 2, 3, 4}, Dims: []pgtype.ArrayDimension{{Length: 2, LowerBound: 1}, {Length: 2, LowerBound: 1}}, Valid: true},
				[]int32{},
			).Scan(&i4, &i8, &txt, &bs, &f8, &nils, &md, &emp)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(i4, []int32{1, -2, 3}) || !reflect.DeepEqual(i8, []int64{1 << 40}) ||
				!reflect.DeepEqual(txt, []string{"a b", "", `x"y`, "NULL", "{}"}) || !reflect.DeepEqual(bs, []bool{true, false}) ||
				!reflect.DeepEqual(f8, []float64{1.5, -0.25}) || len(emp) != 0 {
				t.Errorf("arrays: %v %v %q %v %v %v", i4, i8, txt, bs, f8, emp)
			}
			if len(nils) != 2 || nils[0] == nil || *nils[0] != 1 || nils[1] != nil {
				t.Errorf("NULL elements: %v", nils)
			}
			if len(md.Dims) != 2 || md.Dims[0].Length != 2 || md.Dims[1].Length != 2 || !reflect.DeepEqual(md.Elements, []int32{1, 2, 3, 4}) {
				t.Errorf("2-D array: %+v", md)
			}

			// Stored in a table, selected back with SQL operators.
			mustExec(t, c, `drop table if exists arr`)
			mustExec(t, c, `create table arr (id int primary key, tags text[], nums int8[])`)
			if _, err := c.Exec(ctx, `insert into arr values ($1, $2, $3)`, 1, []string{"red", "green"}, []int64{5, 6}); err != nil {
				t.Fatal(err)
			}
			var id int32
			var tags []string
			if err := c.QueryRow(ctx, `select id, tags from arr where $1 = any(tags) and nums @> $2`, "green", []int64{6}).Scan(&id, &tags); err != nil {
				t.Fatal(err)
			}
			if id != 1 || !reflect.DeepEqual(tags, []string{"red", "green"}) {
				t.Errorf("row: %d %v", id, tags)
			}
			// COPY in binary (pgx's CopyFrom) and back out.
			if mode == "" {
				n, err := c.CopyFrom(ctx, pgx.Identifier{"arr"}, []string{"id", "tags", "nums"},
					pgx.CopyFromRows([][]any{{int32(2), []string{"a", "b c"}, []int64{7}}, {int32(3), nil, []int64{}}}))
				if err != nil || n != 2 {
					t.Fatalf("CopyFrom: %d %v", n, err)
				}
				var tags []string
				var nums []int64
				if err := c.QueryRow(ctx, `select tags, nums from arr where id = 2`).Scan(&tags, &nums); err != nil ||
					!reflect.DeepEqual(tags, []string{"a", "b c"}) || !reflect.DeepEqual(nums, []int64{7}) {
					t.Errorf("copied row: %q %v %v", tags, nums, err)
				}
				mustExec(t, c, `delete from arr where id > 1`)
			}
			// = ANY($1): the parameter's type is inferred as an array.
			var n int64
			if err := c.QueryRow(ctx, `select count(*) from arr where id = any($1)`, []int32{1, 2}).Scan(&n); err != nil || n != 1 {
				t.Errorf("= ANY($1): %d %v", n, err)
			}
			// LIKE ANY($1) infers text[]; WITH ORDINALITY over a parameter.
			if err := c.QueryRow(ctx, `select count(*) from arr where tags[1] like any($1)`, []string{"r%", "x"}).Scan(&n); err != nil || n != 1 {
				t.Errorf("LIKE ANY($1): %d %v", n, err)
			}
			var ord []int64
			if err := c.QueryRow(ctx, `select array_agg(n order by n) from unnest($1::text[]) with ordinality u(v, n)`, []string{"a", "b"}).Scan(&ord); err != nil ||
				!reflect.DeepEqual(ord, []int64{1, 2}) {
				t.Errorf("WITH ORDINALITY over $1: %v %v", ord, err)
			}
		})
	}
}

// TestPgxArrayDescriptions checks the OIDs in ParameterDescription and
// RowDescription.
func TestPgxArrayDescriptions(t *testing.T) {
	ts := startServer(t)
	c := ts.connect(t, "")
	ctx := ctxT(t)
	sd, err := c.Prepare(ctx, "arr", `select $1::int4[], $2::text[], array[1.5], '{}'::bool[], '{}'::int2[], '{}'::int8[],
		'{}'::float4[], '{}'::float8[], '{}'::varchar[], '{}'::bytea[], '{}'::date[], '{}'::timestamp[],
		'{}'::timestamptz[], '{}'::interval[], '{}'::uuid[], id from unnest(array[1]) id where id = any($3)`)
	if err != nil {
		t.Fatal(err)
	}
	wantParams := []uint32{1007, 1009, 1007}
	got := sd.ParamOIDs
	if !reflect.DeepEqual(got, wantParams) {
		t.Errorf("parameter OIDs %v, want %v", got, wantParams)
	}
	wantCols := []uint32{1007, 1009, 1231, 1000, 1005, 1016, 1021, 1022, 1015, 1001, 1182, 1115, 1185, 1187, 2951, 23}
	for i, f := range sd.Fields {
		if i < len(wantCols) && f.DataTypeOID != wantCols[i] {
			t.Errorf("column %d (%s): OID %d, want %d", i, f.Name, f.DataTypeOID, wantCols[i])
		}
	}
	// Binary values of every element type decode with pgtype.
	var row []any
	rows, err := c.Query(ctx, `select '{1}'::int2[], '{2020-01-02}'::date[], '{"2020-01-02 03:04:05"}'::timestamptz[],
		'{"1 day"}'::interval[], '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}'::uuid[], '{1.50,NaN}'::numeric[], '{"\\x00ff"}'::bytea[]`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		if row, err = rows.Values(); err != nil {
			t.Fatal(err)
		}
	}
	if rows.Err() != nil || len(row) != 7 {
		t.Fatalf("values %v: %v", row, rows.Err())
	}
	var bs [][]byte
	if err := c.QueryRow(ctx, `select '{"\\x00ff",NULL}'::bytea[]`, pgx.QueryResultFormats{pgx.BinaryFormatCode}).Scan(&bs); err != nil || len(bs) != 2 || string(bs[0]) != "\x00\xff" || bs[1] != nil {
		t.Errorf("bytea[]: %q %v", bs, err)
	}
}

func TestLibpqArrays(t *testing.T) {
	ts := startServer(t)
	db := ts.openPQ(t, "")
	pqExec(t, db, `create table parr (id int primary key, xs int8[], ss text[], fs float8[], bs bool[])`)
	if _, err := db.Exec(`insert into parr values ($1, $2, $3, $4, $5)`, 1, pq.Array([]int64{1, 2, 3}),
		pq.Array([]string{"a,b", `q"`, "", "NULL"}), pq.Array([]float64{0.5}), pq.Array([]bool{true, false})); err != nil {
		t.Fatal(err)
	}
	var xs []int64
	var ss []string
	var fs []float64
	var bs []bool
	if err := db.QueryRow(`select xs, ss, fs, bs from parr where id = any($1)`, pq.Array([]int32{1, 7})).
		Scan(pq.Array(&xs), pq.Array(&ss), pq.Array(&fs), pq.Array(&bs)); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(xs, []int64{1, 2, 3}) || !reflect.DeepEqual(ss, []string{"a,b", `q"`, "", "NULL"}) ||
		!reflect.DeepEqual(fs, []float64{0.5}) || !reflect.DeepEqual(bs, []bool{true, false}) {
		t.Errorf("got %v %q %v %v", xs, ss, fs, bs)
	}
	var text string
	if err := db.QueryRow(`select ss[2] || array_to_string(xs, '-') from parr`).Scan(&text); err != nil || text != `q"1-2-3` {
		t.Errorf("subscript: %q %v", text, err)
	}
	_, err := db.Exec(`select array[array[1,2], array[3]]`)
	if pqCode(err) != "2202E" {
		t.Errorf("mismatched dimensions: %v", err)
	}
}
