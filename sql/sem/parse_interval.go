package sem

import (
	"math"
	"strconv"
	"strings"

	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/storage"
)

// intervalAcc accumulates an interval's fields while decoding, with
// fractions spilling down as in Postgres's DecodeInterval: fractional
// years (decades, ...) round to whole months, fractional months become
// 30-day days, fractional weeks and days become time.
type intervalAcc struct {
	months, days float64 // kept as floats only for range checks; always whole
	micros       float64
	seen         map[string]bool // units already given; Postgres rejects repeats
}

var intervalUnits = map[string]string{
	"microsecond": "us", "microseconds": "us", "us": "us", "usec": "us", "usecs": "us", "useconds": "us", "usecond": "us",
	"millisecond": "ms", "milliseconds": "ms", "ms": "ms", "msec": "ms", "msecs": "ms", "mseconds": "ms", "msecond": "ms",
	"second": "s", "seconds": "s", "s": "s", "sec": "s", "secs": "s",
	"minute": "min", "minutes": "min", "m": "min", "min": "min", "mins": "min",
	"hour": "h", "hours": "h", "h": "h", "hr": "h", "hrs": "h",
	"day": "d", "days": "d", "d": "d",
	"week": "w", "weeks": "w", "w": "w",
	"month": "mon", "months": "mon", "mon": "mon", "mons": "mon",
	"year": "y", "years": "y", "y": "y", "yr": "y", "yrs": "y",
	"decade": "dec", "decades": "dec", "dec": "dec", "decs": "dec",
	"century": "c", "centuries": "c", "c": "c", "cent": "c",
	"millennium": "mil", "millennia": "mil", "mil": "mil", "mils": "mil",
}

// mark records that unit was given and reports whether it was new.
func (a *intervalAcc) mark(units ...string) bool {
	if a.seen == nil {
		a.seen = make(map[string]bool)
	}
	for _, u := range units {
		if a.seen[u] {
			return false
		}
		a.seen[u] = true
	}
	return true
}

// add adds whole+frac (both with the number's sign) of unit.
func (a *intervalAcc) add(whole, frac float64, unit string) {
	switch unit {
	case "us":
		a.micros += whole + math.Round(frac)
	case "ms":
		a.micros += whole*1000 + math.Round(frac*1000)
	case "s":
		a.micros += whole*1e6 + math.Round(frac*1e6)
	case "min":
		a.micros += whole*6e7 + math.Round(frac*6e7)
	case "h":
		a.micros += whole*36e8 + math.Round(frac*36e8)
	case "d":
		a.days += whole
		a.micros += math.Round(frac * microsPerDay)
	case "w":
		a.days += whole * 7
		a.fracDays(frac * 7)
	case "mon":
		a.months += whole
		a.fracDays(frac * 30)
	case "y":
		a.months += whole*12 + math.RoundToEven(frac*12)
	case "dec":
		a.months += whole*120 + math.RoundToEven(frac*120)
	case "c":
		a.months += whole*1200 + math.RoundToEven(frac*1200)
	case "mil":
		a.months += whole*12000 + math.RoundToEven(frac*12000)
	}
}

func (a *intervalAcc) fracDays(d float64) {
	w := math.Trunc(d)
	a.days += w
	a.micros += math.Round((d - w) * microsPerDay)
}

func (a *intervalAcc) value(s string) (storage.Value, error) {
	if math.Abs(a.days) > math.MaxInt32 {
		return storage.Value{}, pgerr.New(pgerr.IntervalFieldOverflow, `interval field value out of range: "%s"`, s)
	}
	if math.Abs(a.months) > math.MaxInt32 || math.Abs(a.micros) >= 9.2e18 {
		return storage.Value{}, errIntervalRange
	}
	return storage.Interval(int32(a.months), int32(a.days), int64(a.micros)), nil
}

// splitNumber parses a decimal number into its signed whole part and the
// signed fraction.
func splitNumber(s string) (whole, frac float64, ok bool) {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimLeft(s, "+-")
	w, f, _ := strings.Cut(s, ".")
	if w == "" && f == "" {
		return 0, 0, false
	}
	if w != "" {
		x, err := strconv.ParseUint(w, 10, 64)
		if err != nil {
			return 0, 0, false
		}
		whole = float64(x)
	}
	if f != "" {
		for i := 0; i < len(f); i++ {
			if !isDigit(f[i]) {
				return 0, 0, false
			}
		}
		frac, _ = strconv.ParseFloat("0."+f, 64)
	}
	if neg {
		whole, frac = -whole, -frac
	}
	return whole, frac, true
}

type ivToken struct {
	kind byte // 'n' number, 't' time, 'y' year-month, 'a' word
	text string
}

func tokenizeInterval(s string) ([]ivToken, bool) {
	var toks []ivToken
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case isSpace(c) || c == '@' || c == ',':
			i++
		case isDigit(c) || c == '+' || c == '-' || c == '.':
			j := i
			if c == '+' || c == '-' {
				j++
				for j < len(s) && isSpace(s[j]) {
					j++
				}
			}
			start := j
			for j < len(s) && (isDigit(s[j]) || s[j] == '.') {
				j++
			}
			if j == start {
				return nil, false
			}
			sign := ""
			if c == '-' {
				sign = "-"
			}
			num := sign + s[start:j]
			switch {
			case j < len(s) && s[j] == ':':
				for j < len(s) && (isDigit(s[j]) || s[j] == ':' || s[j] == '.') {
					j++
				}
				toks = append(toks, ivToken{'t', sign + s[start:j]})
			case j+1 < len(s) && s[j] == '-' && isDigit(s[j+1]) && !strings.Contains(num, "."):
				k := j + 1
				for k < len(s) && isDigit(s[k]) {
					k++
				}
				toks = append(toks, ivToken{'y', sign + s[start:k]})
				j = k
			default:
				toks = append(toks, ivToken{'n', num})
			}
			i = j
		case isAlpha(c):
			j := i
			for j < len(s) && isAlpha(s[j]) {
				j++
			}
			toks = append(toks, ivToken{'a', strings.ToLower(s[i:j])})
			i = j
		default:
			return nil, false
		}
	}
	return toks, true
}

// parseInterval is interval_in for IntervalStyle postgres: '1 day',
// '2 hours 30 minutes', '1-2' (years-months), '3 4:05:06', '@ 1 minute
// ago', bare numbers as seconds, and ISO 8601 'P1Y2M3DT4H5M6S' with its
// alternative form 'P0001-02-03T04:05:06'.
func parseInterval(s string) (storage.Value, error) {
	bad := func() (storage.Value, error) { return storage.Value{}, errInvalidSyntax(storage.TypeInterval, s) }
	t := trimSpace(s)
	if len(t) > 1 && (t[0] == 'P' || t[0] == 'p') {
		return parseISOInterval(s, t[1:])
	}
	toks, ok := tokenizeInterval(t)
	if !ok || len(toks) == 0 {
		return bad()
	}
	var a intervalAcc
	ago, seenTime := false, false
	for i := 0; i < len(toks); i++ {
		tk := toks[i]
		switch tk.kind {
		case 'a':
			if tk.text != "ago" || ago || i != len(toks)-1 {
				return bad()
			}
			ago = true
		case 't':
			if seenTime {
				return bad()
			}
			seenTime = true
			if !a.mark("h", "min", "s") {
				return bad()
			}
			neg := strings.HasPrefix(tk.text, "-")
			us, e := parseClock(strings.TrimPrefix(tk.text, "-"), false)
			if e == dtRange {
				return storage.Value{}, errFieldOverflow(s)
			} else if e != dtOK {
				return bad()
			}
			if neg {
				us = -us
			}
			a.micros += float64(us)
		case 'y':
			neg := strings.HasPrefix(tk.text, "-")
			ys, ms, _ := strings.Cut(strings.TrimPrefix(tk.text, "-"), "-")
			y, err1 := strconv.ParseInt(ys, 10, 64)
			m, err2 := strconv.ParseInt(ms, 10, 64)
			if err1 != nil || err2 != nil || m > 11 {
				return storage.Value{}, errFieldOverflow(s)
			}
			if !a.mark("y", "mon") {
				return bad()
			}
			mon := float64(y*12 + m)
			if neg {
				mon = -mon
			}
			a.months += mon
		case 'n':
			whole, frac, ok := splitNumber(tk.text)
			if !ok {
				return bad()
			}
			unit := ""
			if i+1 < len(toks) && toks[i+1].kind == 'a' && toks[i+1].text != "ago" {
				u, ok := intervalUnits[toks[i+1].text]
				if !ok {
					return bad()
				}
				unit = u
				i++
			} else if i+1 < len(toks) && toks[i+1].kind == 't' {
				unit = "d"
			} else {
				unit = "s"
			}
			if !a.mark(unit) {
				return bad()
			}
			a.add(whole, frac, unit)
		}
	}
	if ago {
		a.months, a.days, a.micros = -a.months, -a.days, -a.micros
	}
	return a.value(s)
}

// parseISOInterval reads the part of an ISO 8601 interval after the P.
func parseISOInterval(orig, s string) (storage.Value, error) {
	bad := func() (storage.Value, error) { return storage.Value{}, errInvalidSyntax(storage.TypeInterval, orig) }
	var a intervalAcc
	// Alternative format: P0001-02-03T04:05:06.
	if len(s) >= 4 && isDigit(s[0]) && strings.Contains(s, "-") && !strings.ContainsAny(s, "YMDWHSymdwhs") {
		datePart, timePart, _ := strings.Cut(s, "T")
		f := strings.Split(datePart, "-")
		if len(f) != 3 {
			return bad()
		}
		var v [3]int64
		for k, p := range f {
			x, err := strconv.ParseInt(p, 10, 64)
			if err != nil {
				return bad()
			}
			v[k] = x
		}
		a.months = float64(v[0]*12 + v[1])
		a.days = float64(v[2])
		if timePart != "" {
			us, e := parseClock(timePart, false)
			if e != dtOK {
				return bad()
			}
			a.micros = float64(us)
		}
		return a.value(orig)
	}
	inTime := false
	for len(s) > 0 {
		if s[0] == 'T' || s[0] == 't' {
			if inTime {
				return bad()
			}
			inTime = true
			s = s[1:]
			continue
		}
		j := 0
		if j < len(s) && (s[j] == '-' || s[j] == '+') {
			j++
		}
		for j < len(s) && (isDigit(s[j]) || s[j] == '.') {
			j++
		}
		if j == 0 || j >= len(s) {
			return bad()
		}
		whole, frac, ok := splitNumber(s[:j])
		if !ok {
			return bad()
		}
		var unit string
		switch d := s[j] | 0x20; {
		case !inTime && d == 'y':
			unit = "y"
		case !inTime && d == 'm':
			unit = "mon"
		case !inTime && d == 'w':
			unit = "w"
		case !inTime && d == 'd':
			unit = "d"
		case inTime && d == 'h':
			unit = "h"
		case inTime && d == 'm':
			unit = "min"
		case inTime && d == 's':
			unit = "s"
		default:
			return bad()
		}
		if !a.mark(unit) {
			return bad()
		}
		a.add(whole, frac, unit)
		s = s[j+1:]
	}
	return a.value(orig)
}
