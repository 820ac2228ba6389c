package sem

import (
	"testing"
	"time"

	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/storage"
)

// castCases were produced on PostgreSQL 15.18 by SELECT 'in'::from::to
// with the given TimeZone.
var castCases = []struct {
	from      storage.Type
	in        string
	to        storage.Type
	tz        string
	out       string
	code, msg string
}{
	{storage.TypeFloat64, "2.5", storage.TypeInt32, "UTC", "2", "", ""},
	{storage.TypeFloat64, "3.5", storage.TypeInt32, "UTC", "4", "", ""},
	{storage.TypeFloat64, "-2.5", storage.TypeInt32, "UTC", "-2", "", ""},
	{storage.TypeFloat64, "2147483647.5", storage.TypeInt32, "UTC", "", "22003", "integer out of range"},
	{storage.TypeFloat64, "2147483646.5", storage.TypeInt32, "UTC", "2147483646", "", ""},
	{storage.TypeFloat64, "infinity", storage.TypeInt32, "UTC", "", "22003", "integer out of range"},
	{storage.TypeFloat64, "nan", storage.TypeInt64, "UTC", "", "22003", "bigint out of range"},
	{storage.TypeFloat64, "1e20", storage.TypeInt64, "UTC", "", "22003", "bigint out of range"},
	{storage.TypeFloat64, "-32768.4", storage.TypeInt16, "UTC", "-32768", "", ""},
	{storage.TypeFloat64, "-32768.6", storage.TypeInt16, "UTC", "", "22003", "smallint out of range"},
	{storage.TypeNumeric, "2.5", storage.TypeInt32, "UTC", "3", "", ""},
	{storage.TypeNumeric, "-2.5", storage.TypeInt32, "UTC", "-3", "", ""},
	{storage.TypeNumeric, "0.5", storage.TypeInt16, "UTC", "1", "", ""},
	{storage.TypeNumeric, "nan", storage.TypeInt32, "UTC", "", "0A000", "cannot convert NaN to integer"},
	{storage.TypeNumeric, "inf", storage.TypeInt32, "UTC", "", "0A000", "cannot convert infinity to integer"},
	{storage.TypeNumeric, "-inf", storage.TypeInt64, "UTC", "", "0A000", "cannot convert infinity to bigint"},
	{storage.TypeNumeric, "2147483647.5", storage.TypeInt32, "UTC", "", "22003", "integer out of range"},
	{storage.TypeNumeric, "9223372036854775807.4", storage.TypeInt64, "UTC", "9223372036854775807", "", ""},
	{storage.TypeNumeric, "1e30", storage.TypeInt64, "UTC", "", "22003", "bigint out of range"},
	{storage.TypeFloat64, "0.333333333333333314829616256247", storage.TypeNumeric, "UTC", "0.333333333333333", "", ""},
	{storage.TypeFloat32, "0.1", storage.TypeNumeric, "UTC", "0.1", "", ""},
	{storage.TypeFloat64, "0.1", storage.TypeNumeric, "UTC", "0.1", "", ""},
	{storage.TypeFloat64, "1e20", storage.TypeNumeric, "UTC", "100000000000000000000", "", ""},
	{storage.TypeFloat64, "1.5e-10", storage.TypeNumeric, "UTC", "0.00000000015", "", ""},
	{storage.TypeFloat64, "nan", storage.TypeNumeric, "UTC", "NaN", "", ""},
	{storage.TypeFloat64, "-inf", storage.TypeNumeric, "UTC", "-Infinity", "", ""},
	{storage.TypeFloat64, "123456789.123456789", storage.TypeNumeric, "UTC", "123456789.123457", "", ""},
	{storage.TypeFloat32, "123456.7", storage.TypeNumeric, "UTC", "123457", "", ""},
	{storage.TypeNumeric, "nan", storage.TypeFloat64, "UTC", "NaN", "", ""},
	{storage.TypeNumeric, "1.5", storage.TypeFloat32, "UTC", "1.5", "", ""},
	{storage.TypeNumeric, "12345678901234567890", storage.TypeFloat64, "UTC", "1.2345678901234567e+19", "", ""},
	{storage.TypeNumeric, "1e400", storage.TypeFloat64, "UTC", "", "22003", "\"10000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000\" is out of range for type double precision"},
	{storage.TypeNumeric, "1e40", storage.TypeFloat32, "UTC", "", "22003", "\"10000000000000000000000000000000000000000\" is out of range for type real"},
	{storage.TypeNumeric, "0.1", storage.TypeFloat64, "UTC", "0.1", "", ""},
	{storage.TypeFloat64, "1e40", storage.TypeFloat32, "UTC", "", "22003", "value out of range: overflow"},
	{storage.TypeFloat64, "1e-50", storage.TypeFloat32, "UTC", "", "22003", "value out of range: underflow"},
	{storage.TypeFloat64, "3.14159265358979", storage.TypeFloat32, "UTC", "3.1415927", "", ""},
	{storage.TypeFloat64, "-inf", storage.TypeFloat32, "UTC", "-Infinity", "", ""},
	{storage.TypeInt32, "5", storage.TypeBool, "UTC", "t", "", ""},
	{storage.TypeInt32, "0", storage.TypeBool, "UTC", "f", "", ""},
	{storage.TypeBool, "true", storage.TypeInt32, "UTC", "1", "", ""},
	{storage.TypeBool, "f", storage.TypeInt32, "UTC", "0", "", ""},
	{storage.TypeInt64, "5", storage.TypeBool, "UTC", "", "42846", "cannot cast type bigint to boolean"},
	{storage.TypeInt32, "70000", storage.TypeInt16, "UTC", "", "22003", "smallint out of range"},
	{storage.TypeInt64, "3000000000", storage.TypeInt32, "UTC", "", "22003", "integer out of range"},
	{storage.TypeInt64, "-9223372036854775808", storage.TypeFloat64, "UTC", "-9.223372036854776e+18", "", ""},
	{storage.TypeInt64, "9007199254740993", storage.TypeFloat64, "UTC", "9.007199254740992e+15", "", ""},
	{storage.TypeInt32, "16777217", storage.TypeFloat32, "UTC", "1.6777216e+07", "", ""},
	{storage.TypeInt32, "42", storage.TypeNumeric, "UTC", "42", "", ""},
	{storage.TypeInt32, "42", storage.TypeText, "UTC", "42", "", ""},
	{storage.TypeFloat64, "0.1", storage.TypeText, "UTC", "0.1", "", ""},
	{storage.TypeBool, "t", storage.TypeText, "UTC", "true", "", ""},
	{storage.TypeDate, "2024-01-31", storage.TypeTimestampTZ, "UTC", "2024-01-31 00:00:00+00", "", ""},
	{storage.TypeDate, "2024-01-31", storage.TypeTimestampTZ, "Asia/Tokyo", "2024-01-31 00:00:00+09", "", ""},
	{storage.TypeDate, "2024-01-31", storage.TypeTimestamp, "UTC", "2024-01-31 00:00:00", "", ""},
	{storage.TypeDate, "infinity", storage.TypeTimestamp, "UTC", "infinity", "", ""},
	{storage.TypeDate, "-infinity", storage.TypeTimestampTZ, "UTC", "-infinity", "", ""},
	{storage.TypeTimestamp, "2024-01-31 13:45", storage.TypeTimestampTZ, "UTC", "2024-01-31 13:45:00+00", "", ""},
	{storage.TypeTimestamp, "2024-01-31 13:45", storage.TypeTimestampTZ, "Asia/Tokyo", "2024-01-31 13:45:00+09", "", ""},
	{storage.TypeTimestamp, "2024-03-10 02:30", storage.TypeTimestampTZ, "America/New_York", "2024-03-10 03:30:00-04", "", ""},
	{storage.TypeTimestamp, "2024-11-03 01:30", storage.TypeTimestampTZ, "America/New_York", "2024-11-03 01:30:00-05", "", ""},
	{storage.TypeTimestampTZ, "2024-01-31 23:45+00", storage.TypeDate, "UTC", "2024-01-31", "", ""},
	{storage.TypeTimestampTZ, "2024-01-31 23:45+00", storage.TypeDate, "Asia/Tokyo", "2024-02-01", "", ""},
	{storage.TypeTimestampTZ, "2024-01-31 13:45+00", storage.TypeTimestamp, "Asia/Tokyo", "2024-01-31 22:45:00", "", ""},
	{storage.TypeTimestampTZ, "2024-01-31 13:45+00", storage.TypeText, "Asia/Tokyo", "2024-01-31 22:45:00+09", "", ""},
	{storage.TypeTimestampTZ, "2024-01-31 13:45+00", storage.TypeText, "Asia/Kolkata", "2024-01-31 19:15:00+05:30", "", ""},
	{storage.TypeTimestampTZ, "1850-01-01 12:00+00", storage.TypeText, "America/New_York", "1850-01-01 07:03:58-04:56:02", "", ""},
	{storage.TypeTimestampTZ, "2024-07-01 12:00+00", storage.TypeText, "America/New_York", "2024-07-01 08:00:00-04", "", ""},
	{storage.TypeTimestamp, "2024-01-31 13:45:00.5", storage.TypeDate, "UTC", "2024-01-31", "", ""},
	{storage.TypeTimestamp, "1999-12-31 23:59:59.999999", storage.TypeDate, "UTC", "1999-12-31", "", ""},
	{storage.TypeTimestamp, "-infinity", storage.TypeDate, "UTC", "-infinity", "", ""},
	{storage.TypeTimestampTZ, "infinity", storage.TypeTimestamp, "UTC", "infinity", "", ""},
	{storage.TypeInterval, "1 day", storage.TypeInt32, "UTC", "", "42846", "cannot cast type interval to integer"},
	{storage.TypeUUID, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", storage.TypeBytea, "UTC", "", "42846", "cannot cast type uuid to bytea"},
	{storage.TypeText, "\\x41", storage.TypeBytea, "UTC", "\\x41", "", ""},
	{storage.TypeBytea, "\\x41", storage.TypeText, "UTC", "\\x41", "", ""},
	{storage.TypeDate, "2024-01-31", storage.TypeInt32, "UTC", "", "42846", "cannot cast type date to integer"},
}

func mustLoc(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestCast(t *testing.T) {
	for _, c := range castCases {
		ctx := &Context{Loc: mustLoc(t, c.tz)}
		v, err := ParseText(ctx, c.in, c.from)
		if err != nil {
			t.Errorf("parse %s %q: %v", c.from, c.in, err)
			continue
		}
		got, err := Cast(ctx, v, c.to)
		if c.code != "" {
			e := pgerr.As(err)
			if e == nil || string(e.Code) != c.code || e.Message != c.msg {
				t.Errorf("%q::%s::%s: got (%v, %v), want error %s %q", c.in, c.from, c.to, got, err, c.code, c.msg)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q::%s::%s: unexpected error %v", c.in, c.from, c.to, err)
			continue
		}
		if s := Format(got, ctx.Loc); s != c.out || got.Type() != c.to {
			t.Errorf("%q::%s::%s (%s): got %s %q, want %q", c.in, c.from, c.to, c.tz, got.Type(), s, c.out)
		}
	}
}

func TestCanCast(t *testing.T) {
	cases := []struct {
		from, to storage.Type
		cc       CastContext
		want     bool
	}{
		{storage.TypeInt32, storage.TypeInt64, CastImplicit, true},
		{storage.TypeInt64, storage.TypeInt32, CastImplicit, false},
		{storage.TypeInt64, storage.TypeInt32, CastAssignment, true},
		{storage.TypeInt32, storage.TypeText, CastImplicit, false},
		{storage.TypeInt32, storage.TypeText, CastAssignment, true},
		{storage.TypeText, storage.TypeInt32, CastAssignment, false},
		{storage.TypeText, storage.TypeInt32, CastExplicit, true},
		{storage.TypeNumeric, storage.TypeFloat64, CastImplicit, true},
		{storage.TypeFloat64, storage.TypeNumeric, CastImplicit, false},
		{storage.TypeBool, storage.TypeInt32, CastExplicit, true},
		{storage.TypeBool, storage.TypeInt64, CastExplicit, false},
		{storage.TypeDate, storage.TypeTimestampTZ, CastImplicit, true},
		{storage.TypeTimestampTZ, storage.TypeTimestamp, CastImplicit, false},
		{storage.TypeNull, storage.TypeUUID, CastImplicit, true},
	}
	for _, c := range cases {
		if got := CanCast(c.from, c.to, c.cc); got != c.want {
			t.Errorf("CanCast(%s, %s, %d) = %v", c.from, c.to, c.cc, got)
		}
	}
}
