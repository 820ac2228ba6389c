package sem

import (
	"math"
	"math/rand/v2"

	"github.com/cockroachdb/apd/v3"
	"github.com/persiandb/persiandb/storage"
)

const (
	tInt2    = storage.TypeInt16
	tFloat4  = storage.TypeFloat32
	tFloat8  = storage.TypeFloat64
	tNumeric = storage.TypeNumeric
)

func f8(v storage.Value) float64 { return v.AsFloat64() }

// floatFn wraps a float8 function with Postgres's range checks: an
// infinite result from a finite input is overflow.
func floatFn(f func(float64) (float64, error)) func(*Context, []storage.Value) (storage.Value, error) {
	return func(_ *Context, a []storage.Value) (storage.Value, error) {
		x := f8(a[0])
		r, err := f(x)
		if err != nil {
			return storage.Value{}, err
		}
		if math.IsInf(r, 0) && !math.IsInf(x, 0) {
			return storage.Value{}, errFloatOverflow
		}
		return storage.Float64(r), nil
	}
}

func pure(f func(float64) float64) func(float64) (float64, error) {
	return func(x float64) (float64, error) { return f(x), nil }
}

func numFn(f func(*apd.Decimal) (storage.Value, error)) func(*Context, []storage.Value) (storage.Value, error) {
	return func(_ *Context, a []storage.Value) (storage.Value, error) { return f(a[0].AsNumeric()) }
}

func init() {
	for _, t := range []storage.Type{tInt2, tInt4, tInt8} {
		t := t
		register(
			fn("abs", t, types(t), func(_ *Context, a []storage.Value) (storage.Value, error) {
				x := a[0].AsInt64()
				if x < 0 {
					return Negate(a[0])
				}
				return a[0], nil
			}),
			fn("mod", t, types(t, t), func(_ *Context, a []storage.Value) (storage.Value, error) {
				return intArith(OpMod, a[0].AsInt64(), a[1].AsInt64(), t)
			}),
		)
	}
	register(
		fn("abs", tFloat4, types(tFloat4), func(_ *Context, a []storage.Value) (storage.Value, error) {
			return storage.Float32(float32(math.Abs(f8(a[0])))), nil
		}),
		fn("abs", tFloat8, types(tFloat8), floatFn(pure(math.Abs))),
		fn("abs", tNumeric, types(tNumeric), numFn(func(d *apd.Decimal) (storage.Value, error) {
			r := new(apd.Decimal).Set(d)
			r.Negative = false
			return storage.Numeric(r), nil
		})),
		fn("mod", tNumeric, types(tNumeric, tNumeric), func(_ *Context, a []storage.Value) (storage.Value, error) {
			return numMod(a[0].AsNumeric(), a[1].AsNumeric())
		}),
		fn("ceil", tFloat8, types(tFloat8), floatFn(pure(math.Ceil))),
		fn("ceiling", tFloat8, types(tFloat8), floatFn(pure(math.Ceil))),
		fn("floor", tFloat8, types(tFloat8), floatFn(pure(math.Floor))),
		fn("round", tFloat8, types(tFloat8), floatFn(pure(math.RoundToEven))),
		fn("trunc", tFloat8, types(tFloat8), floatFn(pure(math.Trunc))),
		fn("sign", tFloat8, types(tFloat8), floatFn(pure(func(x float64) float64 {
			switch {
			case x > 0:
				return 1
			case x < 0:
				return -1
			}
			return 0
		}))),
		fn("ceil", tNumeric, types(tNumeric), numFn(func(d *apd.Decimal) (storage.Value, error) { return numCeilFloor(d, true) })),
		fn("ceiling", tNumeric, types(tNumeric), numFn(func(d *apd.Decimal) (storage.Value, error) { return numCeilFloor(d, true) })),
		fn("floor", tNumeric, types(tNumeric), numFn(func(d *apd.Decimal) (storage.Value, error) { return numCeilFloor(d, false) })),
		fn("round", tNumeric, types(tNumeric), numFn(func(d *apd.Decimal) (storage.Value, error) { return numRoundMode(d, 0, apd.RoundHalfUp) })),
		fn("trunc", tNumeric, types(tNumeric), numFn(func(d *apd.Decimal) (storage.Value, error) { return numRoundMode(d, 0, apd.RoundDown) })),
		fn("round", tNumeric, types(tNumeric, tInt4), func(_ *Context, a []storage.Value) (storage.Value, error) {
			return numRoundMode(a[0].AsNumeric(), a[1].AsInt64(), apd.RoundHalfUp)
		}),
		fn("trunc", tNumeric, types(tNumeric, tInt4), func(_ *Context, a []storage.Value) (storage.Value, error) {
			return numRoundMode(a[0].AsNumeric(), a[1].AsInt64(), apd.RoundDown)
		}),
		fn("sign", tNumeric, types(tNumeric), numFn(func(d *apd.Decimal) (storage.Value, error) {
			switch {
			case isNaN(d):
				return storage.Numeric(numNaN), nil
			case d.IsZero():
				return storage.Numeric(apd.New(0, 0)), nil
			case d.Negative:
				return storage.Numeric(apd.New(-1, 0)), nil
			}
			return storage.Numeric(apd.New(1, 0)), nil
		})),
		fn("sqrt", tFloat8, types(tFloat8), floatFn(func(x float64) (float64, error) {
			if x < 0 {
				return 0, errSqrtNegative
			}
			return math.Sqrt(x), nil
		})),
		fn("sqrt", tNumeric, types(tNumeric), numFn(numSqrt)),
		fn("cbrt", tFloat8, types(tFloat8), floatFn(pure(math.Cbrt))),
		fn("exp", tFloat8, types(tFloat8), floatFn(func(x float64) (float64, error) {
			r := math.Exp(x)
			if r == 0 && !math.IsInf(x, -1) {
				return 0, errFloatUnderflow
			}
			return r, nil
		})),
		fn("exp", tNumeric, types(tNumeric), numFn(numExp)),
		fn("ln", tFloat8, types(tFloat8), floatFn(floatLog(math.Log))),
		fn("ln", tNumeric, types(tNumeric), numFn(numLn)),
		fn("log", tFloat8, types(tFloat8), floatFn(floatLog(math.Log10))),
		fn("log10", tFloat8, types(tFloat8), floatFn(floatLog(math.Log10))),
		fn("log", tNumeric, types(tNumeric), numFn(func(d *apd.Decimal) (storage.Value, error) { return numLog(apd.New(10, 0), d) })),
		fn("log10", tNumeric, types(tNumeric), numFn(func(d *apd.Decimal) (storage.Value, error) { return numLog(apd.New(10, 0), d) })),
		fn("log", tNumeric, types(tNumeric, tNumeric), func(_ *Context, a []storage.Value) (storage.Value, error) {
			return numLog(a[0].AsNumeric(), a[1].AsNumeric())
		}),
		fn("power", tFloat8, types(tFloat8, tFloat8), func(_ *Context, a []storage.Value) (storage.Value, error) { return floatPow(f8(a[0]), f8(a[1])) }),
		fn("pow", tFloat8, types(tFloat8, tFloat8), func(_ *Context, a []storage.Value) (storage.Value, error) { return floatPow(f8(a[0]), f8(a[1])) }),
		fn("power", tNumeric, types(tNumeric, tNumeric), func(_ *Context, a []storage.Value) (storage.Value, error) {
			return numPow(a[0].AsNumeric(), a[1].AsNumeric())
		}),
		fn("pow", tNumeric, types(tNumeric, tNumeric), func(_ *Context, a []storage.Value) (storage.Value, error) {
			return numPow(a[0].AsNumeric(), a[1].AsNumeric())
		}),
		fn("pi", tFloat8, nil, func(*Context, []storage.Value) (storage.Value, error) { return storage.Float64(math.Pi), nil }),
		fn("degrees", tFloat8, types(tFloat8), floatFn(pure(func(x float64) float64 { return x * (180 / math.Pi) }))),
		fn("radians", tFloat8, types(tFloat8), floatFn(pure(func(x float64) float64 { return x * (math.Pi / 180) }))),
		&Func{Name: "random", Ret: tFloat8, Volatile: true, Fn: func(*Context, []storage.Value) (storage.Value, error) {
			return storage.Float64(rand.Float64()), nil
		}},
		&Func{Name: "greatest", Args: types(AnyType), Variadic: true, Ret: AnyType, NonStrict: true, Fn: extremum(1)},
		&Func{Name: "least", Args: types(AnyType), Variadic: true, Ret: AnyType, NonStrict: true, Fn: extremum(-1)},
	)
}

func floatLog(f func(float64) float64) func(float64) (float64, error) {
	return func(x float64) (float64, error) {
		switch {
		case x == 0:
			return 0, errLogZero
		case x < 0:
			return 0, errLogNegative
		}
		return f(x), nil
	}
}

// numRoundMode rounds d to scale decimals (negative: to tens, hundreds)
// in the given mode; the result displays max(scale, 0) decimals, as
// Postgres's round(numeric, int) and trunc(numeric, int) do.
// numCeilFloor is ceil and floor. apd's Quantize with RoundCeiling or
// RoundFloor drops a discarded part that starts with a zero digit
// (0.092 quantized with RoundCeiling gives 0), so these use Ceil/Floor.
func numCeilFloor(d *apd.Decimal, ceil bool) (storage.Value, error) {
	if isNaN(d) || isInf(d) {
		return storage.Numeric(d), nil
	}
	c := numCtx(uint32(max(intDigits(d)+2, 1)))
	r := new(apd.Decimal)
	var err error
	if ceil {
		_, err = c.Ceil(r, d)
	} else {
		_, err = c.Floor(r, d)
	}
	if err != nil {
		return numResult(nil, err)
	}
	if r.IsZero() {
		r.Negative = false // ceil(-0.5) is 0, not -0
	}
	return numericValue(r)
}

func numRoundMode(d *apd.Decimal, scale int64, mode apd.Rounder) (storage.Value, error) {
	if isNaN(d) || isInf(d) {
		return storage.Numeric(d), nil
	}
	scale = max(min(scale, numericMaxDisplayScale), -numericMaxDisplayScale)
	c := numCtx(uint32(max(intDigits(d)+scale+2, 1)))
	c.Rounding = mode
	r := new(apd.Decimal)
	if _, err := c.Quantize(r, d, int32(-scale)); err != nil {
		return numResult(nil, err)
	}
	return numericValue(r)
}

// extremum is greatest (sign 1) and least (sign -1): NULLs are ignored;
// the result is NULL only if every argument is.
func extremum(sign int) func(*Context, []storage.Value) (storage.Value, error) {
	return func(c *Context, a []storage.Value) (storage.Value, error) {
		best := storage.Null()
		for _, v := range a {
			if v.IsNull() {
				continue
			}
			if best.IsNull() {
				best = v
				continue
			}
			cmp, err := CompareValues(c, v, best)
			if err != nil {
				return storage.Value{}, err
			}
			if cmp*sign > 0 {
				best = v
			}
		}
		return best, nil
	}
}
