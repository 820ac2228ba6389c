package pgcodec

import (
	"encoding/binary"
	"math"

	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/sql/planner"
	"github.com/persiandb/persiandb/storage"
)

// The binary formats are big-endian copies of what storage already holds
// (timestamps as µs and dates as days since 2000-01-01, intervals as µs,
// days, months), so they are written directly rather than through
// pgtype's codecs, which would box every value in an interface.

// Valid ranges of finite dates and timestamps, as date_recv and
// timestamp_recv check them: Julian day 0 (4714-11-24 BC) up to the ends
// of the types.
const (
	minDate      = -2451545             // Julian day 0, in days since 2000-01-01
	endDate      = 2147483494 - 2451545 // first day past 5874897-12-31
	minTimestamp = -211813488000000000  // Julian day 0, in µs since 2000-01-01
	endTimestamp = 9223371331200000000  // first µs past 294276-12-31
)

// AppendBinary appends v's binary-format representation, the bytes
// Postgres's typsend for t.OID() produces. v must be non-NULL and of t's
// storage type or a compatible one (any integer for an integer type, any
// float for a float type); anything else is an internal error, not a
// panic, so that one bad column cannot take down the connection.
func AppendBinary(buf []byte, v storage.Value, t planner.Type) ([]byte, error) {
	vt := v.Type()
	if t.IsArray() {
		return appendArrayBinary(buf, v, t)
	}
	if t.IsOID() && (vt == storage.TypeInt64 || vt == storage.TypeInt32) {
		// oidsend: an unsigned 4-byte integer.
		return binary.BigEndian.AppendUint32(buf, uint32(v.AsInt64())), nil
	}
	switch t.T {
	case storage.TypeBool:
		if vt != storage.TypeBool {
			break
		}
		if v.AsBool() {
			return append(buf, 1), nil
		}
		return append(buf, 0), nil
	case storage.TypeInt16, storage.TypeInt32, storage.TypeInt64:
		if vt != storage.TypeInt16 && vt != storage.TypeInt32 && vt != storage.TypeInt64 {
			break
		}
		x := v.AsInt64()
		switch t.T {
		case storage.TypeInt16:
			if x != int64(int16(x)) {
				return buf, pgerr.New(pgerr.NumericValueOutOfRange, "smallint out of range")
			}
			return binary.BigEndian.AppendUint16(buf, uint16(x)), nil
		case storage.TypeInt32:
			if x != int64(int32(x)) {
				return buf, pgerr.New(pgerr.NumericValueOutOfRange, "integer out of range")
			}
			return binary.BigEndian.AppendUint32(buf, uint32(x)), nil
		}
		return binary.BigEndian.AppendUint64(buf, uint64(x)), nil
	case storage.TypeFloat32, storage.TypeFloat64:
		if vt != storage.TypeFloat32 && vt != storage.TypeFloat64 {
			break
		}
		f := v.AsFloat64()
		if t.T == storage.TypeFloat32 {
			return binary.BigEndian.AppendUint32(buf, float32Bits(f)), nil
		}
		return binary.BigEndian.AppendUint64(buf, math.Float64bits(f)), nil
	case storage.TypeNumeric:
		if vt == storage.TypeNumeric {
			return appendNumeric(buf, v.AsNumeric())
		}
	case storage.TypeText, storage.TypeBytea:
		if vt == t.T {
			return append(buf, v.AsString()...), nil
		}
	case storage.TypeDate:
		if vt == storage.TypeDate {
			return binary.BigEndian.AppendUint32(buf, uint32(v.AsDate())), nil
		}
	case storage.TypeTimestamp, storage.TypeTimestampTZ:
		if vt == storage.TypeTimestamp || vt == storage.TypeTimestampTZ {
			return binary.BigEndian.AppendUint64(buf, uint64(v.AsMicros())), nil
		}
	case storage.TypeInterval:
		if vt == storage.TypeInterval {
			months, days, micros := v.AsInterval()
			buf = binary.BigEndian.AppendUint64(buf, uint64(micros))
			buf = binary.BigEndian.AppendUint32(buf, uint32(days))
			return binary.BigEndian.AppendUint32(buf, uint32(months)), nil
		}
	case storage.TypeUUID:
		if vt == storage.TypeUUID {
			u := v.AsUUID()
			return append(buf, u[:]...), nil
		}
	case storage.TypeJSON:
		if vt == storage.TypeJSON {
			return append(buf, v.AsJSONText()...), nil
		}
	case storage.TypeJSONB:
		if vt == storage.TypeJSONB { // jsonb_send: version 1, then the text
			return append(append(buf, jsonbBinaryVersion), v.AsJSONText()...), nil
		}
	}
	return buf, pgerr.New(pgerr.InternalError, "cannot send a %s value as type %s", vt, t.Name)
}

// float32Bits narrows a real widened by storage.Float32 back to its
// original bits. Hardware conversion would quiet a signaling NaN, so NaNs
// are narrowed by hand, the inverse of storage's widening.
func float32Bits(f float64) uint32 {
	if f == f {
		return math.Float32bits(float32(f))
	}
	u := math.Float64bits(f)
	payload := uint32(u>>29) & 0x7fffff
	if payload == 0 { // the payload was only in bits float32 lacks
		payload = 0x400000
	}
	return uint32(u>>63)<<31 | 0xff<<23 | payload
}

// DecodeBinary parses a binary-format Bind parameter or COPY field of type
// t as Postgres's typreceive does, then applies t's modifier as for a
// column. Malformed input is an error, never a panic: a length that does
// not fit the type is ErrBinaryFormat (22P03).
func DecodeBinary(src []byte, t planner.Type) (storage.Value, error) {
	if t.IsArray() {
		v, err := decodeArrayBinary(src, t)
		if err != nil {
			return storage.Value{}, err
		}
		return planner.ApplyTypmod(v, t, false)
	}
	if t.IsOID() {
		if len(src) != 4 {
			return storage.Value{}, ErrBinaryFormat
		}
		return storage.Int64(int64(binary.BigEndian.Uint32(src))), nil
	}
	v, err := decodeBinary(src, t.T)
	if err != nil {
		return storage.Value{}, err
	}
	return planner.ApplyTypmod(v, t, false)
}

func decodeBinary(src []byte, t storage.Type) (storage.Value, error) {
	be := binary.BigEndian
	if size := fixedSize(t); size > 0 && len(src) != size {
		return storage.Value{}, ErrBinaryFormat
	}
	switch t {
	case storage.TypeBool:
		return storage.Bool(src[0] != 0), nil // boolrecv: any non-zero byte is true
	case storage.TypeInt16:
		return storage.Int16(int16(be.Uint16(src))), nil
	case storage.TypeInt32:
		return storage.Int32(int32(be.Uint32(src))), nil
	case storage.TypeInt64:
		return storage.Int64(int64(be.Uint64(src))), nil
	case storage.TypeFloat32:
		return storage.Float32(math.Float32frombits(be.Uint32(src))), nil
	case storage.TypeFloat64:
		return storage.Float64(math.Float64frombits(be.Uint64(src))), nil
	case storage.TypeNumeric:
		return decodeNumeric(src)
	case storage.TypeText:
		if err := verifyUTF8(src); err != nil {
			return storage.Value{}, err
		}
		return storage.Text(string(src)), nil
	case storage.TypeBytea:
		return storage.Bytea(src), nil
	case storage.TypeDate:
		d := int32(be.Uint32(src))
		if d != math.MinInt32 && d != math.MaxInt32 && (d < minDate || d >= endDate) {
			return storage.Value{}, errDateRange
		}
		return storage.Date(d), nil
	case storage.TypeTimestamp, storage.TypeTimestampTZ:
		us := int64(be.Uint64(src))
		if us != math.MinInt64 && us != math.MaxInt64 && (us < minTimestamp || us >= endTimestamp) {
			return storage.Value{}, errTimestampRange
		}
		if t == storage.TypeTimestampTZ {
			return storage.TimestampTZ(us), nil
		}
		return storage.Timestamp(us), nil
	case storage.TypeInterval:
		return storage.Interval(int32(be.Uint32(src[12:])), int32(be.Uint32(src[8:])), int64(be.Uint64(src))), nil
	case storage.TypeUUID:
		return storage.UUID([16]byte(src)), nil
	case storage.TypeJSON, storage.TypeJSONB:
		return decodeJSONBinary(src, t)
	}
	return storage.Value{}, pgerr.New(pgerr.FeatureNotSupported, "no binary input function available for type %s", t)
}

// fixedSize is the binary length of a fixed-width type, 0 for the others.
func fixedSize(t storage.Type) int {
	if n := planner.TypeOf(t).Size(); n > 0 {
		return int(n)
	}
	return 0
}
