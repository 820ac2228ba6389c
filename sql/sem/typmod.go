package sem

import (
	"strings"

	"github.com/cockroachdb/apd/v3"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/storage"
)

// Type modifiers: numeric(p,s), varchar(n), char(n) and timestamp(p) are
// stored as their base types (numeric, text, timestamp); the executor
// applies the modifier with these functions on every cast to the
// modified type and every assignment to a column of it.

// ApplyNumericTypmod is apply_typmod: round v half away from zero to scale
// digits after the point (scale may be negative or exceed precision), then
// fail with 22003 "numeric field overflow" if more than precision-scale
// digits remain before the point. NaN passes; infinities do not fit any
// typmod. NULL passes.
func ApplyNumericTypmod(v storage.Value, precision, scale int) (storage.Value, error) {
	if v.IsNull() {
		return v, nil
	}
	d := v.AsNumeric()
	switch d.Form {
	case apd.NaN, apd.NaNSignaling:
		return v, nil
	case apd.Infinite:
		return storage.Value{}, pgerr.New(pgerr.NumericValueOutOfRange, "numeric field overflow").
			WithDetail("A field with precision %d, scale %d cannot hold an infinite value.", precision, scale)
	}
	var r apd.Decimal
	prec := uint32(max(int64(d.NumDigits())+int64(d.Exponent)+int64(scale), 0)) + 2
	if _, err := numCtx(prec).Quantize(&r, d, int32(-scale)); err != nil {
		return storage.Value{}, pgerr.Wrap(err, pgerr.InternalError, "")
	}
	maxDigits := precision - scale
	if r.Coeff.Sign() != 0 && adjustedExp(&r)+1 > int64(maxDigits) {
		e := pgerr.New(pgerr.NumericValueOutOfRange, "numeric field overflow")
		if maxDigits != 0 {
			return storage.Value{}, e.WithDetail("A field with precision %d, scale %d must round to an absolute value less than 10^%d.", precision, scale, maxDigits)
		}
		return storage.Value{}, e.WithDetail("A field with precision %d, scale %d must round to an absolute value less than 1.", precision, scale)
	}
	if r.Exponent > 0 { // negative scale: keep the digits as Postgres shows them
		return numericValue(&r)
	}
	return storage.Numeric(&r), nil
}

// ApplyVarcharTypmod is varchar(n): a longer string is an error (22001
// "value too long for type character varying(n)") unless the cast is
// explicit or the excess characters are all spaces, in which case it is
// truncated to n characters.
func ApplyVarcharTypmod(v storage.Value, n int, explicit bool) (storage.Value, error) {
	return applyStringTypmod(v, n, explicit, false)
}

// ApplyCharTypmod is character(n) (bpchar): truncation as for varchar,
// then padding with spaces to n characters.
func ApplyCharTypmod(v storage.Value, n int, explicit bool) (storage.Value, error) {
	return applyStringTypmod(v, n, explicit, true)
}

func applyStringTypmod(v storage.Value, n int, explicit, pad bool) (storage.Value, error) {
	if v.IsNull() {
		return v, nil
	}
	s := v.AsString()
	cut, chars := len(s), 0
	for i := range s {
		if chars == n {
			cut = i
			break
		}
		chars++
	}
	if cut < len(s) {
		if !explicit && strings.Trim(s[cut:], " ") != "" {
			name := "character varying"
			if pad {
				name = "character"
			}
			return storage.Value{}, pgerr.New(pgerr.StringDataRightTruncation, "value too long for type %s(%d)", name, n)
		}
		return storage.Text(s[:cut]), nil
	}
	if pad && chars < n {
		return storage.Text(s + strings.Repeat(" ", n-chars)), nil
	}
	return v, nil
}

// BpcharTrim strips the trailing spaces a character(n) value is padded
// with; Postgres does this when a bpchar converts to text or varchar and
// when it computes length().
func BpcharTrim(s string) string { return strings.TrimRight(s, " ") }

// ApplyTimestampTypmod rounds a timestamp or timestamptz to precision
// fractional digits (0-6), half away from zero as Postgres's
// AdjustTimestampForTypmod does.
func ApplyTimestampTypmod(v storage.Value, precision int) (storage.Value, error) {
	if v.IsNull() || precision >= 6 || precision < 0 {
		return v, nil
	}
	us := v.AsMicros()
	if isInfTS(us) {
		return v, nil
	}
	unit := int64(1)
	for i := precision; i < 6; i++ {
		unit *= 10
	}
	if us >= 0 {
		us = (us + unit/2) / unit * unit
	} else {
		us = -((-us + unit/2) / unit * unit)
	}
	if !validTimestamp(us) {
		return storage.Value{}, errTSOutOfRange
	}
	if v.Type() == storage.TypeTimestampTZ {
		return storage.TimestampTZ(us), nil
	}
	return storage.Timestamp(us), nil
}
