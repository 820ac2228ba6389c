package sem

import (
	"math"
	"time"
)

// Calendar arithmetic in Postgres's terms: Julian day numbers, with the
// proleptic Gregorian calendar and astronomical years (year 0 is 1 BC).

const (
	// postgresEpochJDate is the Julian day of 2000-01-01.
	postgresEpochJDate = 2451545
	// unixEpochJDate is the Julian day of 1970-01-01.
	unixEpochJDate = 2440588

	microsPerSecond = 1_000_000
	microsPerMinute = 60 * microsPerSecond
	microsPerHour   = 60 * microsPerMinute
	microsPerDay    = 24 * microsPerHour
	secsPerDay      = 86400

	// pgEpochUnix is 2000-01-01 00:00:00 UTC in Unix seconds.
	pgEpochUnix = 946684800

	// Ranges Postgres accepts: Julian day 0 (4714-11-24 BC) up to the
	// ends of the date and timestamp types.
	dateEndJulian      = 2147483494 // first Julian day past the date range (5874898-01-01)
	timestampEndJulian = 109203528  // first Julian day past the timestamp range (294277-01-01)
	minTimestamp       = -211813488000000000
	endTimestamp       = 9223371331200000000

	dateNegInf = math.MinInt32
	datePosInf = math.MaxInt32
	tsNegInf   = math.MinInt64
	tsPosInf   = math.MaxInt64
)

// date2j is Postgres's date2j: the Julian day of an astronomical
// year/month/day.
func date2j(y, m, d int) int {
	if m > 2 {
		m++
		y += 4800
	} else {
		m += 13
		y += 4799
	}
	century := y / 100
	julian := y*365 - 32167
	julian += y/4 - century + century/4
	julian += 7834*m/256 + d
	return julian
}

// j2date is Postgres's j2date.
func j2date(jd int) (year, month, day int) {
	julian := uint(jd) + 32044
	quad := julian / 146097
	extra := (julian-quad*146097)*4 + 3
	julian += 60 + quad*3 + extra/146097
	quad = julian / 1461
	julian -= quad * 1461
	y := int(julian * 4 / 1461)
	if y != 0 {
		julian = (julian+305)%365 + 123
	} else {
		julian = (julian+306)%366 + 123
	}
	y += int(quad * 4)
	year = y - 4800
	quad = julian * 2141 / 65536
	day = int(julian - 7834*quad/256)
	month = int((quad+10)%12 + 1)
	return
}

// dateYMD returns the astronomical year, month and day of a finite date.
func dateYMD(days int32) (y, m, d int) { return j2date(int(days) + postgresEpochJDate) }

var daysInMonth = [2][13]int{
	{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31},
	{0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31},
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func monthDays(y, m int) int {
	if isLeap(y) {
		return daysInMonth[1][m]
	}
	return daysInMonth[0][m]
}

// splitMicros splits a finite timestamp into days since 2000-01-01
// (floored) and µs into that day.
func splitMicros(us int64) (days int64, tod int64) {
	days, tod = us/microsPerDay, us%microsPerDay
	if tod < 0 {
		days--
		tod += microsPerDay
	}
	return
}

func isInfTS(us int64) bool { return us == tsNegInf || us == tsPosInf }

func isInfDate(d int32) bool { return d == dateNegInf || d == datePosInf }

// validTimestamp reports whether a finite timestamp is in Postgres's range.
func validTimestamp(us int64) bool { return us >= minTimestamp && us < endTimestamp }

// zoneOffset returns the UTC offset in seconds east of UTC that loc has at
// the UTC instant us.
func zoneOffset(us int64, loc *time.Location) int {
	if loc == nil || loc == time.UTC {
		return 0
	}
	secs, _ := splitSecs(us)
	_, off := time.Unix(secs+pgEpochUnix, 0).In(loc).Zone()
	return off
}

func splitSecs(us int64) (secs, frac int64) {
	secs, frac = us/microsPerSecond, us%microsPerSecond
	if frac < 0 {
		secs--
		frac += microsPerSecond
	}
	return
}

// localToUTC converts a local wall-clock timestamp in loc to UTC µs the
// way Postgres's DetermineTimeZoneOffset resolves it: a local time that
// occurs twice (the clocks went back) takes the later instant, i.e. the
// standard-time reading; one that does not occur (the clocks went forward)
// takes the offset in force before the transition, which is again the
// later of the two candidate instants.
func localToUTC(local int64, loc *time.Location) int64 {
	if loc == nil || loc == time.UTC {
		return local
	}
	cands := [3]int{
		zoneOffset(local-microsPerDay, loc),
		zoneOffset(local, loc),
		zoneOffset(local+microsPerDay, loc),
	}
	best, bestValid := int64(math.MinInt64), false
	for _, off := range cands {
		utc := local - int64(off)*microsPerSecond
		valid := zoneOffset(utc, loc) == off
		switch {
		case valid && !bestValid, valid == bestValid && utc > best:
			best, bestValid = utc, valid
		}
	}
	return best
}
