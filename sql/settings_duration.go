package sql

import (
	"strconv"
	"strings"
	"time"

	"github.com/persiandb/persiandb/sql/pgerr"
)

// durationUnits are the units Postgres accepts for time-valued settings,
// largest first, so that canonical output can pick the largest exact one.
var durationUnits = []struct {
	name string
	ms   int64
}{{"d", 86400000}, {"h", 3600000}, {"min", 60000}, {"s", 1000}, {"ms", 1}}

// checkMillis validates a time setting whose bare numbers are
// milliseconds (statement_timeout, lock_timeout) and canonicalizes it as
// SHOW prints it: "0", "250ms", "5s", "2min".
func checkMillis(name string) func(string) (string, error) {
	return func(v string) (string, error) {
		ms, ok := parseMillis(v)
		if !ok {
			return "", pgerr.New(pgerr.InvalidParameterValue, "invalid value for parameter %q: %q", name, v).
				WithHint(`Valid units for this parameter are "us", "ms", "s", "min", "h", and "d".`)
		}
		if ms < 0 || ms > 2147483647 {
			return "", pgerr.New(pgerr.InvalidParameterValue, "%d ms is outside the valid range for parameter %q (0 .. 2147483647)", ms, name)
		}
		if ms == 0 {
			return "0", nil
		}
		for _, u := range durationUnits {
			if ms%u.ms == 0 {
				return strconv.FormatInt(ms/u.ms, 10) + u.name, nil
			}
		}
		return strconv.FormatInt(ms, 10) + "ms", nil
	}
}

func parseMillis(v string) (int64, bool) {
	v = strings.TrimSpace(v)
	i := 0
	for i < len(v) && (v[i] >= '0' && v[i] <= '9' || v[i] == '.' || (i == 0 && v[i] == '-')) {
		i++
	}
	num, unit := v[:i], strings.TrimSpace(v[i:])
	f, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, false
	}
	scale := 1.0
	switch unit {
	case "", "ms":
	case "us":
		scale = 0.001
	default:
		found := false
		for _, u := range durationUnits {
			if u.name == unit {
				scale, found = float64(u.ms), true
			}
		}
		if !found {
			return 0, false
		}
	}
	return int64(f*scale + 0.5), true
}

// millis reads a canonical time setting back as a duration.
func millis(v string) time.Duration {
	ms, _ := parseMillis(v)
	return time.Duration(ms) * time.Millisecond
}
