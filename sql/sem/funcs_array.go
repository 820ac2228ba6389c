package sem

import (
	"strconv"
	"strings"

	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/storage"
)

// The array functions and operators of Postgres 15 (array_userfuncs.c,
// arrayfuncs.c). They are polymorphic (anyarray, anyelement), so the
// planner resolves their types itself and calls these on values already
// of the right element type. Unless a comment says otherwise, arguments
// are non-NULL (the functions are strict).

// arrayOf decodes an array value.
func arrayOf(v storage.Value) storage.ArrayData { return v.AsArray() }

var errMatchingDims = pgerr.New(pgerr.ArraySubscriptError, "multidimensional arrays must have array expressions with matching dimensions")

// ArrayConstruct is ARRAY[items...] with elements of type elem. When
// nested is true every item is an array of elem (ARRAY[ARRAY[..], ..] or
// ARRAY[[..], ..]) and the result has one more dimension; items must then
// all have the same dimensions and no item may be NULL.
func ArrayConstruct(elem storage.Type, items []storage.Value, nested bool) (storage.Value, error) {
	if !nested {
		if len(items) == 0 {
			return storage.EmptyArray(elem), nil
		}
		return MakeArray(elem, []storage.ArrayDim{{Len: int32(len(items)), Lower: 1}}, items)
	}
	var dims []storage.ArrayDim
	var elems []storage.Value
	first := true
	for _, it := range items {
		if it.IsNull() {
			return storage.Value{}, errMatchingDims
		}
		a := it.AsArray()
		if first {
			dims, first = a.Dims, false
		} else if !sameDims(dims, a.Dims) {
			return storage.Value{}, errMatchingDims
		}
		elems = append(elems, a.Elems...)
	}
	if len(dims) == 0 {
		return storage.EmptyArray(elem), nil
	}
	out := append([]storage.ArrayDim{{Len: int32(len(items)), Lower: 1}}, dims...)
	return MakeArray(elem, out, elems)
}

func sameDims(a, b []storage.ArrayDim) bool {
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

// ArraySubscript is a[i][j]...: NULL unless there is one subscript per
// dimension and each is within bounds. A NULL subscript gives NULL.
func ArraySubscript(v storage.Value, subs []storage.Value) storage.Value {
	a := arrayOf(v)
	if len(subs) != len(a.Dims) {
		return storage.Null()
	}
	off := 0
	for i, s := range subs {
		if s.IsNull() {
			return storage.Null()
		}
		x := s.AsInt64() - int64(a.Dims[i].Lower)
		if x < 0 || x >= int64(a.Dims[i].Len) {
			return storage.Null()
		}
		off = off*int(a.Dims[i].Len) + int(x)
	}
	return a.Elems[off]
}

// SliceBound is one dimension of a slice a[lo:hi]; a missing bound
// (a[:hi], a[lo:]) means the array's own bound, and a plain subscript in
// a slice (a[1:2][2]) means 1:i.
type SliceBound struct {
	Lo, Hi     storage.Value
	NoLo, NoHi bool
	Plain      bool
}

// ArraySlice is a[lo:hi][...]: the elements inside the bounds (clamped to
// the array's), with lower bounds 1; an empty intersection gives '{}'.
// A NULL bound gives NULL.
func ArraySlice(v storage.Value, bounds []SliceBound) storage.Value {
	a := arrayOf(v)
	if len(bounds) > len(a.Dims) || len(a.Dims) == 0 {
		return storage.EmptyArray(a.Elem)
	}
	lo := make([]int64, len(a.Dims))
	hi := make([]int64, len(a.Dims))
	for i, d := range a.Dims {
		lo[i], hi[i] = int64(d.Lower), int64(d.Lower)+int64(d.Len)-1
		if i >= len(bounds) {
			continue
		}
		b := bounds[i]
		if b.Plain {
			if b.Hi.IsNull() {
				return storage.Null()
			}
			lo[i], hi[i] = max(lo[i], 1), min(hi[i], b.Hi.AsInt64())
			continue
		}
		if !b.NoLo {
			if b.Lo.IsNull() {
				return storage.Null()
			}
			lo[i] = max(lo[i], b.Lo.AsInt64())
		}
		if !b.NoHi {
			if b.Hi.IsNull() {
				return storage.Null()
			}
			hi[i] = min(hi[i], b.Hi.AsInt64())
		}
		if lo[i] > hi[i] {
			return storage.EmptyArray(a.Elem)
		}
	}
	for i := range lo {
		if lo[i] > hi[i] {
			return storage.EmptyArray(a.Elem)
		}
	}
	dims := make([]storage.ArrayDim, len(a.Dims))
	for i := range dims {
		dims[i] = storage.ArrayDim{Len: int32(hi[i] - lo[i] + 1), Lower: 1}
	}
	var elems []storage.Value
	var walk func(d, off int)
	walk = func(d, off int) {
		for x := lo[d]; x <= hi[d]; x++ {
			o := off*int(a.Dims[d].Len) + int(x-int64(a.Dims[d].Lower))
			if d+1 == len(a.Dims) {
				elems = append(elems, a.Elems[o])
			} else {
				walk(d+1, o)
			}
		}
	}
	walk(0, 0)
	out, err := MakeArray(a.Elem, dims, elems)
	if err != nil {
		return storage.Null()
	}
	return out
}

func errConcat(detail string) error {
	return pgerr.New(pgerr.ArraySubscriptError, "cannot concatenate incompatible arrays").WithDetail("%s", detail)
}

// ArrayCat is array_cat (array || array). It is not strict: a NULL side
// gives the other side.
func ArrayCat(x, y storage.Value) (storage.Value, error) {
	switch {
	case x.IsNull():
		return y, nil
	case y.IsNull():
		return x, nil
	}
	a, b := arrayOf(x), arrayOf(y)
	if len(a.Dims) == 0 {
		return y, nil
	}
	if len(b.Dims) == 0 {
		return x, nil
	}
	na, nb := len(a.Dims), len(b.Dims)
	var dims []storage.ArrayDim
	var elems []storage.Value
	switch {
	case na == nb:
		for i := 1; i < na; i++ {
			if a.Dims[i].Len != b.Dims[i].Len || a.Dims[i].Lower != b.Dims[i].Lower {
				return storage.Value{}, errConcat("Arrays with differing element dimensions are not compatible for concatenation.")
			}
		}
		dims = append([]storage.ArrayDim(nil), a.Dims...)
		dims[0].Len += b.Dims[0].Len
		elems = append(a.Elems, b.Elems...)
	case na == nb+1:
		for i := 0; i < nb; i++ {
			if a.Dims[i+1].Len != b.Dims[i].Len || a.Dims[i+1].Lower != b.Dims[i].Lower {
				return storage.Value{}, errConcat("Arrays with differing dimensions are not compatible for concatenation.")
			}
		}
		dims = append([]storage.ArrayDim(nil), a.Dims...)
		dims[0].Len++
		elems = append(a.Elems, b.Elems...)
	case na+1 == nb:
		for i := 0; i < na; i++ {
			if b.Dims[i+1].Len != a.Dims[i].Len || b.Dims[i+1].Lower != a.Dims[i].Lower {
				return storage.Value{}, errConcat("Arrays with differing dimensions are not compatible for concatenation.")
			}
		}
		dims = append([]storage.ArrayDim(nil), b.Dims...)
		dims[0].Len++
		elems = append(a.Elems, b.Elems...)
	default:
		return storage.Value{}, errConcat("Arrays of " + strconv.Itoa(na) + " and " + strconv.Itoa(nb) + " dimensions are not compatible for concatenation.")
	}
	return MakeArray(a.Elem, dims, elems)
}

// ArrayAppend is array_append (array || element); not strict: a NULL
// array gives a one-element array and a NULL element is appended.
func ArrayAppend(elem storage.Type, x, e storage.Value) (storage.Value, error) {
	return arrayAdd(elem, x, e, false)
}

// ArrayPrepend is array_prepend (element || array), not strict.
func ArrayPrepend(elem storage.Type, e, x storage.Value) (storage.Value, error) {
	return arrayAdd(elem, x, e, true)
}

func arrayAdd(elem storage.Type, x, e storage.Value, front bool) (storage.Value, error) {
	if x.IsNull() {
		return ArrayConstruct(elem, []storage.Value{e}, false)
	}
	a := arrayOf(x)
	switch len(a.Dims) {
	case 0:
		return ArrayConstruct(elem, []storage.Value{e}, false)
	case 1:
	default:
		return storage.Value{}, pgerr.New(pgerr.DataException, "argument must be empty or one-dimensional array")
	}
	dims := []storage.ArrayDim{{Len: a.Dims[0].Len + 1, Lower: a.Dims[0].Lower}}
	if front {
		return MakeArray(elem, dims, append([]storage.Value{e}, a.Elems...))
	}
	return MakeArray(elem, dims, append(a.Elems, e))
}

// ArrayNdims is array_ndims: NULL for an empty array.
func ArrayNdims(v storage.Value) storage.Value {
	a := arrayOf(v)
	if len(a.Dims) == 0 {
		return storage.Null()
	}
	return storage.Int32(int32(len(a.Dims)))
}

// ArrayDimsText is array_dims: "[1:2][1:3]", NULL for an empty array.
func ArrayDimsText(v storage.Value) storage.Value {
	a := arrayOf(v)
	if len(a.Dims) == 0 {
		return storage.Null()
	}
	var b []byte
	for _, d := range a.Dims {
		b = append(b, '[')
		b = strconv.AppendInt(b, int64(d.Lower), 10)
		b = append(b, ':')
		b = strconv.AppendInt(b, int64(d.Lower)+int64(d.Len)-1, 10)
		b = append(b, ']')
	}
	return storage.Text(string(b))
}

// ArrayBound is array_length (what 'l'), array_lower ('L') and
// array_upper ('U') of dimension dim: NULL when there is no such
// dimension.
func ArrayBound(v storage.Value, dim int64, what byte) storage.Value {
	a := arrayOf(v)
	if dim < 1 || dim > int64(len(a.Dims)) {
		return storage.Null()
	}
	d := a.Dims[dim-1]
	switch what {
	case 'l':
		return storage.Int32(d.Len)
	case 'L':
		return storage.Int32(d.Lower)
	}
	return storage.Int32(d.Lower + d.Len - 1)
}

// ArrayOrdinals is the int4 array 1, 2, ..., cardinality(a): the
// positions of a's elements in storage order (empty for an empty array).
func ArrayOrdinals(a storage.Value) (storage.Value, error) {
	n := a.ArrayLen()
	if n == 0 {
		return storage.EmptyArray(storage.TypeInt32), nil
	}
	elems := make([]storage.Value, n)
	for i := range elems {
		elems[i] = storage.Int32(int32(i + 1))
	}
	return storage.Array(storage.TypeInt32, []storage.ArrayDim{{Len: int32(n), Lower: 1}}, elems)
}

// Cardinality is cardinality: the number of elements.
func Cardinality(v storage.Value) storage.Value { return storage.Int32(int32(v.ArrayLen())) }

// notDistinct is IS NOT DISTINCT FROM for two values of one type.
func notDistinct(ctx *Context, a, b storage.Value) (bool, error) {
	if a.IsNull() || b.IsNull() {
		return a.IsNull() && b.IsNull(), nil
	}
	c, err := CompareValues(ctx, a, b)
	return c == 0, err
}

// ArrayPositions is array_position (all false) and array_positions (all
// true): the subscripts of the elements not distinct from e, searching
// from subscript start (array_position's third argument) when hasStart.
func ArrayPositions(ctx *Context, v, e storage.Value, start int64, hasStart, all bool) (storage.Value, error) {
	a := arrayOf(v)
	if len(a.Dims) > 1 {
		return storage.Value{}, pgerr.New(pgerr.FeatureNotSupported, "searching for elements in multidimensional arrays is not supported")
	}
	var found []storage.Value
	if len(a.Dims) == 1 {
		lb := int64(a.Dims[0].Lower)
		for i, x := range a.Elems {
			if hasStart && lb+int64(i) < start {
				continue
			}
			ok, err := notDistinct(ctx, x, e)
			if err != nil {
				return storage.Value{}, err
			}
			if ok {
				if !all {
					return storage.Int32(int32(lb + int64(i))), nil
				}
				found = append(found, storage.Int32(int32(lb+int64(i))))
			}
		}
	}
	if !all {
		return storage.Null(), nil
	}
	return ArrayConstruct(storage.TypeInt32, found, false)
}

// ArrayReplace is array_replace (remove false) and array_remove (remove
// true): elements not distinct from from are replaced by to, or dropped.
func ArrayReplace(ctx *Context, v, from, to storage.Value, remove bool) (storage.Value, error) {
	a := arrayOf(v)
	if remove && len(a.Dims) > 1 {
		return storage.Value{}, pgerr.New(pgerr.FeatureNotSupported, "removing elements from multidimensional arrays is not supported")
	}
	out := a.Elems[:0:0]
	for _, x := range a.Elems {
		ok, err := notDistinct(ctx, x, from)
		if err != nil {
			return storage.Value{}, err
		}
		switch {
		case !ok:
			out = append(out, x)
		case !remove:
			out = append(out, to)
		}
	}
	if len(out) == 0 {
		return storage.EmptyArray(a.Elem), nil
	}
	dims := append([]storage.ArrayDim(nil), a.Dims...)
	if remove {
		dims[0].Len = int32(len(out))
	}
	return MakeArray(a.Elem, dims, out)
}

// ArrayToString is array_to_string: elements' text joined by delim,
// NULLs skipped unless nullStr is given (hasNull).
func ArrayToString(ctx *Context, v storage.Value, delim string, nullStr string, hasNull bool) storage.Value {
	a := arrayOf(v)
	var b []byte
	first := true
	for _, e := range a.Elems {
		if e.IsNull() && !hasNull {
			continue
		}
		if !first {
			b = append(b, delim...)
		}
		first = false
		if e.IsNull() {
			b = append(b, nullStr...)
			continue
		}
		b = AppendFormat(b, e, ctx.loc())
	}
	return storage.Text(string(b))
}

// StringToArray is string_to_array: s split at delim (each character when
// delim is NULL, nothing when it is empty); fields equal to nullStr
// become NULL. An empty s gives an empty array.
func StringToArray(s string, delim storage.Value, nullStr storage.Value) (storage.Value, error) {
	if s == "" {
		return storage.EmptyArray(storage.TypeText), nil
	}
	var parts []string
	switch {
	case delim.IsNull():
		for _, r := range s {
			parts = append(parts, string(r))
		}
	case delim.AsString() == "":
		parts = []string{s}
	default:
		parts = strings.Split(s, delim.AsString())
	}
	elems := make([]storage.Value, len(parts))
	for i, p := range parts {
		if !nullStr.IsNull() && p == nullStr.AsString() {
			continue
		}
		elems[i] = storage.Text(p)
	}
	return ArrayConstruct(storage.TypeText, elems, false)
}

// ArrayContains is a @> b: every element of b equals some element of a;
// a NULL element in b never matches.
func ArrayContains(ctx *Context, x, y storage.Value) (bool, error) {
	a, b := arrayOf(x), arrayOf(y)
	for _, e := range b.Elems {
		if e.IsNull() {
			return false, nil
		}
		found, err := holds(ctx, a.Elems, e)
		if !found || err != nil {
			return false, err
		}
	}
	return true, nil
}

// holds reports whether some non-NULL element of elems equals e.
func holds(ctx *Context, elems []storage.Value, e storage.Value) (bool, error) {
	for _, f := range elems {
		if f.IsNull() {
			continue
		}
		c, err := CompareValues(ctx, e, f)
		if err != nil || c == 0 {
			return err == nil, err
		}
	}
	return false, nil
}

// ArrayOverlap is a && b: some non-NULL element is in both.
func ArrayOverlap(ctx *Context, x, y storage.Value) (bool, error) {
	a, b := arrayOf(x), arrayOf(y)
	for _, e := range b.Elems {
		if e.IsNull() {
			continue
		}
		if found, err := holds(ctx, a.Elems, e); found || err != nil {
			return found, err
		}
	}
	return false, nil
}

// ArrayElems returns an array's elements in row-major order (unnest).
func ArrayElems(v storage.Value) []storage.Value { return arrayOf(v).Elems }

// ArraySetElement is the assignment a[i][j] := v (array_set_element): a
// NULL or empty array becomes a one-element array at those subscripts; a
// one-dimensional array grows in either direction, the gap filled with
// NULLs; other arrays must already have the element.
func ArraySetElement(elem storage.Type, arr storage.Value, subs []storage.Value, v storage.Value) (storage.Value, error) {
	for _, s := range subs {
		if s.IsNull() {
			return storage.Value{}, pgerr.New(pgerr.NullValueNotAllowed, "array subscript in assignment must not be null")
		}
	}
	var a storage.ArrayData
	if !arr.IsNull() {
		a = arrayOf(arr)
	}
	if len(a.Dims) == 0 {
		dims := make([]storage.ArrayDim, len(subs))
		for i, s := range subs {
			dims[i] = storage.ArrayDim{Len: 1, Lower: int32(s.AsInt64())}
		}
		return MakeArray(elem, dims, []storage.Value{v})
	}
	if len(subs) != len(a.Dims) {
		return storage.Value{}, pgerr.New(pgerr.ArraySubscriptError, "wrong number of array subscripts")
	}
	if len(a.Dims) == 1 {
		d := a.Dims[0]
		i := subs[0].AsInt64()
		lo, hi := int64(d.Lower), int64(d.Lower)+int64(d.Len)-1
		if max(hi, i)-min(lo, i)+1 > 1<<27-1 {
			return storage.Value{}, pgerr.New(pgerr.ProgramLimitExceeded, "array size exceeds the maximum allowed (134217727)")
		}
		switch {
		case i < lo:
			grown := make([]storage.Value, lo-i, lo-i+int64(len(a.Elems)))
			grown[0] = v
			return MakeArray(elem, []storage.ArrayDim{{Len: int32(hi - i + 1), Lower: int32(i)}}, append(grown, a.Elems...))
		case i > hi:
			grown := append(a.Elems, make([]storage.Value, i-hi)...)
			grown[len(grown)-1] = v
			return MakeArray(elem, []storage.ArrayDim{{Len: int32(i - lo + 1), Lower: d.Lower}}, grown)
		}
		a.Elems[i-lo] = v
		return MakeArray(elem, a.Dims, a.Elems)
	}
	off := 0
	for k, s := range subs {
		x := s.AsInt64() - int64(a.Dims[k].Lower)
		if x < 0 || x >= int64(a.Dims[k].Len) {
			return storage.Value{}, pgerr.New(pgerr.ArraySubscriptError, "array subscript out of range")
		}
		off = off*int(a.Dims[k].Len) + int(x)
	}
	a.Elems[off] = v
	return MakeArray(elem, a.Dims, a.Elems)
}
