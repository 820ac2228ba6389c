package exec

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/persiandb/persiandb/sql/plan"
	"github.com/persiandb/persiandb/storage"
)

func intValues(rows ...[]any) *plan.Values {
	v := &plan.Values{}
	for i := range rows[0] {
		v.Cols = append(v.Cols, plan.Column{Name: fmt.Sprint("c", i), Type: storage.TypeInt64})
	}
	for _, r := range rows {
		var exprs []plan.Expr
		for _, x := range r {
			val := storage.Null()
			if x != nil {
				val = storage.Int64(int64(x.(int)))
			}
			exprs = append(exprs, plan.Const{Value: val})
		}
		v.Rows = append(v.Rows, exprs)
	}
	return v
}

// render prints rows sorted, NULL as "-", for order-insensitive checks.
func render(rows []Row) string {
	var lines []string
	for _, r := range rows {
		var cells []string
		for _, v := range r {
			if v.IsNull() {
				cells = append(cells, "-")
			} else {
				cells = append(cells, fmt.Sprint(v.AsInt64()))
			}
		}
		lines = append(lines, strings.Join(cells, ","))
	}
	sort.Strings(lines)
	return strings.Join(lines, " ")
}

func TestJoins(t *testing.T) {
	// left(k, a), right(k, b); NULL keys never match.
	left := intValues([]any{1, 10}, []any{2, 20}, []any{2, 21}, []any{nil, 30}, []any{4, 40})
	right := intValues([]any{2, 200}, []any{3, 300}, []any{nil, 400}, []any{1, 100}, []any{1, 101})
	keysL, keysR := []plan.Expr{plan.Col{Idx: 0}}, []plan.Expr{plan.Col{Idx: 0}}
	cases := []struct {
		kind plan.JoinKind
		want string
	}{
		{plan.InnerJoin, "1,10,1,100 1,10,1,101 2,20,2,200 2,21,2,200"},
		{plan.LeftJoin, "-,30,-,- 1,10,1,100 1,10,1,101 2,20,2,200 2,21,2,200 4,40,-,-"},
		{plan.RightJoin, "-,-,-,400 -,-,3,300 1,10,1,100 1,10,1,101 2,20,2,200 2,21,2,200"},
		{plan.FullJoin, "-,-,-,400 -,-,3,300 -,30,-,- 1,10,1,100 1,10,1,101 2,20,2,200 2,21,2,200 4,40,-,-"},
	}
	for _, tc := range cases {
		for _, hashed := range []bool{true, false} {
			var n plan.Node
			if hashed {
				n = &plan.HashJoin{Kind: tc.kind, Left: left, Right: right, LeftKeys: keysL, RightKeys: keysR}
			} else {
				n = &plan.NestedLoopJoin{Kind: tc.kind, Left: left, Right: right,
					On: plan.Cmp{Op: plan.EQ, L: plan.Col{Idx: 0}, R: plan.Col{Idx: 2}}}
			}
			it, err := Build(&Context{}, n)
			if err != nil {
				t.Fatal(err)
			}
			rows, err := Collect(it)
			if err != nil {
				t.Fatal(err)
			}
			if got := render(rows); got != tc.want {
				t.Errorf("kind %d hashed %v:\n got  %s\n want %s", tc.kind, hashed, got, tc.want)
			}
		}
	}
	// A residual condition filters matches; a LEFT JOIN row whose matches all
	// fail it is NULL-extended.
	n := &plan.HashJoin{Kind: plan.LeftJoin, Left: left, Right: right, LeftKeys: keysL, RightKeys: keysR,
		Residual: plan.Cmp{Op: plan.GT, L: plan.Col{Idx: 3}, R: plan.Const{Value: storage.Int64(100)}}}
	it, _ := Build(&Context{}, n)
	rows, _ := Collect(it)
	if got, want := render(rows), "-,30,-,- 1,10,1,101 2,20,2,200 2,21,2,200 4,40,-,-"; got != want {
		t.Errorf("residual:\n got  %s\n want %s", got, want)
	}
	// Cross join.
	it, _ = Build(&Context{}, &plan.NestedLoopJoin{Kind: plan.InnerJoin, Left: intValues([]any{1}, []any{2}), Right: intValues([]any{7}, []any{8})})
	rows, _ = Collect(it)
	if got := render(rows); got != "1,7 1,8 2,7 2,8" {
		t.Errorf("cross join %s", got)
	}
}
