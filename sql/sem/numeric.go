package sem

import (
	"math"

	"github.com/cockroachdb/apd/v3"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/storage"
)

// Postgres's numeric display-scale constants (numeric.c).
const (
	numericMinSigDigits    = 16
	numericMaxDisplayScale = 1000
)

// numCtx returns a decimal context with the given precision, rounding half
// away from zero as Postgres's numeric does, and a huge exponent range.
func numCtx(prec uint32) *apd.Context {
	return &apd.Context{
		Precision:   prec,
		MaxExponent: apd.MaxExponent,
		MinExponent: apd.MinExponent,
		Traps:       apd.DefaultTraps,
		Rounding:    apd.RoundHalfUp,
	}
}

var (
	numNaN    = &apd.Decimal{Form: apd.NaN}
	numPosInf = &apd.Decimal{Form: apd.Infinite}
	numNegInf = &apd.Decimal{Form: apd.Infinite, Negative: true}
)

func isNaN(d *apd.Decimal) bool { return d.Form == apd.NaN || d.Form == apd.NaNSignaling }
func isInf(d *apd.Decimal) bool { return d.Form == apd.Infinite }

func infOf(neg bool) *apd.Decimal {
	if neg {
		return numNegInf
	}
	return numPosInf
}

// dscale is the number of digits after the point Postgres displays.
func dscale(d *apd.Decimal) int {
	if d.Form != apd.Finite || d.Exponent >= 0 {
		return 0
	}
	return int(-d.Exponent)
}

// intDigits is the number of digits before the point (at least 0).
func intDigits(d *apd.Decimal) int64 {
	if d.Coeff.Sign() == 0 {
		return 0
	}
	return max(adjustedExp(d)+1, 0)
}

// exactCtx has enough precision for an exact sum or product of a and b.
func exactCtx(a, b *apd.Decimal, product bool) *apd.Context {
	var p int64
	if product {
		p = a.NumDigits() + b.NumDigits()
	} else {
		hi := max(adjustedExp(a), adjustedExp(b))
		lo := min(int64(a.Exponent), int64(b.Exponent))
		p = hi - lo + 2
	}
	return numCtx(uint32(max(p, 1)))
}

func numResult(d *apd.Decimal, err error) (storage.Value, error) {
	if err != nil {
		return storage.Value{}, pgerr.Wrap(err, pgerr.NumericValueOutOfRange, "value overflows numeric format")
	}
	return numericValue(d)
}

func numAdd(a, b *apd.Decimal, sub bool) (storage.Value, error) {
	bneg := b.Negative != sub
	switch {
	case isNaN(a) || isNaN(b):
		return storage.Numeric(numNaN), nil
	case isInf(a) && isInf(b):
		if a.Negative != bneg {
			return storage.Numeric(numNaN), nil
		}
		return storage.Numeric(a), nil
	case isInf(a):
		return storage.Numeric(a), nil
	case isInf(b):
		return storage.Numeric(infOf(bneg)), nil
	}
	r := new(apd.Decimal)
	var err error
	if sub {
		_, err = exactCtx(a, b, false).Sub(r, a, b)
	} else {
		_, err = exactCtx(a, b, false).Add(r, a, b)
	}
	return numResult(r, err)
}

func numMul(a, b *apd.Decimal) (storage.Value, error) {
	switch {
	case isNaN(a) || isNaN(b):
		return storage.Numeric(numNaN), nil
	case isInf(a) || isInf(b):
		if (!isInf(a) && a.IsZero()) || (!isInf(b) && b.IsZero()) {
			return storage.Numeric(numNaN), nil
		}
		return storage.Numeric(infOf(a.Negative != b.Negative)), nil
	}
	r := new(apd.Decimal)
	_, err := exactCtx(a, b, true).Mul(r, a, b)
	return numResult(r, err)
}

// nbaseWeightAndFirst returns the weight and value of the first non-zero
// base-10000 digit of a finite non-zero d, as Postgres stores numerics.
func nbaseWeightAndFirst(d *apd.Decimal) (weight int64, first int64) {
	adj := adjustedExp(d)
	weight = adj / 4
	if adj < 0 && adj%4 != 0 {
		weight--
	}
	// The digits of d from 10^adj down to 10^(4*weight).
	n := adj - 4*weight + 1
	digits := d.Coeff.Text(10)
	for i := int64(0); i < n; i++ {
		first *= 10
		if i < int64(len(digits)) {
			first += int64(digits[i] - '0')
		}
	}
	return weight, first
}

// divScale is select_div_scale: at least 16 significant digits in the
// quotient, and no fewer decimals than either input displays.
func divScale(a, b *apd.Decimal) int {
	var w1, f1, w2, f2 int64
	if !a.IsZero() {
		w1, f1 = nbaseWeightAndFirst(a)
	}
	if !b.IsZero() {
		w2, f2 = nbaseWeightAndFirst(b)
	}
	qweight := w1 - w2
	if f1 <= f2 {
		qweight--
	}
	rscale := int64(numericMinSigDigits) - qweight*4
	rscale = max(rscale, int64(dscale(a)), int64(dscale(b)), 0)
	return int(min(rscale, numericMaxDisplayScale))
}

// roundTo rounds an exact or over-precise x to scale decimals, half away
// from zero.
func roundTo(x *apd.Decimal, scale int) (storage.Value, error) {
	r := new(apd.Decimal)
	prec := intDigits(x) + int64(scale) + 2
	_, err := numCtx(uint32(max(prec, 1))).Quantize(r, x, int32(-scale))
	return numResult(r, err)
}

// truncCtx computes to enough digits for rounding to scale afterwards:
// digits are truncated (RoundDown), so the later half-up rounding is not a
// double rounding.
func truncCtx(estIntDigits int64, scale int) *apd.Context {
	c := numCtx(uint32(max(estIntDigits, 1) + int64(scale) + 4))
	c.Rounding = apd.RoundDown
	return c
}

func numDiv(a, b *apd.Decimal) (storage.Value, error) {
	switch {
	case isNaN(a) || isNaN(b):
		return storage.Numeric(numNaN), nil
	case isInf(a):
		if isInf(b) {
			return storage.Numeric(numNaN), nil
		}
		if b.IsZero() {
			return storage.Value{}, errDivisionByZero
		}
		return storage.Numeric(infOf(a.Negative != b.Negative)), nil
	case isInf(b):
		return storage.Numeric(&apd.Decimal{}), nil
	case b.IsZero():
		return storage.Value{}, errDivisionByZero
	}
	scale := divScale(a, b)
	est := adjustedExp(a) - adjustedExp(b) + 2
	q := new(apd.Decimal)
	if _, err := truncCtx(est, scale).Quo(q, a, b); err != nil {
		return numResult(nil, err)
	}
	return roundTo(q, scale)
}

// numMod is mod_var: the remainder of truncating division, with the sign
// of a.
func numMod(a, b *apd.Decimal) (storage.Value, error) {
	switch {
	case isNaN(a) || isNaN(b) || isInf(a):
		return storage.Numeric(numNaN), nil
	case isInf(b):
		return storage.Numeric(a), nil
	case b.IsZero():
		return storage.Value{}, errDivisionByZero
	}
	r := new(apd.Decimal)
	_, err := exactCtx(a, b, false).WithPrecision(uint32(max(adjustedExp(a)-min(int64(a.Exponent), int64(b.Exponent))+2, 1))).Rem(r, a, b)
	if err != nil {
		return numResult(nil, err)
	}
	return roundTo(r, max(dscale(a), dscale(b)))
}

// estimateLnDweight is estimate_ln_dweight: the decimal weight of ln x,
// from x - 1 when x is near 1, else (int) log10(|ln x|) truncated toward
// zero as Postgres's C cast does.
func estimateLnDweight(x *apd.Decimal) int64 {
	if x.Cmp(apd.New(9, -1)) >= 0 && x.Cmp(apd.New(11, -1)) <= 0 {
		d := new(apd.Decimal)
		numCtx(uint32(x.NumDigits()+2)).Sub(d, x, apd.New(1, 0))
		if d.IsZero() {
			return 0
		}
		return adjustedExp(d)
	}
	var l float64
	if f, err := x.Float64(); err == nil && f > 0 && !math.IsInf(f, 0) {
		l = math.Log(f)
	} else {
		// Huge or tiny: ln x ≈ (adjusted exponent) * ln 10.
		l = float64(adjustedExp(x)) * math.Ln10
	}
	if l == 0 {
		return 0
	}
	return int64(math.Log10(math.Abs(l)))
}

func clampScale(s int64, ds ...int) int {
	for _, d := range ds {
		s = max(s, int64(d))
	}
	return int(min(max(s, 0), numericMaxDisplayScale))
}

var (
	errSqrtNegative = pgerr.New(pgerr.InvalidArgumentForPowerFunction, "cannot take square root of a negative number")
	errLogZero      = pgerr.New(pgerr.InvalidArgumentForLogarithm, "cannot take logarithm of zero")
	errLogNegative  = pgerr.New(pgerr.InvalidArgumentForLogarithm, "cannot take logarithm of a negative number")
	errZeroNegPow   = pgerr.New(pgerr.InvalidArgumentForPowerFunction, "zero raised to a negative power is undefined")
	errNegFracPow   = pgerr.New(pgerr.InvalidArgumentForPowerFunction, "a negative number raised to a non-integer power yields a complex result")
)

// numSqrt is numeric_sqrt.
func numSqrt(a *apd.Decimal) (storage.Value, error) {
	switch {
	case isNaN(a):
		return storage.Numeric(numNaN), nil
	case a.Negative && !a.IsZero():
		return storage.Value{}, errSqrtNegative
	case isInf(a):
		return storage.Numeric(a), nil
	}
	var w int64 // Postgres gives zero weight 0
	if !a.IsZero() {
		w, _ = nbaseWeightAndFirst(a)
	}
	sweight := (w+1)*4/2 - 1
	scale := clampScale(numericMinSigDigits-sweight, dscale(a))
	r := new(apd.Decimal)
	if _, err := truncCtx(intDigits(a)/2+2, scale).Sqrt(r, a); err != nil {
		return numResult(nil, err)
	}
	return roundTo(r, scale)
}

// numExp is numeric_exp.
func numExp(a *apd.Decimal) (storage.Value, error) {
	switch {
	case isNaN(a):
		return storage.Numeric(numNaN), nil
	case isInf(a):
		if a.Negative {
			return storage.Numeric(&apd.Decimal{}), nil
		}
		return storage.Numeric(a), nil
	}
	// exp_var's guard: |x| ≥ 6000 overflows, or underflows to zero.
	x, _ := a.Float64()
	if math.Abs(x) >= 6000 {
		if x > 0 {
			return storage.Value{}, errNumericOverflow
		}
		return roundTo(&apd.Decimal{}, clampScale(numericMinSigDigits+int64(-x*0.434294481903252), dscale(a)))
	}
	val := x * 0.434294481903252 // log10 of the result
	scale := clampScale(numericMinSigDigits-int64(val), dscale(a))
	c := truncCtx(int64(math.Max(val, 0))+2, scale)
	r := new(apd.Decimal)
	if math.Abs(x) <= 500 {
		if _, err := c.Exp(r, a); err != nil {
			return numResult(nil, err)
		}
		return roundTo(r, scale)
	}
	// apd's series gives up on large arguments: exp(x) = exp(x/k)^k.
	k := int64(math.Ceil(math.Abs(x) / 250))
	c = c.WithPrecision(c.Precision + 20)
	y := new(apd.Decimal)
	if _, err := c.Quo(y, a, apd.New(k, 0)); err != nil {
		return numResult(nil, err)
	}
	if _, err := c.Exp(y, y); err != nil {
		return numResult(nil, err)
	}
	if _, err := c.Pow(r, y, apd.New(k, 0)); err != nil {
		return numResult(nil, err)
	}
	return roundTo(r, scale)
}

// numLn is numeric_ln.
func numLn(a *apd.Decimal) (storage.Value, error) {
	switch {
	case isNaN(a):
		return storage.Numeric(numNaN), nil
	case a.IsZero():
		return storage.Value{}, errLogZero
	case a.Negative:
		return storage.Value{}, errLogNegative
	case isInf(a):
		return storage.Numeric(a), nil
	}
	dw := estimateLnDweight(a)
	scale := clampScale(numericMinSigDigits-dw, dscale(a))
	r := new(apd.Decimal)
	if _, err := truncCtx(max(dw, 0)+2, scale).Ln(r, a); err != nil {
		return numResult(nil, err)
	}
	return roundTo(r, scale)
}

// numLog is numeric_log: the logarithm of x to base b.
func numLog(b, x *apd.Decimal) (storage.Value, error) {
	switch {
	case isNaN(b) || isNaN(x):
		return storage.Numeric(numNaN), nil
	case b.IsZero() || x.IsZero():
		return storage.Value{}, errLogZero
	case b.Negative || x.Negative:
		return storage.Value{}, errLogNegative
	case isInf(b) || isInf(x):
		if isInf(b) && isInf(x) {
			return storage.Numeric(numNaN), nil
		}
		if isInf(b) {
			return storage.Numeric(&apd.Decimal{}), nil
		}
		return storage.Numeric(x), nil
	}
	dw := estimateLnDweight(x) - estimateLnDweight(b)
	scale := clampScale(numericMinSigDigits-dw, dscale(b), dscale(x))
	c := truncCtx(max(dw, 0)+2, scale+8)
	var lb, lx, r apd.Decimal
	if _, err := c.Ln(&lb, b); err != nil {
		return numResult(nil, err)
	}
	if _, err := c.Ln(&lx, x); err != nil {
		return numResult(nil, err)
	}
	if lb.IsZero() {
		return storage.Value{}, errDivisionByZero
	}
	if _, err := c.Quo(&r, &lx, &lb); err != nil {
		return numResult(nil, err)
	}
	return roundTo(&r, scale)
}

// numPow is numeric_power.
func numPow(a, b *apd.Decimal) (storage.Value, error) {
	if isNaN(a) || isNaN(b) {
		if (isNaN(a) && !isNaN(b) && b.IsZero()) || (isNaN(b) && !isNaN(a) && a.Cmp(apd.New(1, 0)) == 0) {
			return storage.Numeric(apd.New(1, 0)), nil
		}
		return storage.Numeric(numNaN), nil
	}
	if isInf(a) || isInf(b) {
		fa, _ := a.Float64()
		fb, _ := b.Float64()
		f := math.Pow(fa, fb)
		if math.IsInf(f, 0) {
			return storage.Numeric(infOf(f < 0)), nil
		}
		return floatToNumeric(f, storage.TypeFloat64)
	}
	bInt := b.Exponent >= 0 || isIntegral(b)
	if a.IsZero() && b.Negative && !b.IsZero() {
		return storage.Value{}, errZeroNegPow
	}
	if a.Negative && !bInt {
		return storage.Value{}, errNegFracPow
	}
	var scale int
	fa, _ := a.Float64()
	fb, _ := b.Float64()
	est := fb * math.Log10(math.Abs(fa))
	if a.IsZero() {
		est = 0
	}
	if est > 131072 {
		return storage.Value{}, errNumericOverflow
	}
	if bInt {
		scale = clampScale(numericMinSigDigits, dscale(a))
	} else {
		scale = clampScale(numericMinSigDigits-int64(est), dscale(a), dscale(b))
	}
	r := new(apd.Decimal)
	c := truncCtx(int64(math.Max(est, 0))+2, scale)
	if _, err := c.Pow(r, a, b); err != nil {
		return numResult(nil, err)
	}
	return roundTo(r, scale)
}

func isIntegral(d *apd.Decimal) bool {
	if d.Exponent >= 0 {
		return true
	}
	var r apd.Decimal
	_, frac := new(apd.Decimal), &r
	d.Modf(new(apd.Decimal), frac)
	return frac.IsZero()
}
