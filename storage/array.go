package storage

// Arrays: Postgres's one- to six-dimensional arrays of one element type,
// with per-dimension lower bounds and NULL elements.
//
// An array type is its element type with the high bit set (ArrayOf), so the
// scalar Type numbers never move and every element type has its array
// type. Arrays of arrays are not types: a multi-dimensional array is one
// value with several dimensions, as in Postgres.
//
// An array Value keeps everything in its s field, so that it stays
// immutable and cheap to copy:
//
//	payload = ndims:u8 (len:u32le lower:i32le){ndims} elements
//	elements = the row encoding (rowenc.go) of the elements in row-major
//	           order, every column of the element type; NULL elements are
//	           the row's NULL bits
//
// An empty array has ndims 0 and no elements (Postgres's '{}'). The payload
// is canonical (its decoder rejects anything EncodeRow would not write), so
// equal arrays that print the same have equal payloads.

import (
	"encoding/binary"
	"fmt"
)

// typeArrayFlag marks an array type; the low bits are the element type.
const typeArrayFlag Type = 0x80

// MaxArrayDims is Postgres's MAXDIM.
const MaxArrayDims = 6

// ArrayOf returns the type of arrays of elem.
func ArrayOf(elem Type) Type { return elem | typeArrayFlag }

// IsArray reports whether t is an array type.
func (t Type) IsArray() bool { return t&typeArrayFlag != 0 }

// Elem returns an array type's element type (t itself for a scalar type).
func (t Type) Elem() Type { return t &^ typeArrayFlag }

// ArrayDim is one dimension of an array: its length and lower bound.
type ArrayDim struct {
	Len, Lower int32
}

// ArrayData is a decoded array: the element type, the dimensions (none for
// an empty array) and the elements in row-major order.
type ArrayData struct {
	Elem  Type
	Dims  []ArrayDim
	Elems []Value
}

// Array returns an array value of elements of type elem. len(elems) must be
// the product of the dimensions' lengths (0 dimensions for an empty
// array), and every element NULL or storable as elem (as in a row of elem
// columns). Errors wrap ErrTypeMismatch, ErrOutOfRange or ErrUnknownType.
func Array(elem Type, dims []ArrayDim, elems []Value) (Value, error) {
	if !validColumnType(elem) || elem.IsArray() {
		return Value{}, fmt.Errorf("%w: array of %d", ErrUnknownType, uint8(elem))
	}
	if len(dims) > MaxArrayDims {
		return Value{}, fmt.Errorf("%w: %d array dimensions", ErrOutOfRange, len(dims))
	}
	n := int64(1)
	for _, d := range dims {
		if d.Len < 0 {
			return Value{}, fmt.Errorf("%w: negative array dimension", ErrOutOfRange)
		}
		n *= int64(d.Len)
	}
	if len(dims) == 0 {
		n = 0
	}
	if n != int64(len(elems)) {
		return Value{}, fmt.Errorf("%w: %d array elements for %d", ErrColumnCount, len(elems), n)
	}
	if n == 0 { // a zero-length dimension: Postgres's empty array
		return EmptyArray(elem), nil
	}
	b := make([]byte, 0, 1+8*len(dims)+8+len(elems)*8)
	b = append(b, byte(len(dims)))
	for _, d := range dims {
		b = binary.LittleEndian.AppendUint32(b, uint32(d.Len))
		b = binary.LittleEndian.AppendUint32(b, uint32(d.Lower))
	}
	types := make([]Type, len(elems))
	for i := range types {
		types[i] = elem
	}
	b, err := EncodeRow(b, types, elems)
	if err != nil {
		return Value{}, err
	}
	return Value{typ: ArrayOf(elem), s: string(b)}, nil
}

// EmptyArray returns the empty array of elem ('{}').
func EmptyArray(elem Type) Value {
	return Value{typ: ArrayOf(elem), s: "\x00\x00"}
}

// AsArray decodes an array value. The slices are fresh: the caller may
// keep and modify them.
func (v Value) AsArray() ArrayData {
	if !v.typ.IsArray() {
		panic("storage: AsArray called on a " + v.typ.String() + " value")
	}
	a, err := decodeArrayPayload(v.s, v.typ.Elem())
	if err != nil {
		panic("storage: corrupt array value: " + err.Error())
	}
	return a
}

// ArrayLen returns the number of elements of an array value without
// decoding them.
func (v Value) ArrayLen() int {
	if !v.typ.IsArray() {
		panic("storage: ArrayLen called on a " + v.typ.String() + " value")
	}
	s := v.s
	k := 1 + 8*int(s[0])
	u, _ := binary.Uvarint([]byte(s[k:min(len(s), k+10)]))
	return int(u)
}

// decodeArrayPayload decodes and validates an array payload; errors wrap
// ErrCorruptRow.
func decodeArrayPayload(s string, elem Type) (ArrayData, error) {
	a := ArrayData{Elem: elem}
	if len(s) == 0 {
		return a, corruptRow("empty array payload")
	}
	nd := int(s[0])
	if nd > MaxArrayDims || len(s) < 1+8*nd {
		return a, corruptRow("array with %d dimensions", nd)
	}
	n := int64(1)
	if nd > 0 {
		a.Dims = make([]ArrayDim, nd)
	}
	for i := range a.Dims {
		p := 1 + 8*i
		a.Dims[i] = ArrayDim{
			Len:   int32(binary.LittleEndian.Uint32([]byte(s[p : p+4]))),
			Lower: int32(binary.LittleEndian.Uint32([]byte(s[p+4 : p+8]))),
		}
		if a.Dims[i].Len <= 0 {
			return a, corruptRow("array dimension of length %d", a.Dims[i].Len)
		}
		if int64(a.Dims[i].Lower)+int64(a.Dims[i].Len)-1 > 1<<31-1 {
			return a, corruptRow("array bounds overflow")
		}
		n *= int64(a.Dims[i].Len)
		if n > 1<<27 {
			return a, corruptRow("array too large")
		}
	}
	if nd == 0 {
		n = 0
	}
	body := []byte(s[1+8*nd:])
	u, _, err := readUvarint(body)
	if err != nil {
		return a, err
	}
	if int64(u) != n {
		return a, corruptRow("array of %d elements has %d", n, u)
	}
	types := make([]Type, n)
	for i := range types {
		types[i] = elem
	}
	a.Elems, err = DecodeRow(body, types, nil)
	return a, err
}

// compareArrays is Postgres's array_cmp: elements in row-major order (a
// NULL element is above every other value and equal to NULL), then the
// number of elements, the number of dimensions, the lengths and the lower
// bounds.
func compareArrays(a, b Value) int {
	x, y := a.AsArray(), b.AsArray()
	for i := 0; i < len(x.Elems) && i < len(y.Elems); i++ {
		if c := Compare(x.Elems[i], y.Elems[i]); c != 0 {
			return c
		}
	}
	switch {
	case len(x.Elems) != len(y.Elems):
		return cmpInt(len(x.Elems), len(y.Elems))
	case len(x.Dims) != len(y.Dims):
		return cmpInt(len(x.Dims), len(y.Dims))
	}
	for i := range x.Dims {
		if x.Dims[i].Len != y.Dims[i].Len {
			return cmpInt(int(x.Dims[i].Len), int(y.Dims[i].Len))
		}
	}
	for i := range x.Dims {
		if x.Dims[i].Lower != y.Dims[i].Lower {
			return cmpInt(int(x.Dims[i].Lower), int(y.Dims[i].Lower))
		}
	}
	return 0
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Array key body (inside a component, before any Desc inversion):
//
//	element* 0x00 ndims:u8 len:u32be{ndims} lower:u32be-sign-flipped{ndims}
//	element = 0x20 body | 0x30 (NULL)
//
// The terminator sorts below both element markers, so a proper prefix
// sorts first, and NULL elements sort above values, as in array_cmp.
func appendArrayKey(dst []byte, v Value) []byte {
	a := v.AsArray()
	for _, e := range a.Elems {
		if e.IsNull() {
			dst = append(dst, keyNullHigh)
			continue
		}
		dst = append(dst, keyPresent)
		dst = appendKeyBody(dst, e)
	}
	dst = append(dst, 0, byte(len(a.Dims)))
	for _, d := range a.Dims {
		dst = binary.BigEndian.AppendUint32(dst, uint32(d.Len))
	}
	for _, d := range a.Dims {
		dst = binary.BigEndian.AppendUint32(dst, uint32(d.Lower)^1<<31)
	}
	return dst
}

// readArrayKey decodes an array key body of type t from body with mask
// applied, returning the value and the bytes consumed.
func readArrayKey(body []byte, t Type, mask byte) (Value, int, error) {
	elemCol := KeyColumn{Desc: mask != 0, NullsFirst: mask != 0}
	var elems []Value
	pos := 0
	for {
		if pos >= len(body) {
			return Value{}, 0, corruptKey("truncated array")
		}
		if body[pos]^mask == 0 {
			pos++
			break
		}
		e, w, err := decodeKeyValue(body[pos:], t.Elem(), elemCol)
		if err != nil {
			return Value{}, 0, err
		}
		elems = append(elems, e)
		pos += w
	}
	if pos >= len(body) {
		return Value{}, 0, corruptKey("truncated array")
	}
	nd := int(body[pos] ^ mask)
	pos++
	if nd > MaxArrayDims || len(body)-pos < 8*nd {
		return Value{}, 0, corruptKey("array with %d dimensions", nd)
	}
	dims := make([]ArrayDim, nd)
	for i := range dims {
		u, _ := readKeyUint32(body[pos+4*i:], mask)
		l, _ := readKeyUint32(body[pos+4*nd+4*i:], mask)
		dims[i] = ArrayDim{Len: int32(u), Lower: int32(l ^ 1<<31)}
		if dims[i].Len <= 0 {
			return Value{}, 0, corruptKey("array dimension of length %d", dims[i].Len)
		}
	}
	pos += 8 * nd
	v, err := Array(t.Elem(), dims, elems)
	if err != nil {
		return Value{}, 0, corruptKey("array: %v", err)
	}
	if nd == 0 && len(elems) > 0 || v.ArrayLen() != len(elems) {
		return Value{}, 0, corruptKey("array shape does not match its elements")
	}
	if _, err := decodeArrayPayload(v.s, t.Elem()); err != nil {
		return Value{}, 0, corruptKey("array: %v", err)
	}
	return v, pos, nil
}

func readKeyUint32(src []byte, mask byte) (uint32, error) {
	if len(src) < 4 {
		return 0, corruptKey("truncated key")
	}
	var b [4]byte
	for i := range b {
		b[i] = src[i] ^ mask
	}
	return binary.BigEndian.Uint32(b[:]), nil
}

// arrayString is String for arrays: Postgres's array output with each
// element formatted by String, for debugging.
func arrayString(v Value) string {
	return string(AppendArrayText(nil, v, func(b []byte, e Value) []byte {
		if e.typ == TypeBool { // array_out prints booleans as boolout does
			return append(b, "ft"[e.i])
		}
		return append(b, e.String()...)
	}))
}

// AppendArrayText appends Postgres's text form of array v (array_out):
// the bounds if some lower bound is not 1, then the nested braces, with
// each non-NULL element written by elem (into a scratch buffer, then
// quoted as AppendArrayElem does).
func AppendArrayText(b []byte, v Value, elem func(b []byte, e Value) []byte) []byte {
	a := v.AsArray()
	if len(a.Dims) == 0 {
		return append(b, '{', '}')
	}
	if nonDefaultBounds(a.Dims) {
		for _, d := range a.Dims {
			b = fmt.Appendf(b, "[%d:%d]", d.Lower, int64(d.Lower)+int64(d.Len)-1)
		}
		b = append(b, '=')
	}
	i := 0
	var scratch []byte
	var walk func(dim int)
	walk = func(dim int) {
		b = append(b, '{')
		for k := int32(0); k < a.Dims[dim].Len; k++ {
			if k > 0 {
				b = append(b, ',')
			}
			if dim+1 < len(a.Dims) {
				walk(dim + 1)
				continue
			}
			e := a.Elems[i]
			i++
			if e.IsNull() {
				b = append(b, "NULL"...)
				continue
			}
			scratch = elem(scratch[:0], e)
			b = AppendArrayElem(b, string(scratch))
		}
		b = append(b, '}')
	}
	walk(0)
	return b
}

// nonDefaultBounds reports whether some lower bound is not 1 (the array's
// text form then starts with its bounds).
func nonDefaultBounds(dims []ArrayDim) bool {
	for _, d := range dims {
		if d.Lower != 1 {
			return true
		}
	}
	return false
}

// AppendArrayElem appends one element's text to an array's text form,
// quoted as Postgres's array_out does: when empty, "NULL" in any case, or
// containing braces, quotes, commas, backslashes or white space.
func AppendArrayElem(b []byte, s string) []byte {
	quote := s == "" || len(s) == 4 && (s[0]|0x20) == 'n' && (s[1]|0x20) == 'u' && (s[2]|0x20) == 'l' && (s[3]|0x20) == 'l'
	for i := 0; i < len(s) && !quote; i++ {
		switch s[i] {
		case '{', '}', ',', '"', '\\', ' ', '\t', '\n', '\r', '\v', '\f':
			quote = true
		}
	}
	if !quote {
		return append(b, s...)
	}
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' || s[i] == '\\' {
			b = append(b, '\\')
		}
		b = append(b, s[i])
	}
	return append(b, '"')
}
