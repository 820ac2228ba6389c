package exec

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cockroachdb/apd/v3"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/sql/plan"
	"github.com/persiandb/persiandb/sql/sem"
	"github.com/persiandb/persiandb/storage"
)

// AggResultType is the type Postgres gives aggregate f over an argument of
// type arg (ignored by count); ok is false when Postgres has no such
// aggregate. The executor's results have these types, cast to
// Aggregate.Type when the planner asks for another.
//
//	count                 bigint
//	sum(smallint, int)    bigint
//	sum(bigint, numeric)  numeric
//	sum(real)             real
//	sum(double)           double precision
//	sum(interval)         interval
//	avg(any integer)      numeric
//	avg(real, double)     double precision
//	avg(numeric)          numeric
//	avg(interval)         interval
//	min, max              the argument's type
//	bool_and, bool_or     boolean
//	string_agg            text, or bytea over bytea
//	array_agg             the argument's array type (itself over arrays)
func AggResultType(f plan.AggFunc, arg storage.Type) (t storage.Type, ok bool) {
	switch f {
	case plan.AggCount:
		return storage.TypeInt64, true
	case plan.AggSum:
		switch arg {
		case storage.TypeInt16, storage.TypeInt32:
			return storage.TypeInt64, true
		case storage.TypeInt64, storage.TypeNumeric:
			return storage.TypeNumeric, true
		case storage.TypeFloat32, storage.TypeFloat64, storage.TypeInterval:
			return arg, true
		}
	case plan.AggAvg:
		switch arg {
		case storage.TypeInt16, storage.TypeInt32, storage.TypeInt64, storage.TypeNumeric:
			return storage.TypeNumeric, true
		case storage.TypeFloat32, storage.TypeFloat64:
			return storage.TypeFloat64, true
		case storage.TypeInterval:
			return storage.TypeInterval, true
		}
	case plan.AggMin, plan.AggMax:
		return arg, arg != storage.TypeNull && arg != storage.TypeBool
	case plan.AggBoolAnd, plan.AggBoolOr:
		return storage.TypeBool, arg == storage.TypeBool
	case plan.AggStringAgg:
		switch arg {
		case storage.TypeText, storage.TypeBytea:
			return arg, true
		}
	case plan.AggArrayAgg:
		return storage.ArrayOf(arg.Elem()), arg != storage.TypeNull
	}
	return storage.TypeNull, false
}

var errBigintRange = pgerr.New(pgerr.NumericValueOutOfRange, "bigint out of range")

// aggCall is an aggregate's compiled argument and separator.
type aggCall struct {
	arg, sep evalFn // nil: count(*); nil: no separator
	order    []evalFn
}

func compileAgg(c *Context, a plan.Aggregate) aggCall {
	var f aggCall
	f.order = compileAll(c, sortExprs(a.Order))
	if a.Arg != nil {
		f.arg = compile(c, a.Arg)
	}
	if a.Sep != nil {
		f.sep = compile(c, a.Sep)
	}
	return f
}

// feed adds row r to acc.
func (f aggCall) feed(acc *accumulator, r Row) error {
	arg, sep := vNull, vNull
	var err error
	if f.arg != nil {
		if arg, err = f.arg(r); err != nil {
			return err
		}
	}
	if f.sep != nil {
		if sep, err = f.sep(r); err != nil {
			return err
		}
	}
	if len(f.order) > 0 {
		keys := make([]storage.Value, len(f.order))
		for i, k := range f.order {
			if keys[i], err = k(r); err != nil {
				return err
			}
		}
		acc.keys = append(acc.keys, keys)
		if n := len(acc.elems); acc.add(arg, sep, false) == nil && len(acc.elems) == n {
			acc.keys = acc.keys[:len(acc.keys)-1] // a DISTINCT duplicate
		}
		return nil
	}
	return acc.add(arg, sep, f.arg == nil)
}

// accumulator computes one aggregate over one group (or one window
// frame, growing). result does not change it, so a window can read it
// after every peer group and go on adding.
//
// Sums follow Postgres's transition functions: integers add up in an
// int64 (sum(smallint) and sum(int) are bigint and fail on its overflow,
// as int4_sum does); sum(bigint) and integer averages are exact, spilling
// the int64 into a decimal when it would overflow (Postgres uses int128
// and numeric). Other types add with sem's + in their own type (real in
// real for sum, but double precision for avg, as float4_accum does), which
// gives Postgres's overflow errors and NaN and infinity rules.
type accumulator struct {
	agg   plan.Aggregate
	sem   *sem.Context
	seen  map[string]bool   // DISTINCT: encoded values already counted
	count int64             // values aggregated (rows, for count(*))
	any   bool              // a non-NULL value was seen
	first storage.Type      // type of the first value: sum's result type, string_agg's
	best  storage.Value     // min, max
	b     bool              // bool_and, bool_or
	isum  int64             // integer sum not yet in dsum
	dsum  *apd.Decimal      // integer sum that overflowed isum; nil if none
	sum   storage.Value     // non-integer sum; NULL before the first
	parts []string          // string_agg
	elems []storage.Value   // array_agg, json_agg; json_object_agg's keys
	vals  []storage.Value   // json_object_agg's values
	keys  [][]storage.Value // array_agg ORDER BY keys, one per element
	seps  []string
}

func newAccumulator(c *Context, a plan.Aggregate) *accumulator {
	acc := &accumulator{agg: a, sem: c.semCtx()}
	if a.Distinct {
		acc.seen = map[string]bool{}
	}
	return acc
}

func (a *accumulator) add(v, sep storage.Value, star bool) error {
	if star { // count(*)
		a.count++
		return nil
	}
	if v.IsNull() && a.agg.Func != plan.AggArrayAgg && a.agg.Func != plan.AggJSONAgg {
		if a.agg.Func == plan.AggJSONObjectAgg {
			return pgerr.New(pgerr.InvalidParameterValue, "field name must not be null")
		}
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
	if first {
		a.first = v.Type()
	}
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
	case plan.AggArrayAgg, plan.AggJSONAgg:
		a.elems = append(a.elems, v)
	case plan.AggJSONObjectAgg:
		a.elems = append(a.elems, v)
		a.vals = append(a.vals, sep)
	}
	return nil
}

func (a *accumulator) addSum(v storage.Value) error {
	t := v.Type()
	switch {
	case isIntType(t):
		x := v.AsInt64()
		if s := a.isum + x; (x >= 0) == (s >= a.isum) {
			a.isum = s
			return nil
		}
		if a.agg.Func == plan.AggSum && a.first != storage.TypeInt64 {
			return errBigintRange
		}
		if a.dsum == nil {
			a.dsum = new(apd.Decimal)
		}
		if _, err := decCtx.Add(a.dsum, a.dsum, apd.New(a.isum, 0)); err != nil {
			return err
		}
		a.isum = x
		return nil
	case isFloatType(t) || t == storage.TypeNumeric || t == storage.TypeInterval:
		if t == storage.TypeFloat32 && a.agg.Func == plan.AggAvg {
			v = storage.Float64(v.AsFloat64())
		}
		if a.sum.IsNull() {
			a.sum = v
			return nil
		}
		s, err := sem.Binary(a.sem, sem.OpAdd, a.sum, v)
		a.sum = s
		return err
	}
	return fmt.Errorf("%w: %s over %s", ErrNotSupported, aggName(a.agg.Func), t)
}

// decCtx adds integers exactly: a sum of int64s has at most 39 digits
// until there are more than 10^19 of them.
var decCtx = apd.BaseContext.WithPrecision(1000)

// total is the sum: bigint for sum(smallint) and sum(int), numeric for
// other integers, else the added values' type.
func (a *accumulator) total() (storage.Value, error) {
	var ints storage.Value
	switch {
	case a.dsum == nil && a.agg.Func == plan.AggSum && (a.first == storage.TypeInt16 || a.first == storage.TypeInt32):
		ints = storage.Int64(a.isum)
	case a.dsum == nil:
		ints = storage.Numeric(apd.New(a.isum, 0))
	default:
		d := new(apd.Decimal)
		if _, err := decCtx.Add(d, a.dsum, apd.New(a.isum, 0)); err != nil {
			return vNull, err
		}
		ints = storage.Numeric(d)
	}
	switch {
	case a.sum.IsNull():
		return ints, nil
	case a.isum == 0 && a.dsum == nil:
		return a.sum, nil
	}
	return sem.Binary(a.sem, sem.OpAdd, ints, a.sum) // mixed types: the planner's cast was missing
}

func (a *accumulator) result() (storage.Value, error) {
	v, err := a.rawResult()
	if err != nil {
		return vNull, err
	}
	return conform(a.sem, v, a.agg.Type)
}

func (a *accumulator) rawResult() (storage.Value, error) {
	if a.agg.Func == plan.AggCount {
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
		if a.first == storage.TypeBytea {
			return storage.Bytea([]byte(sb.String())), nil
		}
		return storage.Text(sb.String()), nil
	case plan.AggSum:
		return a.total()
	case plan.AggJSONAgg, plan.AggJSONObjectAgg:
		return sem.JSONAggResult(a.sem, a.agg.Type, a.elems, a.vals)
	case plan.AggArrayAgg:
		// a.agg.Type is the result array type; over arrays (anyarray)
		// each input is a sub-array.
		// result must not change the accumulator (windows read it and
		// go on adding): sort a copy.
		elems := a.elems
		switch {
		case len(a.agg.Order) > 0:
			idx := make([]int, len(a.elems))
			for i := range idx {
				idx[i] = i
			}
			slices.SortStableFunc(idx, func(x, y int) int {
				for k, sk := range a.agg.Order {
					if d := compareSortKey(a.keys[x][k], a.keys[y][k], sk); d != 0 {
						return d
					}
				}
				return 0
			})
			sorted := make([]storage.Value, len(idx))
			for i, j := range idx {
				sorted[i] = a.elems[j]
			}
			elems = sorted
		case a.agg.Distinct:
			// Postgres sorts a DISTINCT aggregate's input.
			elems = slices.Clone(elems)
			slices.SortStableFunc(elems, storage.Compare)
		}
		if a.agg.Nested {
			return accumArrays(a.agg.Type.Elem(), elems)
		}
		return sem.ArrayConstruct(a.agg.Type.Elem(), elems, false)
	case plan.AggAvg:
		s, err := a.total()
		if err != nil {
			return vNull, err
		}
		switch s.Type() {
		case storage.TypeFloat64:
			return storage.Float64(s.AsFloat64() / float64(a.count)), nil // float8_avg: no overflow check
		case storage.TypeInterval:
			return sem.Binary(a.sem, sem.OpDiv, s, storage.Float64(float64(a.count)))
		}
		return sem.Binary(a.sem, sem.OpDiv, s, storage.Int64(a.count))
	}
	return vNull, fmt.Errorf("%w: aggregate %s", ErrNotSupported, aggName(a.agg.Func))
}

// conform casts v to the type the plan declared, so that rows agree with
// their column descriptions; TypeNull declares nothing.
func conform(ctx *sem.Context, v storage.Value, t storage.Type) (storage.Value, error) {
	if t == storage.TypeNull || v.IsNull() || v.Type() == t {
		return v, nil
	}
	return sem.Cast(ctx, v, t)
}

func aggName(f plan.AggFunc) string {
	names := [...]string{plan.AggCount: "count", plan.AggSum: "sum", plan.AggAvg: "avg", plan.AggMin: "min",
		plan.AggMax: "max", plan.AggBoolAnd: "bool_and", plan.AggBoolOr: "bool_or", plan.AggStringAgg: "string_agg",
		plan.AggArrayAgg: "array_agg", plan.AggJSONAgg: "json_agg", plan.AggJSONObjectAgg: "json_object_agg"}
	if int(f) < len(names) {
		return names[f]
	}
	return fmt.Sprintf("aggregate %d", f)
}

// accumArrays is array_agg over arrays (array_agg_array_transfn): the
// inputs become the rows of an array of one more dimension.
func accumArrays(elem storage.Type, arrays []storage.Value) (storage.Value, error) {
	var dims []storage.ArrayDim
	var out []storage.Value
	for i, v := range arrays {
		if v.IsNull() {
			return vNull, pgerr.New(pgerr.NullValueNotAllowed, "cannot accumulate null arrays")
		}
		a := v.AsArray()
		if len(a.Dims) == 0 {
			return vNull, pgerr.New(pgerr.ArraySubscriptError, "cannot accumulate empty arrays")
		}
		if i == 0 {
			dims = a.Dims
		} else if !slices.Equal(dims, a.Dims) {
			return vNull, pgerr.New(pgerr.ArraySubscriptError, "cannot accumulate arrays of different dimensionality")
		}
		out = append(out, a.Elems...)
	}
	return sem.MakeArray(elem, append([]storage.ArrayDim{{Len: int32(len(arrays)), Lower: 1}}, dims...), out)
}
