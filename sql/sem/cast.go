package sem

import (
	"math"
	"strconv"

	"github.com/cockroachdb/apd/v3"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/storage"
)

// CastContext says where a conversion happens, as pg_cast's castcontext
// does. A cast allowed in a context is allowed in every later one.
type CastContext uint8

const (
	CastImplicit   CastContext = iota + 1 // in expressions: int4 + int8
	CastAssignment                        // storing into a column: INSERT, UPDATE
	CastExplicit                          // CAST(x AS t), x::t
)

type castKey struct{ from, to storage.Type }

// castTable is pg_cast restricted to the storage types; conversions to
// text are assignment casts and from text explicit casts (Postgres's
// automatic I/O conversion casts), added by castContextOf.
var castTable = map[castKey]CastContext{
	{storage.TypeInt16, storage.TypeInt32}:   CastImplicit,
	{storage.TypeInt16, storage.TypeInt64}:   CastImplicit,
	{storage.TypeInt16, storage.TypeFloat32}: CastImplicit,
	{storage.TypeInt16, storage.TypeFloat64}: CastImplicit,
	{storage.TypeInt16, storage.TypeNumeric}: CastImplicit,

	{storage.TypeInt32, storage.TypeInt16}:   CastAssignment,
	{storage.TypeInt32, storage.TypeInt64}:   CastImplicit,
	{storage.TypeInt32, storage.TypeFloat32}: CastImplicit,
	{storage.TypeInt32, storage.TypeFloat64}: CastImplicit,
	{storage.TypeInt32, storage.TypeNumeric}: CastImplicit,
	{storage.TypeInt32, storage.TypeBool}:    CastExplicit,

	{storage.TypeInt64, storage.TypeInt16}:   CastAssignment,
	{storage.TypeInt64, storage.TypeInt32}:   CastAssignment,
	{storage.TypeInt64, storage.TypeFloat32}: CastImplicit,
	{storage.TypeInt64, storage.TypeFloat64}: CastImplicit,
	{storage.TypeInt64, storage.TypeNumeric}: CastImplicit,

	{storage.TypeFloat32, storage.TypeInt16}:   CastAssignment,
	{storage.TypeFloat32, storage.TypeInt32}:   CastAssignment,
	{storage.TypeFloat32, storage.TypeInt64}:   CastAssignment,
	{storage.TypeFloat32, storage.TypeFloat64}: CastImplicit,
	{storage.TypeFloat32, storage.TypeNumeric}: CastAssignment,

	{storage.TypeFloat64, storage.TypeInt16}:   CastAssignment,
	{storage.TypeFloat64, storage.TypeInt32}:   CastAssignment,
	{storage.TypeFloat64, storage.TypeInt64}:   CastAssignment,
	{storage.TypeFloat64, storage.TypeFloat32}: CastAssignment,
	{storage.TypeFloat64, storage.TypeNumeric}: CastAssignment,

	{storage.TypeNumeric, storage.TypeInt16}:   CastAssignment,
	{storage.TypeNumeric, storage.TypeInt32}:   CastAssignment,
	{storage.TypeNumeric, storage.TypeInt64}:   CastAssignment,
	{storage.TypeNumeric, storage.TypeFloat32}: CastImplicit,
	{storage.TypeNumeric, storage.TypeFloat64}: CastImplicit,

	{storage.TypeBool, storage.TypeInt32}: CastExplicit,

	{storage.TypeDate, storage.TypeTimestamp}:        CastImplicit,
	{storage.TypeDate, storage.TypeTimestampTZ}:      CastImplicit,
	{storage.TypeTimestamp, storage.TypeDate}:        CastAssignment,
	{storage.TypeTimestamp, storage.TypeTimestampTZ}: CastImplicit,
	{storage.TypeTimestampTZ, storage.TypeDate}:      CastAssignment,
	{storage.TypeTimestampTZ, storage.TypeTimestamp}: CastAssignment,

	{storage.TypeJSON, storage.TypeJSONB}:    CastAssignment,
	{storage.TypeJSONB, storage.TypeJSON}:    CastAssignment,
	{storage.TypeJSONB, storage.TypeBool}:    CastExplicit,
	{storage.TypeJSONB, storage.TypeNumeric}: CastExplicit,
	{storage.TypeJSONB, storage.TypeInt16}:   CastExplicit,
	{storage.TypeJSONB, storage.TypeInt32}:   CastExplicit,
	{storage.TypeJSONB, storage.TypeInt64}:   CastExplicit,
	{storage.TypeJSONB, storage.TypeFloat32}: CastExplicit,
	{storage.TypeJSONB, storage.TypeFloat64}: CastExplicit,
}

// castContextOf returns the weakest context in which from converts to to,
// and false if no cast exists.
func castContextOf(from, to storage.Type) (CastContext, bool) {
	switch {
	case from == to || from == storage.TypeNull:
		return CastImplicit, true
	case to == storage.TypeText:
		return CastAssignment, true
	case from == storage.TypeText:
		return CastExplicit, true
	case from.IsArray() && to.IsArray():
		// array_map: the element cast's context (Postgres's
		// find_coercion_pathway for arrays).
		return castContextOf(from.Elem(), to.Elem())
	case from.IsArray() || to.IsArray():
		return 0, false
	}
	c, ok := castTable[castKey{from, to}]
	return c, ok
}

// CanCast reports whether a value of type from may be converted to type to
// in context cc.
func CanCast(from, to storage.Type, cc CastContext) bool {
	c, ok := castContextOf(from, to)
	return ok && c <= cc
}

// Cast converts v to type to, as CAST(v AS to) does; the caller checks
// CanCast for the context first (Cast itself performs any existing cast).
// NULL casts to NULL. A missing cast is 42846 "cannot cast type %s to %s".
func Cast(ctx *Context, v storage.Value, to storage.Type) (storage.Value, error) {
	from := v.Type()
	if from == storage.TypeNull || from == to {
		return v, nil
	}
	if _, ok := castContextOf(from, to); !ok {
		return storage.Value{}, pgerr.New(pgerr.CannotCoerce, "cannot cast type %s to %s", from.String(), to.String())
	}
	switch {
	case to == storage.TypeText && from == storage.TypeBool:
		// booltext, unlike boolout, spells the words out.
		if v.AsBool() {
			return storage.Text("true"), nil
		}
		return storage.Text("false"), nil
	case to == storage.TypeText:
		return storage.Text(Format(v, ctx.loc())), nil
	case from == storage.TypeText:
		return ParseText(ctx, v.AsString(), to)
	case from.IsArray():
		return castArray(ctx, v, to.Elem())
	}
	switch from {
	case storage.TypeInt16, storage.TypeInt32, storage.TypeInt64:
		return castFromInt(v.AsInt64(), to)
	case storage.TypeFloat32, storage.TypeFloat64:
		return castFromFloat(v.AsFloat64(), from, to)
	case storage.TypeNumeric:
		return castFromNumeric(v.AsNumeric(), to)
	case storage.TypeBool:
		if v.AsBool() {
			return storage.Int32(1), nil
		}
		return storage.Int32(0), nil
	case storage.TypeDate, storage.TypeTimestamp, storage.TypeTimestampTZ:
		return castDateTime(ctx, v, to)
	case storage.TypeJSON, storage.TypeJSONB:
		return castJSON(v, to)
	}
	return storage.Value{}, pgerr.New(pgerr.CannotCoerce, "cannot cast type %s to %s", from.String(), to.String())
}

func intFits(x int64, t storage.Type) bool {
	switch t {
	case storage.TypeInt16:
		return x >= math.MinInt16 && x <= math.MaxInt16
	case storage.TypeInt32:
		return x >= math.MinInt32 && x <= math.MaxInt32
	}
	return true
}

// checkedInt returns x as a value of integer type t, or 22003 "smallint
// out of range" and the like.
func checkedInt(x int64, t storage.Type) (storage.Value, error) {
	if !intFits(x, t) {
		return storage.Value{}, errTypeOutOfRange(t)
	}
	return makeInt(x, t), nil
}

func castFromInt(x int64, to storage.Type) (storage.Value, error) {
	switch to {
	case storage.TypeInt16, storage.TypeInt32, storage.TypeInt64:
		return checkedInt(x, to)
	case storage.TypeFloat32:
		return storage.Float32(float32(x)), nil
	case storage.TypeFloat64:
		return storage.Float64(float64(x)), nil
	case storage.TypeNumeric:
		return storage.Numeric(apd.New(x, 0)), nil
	case storage.TypeBool:
		return storage.Bool(x != 0), nil
	}
	panic("unreachable")
}

// floatToInt is ftoi4 and friends: round half to even (rint), then check
// the range; NaN and infinities are out of range.
func floatToInt(f float64, t storage.Type) (storage.Value, error) {
	r := math.RoundToEven(f)
	lim := float64(-math.MinInt64)
	switch t {
	case storage.TypeInt16:
		lim = -math.MinInt16
	case storage.TypeInt32:
		lim = -math.MinInt32
	}
	if r != r || r < -lim || r >= lim {
		return storage.Value{}, errTypeOutOfRange(t)
	}
	return makeInt(int64(r), t), nil
}

func castFromFloat(f float64, from, to storage.Type) (storage.Value, error) {
	switch to {
	case storage.TypeInt16, storage.TypeInt32, storage.TypeInt64:
		return floatToInt(f, to)
	case storage.TypeFloat64:
		return storage.Float64(f), nil
	case storage.TypeFloat32:
		return float64To32(f)
	case storage.TypeNumeric:
		return floatToNumeric(f, from)
	}
	panic("unreachable")
}

// float64To32 is dtof: overflow and underflow to zero are errors.
func float64To32(f float64) (storage.Value, error) {
	r := float32(f)
	if math.IsInf(float64(r), 0) && !math.IsInf(f, 0) {
		return storage.Value{}, errFloatOverflow
	}
	if r == 0 && f != 0 {
		return storage.Value{}, errFloatUnderflow
	}
	return storage.Float32(r), nil
}

// floatToNumeric is float8_numeric / float4_numeric: the value printed
// with DBL_DIG (15) or FLT_DIG (6) significant digits, then read back.
func floatToNumeric(f float64, from storage.Type) (storage.Value, error) {
	switch {
	case math.IsNaN(f):
		return storage.Numeric(&apd.Decimal{Form: apd.NaN}), nil
	case math.IsInf(f, 0):
		return storage.Numeric(&apd.Decimal{Form: apd.Infinite, Negative: f < 0}), nil
	}
	digits := 15
	if from == storage.TypeFloat32 {
		digits = 6
	}
	s := strconv.FormatFloat(f, 'g', digits, 64)
	d, _, err := apd.NewFromString(s)
	if err != nil {
		return storage.Value{}, pgerr.Wrap(err, pgerr.InternalError, "")
	}
	// %g output has no trailing zeros after the point, like Postgres.
	d.Reduce(d)
	if d.Exponent > 0 {
		return numericValue(d)
	}
	return storage.Numeric(d), nil
}

// numericToInt64 rounds half away from zero and checks t's range.
func numericToInt(d *apd.Decimal, t storage.Type) (storage.Value, error) {
	switch d.Form {
	case apd.NaN, apd.NaNSignaling:
		return storage.Value{}, pgerr.New(pgerr.FeatureNotSupported, "cannot convert NaN to %s", t.String())
	case apd.Infinite:
		return storage.Value{}, pgerr.New(pgerr.FeatureNotSupported, "cannot convert infinity to %s", t.String())
	}
	if adjustedExp(d) > 20 {
		return storage.Value{}, errTypeOutOfRange(t)
	}
	var r apd.Decimal
	if _, err := numCtx(40).Quantize(&r, d, 0); err != nil {
		return storage.Value{}, errTypeOutOfRange(t)
	}
	x, err := r.Int64()
	if err != nil {
		return storage.Value{}, errTypeOutOfRange(t)
	}
	return checkedInt(x, t)
}

func castFromNumeric(d *apd.Decimal, to storage.Type) (storage.Value, error) {
	switch to {
	case storage.TypeInt16, storage.TypeInt32, storage.TypeInt64:
		return numericToInt(d, to)
	case storage.TypeFloat32, storage.TypeFloat64:
		if d.Form == apd.Finite {
			// numeric_float8 and numeric_float4 go through the type's input function.
			return parseFloat(d.Text('f'), to)
		}
		f, _ := numericToFloat(d)
		if to == storage.TypeFloat32 {
			return storage.Float32(float32(f)), nil
		}
		return storage.Float64(f), nil
	}
	panic("unreachable")
}

func numericToFloat(d *apd.Decimal) (float64, error) {
	switch d.Form {
	case apd.NaN, apd.NaNSignaling:
		return math.NaN(), nil
	case apd.Infinite:
		if d.Negative {
			return math.Inf(-1), nil
		}
		return math.Inf(1), nil
	}
	s := d.Text('e')
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, pgerr.New(pgerr.NumericValueOutOfRange, `"%s" is out of range for type double precision`, d.Text('f'))
	}
	return f, nil
}

func castDateTime(ctx *Context, v storage.Value, to storage.Type) (storage.Value, error) {
	loc := ctx.loc()
	switch v.Type() {
	case storage.TypeDate:
		d := v.AsDate()
		var us int64
		switch d {
		case dateNegInf:
			us = tsNegInf
		case datePosInf:
			us = tsPosInf
		default:
			us = int64(d) * microsPerDay
			if !validTimestamp(us) {
				return storage.Value{}, pgerr.New(pgerr.DatetimeFieldOverflow, "date out of range for timestamp")
			}
			if to == storage.TypeTimestampTZ {
				us = localToUTC(us, loc)
			}
		}
		if to == storage.TypeTimestampTZ {
			return storage.TimestampTZ(us), nil
		}
		return storage.Timestamp(us), nil
	case storage.TypeTimestamp, storage.TypeTimestampTZ:
		us := v.AsMicros()
		if !isInfTS(us) && v.Type() == storage.TypeTimestampTZ && to != storage.TypeTimestampTZ {
			us += int64(zoneOffset(us, loc)) * microsPerSecond // to local time
		}
		switch to {
		case storage.TypeDate:
			switch us {
			case tsNegInf:
				return storage.Date(dateNegInf), nil
			case tsPosInf:
				return storage.Date(datePosInf), nil
			}
			d, _ := splitMicros(us)
			return storage.Date(int32(d)), nil
		case storage.TypeTimestamp:
			return storage.Timestamp(us), nil
		case storage.TypeTimestampTZ:
			if !isInfTS(us) {
				us = localToUTC(us, loc)
			}
			return storage.TimestampTZ(us), nil
		}
	}
	panic("unreachable")
}
