package sem

import (
	"encoding/hex"
	"math"
	"strconv"
	"strings"

	"github.com/cockroachdb/apd/v3"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/storage"
)

// ParseText converts text to a value of type t as Postgres's input
// function for t does (the cast text::t and the text format of the wire).
// Errors carry their SQLSTATE: 22P02 for malformed input, 22003 for values
// out of range, 22007/22008 for dates and times.
func ParseText(ctx *Context, s string, t storage.Type) (storage.Value, error) {
	if t.IsArray() {
		return parseArray(ctx, s, t)
	}
	switch t {
	case storage.TypeBool:
		return parseBool(s)
	case storage.TypeInt16, storage.TypeInt32, storage.TypeInt64:
		return parseInt(s, t)
	case storage.TypeFloat32, storage.TypeFloat64:
		return parseFloat(s, t)
	case storage.TypeNumeric:
		return parseNumeric(s)
	case storage.TypeText:
		return storage.Text(s), nil
	case storage.TypeBytea:
		return parseBytea(s)
	case storage.TypeDate:
		return parseDate(ctx, s)
	case storage.TypeTimestamp:
		return parseTimestamp(ctx, s, false)
	case storage.TypeTimestampTZ:
		return parseTimestamp(ctx, s, true)
	case storage.TypeInterval:
		return parseInterval(s)
	case storage.TypeUUID:
		return parseUUID(s)
	case storage.TypeJSON:
		return parseJSON(s)
	case storage.TypeJSONB:
		return parseJSONB(s)
	}
	return storage.Value{}, pgerr.New(pgerr.FeatureNotSupported, "cannot read type %s from text", t.String())
}

// isSpace is Postgres's scanner_isspace / isspace in the C locale.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

func trimSpace(s string) string {
	i, j := 0, len(s)
	for i < j && isSpace(s[i]) {
		i++
	}
	for j > i && isSpace(s[j-1]) {
		j--
	}
	return s[i:j]
}

// parseBool is parse_bool_with_len: any unambiguous prefix of true,
// false, yes, no; on, off (at least two letters); 1, 0.
func parseBool(s string) (storage.Value, error) {
	t := strings.ToLower(trimSpace(s))
	n := len(t)
	if n > 0 {
		switch t[0] {
		case 't':
			if strings.HasPrefix("true", t) {
				return storage.Bool(true), nil
			}
		case 'f':
			if strings.HasPrefix("false", t) {
				return storage.Bool(false), nil
			}
		case 'y':
			if strings.HasPrefix("yes", t) {
				return storage.Bool(true), nil
			}
		case 'n':
			if strings.HasPrefix("no", t) {
				return storage.Bool(false), nil
			}
		case 'o':
			if n >= 2 && strings.HasPrefix("on", t) {
				return storage.Bool(true), nil
			}
			if n >= 2 && strings.HasPrefix("off", t) {
				return storage.Bool(false), nil
			}
		case '1':
			if n == 1 {
				return storage.Bool(true), nil
			}
		case '0':
			if n == 1 {
				return storage.Bool(false), nil
			}
		}
	}
	return storage.Value{}, errInvalidSyntax(storage.TypeBool, s)
}

func intBits(t storage.Type) int {
	switch t {
	case storage.TypeInt16:
		return 16
	case storage.TypeInt32:
		return 32
	}
	return 64
}

func makeInt(x int64, t storage.Type) storage.Value {
	switch t {
	case storage.TypeInt16:
		return storage.Int16(int16(x))
	case storage.TypeInt32:
		return storage.Int32(int32(x))
	}
	return storage.Int64(x)
}

// parseInt is pg_strtoint16/32/64 of Postgres 15: optional white space,
// an optional sign, decimal digits, optional white space.
func parseInt(s string, t storage.Type) (storage.Value, error) {
	u := trimSpace(s)
	body := u
	if body != "" && (body[0] == '+' || body[0] == '-') {
		body = body[1:]
	}
	if body == "" {
		return storage.Value{}, errInvalidSyntax(t, s)
	}
	for i := 0; i < len(body); i++ {
		if body[i] < '0' || body[i] > '9' {
			return storage.Value{}, errInvalidSyntax(t, s)
		}
	}
	if u[0] == '+' {
		u = u[1:]
	}
	x, err := strconv.ParseInt(u, 10, intBits(t))
	if err != nil {
		return storage.Value{}, errValueOutOfRange(t, s)
	}
	return makeInt(x, t), nil
}

// parseFloat is float4in/float8in: strtod's syntax plus NaN, Infinity
// and inf in any case. Overflow and underflow to zero are errors;
// denormals are kept.
func parseFloat(s string, t storage.Type) (storage.Value, error) {
	u := trimSpace(s)
	bits := 64
	if t == storage.TypeFloat32 {
		bits = 32
	}
	lower := strings.ToLower(u)
	switch strings.TrimLeft(lower, "+-") {
	case "nan", "infinity", "inf":
		if strings.TrimLeft(lower, "+-") == "nan" && lower != "nan" {
			return storage.Value{}, errInvalidSyntax(t, s)
		}
		if len(lower)-len(strings.TrimLeft(lower, "+-")) > 1 {
			return storage.Value{}, errInvalidSyntax(t, s)
		}
	default:
		if !validDecimal(u) {
			return storage.Value{}, errInvalidSyntax(t, s)
		}
	}
	f, err := strconv.ParseFloat(u, bits)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return storage.Value{}, pgerr.New(pgerr.NumericValueOutOfRange, `"%s" is out of range for type %s`, s, t.String())
		}
		return storage.Value{}, errInvalidSyntax(t, s)
	}
	if f == 0 && hasNonzeroMantissa(u) {
		return storage.Value{}, pgerr.New(pgerr.NumericValueOutOfRange, `"%s" is out of range for type %s`, s, t.String())
	}
	if bits == 32 {
		return storage.Float32(float32(f)), nil
	}
	return storage.Float64(f), nil
}

// validDecimal accepts [sign] digits [. digits] [e [sign] digits] with at
// least one mantissa digit.
func validDecimal(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i, digits = i+1, digits+1
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i, digits = i+1, digits+1
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		n := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i, n = i+1, n+1
		}
		if n == 0 {
			return false
		}
	}
	return i == len(s)
}

func hasNonzeroMantissa(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == 'e' || c == 'E':
			return false
		case c >= '1' && c <= '9':
			return true
		}
	}
	return false
}

// parseNumeric is numeric_in.
func parseNumeric(s string) (storage.Value, error) {
	u := trimSpace(s)
	lower := strings.ToLower(u)
	switch lower {
	case "nan":
		return storage.Numeric(&apd.Decimal{Form: apd.NaN}), nil
	case "infinity", "+infinity", "inf", "+inf":
		return storage.Numeric(&apd.Decimal{Form: apd.Infinite}), nil
	case "-infinity", "-inf":
		return storage.Numeric(&apd.Decimal{Form: apd.Infinite, Negative: true}), nil
	}
	if !validDecimal(u) {
		return storage.Value{}, errInvalidSyntax(storage.TypeNumeric, s)
	}
	d, _, err := apd.NewFromString(u)
	if err != nil {
		return storage.Value{}, errInvalidSyntax(storage.TypeNumeric, s)
	}
	return numericValue(d)
}

// numericValue normalizes a finite result the way Postgres stores it: no
// positive exponent (1E+2 is 100 with scale 0) and within numeric's range
// (at most 131072 digits before the point, 16383 after).
func numericValue(d *apd.Decimal) (storage.Value, error) {
	if d.Form == apd.Finite {
		if d.Exponent > 0 {
			if adjustedExp(d) >= 131072 {
				return storage.Value{}, errNumericOverflow
			}
			c := new(apd.Decimal)
			if _, err := apd.BaseContext.WithPrecision(uint32(d.NumDigits())+uint32(d.Exponent)).Quantize(c, d, 0); err != nil {
				return storage.Value{}, errNumericOverflow
			}
			d = c
		} else if d.Coeff.Sign() != 0 && adjustedExp(d) >= 131072 {
			return storage.Value{}, errNumericOverflow
		}
		if d.Exponent < -16383 {
			c := new(apd.Decimal)
			numCtx(uint32(d.NumDigits())).Quantize(c, d, -16383)
			d = c
		}
	}
	return storage.Numeric(d), nil
}

func adjustedExp(d *apd.Decimal) int64 { return int64(d.Exponent) + d.NumDigits() - 1 }

var errNumericOverflow = pgerr.New(pgerr.NumericValueOutOfRange, "value overflows numeric format")

// parseBytea is byteain: \x followed by hex digit pairs (white space
// allowed between pairs), or the escape format where \\ is a backslash
// and \ooo an octal byte.
func parseBytea(s string) (storage.Value, error) {
	if strings.HasPrefix(s, `\x`) {
		out := make([]byte, 0, (len(s)-2)/2)
		for i := 2; i < len(s); {
			c := s[i]
			if isSpace(c) {
				i++
				continue
			}
			hi, ok := unhex(c)
			if !ok {
				return storage.Value{}, pgerr.New(pgerr.InvalidParameterValue, `invalid hexadecimal digit: "%c"`, c)
			}
			if i+1 >= len(s) {
				return storage.Value{}, pgerr.New(pgerr.InvalidParameterValue, "invalid hexadecimal data: odd number of digits")
			}
			lo, ok := unhex(s[i+1])
			if !ok {
				return storage.Value{}, pgerr.New(pgerr.InvalidParameterValue, `invalid hexadecimal digit: "%c"`, s[i+1])
			}
			out = append(out, hi<<4|lo)
			i += 2
		}
		return storage.Bytea(out), nil
	}
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		switch {
		case i+1 < len(s) && s[i+1] == '\\':
			out = append(out, '\\')
			i++
		case i+3 < len(s) && isOct(s[i+1], '3') && isOct(s[i+2], '7') && isOct(s[i+3], '7'):
			out = append(out, (s[i+1]-'0')<<6|(s[i+2]-'0')<<3|(s[i+3]-'0'))
			i += 3
		default:
			return storage.Value{}, pgerr.New(pgerr.InvalidTextRepresentation, "invalid input syntax for type bytea")
		}
	}
	return storage.Bytea(out), nil
}

func isOct(c, max byte) bool { return c >= '0' && c <= max }

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// parseUUID is uuid_in: 32 hex digits, optionally in braces, with an
// optional hyphen after any group of four digits.
func parseUUID(s string) (storage.Value, error) {
	var u [16]byte
	src := s
	braces := strings.HasPrefix(src, "{")
	if braces {
		src = src[1:]
	}
	i := 0
	for k := 0; k < 16; k++ {
		if i+2 > len(src) {
			return storage.Value{}, errInvalidSyntax(storage.TypeUUID, s)
		}
		b, err := hex.DecodeString(src[i : i+2])
		if err != nil {
			return storage.Value{}, errInvalidSyntax(storage.TypeUUID, s)
		}
		u[k] = b[0]
		i += 2
		if k%2 == 1 && k < 15 && i < len(src) && src[i] == '-' {
			i++
		}
	}
	if braces {
		if i >= len(src) || src[i] != '}' {
			return storage.Value{}, errInvalidSyntax(storage.TypeUUID, s)
		}
		i++
	}
	if i != len(src) {
		return storage.Value{}, errInvalidSyntax(storage.TypeUUID, s)
	}
	return storage.UUID(u), nil
}

var _ = math.MaxInt64
