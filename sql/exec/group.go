package exec

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/cockroachdb/apd/v3"
	"github.com/persiandb/persiandb/sql/plan"
	"github.com/persiandb/persiandb/storage"
)

// ErrIntegerOutOfRange is Postgres's 22003 for bigint arithmetic.
var ErrIntegerOutOfRange = errors.New("bigint out of range")

// buildGroup hashes its input by the group-by values (through the key
// encoding, so values Postgres groups together meet) and emits one row per
// group, in order of first appearance. With no GROUP BY it emits one row
// even for empty input, as SQL requires.
func buildGroup(c *Context, n *plan.Group) (Iterator, error) {
	in, err := Build(c, n.Input)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	keys := compileAll(c, n.GroupBy)
	args := make([]evalFn, len(n.Aggs))
	seps := make([]evalFn, len(n.Aggs))
	for i, a := range n.Aggs {
		if a.Arg != nil {
			args[i] = compile(c, a.Arg)
		}
		if a.Sep != nil {
			seps[i] = compile(c, a.Sep)
		}
	}
	type group struct {
		keys []storage.Value
		accs []*accumulator
	}
	newGroup := func(k []storage.Value) *group {
		g := &group{keys: k, accs: make([]*accumulator, len(n.Aggs))}
		for i, a := range n.Aggs {
			g.accs[i] = &accumulator{agg: a}
			if a.Distinct {
				g.accs[i].seen = map[string]bool{}
			}
		}
		return g
	}
	groups := map[string]*group{}
	var order []*group
	var buf []byte
	for {
		r, err := in.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		buf = buf[:0]
		kv := make([]storage.Value, len(keys))
		for i, f := range keys {
			if kv[i], err = f(r); err != nil {
				return nil, err
			}
			buf = storage.AppendKeyValue(buf, kv[i], storage.KeyColumn{})
		}
		g := groups[string(buf)]
		if g == nil {
			g = newGroup(kv)
			groups[string(buf)] = g
			order = append(order, g)
		}
		for i, acc := range g.accs {
			arg := vNull
			if args[i] != nil {
				if arg, err = args[i](r); err != nil {
					return nil, err
				}
			}
			sep := vNull
			if seps[i] != nil {
				if sep, err = seps[i](r); err != nil {
					return nil, err
				}
			}
			if err := acc.add(arg, sep, args[i] == nil); err != nil {
				return nil, err
			}
		}
	}
	if len(order) == 0 && len(keys) == 0 {
		order = append(order, newGroup(nil))
	}
	out := &sliceIter{rows: make([]Row, len(order))}
	for i, g := range order {
		row := append(Row(nil), g.keys...)
		for _, acc := range g.accs {
			v, err := acc.result()
			if err != nil {
				return nil, err
			}
			row = append(row, v)
		}
		out.rows[i] = row
	}
	return out, nil
}

// accumulator computes one aggregate over one group.
type accumulator struct {
	agg   plan.Aggregate
	seen  map[string]bool // DISTINCT: encoded values already counted
	count int64
	best  storage.Value // min, max
	b     bool          // bool_and / bool_or
	any   bool          // a non-NULL value was seen
	isum  int64         // sum of int2/int4 (bigint result)
	fsum  float64       // sum of floats
	dsum  apd.Decimal   // sum of int8 and numeric (numeric result)
	parts []string      // string_agg
	seps  []string
}

var decCtx = apd.BaseContext.WithPrecision(1000)

func (a *accumulator) add(v, sep storage.Value, star bool) error {
	if star { // count(*)
		a.count++
		return nil
	}
	if v.IsNull() {
		return nil // aggregates skip NULLs
	}
	if a.seen != nil {
		k := string(storage.AppendKeyValue(nil, v, storage.KeyColumn{}))
		if a.seen[k] {
			return nil
		}
		a.seen[k] = true
	}
	first := !a.any
	a.any = true
	a.count++
	switch a.agg.Func {
	case plan.AggMin:
		if first || storage.Compare(v, a.best) < 0 {
			a.best = v
		}
	case plan.AggMax:
		if first || storage.Compare(v, a.best) > 0 {
			a.best = v
		}
	case plan.AggBoolAnd:
		a.b = (first || a.b) && v.AsBool()
	case plan.AggBoolOr:
		a.b = (!first && a.b) || v.AsBool()
	case plan.AggStringAgg:
		a.parts = append(a.parts, v.AsString())
		s := ""
		if !sep.IsNull() {
			s = sep.AsString()
		}
		a.seps = append(a.seps, s)
	case plan.AggSum, plan.AggAvg:
		return a.addSum(v)
	}
	return nil
}

func (a *accumulator) addSum(v storage.Value) error {
	switch v.Type() {
	case storage.TypeInt16, storage.TypeInt32:
		if a.agg.Func == plan.AggSum {
			x := v.AsInt64()
			if (x > 0 && a.isum > math.MaxInt64-x) || (x < 0 && a.isum < math.MinInt64-x) {
				return ErrIntegerOutOfRange
			}
			a.isum += x
			return nil
		}
		fallthrough
	case storage.TypeInt64:
		var d apd.Decimal
		d.SetInt64(v.AsInt64())
		_, err := decCtx.Add(&a.dsum, &a.dsum, &d)
		return err
	case storage.TypeNumeric:
		_, err := decCtx.Add(&a.dsum, &a.dsum, v.AsNumeric())
		return err
	case storage.TypeFloat32, storage.TypeFloat64:
		a.fsum += v.AsFloat64()
		return nil
	}
	return fmt.Errorf("%w: sum(%s)", ErrNotSupported, v.Type())
}

func (a *accumulator) result() (storage.Value, error) {
	switch a.agg.Func {
	case plan.AggCount:
		return storage.Int64(a.count), nil
	}
	if !a.any {
		return vNull, nil // every aggregate but count gives NULL over no rows
	}
	switch a.agg.Func {
	case plan.AggMin, plan.AggMax:
		return a.best, nil
	case plan.AggBoolAnd, plan.AggBoolOr:
		return storage.Bool(a.b), nil
	case plan.AggStringAgg:
		var sb strings.Builder
		for i, p := range a.parts {
			if i > 0 {
				sb.WriteString(a.seps[i])
			}
			sb.WriteString(p)
		}
		return storage.Text(sb.String()), nil
	case plan.AggSum:
		switch a.agg.Type {
		case storage.TypeInt64:
			return storage.Int64(a.isum), nil
		case storage.TypeFloat32:
			return storage.Float32(float32(a.fsum)), nil
		case storage.TypeFloat64:
			return storage.Float64(a.fsum), nil
		}
		return storage.Numeric(&a.dsum), nil
	}
	// avg needs Postgres's numeric division scale; it arrives with the
	// value semantics package.
	return vNull, fmt.Errorf("%w: aggregate %d", ErrNotSupported, a.agg.Func)
}

type distinctIter struct {
	in   Iterator
	seen map[string]bool
	buf  []byte
}

func (d *distinctIter) Next() (Row, error) {
	for {
		r, err := d.in.Next()
		if err != nil {
			return nil, err
		}
		d.buf = d.buf[:0]
		for _, v := range r {
			d.buf = storage.AppendKeyValue(d.buf, v, storage.KeyColumn{})
		}
		if !d.seen[string(d.buf)] {
			d.seen[string(d.buf)] = true
			return r, nil
		}
	}
}

func (d *distinctIter) Close() error { d.seen = nil; return d.in.Close() }
