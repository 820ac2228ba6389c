package exec

import (
	"testing"

	"github.com/persiandb/persiandb/sql/plan"
)

// TestSetOps checks UNION, INTERSECT and EXCEPT, with and without ALL,
// against PostgreSQL 15 over inputs with duplicates and NULLs.
func TestSetOps(t *testing.T) {
	left := intValues([]any{1}, []any{1}, []any{1}, []any{2}, []any{nil}, []any{nil}, []any{3})
	right := intValues([]any{1}, []any{2}, []any{2}, []any{nil}, []any{4})
	left2 := intValues([]any{1, nil}, []any{1, nil}, []any{nil, 2}, []any{1, 2})
	right2 := intValues([]any{1, nil}, []any{nil, nil})
	cases := []struct {
		kind        plan.SetOpKind
		all         bool
		want, want2 string
	}{
		{plan.Union, false, "- 1 2 3 4", "-,- -,2 1,- 1,2"},
		{plan.Union, true, "- - - 1 1 1 1 2 2 2 3 4", "-,- -,2 1,- 1,- 1,- 1,2"},
		{plan.Intersect, false, "- 1 2", "1,-"},
		{plan.Intersect, true, "- 1 2", "1,-"},
		{plan.Except, false, "3", "-,2 1,2"},
		{plan.Except, true, "- 1 1 3", "-,2 1,- 1,2"},
	}
	for _, tc := range cases {
		for i, in := range [][2]*plan.Values{{left, right}, {left2, right2}} {
			n := &plan.SetOp{Kind: tc.kind, All: tc.all, Left: in[0], Right: in[1], Cols: in[0].Cols}
			it, err := Build(&Context{}, n)
			if err != nil {
				t.Fatal(err)
			}
			rows, err := Collect(it)
			if err != nil {
				t.Fatal(err)
			}
			if err := it.Close(); err != nil {
				t.Fatalf("second Close: %v", err)
			}
			want := tc.want
			if i == 1 {
				want = tc.want2
			}
			if got := render(rows); got != want {
				t.Errorf("kind %d all %v input %d: %s, want %s", tc.kind, tc.all, i, got, want)
			}
		}
	}
}

func TestDistinctOn(t *testing.T) {
	// Sorted by the first two columns; DISTINCT ON (c0, c1) keeps the first
	// row of each run, NULLs equal to each other.
	in := intValues([]any{1, 1, 10}, []any{1, 1, 11}, []any{1, 2, 12}, []any{2, nil, 13}, []any{2, nil, 14},
		[]any{nil, nil, 15}, []any{nil, nil, 16}, []any{nil, 3, 17})
	it, err := Build(&Context{}, &plan.Distinct{Input: in, On: []plan.Expr{plan.Col{Idx: 0}, plan.Col{Idx: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := Collect(it)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ints(rows, 2), []any{int64(10), int64(12), int64(13), int64(15), int64(17)}; !equalAny(got, want) {
		t.Fatalf("DISTINCT ON kept %v, want %v", got, want)
	}
}

func equalAny(a, b []any) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
