package pgcodec

import (
	"encoding/binary"

	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/sql/planner"
	"github.com/persiandb/persiandb/sql/sem"
	"github.com/persiandb/persiandb/storage"
)

// The binary array format (array_send / array_recv), all integers int32
// big-endian:
//
//	ndim | has-nulls flag | element type OID | (length, lower bound) per dim
//	| per element: byte length (-1 for NULL) and the element's binary form
//
// An empty array has ndim 0 and nothing after the OID.

// appendArrayBinary is array_send.
func appendArrayBinary(buf []byte, v storage.Value, t planner.Type) ([]byte, error) {
	if !v.Type().IsArray() || v.Type().Elem() != t.T.Elem() {
		return buf, pgerr.New(pgerr.InternalError, "cannot send a %s value as type %s", v.Type(), t.Name)
	}
	a := v.AsArray()
	et := t.Elem()
	hasNull := 0
	for _, e := range a.Elems {
		if e.IsNull() {
			hasNull = 1
			break
		}
	}
	be := binary.BigEndian
	buf = be.AppendUint32(buf, uint32(len(a.Dims)))
	buf = be.AppendUint32(buf, uint32(hasNull))
	buf = be.AppendUint32(buf, et.OID())
	for _, d := range a.Dims {
		buf = be.AppendUint32(buf, uint32(d.Len))
		buf = be.AppendUint32(buf, uint32(d.Lower))
	}
	for _, e := range a.Elems {
		if e.IsNull() {
			buf = be.AppendUint32(buf, 0xffffffff)
			continue
		}
		at := len(buf)
		buf = append(buf, 0, 0, 0, 0)
		var err error
		if buf, err = AppendBinary(buf, e, et); err != nil {
			return buf, err
		}
		be.PutUint32(buf[at:], uint32(len(buf)-at-4))
	}
	return buf, nil
}

// decodeArrayBinary is array_recv for array type t.
func decodeArrayBinary(src []byte, t planner.Type) (storage.Value, error) {
	be := binary.BigEndian
	if len(src) < 12 {
		return storage.Value{}, ErrBinaryFormat
	}
	ndim, flags, oid := int32(be.Uint32(src)), be.Uint32(src[4:]), be.Uint32(src[8:])
	src = src[12:]
	switch {
	case ndim < 0:
		return storage.Value{}, pgerr.New(pgerr.InvalidBinaryRepresentation, "invalid number of dimensions: %d", ndim)
	case ndim > storage.MaxArrayDims:
		return storage.Value{}, pgerr.New(pgerr.ProgramLimitExceeded, "number of array dimensions (%d) exceeds the maximum allowed (%d)", ndim, storage.MaxArrayDims)
	case flags > 1:
		return storage.Value{}, pgerr.New(pgerr.InvalidBinaryRepresentation, "invalid array flags")
	}
	et := t.Elem()
	if oid != et.OID() {
		name := "unknown"
		if ot, ok := planner.TypeByOID(oid); ok {
			name = ot.Typname()
		}
		return storage.Value{}, pgerr.New(pgerr.DatatypeMismatch, "binary data has array element type %d (%s) instead of expected %d (%s)", oid, name, et.OID(), et.Typname())
	}
	if len(src) < 8*int(ndim) {
		return storage.Value{}, ErrBinaryFormat
	}
	dims := make([]storage.ArrayDim, ndim)
	n := int64(1)
	for i := range dims {
		dims[i] = storage.ArrayDim{Len: int32(be.Uint32(src[8*i:])), Lower: int32(be.Uint32(src[8*i+4:]))}
		if dims[i].Len < 0 {
			return storage.Value{}, ErrBinaryFormat
		}
		n *= int64(dims[i].Len)
		if n > int64(len(src)) { // every element takes at least 4 bytes
			return storage.Value{}, ErrBinaryFormat
		}
	}
	src = src[8*ndim:]
	if ndim == 0 || n == 0 {
		if len(src) != 0 {
			return storage.Value{}, ErrBinaryFormat
		}
		return storage.EmptyArray(et.T), nil
	}
	elems := make([]storage.Value, n)
	for i := range elems {
		if len(src) < 4 {
			return storage.Value{}, ErrBinaryFormat
		}
		l := int32(be.Uint32(src))
		src = src[4:]
		if l == -1 {
			continue
		}
		if l < 0 || int(l) > len(src) {
			return storage.Value{}, ErrBinaryFormat
		}
		v, err := decodeBinary(src[:l], et.T)
		if err != nil {
			return storage.Value{}, err
		}
		elems[i] = v
		src = src[l:]
	}
	if len(src) != 0 {
		return storage.Value{}, ErrBinaryFormat
	}
	return sem.MakeArray(et.T, dims, elems)
}
