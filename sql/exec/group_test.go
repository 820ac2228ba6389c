package exec

import (
	"math"
	"testing"

	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/sql/plan"
	"github.com/persiandb/persiandb/sql/sem"
	"github.com/persiandb/persiandb/storage"
)

func TestGroupAggregates(t *testing.T) {
	// (g, x): x NULL in one row; group 3 has only NULLs.
	in := intValues([]any{1, 5}, []any{1, 7}, []any{2, 7}, []any{1, nil}, []any{3, nil}, []any{2, 7}, []any{nil, 1}, []any{nil, 2})
	x := plan.Col{Idx: 1}
	n := &plan.Group{
		Input:   in,
		GroupBy: []plan.Expr{plan.Col{Idx: 0}},
		Aggs: []plan.Aggregate{
			{Func: plan.AggCount},                         // count(*)
			{Func: plan.AggCount, Arg: x},                 // count(x)
			{Func: plan.AggCount, Arg: x, Distinct: true}, // count(DISTINCT x)
			{Func: plan.AggSum, Arg: x, Type: storage.TypeNumeric},
			{Func: plan.AggMin, Arg: x},
			{Func: plan.AggMax, Arg: x},
		},
	}
	it, err := Build(&Context{}, n)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := Collect(it)
	if err != nil {
		t.Fatal(err)
	}
	// Groups in order of first appearance; NULL keys form one group.
	want := [][]string{
		{"1", "3", "2", "2", "12", "5", "7"},
		{"2", "2", "2", "1", "14", "7", "7"},
		{"3", "1", "0", "0", "NULL", "NULL", "NULL"},
		{"NULL", "2", "2", "2", "3", "1", "2"},
	}
	if len(rows) != len(want) {
		t.Fatalf("%d groups, want %d", len(rows), len(want))
	}
	for i, r := range rows {
		for j, v := range r {
			if got := v.String(); got != want[i][j] {
				t.Errorf("group %d col %d = %s, want %s", i, j, got, want[i][j])
			}
		}
	}

	// No GROUP BY over no rows: one row, count 0, sum NULL.
	empty := &plan.Filter{Input: in, Pred: plan.Const{Value: storage.Bool(false)}}
	it, _ = Build(&Context{}, &plan.Group{Input: empty, Aggs: []plan.Aggregate{{Func: plan.AggCount}, {Func: plan.AggSum, Arg: x, Type: storage.TypeNumeric}}})
	rows, _ = Collect(it)
	if len(rows) != 1 || rows[0][0].AsInt64() != 0 || !rows[0][1].IsNull() {
		t.Fatalf("aggregate over no rows: %v", rows)
	}
	// With GROUP BY over no rows: no row.
	it, _ = Build(&Context{}, &plan.Group{Input: empty, GroupBy: []plan.Expr{plan.Col{Idx: 0}}, Aggs: []plan.Aggregate{{Func: plan.AggCount}}})
	if rows, _ = Collect(it); len(rows) != 0 {
		t.Fatalf("grouped aggregate over no rows: %v", rows)
	}
}

func TestDistinct(t *testing.T) {
	in := intValues([]any{1, nil}, []any{1, nil}, []any{1, 2}, []any{nil, nil}, []any{nil, nil})
	it, _ := Build(&Context{}, &plan.Distinct{Input: in})
	rows, _ := Collect(it)
	if got, want := render(rows), "-,- 1,- 1,2"; got != want {
		t.Fatalf("distinct %s, want %s (NULLs are not distinct from each other)", got, want)
	}
}

// typed returns a one-column VALUES of type t, each row parsed from
// Postgres text ("NULL" for NULL).
func typed(t storage.Type, texts ...string) *plan.Values {
	v := &plan.Values{Cols: []plan.Column{{Name: "x", Type: t}}}
	for _, s := range texts {
		val := storage.Null()
		if s != "NULL" {
			var err error
			if val, err = sem.ParseText(nil, s, t); err != nil {
				panic(err)
			}
		}
		v.Rows = append(v.Rows, []plan.Expr{plan.Const{Value: val}})
	}
	return v
}

// pgText prints a value as psql does, NULL as NULL.
func pgText(v storage.Value) string {
	if v.IsNull() {
		return "NULL"
	}
	return sem.Format(v, nil)
}

// TestSumAvg checks sum and avg against PostgreSQL 15's results and
// result types.
func TestSumAvg(t *testing.T) {
	T := struct{ i2, i4, i8, f4, f8, num, iv storage.Type }{storage.TypeInt16, storage.TypeInt32, storage.TypeInt64,
		storage.TypeFloat32, storage.TypeFloat64, storage.TypeNumeric, storage.TypeInterval}
	cases := []struct {
		in               *plan.Values
		sum, avg         string
		sumType, avgType storage.Type
		sumCode, avgCode pgerr.Code // expected errors
	}{
		{in: typed(T.i2, "1", "2", "2", "NULL"), sum: "5", avg: "1.6666666666666667", sumType: T.i8, avgType: T.num},
		{in: typed(T.i4, "1", "2", "2"), sum: "5", avg: "1.6666666666666667", sumType: T.i8, avgType: T.num},
		{in: typed(T.i8, "1", "2", "2"), sum: "5", avg: "1.6666666666666667", sumType: T.num, avgType: T.num},
		{in: typed(T.f4, "1", "2", "2"), sum: "5", avg: "1.6666666666666667", sumType: T.f4, avgType: T.f8},
		{in: typed(T.f8, "1", "2", "2"), sum: "5", avg: "1.6666666666666667", sumType: T.f8, avgType: T.f8},
		{in: typed(T.num, "1", "2", "2"), sum: "5", avg: "1.6666666666666667", sumType: T.num, avgType: T.num},
		{in: typed(T.i8, "9223372036854775807", "9223372036854775807", "-5"), sum: "18446744073709551609", avg: "6148914691236517203", sumType: T.num, avgType: T.num},
		{in: typed(T.i4, "7", "0", "0"), sum: "7", avg: "2.3333333333333333", sumType: T.i8, avgType: T.num},
		{in: typed(T.i8, "1", "0", "0"), sum: "1", avg: "0.33333333333333333333", sumType: T.num, avgType: T.num},
		{in: typed(T.i8, "100000000000", "3"), sum: "100000000003", avg: "50000000001.50000000", sumType: T.num, avgType: T.num},
		{in: typed(T.num, "1.50", "2.5"), sum: "4.00", avg: "2.0000000000000000", sumType: T.num, avgType: T.num},
		{in: typed(T.num, "1.50", "2.5", "0.125"), sum: "4.125", avg: "1.3750000000000000", sumType: T.num, avgType: T.num},
		{in: typed(T.num, "NaN", "1"), sum: "NaN", avg: "NaN", sumType: T.num, avgType: T.num},
		{in: typed(T.num, "Infinity", "1"), sum: "Infinity", avg: "Infinity", sumType: T.num, avgType: T.num},
		{in: typed(T.f4, "0.1", "0.2", "0.3"), sum: "0.6", avg: "0.2000000054637591", sumType: T.f4, avgType: T.f8},
		{in: typed(T.f8, "1e308", "1e308"), sumCode: pgerr.NumericValueOutOfRange, avgCode: pgerr.NumericValueOutOfRange},
		{in: typed(T.iv, "1 day", "2 hours", "1 mon"), sum: "1 mon 1 day 02:00:00", avg: "10 days 08:40:00", sumType: T.iv, avgType: T.iv},
		{in: typed(T.iv, "1 mon", "1 day", "1 second"), sum: "1 mon 1 day 00:00:01", avg: "10 days 08:00:00.333333", sumType: T.iv, avgType: T.iv},
		{in: typed(T.i4, "NULL"), sum: "NULL", avg: "NULL"},
	}
	for i, tc := range cases {
		x := plan.Col{Idx: 0}
		argType := tc.in.Cols[0].Type
		sumT, _ := AggResultType(plan.AggSum, argType)
		avgT, _ := AggResultType(plan.AggAvg, argType)
		if tc.sumType != storage.TypeNull && (sumT != tc.sumType || avgT != tc.avgType) {
			t.Errorf("case %d: AggResultType gives sum %s avg %s, want %s %s", i, sumT, avgT, tc.sumType, tc.avgType)
		}
		for _, f := range []plan.AggFunc{plan.AggSum, plan.AggAvg} {
			want, wantType, code := tc.sum, tc.sumType, tc.sumCode
			if f == plan.AggAvg {
				want, wantType, code = tc.avg, tc.avgType, tc.avgCode
			}
			// Type left unset: the result keeps its own type.
			it, err := Build(&Context{}, &plan.Group{Input: tc.in, Aggs: []plan.Aggregate{{Func: f, Arg: x}}})
			var rows []Row
			if err == nil {
				rows, err = Collect(it)
			}
			if code != "" {
				if pgerr.CodeOf(err) != code {
					t.Errorf("case %d %s: err %v, want code %s", i, aggName(f), err, code)
				}
				continue
			}
			if err != nil {
				t.Fatalf("case %d %s: %v", i, aggName(f), err)
			}
			v := rows[0][0]
			if got := pgText(v); got != want || !v.IsNull() && v.Type() != wantType {
				t.Errorf("case %d %s = %s (%s), want %s (%s)", i, aggName(f), got, v.Type(), want, wantType)
			}
		}
	}
}

func TestAggregateTypeConformance(t *testing.T) {
	// The planner asked for numeric; the rows must carry numeric.
	it, _ := Build(&Context{}, &plan.Group{Input: typed(storage.TypeInt32, "1", "2"),
		Aggs: []plan.Aggregate{{Func: plan.AggSum, Arg: plan.Col{Idx: 0}, Type: storage.TypeNumeric}}})
	rows, err := Collect(it)
	if err != nil || rows[0][0].Type() != storage.TypeNumeric || pgText(rows[0][0]) != "3" {
		t.Fatalf("sum as numeric: %v %v", rows, err)
	}
	// string_agg over bytea is bytea.
	it, _ = Build(&Context{}, &plan.Group{Input: typed(storage.TypeBytea, `\x01`, `\x02`),
		Aggs: []plan.Aggregate{{Func: plan.AggStringAgg, Arg: plan.Col{Idx: 0}, Sep: plan.Const{Value: storage.Bytea([]byte(","))}}}})
	if rows, err = Collect(it); err != nil || pgText(rows[0][0]) != `\x012c02` {
		t.Fatalf("string_agg(bytea): %v %v", rows, err)
	}
}

// TestSumIntOverflow: sum(int) is bigint, and fails as Postgres's does when
// the bigint overflows, while sum(bigint) goes on in numeric.
func TestSumIntOverflow(t *testing.T) {
	for _, typ := range []storage.Type{storage.TypeInt32, storage.TypeInt64} {
		acc := newAccumulator(&Context{}, plan.Aggregate{Func: plan.AggSum})
		big := storage.Int64(math.MaxInt64 - 1)
		if err := acc.add(big, vNull, false); err != nil {
			t.Fatal(err)
		}
		v := storage.Int32(5)
		if typ == storage.TypeInt64 {
			v = storage.Int64(5)
		}
		acc.first = typ
		err := acc.add(v, vNull, false)
		if typ == storage.TypeInt32 {
			if pgerr.CodeOf(err) != pgerr.NumericValueOutOfRange || err.Error() != "bigint out of range" {
				t.Errorf("sum(int) overflow: %v", err)
			}
			continue
		}
		r, err := acc.result()
		if err != nil || pgText(r) != "9223372036854775811" {
			t.Errorf("sum(bigint) past int64: %v %v", r, err)
		}
	}
}
