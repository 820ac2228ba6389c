package sem

import (
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/storage"
)

// ArraySetSlice is UPDATE's a[lo:hi][...] = src: the elements of arr
// inside the bounds replaced, in order, by src's first elements (src's
// shape does not matter, only that it has enough). It follows Postgres
// 15's array_set_slice:
//
//  1. A NULL arr is the empty array; a NULL src leaves arr as it is.
//  2. Into an empty array, the slice must give both bounds of every
//     dimension; the result has the slice's shape.
//  3. A one-dimensional arr grows to cover the slice, NULLs filling any
//     gap; in more dimensions the slice must lie inside arr. Dimensions
//     past the bounds given are taken whole; an omitted bound is arr's.
//  4. src must have at least as many elements as the slice (2202E
//     "source array too small"); extra ones are ignored.
//
// Bounds with Plain set (a[2] next to a slice) mean 1:Hi, as in ArraySlice.
func ArraySetSlice(elem storage.Type, arr storage.Value, bounds []SliceBound, src storage.Value) (storage.Value, error) {
	for _, b := range bounds {
		if !b.NoLo && !b.Plain && b.Lo.IsNull() || !b.NoHi && b.Hi.IsNull() {
			return storage.Value{}, pgerr.New(pgerr.NullValueNotAllowed, "array subscript in assignment must not be null")
		}
	}
	if src.IsNull() {
		return arr, nil
	}
	var a storage.ArrayData
	if !arr.IsNull() {
		a = arrayOf(arr)
	}
	srcElems := arrayOf(src).Elems
	lo := make([]int64, len(bounds))
	hi := make([]int64, len(bounds))
	for i, b := range bounds {
		switch {
		case b.Plain:
			lo[i] = 1
		case !b.NoLo:
			lo[i] = b.Lo.AsInt64()
		}
		if !b.NoHi {
			hi[i] = b.Hi.AsInt64()
		}
	}
	if len(a.Dims) == 0 {
		dims := make([]storage.ArrayDim, len(bounds))
		n := int64(1)
		for i, b := range bounds {
			if b.NoLo || b.NoHi {
				return storage.Value{}, pgerr.New(pgerr.ArraySubscriptError, "array slice subscript must provide both boundaries").
					WithDetail("When assigning to a slice of an empty array value, slice boundaries must be fully specified.")
			}
			l := hi[i] - lo[i] + 1
			if l < 0 || n*l > maxArraySize {
				return storage.Value{}, errArraySize()
			}
			n *= l
			dims[i] = storage.ArrayDim{Len: int32(l), Lower: int32(lo[i])}
		}
		if int64(len(srcElems)) < n {
			return storage.Value{}, errSourceTooSmall()
		}
		if n == 0 {
			return storage.EmptyArray(elem), nil
		}
		return MakeArray(elem, dims, srcElems[:n])
	}
	if len(a.Dims) < len(bounds) {
		return storage.Value{}, pgerr.New(pgerr.ArraySubscriptError, "wrong number of array subscripts")
	}
	// Bounds of every dimension: the slice's, arr's where omitted or not
	// given.
	for i, d := range a.Dims {
		alo, ahi := int64(d.Lower), int64(d.Lower)+int64(d.Len)-1
		if i >= len(bounds) {
			lo, hi = append(lo, alo), append(hi, ahi)
			continue
		}
		if bounds[i].NoLo {
			lo[i] = alo
		}
		if bounds[i].NoHi {
			hi[i] = ahi
		}
		if lo[i] > hi[i] {
			return storage.Value{}, pgerr.New(pgerr.ArraySubscriptError, "upper bound cannot be less than lower bound")
		}
		if len(a.Dims) > 1 && (lo[i] < alo || hi[i] > ahi) {
			return storage.Value{}, pgerr.New(pgerr.ArraySubscriptError, "array subscript out of range")
		}
	}
	n := int64(1)
	for i := range lo {
		n *= hi[i] - lo[i] + 1
	}
	if len(a.Dims) == 1 {
		// Grow to cover lo..hi, NULLs in any gap; the new size is
		// checked before the source, as in Postgres.
		d := a.Dims[0]
		alo, ahi := int64(d.Lower), int64(d.Lower)+int64(d.Len)-1
		nlo, nhi := min(alo, lo[0]), max(ahi, hi[0])
		if nhi-nlo+1 > maxArraySize {
			return storage.Value{}, errArraySize()
		}
		if int64(len(srcElems)) < n {
			return storage.Value{}, errSourceTooSmall()
		}
		elems := make([]storage.Value, nhi-nlo+1)
		copy(elems[alo-nlo:], a.Elems)
		copy(elems[lo[0]-nlo:], srcElems[:n])
		return MakeArray(elem, []storage.ArrayDim{{Len: int32(nhi - nlo + 1), Lower: int32(nlo)}}, elems)
	}
	if int64(len(srcElems)) < n {
		return storage.Value{}, errSourceTooSmall()
	}
	elems := append([]storage.Value(nil), a.Elems...)
	next := 0
	var walk func(k, off int)
	walk = func(k, off int) {
		for x := lo[k]; x <= hi[k]; x++ {
			o := off*int(a.Dims[k].Len) + int(x-int64(a.Dims[k].Lower))
			if k+1 == len(a.Dims) {
				elems[o] = srcElems[next]
				next++
			} else {
				walk(k+1, o)
			}
		}
	}
	walk(0, 0)
	return MakeArray(elem, a.Dims, elems)
}

func errSourceTooSmall() error {
	return pgerr.New(pgerr.ArraySubscriptError, "source array too small")
}

func errArraySize() error {
	return pgerr.New(pgerr.ProgramLimitExceeded, "array size exceeds the maximum allowed (%d)", maxArraySize)
}
