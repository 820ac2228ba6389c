package sem

import (
	"strconv"
	"strings"
	"time"

	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/storage"
)

// dtToken is one field of a date/time string, classified as Postgres's
// ParseDateTime does.
type dtToken struct {
	kind byte // 'n' number, 'd' date with delimiters, 't' time, 's' signed number/offset, 'a' word
	text string
}

// tokenizeDateTime splits s into fields: white space and commas separate
// fields; a 'T' between digits (ISO 8601) is a separator too.
func tokenizeDateTime(s string) ([]dtToken, bool) {
	var toks []dtToken
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case isSpace(c) || c == ',':
			i++
		case isDigit(c):
			j := i
			for j < len(s) && isDigit(s[j]) {
				j++
			}
			switch {
			case j < len(s) && s[j] == ':':
				for j < len(s) && (isDigit(s[j]) || s[j] == ':' || s[j] == '.') {
					j++
				}
				toks = append(toks, dtToken{'t', s[i:j]})
			case j < len(s) && (s[j] == '-' || s[j] == '/' || s[j] == '.'):
				delim := s[j]
				k := j + 1
				if delim == '.' && k < len(s) && isDigit(s[k]) {
					// 1.5 is a number unless a second dot follows (2024.01.31).
					m := k
					for m < len(s) && isDigit(s[m]) {
						m++
					}
					if m >= len(s) || s[m] != '.' {
						toks = append(toks, dtToken{'n', s[i:m]})
						i = m
						continue
					}
				}
				for k < len(s) && (isDigit(s[k]) || isAlpha(s[k]) || s[k] == delim) {
					if isAlpha(s[k]) && (s[k] == 'T' || s[k] == 't') && k+1 < len(s) && isDigit(s[k+1]) && isDigit(s[k-1]) {
						break // 2024-01-31T13:45
					}
					k++
				}
				toks = append(toks, dtToken{'d', s[i:k]})
				j = k
			default:
				if j < len(s) && s[j] == '.' { // 12.5 seconds, 20240131.5 is not supported
					j++
					for j < len(s) && isDigit(s[j]) {
						j++
					}
				}
				toks = append(toks, dtToken{'n', s[i:j]})
			}
			i = j
			if i < len(s) && (s[i] == 'T' || s[i] == 't') && i+1 < len(s) && isDigit(s[i+1]) {
				i++
			}
		case c == '+' || c == '-':
			j := i + 1
			for j < len(s) && isSpace(s[j]) {
				j++
			}
			switch {
			case j < len(s) && isDigit(s[j]):
				k := j
				for k < len(s) && (isDigit(s[k]) || s[k] == ':' || s[k] == '.') {
					k++
				}
				toks = append(toks, dtToken{'s', string(c) + s[j:k]})
				i = k
			case j < len(s) && isAlpha(s[j]):
				k := j
				for k < len(s) && isAlpha(s[k]) {
					k++
				}
				toks = append(toks, dtToken{'a', string(c) + s[j:k]})
				i = k
			default:
				return nil, false
			}
		case isAlpha(c):
			j := i
			for j < len(s) && isAlpha(s[j]) {
				j++
			}
			if j < len(s) && s[j] == '/' { // a time zone name: America/New_York
				for j < len(s) && (isAlpha(s[j]) || isDigit(s[j]) || s[j] == '/' || s[j] == '_' || s[j] == '+' || s[j] == '-') {
					j++
				}
			}
			toks = append(toks, dtToken{'a', s[i:j]})
			i = j
		default:
			return nil, false
		}
	}
	return toks, true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

var monthNames = map[string]int{
	"jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3,
	"apr": 4, "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7,
	"aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9, "oct": 10,
	"october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}

var dayNames = map[string]bool{
	"sun": true, "sunday": true, "mon": true, "monday": true, "tue": true, "tues": true,
	"tuesday": true, "wed": true, "wednesday": true, "thu": true, "thur": true,
	"thurs": true, "thursday": true, "fri": true, "friday": true, "sat": true, "saturday": true,
}

// tzAbbrevs is a small part of Postgres's default timezone_abbreviations,
// in seconds east of UTC.
var tzAbbrevs = map[string]int{
	"z": 0, "zulu": 0, "utc": 0, "gmt": 0, "ut": 0, "wet": 0,
	"est": -5 * 3600, "edt": -4 * 3600, "cst": -6 * 3600, "cdt": -5 * 3600,
	"mst": -7 * 3600, "mdt": -6 * 3600, "pst": -8 * 3600, "pdt": -7 * 3600,
	"akst": -9 * 3600, "akdt": -8 * 3600, "hst": -10 * 3600,
	"cet": 3600, "cest": 2 * 3600, "eet": 2 * 3600, "eest": 3 * 3600,
	"west": 3600, "bst": 3600, "msk": 3 * 3600, "jst": 9 * 3600,
	"aest": 10 * 3600, "aedt": 11 * 3600, "nzst": 12 * 3600, "nzdt": 13 * 3600,
}

// dtFields is the result of decoding a date/time string.
type dtFields struct {
	year, month, day int
	hasY, hasM, hasD bool
	yearDigits       int
	bc               bool
	tod              int64
	hasTime          bool
	ampm             int // 0 none, 1 am, 2 pm
	tzOff            int
	hasTZ            bool
	tzLoc            *time.Location
	special          string // epoch, infinity, -infinity, now, today, tomorrow, yesterday
}

// errBadDT distinguishes malformed input (22007 / 22P02) from fields out of
// range (22008) inside the decoder.
type dtErr int

const (
	dtOK dtErr = iota
	dtBad
	dtRange
)

func decodeDateTime(s string) (dtFields, dtErr) {
	var f dtFields
	toks, ok := tokenizeDateTime(s)
	if !ok || len(toks) == 0 {
		return f, dtBad
	}
	var pending []string // numbers waiting for a month name to place them
	for _, tk := range toks {
		switch tk.kind {
		case 't':
			if f.hasTime {
				return f, dtBad
			}
			tod, e := parseClock(tk.text, true)
			if e != dtOK {
				return f, e
			}
			f.tod, f.hasTime = tod, true
		case 'd':
			if f.hasY || f.hasM || f.hasD {
				return f, dtBad
			}
			if e := f.decodeDelimitedDate(tk.text); e != dtOK {
				return f, e
			}
		case 's':
			if !f.hasTime && !f.hasY && len(pending) == 0 {
				return f, dtBad
			}
			off, ok := parseOffset(tk.text)
			if !ok || f.hasTZ {
				return f, dtBad
			}
			f.tzOff, f.hasTZ = off, true
		case 'n':
			if strings.Contains(tk.text, ".") {
				return f, dtBad
			}
			if !f.hasY && !f.hasM && !f.hasD && len(pending) == 0 && (len(tk.text) == 8 || len(tk.text) == 6) {
				n := len(tk.text) - 4
				f.year, _ = strconv.Atoi(tk.text[:n])
				f.month, _ = strconv.Atoi(tk.text[n : n+2])
				f.day, _ = strconv.Atoi(tk.text[n+2:])
				f.yearDigits = n
				f.hasY, f.hasM, f.hasD = true, true, true
				continue
			}
			if f.hasY && f.hasM && f.hasD && !f.hasTime && (len(tk.text) == 6 || len(tk.text) == 4) {
				// 20240131 134500: a concatenated hhmmss or hhmm
				clock := tk.text[:2] + ":" + tk.text[2:4]
				if len(tk.text) == 6 {
					clock += ":" + tk.text[4:]
				}
				tod, e := parseClock(clock, true)
				if e != dtOK {
					return f, e
				}
				f.tod, f.hasTime = tod, true
				continue
			}
			pending = append(pending, tk.text)
		case 'a':
			w := strings.ToLower(tk.text)
			if m, ok := monthNames[w]; ok {
				if f.hasM {
					return f, dtBad
				}
				f.month, f.hasM = m, true
				continue
			}
			switch {
			case dayNames[w], w == "t", w == "ad", w == "on", w == "at":
			case w == "bc":
				f.bc = true
			case w == "am" || w == "a.m.":
				f.ampm = 1
			case w == "pm":
				f.ampm = 2
			case w == "epoch", w == "infinity", w == "-infinity", w == "+infinity", w == "now",
				w == "today", w == "tomorrow", w == "yesterday", w == "allballs":
				if f.special != "" {
					return f, dtBad
				}
				f.special = strings.TrimPrefix(w, "+")
			default:
				if off, ok := tzAbbrevs[w]; ok {
					if f.hasTZ {
						return f, dtBad
					}
					f.tzOff, f.hasTZ = off, true
					continue
				}
				loc, err := time.LoadLocation(tk.text)
				if err != nil || f.hasTZ || tk.text == "Local" || tk.text == "" {
					return f, dtBad
				}
				f.tzLoc, f.hasTZ = loc, true
			}
		}
	}
	// Place loose numbers: "Jan 31 2024", "31 January 2024", "2024 Jan 31".
	for _, p := range pending {
		n, err := strconv.Atoi(p)
		if err != nil {
			return f, dtRange
		}
		switch {
		case !f.hasM:
			return f, dtBad
		case !f.hasD && !f.hasY && len(p) >= 3:
			f.year, f.hasY, f.yearDigits = n, true, len(p)
		case !f.hasD:
			f.day, f.hasD = n, true
		case !f.hasY:
			f.year, f.hasY, f.yearDigits = n, true, len(p)
		default:
			return f, dtBad
		}
	}
	if f.ampm != 0 {
		if !f.hasTime {
			return f, dtBad
		}
		h := f.tod / microsPerHour
		if h > 12 || h == 0 {
			return f, dtRange
		}
		if f.ampm == 1 && h == 12 {
			f.tod -= 12 * microsPerHour
		} else if f.ampm == 2 && h != 12 {
			f.tod += 12 * microsPerHour
		}
	}
	return f, dtOK
}

// decodeDelimitedDate reads 2024-01-31, 1/31/2024, 31-Jan-2024,
// 2024.01.31: year first when the first field has three or more digits,
// else month-day-year (DateStyle MDY), with month names anywhere.
func (f *dtFields) decodeDelimitedDate(s string) dtErr {
	delim := s[strings.IndexAny(s, "-/.")]
	parts := strings.Split(s, string(delim))
	if len(parts) != 3 {
		return dtBad
	}
	var nums []string
	for _, p := range parts {
		if p == "" {
			return dtBad
		}
		if isAlpha(p[0]) {
			m, ok := monthNames[strings.ToLower(p)]
			if !ok || f.hasM {
				return dtBad
			}
			f.month, f.hasM = m, true
			continue
		}
		for i := 0; i < len(p); i++ {
			if !isDigit(p[i]) {
				return dtBad
			}
		}
		nums = append(nums, p)
	}
	atoi := func(p string) int { n, _ := strconv.Atoi(p); return n }
	switch {
	case f.hasM && len(nums) == 2:
		if len(nums[0]) >= 3 {
			f.year, f.day, f.yearDigits = atoi(nums[0]), atoi(nums[1]), len(nums[0])
		} else {
			f.day, f.year, f.yearDigits = atoi(nums[0]), atoi(nums[1]), len(nums[1])
		}
	case len(nums) == 3 && len(nums[0]) >= 3:
		f.year, f.month, f.day, f.yearDigits = atoi(nums[0]), atoi(nums[1]), atoi(nums[2]), len(nums[0])
	case len(nums) == 3:
		f.month, f.day, f.year, f.yearDigits = atoi(nums[0]), atoi(nums[1]), atoi(nums[2]), len(nums[2])
	default:
		return dtBad
	}
	f.hasY, f.hasM, f.hasD = true, true, true
	return dtOK
}

// parseClock reads h:m[:s[.frac]]. With strict, the hour is at most 24
// (24:00:00 only) as in a timestamp; without, it is unbounded as in an
// interval.
func parseClock(s string, strict bool) (int64, dtErr) {
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, dtBad
	}
	h, err := strconv.ParseInt(parts[0], 10, 64)
	if err != nil || parts[0] == "" {
		return 0, dtBad
	}
	var m int64
	var frac int64
	var sec int64
	if len(parts) == 2 && strings.Contains(parts[1], ".") && !strict {
		// Interval "mm:ss.f"... Postgres reads 1:2.5 as minutes:seconds.
		sec, frac, err = parseSecFrac(parts[1])
		if err != nil {
			return 0, dtBad
		}
		m, h = h, 0
	} else {
		if strings.Contains(parts[1], ".") {
			return 0, dtBad
		}
		m, err = strconv.ParseInt(parts[1], 10, 64)
		if err != nil || parts[1] == "" {
			return 0, dtBad
		}
		if len(parts) == 3 {
			sec, frac, err = parseSecFrac(parts[2])
			if err != nil {
				return 0, dtBad
			}
		}
	}
	if m < 0 || m >= 60 || sec < 0 || sec > 60 || (strict && (h > 24 || (h == 24 && (m != 0 || sec != 0 || frac != 0)))) {
		return 0, dtRange
	}
	if h > 2562047788 { // would overflow int64 µs
		return 0, dtRange
	}
	return h*microsPerHour + m*microsPerMinute + sec*microsPerSecond + frac, dtOK
}

// parseSecFrac reads seconds with up to microsecond precision, rounding
// further digits half away from zero as Postgres does.
func parseSecFrac(s string) (sec, frac int64, err error) {
	whole, fs, _ := strings.Cut(s, ".")
	if whole == "" && fs == "" {
		return 0, 0, strconv.ErrSyntax
	}
	if whole != "" {
		if sec, err = strconv.ParseInt(whole, 10, 64); err != nil {
			return
		}
	}
	if fs != "" {
		for i := 0; i < len(fs); i++ {
			if !isDigit(fs[i]) {
				return 0, 0, strconv.ErrSyntax
			}
		}
		f, _ := strconv.ParseFloat("0."+fs, 64)
		frac = int64(f*1e6 + 0.5)
		if frac >= microsPerSecond {
			sec, frac = sec+1, frac-microsPerSecond
		}
	}
	return
}

// parseOffset reads a UTC offset: +5, -08, +05:30, -0800, +05:30:15.
func parseOffset(s string) (int, bool) {
	sign := 1
	if s[0] == '-' {
		sign = -1
	}
	body := s[1:]
	var h, m, sec int
	var err error
	if strings.Contains(body, ":") {
		parts := strings.Split(body, ":")
		if len(parts) > 3 {
			return 0, false
		}
		vals := make([]int, 3)
		for i, p := range parts {
			if vals[i], err = strconv.Atoi(p); err != nil || p == "" {
				return 0, false
			}
		}
		h, m, sec = vals[0], vals[1], vals[2]
	} else {
		for i := 0; i < len(body); i++ {
			if !isDigit(body[i]) {
				return 0, false
			}
		}
		switch len(body) {
		case 1, 2:
			h, _ = strconv.Atoi(body)
		case 3, 4:
			h, _ = strconv.Atoi(body[:len(body)-2])
			m, _ = strconv.Atoi(body[len(body)-2:])
		case 6:
			h, _ = strconv.Atoi(body[:2])
			m, _ = strconv.Atoi(body[2:4])
			sec, _ = strconv.Atoi(body[4:])
		default:
			return 0, false
		}
	}
	if h > 15 || m >= 60 || sec >= 60 {
		return 0, false
	}
	return sign * (h*3600 + m*60 + sec), true
}

// julianOf validates the date fields and returns the Julian day.
func (f *dtFields) julianOf() (int, dtErr) {
	if !f.hasY || !f.hasM || !f.hasD {
		return 0, dtBad
	}
	y := f.year
	if f.yearDigits <= 2 && !f.bc {
		if y < 70 {
			y += 2000
		} else {
			y += 1900
		}
	}
	if y == 0 && f.yearDigits > 2 {
		return 0, dtRange
	}
	if f.bc {
		if y == 0 {
			return 0, dtRange
		}
		y = 1 - y
	}
	if f.month < 1 || f.month > 12 || f.day < 1 || f.day > monthDays(y, f.month) {
		return 0, dtRange
	}
	return date2j(y, f.month, f.day), dtOK
}

func dtError(t storage.Type, s string, e dtErr) error {
	if e == dtRange {
		return errFieldOverflow(s)
	}
	return errInvalidSyntax(t, s)
}

// parseDate is date_in.
func parseDate(ctx *Context, s string) (storage.Value, error) {
	f, e := decodeDateTime(s)
	if e != dtOK {
		return storage.Value{}, dtError(storage.TypeDate, s, e)
	}
	switch f.special {
	case "epoch":
		return storage.Date(unixEpochJDate - postgresEpochJDate), nil
	case "infinity":
		return storage.Date(datePosInf), nil
	case "-infinity":
		return storage.Date(dateNegInf), nil
	case "now", "today", "tomorrow", "yesterday":
		d, _ := splitMicros(ctx.nowMicros() + int64(zoneOffset(ctx.nowMicros(), ctx.loc()))*microsPerSecond)
		switch f.special {
		case "tomorrow":
			d++
		case "yesterday":
			d--
		}
		return storage.Date(int32(d)), nil
	case "":
	default:
		return storage.Value{}, errInvalidSyntax(storage.TypeDate, s)
	}
	jd, e := f.julianOf()
	if e != dtOK {
		return storage.Value{}, dtError(storage.TypeDate, s, e)
	}
	if jd < 0 || jd >= dateEndJulian {
		return storage.Value{}, pgerr.New(pgerr.DatetimeFieldOverflow, `date out of range: "%s"`, s)
	}
	return storage.Date(int32(jd - postgresEpochJDate)), nil
}

// parseTimestamp is timestamp_in and timestamptz_in. A time zone in the
// input of a timestamp without time zone is ignored, as in Postgres.
func parseTimestamp(ctx *Context, s string, tz bool) (storage.Value, error) {
	typ := storage.TypeTimestamp
	mk := storage.Timestamp
	if tz {
		typ, mk = storage.TypeTimestampTZ, storage.TimestampTZ
	}
	f, e := decodeDateTime(s)
	if e != dtOK {
		return storage.Value{}, dtError(typ, s, e)
	}
	loc := ctx.loc()
	var local int64
	switch f.special {
	case "epoch":
		return mk(int64(unixEpochJDate-postgresEpochJDate) * microsPerDay), nil
	case "infinity":
		return mk(tsPosInf), nil
	case "-infinity":
		return mk(tsNegInf), nil
	case "now":
		now := ctx.nowMicros()
		if tz {
			return mk(now), nil
		}
		return mk(now + int64(zoneOffset(now, loc))*microsPerSecond), nil
	case "today", "tomorrow", "yesterday":
		now := ctx.nowMicros()
		d, _ := splitMicros(now + int64(zoneOffset(now, loc))*microsPerSecond)
		switch f.special {
		case "tomorrow":
			d++
		case "yesterday":
			d--
		}
		local = d*microsPerDay + f.tod
	case "":
		jd, e := f.julianOf()
		if e != dtOK {
			return storage.Value{}, dtError(typ, s, e)
		}
		if jd < 0 || jd >= timestampEndJulian {
			return storage.Value{}, pgerr.New(pgerr.DatetimeFieldOverflow, `timestamp out of range: "%s"`, s)
		}
		local = int64(jd-postgresEpochJDate)*microsPerDay + f.tod
	default:
		return storage.Value{}, errInvalidSyntax(typ, s)
	}
	us := local
	if tz {
		switch {
		case f.tzLoc != nil:
			us = localToUTC(local, f.tzLoc)
		case f.hasTZ:
			us = local - int64(f.tzOff)*microsPerSecond
		default:
			us = localToUTC(local, loc)
		}
	}
	if !validTimestamp(us) {
		return storage.Value{}, pgerr.New(pgerr.DatetimeFieldOverflow, `timestamp out of range: "%s"`, s)
	}
	return mk(us), nil
}
