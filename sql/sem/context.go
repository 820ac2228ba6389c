package sem

import "time"

// Context is the session state value semantics depend on. The executor
// builds one per statement; the zero Context means TimeZone UTC and a
// clock read on demand.
type Context struct {
	// Loc is the session TimeZone, used to read and print timestamptz and
	// to convert between timestamp and timestamptz. Nil means UTC.
	Loc *time.Location
	// Now is the transaction start time that now(), current_timestamp,
	// 'now', 'today' and friends return. Zero means time.Now() at each use,
	// which is only right for tests and one-statement transactions.
	Now time.Time
}

func (c *Context) loc() *time.Location {
	if c == nil || c.Loc == nil {
		return time.UTC
	}
	return c.Loc
}

// nowMicros returns Now as µs since 2000-01-01 UTC.
func (c *Context) nowMicros() int64 {
	var t time.Time
	if c != nil {
		t = c.Now
	}
	if t.IsZero() {
		t = time.Now()
	}
	return timeToMicros(t)
}

func timeToMicros(t time.Time) int64 {
	return (t.Unix()-pgEpochUnix)*microsPerSecond + int64(t.Nanosecond()/1000)
}

func microsToTime(us int64) time.Time {
	secs, frac := splitSecs(us)
	return time.Unix(secs+pgEpochUnix, frac*1000).UTC()
}
