package exec

import (
	"fmt"
	"io"
	"sort"

	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/sql/plan"
	"github.com/persiandb/persiandb/storage"
)

// buildWindow reads its whole input, then computes each function in turn:
// it sorts row indexes by (PartitionBy, OrderBy), walks the partitions and,
// inside each, the peer groups (rows equal on OrderBy; without OrderBy the
// whole partition is one group), and writes the function's column. The
// default frame is the partition's start through the current row's last
// peer, so a frame grows one peer group at a time: aggregates add a group
// and read their result for each of its rows.
//
// Rows come out in the last function's sort order, as Postgres's last
// WindowAgg leaves them (the plan does not rely on it).
func buildWindow(c *Context, n *plan.Window) (Iterator, error) {
	in, err := Build(c, n.Input)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	nIn := len(n.Input.Columns())
	var rows []Row
	for {
		r, err := in.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		row := make(Row, nIn+len(n.Funcs))
		copy(row, r)
		rows = append(rows, row)
	}
	order := make([]int, len(rows))
	for i := range order {
		order[i] = i
	}
	for fi, f := range n.Funcs {
		w, err := newWindowFunc(c, f, nIn+fi)
		if err != nil {
			return nil, err
		}
		if order, err = w.run(rows); err != nil {
			return nil, err
		}
	}
	out := &sliceIter{rows: make([]Row, len(rows))}
	for i, j := range order {
		out.rows[i] = rows[j]
	}
	return out, nil
}

// windowFunc computes one WindowFunc into column col of the rows.
type windowFunc struct {
	c    *Context
	f    plan.WindowFunc
	col  int
	part []evalFn
	ord  []evalFn
	args []evalFn
	agg  aggCall
}

// windowArgs is the least and most arguments of each function.
var windowArgs = map[string][2]int{
	"row_number": {0, 0}, "rank": {0, 0}, "dense_rank": {0, 0}, "percent_rank": {0, 0}, "cume_dist": {0, 0},
	"ntile": {1, 1}, "lag": {1, 3}, "lead": {1, 3}, "first_value": {1, 1}, "last_value": {1, 1}, "nth_value": {2, 2},
}

func newWindowFunc(c *Context, f plan.WindowFunc, col int) (*windowFunc, error) {
	w := &windowFunc{c: c, f: f, col: col, part: compileAll(c, f.PartitionBy),
		ord: compileAll(c, sortExprs(f.OrderBy)), args: compileAll(c, f.Args)}
	if f.Agg != nil {
		w.agg = compileAgg(c, *f.Agg)
		return w, nil
	}
	n, ok := windowArgs[f.Func]
	if !ok {
		return nil, fmt.Errorf("%w: window function %s", ErrNotSupported, f.Func)
	}
	if len(f.Args) < n[0] || len(f.Args) > n[1] {
		return nil, fmt.Errorf("%w: %s with %d arguments", ErrNotSupported, f.Func, len(f.Args))
	}
	return w, nil
}

// run sorts the rows for the function, fills its column, and returns the
// order.
func (w *windowFunc) run(rows []Row) ([]int, error) {
	type keyed struct {
		i          int
		part, ords []storage.Value
	}
	ks := make([]keyed, len(rows))
	for i, r := range rows {
		ks[i] = keyed{i: i, part: make([]storage.Value, len(w.part)), ords: make([]storage.Value, len(w.ord))}
		var err error
		for j, f := range w.part {
			if ks[i].part[j], err = f(r); err != nil {
				return nil, err
			}
		}
		for j, f := range w.ord {
			if ks[i].ords[j], err = f(r); err != nil {
				return nil, err
			}
		}
	}
	// Partitions sort by any total order that keeps equal keys together.
	cmpPart := func(a, b *keyed) int {
		for j := range a.part {
			if d := compareSortKey(a.part[j], b.part[j], plan.SortKey{}); d != 0 {
				return d
			}
		}
		return 0
	}
	cmpOrd := func(a, b *keyed) int {
		for j, sk := range w.f.OrderBy {
			if d := compareSortKey(a.ords[j], b.ords[j], sk); d != 0 {
				return d
			}
		}
		return 0
	}
	sort.SliceStable(ks, func(a, b int) bool {
		if d := cmpPart(&ks[a], &ks[b]); d != 0 {
			return d < 0
		}
		return cmpOrd(&ks[a], &ks[b]) < 0
	})
	order := make([]int, len(ks))
	for i := range ks {
		order[i] = ks[i].i
	}
	for ps := 0; ps < len(ks); {
		pe := ps + 1
		for pe < len(ks) && cmpPart(&ks[ps], &ks[pe]) == 0 {
			pe++
		}
		var groups []int // start of each peer group within the partition, then its size
		for gs := ps; gs < pe; gs++ {
			if gs == ps || cmpOrd(&ks[gs-1], &ks[gs]) != 0 {
				groups = append(groups, gs-ps)
			}
		}
		groups = append(groups, pe-ps)
		if err := w.partition(rows, order[ps:pe], groups); err != nil {
			return nil, err
		}
		ps = pe
	}
	return order, nil
}

// partition computes the function over one partition: part lists its
// rows in order; groups holds the start of each peer group in part, then
// len(part).
func (w *windowFunc) partition(rows []Row, part []int, groups []int) error {
	set := func(k int, v storage.Value) error {
		v, err := conform(w.c.semCtx(), v, w.f.Type)
		rows[part[k]][w.col] = v
		return err
	}
	switch {
	case w.f.Agg != nil:
		acc := newAccumulator(w.c, *w.f.Agg)
		for g := 0; g+1 < len(groups); g++ {
			gs, ge := groups[g], groups[g+1]
			for k := gs; k < ge; k++ {
				if err := w.agg.feed(acc, rows[part[k]]); err != nil {
					return err
				}
			}
			v, err := acc.result()
			for k := gs; k < ge && err == nil; k++ {
				err = set(k, v)
			}
			if err != nil {
				return err
			}
		}
		return nil
	case w.f.Func == "ntile":
		return w.ntile(rows, part, set)
	}
	n := len(part)
	arg := func(i, k int) (storage.Value, error) { return w.args[i](rows[part[k]]) }
	for g := 0; g+1 < len(groups); g++ {
		gs, ge := groups[g], groups[g+1]
		for k := gs; k < ge; k++ {
			var v storage.Value
			var err error
			switch w.f.Func {
			case "row_number":
				v = storage.Int64(int64(k + 1))
			case "rank":
				v = storage.Int64(int64(gs + 1))
			case "dense_rank":
				v = storage.Int64(int64(g + 1))
			case "percent_rank":
				v = storage.Float64(0)
				if n > 1 {
					v = storage.Float64(float64(gs) / float64(n-1))
				}
			case "cume_dist":
				v = storage.Float64(float64(ge) / float64(n))
			case "first_value":
				v, err = arg(0, 0)
			case "last_value":
				v, err = arg(0, ge-1)
			case "nth_value":
				v, err = w.nthValue(rows, part, k, ge)
			case "lag", "lead":
				v, err = w.lagLead(rows, part, k)
			}
			if err == nil {
				err = set(k, v)
			}
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// lagLead is lag or lead (x, offset 1, default NULL) at row k: x at the
// row offset rows before (lag) or after (lead) in the partition, or
// default, evaluated at row k, when there is no such row. A NULL offset
// gives NULL; a negative one looks the other way, as in Postgres.
func (w *windowFunc) lagLead(rows []Row, part []int, k int) (storage.Value, error) {
	off := int64(1)
	if len(w.args) > 1 {
		v, err := w.args[1](rows[part[k]])
		if err != nil || v.IsNull() {
			return vNull, err
		}
		off = v.AsInt64()
	}
	if w.f.Func == "lag" {
		off = -off
	}
	if t := int64(k) + off; t >= 0 && t < int64(len(part)) {
		return w.args[0](rows[part[t]])
	}
	if len(w.args) > 2 {
		return w.args[2](rows[part[k]])
	}
	return vNull, nil
}

// nthValue is nth_value(x, n) at row k whose frame ends before part[end]:
// x at the frame's n-th row, NULL if the frame is shorter.
func (w *windowFunc) nthValue(rows []Row, part []int, k, end int) (storage.Value, error) {
	v, err := w.args[1](rows[part[k]])
	if err != nil || v.IsNull() {
		return vNull, err
	}
	nth := v.AsInt64()
	if nth <= 0 {
		return vNull, pgerr.New(pgerr.InvalidArgumentForNthValueFunction, "argument of nth_value must be greater than zero")
	}
	if nth > int64(end) {
		return vNull, nil
	}
	return w.args[0](rows[part[nth-1]])
}

// ntile is Postgres's window_ntile: the bucket count is read at the
// partition's first row (again at the next while it is NULL, whose rows
// get NULL); with total rows and b buckets, the first total%b buckets get
// one row more than the others.
func (w *windowFunc) ntile(rows []Row, part []int, set func(int, storage.Value) error) error {
	var bucket, perBucket, boundary, remainder int64
	total := int64(len(part))
	for k := range part {
		if bucket == 0 {
			v, err := w.args[0](rows[part[k]])
			if err != nil {
				return err
			}
			if v.IsNull() {
				if err := set(k, vNull); err != nil {
					return err
				}
				continue
			}
			b := v.AsInt64()
			if b <= 0 {
				return pgerr.New(pgerr.InvalidArgumentForNtileFunction, "argument of ntile must be greater than zero")
			}
			bucket, perBucket, remainder = 1, 0, 0
			if boundary = total / b; boundary <= 0 {
				boundary = 1
			} else if remainder = total % b; remainder != 0 {
				boundary++
			}
		}
		if perBucket++; boundary < perBucket {
			if remainder != 0 && bucket == remainder {
				remainder = 0
				boundary--
			}
			bucket++
			perBucket = 1
		}
		if err := set(k, storage.Int32(int32(bucket))); err != nil {
			return err
		}
	}
	return nil
}
