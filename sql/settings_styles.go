package sql

import (
	"strconv"
	"strings"

	"github.com/persiandb/persiandb/sql/pgerr"
)

// Output styles: PersianDB formats values only as Postgres does by
// default (DateStyle ISO, MDY; IntervalStyle postgres; bytea hex; shortest
// exact floats). A setting asking for another style is refused rather
// than accepted and ignored, so that no client reads dates in a style it
// did not get.

func checkDateStyle(v string) (string, error) {
	ok := true
	for _, part := range strings.Split(v, ",") {
		switch strings.ToUpper(strings.TrimSpace(part)) {
		case "ISO", "DEFAULT", "MDY", "US", "NONEURO", "NONEUROPEAN":
		default: // another output style or field order
			ok = false
		}
	}
	if !ok {
		return "", pgerr.New(pgerr.FeatureNotSupported, "DateStyle %q is not supported", v).
			WithHint("PersianDB reads and prints dates as DateStyle \"ISO, MDY\" only.")
	}
	return "ISO, MDY", nil
}

func onlyValue(name, only string) func(string) (string, error) {
	return func(v string) (string, error) {
		if strings.EqualFold(strings.TrimSpace(v), only) {
			return only, nil
		}
		return "", pgerr.New(pgerr.FeatureNotSupported, "%s %q is not supported", name, v).
			WithHint("PersianDB supports only %s = %s.", name, only)
	}
}

// checkFloatDigits accepts Postgres's range; 1 to 3 all mean shortest
// exact output (Postgres 12+), which is what PersianDB prints. Lower
// values ask for rounded output, which it does not produce.
func checkFloatDigits(v string) (string, error) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return "", pgerr.New(pgerr.InvalidParameterValue, "invalid value for parameter \"extra_float_digits\": %q", v)
	}
	if n < -15 || n > 3 {
		return "", pgerr.New(pgerr.InvalidParameterValue, "%d is outside the valid range for parameter \"extra_float_digits\" (-15 .. 3)", n)
	}
	if n < 1 {
		return "", pgerr.New(pgerr.FeatureNotSupported, "extra_float_digits %d is not supported", n).
			WithHint("PersianDB prints floats in shortest exact form, as extra_float_digits 1 to 3 do.")
	}
	return strconv.Itoa(n), nil
}
