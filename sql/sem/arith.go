package sem

import (
	"math"

	"github.com/cockroachdb/apd/v3"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/storage"
)

// BinOp is a binary operator.
type BinOp uint8

const (
	OpAdd    BinOp = iota + 1 // +
	OpSub                     // -
	OpMul                     // *
	OpDiv                     // /
	OpMod                     // %
	OpPow                     // ^
	OpConcat                  // ||
	OpEq                      // =
	OpNe                      // <>
	OpLt                      // <
	OpLe                      // <=
	OpGt                      // >
	OpGe                      // >=
	OpBitAnd                  // &
	OpBitOr                   // |
	OpShl                     // <<
	OpShr                     // >>
	OpBitXor                  // #
)

var binOpNames = [...]string{OpAdd: "+", OpSub: "-", OpMul: "*", OpDiv: "/", OpMod: "%", OpPow: "^",
	OpConcat: "||", OpEq: "=", OpNe: "<>", OpLt: "<", OpLe: "<=", OpGt: ">", OpGe: ">=",
	OpBitAnd: "&", OpBitOr: "|", OpShl: "<<", OpShr: ">>", OpBitXor: "#"}

// isBitwise reports whether op is one of the integer operators & | << >> #.
func (op BinOp) isBitwise() bool { return op >= OpBitAnd && op <= OpBitXor }

func (op BinOp) String() string {
	if int(op) < len(binOpNames) && binOpNames[op] != "" {
		return binOpNames[op]
	}
	return "?"
}

// IsComparison reports whether op is one of = <> < <= > >=.
func (op BinOp) IsComparison() bool { return op >= OpEq && op <= OpGe }

func errNoOperator(op string, l, r storage.Type) error {
	return pgerr.New(pgerr.UndefinedFunction, "operator does not exist: %s %s %s", l.String(), op, r.String()).
		WithHint("No operator matches the given name and argument types. You might need to add explicit type casts.")
}

func isIntType(t storage.Type) bool {
	return t == storage.TypeInt16 || t == storage.TypeInt32 || t == storage.TypeInt64
}

func isFloatType(t storage.Type) bool { return t == storage.TypeFloat32 || t == storage.TypeFloat64 }

// IsNumericType reports whether t is one of the number types.
func IsNumericType(t storage.Type) bool {
	return isIntType(t) || isFloatType(t) || t == storage.TypeNumeric
}

// numericCommonType is the type Postgres computes two numbers in:
// the wider integer for two integers, real only for two reals, double
// precision when a float is involved, else numeric.
func numericCommonType(l, r storage.Type) storage.Type {
	switch {
	case isIntType(l) && isIntType(r):
		return max(l, r) // TypeInt16 < TypeInt32 < TypeInt64
	case l == storage.TypeFloat32 && r == storage.TypeFloat32:
		return storage.TypeFloat32
	case isFloatType(l) || isFloatType(r):
		return storage.TypeFloat64
	}
	return storage.TypeNumeric
}

// BinaryType returns the result type of l op r, or 42883 "operator does
// not exist". TypeNull operands (untyped NULLs) take the other side's
// type; the planner should have typed NULL literals already.
func BinaryType(op BinOp, l, r storage.Type) (storage.Type, error) {
	if l == storage.TypeNull {
		l = r
	}
	if r == storage.TypeNull {
		r = l
	}
	if op.IsComparison() {
		if _, ok := comparisonType(l, r); ok {
			return storage.TypeBool, nil
		}
		return 0, errNoOperator(op.String(), l, r)
	}
	if op.isBitwise() {
		// Postgres has & and | for each integer type (a mix meets at the
		// wider one, by implicit cast) and shifts of each by an int4.
		switch {
		case !isIntType(l) || !isIntType(r):
		case op == OpShl || op == OpShr:
			if r != storage.TypeInt64 {
				return l, nil
			}
		default:
			return numericCommonType(l, r), nil
		}
		return 0, errNoOperator(op.String(), l, r)
	}
	if IsNumericType(l) && IsNumericType(r) {
		switch op {
		case OpPow:
			if isIntType(l) && isIntType(r) || isFloatType(l) || isFloatType(r) {
				return storage.TypeFloat64, nil
			}
			return storage.TypeNumeric, nil
		case OpMod:
			if isFloatType(l) || isFloatType(r) {
				return 0, errNoOperator(op.String(), l, r)
			}
		case OpConcat:
			return 0, errNoOperator(op.String(), l, r)
		}
		return numericCommonType(l, r), nil
	}
	// Integers widen to the int4 or float8 the operators above take.
	norm := func(t storage.Type, other storage.Type) storage.Type {
		switch {
		case other == storage.TypeInterval && IsNumericType(t):
			return storage.TypeFloat64
		case other == storage.TypeDate && (t == storage.TypeInt16):
			return storage.TypeInt32
		}
		return t
	}
	l2, r2 := norm(l, r), norm(r, l)
	// date - date is the only date/timestamp mix with a direct operator;
	// otherwise dates widen to timestamps for timestamp - timestamp.
	if op == OpSub && l2 != r2 {
		if isDateTime(l2) && isDateTime(r2) {
			if l2 == storage.TypeTimestampTZ || r2 == storage.TypeTimestampTZ {
				l2, r2 = storage.TypeTimestampTZ, storage.TypeTimestampTZ
			} else {
				l2, r2 = storage.TypeTimestamp, storage.TypeTimestamp
			}
		}
	}
	if t, ok := dateTimeOps[opPair{op, l2, r2}]; ok {
		return t, nil
	}
	if op == OpConcat && (l == storage.TypeText || r == storage.TypeText) {
		return storage.TypeText, nil // anynonarray || text
	}
	return 0, errNoOperator(op.String(), l, r)
}

func isDateTime(t storage.Type) bool {
	return t == storage.TypeDate || t == storage.TypeTimestamp || t == storage.TypeTimestampTZ
}

type opPair struct {
	op   BinOp
	l, r storage.Type
}

// dateTimeOps are the date, time, interval and string operators by
// operand types.
var dateTimeOps = map[opPair]storage.Type{
	{OpAdd, storage.TypeDate, storage.TypeInt32}:              storage.TypeDate,
	{OpAdd, storage.TypeInt32, storage.TypeDate}:              storage.TypeDate,
	{OpSub, storage.TypeDate, storage.TypeInt32}:              storage.TypeDate,
	{OpSub, storage.TypeDate, storage.TypeDate}:               storage.TypeInt32,
	{OpAdd, storage.TypeDate, storage.TypeInterval}:           storage.TypeTimestamp,
	{OpAdd, storage.TypeInterval, storage.TypeDate}:           storage.TypeTimestamp,
	{OpSub, storage.TypeDate, storage.TypeInterval}:           storage.TypeTimestamp,
	{OpAdd, storage.TypeTimestamp, storage.TypeInterval}:      storage.TypeTimestamp,
	{OpAdd, storage.TypeInterval, storage.TypeTimestamp}:      storage.TypeTimestamp,
	{OpSub, storage.TypeTimestamp, storage.TypeInterval}:      storage.TypeTimestamp,
	{OpAdd, storage.TypeTimestampTZ, storage.TypeInterval}:    storage.TypeTimestampTZ,
	{OpAdd, storage.TypeInterval, storage.TypeTimestampTZ}:    storage.TypeTimestampTZ,
	{OpSub, storage.TypeTimestampTZ, storage.TypeInterval}:    storage.TypeTimestampTZ,
	{OpSub, storage.TypeTimestamp, storage.TypeTimestamp}:     storage.TypeInterval,
	{OpSub, storage.TypeTimestampTZ, storage.TypeTimestampTZ}: storage.TypeInterval,
	{OpAdd, storage.TypeInterval, storage.TypeInterval}:       storage.TypeInterval,
	{OpSub, storage.TypeInterval, storage.TypeInterval}:       storage.TypeInterval,
	{OpMul, storage.TypeInterval, storage.TypeFloat64}:        storage.TypeInterval,
	{OpMul, storage.TypeFloat64, storage.TypeInterval}:        storage.TypeInterval,
	{OpDiv, storage.TypeInterval, storage.TypeFloat64}:        storage.TypeInterval,
	{OpConcat, storage.TypeText, storage.TypeText}:            storage.TypeText,
	{OpConcat, storage.TypeBytea, storage.TypeBytea}:          storage.TypeBytea,
}

// Binary evaluates a op b with Postgres's typing (see BinaryType): NULL in
// gives NULL out, numbers are promoted to their common type, and errors
// carry their SQLSTATE (22003 overflow, 22012 division by zero, 42883 for
// operand types without the operator).
func Binary(ctx *Context, op BinOp, a, b storage.Value) (storage.Value, error) {
	if a.IsNull() || b.IsNull() {
		if _, err := BinaryType(op, a.Type(), b.Type()); err != nil {
			return storage.Value{}, err
		}
		return storage.Null(), nil
	}
	if op.IsComparison() {
		c, err := CompareValues(ctx, a, b)
		if err != nil {
			return storage.Value{}, pgerr.New(pgerr.UndefinedFunction, "operator does not exist: %s %s %s", a.Type(), op, b.Type())
		}
		return storage.Bool(cmpResult(op, c)), nil
	}
	rt, err := BinaryType(op, a.Type(), b.Type())
	if err != nil {
		return storage.Value{}, err
	}
	lt, rtt := a.Type(), b.Type()
	switch {
	case op == OpConcat:
		if rt == storage.TypeBytea {
			return storage.Bytea([]byte(a.AsString() + b.AsString())), nil
		}
		return storage.Text(textOf(ctx, a) + textOf(ctx, b)), nil
	case IsNumericType(lt) && IsNumericType(rtt):
		if op == OpPow {
			if rt == storage.TypeFloat64 {
				return floatPow(toFloat(a), toFloat(b))
			}
		}
		switch rt {
		case storage.TypeInt16, storage.TypeInt32, storage.TypeInt64:
			return intArith(op, a.AsInt64(), b.AsInt64(), rt)
		case storage.TypeFloat32, storage.TypeFloat64:
			return floatArith(op, toFloat(a), toFloat(b), rt)
		default:
			return numArith(op, toNumeric(a), toNumeric(b))
		}
	}
	return dateTimeArith(ctx, op, a, b, rt)
}

// textOf is the text a value contributes to ||: its cast to text (so
// booleans spell true and false).
func textOf(ctx *Context, v storage.Value) string {
	t, err := Cast(ctx, v, storage.TypeText)
	if err != nil { // every type casts to text
		panic(err)
	}
	return t.AsString()
}

func toFloat(v storage.Value) float64 {
	switch t := v.Type(); {
	case isIntType(t):
		return float64(v.AsInt64())
	case isFloatType(t):
		return v.AsFloat64()
	}
	f, _ := numericToFloat(v.AsNumeric())
	return f
}

func toNumeric(v storage.Value) *apd.Decimal {
	if isIntType(v.Type()) {
		return apd.New(v.AsInt64(), 0)
	}
	return v.AsNumeric()
}

func cmpResult(op BinOp, c int) bool {
	switch op {
	case OpEq:
		return c == 0
	case OpNe:
		return c != 0
	case OpLt:
		return c < 0
	case OpLe:
		return c <= 0
	case OpGt:
		return c > 0
	}
	return c >= 0
}

// intArith is int2/int4/int8 arithmetic with overflow checks in the
// result type: division truncates toward zero, % takes the dividend's sign.
func intArith(op BinOp, x, y int64, t storage.Type) (storage.Value, error) {
	var r int64
	switch op {
	case OpBitAnd:
		r = x & y
	case OpBitOr:
		r = x | y
	case OpBitXor:
		r = x ^ y
	case OpShl, OpShr:
		return intShift(op, x, y, t), nil
	case OpAdd:
		r = x + y
		if (r > x) != (y > 0) {
			return storage.Value{}, errTypeOutOfRange(t)
		}
	case OpSub:
		r = x - y
		if (r < x) != (y > 0) {
			return storage.Value{}, errTypeOutOfRange(t)
		}
	case OpMul:
		if x != 0 && y != 0 {
			r = x * y
			if r/y != x || (x == -1 && y == math.MinInt64) || (y == -1 && x == math.MinInt64) {
				return storage.Value{}, errTypeOutOfRange(t)
			}
		}
	case OpDiv:
		if y == 0 {
			return storage.Value{}, errDivisionByZero
		}
		if y == -1 {
			if x == math.MinInt64 {
				return storage.Value{}, errTypeOutOfRange(t)
			}
			r = -x
		} else {
			r = x / y
		}
	case OpMod:
		if y == 0 {
			return storage.Value{}, errDivisionByZero
		}
		if y != -1 {
			r = x % y
		}
	default:
		return storage.Value{}, errNoOperator(op.String(), t, t)
	}
	return checkedInt(r, t)
}

// BitNot is ~ of an integer, in its own type.
func BitNot(v storage.Value) storage.Value {
	switch v.Type() {
	case storage.TypeInt16:
		return storage.Int16(^int16(v.AsInt64()))
	case storage.TypeInt32:
		return storage.Int32(^int32(v.AsInt64()))
	}
	return storage.Int64(^v.AsInt64())
}

// intShift is Postgres's int2shl ... int8shr: C's shift of the value
// (int2 widened to int4) by the count, which x86 takes modulo the width,
// truncated to the type: bits shifted out are lost, never an error.
func intShift(op BinOp, x, y int64, t storage.Type) storage.Value {
	if t == storage.TypeInt64 {
		n := uint64(y) & 63
		if op == OpShl {
			return storage.Int64(x << n)
		}
		return storage.Int64(x >> n)
	}
	n := uint32(y) & 31
	v := int32(x)
	if op == OpShl {
		v <<= n
	} else {
		v >>= n
	}
	if t == storage.TypeInt16 {
		return storage.Int16(int16(v))
	}
	return storage.Int32(v)
}

// floatArith is float4/float8 arithmetic: an infinite result from finite
// inputs is overflow, a zero product or quotient of non-zero inputs is
// underflow, and division by zero is an error, as in Postgres.
func floatArith(op BinOp, x, y float64, t storage.Type) (storage.Value, error) {
	var r float64
	if t == storage.TypeFloat32 {
		a, b := float32(x), float32(y)
		var r32 float32
		switch op {
		case OpAdd:
			r32 = a + b
		case OpSub:
			r32 = a - b
		case OpMul:
			r32 = a * b
		case OpDiv:
			if b == 0 && a == a {
				return storage.Value{}, errDivisionByZero
			}
			r32 = a / b
		}
		r = float64(r32)
	} else {
		switch op {
		case OpAdd:
			r = x + y
		case OpSub:
			r = x - y
		case OpMul:
			r = x * y
		case OpDiv:
			if y == 0 && x == x {
				return storage.Value{}, errDivisionByZero
			}
			r = x / y
		}
	}
	if math.IsInf(r, 0) && !math.IsInf(x, 0) && !math.IsInf(y, 0) {
		return storage.Value{}, errFloatOverflow
	}
	if r == 0 && (op == OpMul && x != 0 && y != 0 || op == OpDiv && x != 0 && !math.IsInf(y, 0)) {
		return storage.Value{}, errFloatUnderflow
	}
	if t == storage.TypeFloat32 {
		return storage.Float32(float32(r)), nil
	}
	return storage.Float64(r), nil
}

// floatPow is dpow with its error cases.
func floatPow(x, y float64) (storage.Value, error) {
	if x == 0 && y < 0 {
		return storage.Value{}, errZeroNegPow
	}
	if x < 0 && !math.IsInf(x, 0) && y != math.Floor(y) && !math.IsInf(y, 0) {
		return storage.Value{}, errNegFracPow
	}
	r := math.Pow(x, y)
	if math.IsInf(r, 0) && !math.IsInf(x, 0) && !math.IsInf(y, 0) {
		return storage.Value{}, errFloatOverflow
	}
	if r == 0 && x != 0 && !math.IsInf(y, 0) && !math.IsInf(x, 0) {
		return storage.Value{}, errFloatUnderflow
	}
	return storage.Float64(r), nil
}

func numArith(op BinOp, a, b *apd.Decimal) (storage.Value, error) {
	switch op {
	case OpAdd:
		return numAdd(a, b, false)
	case OpSub:
		return numAdd(a, b, true)
	case OpMul:
		return numMul(a, b)
	case OpDiv:
		return numDiv(a, b)
	case OpMod:
		return numMod(a, b)
	case OpPow:
		return numPow(a, b)
	}
	return storage.Value{}, errNoOperator(op.String(), storage.TypeNumeric, storage.TypeNumeric)
}

// Negate is unary minus: 22003 for the most negative integer, intervals
// negate each field.
func Negate(v storage.Value) (storage.Value, error) {
	switch t := v.Type(); {
	case t == storage.TypeNull:
		return v, nil
	case isIntType(t):
		x := v.AsInt64()
		if x == math.MinInt64 {
			return storage.Value{}, errTypeOutOfRange(t)
		}
		return checkedInt(-x, t)
	case t == storage.TypeFloat32:
		return storage.Float32(-float32(v.AsFloat64())), nil
	case t == storage.TypeFloat64:
		return storage.Float64(-v.AsFloat64()), nil
	case t == storage.TypeNumeric:
		d := new(apd.Decimal).Set(v.AsNumeric())
		if !isNaN(d) {
			d.Negative = !d.Negative
		}
		return storage.Numeric(d), nil
	case t == storage.TypeInterval:
		m, d, us := v.AsInterval()
		if m == math.MinInt32 || d == math.MinInt32 || us == math.MinInt64 {
			return storage.Value{}, errIntervalRange
		}
		return storage.Interval(-m, -d, -us), nil
	}
	return storage.Value{}, pgerr.New(pgerr.UndefinedFunction, "operator does not exist: - %s", v.Type()).
		WithHint("No operator matches the given name and argument type. You might need to add an explicit type cast.")
}
