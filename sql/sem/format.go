package sem

import (
	"encoding/hex"
	"math"
	"math/big"
	"strconv"
	"time"

	"github.com/cockroachdb/apd/v3"
	"github.com/persiandb/persiandb/storage"
)

// Format returns the text output of v as Postgres 15 prints it with
// DateStyle ISO, IntervalStyle postgres and extra_float_digits 1; loc is
// the session TimeZone for timestamptz (nil means UTC). NULL formats as ""
// (the caller decides how to show NULL).
func Format(v storage.Value, loc *time.Location) string {
	return string(AppendFormat(nil, v, loc))
}

// AppendFormat appends Format(v, loc) to b.
func AppendFormat(b []byte, v storage.Value, loc *time.Location) []byte {
	switch v.Type() {
	case storage.TypeNull:
		return b
	case storage.TypeBool:
		if v.AsBool() {
			return append(b, 't')
		}
		return append(b, 'f')
	case storage.TypeInt16, storage.TypeInt32, storage.TypeInt64:
		return strconv.AppendInt(b, v.AsInt64(), 10)
	case storage.TypeFloat32:
		return appendFloat(b, v.AsFloat64(), 32)
	case storage.TypeFloat64:
		return appendFloat(b, v.AsFloat64(), 64)
	case storage.TypeNumeric:
		return appendNumeric(b, v.AsNumeric())
	case storage.TypeText:
		return append(b, v.AsString()...)
	case storage.TypeBytea:
		s := v.AsString()
		b = append(b, '\\', 'x')
		return hex.AppendEncode(b, []byte(s))
	case storage.TypeDate:
		return appendDate(b, v.AsDate())
	case storage.TypeTimestamp:
		return appendTimestamp(b, v.AsMicros(), false, nil)
	case storage.TypeTimestampTZ:
		return appendTimestamp(b, v.AsMicros(), true, loc)
	case storage.TypeInterval:
		return appendInterval(b, v)
	case storage.TypeUUID:
		return appendUUID(b, v.AsUUID())
	case storage.TypeJSON, storage.TypeJSONB:
		return append(b, v.AsJSONText()...)
	}
	if v.Type().IsArray() {
		return appendArray(b, v, loc)
	}
	panic("sem: Format of unknown type " + v.Type().String())
}

// appendFloat is Postgres 12+'s shortest-exact float output: the shortest
// digits that read back exactly, in fixed notation when the decimal
// exponent is in [-4, 15) for double precision or [-4, 6) for real, else
// as 1.5e+20 with at least two exponent digits.
func appendFloat(b []byte, f float64, bitSize int) []byte {
	switch {
	case math.IsNaN(f):
		return append(b, "NaN"...)
	case math.IsInf(f, 1):
		return append(b, "Infinity"...)
	case math.IsInf(f, -1):
		return append(b, "-Infinity"...)
	case f == 0:
		if math.Signbit(f) {
			return append(b, "-0"...)
		}
		return append(b, '0')
	}
	limit := 15
	if bitSize == 32 {
		limit = 6
	}
	// The decimal exponent of the shortest representation.
	var buf [32]byte
	e := strconv.AppendFloat(buf[:0], f, 'e', -1, bitSize)
	exp := 0
	for i := len(e) - 1; i >= 0; i-- {
		if e[i] == 'e' {
			exp, _ = strconv.Atoi(string(e[i+1:]))
			break
		}
	}
	prec := -1
	// A tie needs a midpoint with few decimal digits, which only exists
	// when the spacing of floats near f is at least about 1.
	tieRange := math.Abs(f) >= 1<<50 || bitSize == 32 && math.Abs(f) >= 1<<21
	if tieRange && isTieDigits(e, f, bitSize) {
		// Postgres's Ryu runs with acceptBounds off: digits exactly halfway
		// to a neighbour are not accepted even when they would read back
		// (ties to even), so it prints one more digit; find the shortest
		// precision that is not a tie.
		for p := countDigits(e); p <= 17; p++ {
			e = strconv.AppendFloat(buf[:0], f, 'e', p-1, bitSize)
			if g, _ := strconv.ParseFloat(string(e), bitSize); g == f && !isTieDigits(e, f, bitSize) {
				break
			}
		}
		prec = countDigits(e) - 1
		for i := len(e) - 1; i >= 0; i-- {
			if e[i] == 'e' {
				exp, _ = strconv.Atoi(string(e[i+1:]))
				break
			}
		}
	}
	if exp < -4 || exp >= limit {
		if prec >= 0 {
			return strconv.AppendFloat(b, f, 'e', prec, bitSize)
		}
		return append(b, e...)
	}
	if prec >= 0 {
		return strconv.AppendFloat(b, f, 'f', max(prec-exp, 0), bitSize)
	}
	return strconv.AppendFloat(b, f, 'f', -1, bitSize)
}

// countDigits counts the mantissa digits of a %e formatted float.
func countDigits(e []byte) int {
	n := 0
	for _, c := range e {
		if c == 'e' {
			break
		}
		if c >= '0' && c <= '9' {
			n++
		}
	}
	return n
}

// isTieDigits reports whether the decimal e lies exactly halfway between
// f and one of its neighbours.
func isTieDigits(e []byte, f float64, bitSize int) bool {
	d, ok := new(big.Rat).SetString(string(e))
	if !ok {
		return false
	}
	var lo, hi float64
	if bitSize == 32 {
		lo = float64(math.Nextafter32(float32(f), float32(math.Inf(-1))))
		hi = float64(math.Nextafter32(float32(f), float32(math.Inf(1))))
	} else {
		lo, hi = math.Nextafter(f, math.Inf(-1)), math.Nextafter(f, math.Inf(1))
	}
	fr := new(big.Rat).SetFloat64(f)
	half := big.NewRat(1, 2)
	for _, n := range []float64{lo, hi} {
		if math.IsInf(n, 0) {
			continue
		}
		m := new(big.Rat).Add(fr, new(big.Rat).SetFloat64(n))
		if m.Mul(m, half).Cmp(d) == 0 {
			return true
		}
	}
	return false
}

func appendNumeric(b []byte, d *apd.Decimal) []byte {
	switch d.Form {
	case apd.NaN, apd.NaNSignaling:
		return append(b, "NaN"...)
	case apd.Infinite:
		if d.Negative {
			return append(b, "-Infinity"...)
		}
		return append(b, "Infinity"...)
	}
	return append(b, d.Text('f')...)
}

func append0(b []byte, n int64, width int) []byte {
	var buf [20]byte
	s := strconv.AppendInt(buf[:0], n, 10)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

// appendYMD writes an astronomical date as ISO with the year of the era;
// it reports whether the date is BC (the caller appends " BC" last).
func appendYMD(b []byte, y, m, d int) ([]byte, bool) {
	bc := y <= 0
	if bc {
		y = 1 - y
	}
	b = append0(b, int64(y), 4)
	b = append(b, '-')
	b = append0(b, int64(m), 2)
	b = append(b, '-')
	b = append0(b, int64(d), 2)
	return b, bc
}

func appendDate(b []byte, days int32) []byte {
	switch days {
	case dateNegInf:
		return append(b, "-infinity"...)
	case datePosInf:
		return append(b, "infinity"...)
	}
	y, m, d := dateYMD(days)
	b, bc := appendYMD(b, y, m, d)
	if bc {
		b = append(b, " BC"...)
	}
	return b
}

// appendTime writes hh:mm:ss[.ffffff] with trailing zeros trimmed.
func appendTime(b []byte, us int64) []byte {
	b = append0(b, us/microsPerHour, 2)
	b = append(b, ':')
	b = append0(b, us/microsPerMinute%60, 2)
	b = append(b, ':')
	b = append0(b, us/microsPerSecond%60, 2)
	return appendFrac(b, us%microsPerSecond)
}

func appendFrac(b []byte, frac int64) []byte {
	if frac == 0 {
		return b
	}
	var buf [8]byte
	s := append0(buf[:0], frac, 6)
	for len(s) > 0 && s[len(s)-1] == '0' {
		s = s[:len(s)-1]
	}
	b = append(b, '.')
	return append(b, s...)
}

func appendTimestamp(b []byte, us int64, tz bool, loc *time.Location) []byte {
	switch us {
	case tsNegInf:
		return append(b, "-infinity"...)
	case tsPosInf:
		return append(b, "infinity"...)
	}
	off := 0
	if tz {
		off = zoneOffset(us, loc)
		us += int64(off) * microsPerSecond
	}
	days, tod := splitMicros(us)
	y, m, d := j2date(int(days) + postgresEpochJDate)
	b, bc := appendYMD(b, y, m, d)
	b = append(b, ' ')
	b = appendTime(b, tod)
	if tz {
		b = appendOffset(b, off)
	}
	if bc {
		b = append(b, " BC"...)
	}
	return b
}

// appendOffset writes a UTC offset as Postgres does: +05, -08, +05:30,
// +00:53:28.
func appendOffset(b []byte, off int) []byte {
	if off < 0 {
		b = append(b, '-')
		off = -off
	} else {
		b = append(b, '+')
	}
	b = append0(b, int64(off/3600), 2)
	if off%3600 != 0 {
		b = append(b, ':')
		b = append0(b, int64(off/60%60), 2)
		if off%60 != 0 {
			b = append(b, ':')
			b = append0(b, int64(off%60), 2)
		}
	}
	return b
}

// appendInterval is EncodeInterval with IntervalStyle postgres: "1 year
// 2 mons -3 days +04:05:06.5". A field gets a '+' when it is positive and
// the previous one was negative; the time part carries one sign.
func appendInterval(b []byte, v storage.Value) []byte {
	months, days, us := v.AsInterval()
	isZero, isBefore := true, false
	part := func(n int64, unit string) {
		if n == 0 {
			return
		}
		if !isZero {
			b = append(b, ' ')
		}
		if isBefore && n > 0 {
			b = append(b, '+')
		}
		b = strconv.AppendInt(b, n, 10)
		b = append(b, ' ')
		b = append(b, unit...)
		if n != 1 {
			b = append(b, 's')
		}
		isBefore = n < 0
		isZero = false
	}
	part(int64(months)/12, "year")
	part(int64(months)%12, "mon")
	part(int64(days), "day")
	if isZero || us != 0 {
		if !isZero {
			b = append(b, ' ')
		}
		u := uint64(us)
		if us < 0 {
			b = append(b, '-')
			u = -u
		} else if isBefore {
			b = append(b, '+')
		}
		h := u / microsPerHour
		b = append0(b, int64(h), 2)
		b = append(b, ':')
		b = append0(b, int64(u/microsPerMinute%60), 2)
		b = append(b, ':')
		b = append0(b, int64(u/microsPerSecond%60), 2)
		b = appendFrac(b, int64(u%microsPerSecond))
	}
	return b
}

func appendUUID(b []byte, u [16]byte) []byte {
	var h [32]byte
	hex.Encode(h[:], u[:])
	b = append(b, h[0:8]...)
	b = append(b, '-')
	b = append(b, h[8:12]...)
	b = append(b, '-')
	b = append(b, h[12:16]...)
	b = append(b, '-')
	b = append(b, h[16:20]...)
	b = append(b, '-')
	return append(b, h[20:]...)
}
