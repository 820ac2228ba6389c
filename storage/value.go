package storage

import (
	"bytes"
	"cmp"
	"encoding/hex"
	"fmt"
	"math"
	"math/bits"
	"strconv"
	"strings"
	"time"

	"github.com/cockroachdb/apd/v3"
)

// Type is the SQL type of a Value or a column.
//
// The numeric values are part of the storage format (schemas and logs may
// record them), so constants must never be reordered or reused; add new
// types at the end.
type Type uint8

const (
	TypeNull        Type = iota // only the type of a NULL Value; never a column type
	TypeBool                    // boolean
	TypeInt16                   // smallint
	TypeInt32                   // integer
	TypeInt64                   // bigint
	TypeFloat32                 // real
	TypeFloat64                 // double precision
	TypeNumeric                 // numeric, including NaN and ±Infinity
	TypeText                    // text, compared bytewise (C collation)
	TypeBytea                   // bytea
	TypeDate                    // date: days since 2000-01-01
	TypeTimestamp               // timestamp without time zone: µs since 2000-01-01 00:00:00
	TypeTimestampTZ             // timestamp with time zone: µs since 2000-01-01 00:00:00 UTC
	TypeInterval                // interval: months, days, µs
	TypeUUID                    // uuid
	TypeJSON                    // json: the input text, validated
	TypeJSONB                   // jsonb: normalized JSON text (see jsonb.go)

	numTypes // first invalid Type
)

var typeNames = [numTypes]string{
	TypeNull:        "null",
	TypeBool:        "boolean",
	TypeInt16:       "smallint",
	TypeInt32:       "integer",
	TypeInt64:       "bigint",
	TypeFloat32:     "real",
	TypeFloat64:     "double precision",
	TypeNumeric:     "numeric",
	TypeText:        "text",
	TypeBytea:       "bytea",
	TypeDate:        "date",
	TypeTimestamp:   "timestamp without time zone",
	TypeTimestampTZ: "timestamp with time zone",
	TypeInterval:    "interval",
	TypeUUID:        "uuid",
	TypeJSON:        "json",
	TypeJSONB:       "jsonb",
}

// String returns the Postgres name of the type.
func (t Type) String() string {
	if t.IsArray() && t.Elem() > TypeNull && t.Elem() < numTypes {
		return typeNames[t.Elem()] + "[]"
	}
	if t < numTypes {
		return typeNames[t]
	}
	return "Type(" + strconv.Itoa(int(t)) + ")"
}

// validColumnType reports whether t can be the type of a column.
func validColumnType(t Type) bool {
	e := t.Elem()
	return e > TypeNull && e < numTypes
}

// family groups the types whose values compare with each other and share a
// key encoding (see keyenc.go).
type family uint8

const (
	famNull family = iota
	famBool
	famInt
	famFloat
	famNumeric
	famText
	famBytea
	famDate
	famTimestamp
	famInterval
	famUUID
	famJSON
	famJSONB
	famArray // every array type; Compare also requires equal element families
	famInvalid
)

var typeFamilies = [numTypes]family{
	TypeNull:        famNull,
	TypeBool:        famBool,
	TypeInt16:       famInt,
	TypeInt32:       famInt,
	TypeInt64:       famInt,
	TypeFloat32:     famFloat,
	TypeFloat64:     famFloat,
	TypeNumeric:     famNumeric,
	TypeText:        famText,
	TypeBytea:       famBytea,
	TypeDate:        famDate,
	TypeTimestamp:   famTimestamp,
	TypeTimestampTZ: famTimestamp,
	TypeInterval:    famInterval,
	TypeUUID:        famUUID,
	TypeJSON:        famJSON,
	TypeJSONB:       famJSONB,
}

func (t Type) family() family {
	if t < numTypes {
		return typeFamilies[t]
	}
	if t.IsArray() && validColumnType(t) {
		return famArray
	}
	return famInvalid
}

// Value is one SQL value. The zero Value is NULL.
//
// Values are immutable and cheap to copy; fixed-size types live entirely
// inside the struct so that building and comparing them never allocates.
// Field use by type:
//
//	bool                  i = 0 or 1
//	int16/int32/int64     i
//	float32/float64       i = math.Float64bits (float32 widened exactly, NaN payloads too)
//	date                  i = days since 2000-01-01
//	timestamp(tz)         i = µs since 2000-01-01 00:00:00 (UTC)
//	interval              i = µs, j = months<<32 | uint32(days)
//	uuid                  i, j = bytes 0-7 and 8-15, big-endian
//	text, bytea           s
//	json, jsonb           s, the JSON text (jsonb's normalized, see jsonb.go)
//	numeric               d, normalized (see Numeric) and never mutated
//	arrays                s, the payload described in array.go
//
// The uuid lives in i/j rather than s so that it needs no allocation.
type Value struct {
	typ Type
	i   int64
	j   int64
	s   string
	d   *apd.Decimal
}

// Null returns the SQL NULL value.
func Null() Value { return Value{} }

// Bool returns a boolean value.
func Bool(b bool) Value {
	v := Value{typ: TypeBool}
	if b {
		v.i = 1
	}
	return v
}

// Int16 returns a smallint value.
func Int16(x int16) Value { return Value{typ: TypeInt16, i: int64(x)} }

// Int32 returns an integer value.
func Int32(x int32) Value { return Value{typ: TypeInt32, i: int64(x)} }

// Int64 returns a bigint value.
func Int64(x int64) Value { return Value{typ: TypeInt64, i: x} }

// Float32 returns a real value.
func Float32(f float32) Value {
	return Value{typ: TypeFloat32, i: int64(widenFloat32(f))}
}

// widenFloat32 is float64(f) except that NaNs keep their payload and
// signaling bit: hardware conversion quiets signaling NaNs, which would
// make a stored real change bits on its way through a Value.
func widenFloat32(f float32) uint64 {
	if f == f {
		return math.Float64bits(float64(f))
	}
	b := math.Float32bits(f)
	return uint64(b>>31)<<63 | 0x7ff<<52 | uint64(b&0x7fffff)<<29
}

// narrowFloat64 is the inverse of widenFloat32 for values it produced, and
// float32 conversion for other non-NaNs.
func narrowFloat64(u uint64) uint32 {
	f := math.Float64frombits(u)
	if f == f {
		return math.Float32bits(float32(f))
	}
	payload := uint32(u>>29) & 0x7fffff
	if payload == 0 { // the payload was only in bits float32 lacks; stay a NaN
		payload = 0x400000
	}
	return uint32(u>>63)<<31 | 0xff<<23 | payload
}

// Float64 returns a double precision value.
func Float64(f float64) Value {
	return Value{typ: TypeFloat64, i: int64(math.Float64bits(f))}
}

// Numeric returns a numeric value holding a copy of d; nil gives NULL.
//
// The copy is normalized the way Postgres stores numerics: a signaling NaN
// becomes NaN, NaN and infinities lose their coefficient and exponent (and
// NaN its sign), a negative coefficient moves into the sign, and zero is
// never negative. The exponent is kept, so 1.0 and 1.00 stay distinct for
// display while comparing equal.
func Numeric(d *apd.Decimal) Value {
	if d == nil {
		return Null()
	}
	c := new(apd.Decimal).Set(d)
	normalizeNumeric(c)
	return Value{typ: TypeNumeric, d: c}
}

func normalizeNumeric(d *apd.Decimal) {
	switch d.Form {
	case apd.Finite:
		if d.Coeff.Sign() < 0 {
			d.Coeff.Abs(&d.Coeff)
			d.Negative = !d.Negative
		}
		if d.Coeff.Sign() == 0 {
			d.Negative = false
		}
	case apd.Infinite:
		*d = apd.Decimal{Form: apd.Infinite, Negative: d.Negative}
	default: // NaN, NaNSignaling
		*d = apd.Decimal{Form: apd.NaN}
	}
}

// NumericFromString parses a numeric literal as Postgres's numeric input
// does: decimal digits with an optional sign, point and exponent, or NaN,
// Infinity, inf, -Infinity, -inf (case-insensitive), surrounded by optional
// white space. The error wraps ErrInvalidNumeric.
func NumericFromString(s string) (Value, error) {
	t := strings.TrimSpace(s)
	d, _, err := apd.NewFromString(t)
	if err != nil {
		return Value{}, fmt.Errorf("%w: %q", ErrInvalidNumeric, s)
	}
	// apd also accepts sNaN, signed NaN and NaN payloads; Postgres does not.
	if (d.Form == apd.NaN || d.Form == apd.NaNSignaling) && !strings.EqualFold(t, "nan") {
		return Value{}, fmt.Errorf("%w: %q", ErrInvalidNumeric, s)
	}
	normalizeNumeric(d)
	return Value{typ: TypeNumeric, d: d}, nil
}

// Text returns a text value.
func Text(s string) Value { return Value{typ: TypeText, s: s} }

// Bytea returns a bytea value holding a copy of b; nil gives an empty
// bytea, not NULL.
func Bytea(b []byte) Value { return Value{typ: TypeBytea, s: string(b)} }

// Date returns a date value, days counted from 2000-01-01. As in Postgres,
// math.MinInt32 and math.MaxInt32 stand for -infinity and infinity.
func Date(days int32) Value { return Value{typ: TypeDate, i: int64(days)} }

// Timestamp returns a timestamp without time zone, in microseconds since
// 2000-01-01 00:00:00. As in Postgres, math.MinInt64 and math.MaxInt64
// stand for -infinity and infinity.
func Timestamp(micros int64) Value { return Value{typ: TypeTimestamp, i: micros} }

// TimestampTZ returns a timestamp with time zone, in microseconds since
// 2000-01-01 00:00:00 UTC, with the same infinities as Timestamp.
func TimestampTZ(micros int64) Value { return Value{typ: TypeTimestampTZ, i: micros} }

// Interval returns an interval value. The three parts are kept as given
// (Postgres does not normalize '30 days' into '1 mon'), but comparison uses
// the total span; see Compare.
func Interval(months, days int32, micros int64) Value {
	return Value{typ: TypeInterval, i: micros, j: int64(months)<<32 | int64(uint32(days))}
}

// UUID returns a uuid value.
func UUID(u [16]byte) Value {
	return Value{
		typ: TypeUUID,
		i:   int64(uint64(u[0])<<56 | uint64(u[1])<<48 | uint64(u[2])<<40 | uint64(u[3])<<32 | uint64(u[4])<<24 | uint64(u[5])<<16 | uint64(u[6])<<8 | uint64(u[7])),
		j:   int64(uint64(u[8])<<56 | uint64(u[9])<<48 | uint64(u[10])<<40 | uint64(u[11])<<32 | uint64(u[12])<<24 | uint64(u[13])<<16 | uint64(u[14])<<8 | uint64(u[15])),
	}
}

// Type returns the value's type; TypeNull for NULL.
func (v Value) Type() Type { return v.typ }

// IsNull reports whether v is NULL.
func (v Value) IsNull() bool { return v.typ == TypeNull }

// The accessors below panic when called on a value of another type (NULL
// included): that is a programming error, like a failed type assertion, and
// returning a zero would hide it.

func (v Value) mustBe(fam family, what string) {
	if v.typ.family() != fam {
		panic("storage: " + what + " called on a " + v.typ.String() + " value")
	}
}

// AsBool returns a boolean's value.
func (v Value) AsBool() bool { v.mustBe(famBool, "AsBool"); return v.i != 0 }

// AsInt64 returns the value of a smallint, integer or bigint.
func (v Value) AsInt64() int64 { v.mustBe(famInt, "AsInt64"); return v.i }

// AsFloat64 returns the value of a real or double precision; a real widens
// exactly.
func (v Value) AsFloat64() float64 {
	v.mustBe(famFloat, "AsFloat64")
	return math.Float64frombits(uint64(v.i))
}

// AsNumeric returns a numeric's decimal. It is shared with every copy of
// the Value and must not be modified; copy it first (new(apd.Decimal).Set).
func (v Value) AsNumeric() *apd.Decimal { v.mustBe(famNumeric, "AsNumeric"); return v.d }

// AsString returns the contents of a text or bytea.
func (v Value) AsString() string {
	if v.typ != TypeText && v.typ != TypeBytea {
		v.mustBe(famText, "AsString")
	}
	return v.s
}

// AsBytes returns a fresh copy of the contents of a text or bytea.
func (v Value) AsBytes() []byte {
	if v.typ != TypeText && v.typ != TypeBytea {
		v.mustBe(famBytea, "AsBytes")
	}
	return []byte(v.s)
}

// AsDate returns a date as days since 2000-01-01.
func (v Value) AsDate() int32 { v.mustBe(famDate, "AsDate"); return int32(v.i) }

// AsMicros returns a timestamp or timestamptz as µs since 2000-01-01.
func (v Value) AsMicros() int64 { v.mustBe(famTimestamp, "AsMicros"); return v.i }

// AsInterval returns an interval's parts as they were constructed.
func (v Value) AsInterval() (months, days int32, micros int64) {
	v.mustBe(famInterval, "AsInterval")
	return int32(v.j >> 32), int32(v.j), v.i
}

// AsUUID returns a uuid's bytes.
func (v Value) AsUUID() [16]byte {
	v.mustBe(famUUID, "AsUUID")
	var u [16]byte
	hi, lo := uint64(v.i), uint64(v.j)
	for k := 0; k < 8; k++ {
		u[k] = byte(hi >> (56 - 8*k))
		u[8+k] = byte(lo >> (56 - 8*k))
	}
	return u
}

// Compare orders two values as Postgres's btree operators do and returns
// -1, 0 or +1.
//
// NULL sorts after every non-NULL value (NULLS LAST, the ascending default)
// and equal to NULL, so that Compare is a total order usable for sorting.
//
// Non-NULL values must belong to the same family: the integer types compare
// with each other by value, real with double precision, and timestamp with
// timestamptz by their microseconds; every other type only with itself.
// Comparing values of other types panics, because the SQL layer must have
// cast them first.
//
// Within a family: floats order NaN above +Inf with NaN = NaN and -0 = +0;
// numerics compare by value (1.0 = 1.00) with -Inf < finite < +Inf < NaN
// and NaN = NaN; text, bytea and uuid compare bytewise; intervals compare
// by their total span with 1 month = 30 days and 1 day = 24 hours.
func Compare(a, b Value) int {
	if a.typ == TypeNull || b.typ == TypeNull {
		switch {
		case a.typ == b.typ:
			return 0
		case a.typ == TypeNull:
			return 1
		default:
			return -1
		}
	}
	fam := a.typ.family()
	if fam != b.typ.family() || fam == famInvalid || fam == famArray && a.typ.Elem().family() != b.typ.Elem().family() {
		panic("storage: Compare of incompatible types " + a.typ.String() + " and " + b.typ.String())
	}
	switch fam {
	case famBool, famInt, famDate, famTimestamp:
		return cmp.Compare(a.i, b.i)
	case famFloat:
		return compareFloat(math.Float64frombits(uint64(a.i)), math.Float64frombits(uint64(b.i)))
	case famNumeric:
		return compareNumeric(a.d, b.d)
	case famText, famBytea, famJSON:
		return strings.Compare(a.s, b.s)
	case famJSONB:
		return compareJSONB(a, b)
	case famInterval:
		ah, al := intervalSpan(a)
		bh, bl := intervalSpan(b)
		return compare128(ah, al, bh, bl)
	case famUUID:
		if c := cmp.Compare(uint64(a.i), uint64(b.i)); c != 0 {
			return c
		}
		return cmp.Compare(uint64(a.j), uint64(b.j))
	case famArray:
		return compareArrays(a, b)
	}
	panic("unreachable")
}

// compareFloat is Postgres's float8_cmp_internal: NaN is the largest value
// and equal to itself, which makes floats totally ordered for indexes.
func compareFloat(a, b float64) int {
	switch an, bn := a != a, b != b; {
	case an && bn:
		return 0
	case an:
		return 1
	case bn:
		return -1
	}
	// cmp.Compare would order -0 before +0; Postgres says they are equal.
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// numClass partitions numerics so that values of different classes compare
// by class alone; the key encoding writes it as its first byte.
type numClass uint8

const (
	numNegInf numClass = iota + 1
	numNeg
	numZero
	numPos
	numPosInf
	numNaN
)

func numericClass(d *apd.Decimal) numClass {
	switch d.Form {
	case apd.Finite:
		switch {
		case d.Coeff.Sign() == 0:
			return numZero
		case d.Negative:
			return numNeg
		}
		return numPos
	case apd.Infinite:
		if d.Negative {
			return numNegInf
		}
		return numPosInf
	}
	return numNaN
}

func compareNumeric(a, b *apd.Decimal) int {
	ca, cb := numericClass(a), numericClass(b)
	if ca != cb {
		return cmp.Compare(ca, cb)
	}
	switch ca {
	case numPos:
		return compareMagnitude(a, b)
	case numNeg:
		return -compareMagnitude(a, b)
	}
	return 0
}

// compareMagnitude compares |a| and |b| for finite non-zero a and b.
//
// apd's own Cmp rescales one operand by 10^(exponent difference), which
// costs time and memory proportional to that difference; comparing the
// position of the leading digit and then the digit strings is linear in
// the number of digits whatever the exponents are, and is the same
// reasoning the key encoding relies on.
func compareMagnitude(a, b *apd.Decimal) int {
	if a.Exponent == b.Exponent {
		return a.Coeff.Cmp(&b.Coeff)
	}
	// Fast path for the common case of word-sized coefficients that differ
	// in scale (1.5 vs 1.25): align them with one multiplication.
	if a.Coeff.IsUint64() && b.Coeff.IsUint64() {
		if a.Exponent > b.Exponent {
			return compareScaled(a.Coeff.Uint64(), int64(a.Exponent)-int64(b.Exponent), b.Coeff.Uint64())
		}
		return -compareScaled(b.Coeff.Uint64(), int64(b.Exponent)-int64(a.Exponent), a.Coeff.Uint64())
	}
	if c := cmp.Compare(adjustedExponent(a), adjustedExponent(b)); c != 0 {
		return c
	}
	var bufA, bufB [40]byte
	da := trimTrailingZeros(a.Coeff.Append(bufA[:0], 10))
	db := trimTrailingZeros(b.Coeff.Append(bufB[:0], 10))
	return bytes.Compare(da, db)
}

var pow10 = [...]uint64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19}

// compareScaled compares x·10^shift with y for x ≥ 1 and shift ≥ 1.
func compareScaled(x uint64, shift int64, y uint64) int {
	if shift >= int64(len(pow10)) {
		return 1 // x·10^20 exceeds every uint64
	}
	hi, lo := bits.Mul64(x, pow10[shift])
	if hi != 0 {
		return 1
	}
	return cmp.Compare(lo, y)
}

// adjustedExponent is the power of ten of d's most significant digit.
func adjustedExponent(d *apd.Decimal) int64 {
	return int64(d.Exponent) + d.NumDigits() - 1
}

func trimTrailingZeros(digits []byte) []byte {
	for len(digits) > 1 && digits[len(digits)-1] == '0' {
		digits = digits[:len(digits)-1]
	}
	return digits
}

const (
	microsPerDay   = 24 * 60 * 60 * 1_000_000
	microsPerMonth = 30 * microsPerDay
)

// intervalSpan returns the interval's total length in µs as a signed
// 128-bit integer (hi, lo), the quantity Postgres's interval_cmp_value
// compares. 64 bits are not enough: months alone reach about 2^72 µs.
func intervalSpan(v Value) (hi int64, lo uint64) {
	months, days, micros := int64(int32(v.j>>32)), int64(int32(v.j)), v.i
	hi, lo = mul64to128(months, microsPerMonth)
	h2, l2 := mul64to128(days, microsPerDay)
	hi, lo = add128(hi, lo, h2, l2)
	return add128(hi, lo, micros>>63, uint64(micros))
}

// mul64to128 returns the signed 128-bit product a*b.
func mul64to128(a, b int64) (hi int64, lo uint64) {
	h, l := bits.Mul64(uint64(a), uint64(b))
	// Correct the unsigned product for two's complement operands.
	if a < 0 {
		h -= uint64(b)
	}
	if b < 0 {
		h -= uint64(a)
	}
	return int64(h), l
}

func add128(ah int64, al uint64, bh int64, bl uint64) (int64, uint64) {
	lo, carry := bits.Add64(al, bl, 0)
	return ah + bh + int64(carry), lo
}

func compare128(ah int64, al uint64, bh int64, bl uint64) int {
	if c := cmp.Compare(ah, bh); c != 0 {
		return c
	}
	return cmp.Compare(al, bl)
}

// String formats v for debugging and tests, close to Postgres's text
// output; it is not a wire format.
func (v Value) String() string {
	switch v.typ {
	case TypeNull:
		return "NULL"
	case TypeBool:
		if v.i != 0 {
			return "true"
		}
		return "false"
	case TypeInt16, TypeInt32, TypeInt64:
		return strconv.FormatInt(v.i, 10)
	case TypeFloat32, TypeFloat64:
		f := math.Float64frombits(uint64(v.i))
		switch {
		case math.IsNaN(f):
			return "NaN"
		case math.IsInf(f, 1):
			return "Infinity"
		case math.IsInf(f, -1):
			return "-Infinity"
		}
		if v.typ == TypeFloat32 {
			return strconv.FormatFloat(f, 'g', -1, 32)
		}
		return strconv.FormatFloat(f, 'g', -1, 64)
	case TypeNumeric:
		// Plain notation, as Postgres prints, unless that would be huge.
		if v.d.Form == apd.Finite && v.d.Exponent >= -1000 && v.d.Exponent <= 1000 {
			return v.d.Text('f')
		}
		return v.d.String()
	case TypeText, TypeJSON, TypeJSONB:
		return v.s
	case TypeBytea:
		return `\x` + hex.EncodeToString([]byte(v.s))
	case TypeDate:
		switch v.i {
		case math.MinInt32:
			return "-infinity"
		case math.MaxInt32:
			return "infinity"
		}
		return formatDate(time.Date(2000, 1, 1+int(v.i), 0, 0, 0, 0, time.UTC))
	case TypeTimestamp, TypeTimestampTZ:
		return formatTimestamp(v.i, v.typ == TypeTimestampTZ)
	case TypeInterval:
		return formatInterval(v.AsInterval())
	case TypeUUID:
		u := v.AsUUID()
		h := hex.EncodeToString(u[:])
		return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
	}
	if v.typ.IsArray() {
		return arrayString(v)
	}
	return v.typ.String() + "(?)"
}

// pgEpochUnix is 2000-01-01 00:00:00 UTC in Unix seconds.
const pgEpochUnix = 946684800

func formatDate(t time.Time) string {
	y, bc := t.Year(), ""
	if y <= 0 { // the proleptic calendar has no year 0: 0 is 1 BC
		y, bc = 1-y, " BC"
	}
	return fmt.Sprintf("%04d-%02d-%02d%s", y, int(t.Month()), t.Day(), bc)
}

func formatTimestamp(micros int64, tz bool) string {
	switch micros {
	case math.MinInt64:
		return "-infinity"
	case math.MaxInt64:
		return "infinity"
	}
	secs, frac := micros/1e6, micros%1e6
	if frac < 0 {
		secs, frac = secs-1, frac+1e6
	}
	t := time.Unix(pgEpochUnix+secs, 0).UTC()
	date := formatDate(t)
	bc := ""
	if strings.HasSuffix(date, " BC") {
		date, bc = strings.TrimSuffix(date, " BC"), " BC"
	}
	s := date + " " + fmt.Sprintf("%02d:%02d:%02d", t.Hour(), t.Minute(), t.Second())
	if frac != 0 {
		s += strings.TrimRight(fmt.Sprintf(".%06d", frac), "0")
	}
	if tz {
		s += "+00"
	}
	return s + bc
}

func formatInterval(months, days int32, micros int64) string {
	if months == math.MinInt32 && days == math.MinInt32 && micros == math.MinInt64 {
		return "-infinity"
	}
	if months == math.MaxInt32 && days == math.MaxInt32 && micros == math.MaxInt64 {
		return "infinity"
	}
	var parts []string
	unit := func(n int64, singular, plural string) {
		if n == 1 { // Postgres writes "-1 mons", singular only for +1
			parts = append(parts, strconv.FormatInt(n, 10)+" "+singular)
		} else if n != 0 {
			parts = append(parts, strconv.FormatInt(n, 10)+" "+plural)
		}
	}
	unit(int64(months)/12, "year", "years")
	unit(int64(months)%12, "mon", "mons")
	unit(int64(days), "day", "days")
	if micros != 0 || len(parts) == 0 {
		sign, u := "", uint64(micros)
		if micros < 0 {
			sign, u = "-", -u // unsigned negation also handles MinInt64
		}
		t := fmt.Sprintf("%s%02d:%02d:%02d", sign, u/3_600_000_000, u/60_000_000%60, u/1_000_000%60)
		if f := u % 1_000_000; f != 0 {
			t += strings.TrimRight(fmt.Sprintf(".%06d", f), "0")
		}
		parts = append(parts, t)
	}
	return strings.Join(parts, " ")
}
