package sem

// age, justify_days/hours/interval, make_date, make_timestamp,
// make_timestamptz, make_interval and to_timestamp(double precision), as
// Postgres 15's timestamp.c and date.c compute them, including their
// unchecked 32-bit wrap-arounds (make_interval) and their messages.

import (
	"math"
	"strconv"

	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/storage"
)

func init() {
	register(
		fn("age", tIntvl, types(tTS, tTS), ageFn),
		fn("age", tIntvl, types(tTSTZ, tTSTZ), ageFn),
		fn("age", tIntvl, types(tTS), ageToday),
		fn("age", tIntvl, types(tTSTZ), ageToday),
		fn("justify_days", tIntvl, types(tIntvl), justifyDays),
		fn("justify_hours", tIntvl, types(tIntvl), justifyHours),
		fn("justify_interval", tIntvl, types(tIntvl), justifyInterval),
		fn("make_date", tDate, types(tInt4, tInt4, tInt4), makeDate),
		fn("make_timestamp", tTS, types(tInt4, tInt4, tInt4, tInt4, tInt4, tFloat8), makeTimestamp),
		fn("make_timestamptz", tTSTZ, types(tInt4, tInt4, tInt4, tInt4, tInt4, tFloat8), makeTimestampTZ),
		fn("to_timestamp", tTSTZ, types(tFloat8), floatToTimestamp),
	)
	// make_interval's parameters all default to 0; without named
	// arguments that is one overload per arity.
	params := types(tInt4, tInt4, tInt4, tInt4, tInt4, tInt4, tFloat8)
	for n := 0; n <= len(params); n++ {
		register(fn("make_interval", tIntvl, params[:n:n], makeInterval))
	}
}

// pgTM is the calendar part of timestamp2tm's result.
type pgTM struct {
	year, mon, mday      int
	hour, min, sec, fsec int64
}

// tmOfTimestamp is timestamp2tm: a timestamp split into fields, in the
// session TimeZone when tz, as Postgres 15 does it. Infinite timestamps are not special there: +infinity
// becomes a date in year 294277 and -infinity fails, with "timestamp out
// of range" as for any Julian day below 0.
func tmOfTimestamp(us int64, tz bool, c *Context) (pgTM, bool) {
	date, _ := splitMicros(us)
	if date += postgresEpochJDate; date < 0 || date > math.MaxInt32 {
		return pgTM{}, false
	}
	// Work in seconds, as pg_localtime does, so that +infinity plus an
	// offset east of UTC does not overflow.
	secs, frac := splitSecs(us)
	if tz {
		off, _ := zoneOf(us, c.loc())
		secs += int64(off)
	}
	days, sod := secs/secsPerDay, secs%secsPerDay
	if sod < 0 {
		days--
		sod += secsPerDay
	}
	var tm pgTM
	tm.year, tm.mon, tm.mday = j2date(int(days + postgresEpochJDate))
	tm.hour = sod / 3600
	tm.min = sod / 60 % 60
	tm.sec = sod % 60
	tm.fsec = frac
	return tm, true
}

// ageFn is timestamp_age and timestamptz_age: the field-by-field
// difference, borrowing from the next field up, with a borrowed month
// worth the days of the month of the earlier argument's calendar.
func ageFn(c *Context, a []storage.Value) (storage.Value, error) {
	return ageOf(c, a[0].AsMicros(), a[1].AsMicros(), a[0].Type() == tTSTZ)
}

// ageToday is age(ts): age(current_date::timestamp[tz], ts).
func ageToday(c *Context, a []storage.Value) (storage.Value, error) {
	tz := a[0].Type() == tTSTZ
	now := c.nowMicros()
	loc := c.loc()
	days, _ := splitMicros(now + int64(zoneOffset(now, loc))*microsPerSecond)
	midnight := days * microsPerDay
	if tz {
		midnight = localToUTC(midnight, loc)
	}
	return ageOf(c, midnight, a[0].AsMicros(), tz)
}

func ageOf(c *Context, dt1, dt2 int64, tz bool) (storage.Value, error) {
	tm1, ok1 := tmOfTimestamp(dt1, tz, c)
	tm2, ok2 := tmOfTimestamp(dt2, tz, c)
	if !ok1 || !ok2 {
		return storage.Value{}, errTSOutOfRange
	}
	usec := tm1.fsec - tm2.fsec
	sec := tm1.sec - tm2.sec
	minute := tm1.min - tm2.min
	hour := tm1.hour - tm2.hour
	mday := int64(tm1.mday - tm2.mday)
	mon := int64(tm1.mon - tm2.mon)
	year := int64(tm1.year - tm2.year)
	flip := func() {
		usec, sec, minute, hour, mday, mon, year = -usec, -sec, -minute, -hour, -mday, -mon, -year
	}
	if dt1 < dt2 {
		flip()
	}
	for usec < 0 {
		usec += microsPerSecond
		sec--
	}
	for sec < 0 {
		sec += 60
		minute--
	}
	for minute < 0 {
		minute += 60
		hour--
	}
	for hour < 0 {
		hour += 24
		mday--
	}
	for mday < 0 {
		if dt1 < dt2 {
			mday += int64(monthDays(tm1.year, tm1.mon))
		} else {
			mday += int64(monthDays(tm2.year, tm2.mon))
		}
		mon--
	}
	for mon < 0 {
		mon += 12
		year--
	}
	if dt1 < dt2 {
		flip()
	}
	months := year*12 + mon
	if months != int64(int32(months)) || mday != int64(int32(mday)) {
		return storage.Value{}, errIntervalRange
	}
	return storage.Interval(int32(months), int32(mday), hour*microsPerHour+minute*microsPerMinute+sec*microsPerSecond+usec), nil
}

// justifyDays is interval_justify_days: 30-day months out of the days.
func justifyDays(_ *Context, a []storage.Value) (storage.Value, error) {
	mon, day, t := a[0].AsInterval()
	whole := day / 30
	day -= whole * 30
	m := int64(mon) + int64(whole)
	if m != int64(int32(m)) {
		return storage.Value{}, errIntervalRange
	}
	mon = int32(m)
	switch {
	case mon > 0 && day < 0:
		day += 30
		mon--
	case mon < 0 && day > 0:
		day -= 30
		mon++
	}
	return storage.Interval(mon, day, t), nil
}

// justifyHours is interval_justify_hours: 24-hour days out of the time.
func justifyHours(_ *Context, a []storage.Value) (storage.Value, error) {
	mon, day, t := a[0].AsInterval()
	whole := t / microsPerDay
	t -= whole * microsPerDay
	d := int64(day) + whole
	if d != int64(int32(d)) {
		return storage.Value{}, errIntervalRange
	}
	day = int32(d)
	switch {
	case day > 0 && t < 0:
		t += microsPerDay
		day--
	case day < 0 && t > 0:
		t -= microsPerDay
		day++
	}
	return storage.Interval(mon, day, t), nil
}

// justifyInterval is interval_justify_interval: both, with one sign.
func justifyInterval(_ *Context, a []storage.Value) (storage.Value, error) {
	mon, day, t := a[0].AsInterval()
	addMonths := func(n int32) error {
		m := int64(mon) + int64(n)
		if m != int64(int32(m)) {
			return errIntervalRange
		}
		mon = int32(m)
		return nil
	}
	if (day > 0 && t > 0) || (day < 0 && t < 0) {
		whole := day / 30
		day -= whole * 30
		if err := addMonths(whole); err != nil {
			return storage.Value{}, err
		}
	}
	wholeDay := t / microsPerDay
	t -= wholeDay * microsPerDay
	day += int32(wholeDay)
	whole := day / 30
	day -= whole * 30
	if err := addMonths(whole); err != nil {
		return storage.Value{}, err
	}
	switch {
	case mon > 0 && (day < 0 || (day == 0 && t < 0)):
		day += 30
		mon--
	case mon < 0 && (day > 0 || (day == 0 && t > 0)):
		day -= 30
		mon++
	}
	switch {
	case day > 0 && t < 0:
		t += microsPerDay
		day--
	case day < 0 && t > 0:
		t -= microsPerDay
		day++
	}
	return storage.Interval(mon, day, t), nil
}

// validateYMD is ValidateDate(DTK_DATE_M, isjulian false, is2digits
// false, bc): a negative year is BC and becomes astronomical.
func validateYMD(y, m, d int) (int, bool) {
	bc := y < 0
	if bc {
		y = -y
	}
	if y <= 0 {
		return y, false
	}
	if bc {
		y = -(y - 1)
	}
	if m < 1 || m > 12 || d < 1 || d > 31 || d > monthDays(y, m) {
		return y, false
	}
	return y, true
}

func int4Arg(v storage.Value) int { return int(int32(v.AsInt64())) }

// makeDate is make_date(year, month, day).
func makeDate(_ *Context, a []storage.Value) (storage.Value, error) {
	y, m, d := int4Arg(a[0]), int4Arg(a[1]), int4Arg(a[2])
	y, ok := validateYMD(y, m, d)
	if !ok {
		return storage.Value{}, pgerr.New(pgerr.DatetimeFieldOverflow, "date field value out of range: %d-%02d-%02d", y, m, d)
	}
	errRange := pgerr.New(pgerr.DatetimeFieldOverflow, "date out of range: %d-%02d-%02d", y, m, d)
	if !julianYMValid(y, m) {
		return storage.Value{}, errRange
	}
	jd := date2j(y, m, d)
	if jd < 0 || jd >= dateEndJulian {
		return storage.Value{}, errRange
	}
	return storage.Date(int32(jd - postgresEpochJDate)), nil
}

// cG is C's printf("%g"): six significant digits, trailing zeros cut,
// Postgres's spelling of NaN and the infinities.
func cG(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	return strconv.FormatFloat(f, 'g', 6, 64)
}

// rintToInt64 is (int64) rint(x), with the x86 result for values that do
// not fit.
func rintToInt64(x float64) int64 {
	r := math.RoundToEven(x)
	if math.IsNaN(r) || r < -9.223372036854775808e18 || r >= 9.223372036854775808e18 {
		return math.MinInt64
	}
	return int64(r)
}

// makeTimestamp is make_timestamp.
func makeTimestamp(_ *Context, a []storage.Value) (storage.Value, error) {
	us, err := makeTimestampInternal(a)
	if err != nil {
		return storage.Value{}, err
	}
	return storage.Timestamp(us), nil
}

// makeTimestampTZ is make_timestamptz: the local time read in the
// session TimeZone.
func makeTimestampTZ(c *Context, a []storage.Value) (storage.Value, error) {
	us, err := makeTimestampInternal(a)
	if err != nil {
		return storage.Value{}, err
	}
	if us = localToUTC(us, c.loc()); !validTimestamp(us) {
		return storage.Value{}, errTSOutOfRange
	}
	return storage.TimestampTZ(us), nil
}

// makeTimestampInternal is make_timestamp_internal; the messages show
// the arguments as given (BC years negative), seconds as %02g.
func makeTimestampInternal(a []storage.Value) (int64, error) {
	year, month, day := int4Arg(a[0]), int4Arg(a[1]), int4Arg(a[2])
	hour, minute, sec := int4Arg(a[3]), int4Arg(a[4]), a[5].AsFloat64()
	y, ok := validateYMD(year, month, day)
	if !ok {
		return 0, pgerr.New(pgerr.DatetimeFieldOverflow, "date field value out of range: %d-%02d-%02d", year, month, day)
	}
	if !julianYMValid(y, month) {
		return 0, pgerr.New(pgerr.DatetimeFieldOverflow, "date out of range: %d-%02d-%02d", year, month, day)
	}
	date := int64(date2j(y, month, day) - postgresEpochJDate)
	secStr := cG(sec)
	if len(secStr) < 2 {
		secStr = "0" + secStr
	}
	if floatTimeOverflows(hour, minute, sec) {
		return 0, pgerr.New(pgerr.DatetimeFieldOverflow, "time field value out of range: %d:%02d:%s", hour, minute, secStr)
	}
	t := (int64(hour)*60+int64(minute))*60*microsPerSecond + rintToInt64(sec*microsPerSecond)
	r := date*microsPerDay + t
	if (r-t)/microsPerDay != date || (r < 0 && date > 0) || (r > 0 && date < -1) || !validTimestamp(r) {
		return 0, pgerr.New(pgerr.DatetimeFieldOverflow, "timestamp out of range: %d-%02d-%02d %d:%02d:%s", year, month, day, hour, minute, secStr)
	}
	return r, nil
}

// floatTimeOverflows is float_time_overflows.
func floatTimeOverflows(hour, minute int, sec float64) bool {
	if hour < 0 || hour > 24 || minute < 0 || minute >= 60 || math.IsNaN(sec) {
		return true
	}
	s := math.RoundToEven(sec * microsPerSecond)
	if s < 0 || s > 60*microsPerSecond {
		return true
	}
	return (int64(hour)*60+int64(minute))*60*microsPerSecond+int64(s) > microsPerDay
}

// makeInterval is make_interval(years, months, weeks, days, hours, mins,
// secs) with Postgres 15's unchecked 32-bit products.
func makeInterval(_ *Context, a []storage.Value) (storage.Value, error) {
	var f [6]int32
	secs := 0.0
	for i, v := range a {
		if i < 6 {
			f[i] = int32(v.AsInt64())
		} else {
			secs = v.AsFloat64()
		}
	}
	if math.IsInf(secs, 0) || math.IsNaN(secs) {
		return storage.Value{}, errIntervalRange
	}
	months := f[0]*12 + f[1]
	days := f[2]*7 + f[3]
	t := int64(f[4])*microsPerHour + int64(f[5])*microsPerMinute + rintToInt64(secs*microsPerSecond)
	return storage.Interval(months, days, t), nil
}

// floatToTimestamp is to_timestamp(double precision): Unix seconds.
func floatToTimestamp(_ *Context, a []storage.Value) (storage.Value, error) {
	secs := a[0].AsFloat64()
	switch {
	case math.IsNaN(secs):
		return storage.Value{}, pgerr.New(pgerr.DatetimeFieldOverflow, "timestamp cannot be NaN")
	case math.IsInf(secs, -1):
		return storage.TimestampTZ(tsNegInf), nil
	case math.IsInf(secs, 1):
		return storage.TimestampTZ(tsPosInf), nil
	}
	errRange := pgerr.New(pgerr.DatetimeFieldOverflow, "timestamp out of range: \"%s\"", cG(secs))
	if secs < float64(secsPerDay)*float64(0-unixEpochJDate) || secs >= float64(secsPerDay)*float64(timestampEndJulian-unixEpochJDate) {
		return storage.Value{}, errRange
	}
	secs -= float64((postgresEpochJDate - unixEpochJDate) * secsPerDay)
	us := int64(math.RoundToEven(secs * microsPerSecond))
	if !validTimestamp(us) {
		return storage.Value{}, errRange
	}
	return storage.TimestampTZ(us), nil
}
