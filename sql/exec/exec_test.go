package exec

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/persiandb/persiandb/sql/catalog"
	"github.com/persiandb/persiandb/sql/plan"
	"github.com/persiandb/persiandb/storage"
	"github.com/persiandb/persiandb/txn"
	"github.com/rs/zerolog"
)

type fixture struct {
	m    *txn.Manager
	cat  *catalog.Catalog
	desc *catalog.Table
	sess *txn.Session
}

// newDB opens an empty database.
func newDB(t *testing.T) *fixture {
	t.Helper()
	st := storage.Open(storage.Options{PageBits: 16, Logger: zerolog.Nop()})
	m := txn.NewManager(st, txn.Options{})
	t.Cleanup(m.Close)
	cat, err := catalog.Open(m)
	if err != nil {
		t.Fatal(err)
	}
	s := m.NewSession("")
	t.Cleanup(s.Close)
	return &fixture{m: m, cat: cat, sess: s}
}

// create makes a table (and its indexes) holding rows, keyed as the
// primary key says.
func (f *fixture) create(t *testing.T, desc *catalog.Table, rows [][]storage.Value) {
	t.Helper()
	tx := f.sess.Begin(txn.TxnOptions{})
	ctx := context.Background()
	if err := f.cat.CreateTable(ctx, tx, desc); err != nil {
		t.Fatal(err)
	}
	for _, row := range rows {
		f.insert(t, tx, desc, row)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) insert(t *testing.T, tx *txn.Txn, desc *catalog.Table, row []storage.Value) {
	t.Helper()
	val, err := storage.EncodeRow(nil, desc.Types(), row)
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.Insert(context.Background(), f.cat.Storage(desc), pkOf(desc, row), val); err != nil {
		t.Fatal(err)
	}
}

func pkOf(desc *catalog.Table, row []storage.Value) []byte {
	var key []byte
	for i, c := range desc.PrimaryKey.Columns {
		var kc storage.KeyColumn
		if i < len(desc.PrimaryKey.Keys) {
			kc = desc.PrimaryKey.Keys[i]
		}
		key = storage.AppendKeyValue(key, row[c], kc)
	}
	return key
}

// newFixture makes table t(id bigint primary key, v text, n bigint) with
// rows id = 0..rows-1, v = "v<id>", n = id%3 or NULL when id%5 == 0, and
// indexes t_n on (n) and t_v on (v DESC).
func newFixture(t *testing.T, rows int) *fixture {
	t.Helper()
	f := newDB(t)
	f.desc = &catalog.Table{Name: "t", Columns: []catalog.Column{
		{Name: "id", Type: storage.TypeInt64}, {Name: "v", Type: storage.TypeText}, {Name: "n", Type: storage.TypeInt64},
	}, PrimaryKey: catalog.Index{Name: "t_pkey", Unique: true, Columns: []int{0}},
		Indexes: []catalog.Index{
			{ID: 1, Name: "t_n", Columns: []int{2}},
			{ID: 2, Name: "t_v", Columns: []int{1}, Keys: []storage.KeyColumn{{Desc: true, NullsFirst: true}}},
		}}
	var data [][]storage.Value
	for i := 0; i < rows; i++ {
		n := storage.Int64(int64(i % 3))
		if i%5 == 0 {
			n = storage.Null()
		}
		data = append(data, []storage.Value{storage.Int64(int64(i)), storage.Text(fmt.Sprintf("v%d", i)), n})
	}
	f.create(t, f.desc, data)
	return f
}

func (f *fixture) run(t *testing.T, n plan.Node, params ...storage.Value) []Row {
	t.Helper()
	rows, err := f.try(n, params...)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// try runs a plan in a transaction of its own.
func (f *fixture) try(n plan.Node, params ...storage.Value) ([]Row, error) {
	tx := f.sess.Begin(txn.TxnOptions{})
	defer tx.Commit()
	tx.NewStatement()
	return runIn(tx, f.cat, n, params...)
}

func runIn(tx *txn.Txn, cat *catalog.Catalog, n plan.Node, params ...storage.Value) ([]Row, error) {
	it, err := Build(&Context{Txn: tx, Catalog: cat, Params: params}, n)
	if err != nil {
		return nil, err
	}
	return Collect(it)
}

func ints(rows []Row, col int) []any {
	out := []any{}
	for _, r := range rows {
		if r[col].IsNull() {
			out = append(out, nil)
		} else {
			out = append(out, r[col].AsInt64())
		}
	}
	return out
}

func TestFilterProjectSortLimit(t *testing.T) {
	f := newFixture(t, 20)
	// SELECT id, n FROM t WHERE n <> 1 OR n IS NULL ORDER BY n DESC, id LIMIT $1 OFFSET 1
	n := &plan.Limit{
		Input: &plan.Sort{
			Input: &plan.Project{
				Input: &plan.Filter{Input: &plan.Scan{Table: f.desc}, Pred: plan.Or{
					L: plan.Cmp{Op: plan.NE, L: plan.Col{Idx: 2}, R: plan.Const{Value: storage.Int64(1)}},
					R: plan.IsNull{X: plan.Col{Idx: 2}},
				}},
				Exprs: []plan.Expr{plan.Col{Idx: 0}, plan.Col{Idx: 2}},
				Cols:  []plan.Column{{Name: "id", Type: storage.TypeInt64}, {Name: "n", Type: storage.TypeInt64}},
			},
			Keys: []plan.SortKey{{Expr: plan.Col{Idx: 1}, Desc: true, NullsFirst: true}, {Expr: plan.Col{Idx: 0}}},
		},
		Count:  plan.Param{N: 1},
		Offset: plan.Const{Value: storage.Int64(1)},
	}
	rows := f.run(t, n, storage.Int64(6))
	// ids with n NULL: 0,5,10,15; n=2: 2,8,11,14,17; n=0: 3,6,9,12,18 (rows with n=1 dropped)
	if got, want := ints(rows, 0), []any{int64(5), int64(10), int64(15), int64(2), int64(8), int64(11)}; !reflect.DeepEqual(got, want) {
		t.Fatalf("ids %v, want %v", got, want)
	}
	if got := ints(rows, 1); got[0] != nil || got[3] != int64(2) {
		t.Fatalf("n column %v", got)
	}
}

func TestThreeValuedLogic(t *testing.T) {
	T, F, N := plan.Const{Value: storage.Bool(true)}, plan.Const{Value: storage.Bool(false)}, plan.Const{Value: storage.Null()}
	vals := []plan.Const{T, F, N}
	name := map[plan.Const]string{T: "t", F: "f", N: "null"}
	// Postgres's truth tables.
	and := [3][3]string{{"t", "f", "null"}, {"f", "f", "f"}, {"null", "f", "null"}}
	or := [3][3]string{{"t", "t", "t"}, {"t", "f", "null"}, {"t", "null", "null"}}
	show := func(v storage.Value) string {
		if v.IsNull() {
			return "null"
		}
		if v.AsBool() {
			return "t"
		}
		return "f"
	}
	c := &Context{}
	for i, a := range vals {
		for j, b := range vals {
			got, _ := compile(c, plan.And{L: a, R: b})(nil)
			if show(got) != and[i][j] {
				t.Errorf("%s AND %s = %s, want %s", name[a], name[b], show(got), and[i][j])
			}
			got, _ = compile(c, plan.Or{L: a, R: b})(nil)
			if show(got) != or[i][j] {
				t.Errorf("%s OR %s = %s, want %s", name[a], name[b], show(got), or[i][j])
			}
		}
		got, _ := compile(c, plan.Not{X: a})(nil)
		if want := map[string]string{"t": "f", "f": "t", "null": "null"}[name[a]]; show(got) != want {
			t.Errorf("NOT %s = %s", name[a], show(got))
		}
	}
	// = with NULL is NULL; IS NOT DISTINCT FROM is never NULL.
	if v, _ := compile(c, plan.Cmp{Op: plan.EQ, L: N, R: N})(nil); !v.IsNull() {
		t.Error("NULL = NULL is not NULL")
	}
	if v, _ := compile(c, plan.Cmp{Op: plan.NotDistinct, L: N, R: N})(nil); show(v) != "t" {
		t.Error("NULL IS NOT DISTINCT FROM NULL is not true")
	}
	if v, _ := compile(c, plan.Cmp{Op: plan.NotDistinct, L: T, R: N})(nil); show(v) != "f" {
		t.Error("true IS NOT DISTINCT FROM NULL is not false")
	}
}

func TestLimitErrors(t *testing.T) {
	c := &Context{}
	_, err := Build(c, &plan.Limit{Input: &plan.Values{}, Count: plan.Const{Value: storage.Int64(-1)}})
	if err != ErrNegativeLimit {
		t.Fatalf("negative limit: %v", err)
	}
	_, err = Build(c, &plan.Limit{Input: &plan.Values{}, Count: plan.Param{N: 2}})
	if err == nil {
		t.Fatal("unbound parameter accepted")
	}
}
