package exec

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/sql/plan"
	"github.com/persiandb/persiandb/storage"
)

// oneColumn is a VALUES of one bigint column; nil is NULL.
func oneColumn(vals ...any) *plan.Values {
	v := &plan.Values{Cols: []plan.Column{{Name: "y", Type: storage.TypeInt64}}}
	for _, x := range vals {
		val := storage.Null()
		if x != nil {
			val = storage.Int64(int64(x.(int)))
		}
		v.Rows = append(v.Rows, []plan.Expr{plan.Const{Value: val}})
	}
	return v
}

func show3(v storage.Value) string {
	if v.IsNull() {
		return "N"
	}
	if v.AsBool() {
		return "t"
	}
	return "f"
}

// TestQuantifiedSubquery checks x op ANY/ALL (subquery) against
// PostgreSQL 15, over the hashed path (= ANY, <> ALL, uncorrelated) and
// the row-by-row one (correlated, or other operators):
//
//	x = any, x <> all, x < any, x < all, x = all, x <> any
func TestQuantifiedSubquery(t *testing.T) {
	sets := [][]any{{}, {1}, {2}, {1, nil}, {2, nil}, {nil}, {1, 3}}
	type q struct {
		kind plan.SubqueryKind
		op   plan.CmpOp
	}
	qs := []q{{plan.SubAny, plan.EQ}, {plan.SubAll, plan.NE}, {plan.SubAny, plan.LT}, {plan.SubAll, plan.LT},
		{plan.SubAll, plan.EQ}, {plan.SubAny, plan.NE}}
	want := map[string][]string{ // by x, one line per set
		"1": {"ftfttf", "tffftf", "ftttft", "tfNfNN", "NNtNft", "NNNNNN", "tftfft"},
		"N": {"ftfttf", "NNNNNN", "NNNNNN", "NNNNNN", "NNNNNN", "NNNNNN", "NNNNNN"},
	}
	for _, x := range []any{1, nil} {
		left := plan.Expr(plan.Const{Value: storage.Null()})
		key := "N"
		if x != nil {
			left, key = i64(1), "1"
		}
		for si, set := range sets {
			for _, correlated := range []bool{false, true} {
				var got string
				for _, q := range qs {
					e := plan.Subquery{Kind: q.kind, Op: q.op, Left: left, Plan: oneColumn(set...), Correlated: correlated}
					v, err := compile(&Context{}, e)(Row{})
					if err != nil {
						t.Fatal(err)
					}
					got += show3(v)
				}
				if got != want[key][si] {
					t.Errorf("x = %s, set %v, correlated %v: %s, want %s", key, set, correlated, got, want[key][si])
				}
			}
		}
	}
}

// TestInList: x IN (list) over constants (hashed) and expressions, from
// PostgreSQL 15:
//
//	select x, x in (1, 2), x in (1, null), x in (2, null), x in (null::int)
//	from (values (1),(3),(null)) t(x);
func TestInList(t *testing.T) {
	lists := [][]any{{1, 2}, {1, nil}, {2, nil}, {nil}}
	want := map[any]string{1: "ttNN", 3: "fNNN", nil: "NNNN"}
	for _, x := range []any{1, 3, nil} {
		for _, consts := range []bool{true, false} {
			got := ""
			for _, list := range lists {
				// The row is x followed by the list's values.
				row := Row{oneColumn(x).Rows[0][0].(plan.Const).Value}
				e := plan.InList{X: plan.Col{Idx: 0}}
				for i, el := range list {
					c := oneColumn(el).Rows[0][0]
					row = append(row, c.(plan.Const).Value)
					if consts {
						e.List = append(e.List, c)
					} else {
						e.List = append(e.List, plan.Col{Idx: 1 + i})
					}
				}
				v, err := compile(&Context{}, e)(row)
				if err != nil {
					t.Fatal(err)
				}
				got += show3(v)
			}
			if got != want[x] {
				t.Errorf("x = %v, constants %v: %s, want %s", x, consts, got, want[x])
			}
		}
	}
}

// outerT is t(id, n) = (1, 10), (2, 20), (3, NULL); innerU is u(k, v) =
// (10, 100), (10, 101), (20, 200).
var (
	outerT = intValues([]any{1, 10}, []any{2, 20}, []any{3, nil})
	innerU = intValues([]any{10, 100}, []any{10, 101}, []any{20, 200})
)

// uWhereKIsN is SELECT * FROM u WHERE u.k = t.n, correlated with t.
func uWhereKIsN() plan.Node {
	return &plan.Filter{Input: innerU, Pred: plan.Cmp{Op: plan.EQ, L: plan.Col{Idx: 0}, R: plan.Outer{Depth: 1, Idx: 1}}}
}

// project runs SELECT id, e FROM t and prints the rows as "id:e".
func project(t *testing.T, e plan.Expr) (string, error) {
	t.Helper()
	n := &plan.Project{Input: outerT, Exprs: []plan.Expr{plan.Col{Idx: 0}, e}}
	it, err := Build(&Context{}, n)
	if err != nil {
		return "", err
	}
	rows, err := Collect(it)
	var s []string
	for _, r := range rows {
		s = append(s, pgText(r[0])+":"+pgText(r[1]))
	}
	return strings.Join(s, " "), err
}

func TestCorrelatedSubqueries(t *testing.T) {
	maxV := &plan.Group{Input: uWhereKIsN(), Aggs: []plan.Aggregate{{Func: plan.AggMax, Arg: plan.Col{Idx: 1}}}}
	vOnly := &plan.Project{Input: uWhereKIsN(), Exprs: []plan.Expr{plan.Col{Idx: 1}}}
	// SELECT max(s) FROM (SELECT (SELECT u.v * 1000 + t.id) AS s FROM u WHERE u.k = t.n):
	// the innermost query reaches u's row one level out and t's two.
	mul := plan.Func{Name: "f", Strict: true, Args: []plan.Expr{plan.Outer{Depth: 1, Idx: 1}, plan.Outer{Depth: 2, Idx: 0}},
		Impl: func(a []storage.Value) (storage.Value, error) {
			return storage.Int64(a[0].AsInt64()*1000 + a[1].AsInt64()), nil
		}}
	inner := plan.Subquery{Kind: plan.SubScalar, Correlated: true, Plan: &plan.Values{
		Cols: []plan.Column{{Name: "s", Type: storage.TypeInt64}}, Rows: [][]plan.Expr{{mul}}}}
	nested := &plan.Group{Input: &plan.Project{Input: uWhereKIsN(), Exprs: []plan.Expr{inner}},
		Aggs: []plan.Aggregate{{Func: plan.AggMax, Arg: plan.Col{Idx: 0}}}}
	cases := []struct {
		name string
		e    plan.Expr
		want string
	}{
		{"scalar", plan.Subquery{Kind: plan.SubScalar, Plan: maxV, Correlated: true}, "1:101 2:200 3:NULL"},
		{"scalar, no row is NULL", plan.Subquery{Kind: plan.SubScalar, Plan: &plan.Filter{Input: vOnly,
			Pred: plan.Cmp{Op: plan.GT, L: plan.Col{Idx: 0}, R: i64(150)}}, Correlated: true}, "1:NULL 2:200 3:NULL"},
		{"exists", plan.Subquery{Kind: plan.SubExists, Plan: uWhereKIsN(), Correlated: true}, "1:t 2:t 3:f"},
		{"any", plan.Subquery{Kind: plan.SubAny, Op: plan.EQ, Left: plan.Const{Value: storage.Int64(101)}, Plan: vOnly, Correlated: true},
			"1:t 2:f 3:f"},
		{"all, left from the outer query", plan.Subquery{Kind: plan.SubAll, Op: plan.GT, Left: plan.Col{Idx: 1}, Plan: vOnly, Correlated: true},
			"1:f 2:f 3:t"},
		{"two levels out", plan.Subquery{Kind: plan.SubScalar, Plan: nested, Correlated: true}, "1:101001 2:200002 3:NULL"},
	}
	for _, tc := range cases {
		got, err := project(t, tc.e)
		if err != nil || got != tc.want {
			t.Errorf("%s: %s (%v), want %s", tc.name, got, err, tc.want)
		}
	}
}

func TestSubqueryErrors(t *testing.T) {
	vOnly := &plan.Project{Input: uWhereKIsN(), Exprs: []plan.Expr{plan.Col{Idx: 1}}}
	_, err := project(t, plan.Subquery{Kind: plan.SubScalar, Plan: vOnly, Correlated: true})
	if pgerr.CodeOf(err) != pgerr.CardinalityViolation || err.Error() != "more than one row returned by a subquery used as an expression" {
		t.Errorf("two rows from a scalar subquery: %v (%s)", err, pgerr.CodeOf(err))
	}
	_, err = project(t, plan.Subquery{Kind: plan.SubScalar, Plan: oneColumn(1, 2)})
	if pgerr.CodeOf(err) != pgerr.CardinalityViolation {
		t.Errorf("two rows from an uncorrelated scalar subquery: %v", err)
	}
	// The same subquery marked uncorrelated has no row to read.
	_, err = project(t, plan.Subquery{Kind: plan.SubExists, Plan: uWhereKIsN()})
	if !errors.Is(err, ErrNoOuterRow) {
		t.Errorf("outer reference without a row: %v", err)
	}
	_, err = project(t, plan.Subquery{Kind: plan.SubAny, Plan: oneColumn(1)})
	if !errors.Is(err, ErrNotSupported) {
		t.Errorf("ANY without a left operand: %v", err)
	}
}

// TestSubqueryRuns: an uncorrelated subquery runs once per Build, however
// many rows use it; a correlated one once per row.
func TestSubqueryRuns(t *testing.T) {
	for _, correlated := range []bool{false, true} {
		for _, kind := range []plan.SubqueryKind{plan.SubScalar, plan.SubExists, plan.SubAny, plan.SubAll} {
			calls := 0
			count := plan.Func{Name: "count_calls", Args: []plan.Expr{plan.Col{Idx: 0}},
				Impl: func(a []storage.Value) (storage.Value, error) { calls++; return a[0], nil }}
			sub := &plan.Project{Input: oneColumn(5), Exprs: []plan.Expr{count}}
			e := plan.Subquery{Kind: kind, Plan: sub, Correlated: correlated, Left: plan.Col{Idx: 0}, Op: plan.LT}
			if _, err := project(t, e); err != nil {
				t.Fatal(err)
			}
			want := 1
			if correlated {
				want = 3
			}
			if calls != want {
				t.Errorf("kind %d correlated %v: ran %d times, want %d", kind, correlated, calls, want)
			}
		}
	}
	// Each Build runs it afresh: a second statement sees new parameters.
	sub := &plan.Project{Input: oneColumn(1), Exprs: []plan.Expr{plan.Param{N: 1}}}
	n := &plan.Project{Input: oneColumn(1), Exprs: []plan.Expr{plan.Subquery{Kind: plan.SubScalar, Plan: sub}}}
	for _, p := range []int64{7, 8} {
		it, err := Build(&Context{Params: []storage.Value{storage.Int64(p)}}, n)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := Collect(it)
		if err != nil || fmt.Sprint(rows[0][0].AsInt64()) != fmt.Sprint(p) {
			t.Errorf("parameter %d: %v %v", p, rows, err)
		}
	}
}

// TestSubqueryOuterStack: Left belongs to the enclosing query, so its
// outer references do not count the row pushed for the subquery; the push
// is undone, also after an error.
func TestSubqueryOuterStack(t *testing.T) {
	c := &Context{outer: []Row{{storage.Int64(99)}}}
	e := plan.Subquery{Kind: plan.SubAny, Op: plan.EQ, Left: plan.Outer{Depth: 1, Idx: 0}, Plan: oneColumn(99), Correlated: true}
	v, err := compile(c, e)(Row{storage.Int64(1)})
	if err != nil || show3(v) != "t" {
		t.Errorf("left operand read %v (%v), want the enclosing row's 99", v, err)
	}
	failing := plan.Subquery{Kind: plan.SubScalar, Plan: oneColumn(1, 2), Correlated: true}
	if _, err := compile(c, failing)(Row{storage.Int64(1)}); err == nil {
		t.Error("no error")
	}
	if len(c.outer) != 1 || c.outer[0][0].AsInt64() != 99 {
		t.Errorf("outer stack left as %v", c.outer)
	}
}
