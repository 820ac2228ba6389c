package storage

// Row encoding: the compact, schema-driven form in which a table stores its
// rows. It carries no type tags, so it is only meaningful together with the
// column types it was written with.
//
//	row    = count bitmap column*
//	count  = uvarint n              number of encoded columns, n <= len(types)
//	bitmap = ceil(n/8) bytes        bit i%8 of byte i/8 set <=> column i is NULL
//	column = one per non-NULL column i < n, in column order, laid out by types[i]:
//
//	  boolean                 +------+                                  1 byte
//	                          | 0/1  |
//	                          +------+
//	  smallint                | i16  |                                  2 bytes
//	  integer, date           | i32  |                                  4 bytes
//	  bigint, timestamp(tz)   | i64  |                                  8 bytes
//	  real                    | f32 bits |                              4 bytes
//	  double precision        | f64 bits |                              8 bytes
//	  interval                | months i32 | days i32 | µs i64 |       16 bytes
//	  uuid                    | 16 bytes as is |                       16 bytes
//	  text, bytea             | uvarint len | len bytes |
//	  arrays                  | uvarint len | payload (array.go) |
//	  numeric                 | form | zigzag exponent | uvarint len | coefficient |
//	                          (only form for NaN and ±Inf)
//
//	  All fixed-size integers and float bits are little-endian.
//	  numeric form:  0 finite ≥ 0, 1 finite < 0, 2 NaN, 3 +Inf, 4 -Inf;
//	  exponent: the apd exponent (value = ±coefficient × 10^exponent), int32;
//	  coefficient: len bytes, big-endian magnitude, no leading zero byte.
//
// Example: (int32 7, NULL, text 'hi') with types (integer, text, text):
//
//	03 | 02 | 07 00 00 00 | 02 68 69
//
// Invariants:
//
//  1. Decoding never reads past len(src) and never panics, whatever src
//     holds; every malformed input yields an error wrapping ErrCorruptRow.
//  2. The encoding is canonical: if DecodeRow(b) succeeds then EncodeRow of
//     the result (over the first n types) reproduces b exactly. Decoding
//     therefore rejects non-minimal varints, set padding bits in the bitmap,
//     booleans other than 0/1, coefficients with leading zero bytes,
//     negative zero and trailing bytes. Float bits, NaN payloads included,
//     are preserved.
//  3. n may be smaller than len(types): the missing trailing columns decode
//     as NULL. This is how ALTER TABLE ADD COLUMN avoids rewriting rows; the
//     SQL layer applies defaults. n larger than len(types) is corruption.
//  4. A numeric keeps its exponent (its display scale), so 1.0 and 1.00
//     encode differently although they compare equal.
//  5. EncodeRow allocates nothing beyond growing dst once: it sizes the row
//     first and checks every value before writing a byte, so a failed
//     encode leaves dst's contents unchanged.

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
	"slices"

	"github.com/cockroachdb/apd/v3"
)

// Numeric form bytes of the row encoding.
const (
	numFinitePos  = 0
	numFiniteNeg  = 1
	numFormNaN    = 2
	numFormPosInf = 3
	numFormNegInf = 4
)

// fixedWidth returns the encoded width of fixed-size column types, 0 for
// variable-size ones.
func fixedWidth(t Type) int {
	switch t {
	case TypeBool:
		return 1
	case TypeInt16:
		return 2
	case TypeInt32, TypeFloat32, TypeDate:
		return 4
	case TypeInt64, TypeFloat64, TypeTimestamp, TypeTimestampTZ:
		return 8
	case TypeInterval, TypeUUID:
		return 16
	}
	return 0
}

// EncodeRow appends the encoding of row, whose column types are types, to
// dst and returns the extended slice. len(row) must equal len(types) and
// every non-NULL value must be storable in its column: integers in any
// integer column they fit in, real and double precision in either float
// column when the value is exactly representable (NaN and ±Inf always
// are), timestamp and timestamptz in either timestamp column, and every
// other type only in a column of its own type. Errors wrap ErrColumnCount,
// ErrUnknownType, ErrTypeMismatch or ErrOutOfRange.
func EncodeRow(dst []byte, types []Type, row []Value) ([]byte, error) {
	if len(row) != len(types) {
		return dst, fmt.Errorf("%w: %d values for %d columns", ErrColumnCount, len(row), len(types))
	}
	n := len(types)
	size := uvarintLen(uint64(n)) + (n+7)/8
	for i, v := range row {
		w, err := encodedSize(types[i], v)
		if err != nil {
			return dst, fmt.Errorf("column %d: %w", i, err)
		}
		size += w
	}
	dst = slices.Grow(dst, size)

	dst = binary.AppendUvarint(dst, uint64(n))
	bitmap := len(dst)
	dst = append(dst, make([]byte, (n+7)/8)...) // compiled to a memclr, no allocation
	for i, v := range row {
		if v.typ == TypeNull {
			dst[bitmap+i/8] |= 1 << (i % 8)
			continue
		}
		dst = appendColumn(dst, types[i], v)
	}
	return dst, nil
}

// encodedSize checks that v can be stored in a column of type t and returns
// the size of its encoding (0 for NULL).
func encodedSize(t Type, v Value) (int, error) {
	if !validColumnType(t) {
		return 0, fmt.Errorf("%w: %d", ErrUnknownType, uint8(t))
	}
	if v.typ == TypeNull {
		return 0, nil
	}
	if v.typ.family() != t.family() || t.IsArray() && v.typ != t {
		return 0, fmt.Errorf("%w: %s value in %s column", ErrTypeMismatch, v.typ, t)
	}
	if t.IsArray() {
		return uvarintLen(uint64(len(v.s))) + len(v.s), nil
	}
	switch t {
	case TypeInt16:
		if v.i != int64(int16(v.i)) {
			return 0, fmt.Errorf("%w: %d in %s column", ErrOutOfRange, v.i, t)
		}
	case TypeInt32:
		if v.i != int64(int32(v.i)) {
			return 0, fmt.Errorf("%w: %d in %s column", ErrOutOfRange, v.i, t)
		}
	case TypeFloat32:
		// Rounding here would silently change a stored value; the SQL layer
		// must cast (and round) explicitly before storing.
		f := math.Float64frombits(uint64(v.i))
		if float64(float32(f)) != f && !math.IsNaN(f) {
			return 0, fmt.Errorf("%w: %v not exact in %s column", ErrOutOfRange, f, t)
		}
	case TypeText, TypeBytea, TypeJSON, TypeJSONB:
		return uvarintLen(uint64(len(v.s))) + len(v.s), nil
	case TypeNumeric:
		if v.d.Form != apd.Finite {
			return 1, nil
		}
		nb := (v.d.Coeff.BitLen() + 7) / 8
		return 1 + varintLen(int64(v.d.Exponent)) + uvarintLen(uint64(nb)) + nb, nil
	}
	return fixedWidth(t), nil
}

// appendColumn appends the encoding of v, already checked by encodedSize.
func appendColumn(dst []byte, t Type, v Value) []byte {
	if t.IsArray() {
		dst = binary.AppendUvarint(dst, uint64(len(v.s)))
		return append(dst, v.s...)
	}
	switch t {
	case TypeBool:
		return append(dst, byte(v.i))
	case TypeInt16:
		return binary.LittleEndian.AppendUint16(dst, uint16(v.i))
	case TypeInt32, TypeDate:
		return binary.LittleEndian.AppendUint32(dst, uint32(v.i))
	case TypeInt64, TypeTimestamp, TypeTimestampTZ, TypeFloat64:
		return binary.LittleEndian.AppendUint64(dst, uint64(v.i))
	case TypeFloat32:
		return binary.LittleEndian.AppendUint32(dst, narrowFloat64(uint64(v.i)))
	case TypeInterval:
		dst = binary.LittleEndian.AppendUint32(dst, uint32(v.j>>32))
		dst = binary.LittleEndian.AppendUint32(dst, uint32(v.j))
		return binary.LittleEndian.AppendUint64(dst, uint64(v.i))
	case TypeUUID:
		dst = binary.BigEndian.AppendUint64(dst, uint64(v.i))
		return binary.BigEndian.AppendUint64(dst, uint64(v.j))
	case TypeText, TypeBytea, TypeJSON, TypeJSONB:
		dst = binary.AppendUvarint(dst, uint64(len(v.s)))
		return append(dst, v.s...)
	case TypeNumeric:
		return appendNumeric(dst, v.d)
	}
	panic("storage: appendColumn: unchecked type " + t.String())
}

func appendNumeric(dst []byte, d *apd.Decimal) []byte {
	switch numericClass(d) {
	case numNaN:
		return append(dst, numFormNaN)
	case numPosInf:
		return append(dst, numFormPosInf)
	case numNegInf:
		return append(dst, numFormNegInf)
	case numNeg:
		dst = append(dst, numFiniteNeg)
	default:
		dst = append(dst, numFinitePos)
	}
	dst = binary.AppendVarint(dst, int64(d.Exponent))
	nb := (d.Coeff.BitLen() + 7) / 8
	dst = binary.AppendUvarint(dst, uint64(nb))
	// Bits exposes the words without copying (BigInt.Bytes would allocate).
	words := d.Coeff.Bits()
	const wordBytes = bits.UintSize / 8
	for k := nb - 1; k >= 0; k-- {
		dst = append(dst, byte(words[k/wordBytes]>>(8*(k%wordBytes))))
	}
	return dst
}

// DecodeRow decodes a row encoded with the column types types (or a prefix
// of them: columns added since decode as NULL), appending the values to
// dst[:0] and returning the result, which always has len(types) values.
// Text and bytea values are copied out of src, so src may be reused.
// Corrupt input yields an error wrapping ErrCorruptRow and dst[:0].
func DecodeRow(src []byte, types []Type, dst []Value) ([]Value, error) {
	dst = dst[:0]
	n, bitmap, body, err := decodeRowHeader(src, types)
	if err != nil {
		return dst, err
	}
	for i := 0; i < n; i++ {
		if bitmap[i/8]&(1<<(i%8)) != 0 {
			dst = append(dst, Value{})
			continue
		}
		v, w, err := decodeColumn(body, types[i])
		if err != nil {
			return dst[:0], fmt.Errorf("column %d: %w", i, err)
		}
		dst = append(dst, v)
		body = body[w:]
	}
	if len(body) != 0 {
		return dst[:0], corruptRow("%d trailing bytes", len(body))
	}
	for i := n; i < len(types); i++ {
		dst = append(dst, Value{})
	}
	return dst, nil
}

// DecodeColumn decodes column col of a row encoded with types, skipping the
// columns before it without materializing them. Unlike DecodeRow it does
// not validate the columns after col.
func DecodeColumn(src []byte, types []Type, col int) (Value, error) {
	if col < 0 || col >= len(types) {
		return Value{}, fmt.Errorf("storage: column %d out of range for %d columns", col, len(types))
	}
	n, bitmap, body, err := decodeRowHeader(src, types)
	if err != nil {
		return Value{}, err
	}
	if col >= n || bitmap[col/8]&(1<<(col%8)) != 0 {
		return Value{}, nil
	}
	for i := 0; i < col; i++ {
		if bitmap[i/8]&(1<<(i%8)) != 0 {
			continue
		}
		w, err := skipColumn(body, types[i])
		if err != nil {
			return Value{}, fmt.Errorf("column %d: %w", i, err)
		}
		body = body[w:]
	}
	v, _, err := decodeColumn(body, types[col])
	if err != nil {
		return Value{}, fmt.Errorf("column %d: %w", col, err)
	}
	return v, nil
}

// decodeRowHeader validates the column count and null bitmap and returns
// the count, the bitmap and the bytes after it.
func decodeRowHeader(src []byte, types []Type) (n int, bitmap, body []byte, err error) {
	for _, t := range types {
		if !validColumnType(t) {
			return 0, nil, nil, fmt.Errorf("%w: %d", ErrUnknownType, uint8(t))
		}
	}
	u, k, err := readUvarint(src)
	if err != nil {
		return 0, nil, nil, fmt.Errorf("column count: %w", err)
	}
	if u > uint64(len(types)) {
		return 0, nil, nil, corruptRow("%d columns, schema has %d", u, len(types))
	}
	n = int(u)
	nb := (n + 7) / 8
	if len(src)-k < nb {
		return 0, nil, nil, corruptRow("truncated null bitmap")
	}
	bitmap = src[k : k+nb]
	if n%8 != 0 && bitmap[nb-1]>>(n%8) != 0 {
		return 0, nil, nil, corruptRow("padding bits set in null bitmap")
	}
	return n, bitmap, src[k+nb:], nil
}

// decodeColumn decodes one non-NULL column from the front of src and
// returns it with the number of bytes consumed.
func decodeColumn(src []byte, t Type) (Value, int, error) {
	if w := fixedWidth(t); len(src) < w {
		return Value{}, 0, corruptRow("truncated %s", t)
	}
	le := binary.LittleEndian
	if t.IsArray() {
		l, k, err := readLength(src)
		if err != nil {
			return Value{}, 0, err
		}
		s := string(src[k : k+l])
		if _, err := decodeArrayPayload(s, t.Elem()); err != nil {
			return Value{}, 0, fmt.Errorf("array: %w", err)
		}
		return Value{typ: t, s: s}, k + l, nil
	}
	switch t {
	case TypeBool:
		if src[0] > 1 {
			return Value{}, 0, corruptRow("boolean byte %#x", src[0])
		}
		return Value{typ: t, i: int64(src[0])}, 1, nil
	case TypeInt16:
		return Value{typ: t, i: int64(int16(le.Uint16(src)))}, 2, nil
	case TypeInt32, TypeDate:
		return Value{typ: t, i: int64(int32(le.Uint32(src)))}, 4, nil
	case TypeInt64, TypeTimestamp, TypeTimestampTZ, TypeFloat64:
		return Value{typ: t, i: int64(le.Uint64(src))}, 8, nil
	case TypeFloat32:
		return Value{typ: t, i: int64(widenFloat32(math.Float32frombits(le.Uint32(src))))}, 4, nil
	case TypeInterval:
		return Interval(int32(le.Uint32(src)), int32(le.Uint32(src[4:])), int64(le.Uint64(src[8:]))), 16, nil
	case TypeUUID:
		return Value{typ: t, i: int64(binary.BigEndian.Uint64(src)), j: int64(binary.BigEndian.Uint64(src[8:]))}, 16, nil
	case TypeText, TypeBytea, TypeJSON, TypeJSONB:
		l, k, err := readLength(src)
		if err != nil {
			return Value{}, 0, err
		}
		return Value{typ: t, s: string(src[k : k+l])}, k + l, nil
	case TypeNumeric:
		return decodeNumeric(src)
	}
	return Value{}, 0, fmt.Errorf("%w: %d", ErrUnknownType, uint8(t))
}

// skipColumn returns the size of the non-NULL column at the front of src,
// checking only what is needed to find its end.
func skipColumn(src []byte, t Type) (int, error) {
	if w := fixedWidth(t); w != 0 {
		if len(src) < w {
			return 0, corruptRow("truncated %s", t)
		}
		return w, nil
	}
	if t == TypeText || t == TypeBytea || t == TypeJSON || t == TypeJSONB || t.IsArray() {
		l, k, err := readLength(src)
		return k + l, err
	}
	_, w, err := decodeNumeric(src)
	return w, err
}

func decodeNumeric(src []byte) (Value, int, error) {
	if len(src) == 0 {
		return Value{}, 0, corruptRow("truncated numeric")
	}
	d := new(apd.Decimal)
	switch src[0] {
	case numFormNaN:
		d.Form = apd.NaN
		return Value{typ: TypeNumeric, d: d}, 1, nil
	case numFormPosInf, numFormNegInf:
		d.Form, d.Negative = apd.Infinite, src[0] == numFormNegInf
		return Value{typ: TypeNumeric, d: d}, 1, nil
	case numFinitePos, numFiniteNeg:
		d.Negative = src[0] == numFiniteNeg
	default:
		return Value{}, 0, corruptRow("numeric form byte %#x", src[0])
	}
	pos := 1
	exp, k, err := readVarint(src[pos:])
	if err != nil {
		return Value{}, 0, fmt.Errorf("numeric exponent: %w", err)
	}
	if exp != int64(int32(exp)) {
		return Value{}, 0, corruptRow("numeric exponent %d out of range", exp)
	}
	d.Exponent = int32(exp)
	pos += k
	l, k, err := readLength(src[pos:])
	if err != nil {
		return Value{}, 0, fmt.Errorf("numeric coefficient: %w", err)
	}
	pos += k
	coeff := src[pos : pos+l]
	switch {
	case l > 0 && coeff[0] == 0:
		return Value{}, 0, corruptRow("numeric coefficient has a leading zero byte")
	case l == 0 && d.Negative:
		return Value{}, 0, corruptRow("negative numeric zero")
	case l <= 8:
		var u uint64
		for _, b := range coeff {
			u = u<<8 | uint64(b)
		}
		d.Coeff.SetUint64(u)
	default:
		d.Coeff.SetBytes(coeff)
	}
	return Value{typ: TypeNumeric, d: d}, pos + l, nil
}

// readLength reads a uvarint length and checks that that many bytes follow.
func readLength(src []byte) (l, k int, err error) {
	u, k, err := readUvarint(src)
	if err != nil {
		return 0, 0, err
	}
	if u > uint64(len(src)-k) {
		return 0, 0, corruptRow("length %d past end of row", u)
	}
	return int(u), k, nil
}

// readUvarint is binary.Uvarint that also rejects non-minimal encodings,
// which keeps the encoding canonical (invariant 2).
func readUvarint(src []byte) (uint64, int, error) {
	u, k := binary.Uvarint(src)
	switch {
	case k == 0:
		return 0, 0, corruptRow("truncated varint")
	case k < 0:
		return 0, 0, corruptRow("varint overflows 64 bits")
	case k > 1 && src[k-1] == 0:
		return 0, 0, corruptRow("non-minimal varint")
	}
	return u, k, nil
}

func readVarint(src []byte) (int64, int, error) {
	u, k, err := readUvarint(src)
	// Undo the zigzag transform of binary.AppendVarint.
	return int64(u>>1) ^ -int64(u&1), k, err
}

func uvarintLen(u uint64) int {
	return (bits.Len64(u|1) + 6) / 7
}

func varintLen(x int64) int {
	return uvarintLen(uint64(x<<1) ^ uint64(x>>63))
}

func corruptRow(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrCorruptRow}, args...)...)
}
