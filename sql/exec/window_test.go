package exec

import (
	"errors"
	"strings"
	"testing"

	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/sql/plan"
	"github.com/persiandb/persiandb/storage"
)

// windowInput is w(g, o, x) of the PostgreSQL session the expectations
// below were recorded from.
func windowInput() *plan.Values {
	return intValues([]any{1, 1, 10}, []any{1, 2, 20}, []any{1, 2, 30}, []any{1, 3, nil}, []any{1, nil, 50},
		[]any{2, 5, 7}, []any{nil, 1, 1}, []any{nil, 1, 2}, []any{1, 4, 40}, []any{1, 4, 41})
}

// runWindow computes funcs over windowInput and returns the rows ordered
// by g, o, x (NULLs last), printed as psql -A prints them.
func runWindow(t *testing.T, funcs []plan.WindowFunc) []string {
	t.Helper()
	in := windowInput()
	cols := append([]plan.Column(nil), in.Cols...)
	for _, f := range funcs {
		cols = append(cols, plan.Column{Name: f.Func, Type: f.Type})
	}
	n := &plan.Sort{Input: &plan.Window{Input: in, Funcs: funcs, Cols: cols},
		Keys: []plan.SortKey{{Expr: plan.Col{Idx: 0}}, {Expr: plan.Col{Idx: 1}}, {Expr: plan.Col{Idx: 2}}}}
	it, err := Build(&Context{}, n)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := Collect(it)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		var cells []string
		for _, v := range r {
			cells = append(cells, pgText(v))
		}
		out = append(out, strings.Join(cells, "|"))
	}
	return out
}

func checkLines(t *testing.T, got []string, want string) {
	t.Helper()
	wl := strings.Split(strings.TrimSpace(want), "\n")
	if len(got) != len(wl) {
		t.Fatalf("%d rows, want %d:\n%s", len(got), len(wl), strings.Join(got, "\n"))
	}
	for i := range wl {
		if got[i] != strings.TrimSpace(wl[i]) {
			t.Errorf("row %d:\n got  %s\n want %s", i, got[i], strings.TrimSpace(wl[i]))
		}
	}
}

var (
	g, o, x = plan.Col{Idx: 0}, plan.Col{Idx: 1}, plan.Col{Idx: 2}
	byG     = []plan.Expr{g}
)

func wf(name string, typ storage.Type, order []plan.SortKey, args ...plan.Expr) plan.WindowFunc {
	return plan.WindowFunc{Func: name, Args: args, PartitionBy: byG, OrderBy: order, Type: typ}
}

func wagg(f plan.AggFunc, arg plan.Expr, typ storage.Type, order []plan.SortKey) plan.WindowFunc {
	return plan.WindowFunc{Func: aggName(f), Agg: &plan.Aggregate{Func: f, Arg: arg, Type: typ}, PartitionBy: byG, OrderBy: order, Type: typ}
}

// TestWindowPeers: functions whose value is the same for all peers, with
// ORDER BY o (partition by g). Recorded from PostgreSQL 15:
//
//	select g, o, x, rank() over w1, dense_rank() over w1, percent_rank() over w1,
//	  cume_dist() over w1, count(*) over w1, count(x) over w1, sum(x) over w1,
//	  avg(x) over w1, min(x) over w1, max(x) over w1
//	from w window w1 as (partition by g order by o) order by g, o, x;
func TestWindowPeers(t *testing.T) {
	byO := []plan.SortKey{{Expr: o}}
	i8, f8, num := storage.TypeInt64, storage.TypeFloat64, storage.TypeNumeric
	got := runWindow(t, []plan.WindowFunc{
		wf("rank", i8, byO), wf("dense_rank", i8, byO), wf("percent_rank", f8, byO), wf("cume_dist", f8, byO),
		wagg(plan.AggCount, nil, i8, byO), wagg(plan.AggCount, x, i8, byO), wagg(plan.AggSum, x, num, byO),
		wagg(plan.AggAvg, x, num, byO), wagg(plan.AggMin, x, i8, byO), wagg(plan.AggMax, x, i8, byO),
	})
	checkLines(t, got, `
		1|1|10|1|1|0|0.14285714285714285|1|1|10|10.0000000000000000|10|10
		1|2|20|2|2|0.16666666666666666|0.42857142857142855|3|3|60|20.0000000000000000|10|30
		1|2|30|2|2|0.16666666666666666|0.42857142857142855|3|3|60|20.0000000000000000|10|30
		1|3|NULL|4|3|0.5|0.5714285714285714|4|3|60|20.0000000000000000|10|30
		1|4|40|5|4|0.6666666666666666|0.8571428571428571|6|5|141|28.2000000000000000|10|41
		1|4|41|5|4|0.6666666666666666|0.8571428571428571|6|5|141|28.2000000000000000|10|41
		1|NULL|50|7|5|1|1|7|6|191|31.8333333333333333|10|50
		2|5|7|1|1|0|1|1|1|7|7.0000000000000000|7|7
		NULL|1|1|1|1|0|1|2|2|3|1.5000000000000000|1|2
		NULL|1|2|1|1|0|1|2|2|3|1.5000000000000000|1|2`)
}

// TestWindowRows: functions that depend on the row, with ORDER BY o, x:
//
//	select g, o, x, row_number() over w2, ntile(3) over w2, lag(x) over w2,
//	  lead(x, 2, -1) over w2, lag(x, -1) over w2, first_value(x) over w2,
//	  last_value(x) over w2, nth_value(x, 2) over w2, nth_value(x, 5) over w2
//	from w window w2 as (partition by g order by o, x) order by g, o, x;
func TestWindowRows(t *testing.T) {
	byOX := []plan.SortKey{{Expr: o}, {Expr: x}}
	i4, i8 := storage.TypeInt32, storage.TypeInt64
	c := func(v int64) plan.Expr { return plan.Const{Value: storage.Int32(int32(v))} }
	got := runWindow(t, []plan.WindowFunc{
		wf("row_number", i8, byOX), wf("ntile", i4, byOX, c(3)), wf("lag", i8, byOX, x),
		wf("lead", i8, byOX, x, c(2), i64(-1)), wf("lag", i8, byOX, x, c(-1)), wf("first_value", i8, byOX, x),
		wf("last_value", i8, byOX, x), wf("nth_value", i8, byOX, x, c(2)), wf("nth_value", i8, byOX, x, c(5)),
	})
	checkLines(t, got, `
		1|1|10|1|1|NULL|30|20|10|10|NULL|NULL
		1|2|20|2|1|10|NULL|30|10|20|20|NULL
		1|2|30|3|1|20|40|NULL|10|30|20|NULL
		1|3|NULL|4|2|30|41|40|10|NULL|20|NULL
		1|4|40|5|2|NULL|50|41|10|40|20|40
		1|4|41|6|3|40|-1|50|10|41|20|40
		1|NULL|50|7|3|41|-1|NULL|10|50|20|40
		2|5|7|1|1|NULL|-1|NULL|7|7|NULL|NULL
		NULL|1|1|1|1|NULL|-1|2|1|1|NULL|NULL
		NULL|1|2|2|2|1|-1|NULL|1|2|2|NULL`)
}

// TestWindowWholePartition: without ORDER BY every row of a partition is
// a peer of every other; a function may also have no partitions:
//
//	select g, o, x, sum(x) over w3, count(*) over w3, rank() over w3,
//	  cume_dist() over w3, max(x) over w3,
//	  first_value(o) over (order by g nulls first, o desc, x)
//	from w window w3 as (partition by g) order by g, o, x;
func TestWindowWholePartition(t *testing.T) {
	i8, f8, num := storage.TypeInt64, storage.TypeFloat64, storage.TypeNumeric
	first := plan.WindowFunc{Func: "first_value", Args: []plan.Expr{o}, Type: i8,
		OrderBy: []plan.SortKey{{Expr: g, NullsFirst: true}, {Expr: o, Desc: true, NullsFirst: true}, {Expr: x}}}
	got := runWindow(t, []plan.WindowFunc{
		wagg(plan.AggSum, x, num, nil), wagg(plan.AggCount, nil, i8, nil), wf("rank", i8, nil), wf("cume_dist", f8, nil),
		wagg(plan.AggMax, x, i8, nil), first,
	})
	checkLines(t, got, `
		1|1|10|191|7|1|1|50|1
		1|2|20|191|7|1|1|50|1
		1|2|30|191|7|1|1|50|1
		1|3|NULL|191|7|1|1|50|1
		1|4|40|191|7|1|1|50|1
		1|4|41|191|7|1|1|50|1
		1|NULL|50|191|7|1|1|50|1
		2|5|7|7|1|1|1|7|1
		NULL|1|1|3|2|1|1|2|1
		NULL|1|2|3|2|1|1|2|1`)
}

// TestNtile: buckets of 10 rows into 4 are 3, 3, 2, 2; a NULL bucket count
// gives NULL and is read again at the next row:
//
//	select ntile(4) over (order by x), x from generate_series(1,10) x;
//	select ntile(x::int) over (order by x nulls first), x
//	from (values (null),(3),(1),(2),(5),(6),(7)) t(x);
func TestNtile(t *testing.T) {
	run := func(in *plan.Values, arg plan.Expr, nullsFirst bool) string {
		n := &plan.Window{Input: in, Funcs: []plan.WindowFunc{{Func: "ntile", Args: []plan.Expr{arg}, Type: storage.TypeInt32,
			OrderBy: []plan.SortKey{{Expr: plan.Col{Idx: 0}, NullsFirst: nullsFirst}}}}}
		it, err := Build(&Context{}, n)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := Collect(it)
		if err != nil {
			t.Fatal(err)
		}
		var s []string
		for _, r := range rows {
			s = append(s, pgText(r[1])+":"+pgText(r[0]))
		}
		return strings.Join(s, " ")
	}
	var ten [][]any
	for i := 1; i <= 10; i++ {
		ten = append(ten, []any{i})
	}
	if got, want := run(intValues(ten...), plan.Const{Value: storage.Int32(4)}, false), "1:1 1:2 1:3 2:4 2:5 2:6 3:7 3:8 4:9 4:10"; got != want {
		t.Errorf("ntile(4): %s, want %s", got, want)
	}
	in := intValues([]any{nil}, []any{3}, []any{1}, []any{2}, []any{5}, []any{6}, []any{7})
	if got, want := run(in, plan.Col{Idx: 0}, true), "NULL:NULL 1:1 1:2 1:3 1:5 1:6 1:7"; got != want {
		t.Errorf("ntile(x): %s, want %s", got, want)
	}
}

func TestWindowErrors(t *testing.T) {
	in := intValues([]any{1}, []any{2})
	cases := []struct {
		f    plan.WindowFunc
		code pgerr.Code
	}{
		{plan.WindowFunc{Func: "ntile", Args: []plan.Expr{i64(0)}}, pgerr.InvalidArgumentForNtileFunction},
		{plan.WindowFunc{Func: "nth_value", Args: []plan.Expr{plan.Col{Idx: 0}, i64(-1)}}, pgerr.InvalidArgumentForNthValueFunction},
		{plan.WindowFunc{Func: "median"}, ""},
		{plan.WindowFunc{Func: "lag"}, ""},
	}
	for _, tc := range cases {
		it, err := Build(&Context{}, &plan.Window{Input: in, Funcs: []plan.WindowFunc{tc.f}})
		if err == nil {
			_, err = Collect(it)
		}
		switch {
		case tc.code != "" && pgerr.CodeOf(err) != tc.code:
			t.Errorf("%s: %v, want %s", tc.f.Func, err, tc.code)
		case tc.code == "" && !errors.Is(err, ErrNotSupported):
			t.Errorf("%s: %v, want ErrNotSupported", tc.f.Func, err)
		}
	}
}
