package sem

import (
	"crypto/rand"
	"strings"
	"time"

	"github.com/cockroachdb/apd/v3"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/storage"
)

const (
	tDate  = storage.TypeDate
	tTS    = storage.TypeTimestamp
	tTSTZ  = storage.TypeTimestampTZ
	tIntvl = storage.TypeInterval
)

func init() {
	nowTZ := func(c *Context, _ []storage.Value) (storage.Value, error) {
		return storage.TimestampTZ(c.nowMicros()), nil
	}
	register(
		fn("now", tTSTZ, nil, nowTZ),
		fn("current_timestamp", tTSTZ, nil, nowTZ),
		fn("transaction_timestamp", tTSTZ, nil, nowTZ),
		fn("statement_timestamp", tTSTZ, nil, nowTZ),
		&Func{Name: "clock_timestamp", Ret: tTSTZ, Volatile: true, Fn: func(*Context, []storage.Value) (storage.Value, error) {
			return storage.TimestampTZ(timeToMicros(time.Now())), nil
		}},
		fn("localtimestamp", tTS, nil, func(c *Context, _ []storage.Value) (storage.Value, error) {
			return Cast(c, storage.TimestampTZ(c.nowMicros()), tTS)
		}),
		fn("current_date", tDate, nil, func(c *Context, _ []storage.Value) (storage.Value, error) {
			return Cast(c, storage.TimestampTZ(c.nowMicros()), tDate)
		}),
		&Func{Name: "gen_random_uuid", Ret: storage.TypeUUID, Volatile: true, Fn: func(*Context, []storage.Value) (storage.Value, error) {
			var u [16]byte
			_, _ = rand.Read(u[:])
			u[6] = u[6]&0x0f | 0x40 // version 4
			u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
			return storage.UUID(u), nil
		}},
	)
	for _, t := range []storage.Type{tTS, tTSTZ, tIntvl} {
		register(fn("date_trunc", t, types(tText, t), dateTrunc))
	}
	for _, t := range []storage.Type{tDate, tTS, tTSTZ, tIntvl} {
		register(
			fn("extract", tNumeric, types(tText, t), func(c *Context, a []storage.Value) (storage.Value, error) {
				return Extract(c, str(a[0]), a[1])
			}),
			fn("date_part", tFloat8, types(tText, t), datePart),
		)
	}
}

func errUnitUnknown(unit string, t storage.Type) error {
	return pgerr.New(pgerr.InvalidParameterValue, "unit \"%s\" not recognized for type %s", unit, t)
}

func errUnitUnsupported(unit string, t storage.Type) error {
	return pgerr.New(pgerr.FeatureNotSupported, "unit \"%s\" not supported for type %s", unit, t)
}

// unitAliases maps the spellings Postgres accepts for a field to one name.
var unitAliases = map[string]string{
	"microsecond": "microseconds", "microseconds": "microseconds", "us": "microseconds", "usec": "microseconds", "usecs": "microseconds", "useconds": "microseconds",
	"millisecond": "milliseconds", "milliseconds": "milliseconds", "ms": "milliseconds", "msec": "milliseconds", "msecs": "milliseconds", "mseconds": "milliseconds",
	"second": "second", "seconds": "second", "s": "second", "sec": "second", "secs": "second",
	"minute": "minute", "minutes": "minute", "m": "minute", "min": "minute", "mins": "minute",
	"hour": "hour", "hours": "hour", "h": "hour", "hr": "hour", "hrs": "hour",
	"day": "day", "days": "day", "d": "day",
	"week": "week", "weeks": "week", "w": "week",
	"month": "month", "months": "month", "mon": "month", "mons": "month",
	"quarter": "quarter", "qtr": "quarter",
	"year": "year", "years": "year", "y": "year", "yr": "year", "yrs": "year",
	"decade": "decade", "decades": "decade", "dec": "decade", "decs": "decade",
	"century": "century", "centuries": "century", "c": "century", "cent": "century",
	"millennium": "millennium", "millennia": "millennium", "mil": "millennium", "mils": "millennium",
	"dow": "dow", "isodow": "isodow", "doy": "doy", "epoch": "epoch", "isoyear": "isoyear",
	"julian": "julian", "j": "julian", "timezone": "timezone", "timezone_hour": "timezone_hour", "timezone_minute": "timezone_minute",
}

// localFields are a finite timestamp's calendar fields in local time.
type localFields struct {
	year, month, day int // astronomical year
	tod              int64
	days             int64 // days since 2000-01-01
}

func localOf(us int64) localFields {
	days, tod := splitMicros(us)
	y, m, d := j2date(int(days) + postgresEpochJDate)
	return localFields{y, m, d, tod, days}
}

// isoWeek returns the ISO 8601 week number and week-numbering year.
func isoWeek(y, m, d int) (week, isoYear int) {
	// time.Time handles the proleptic calendar for any year.
	isoYear, week = time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC).ISOWeek()
	return
}

func centuryOf(y int) int {
	if y > 0 {
		return (y + 99) / 100
	}
	return -((99 - (y - 1)) / 100)
}

func decadeOf(y int) int {
	if y >= 0 {
		return y / 10
	}
	return -((8 - (y - 1)) / 10)
}

func millenniumOf(y int) int {
	if y > 0 {
		return (y + 999) / 1000
	}
	return -((999 - (y - 1)) / 1000)
}

func numInt(x int64) storage.Value { return storage.Numeric(apd.New(x, 0)) }

// Extract is EXTRACT(field FROM v) of Postgres 14+, which returns numeric:
// seconds and epoch have six decimals, milliseconds three.
func Extract(ctx *Context, field string, v storage.Value) (storage.Value, error) {
	unit, ok := unitAliases[strings.ToLower(field)]
	t := v.Type()
	if !ok {
		return storage.Value{}, errUnitUnknown(field, t)
	}
	if t == tIntvl {
		return extractInterval(unit, field, v)
	}
	var us int64
	switch t {
	case tDate:
		d := v.AsDate()
		switch unit {
		case "microseconds", "milliseconds", "second", "minute", "hour", "timezone", "timezone_hour", "timezone_minute":
			return storage.Value{}, errUnitUnsupported(field, t)
		}
		if isInfDate(d) {
			return extractInfinite(unit, field, t, d == datePosInf)
		}
		if unit == "epoch" {
			return numInt((int64(d) + postgresEpochJDate - unixEpochJDate) * secsPerDay), nil
		}
		us = int64(d) * microsPerDay
	default:
		us = v.AsMicros()
		if isInfTS(us) {
			return extractInfinite(unit, field, t, us == tsPosInf)
		}
	}
	off := int64(0)
	if t == tTSTZ {
		off = int64(zoneOffset(us, ctx.loc()))
	}
	switch unit {
	case "epoch":
		epochUS := us - int64(unixEpochJDate-postgresEpochJDate)*microsPerDay
		return storage.Numeric(apd.New(epochUS, -6)), nil
	case "timezone":
		if t != tTSTZ {
			return storage.Value{}, errUnitUnsupported(field, t)
		}
		return numInt(off), nil
	case "timezone_hour":
		if t != tTSTZ {
			return storage.Value{}, errUnitUnsupported(field, t)
		}
		return numInt(off / 3600), nil
	case "timezone_minute":
		if t != tTSTZ {
			return storage.Value{}, errUnitUnsupported(field, t)
		}
		return numInt(off / 60 % 60), nil
	}
	lf := localOf(us + off*microsPerSecond)
	y := lf.year
	switch unit {
	case "microseconds":
		return numInt(lf.tod % microsPerMinute), nil
	case "milliseconds":
		return storage.Numeric(apd.New(lf.tod%microsPerMinute, -3)), nil
	case "second":
		return storage.Numeric(apd.New(lf.tod%microsPerMinute, -6)), nil
	case "minute":
		return numInt(lf.tod / microsPerMinute % 60), nil
	case "hour":
		return numInt(lf.tod / microsPerHour), nil
	case "day":
		return numInt(int64(lf.day)), nil
	case "month":
		return numInt(int64(lf.month)), nil
	case "quarter":
		return numInt(int64((lf.month-1)/3 + 1)), nil
	case "year":
		if y <= 0 {
			y--
		}
		return numInt(int64(y)), nil
	case "decade":
		return numInt(int64(decadeOf(y))), nil
	case "century":
		return numInt(int64(centuryOf(y))), nil
	case "millennium":
		return numInt(int64(millenniumOf(y))), nil
	case "dow", "isodow":
		dow := (lf.days + 6) % 7 // 2000-01-01 was a Saturday
		if dow < 0 {
			dow += 7
		}
		if unit == "isodow" && dow == 0 {
			dow = 7
		}
		return numInt(dow), nil
	case "doy":
		return numInt(int64(date2j(y, lf.month, lf.day) - date2j(y, 1, 1) + 1)), nil
	case "week":
		w, _ := isoWeek(y, lf.month, lf.day)
		return numInt(int64(w)), nil
	case "isoyear":
		_, iy := isoWeek(y, lf.month, lf.day)
		if iy <= 0 {
			iy--
		}
		return numInt(int64(iy)), nil
	case "julian":
		jd := int64(date2j(y, lf.month, lf.day))
		if t == tDate {
			return numInt(jd), nil
		}
		frac, err := numDiv(apd.New(lf.tod, 0), apd.New(microsPerDay, 0))
		if err != nil {
			return storage.Value{}, err
		}
		return numAdd(apd.New(jd, 0), frac.AsNumeric(), false)
	}
	return storage.Value{}, errUnitUnsupported(field, t)
}

// extractInfinite: the monotonic fields of an infinite date or timestamp
// are ±Infinity, the others NULL (Postgres 15).
func extractInfinite(unit, field string, t storage.Type, pos bool) (storage.Value, error) {
	switch unit {
	case "year", "decade", "century", "millennium", "julian", "isoyear", "epoch":
		return storage.Numeric(infOf(!pos)), nil
	}
	return storage.Null(), nil
}

func extractInterval(unit, field string, v storage.Value) (storage.Value, error) {
	mon, day, us := v.AsInterval()
	y := int64(mon) / 12
	switch unit {
	case "microseconds":
		return numInt(us % microsPerMinute), nil
	case "milliseconds":
		return storage.Numeric(apd.New(us%microsPerMinute, -3)), nil
	case "second":
		return storage.Numeric(apd.New(us%microsPerMinute, -6)), nil
	case "minute":
		return numInt(us / microsPerMinute % 60), nil
	case "hour":
		return numInt(us / microsPerHour), nil
	case "day":
		return numInt(int64(day)), nil
	case "month":
		return numInt(int64(mon) % 12), nil
	case "quarter":
		return numInt(int64(mon)%12/3 + 1), nil
	case "year":
		return numInt(y), nil
	case "decade":
		return numInt(y / 10), nil
	case "century":
		return numInt(y / 100), nil
	case "millennium":
		return numInt(y / 1000), nil
	case "epoch":
		secs := int64(365.25*secsPerDay)*(int64(mon)/12) + int64(30*secsPerDay)*(int64(mon)%12) + int64(day)*secsPerDay
		total := new(apd.Decimal)
		_, err := numCtx(40).Add(total, apd.New(secs*microsPerSecond, -6), apd.New(us, -6))
		if err != nil {
			return numResult(nil, err)
		}
		return storage.Numeric(total), nil
	}
	return storage.Value{}, errUnitUnsupported(field, tIntvl)
}

// datePart is date_part(text, v): EXTRACT as double precision. A date is
// read as a timestamp at midnight, as Postgres's SQL-language date_part
// does.
func datePart(c *Context, a []storage.Value) (storage.Value, error) {
	v := a[1]
	if v.Type() == tDate {
		var err error
		if v, err = Cast(c, v, tTS); err != nil {
			return storage.Value{}, err
		}
	}
	r, err := Extract(c, str(a[0]), v)
	if err != nil || r.IsNull() {
		return r, err
	}
	f, _ := numericToFloat(r.AsNumeric())
	return storage.Float64(f), nil
}

// dateTrunc is date_trunc(unit, v): timestamps truncate on the local
// calendar (the session TimeZone for timestamptz); weeks start on Monday.
func dateTrunc(c *Context, a []storage.Value) (storage.Value, error) {
	field, v := str(a[0]), a[1]
	unit, ok := unitAliases[strings.ToLower(field)]
	t := v.Type()
	if t == tIntvl {
		return truncInterval(unit, ok, field, v)
	}
	us := v.AsMicros()
	if isInfTS(us) {
		return v, nil
	}
	if !ok {
		return storage.Value{}, errUnitUnknown(field, t)
	}
	loc := c.loc()
	local := us
	if t == tTSTZ {
		local += int64(zoneOffset(us, loc)) * microsPerSecond
	}
	lf := localOf(local)
	y, m, d, tod := lf.year, lf.month, lf.day, lf.tod
	switch unit {
	case "microseconds":
	case "milliseconds":
		tod -= tod % 1000
	case "second":
		tod -= tod % microsPerSecond
	case "minute":
		tod -= tod % microsPerMinute
	case "hour":
		tod -= tod % microsPerHour
	case "day":
		tod = 0
	case "week":
		dow := (lf.days + 6) % 7
		if dow < 0 {
			dow += 7
		}
		back := (dow + 6) % 7 // days since Monday
		y, m, d = j2date(int(lf.days-back) + postgresEpochJDate)
		tod = 0
	case "month":
		d, tod = 1, 0
	case "quarter":
		m, d, tod = (m-1)/3*3+1, 1, 0
	case "year":
		m, d, tod = 1, 1, 0
	case "decade":
		if y > 0 {
			y = y / 10 * 10
		} else {
			y = -((8 - (y - 1)) / 10) * 10
		}
		m, d, tod = 1, 1, 0
	case "century":
		if y > 0 {
			y = (y+99)/100*100 - 99
		} else {
			y = -((99-(y-1))/100)*100 + 1
		}
		m, d, tod = 1, 1, 0
	case "millennium":
		if y > 0 {
			y = (y+999)/1000*1000 - 999
		} else {
			y = -((999-(y-1))/1000)*1000 + 1
		}
		m, d, tod = 1, 1, 0
	default:
		return storage.Value{}, errUnitUnsupported(field, t)
	}
	r := int64(date2j(y, m, d)-postgresEpochJDate)*microsPerDay + tod
	if t == tTSTZ {
		return storage.TimestampTZ(localToUTC(r, loc)), nil
	}
	return storage.Timestamp(r), nil
}

func truncInterval(unit string, ok bool, field string, v storage.Value) (storage.Value, error) {
	if !ok {
		return storage.Value{}, errUnitUnknown(field, tIntvl)
	}
	mon, day, us := v.AsInterval()
	y, m := mon/12, mon%12
	switch unit {
	case "millennium":
		return storage.Interval(y/1000*1000*12, 0, 0), nil
	case "century":
		return storage.Interval(y/100*100*12, 0, 0), nil
	case "decade":
		return storage.Interval(y/10*10*12, 0, 0), nil
	case "year":
		return storage.Interval(y*12, 0, 0), nil
	case "quarter":
		return storage.Interval(y*12+m/3*3, 0, 0), nil
	case "month":
		return storage.Interval(mon, 0, 0), nil
	case "day":
		return storage.Interval(mon, day, 0), nil
	case "hour":
		return storage.Interval(mon, day, us-us%microsPerHour), nil
	case "minute":
		return storage.Interval(mon, day, us-us%microsPerMinute), nil
	case "second":
		return storage.Interval(mon, day, us-us%microsPerSecond), nil
	case "milliseconds":
		return storage.Interval(mon, day, us-us%1000), nil
	case "microseconds":
		return v, nil
	}
	if unit == "week" {
		return storage.Value{}, pgerr.New(pgerr.FeatureNotSupported, "interval units \"%s\" not supported because months usually have fractional weeks", field)
	}
	return storage.Value{}, errUnitUnsupported(field, tIntvl)
}
