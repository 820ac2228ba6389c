package pgcodec

import (
	"encoding/binary"
	"math"

	"github.com/cockroachdb/apd/v3"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/storage"
)

// Postgres's binary numeric is its NumericVar laid out big-endian:
//
//	ndigits uint16   count of base-10000 digits that follow
//	weight  int16    the first digit's power of 10000
//	sign    uint16   0x0000 +, 0x4000 -, 0xC000 NaN, 0xD000 +Inf, 0xF000 -Inf
//	dscale  uint16   display scale: decimal digits after the point (≤ 0x3FFF)
//	digits  [ndigits]int16, each 0..9999, without leading or trailing zeros
//
// so 1.50 is ndigits 2, weight 0, dscale 2, digits 1 5000. apd keeps a
// decimal coefficient and exponent instead; storage's numerics have
// exponent -dscale, and the conversion regroups the coefficient's decimal
// digits by fours around the point. pgtype.Numeric is not used: it does not
// send Postgres's dscale for infinities, drops a zero's dscale on receipt,
// and does not reject corrupt digits or signs as numeric_recv does.

const (
	numericPos    = 0x0000
	numericNeg    = 0x4000
	numericNaN    = 0xC000
	numericPosInf = 0xD000
	numericNegInf = 0xF000

	numericDscaleMask = 0x3FFF
	numericBase       = 10000
)

// appendNumeric is numeric_send.
func appendNumeric(buf []byte, d *apd.Decimal) ([]byte, error) {
	be := binary.BigEndian
	switch d.Form {
	case apd.NaN, apd.NaNSignaling:
		return append(buf, 0, 0, 0, 0, numericNaN>>8, 0, 0, 0), nil
	case apd.Infinite:
		// Postgres reads the dscale of an infinity out of its packed
		// short header, where the sign bits overlap the scale bits and
		// give 32; clients ignore it, but the bytes should match.
		sign := byte(numericPosInf >> 8)
		if d.Negative {
			sign = numericNegInf >> 8
		}
		return append(buf, 0, 0, 0, 0, sign, 0, 0, 0x20), nil
	}
	var scratch [64]byte
	digits := d.Coeff.Append(scratch[:0], 10)
	exp := int64(d.Exponent)
	dscale := max(-exp, 0)
	if dscale > numericDscaleMask {
		return buf, pgerr.New(pgerr.NumericValueOutOfRange, "value overflows numeric format")
	}
	n := int64(len(digits)) + max(exp, 0) // decimal digits, with the zeros a positive exponent stands for
	intDigits := n - dscale               // digits before the point; ≤ 0 when the value is below 0.1
	lead := ((-intDigits)%4 + 4) % 4      // zeros that align the first group on the point
	groups := (lead + n + 3) / 4
	// decimal returns the i-th digit of the padded string.
	decimal := func(i int64) int16 {
		i -= lead
		if i < 0 || i >= int64(len(digits)) {
			return 0
		}
		return int16(digits[i] - '0')
	}
	group := func(g int64) int16 {
		i := g * 4
		return decimal(i)*1000 + decimal(i+1)*100 + decimal(i+2)*10 + decimal(i+3)
	}
	first, last := int64(0), groups-1
	for first < groups && group(first) == 0 {
		first++
	}
	for last >= first && group(last) == 0 {
		last--
	}
	weight := (intDigits+lead)/4 - 1 - first
	ndigits := last - first + 1
	if ndigits == 0 {
		weight = 0
	}
	if ndigits > math.MaxUint16 || weight < math.MinInt16 || weight > math.MaxInt16 {
		return buf, pgerr.New(pgerr.NumericValueOutOfRange, "value overflows numeric format")
	}
	sign := uint16(numericPos)
	if d.Negative && ndigits > 0 {
		sign = numericNeg
	}
	buf = be.AppendUint16(buf, uint16(ndigits))
	buf = be.AppendUint16(buf, uint16(int16(weight)))
	buf = be.AppendUint16(buf, sign)
	buf = be.AppendUint16(buf, uint16(dscale))
	for g := first; g <= last; g++ {
		buf = be.AppendUint16(buf, uint16(group(g)))
	}
	return buf, nil
}

// decodeNumeric is numeric_recv, without the typmod (the caller applies
// it): digits beyond dscale are truncated away, not rejected, as Postgres
// does for compatibility with clients that send them.
func decodeNumeric(src []byte) (storage.Value, error) {
	be := binary.BigEndian
	if len(src) < 8 {
		return storage.Value{}, ErrBinaryFormat
	}
	ndigits := int(be.Uint16(src))
	weight := int64(int16(be.Uint16(src[2:])))
	sign := be.Uint16(src[4:])
	dscale := int64(be.Uint16(src[6:]))
	if len(src) != 8+2*ndigits {
		return storage.Value{}, ErrBinaryFormat
	}
	switch sign {
	case numericPos, numericNeg, numericNaN, numericPosInf, numericNegInf:
	default:
		return storage.Value{}, errNumericSign
	}
	if dscale&numericDscaleMask != dscale {
		return storage.Value{}, errNumericScale
	}
	// Base-10000 digits to decimal ones; those below 10^-dscale go after.
	var scratch [64]byte
	dec := scratch[:0]
	for i := range ndigits {
		g := int16(be.Uint16(src[8+2*i:]))
		if g < 0 || g >= numericBase {
			return storage.Value{}, errNumericDigit
		}
		dec = append(dec, byte('0'+g/1000), byte('0'+g/100%10), byte('0'+g/10%10), byte('0'+g%10))
	}
	switch sign {
	case numericNaN:
		return storage.Numeric(&apd.Decimal{Form: apd.NaN}), nil
	case numericPosInf:
		return storage.Numeric(&apd.Decimal{Form: apd.Infinite}), nil
	case numericNegInf:
		return storage.Numeric(&apd.Decimal{Form: apd.Infinite, Negative: true}), nil
	}
	exp := 4 * (weight - int64(ndigits) + 1) // power of ten of dec's last digit
	if exp < -dscale {
		cut := min(-dscale-exp, int64(len(dec)))
		dec = dec[:int64(len(dec))-cut]
		exp = -dscale
	}
	for len(dec) > 0 && dec[0] == '0' {
		dec = dec[1:]
	}
	if len(dec) == 0 { // zero keeps only its display scale (and loses its sign)
		return storage.Numeric(&apd.Decimal{Exponent: int32(-dscale)}), nil
	}
	d := apd.Decimal{Negative: sign == numericNeg, Exponent: int32(exp)}
	if _, ok := d.Coeff.SetString(string(dec), 10); !ok {
		return storage.Value{}, ErrBinaryFormat // unreachable: dec holds only digits
	}
	if exp > -dscale {
		// Rescale so that the exponent carries the display scale: 1.5 sent
		// with dscale 2 is 1.50, and 10000 with dscale 0 has exponent 0.
		// This multiplies directly because apd's contexts cap exponents
		// below numeric's 131072 digits.
		var ten, shift, scale apd.BigInt
		ten.SetInt64(10)
		shift.SetInt64(exp + dscale)
		d.Coeff.Mul(&d.Coeff, scale.Exp(&ten, &shift, nil))
		d.Exponent = int32(-dscale)
	}
	return storage.Numeric(&d), nil
}
