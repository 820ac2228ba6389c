package storage

// Key encoding: composite keys whose bytewise order (bytes.Compare) is the
// order of the tuples they encode, column by column, so that btrees of
// plain byte strings can serve SQL ordering and uniqueness.
//
//	key       = component*
//	component = marker body?          written ascending, then every byte
//	                                  (marker included) inverted if Desc
//	marker    = 0x10 NULL sorting low | 0x20 present | 0x30 NULL sorting high
//
// A NULL is just its marker. Which NULL marker a column uses is chosen so
// that after the optional inversion NULLs land where KeyColumn says: the
// ascending-space marker is "high" exactly when NullsFirst == Desc. The
// gaps between marker values are reserved for future sentinels (e.g.
// range bounds that sort below or above any component).
//
// Bodies, by family (all types of a family encode identically, so that a
// smallint column value and a bigint literal of equal value give equal
// bytes):
//
//	boolean                   0x00 false | 0x01 true
//	smallint/integer/bigint   8 bytes big-endian, uint64(x) with the sign bit flipped
//	date                      the same 8-byte form of the day number
//	timestamp, timestamptz    the same 8-byte form of the microseconds
//	real, double precision    8 bytes big-endian of the float64 bits, flipped
//	                          entirely if negative, else only the sign bit;
//	                          -0 is written as +0, every NaN as ff×8 (above +Inf)
//	numeric                   class [exponent digits 0x00]
//	    class     0x01 -Inf | 0x02 negative | 0x03 zero | 0x04 positive | 0x05 +Inf | 0x06 NaN
//	    exponent  power of ten of the leading digit, as an ordered varint
//	    digits    significant digits without trailing zeros, one byte each (digit+1)
//	              negative values: exponent, digits and terminator all inverted
//	text, bytea               the bytes with 0x00 escaped as 0x00 0xff, then 0x00 0x01
//	interval                  16 bytes: the total span in µs (month = 30 days,
//	                          day = 24 h) as a signed 128-bit integer, sign bit
//	                          flipped, big-endian
//	uuid                      the 16 bytes
//	arrays                    the elements as components, 0x00, then the
//	                          dimensions (see appendArrayKey in array.go)
//
// The ordered varint (appendOrderedInt) spends one byte on 0 ≤ x ≤ 109
// and at most nine bytes on any int64; its first byte orders the lengths.
//
// Invariants:
//
//  1. For tuples a and b encoded with the same KeyColumns, the sign of
//     bytes.Compare(EncodeKey(a), EncodeKey(b)) is the sign of comparing a
//     and b column by column with Compare, reversed for Desc columns, NULLs
//     placed by NullsFirst. In particular equal tuples (1 = 1.00,
//     -0 = +0, NaN = NaN, '1 mon' = '30 days') encode to equal bytes.
//  2. Every component is prefix-free: no encoded component is a proper
//     prefix of another. Hence concatenations compare component-wise, a key
//     may be followed by more data (e.g. a primary key), and inverting a
//     component reverses its order.
//  3. Decoding never reads past len(src) nor panics; malformed input yields
//     an error wrapping ErrCorruptKey. Decoding rejects non-canonical
//     encodings, so decode followed by encode reproduces the bytes.
//  4. Keys are not the source of truth: decoding returns a value equal
//     under Compare, not always the original. Numerics lose their display
//     scale (1.00 decodes as 1), -0.0 decodes as 0, NaN payloads are lost,
//     and intervals come back normalized (see DecodeKey). Fetch the row for
//     the exact value.

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
	"strings"

	"github.com/cockroachdb/apd/v3"
)

// KeyColumn is the ordering of one key column. The zero value is ASC NULLS
// LAST, Postgres's default for ascending columns; Postgres's default for
// DESC is NULLS FIRST, which callers must ask for explicitly.
type KeyColumn struct {
	Desc       bool
	NullsFirst bool
}

const (
	keyNullLow  = 0x10
	keyPresent  = 0x20
	keyNullHigh = 0x30
)

// nullMarker returns the ascending-space marker that, after a Desc
// inversion, puts NULLs where col wants them.
func (col KeyColumn) nullMarker() byte {
	if col.NullsFirst == col.Desc {
		return keyNullHigh
	}
	return keyNullLow
}

// mask is XORed into every byte of a Desc component.
func (col KeyColumn) mask() byte {
	if col.Desc {
		return 0xff
	}
	return 0
}

// EncodeKey appends the key encoding of vals to dst and returns the
// extended slice. cols gives each column's ordering; nil means every
// column is ASC NULLS LAST. cols may be longer than vals, which encodes a
// prefix of a longer key (for range scans); shorter panics.
func EncodeKey(dst []byte, cols []KeyColumn, vals []Value) []byte {
	for i, v := range vals {
		var col KeyColumn
		if cols != nil {
			col = cols[i]
		}
		dst = AppendKeyValue(dst, v, col)
	}
	return dst
}

// AppendKeyValue appends the key encoding of one component.
func AppendKeyValue(dst []byte, v Value, col KeyColumn) []byte {
	start := len(dst)
	if v.typ == TypeNull {
		dst = append(dst, col.nullMarker())
	} else {
		dst = append(dst, keyPresent)
		dst = appendKeyBody(dst, v)
	}
	if col.Desc {
		invert(dst[start:])
	}
	return dst
}

func appendKeyBody(dst []byte, v Value) []byte {
	switch v.typ.family() {
	case famBool:
		return append(dst, byte(v.i))
	case famInt, famDate, famTimestamp:
		return binary.BigEndian.AppendUint64(dst, uint64(v.i)^1<<63)
	case famFloat:
		return binary.BigEndian.AppendUint64(dst, floatKey(math.Float64frombits(uint64(v.i))))
	case famNumeric:
		return appendNumericKey(dst, v.d)
	case famText, famBytea, famJSON:
		return appendEscaped(dst, v.s)
	case famJSONB:
		return appendEscaped(dst, jsonbEqualKey(v))
	case famInterval:
		hi, lo := intervalSpan(v)
		dst = binary.BigEndian.AppendUint64(dst, uint64(hi)^1<<63)
		return binary.BigEndian.AppendUint64(dst, lo)
	case famUUID:
		dst = binary.BigEndian.AppendUint64(dst, uint64(v.i))
		return binary.BigEndian.AppendUint64(dst, uint64(v.j))
	case famArray:
		return appendArrayKey(dst, v)
	}
	panic("storage: AppendKeyValue of invalid type " + v.typ.String())
}

// floatKey maps a float64 to a uint64 with the same order as compareFloat.
// Flipping only the sign bit of positives puts them above negatives; fully
// inverting negatives reverses their magnitude order.
func floatKey(f float64) uint64 {
	if f != f {
		return math.MaxUint64 // one NaN, above +Inf's 0xfff0…
	}
	if f == 0 {
		f = 0 // -0 == +0 must encode equal
	}
	b := math.Float64bits(f)
	if b>>63 != 0 {
		return ^b
	}
	return b | 1<<63
}

func floatFromKey(u uint64) float64 {
	if u>>63 != 0 {
		return math.Float64frombits(u &^ (1 << 63))
	}
	return math.Float64frombits(^u)
}

func appendNumericKey(dst []byte, d *apd.Decimal) []byte {
	class := numericClass(d)
	dst = append(dst, byte(class))
	if class != numPos && class != numNeg {
		return dst
	}
	// Append the digits first: their count determines the exponent, and
	// the coefficient's own Append avoids allocating for small values.
	digitsStart := len(dst)
	dst = d.Coeff.Append(dst, 10)
	nd := len(dst) - digitsStart
	for dst[len(dst)-1] == '0' {
		dst = dst[:len(dst)-1]
	}
	for i := digitsStart; i < len(dst); i++ {
		dst[i] = dst[i] - '0' + 1
	}
	dst = append(dst, 0)

	var expBuf [9]byte
	exp := appendOrderedInt(expBuf[:0], int64(d.Exponent)+int64(nd)-1)
	// Shift the digits right to make room for the exponent before them.
	dst = append(dst, exp...)
	copy(dst[digitsStart+len(exp):], dst[digitsStart:len(dst)-len(exp)])
	copy(dst[digitsStart:], exp)

	if class == numNeg {
		invert(dst[digitsStart:])
	}
	return dst
}

// appendEscaped writes s so that the result is prefix-free and orders like
// s: 0x00 becomes 0x00 0xff and the end is 0x00 0x01, which sorts below
// any continuation, so a string sorts before its extensions.
func appendEscaped(dst []byte, s string) []byte {
	for {
		i := strings.IndexByte(s, 0)
		if i < 0 {
			break
		}
		dst = append(dst, s[:i+1]...)
		dst = append(dst, 0xff)
		s = s[i+1:]
	}
	dst = append(dst, s...)
	return append(dst, 0x00, 0x01)
}

// Ordered varint layout, by first byte:
//
//	0x80-0x87  negative, 8-(b-0x80) bytes follow: the low bytes of x
//	0x88-0xf5  x = b-0x88, 0 ≤ x ≤ 109
//	0xf6-0xfd  positive, b-0xf5 bytes follow: x big-endian
//
// Longer negatives are more negative and longer positives larger, so the
// first byte orders different lengths and the bytes within one length.
const (
	oiMin   = 0x80
	oiZero  = oiMin + 8
	oiMax   = 0xfd
	oiSmall = oiMax - oiZero - 8
)

func appendOrderedInt(dst []byte, x int64) []byte {
	switch {
	case x < 0:
		n := 1
		for n < 8 && x <= -(1<<(8*n)) {
			n++
		}
		dst = append(dst, byte(oiMin+8-n))
		for k := n - 1; k >= 0; k-- {
			dst = append(dst, byte(x>>(8*k)))
		}
		return dst
	case x <= oiSmall:
		return append(dst, byte(oiZero+x))
	}
	n := (bits.Len64(uint64(x)) + 7) / 8
	dst = append(dst, byte(oiMax-8+n))
	for k := n - 1; k >= 0; k-- {
		dst = append(dst, byte(x>>(8*k)))
	}
	return dst
}

// readOrderedInt decodes an ordered varint whose bytes are XORed with mask.
func readOrderedInt(src []byte, mask byte) (int64, int, error) {
	if len(src) == 0 {
		return 0, 0, corruptKey("truncated ordered int")
	}
	b := src[0] ^ mask
	switch {
	case b >= oiZero && b <= oiZero+oiSmall:
		return int64(b) - oiZero, 1, nil
	case b < oiMin || b > oiMax:
		return 0, 0, corruptKey("ordered int prefix %#x", b)
	}
	neg := b < oiZero
	n := int(b) - (oiMax - 8)
	if neg {
		n = oiMin + 8 - int(b)
	}
	if len(src) < 1+n {
		return 0, 0, corruptKey("truncated ordered int")
	}
	var u uint64
	for _, c := range src[1 : 1+n] {
		u = u<<8 | uint64(c^mask)
	}
	if neg {
		x := int64(u)
		if n < 8 {
			x -= 1 << (8 * n)
		}
		// Canonical: x must need exactly n bytes.
		if x >= 0 || x <= -(1<<(8*n)) && n < 8 || n > 1 && x > -(1<<(8*(n-1))) {
			return 0, 0, corruptKey("non-canonical ordered int")
		}
		return x, 1 + n, nil
	}
	if u > math.MaxInt64 || u <= oiSmall || (bits.Len64(u)+7)/8 != n {
		return 0, 0, corruptKey("non-canonical ordered int")
	}
	return int64(u), 1 + n, nil
}

// DecodeKey decodes len(types) components from the front of src, encoded
// with cols (nil means all ASC NULLS LAST; otherwise len(cols) must be at
// least len(types)), appends them to dst[:0] and returns the values and
// the rest of src. Values take the given types, so a component must fit:
// decoding 70000 as a smallint is an error.
//
// Decoding is lossy where equal values share an encoding (invariant 4):
// numerics come back without trailing zeros, and an interval comes back
// normalized as the largest whole number of 30-day months, then whole
// days, then µs, all with the span's sign (clamped to the int32 range,
// which matters only for spans beyond 2^31 months). Errors wrap
// ErrCorruptKey, or ErrUnknownType for an invalid type.
func DecodeKey(src []byte, cols []KeyColumn, types []Type, dst []Value) ([]Value, []byte, error) {
	dst = dst[:0]
	for i, t := range types {
		if !validColumnType(t) {
			return dst[:0], src, fmt.Errorf("%w: %d", ErrUnknownType, uint8(t))
		}
		var col KeyColumn
		if cols != nil {
			col = cols[i]
		}
		v, w, err := decodeKeyValue(src, t, col)
		if err != nil {
			return dst[:0], src, fmt.Errorf("key column %d: %w", i, err)
		}
		dst = append(dst, v)
		src = src[w:]
	}
	return dst, src, nil
}

func decodeKeyValue(src []byte, t Type, col KeyColumn) (Value, int, error) {
	if len(src) == 0 {
		return Value{}, 0, corruptKey("truncated key")
	}
	mask := col.mask()
	switch m := src[0] ^ mask; m {
	case keyPresent:
	case col.nullMarker():
		return Value{}, 1, nil
	default:
		return Value{}, 0, corruptKey("marker %#x", m)
	}
	body := src[1:]
	var w int
	v := Value{typ: t}
	switch t.family() {
	case famBool:
		if len(body) < 1 {
			return Value{}, 0, corruptKey("truncated boolean")
		}
		if v.i = int64(body[0] ^ mask); v.i > 1 {
			return Value{}, 0, corruptKey("boolean byte %#x", v.i)
		}
		w = 1
	case famInt, famDate, famTimestamp:
		u, err := readKeyUint64(body, mask)
		if err != nil {
			return Value{}, 0, err
		}
		v.i, w = int64(u^1<<63), 8
		if !intFits(t, v.i) {
			return Value{}, 0, corruptKey("%d out of range for %s", v.i, t)
		}
	case famFloat:
		u, err := readKeyUint64(body, mask)
		if err != nil {
			return Value{}, 0, err
		}
		f := floatFromKey(u)
		if floatKey(f) != u {
			return Value{}, 0, corruptKey("non-canonical float")
		}
		if t == TypeFloat32 {
			if float64(float32(f)) != f && f == f {
				return Value{}, 0, corruptKey("%v out of range for %s", f, t)
			}
			v = Float32(float32(f))
		} else {
			v = Float64(f)
		}
		w = 8
	case famNumeric:
		d, n, err := readNumericKey(body, mask)
		if err != nil {
			return Value{}, 0, err
		}
		v.d, w = d, n
	case famJSONB:
		return Value{}, 0, corruptKey("jsonb has no decodable key encoding")
	case famText, famBytea, famJSON:
		s, n, err := readEscaped(body, mask)
		if err != nil {
			return Value{}, 0, err
		}
		v.s, w = s, n
	case famInterval:
		if len(body) < 16 {
			return Value{}, 0, corruptKey("truncated interval")
		}
		hi, _ := readKeyUint64(body, mask)
		lo, _ := readKeyUint64(body[8:], mask)
		months, days, micros, ok := normalizeSpan(int64(hi^1<<63), lo)
		if !ok {
			return Value{}, 0, corruptKey("interval span out of range")
		}
		v, w = Interval(months, days, micros), 16
	case famUUID:
		if len(body) < 16 {
			return Value{}, 0, corruptKey("truncated uuid")
		}
		hi, _ := readKeyUint64(body, mask)
		lo, _ := readKeyUint64(body[8:], mask)
		v.i, v.j, w = int64(hi), int64(lo), 16
	case famArray:
		a, n, err := readArrayKey(body, t, mask)
		if err != nil {
			return Value{}, 0, err
		}
		v, w = a, n
	}
	return v, 1 + w, nil
}

func intFits(t Type, x int64) bool {
	switch t {
	case TypeInt16:
		return x == int64(int16(x))
	case TypeInt32, TypeDate:
		return x == int64(int32(x))
	}
	return true
}

func readKeyUint64(src []byte, mask byte) (uint64, error) {
	if len(src) < 8 {
		return 0, corruptKey("truncated 8-byte value")
	}
	return binary.BigEndian.Uint64(src) ^ uint64(mask)*0x0101010101010101, nil
}

func readNumericKey(src []byte, mask byte) (*apd.Decimal, int, error) {
	if len(src) == 0 {
		return nil, 0, corruptKey("truncated numeric")
	}
	d := new(apd.Decimal)
	switch c := numClass(src[0] ^ mask); c {
	case numZero:
		return d, 1, nil
	case numNaN:
		d.Form = apd.NaN
		return d, 1, nil
	case numPosInf, numNegInf:
		d.Form, d.Negative = apd.Infinite, c == numNegInf
		return d, 1, nil
	case numPos, numNeg:
		d.Negative = c == numNeg
	default:
		return nil, 0, corruptKey("numeric class %#x", byte(c))
	}
	if d.Negative {
		mask = ^mask
	}
	pos := 1
	adj, k, err := readOrderedInt(src[pos:], mask)
	if err != nil {
		return nil, 0, err
	}
	pos += k
	end := bytes.IndexByte(src[pos:], mask) // the terminator 0x00, masked
	if end < 0 {
		return nil, 0, corruptKey("unterminated numeric digits")
	}
	digits := src[pos : pos+end]
	if len(digits) == 0 || digits[0]^mask == 1 || digits[len(digits)-1]^mask == 1 {
		return nil, 0, corruptKey("non-canonical numeric digits")
	}
	exp := adj - int64(len(digits)-1)
	if exp != int64(int32(exp)) {
		return nil, 0, corruptKey("numeric exponent out of range")
	}
	d.Exponent = int32(exp)
	if len(digits) <= 19 { // fits a uint64
		var u uint64
		for _, b := range digits {
			dg := b ^ mask - 1
			if dg > 9 {
				return nil, 0, corruptKey("numeric digit byte %#x", b^mask)
			}
			u = u*10 + uint64(dg)
		}
		d.Coeff.SetUint64(u)
	} else {
		ascii := make([]byte, len(digits))
		for i, b := range digits {
			dg := b ^ mask - 1
			if dg > 9 {
				return nil, 0, corruptKey("numeric digit byte %#x", b^mask)
			}
			ascii[i] = '0' + dg
		}
		d.Coeff.SetString(string(ascii), 10)
	}
	return d, pos + end + 1, nil
}

func readEscaped(src []byte, mask byte) (string, int, error) {
	var b strings.Builder
	pos := 0
	for {
		i := bytes.IndexByte(src[pos:], mask) // 0x00, masked
		if i < 0 || pos+i+1 >= len(src) {
			return "", 0, corruptKey("unterminated string")
		}
		seg := src[pos : pos+i]
		switch src[pos+i+1] ^ mask {
		case 0x01:
			if mask == 0 && b.Len() == 0 {
				return string(seg), pos + i + 2, nil
			}
			appendMasked(&b, seg, mask)
			return b.String(), pos + i + 2, nil
		case 0xff:
			appendMasked(&b, seg, mask)
			b.WriteByte(0)
			pos += i + 2
		default:
			return "", 0, corruptKey("bad escape in string")
		}
	}
}

func appendMasked(b *strings.Builder, seg []byte, mask byte) {
	if mask == 0 {
		b.Write(seg)
		return
	}
	b.Grow(len(seg))
	for _, c := range seg {
		b.WriteByte(c ^ mask)
	}
}

// normalizeSpan turns a span back into interval parts: whole months, whole
// days, then µs, each taking as much as fits in its type.
func normalizeSpan(hi int64, lo uint64) (months, days int32, micros int64, ok bool) {
	m, ok := quo128(hi, lo, microsPerMonth)
	if !ok {
		return 0, 0, 0, false
	}
	months = int32(max(math.MinInt32, min(math.MaxInt32, m)))
	ph, pl := mul64to128(int64(months), -microsPerMonth)
	hi, lo = add128(hi, lo, ph, pl)
	d, ok := quo128(hi, lo, microsPerDay)
	if !ok {
		return 0, 0, 0, false
	}
	days = int32(max(math.MinInt32, min(math.MaxInt32, d)))
	ph, pl = mul64to128(int64(days), -microsPerDay)
	hi, lo = add128(hi, lo, ph, pl)
	if hi != int64(lo)>>63 { // the rest must fit an int64
		return 0, 0, 0, false
	}
	return months, days, int64(lo), true
}

// quo128 divides the signed 128-bit (hi, lo) by d > 0, truncating toward
// zero; ok is false when the quotient needs more than 62 bits.
func quo128(hi int64, lo uint64, d uint64) (int64, bool) {
	neg := hi < 0
	uh, ul := uint64(hi), lo
	if neg {
		var borrow uint64
		ul, borrow = bits.Sub64(0, ul, 0)
		uh, _ = bits.Sub64(0, uh, borrow)
	}
	if uh >= d { // bits.Div64 would panic: the quotient exceeds 64 bits
		return 0, false
	}
	q, _ := bits.Div64(uh, ul, d)
	if q >= 1<<62 {
		return 0, false
	}
	if neg {
		return -int64(q), true
	}
	return int64(q), true
}

// PrefixEnd returns the smallest key greater than every key that starts
// with prefix, the exclusive upper bound of a prefix range scan, or nil if
// there is none (prefix is empty or all 0xff). The result never aliases
// prefix.
func PrefixEnd(prefix []byte) []byte {
	for i := len(prefix) - 1; i >= 0; i-- {
		if prefix[i] != 0xff {
			end := make([]byte, i+1)
			copy(end, prefix)
			end[i]++
			return end
		}
	}
	return nil
}

func invert(b []byte) {
	for i := range b {
		b[i] = ^b[i]
	}
}

func corruptKey(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrCorruptKey}, args...)...)
}
