package sem

import (
	"math"
	"time"

	"github.com/persiandb/persiandb/sql/pgerr"

	"github.com/persiandb/persiandb/storage"
)

// dateTimeArith evaluates the date, timestamp and interval operators whose
// result type BinaryType has computed as rt.
func dateTimeArith(ctx *Context, op BinOp, a, b storage.Value, rt storage.Type) (storage.Value, error) {
	at, bt := a.Type(), b.Type()
	switch {
	case at == storage.TypeDate && isIntType(bt):
		return dateAddDays(a.AsDate(), b.AsInt64(), op == OpSub)
	case isIntType(at) && bt == storage.TypeDate:
		return dateAddDays(b.AsDate(), a.AsInt64(), false)
	case at == storage.TypeDate && bt == storage.TypeDate:
		x, y := a.AsDate(), b.AsDate()
		if isInfDate(x) || isInfDate(y) {
			return storage.Value{}, errDateOutOfRange
		}
		return storage.Int32(x - y), nil
	case at == storage.TypeInterval && bt == storage.TypeInterval:
		return intervalAdd(a, b, op == OpSub)
	case at == storage.TypeInterval && IsNumericType(bt):
		return intervalMul(a, toFloat(b), op == OpDiv)
	case IsNumericType(at) && bt == storage.TypeInterval:
		return intervalMul(b, toFloat(a), false)
	case bt == storage.TypeInterval || at == storage.TypeInterval:
		ts, iv := a, b
		if at == storage.TypeInterval {
			ts, iv = b, a
		}
		if ts.Type() == storage.TypeDate {
			var err error
			if ts, err = Cast(ctx, ts, storage.TypeTimestamp); err != nil {
				return storage.Value{}, err
			}
		}
		if op == OpSub {
			var err error
			if iv, err = Negate(iv); err != nil {
				return storage.Value{}, err
			}
		}
		return timestampAddInterval(ctx, ts, iv)
	case op == OpSub && isDateTime(at) && isDateTime(bt):
		var err error
		if a, err = Cast(ctx, a, timestampOf(rt, at, bt)); err != nil {
			return storage.Value{}, err
		}
		if b, err = Cast(ctx, b, a.Type()); err != nil {
			return storage.Value{}, err
		}
		return timestampDiff(a.AsMicros(), b.AsMicros())
	}
	return storage.Value{}, errNoOperator(op.String(), at, bt)
}

func timestampOf(_ storage.Type, a, b storage.Type) storage.Type {
	if a == storage.TypeTimestampTZ || b == storage.TypeTimestampTZ {
		return storage.TypeTimestampTZ
	}
	return storage.TypeTimestamp
}

func dateAddDays(d int32, n int64, sub bool) (storage.Value, error) {
	if isInfDate(d) {
		return storage.Date(d), nil
	}
	if sub {
		n = -n
	}
	r := int64(d) + n
	if r+postgresEpochJDate < 0 || r+postgresEpochJDate >= dateEndJulian {
		return storage.Value{}, errDateOutOfRange
	}
	return storage.Date(int32(r)), nil
}

func intervalAdd(a, b storage.Value, sub bool) (storage.Value, error) {
	m1, d1, u1 := a.AsInterval()
	m2, d2, u2 := b.AsInterval()
	if sub {
		m2, d2, u2 = -m2, -d2, -u2
		if m2 == math.MinInt32 && d2 == math.MinInt32 && u2 == math.MinInt64 {
			return storage.Value{}, errIntervalRange
		}
	}
	m, d, u := int64(m1)+int64(m2), int64(d1)+int64(d2), u1+u2
	if m != int64(int32(m)) || d != int64(int32(d)) || (u2 > 0) != (u > u1) && u2 != 0 {
		return storage.Value{}, errIntervalRange
	}
	return storage.Interval(int32(m), int32(d), u), nil
}

// tsRound is TSROUND: round to microsecond precision in the unit given.
func tsRound(x float64) float64 { return math.RoundToEven(x*1e6) / 1e6 }

// intervalMul is interval_mul and interval_div of Postgres 15: months and
// days are truncated and their fractions cascade down to days and time.
func intervalMul(v storage.Value, f float64, div bool) (storage.Value, error) {
	if div && f == 0 {
		return storage.Value{}, errDivisionByZero
	}
	mon, day, us := v.AsInterval()
	scale := func(x float64) float64 {
		if div {
			return x / f
		}
		return x * f
	}
	fm, fd := scale(float64(mon)), scale(float64(day))
	if math.IsNaN(fm) || math.IsNaN(fd) || math.Abs(fm) > math.MaxInt32 || math.Abs(fd) > math.MaxInt32 {
		return storage.Value{}, errIntervalRange
	}
	rm, rd := int32(fm), int32(fd)
	monthRemDays := tsRound((fm - float64(rm)) * 30)
	secRem := tsRound((fd - float64(rd) + monthRemDays - math.Trunc(monthRemDays)) * secsPerDay)
	if math.Abs(secRem) >= secsPerDay {
		rd += int32(secRem / secsPerDay)
		secRem -= math.Trunc(secRem/secsPerDay) * secsPerDay
	}
	rd += int32(monthRemDays)
	t := math.RoundToEven(scale(float64(us)) + secRem*1e6)
	if math.IsNaN(t) || t < -9.223372036854775808e18 || t >= 9.223372036854775808e18 {
		return storage.Value{}, errIntervalRange
	}
	return storage.Interval(rm, rd, int64(t)), nil
}

// timestampAddInterval is timestamp_pl_interval and timestamptz_pl_interval:
// months first (clamping the day to the month's end), then days, both on
// the local calendar (the session TimeZone for timestamptz), then time.
func timestampAddInterval(ctx *Context, ts, iv storage.Value) (storage.Value, error) {
	us := ts.AsMicros()
	tz := ts.Type() == storage.TypeTimestampTZ
	mk := storage.Timestamp
	if tz {
		mk = storage.TimestampTZ
	}
	if isInfTS(us) {
		return ts, nil
	}
	mon, day, t := iv.AsInterval()
	loc := ctx.loc()
	// Months and days are separate steps, each resolved to an instant: a
	// month step landing in a DST gap moves the wall clock, and the day
	// step starts from the moved wall clock, as in Postgres.
	if mon != 0 {
		local := toLocal(us, tz, loc)
		days, tod := splitMicros(local)
		y, m, d := j2date(int(days) + postgresEpochJDate)
		total := int64(y)*12 + int64(m-1) + int64(mon)
		y = int(floorDiv(total, 12))
		m = int(total-int64(y)*12) + 1
		if d > monthDays(y, m) {
			d = monthDays(y, m)
		}
		jd := int64(date2j(y, m, d))
		if jd < 0 || jd >= timestampEndJulian {
			return storage.Value{}, errTSOutOfRange
		}
		us = fromLocal((jd-postgresEpochJDate)*microsPerDay+tod, tz, loc)
	}
	if day != 0 {
		local := toLocal(us, tz, loc)
		days, tod := splitMicros(local)
		jd := days + postgresEpochJDate + int64(day)
		if jd < 0 || jd >= timestampEndJulian {
			return storage.Value{}, errTSOutOfRange
		}
		us = fromLocal((jd-postgresEpochJDate)*microsPerDay+tod, tz, loc)
	}
	r := us + t
	if (t > 0 && r < us) || (t < 0 && r > us) || !validTimestamp(r) {
		return storage.Value{}, errTSOutOfRange
	}
	return mk(r), nil
}

func toLocal(us int64, tz bool, loc *time.Location) int64 {
	if tz {
		return us + int64(zoneOffset(us, loc))*microsPerSecond
	}
	return us
}

func fromLocal(local int64, tz bool, loc *time.Location) int64 {
	if tz {
		return localToUTC(local, loc)
	}
	return local
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// timestampDiff is timestamp_mi: the difference as days and time, with
// whole days split out of the time as interval_justify_hours does.
func timestampDiff(a, b int64) (storage.Value, error) {
	if isInfTS(a) || isInfTS(b) {
		return storage.Value{}, pgerr.New(pgerr.DatetimeFieldOverflow, "cannot subtract infinite timestamps")
	}
	d := a - b
	if (b < 0 && d < a) || (b > 0 && d > a) {
		return storage.Value{}, errIntervalRange
	}
	return storage.Interval(0, int32(d/microsPerDay), d%microsPerDay), nil
}
