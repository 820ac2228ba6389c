package exec

import (
	"testing"

	"github.com/persiandb/persiandb/sql/plan"
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
