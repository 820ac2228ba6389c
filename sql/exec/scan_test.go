package exec

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/persiandb/persiandb/sql/catalog"
	"github.com/persiandb/persiandb/sql/plan"
	"github.com/persiandb/persiandb/storage"
	"github.com/persiandb/persiandb/txn"
)

func i64(x int64) plan.Expr { return plan.Const{Value: storage.Int64(x)} }

var nullExpr plan.Expr = plan.Const{Value: storage.Null()}

func incl(vals ...plan.Expr) *plan.KeyBound { return &plan.KeyBound{Vals: vals, Inclusive: true} }
func excl(vals ...plan.Expr) *plan.KeyBound { return &plan.KeyBound{Vals: vals} }

// seq is a..b inclusive, descending if a > b.
func seq(a, b int64) []any {
	out := []any{}
	for i := a; ; {
		out = append(out, i)
		if i == b {
			return out
		}
		if a < b {
			i++
		} else {
			i--
		}
	}
}

func cat(parts ...[]any) []any {
	out := []any{}
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// points makes the planner's equality spans: one bound shared by both
// ends, which the executor reads as point lookups.
func points(keys ...int64) []plan.Span {
	out := make([]plan.Span, len(keys))
	for i, k := range keys {
		b := incl(i64(k))
		out[i] = plan.Span{Lo: b, Hi: b}
	}
	return out
}

func TestScanSpans(t *testing.T) {
	f := newFixture(t, 1000)
	sp := func(lo, hi *plan.KeyBound) plan.Span { return plan.Span{Lo: lo, Hi: hi} }
	cases := []struct {
		name    string
		spans   []plan.Span
		reverse bool
		params  []storage.Value
		want    []any
	}{
		{name: "whole table", want: seq(0, 999)},
		{name: "whole table reverse", reverse: true, want: seq(999, 0)},
		{name: "half-open reverse", spans: []plan.Span{sp(incl(i64(250)), excl(i64(700)))}, reverse: true, want: seq(699, 250)},
		{name: "inclusive lo", spans: []plan.Span{sp(incl(i64(990)), nil)}, want: seq(990, 999)},
		{name: "exclusive lo", spans: []plan.Span{sp(excl(i64(990)), nil)}, want: seq(991, 999)},
		{name: "inclusive hi", spans: []plan.Span{sp(nil, incl(i64(5)))}, want: seq(0, 5)},
		{name: "exclusive hi", spans: []plan.Span{sp(nil, excl(i64(5)))}, want: seq(0, 4)},
		{name: "point", spans: []plan.Span{sp(incl(i64(5)), incl(i64(5)))}, want: seq(5, 5)},
		{name: "adjacent point keys", spans: points(4, 2, 5, 4), want: []any{int64(2), int64(4), int64(5)}},
		{name: "adjacent point keys reverse", reverse: true, spans: points(4, 2, 5), want: []any{int64(5), int64(4), int64(2)}},
		{name: "point keys with a missing one", spans: points(7, 5000), want: []any{int64(7)}},
		{name: "exclusive point", spans: []plan.Span{sp(excl(i64(5)), excl(i64(5)))}, want: []any{}},
		{name: "crossing", spans: []plan.Span{sp(incl(i64(10)), incl(i64(5)))}, want: []any{}},
		{name: "overlapping", spans: []plan.Span{sp(incl(i64(15)), excl(i64(30))), sp(incl(i64(10)), incl(i64(20)))}, want: seq(10, 29)},
		{name: "overlapping reverse", reverse: true, spans: []plan.Span{sp(incl(i64(15)), excl(i64(30))), sp(incl(i64(10)), incl(i64(20)))}, want: seq(29, 10)},
		{name: "touching", spans: []plan.Span{sp(incl(i64(20)), incl(i64(25))), sp(incl(i64(10)), excl(i64(20)))}, want: seq(10, 25)},
		{name: "contained", spans: []plan.Span{sp(incl(i64(0)), incl(i64(100))), sp(incl(i64(40)), incl(i64(50)))}, want: seq(0, 100)},
		{name: "open end swallows", spans: []plan.Span{sp(incl(i64(950)), incl(i64(960))), sp(incl(i64(900)), nil), sp(incl(i64(980)), incl(i64(990)))}, want: seq(900, 999)},
		{name: "disjoint out of order", spans: []plan.Span{sp(incl(i64(500)), incl(i64(502))), sp(incl(i64(1)), incl(i64(3)))}, want: cat(seq(1, 3), seq(500, 502))},
		{name: "disjoint reverse", reverse: true, spans: []plan.Span{sp(incl(i64(500)), incl(i64(502))), sp(incl(i64(1)), incl(i64(3)))}, want: cat(seq(502, 500), seq(3, 1))},
		{name: "NULL bound", spans: []plan.Span{sp(incl(nullExpr), incl(i64(5)))}, want: []any{}},
		{name: "NULL bound beside another", spans: []plan.Span{sp(incl(i64(7)), incl(i64(8))), sp(nil, excl(nullExpr))}, want: seq(7, 8)},
		{name: "no spans", spans: []plan.Span{}, want: []any{}},
		{name: "empty bound", spans: []plan.Span{sp(incl(), excl(i64(2)))}, want: seq(0, 1)},
		{name: "exclusive empty lo", spans: []plan.Span{sp(excl(), nil)}, want: []any{}},
		{name: "exclusive empty hi", spans: []plan.Span{sp(nil, excl())}, want: []any{}},
		{name: "parameters", spans: []plan.Span{sp(incl(plan.Param{N: 1}), excl(plan.Param{N: 2}))},
			params: []storage.Value{storage.Int64(3), storage.Int64(6)}, want: seq(3, 5)},
		{name: "smaller integer bounds, several batches", spans: []plan.Span{
			sp(incl(plan.Const{Value: storage.Int32(800)}), nil),
			sp(incl(plan.Const{Value: storage.Int16(100)}), incl(plan.Const{Value: storage.Int32(700)}))},
			want: cat(seq(100, 700), seq(800, 999))},
		{name: "several batches reverse", reverse: true, spans: []plan.Span{
			sp(incl(i64(800)), nil), sp(incl(i64(100)), incl(i64(700)))},
			want: cat(seq(999, 800), seq(700, 100))},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rows := f.run(t, &plan.Scan{Table: f.desc, Spans: tc.spans, Reverse: tc.reverse}, tc.params...)
			if got := ints(rows, 0); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("ids %v\nwant %v", got, tc.want)
			}
			if len(rows) > 0 && rows[0][1].AsString() != fmt.Sprint("v", rows[0][0].AsInt64()) {
				t.Fatalf("row %v is not whole", rows[0])
			}
		})
	}
}

func TestScanSpanErrors(t *testing.T) {
	f := newFixture(t, 10)
	cases := []struct {
		name  string
		bound *plan.KeyBound
		want  error
	}{
		{"text for bigint", incl(plan.Const{Value: storage.Text("1")}), ErrBoundType},
		{"numeric for bigint", incl(plan.Const{Value: mustNumeric("1")}), ErrBoundType},
		{"int for bigint", incl(plan.Const{Value: storage.Int32(1)}), nil},
		{"float for bigint", incl(plan.Const{Value: storage.Float64(1)}), ErrBoundType},
		{"more values than columns", incl(i64(1), i64(2)), ErrBoundType},
		{"unbound parameter", incl(plan.Param{N: 3}), ErrUndefinedParameter},
	}
	for _, tc := range cases {
		for _, ix := range []bool{false, true} {
			var n plan.Node = &plan.Scan{Table: f.desc, Spans: []plan.Span{{Lo: tc.bound}}}
			if ix {
				// t_n is over n, a bigint too.
				n = &plan.IndexScan{Table: f.desc, Index: f.desc.Indexes[0], Spans: []plan.Span{{Lo: tc.bound}}}
			}
			rows, err := f.try(n)
			if tc.want == nil && (err != nil || len(rows) == 0) || tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("%s (index %v): rows %d, err %v, want %v", tc.name, ix, len(rows), err, tc.want)
			}
		}
	}
	gone := &catalog.Table{Name: "gone", ID: 999, Columns: f.desc.Columns, PrimaryKey: f.desc.PrimaryKey}
	if _, err := f.try(&plan.Scan{Table: gone}); !errors.Is(err, ErrGone) {
		t.Errorf("scan of a table without storage: %v", err)
	}
	if _, err := f.try(&plan.IndexScan{Table: f.desc, Index: catalog.Index{ID: 77, Name: "nope", Columns: []int{2}}}); !errors.Is(err, ErrGone) {
		t.Errorf("scan of a missing index: %v", err)
	}
}

// modelScan is the reference for Scan and IndexScan: the rows with a key
// (ix's columns) inside some span, compared value by value, in index order
// with the primary key breaking ties.
func modelScan(rows [][]storage.Value, ix, pk catalog.Index, spans []plan.Span, params []storage.Value, reverse bool) [][]storage.Value {
	eval := func(e plan.Expr) storage.Value {
		switch e := e.(type) {
		case plan.Const:
			return e.Value
		case plan.Param:
			return params[e.N-1]
		}
		panic(fmt.Sprintf("model: %T", e))
	}
	sortKey := func(x catalog.Index, i int) plan.SortKey {
		if i < len(x.Keys) {
			return plan.SortKey{Desc: x.Keys[i].Desc, NullsFirst: x.Keys[i].NullsFirst}
		}
		return plan.SortKey{}
	}
	// cmpBound compares a row's key with a bound's values on their columns.
	cmpBound := func(row []storage.Value, b *plan.KeyBound) (int, bool) {
		for _, e := range b.Vals {
			if eval(e).IsNull() {
				return 0, false
			}
		}
		for i, e := range b.Vals {
			if d := compareSortKey(row[ix.Columns[i]], eval(e), sortKey(ix, i)); d != 0 {
				return d, true
			}
		}
		return 0, true
	}
	inside := func(row []storage.Value, sp plan.Span) bool {
		if sp.Lo != nil {
			d, ok := cmpBound(row, sp.Lo)
			if !ok || d < 0 || d == 0 && !sp.Lo.Inclusive {
				return false
			}
		}
		if sp.Hi != nil {
			d, ok := cmpBound(row, sp.Hi)
			if !ok || d > 0 || d == 0 && !sp.Hi.Inclusive {
				return false
			}
		}
		return true
	}
	var out [][]storage.Value
	for _, r := range rows {
		keep := spans == nil
		for _, sp := range spans {
			keep = keep || inside(r, sp)
		}
		if keep {
			out = append(out, r)
		}
	}
	cmpIx := func(a, b []storage.Value, x catalog.Index) int {
		for i, c := range x.Columns {
			if d := compareSortKey(a[c], b[c], sortKey(x, i)); d != 0 {
				return d
			}
		}
		return 0
	}
	slices.SortFunc(out, func(a, b []storage.Value) int {
		if d := cmpIx(a, b, ix); d != 0 {
			return d
		}
		return cmpIx(a, b, pk)
	})
	if reverse {
		slices.Reverse(out)
	}
	return out
}

func sameRows(t *testing.T, what string, got []Row, want [][]storage.Value) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d rows, want %d", what, len(got), len(want))
	}
	for i := range got {
		for j := range want[i] {
			if storage.Compare(got[i][j], want[i][j]) != 0 || got[i][j].IsNull() != want[i][j].IsNull() {
				t.Fatalf("%s: row %d is %v, want %v", what, i, got[i], want[i])
			}
		}
	}
}

func fixtureRows(n int) [][]storage.Value {
	var rows [][]storage.Value
	for i := 0; i < n; i++ {
		v := storage.Int64(int64(i % 3))
		if i%5 == 0 {
			v = storage.Null()
		}
		rows = append(rows, []storage.Value{storage.Int64(int64(i)), storage.Text(fmt.Sprintf("v%d", i)), v})
	}
	return rows
}

func TestIndexScan(t *testing.T) {
	const size = 2000
	f := newFixture(t, size)
	data := fixtureRows(size)
	byN, byV := f.desc.Indexes[0], f.desc.Indexes[1]
	txt := func(s string) plan.Expr { return plan.Const{Value: storage.Text(s)} }
	cases := []struct {
		name    string
		ix      catalog.Index
		spans   []plan.Span
		reverse bool
		count   int // rows expected, checked besides the model
	}{
		// n = 1 has 534 rows: more than a batch, all under one index key.
		{"equal key longer than a batch", byN, []plan.Span{{Lo: incl(i64(1)), Hi: incl(i64(1))}}, false, 534},
		{"equal key reverse", byN, []plan.Span{{Lo: incl(i64(1)), Hi: incl(i64(1))}}, true, 534},
		{"whole index, NULLs last", byN, nil, false, size},
		{"whole index reverse", byN, nil, true, size},
		// NULLs sort last, so an open high end reads them too; the filter
		// the planner keeps above the scan drops them.
		{"greater than", byN, []plan.Span{{Lo: excl(i64(0))}}, false, 1467},
		{"less than skips NULLs", byN, []plan.Span{{Hi: excl(i64(2))}}, false, 1067},
		{"two keys reverse", byN, []plan.Span{{Lo: incl(i64(2)), Hi: incl(i64(2))}, {Lo: incl(i64(0)), Hi: incl(i64(0))}}, true, 1066},
		{"NULL key", byN, []plan.Span{{Lo: incl(nullExpr), Hi: incl(nullExpr)}}, false, 0},
		// t_v is DESC: bounds come in index order, high value first.
		{"descending text", byV, []plan.Span{{Lo: incl(txt("v19")), Hi: incl(txt("v10"))}}, false, 1000},
		{"descending text reverse", byV, []plan.Span{{Lo: excl(txt("v19")), Hi: excl(txt("v10"))}}, true, 998},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rows := f.run(t, &plan.IndexScan{Table: f.desc, Index: tc.ix, Spans: tc.spans, Reverse: tc.reverse})
			if len(rows) != tc.count {
				t.Fatalf("%d rows, want %d", len(rows), tc.count)
			}
			sameRows(t, tc.name, rows, modelScan(data, tc.ix, f.desc.PrimaryKey, tc.spans, nil, tc.reverse))
		})
	}
}

// TestIndexScanVisibility: rows come from the transaction's snapshot, and
// an index entry left behind by an update does not return the row under
// its old key.
func TestIndexScanVisibility(t *testing.T) {
	f := newFixture(t, 20)
	eqN := func(n int64) plan.Node {
		return &plan.IndexScan{Table: f.desc, Index: f.desc.Indexes[0], Spans: []plan.Span{{Lo: incl(i64(n)), Hi: incl(i64(n))}}}
	}
	reader := f.m.NewSession("reader")
	defer reader.Close()
	old := reader.Begin(txn.TxnOptions{Isolation: txn.RepeatableRead})
	defer old.Rollback()
	before, err := runIn(old, f.cat, eqN(1))
	if err != nil {
		t.Fatal(err)
	}
	// id 1 moves from n = 1 to n = 7; id 4 is deleted.
	w := f.m.NewSession("writer")
	defer w.Close()
	tx := w.Begin(txn.TxnOptions{})
	tbl := f.cat.Storage(f.desc)
	row := []storage.Value{storage.Int64(1), storage.Text("v1"), storage.Int64(7)}
	val, _ := storage.EncodeRow(nil, f.desc.Types(), row)
	if ok, err := tx.Update(context.Background(), tbl, pkOf(f.desc, row), func([]byte) ([]byte, bool, error) { return val, true, nil }); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if ok, err := tx.Delete(context.Background(), tbl, pkOf(f.desc, []storage.Value{storage.Int64(4)}), nil); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	after, err := runIn(old, f.cat, eqN(1))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ints(after, 0), ints(before, 0); !reflect.DeepEqual(got, want) || len(got) != 6 {
		t.Fatalf("old snapshot sees %v, saw %v before", got, want)
	}
	if rows := f.run(t, eqN(1)); !reflect.DeepEqual(ints(rows, 0), []any{int64(7), int64(13), int64(16), int64(19)}) {
		t.Fatalf("new snapshot: n = 1 at %v", ints(rows, 0))
	}
	if rows := f.run(t, eqN(7)); !reflect.DeepEqual(ints(rows, 0), []any{int64(1)}) || rows[0][2].AsInt64() != 7 {
		t.Fatalf("new snapshot: n = 7 at %v", rows)
	}
}

// TestIndexScanSerializable: a SERIALIZABLE transaction that read a range
// through an index cannot commit after another inserted into that range
// (a phantom).
func TestIndexScanSerializable(t *testing.T) {
	for _, phantom := range []bool{true, false} {
		f := newFixture(t, 20)
		a := f.sess.Begin(txn.TxnOptions{Isolation: txn.Serializable})
		scan := &plan.IndexScan{Table: f.desc, Index: f.desc.Indexes[0], Spans: []plan.Span{{Lo: incl(i64(1)), Hi: incl(i64(1))}}}
		if _, err := runIn(a, f.cat, scan); err != nil {
			t.Fatal(err)
		}
		w := f.m.NewSession("writer")
		b := w.Begin(txn.TxnOptions{})
		n := int64(2)
		if phantom {
			n = 1
		}
		f.insert(t, b, f.desc, []storage.Value{storage.Int64(100), storage.Text("v100"), storage.Int64(n)})
		if err := b.Commit(); err != nil {
			t.Fatal(err)
		}
		w.Close()
		f.insert(t, a, f.desc, []storage.Value{storage.Int64(200), storage.Text("v200"), storage.Int64(0)})
		err := a.Commit()
		if phantom && !errors.Is(err, txn.ErrSerialization) || !phantom && err != nil {
			t.Errorf("phantom %v: commit: %v", phantom, err)
		}
	}
}

// TestScanSpansRandom checks Scan and IndexScan over a composite primary
// key and a composite index with DESC and NULLS FIRST columns against
// modelScan, with random spans.
func TestScanSpansRandom(t *testing.T) {
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	rnd := rand.New(rand.NewSource(seed))
	desc := &catalog.Table{Name: "u", Columns: []catalog.Column{
		{Name: "a", Type: storage.TypeInt32}, {Name: "b", Type: storage.TypeText},
		{Name: "n", Type: storage.TypeInt64}, {Name: "x", Type: storage.TypeFloat64},
	},
		PrimaryKey: catalog.Index{Name: "u_pkey", Columns: []int{0, 1}, Keys: []storage.KeyColumn{{}, {Desc: true, NullsFirst: true}}},
		Indexes: []catalog.Index{
			{ID: 1, Name: "u_n_x", Columns: []int{2, 3}, Keys: []storage.KeyColumn{{Desc: true}, {NullsFirst: true}}},
			{ID: 2, Name: "u_x_b", Columns: []int{3, 1}},
		}}
	strs := []string{"", "a", "ab", "b", "ba", "c", "z\x00", "z"}
	floats := []float64{-1.5, 0, 2.5, 1e300}
	rndVal := func(col int, nulls bool) storage.Value {
		if nulls && rnd.Intn(6) == 0 {
			return storage.Null()
		}
		switch col {
		case 0:
			return storage.Int32(int32(rnd.Intn(8)))
		case 1:
			return storage.Text(strs[rnd.Intn(len(strs))])
		case 2:
			return storage.Int64(int64(rnd.Intn(6) - 1))
		}
		return storage.Float64(floats[rnd.Intn(len(floats))])
	}
	var data [][]storage.Value
	seen := map[string]bool{}
	for len(data) < 3000 {
		r := []storage.Value{rndVal(0, false), rndVal(1, false), rndVal(2, true), rndVal(3, true)}
		if k := string(pkOf(desc, r)); !seen[k] {
			seen[k] = true
			data = append(data, r)
		} else if len(seen) >= 8*len(strs) {
			break
		}
	}
	f := newDB(t)
	f.create(t, desc, data)
	ixs := append([]catalog.Index{desc.PrimaryKey}, desc.Indexes...)
	for iter := 0; iter < 300; iter++ {
		ix := ixs[rnd.Intn(len(ixs))]
		var params []storage.Value
		bound := func() *plan.KeyBound {
			if rnd.Intn(4) == 0 {
				return nil
			}
			b := &plan.KeyBound{Inclusive: rnd.Intn(2) == 0}
			for i := 0; i < 1+rnd.Intn(len(ix.Columns)); i++ {
				v := rndVal(ix.Columns[i], rnd.Intn(8) == 0)
				if v.Type() == storage.TypeInt32 && rnd.Intn(2) == 0 {
					v = storage.Int64(v.AsInt64()) // a wider integer encodes alike
				}
				if rnd.Intn(3) == 0 {
					params = append(params, v)
					b.Vals = append(b.Vals, plan.Param{N: len(params)})
				} else {
					b.Vals = append(b.Vals, plan.Const{Value: v})
				}
			}
			return b
		}
		var spans []plan.Span
		if rnd.Intn(10) > 0 {
			spans = []plan.Span{}
			for i := 0; i < 1+rnd.Intn(3); i++ {
				spans = append(spans, plan.Span{Lo: bound(), Hi: bound()})
			}
		}
		reverse := rnd.Intn(2) == 0
		var n plan.Node = &plan.Scan{Table: desc, Spans: spans, Reverse: reverse}
		if ix.ID != 0 {
			n = &plan.IndexScan{Table: desc, Index: ix, Spans: spans, Reverse: reverse}
		}
		got, err := f.try(n, params...)
		if err != nil {
			t.Fatalf("iteration %d: %v", iter, err)
		}
		sameRows(t, fmt.Sprintf("iteration %d, %s, spans %s, reverse %v", iter, ix.Name, showSpans(spans, params), reverse),
			got, modelScan(data, ix, desc.PrimaryKey, spans, params, reverse))
	}
}

func showSpans(spans []plan.Span, params []storage.Value) string {
	show := func(b *plan.KeyBound) string {
		if b == nil {
			return "open"
		}
		var vs []string
		for _, e := range b.Vals {
			switch e := e.(type) {
			case plan.Const:
				vs = append(vs, e.Value.String())
			case plan.Param:
				vs = append(vs, "$"+params[e.N-1].String())
			}
		}
		return fmt.Sprintf("%v%v", vs, map[bool]string{true: "incl", false: "excl"}[b.Inclusive])
	}
	s := ""
	for _, sp := range spans {
		s += fmt.Sprintf("[%s .. %s] ", show(sp.Lo), show(sp.Hi))
	}
	return s
}

func mustNumeric(s string) storage.Value {
	v, err := storage.NumericFromString(s)
	if err != nil {
		panic(err)
	}
	return v
}
