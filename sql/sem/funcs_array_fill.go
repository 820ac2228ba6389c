package sem

import (
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/storage"
)

// maxArraySize is Postgres's MaxArraySize: the most elements one array
// may hold.
const maxArraySize = 1<<27 - 1

// GenerateSubscripts is generate_subscripts(v, dim, reverse) as the array
// of the subscripts it returns, in order: the planner unnests it in FROM
// and expands it in a select list. A NULL array, a dimension v lacks and
// an empty array all give no subscripts.
func GenerateSubscripts(v storage.Value, dim int64, reverse bool) (storage.Value, error) {
	a := arrayOf(v)
	if dim < 1 || dim > int64(len(a.Dims)) {
		return storage.EmptyArray(storage.TypeInt32), nil
	}
	d := a.Dims[dim-1]
	subs := make([]storage.Value, d.Len)
	for i := range subs {
		k := int32(i)
		if reverse {
			k = d.Len - 1 - k
		}
		subs[i] = storage.Int32(d.Lower + k)
	}
	return ArrayConstruct(storage.TypeInt32, subs, false)
}

// ArrayFill is array_fill(value, dims[, lbs]): an array of elem with the
// lengths in the int[] dims and the lower bounds in lbs (1 for each when
// lbs is nil, the two-argument form), every element value. The checks and their order are
// Postgres's (arrayfuncs.c array_fill_internal).
func ArrayFill(elem storage.Type, value, dims storage.Value, lbs *storage.Value) (storage.Value, error) {
	if dims.IsNull() || lbs != nil && lbs.IsNull() {
		return storage.Value{}, pgerr.New(pgerr.NullValueNotAllowed, "dimension array or low bound array cannot be null")
	}
	da := arrayOf(dims)
	if len(da.Dims) > 1 {
		return storage.Value{}, pgerr.New(pgerr.ArraySubscriptError, "wrong number of array subscripts").
			WithDetail("Dimension array must be one dimensional.")
	}
	if hasNull(da.Elems) {
		return storage.Value{}, pgerr.New(pgerr.NullValueNotAllowed, "dimension values cannot be null")
	}
	n := len(da.Elems)
	if n > storage.MaxArrayDims {
		return storage.Value{}, errTooManyDims(n)
	}
	lower := make([]int64, n)
	for i := range lower {
		lower[i] = 1
	}
	if lbs != nil {
		la := arrayOf(*lbs)
		if len(la.Dims) > 1 {
			return storage.Value{}, pgerr.New(pgerr.ArraySubscriptError, "wrong number of array subscripts").
				WithDetail("Dimension array must be one dimensional.")
		}
		if len(la.Elems) != n {
			return storage.Value{}, pgerr.New(pgerr.ArraySubscriptError, "wrong number of array subscripts").
				WithDetail("Low bound array has different size than dimensions array.")
		}
		if hasNull(la.Elems) {
			return storage.Value{}, pgerr.New(pgerr.NullValueNotAllowed, "dimension values cannot be null")
		}
		for i, e := range la.Elems {
			lower[i] = e.AsInt64()
		}
	}
	if n == 0 {
		return storage.EmptyArray(elem), nil
	}
	size := int64(1)
	out := make([]storage.ArrayDim, n)
	for i, e := range da.Elems {
		l := e.AsInt64()
		// A negative length is a size past the limit, as Postgres's
		// unsigned arithmetic makes it.
		if l < 0 || size*max(l, 1) > maxArraySize {
			return storage.Value{}, pgerr.New(pgerr.ProgramLimitExceeded, "array size exceeds the maximum allowed (%d)", maxArraySize)
		}
		size *= l
		// Postgres wants the bound past the end representable too.
		if lower[i]+l > 1<<31-1 {
			return storage.Value{}, pgerr.New(pgerr.ProgramLimitExceeded, "array lower bound is too large: %d", lower[i])
		}
		out[i] = storage.ArrayDim{Len: int32(l), Lower: int32(lower[i])}
	}
	if size == 0 {
		return storage.EmptyArray(elem), nil
	}
	elems := make([]storage.Value, size)
	for i := range elems {
		elems[i] = value
	}
	return MakeArray(elem, out, elems)
}

func hasNull(vs []storage.Value) bool {
	for _, v := range vs {
		if v.IsNull() {
			return true
		}
	}
	return false
}
