package sem

import (
	"testing"

	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/storage"
)

type arg struct {
	typ storage.Type
	val string // "NULL" for a typed NULL
}

// funcCases were produced on PostgreSQL 15.18 by SELECT name('v'::t, ...)
// with the given TimeZone; out "<NULL>" is a NULL result.
var funcCases = []struct {
	name      string
	args      []arg
	tz        string
	out       string
	typ       storage.Type
	code, msg string
}{
	{"length", []arg{{storage.TypeText, "h\u00e9llo"}}, "UTC", "5", storage.TypeInt32, "", ""},
	{"char_length", []arg{{storage.TypeText, "abc"}}, "UTC", "3", storage.TypeInt32, "", ""},
	{"octet_length", []arg{{storage.TypeText, "h\u00e9llo"}}, "UTC", "6", storage.TypeInt32, "", ""},
	{"length", []arg{{storage.TypeBytea, "\\x0102"}}, "UTC", "2", storage.TypeInt32, "", ""},
	{"lower", []arg{{storage.TypeText, "ABC"}}, "UTC", "abc", storage.TypeText, "", ""},
	{"upper", []arg{{storage.TypeText, "abc"}}, "UTC", "ABC", storage.TypeText, "", ""},
	{"substr", []arg{{storage.TypeText, "hello"}, {storage.TypeInt32, "0"}, {storage.TypeInt32, "3"}}, "UTC", "he", storage.TypeText, "", ""},
	{"substr", []arg{{storage.TypeText, "hello"}, {storage.TypeInt32, "-1"}, {storage.TypeInt32, "3"}}, "UTC", "h", storage.TypeText, "", ""},
	{"substr", []arg{{storage.TypeText, "hello"}, {storage.TypeInt32, "2"}}, "UTC", "ello", storage.TypeText, "", ""},
	{"substr", []arg{{storage.TypeText, "hello"}, {storage.TypeInt32, "10"}}, "UTC", "", storage.TypeText, "", ""},
	{"substr", []arg{{storage.TypeText, "hello"}, {storage.TypeInt32, "1"}, {storage.TypeInt32, "-1"}}, "UTC", "", 0, "22011", "negative substring length not allowed"},
	{"substring", []arg{{storage.TypeText, "hello"}, {storage.TypeInt32, "2"}, {storage.TypeInt32, "2"}}, "UTC", "el", storage.TypeText, "", ""},
	{"strpos", []arg{{storage.TypeText, "h\u00e9llo"}, {storage.TypeText, "ll"}}, "UTC", "3", storage.TypeInt32, "", ""},
	{"strpos", []arg{{storage.TypeText, "hello"}, {storage.TypeText, "z"}}, "UTC", "0", storage.TypeInt32, "", ""},
	{"replace", []arg{{storage.TypeText, "aaa"}, {storage.TypeText, "a"}, {storage.TypeText, "bb"}}, "UTC", "bbbbbb", storage.TypeText, "", ""},
	{"btrim", []arg{{storage.TypeText, "xxhixx"}, {storage.TypeText, "x"}}, "UTC", "hi", storage.TypeText, "", ""},
	{"btrim", []arg{{storage.TypeText, "  hi  "}}, "UTC", "hi", storage.TypeText, "", ""},
	{"ltrim", []arg{{storage.TypeText, "  hi  "}}, "UTC", "hi  ", storage.TypeText, "", ""},
	{"rtrim", []arg{{storage.TypeText, "xxhixx"}, {storage.TypeText, "x"}}, "UTC", "xxhi", storage.TypeText, "", ""},
	{"lpad", []arg{{storage.TypeText, "hi"}, {storage.TypeInt32, "5"}, {storage.TypeText, "xy"}}, "UTC", "xyxhi", storage.TypeText, "", ""},
	{"lpad", []arg{{storage.TypeText, "hello"}, {storage.TypeInt32, "3"}}, "UTC", "hel", storage.TypeText, "", ""},
	{"rpad", []arg{{storage.TypeText, "hi"}, {storage.TypeInt32, "5"}}, "UTC", "hi   ", storage.TypeText, "", ""},
	{"rpad", []arg{{storage.TypeText, "hi"}, {storage.TypeInt32, "5"}, {storage.TypeText, ""}}, "UTC", "hi", storage.TypeText, "", ""},
	{"left", []arg{{storage.TypeText, "hello"}, {storage.TypeInt32, "-2"}}, "UTC", "hel", storage.TypeText, "", ""},
	{"right", []arg{{storage.TypeText, "hello"}, {storage.TypeInt32, "-2"}}, "UTC", "llo", storage.TypeText, "", ""},
	{"left", []arg{{storage.TypeText, "hello"}, {storage.TypeInt32, "2"}}, "UTC", "he", storage.TypeText, "", ""},
	{"right", []arg{{storage.TypeText, "hello"}, {storage.TypeInt32, "10"}}, "UTC", "hello", storage.TypeText, "", ""},
	{"repeat", []arg{{storage.TypeText, "ab"}, {storage.TypeInt32, "3"}}, "UTC", "ababab", storage.TypeText, "", ""},
	{"repeat", []arg{{storage.TypeText, "ab"}, {storage.TypeInt32, "-1"}}, "UTC", "", storage.TypeText, "", ""},
	{"reverse", []arg{{storage.TypeText, "h\u00e9llo"}}, "UTC", "oll\u00e9h", storage.TypeText, "", ""},
	{"concat", []arg{{storage.TypeText, "a"}, {storage.TypeText, "NULL"}, {storage.TypeInt32, "1"}, {storage.TypeBool, "true"}}, "UTC", "a1t", storage.TypeText, "", ""},
	{"concat", []arg{{storage.TypeText, "NULL"}}, "UTC", "", storage.TypeText, "", ""},
	{"concat_ws", []arg{{storage.TypeText, ","}, {storage.TypeText, "a"}, {storage.TypeText, "NULL"}, {storage.TypeText, "b"}}, "UTC", "a,b", storage.TypeText, "", ""},
	{"concat_ws", []arg{{storage.TypeText, "NULL"}, {storage.TypeText, "a"}}, "UTC", "<NULL>", storage.TypeText, "", ""},
	{"split_part", []arg{{storage.TypeText, "a,b,c"}, {storage.TypeText, ","}, {storage.TypeInt32, "-1"}}, "UTC", "c", storage.TypeText, "", ""},
	{"split_part", []arg{{storage.TypeText, "a,b,c"}, {storage.TypeText, ","}, {storage.TypeInt32, "5"}}, "UTC", "", storage.TypeText, "", ""},
	{"split_part", []arg{{storage.TypeText, "a,b,c"}, {storage.TypeText, ","}, {storage.TypeInt32, "0"}}, "UTC", "", 0, "22023", "field position must not be zero"},
	{"split_part", []arg{{storage.TypeText, "abc"}, {storage.TypeText, ""}, {storage.TypeInt32, "1"}}, "UTC", "abc", storage.TypeText, "", ""},
	{"initcap", []arg{{storage.TypeText, "hELLO wORLD-foo bar_baz"}}, "UTC", "Hello World-Foo Bar_Baz", storage.TypeText, "", ""},
	{"md5", []arg{{storage.TypeText, "abc"}}, "UTC", "900150983cd24fb0d6963f7d28e17f72", storage.TypeText, "", ""},
	{"starts_with", []arg{{storage.TypeText, "hello"}, {storage.TypeText, "he"}}, "UTC", "true", storage.TypeBool, "", ""},
	{"length", []arg{{storage.TypeText, "NULL"}}, "UTC", "<NULL>", storage.TypeInt32, "", ""},
	{"ascii", []arg{{storage.TypeText, "A"}}, "UTC", "65", storage.TypeInt32, "", ""},
	{"chr", []arg{{storage.TypeInt32, "65"}}, "UTC", "A", storage.TypeText, "", ""},
	{"abs", []arg{{storage.TypeInt32, "-5"}}, "UTC", "5", storage.TypeInt32, "", ""},
	{"abs", []arg{{storage.TypeInt16, "-32768"}}, "UTC", "", 0, "22003", "smallint out of range"},
	{"abs", []arg{{storage.TypeFloat64, "-1.5"}}, "UTC", "1.5", storage.TypeFloat64, "", ""},
	{"abs", []arg{{storage.TypeNumeric, "-1.50"}}, "UTC", "1.50", storage.TypeNumeric, "", ""},
	{"abs", []arg{{storage.TypeInt64, "-9223372036854775808"}}, "UTC", "", 0, "22003", "bigint out of range"},
	{"ceil", []arg{{storage.TypeNumeric, "-2.5"}}, "UTC", "-2", storage.TypeNumeric, "", ""},
	{"ceil", []arg{{storage.TypeNumeric, "0.0920"}}, "UTC", "1", storage.TypeNumeric, "", ""},
	{"ceil", []arg{{storage.TypeNumeric, "-0.5"}}, "UTC", "0", storage.TypeNumeric, "", ""},
	{"floor", []arg{{storage.TypeNumeric, "-0.0920"}}, "UTC", "-1", storage.TypeNumeric, "", ""},
	{"floor", []arg{{storage.TypeNumeric, "12.000"}}, "UTC", "12", storage.TypeNumeric, "", ""},
	{"ceil", []arg{{storage.TypeFloat64, "-2.5"}}, "UTC", "-2", storage.TypeFloat64, "", ""},
	{"ceiling", []arg{{storage.TypeInt32, "3"}}, "UTC", "3", storage.TypeFloat64, "", ""},
	{"floor", []arg{{storage.TypeNumeric, "-2.5"}}, "UTC", "-3", storage.TypeNumeric, "", ""},
	{"floor", []arg{{storage.TypeFloat64, "2.5"}}, "UTC", "2", storage.TypeFloat64, "", ""},
	{"round", []arg{{storage.TypeNumeric, "2.5"}}, "UTC", "3", storage.TypeNumeric, "", ""},
	{"round", []arg{{storage.TypeNumeric, "-2.5"}}, "UTC", "-3", storage.TypeNumeric, "", ""},
	{"round", []arg{{storage.TypeFloat64, "2.5"}}, "UTC", "2", storage.TypeFloat64, "", ""},
	{"round", []arg{{storage.TypeFloat64, "-0.5"}}, "UTC", "-0", storage.TypeFloat64, "", ""},
	{"round", []arg{{storage.TypeInt32, "2"}}, "UTC", "2", storage.TypeFloat64, "", ""},
	{"round", []arg{{storage.TypeNumeric, "3.14159"}, {storage.TypeInt32, "2"}}, "UTC", "3.14", storage.TypeNumeric, "", ""},
	{"round", []arg{{storage.TypeNumeric, "1234.5678"}, {storage.TypeInt32, "-2"}}, "UTC", "1200", storage.TypeNumeric, "", ""},
	{"round", []arg{{storage.TypeNumeric, "1.5"}, {storage.TypeInt32, "5"}}, "UTC", "1.50000", storage.TypeNumeric, "", ""},
	{"round", []arg{{storage.TypeNumeric, "NaN"}, {storage.TypeInt32, "2"}}, "UTC", "NaN", storage.TypeNumeric, "", ""},
	{"trunc", []arg{{storage.TypeNumeric, "-2.7"}}, "UTC", "-2", storage.TypeNumeric, "", ""},
	{"trunc", []arg{{storage.TypeNumeric, "3.14159"}, {storage.TypeInt32, "3"}}, "UTC", "3.141", storage.TypeNumeric, "", ""},
	{"trunc", []arg{{storage.TypeFloat64, "-2.7"}}, "UTC", "-2", storage.TypeFloat64, "", ""},
	{"mod", []arg{{storage.TypeInt32, "-7"}, {storage.TypeInt32, "3"}}, "UTC", "-1", storage.TypeInt32, "", ""},
	{"mod", []arg{{storage.TypeNumeric, "5.5"}, {storage.TypeNumeric, "2"}}, "UTC", "1.5", storage.TypeNumeric, "", ""},
	{"mod", []arg{{storage.TypeInt32, "5"}, {storage.TypeInt32, "0"}}, "UTC", "", 0, "22012", "division by zero"},
	{"mod", []arg{{storage.TypeInt16, "5"}, {storage.TypeInt64, "3"}}, "UTC", "2", storage.TypeInt64, "", ""},
	{"power", []arg{{storage.TypeFloat64, "2"}, {storage.TypeFloat64, "10"}}, "UTC", "1024", storage.TypeFloat64, "", ""},
	{"power", []arg{{storage.TypeNumeric, "2"}, {storage.TypeNumeric, "0.5"}}, "UTC", "1.4142135623730950", storage.TypeNumeric, "", ""},
	{"power", []arg{{storage.TypeInt32, "2"}, {storage.TypeInt32, "3"}}, "UTC", "8", storage.TypeFloat64, "", ""},
	{"sqrt", []arg{{storage.TypeFloat64, "2"}}, "UTC", "1.4142135623730951", storage.TypeFloat64, "", ""},
	{"sqrt", []arg{{storage.TypeNumeric, "2"}}, "UTC", "1.414213562373095", storage.TypeNumeric, "", ""},
	{"sqrt", []arg{{storage.TypeFloat64, "-1"}}, "UTC", "", 0, "2201F", "cannot take square root of a negative number"},
	{"sqrt", []arg{{storage.TypeNumeric, "-1"}}, "UTC", "", 0, "2201F", "cannot take square root of a negative number"},
	{"sqrt", []arg{{storage.TypeInt32, "16"}}, "UTC", "4", storage.TypeFloat64, "", ""},
	{"sqrt", []arg{{storage.TypeNumeric, "0.0001"}}, "UTC", "0.01000000000000000", storage.TypeNumeric, "", ""},
	{"sqrt", []arg{{storage.TypeNumeric, "1e20"}}, "UTC", "10000000000.00000", storage.TypeNumeric, "", ""},
	{"exp", []arg{{storage.TypeNumeric, "1"}}, "UTC", "2.7182818284590452", storage.TypeNumeric, "", ""},
	{"exp", []arg{{storage.TypeFloat64, "1"}}, "UTC", "2.718281828459045", storage.TypeFloat64, "", ""},
	{"exp", []arg{{storage.TypeFloat64, "1000"}}, "UTC", "", 0, "22003", "value out of range: overflow"},
	{"ln", []arg{{storage.TypeNumeric, "10"}}, "UTC", "2.3025850929940457", storage.TypeNumeric, "", ""},
	{"ln", []arg{{storage.TypeFloat64, "0"}}, "UTC", "", 0, "2201E", "cannot take logarithm of zero"},
	{"ln", []arg{{storage.TypeNumeric, "-1"}}, "UTC", "", 0, "2201E", "cannot take logarithm of a negative number"},
	{"ln", []arg{{storage.TypeNumeric, "0"}}, "UTC", "", 0, "2201E", "cannot take logarithm of zero"},
	{"log", []arg{{storage.TypeNumeric, "100"}}, "UTC", "2.0000000000000000", storage.TypeNumeric, "", ""},
	{"log", []arg{{storage.TypeNumeric, "2"}, {storage.TypeNumeric, "8"}}, "UTC", "3.0000000000000000", storage.TypeNumeric, "", ""},
	{"log", []arg{{storage.TypeFloat64, "1000"}}, "UTC", "3", storage.TypeFloat64, "", ""},
	{"log10", []arg{{storage.TypeFloat64, "0.001"}}, "UTC", "-3", storage.TypeFloat64, "", ""},
	{"log", []arg{{storage.TypeNumeric, "0.001"}}, "UTC", "-3.0000000000000000", storage.TypeNumeric, "", ""},
	{"sign", []arg{{storage.TypeNumeric, "-2.5"}}, "UTC", "-1", storage.TypeNumeric, "", ""},
	{"sign", []arg{{storage.TypeFloat64, "0"}}, "UTC", "0", storage.TypeFloat64, "", ""},
	{"greatest", []arg{{storage.TypeInt32, "1"}, {storage.TypeNumeric, "2.5"}, {storage.TypeInt32, "NULL"}}, "UTC", "2.5", storage.TypeNumeric, "", ""},
	{"least", []arg{{storage.TypeText, "b"}, {storage.TypeText, "a"}}, "UTC", "a", storage.TypeText, "", ""},
	{"greatest", []arg{{storage.TypeInt32, "NULL"}, {storage.TypeInt32, "NULL"}}, "UTC", "<NULL>", storage.TypeInt32, "", ""},
	{"pi", []arg{}, "UTC", "3.141592653589793", storage.TypeFloat64, "", ""},
	{"date_trunc", []arg{{storage.TypeText, "day"}, {storage.TypeTimestampTZ, "2024-01-31 20:45+00"}}, "Asia/Kolkata", "2024-02-01 00:00:00+05:30", storage.TypeTimestampTZ, "", ""},
	{"date_trunc", []arg{{storage.TypeText, "month"}, {storage.TypeTimestamp, "2024-01-31 13:45:12.5"}}, "UTC", "2024-01-01 00:00:00", storage.TypeTimestamp, "", ""},
	{"date_trunc", []arg{{storage.TypeText, "week"}, {storage.TypeTimestamp, "2024-01-31 13:45"}}, "UTC", "2024-01-29 00:00:00", storage.TypeTimestamp, "", ""},
	{"date_trunc", []arg{{storage.TypeText, "week"}, {storage.TypeTimestamp, "2024-01-28 13:45"}}, "UTC", "2024-01-22 00:00:00", storage.TypeTimestamp, "", ""},
	{"date_trunc", []arg{{storage.TypeText, "quarter"}, {storage.TypeTimestamp, "2024-05-31"}}, "UTC", "2024-04-01 00:00:00", storage.TypeTimestamp, "", ""},
	{"date_trunc", []arg{{storage.TypeText, "hour"}, {storage.TypeInterval, "1 day 03:45:12"}}, "UTC", "1 day 03:00:00", storage.TypeInterval, "", ""},
	{"date_trunc", []arg{{storage.TypeText, "year"}, {storage.TypeInterval, "1 year 3 mons"}}, "UTC", "1 year", storage.TypeInterval, "", ""},
	{"date_trunc", []arg{{storage.TypeText, "millisecond"}, {storage.TypeTimestamp, "2024-01-31 13:45:12.123456"}}, "UTC", "2024-01-31 13:45:12.123", storage.TypeTimestamp, "", ""},
	{"date_trunc", []arg{{storage.TypeText, "decade"}, {storage.TypeTimestamp, "2024-05-31"}}, "UTC", "2020-01-01 00:00:00", storage.TypeTimestamp, "", ""},
	{"date_trunc", []arg{{storage.TypeText, "century"}, {storage.TypeTimestamp, "2024-05-31"}}, "UTC", "2001-01-01 00:00:00", storage.TypeTimestamp, "", ""},
	{"date_trunc", []arg{{storage.TypeText, "millennium"}, {storage.TypeTimestamp, "2024-05-31"}}, "UTC", "2001-01-01 00:00:00", storage.TypeTimestamp, "", ""},
	{"date_trunc", []arg{{storage.TypeText, "foo"}, {storage.TypeTimestamp, "2024-05-31"}}, "UTC", "", 0, "22023", "unit \"foo\" not recognized for type timestamp without time zone"},
	{"date_trunc", []arg{{storage.TypeText, "day"}, {storage.TypeTimestampTZ, "2024-03-10 12:00+00"}}, "America/New_York", "2024-03-10 00:00:00-05", storage.TypeTimestampTZ, "", ""},
	{"date_trunc", []arg{{storage.TypeText, "year"}, {storage.TypeTimestamp, "infinity"}}, "UTC", "infinity", storage.TypeTimestamp, "", ""},
	{"date_trunc", []arg{{storage.TypeText, "century"}, {storage.TypeTimestamp, "0050-01-01 BC"}}, "UTC", "0100-01-01 00:00:00 BC", storage.TypeTimestamp, "", ""},
	{"date_trunc", []arg{{storage.TypeText, "decade"}, {storage.TypeTimestamp, "0005-01-01 BC"}}, "UTC", "0011-01-01 00:00:00 BC", storage.TypeTimestamp, "", ""},
	{"extract", []arg{{storage.TypeText, "second"}, {storage.TypeTimestamp, "2024-01-31 13:45:00.5"}}, "UTC", "0.500000", storage.TypeNumeric, "", ""},
	{"extract", []arg{{storage.TypeText, "epoch"}, {storage.TypeTimestamp, "2024-01-31 13:45:00.5"}}, "UTC", "1706708700.500000", storage.TypeNumeric, "", ""},
	{"extract", []arg{{storage.TypeText, "milliseconds"}, {storage.TypeTimestamp, "2024-01-31 13:45:00.5"}}, "UTC", "500.000", storage.TypeNumeric, "", ""},
	{"extract", []arg{{storage.TypeText, "microseconds"}, {storage.TypeTimestamp, "2024-01-31 13:45:00.5"}}, "UTC", "500000", storage.TypeNumeric, "", ""},
	{"extract", []arg{{storage.TypeText, "year"}, {storage.TypeDate, "2024-01-31"}}, "UTC", "2024", storage.TypeNumeric, "", ""},
	{"extract", []arg{{storage.TypeText, "epoch"}, {storage.TypeDate, "2024-01-31"}}, "UTC", "1706659200", storage.TypeNumeric, "", ""},
	{"extract", []arg{{storage.TypeText, "julian"}, {storage.TypeTimestamp, "2024-01-31 13:45:00.5"}}, "UTC", "2460341.57292245370370370370", storage.TypeNumeric, "", ""},
	{"extract", []arg{{storage.TypeText, "day"}, {storage.TypeInterval, "1 year 40 days 3 hours"}}, "UTC", "40", storage.TypeNumeric, "", ""},
	{"extract", []arg{{storage.TypeText, "epoch"}, {storage.TypeInterval, "1 year 40 days 3 hours"}}, "UTC", "35024400.000000", storage.TypeNumeric, "", ""},
	{"extract", []arg{{storage.TypeText, "epoch"}, {storage.TypeInterval, "-1 mons 1.5 seconds"}}, "UTC", "-2591998.500000", storage.TypeNumeric, "", ""},
	{"extract", []arg{{storage.TypeText, "month"}, {storage.TypeInterval, "14 mons"}}, "UTC", "2", storage.TypeNumeric, "", ""},
	{"extract", []arg{{storage.TypeText, "year"}, {storage.TypeTimestamp, "0001-06-01 BC"}}, "UTC", "-1", storage.TypeNumeric, "", ""},
	{"extract", []arg{{storage.TypeText, "century"}, {storage.TypeTimestamp, "0001-06-01 BC"}}, "UTC", "-1", storage.TypeNumeric, "", ""},
	{"extract", []arg{{storage.TypeText, "decade"}, {storage.TypeTimestamp, "0001-06-01 BC"}}, "UTC", "0", storage.TypeNumeric, "", ""},
	{"extract", []arg{{storage.TypeText, "millennium"}, {storage.TypeTimestamp, "2000-06-01"}}, "UTC", "2", storage.TypeNumeric, "", ""},
	{"extract", []arg{{storage.TypeText, "epoch"}, {storage.TypeTimestampTZ, "2024-01-31 13:45:00.5+00"}}, "Asia/Tokyo", "1706708700.500000", storage.TypeNumeric, "", ""},
	{"extract", []arg{{storage.TypeText, "hour"}, {storage.TypeTimestampTZ, "2024-01-31 20:45+00"}}, "Asia/Kolkata", "2", storage.TypeNumeric, "", ""},
	{"extract", []arg{{storage.TypeText, "timezone"}, {storage.TypeTimestampTZ, "2024-01-31 13:45+00"}}, "Asia/Kolkata", "19800", storage.TypeNumeric, "", ""},
	{"extract", []arg{{storage.TypeText, "timezone_minute"}, {storage.TypeTimestampTZ, "2024-01-31 13:45+00"}}, "Asia/Kolkata", "30", storage.TypeNumeric, "", ""},
	{"extract", []arg{{storage.TypeText, "dow"}, {storage.TypeDate, "2024-01-28"}}, "UTC", "0", storage.TypeNumeric, "", ""},
	{"extract", []arg{{storage.TypeText, "isodow"}, {storage.TypeDate, "2024-01-28"}}, "UTC", "7", storage.TypeNumeric, "", ""},
	{"extract", []arg{{storage.TypeText, "doy"}, {storage.TypeDate, "2024-12-31"}}, "UTC", "366", storage.TypeNumeric, "", ""},
	{"extract", []arg{{storage.TypeText, "week"}, {storage.TypeDate, "2024-12-30"}}, "UTC", "1", storage.TypeNumeric, "", ""},
	{"extract", []arg{{storage.TypeText, "isoyear"}, {storage.TypeDate, "2024-12-30"}}, "UTC", "2025", storage.TypeNumeric, "", ""},
	{"extract", []arg{{storage.TypeText, "week"}, {storage.TypeDate, "2021-01-01"}}, "UTC", "53", storage.TypeNumeric, "", ""},
	{"extract", []arg{{storage.TypeText, "quarter"}, {storage.TypeDate, "2024-05-31"}}, "UTC", "2", storage.TypeNumeric, "", ""},
	{"extract", []arg{{storage.TypeText, "hour"}, {storage.TypeDate, "2024-01-31"}}, "UTC", "", 0, "0A000", "unit \"hour\" not supported for type date"},
	{"extract", []arg{{storage.TypeText, "foo"}, {storage.TypeTimestamp, "2024-01-31"}}, "UTC", "", 0, "22023", "unit \"foo\" not recognized for type timestamp without time zone"},
	{"extract", []arg{{storage.TypeText, "year"}, {storage.TypeTimestamp, "infinity"}}, "UTC", "Infinity", storage.TypeNumeric, "", ""},
	{"extract", []arg{{storage.TypeText, "month"}, {storage.TypeTimestamp, "infinity"}}, "UTC", "<NULL>", storage.TypeNumeric, "", ""},
	{"extract", []arg{{storage.TypeText, "julian"}, {storage.TypeDate, "2024-01-31"}}, "UTC", "2460341", storage.TypeNumeric, "", ""},
	{"date_part", []arg{{storage.TypeText, "year"}, {storage.TypeTimestamp, "2024-01-31 13:45:00.5"}}, "UTC", "2024", storage.TypeFloat64, "", ""},
	{"date_part", []arg{{storage.TypeText, "julian"}, {storage.TypeTimestamp, "2024-01-31 13:45:00.5"}}, "UTC", "2460341.5729224537", storage.TypeFloat64, "", ""},
	{"date_part", []arg{{storage.TypeText, "epoch"}, {storage.TypeTimestamp, "2024-01-31 13:45:00.5"}}, "UTC", "1706708700.5", storage.TypeFloat64, "", ""},
	{"date_part", []arg{{storage.TypeText, "hour"}, {storage.TypeDate, "2024-01-31"}}, "UTC", "0", storage.TypeFloat64, "", ""},
	{"date_part", []arg{{storage.TypeText, "second"}, {storage.TypeInterval, "1 min 2.5 sec"}}, "UTC", "2.5", storage.TypeFloat64, "", ""},
	{"foo", []arg{{storage.TypeInt32, "1"}}, "UTC", "", 0, "42883", "function foo(integer) does not exist"},
	{"length", []arg{{storage.TypeInt32, "1"}}, "UTC", "", 0, "42883", "function length(integer) does not exist"},
	{"lower", []arg{{storage.TypeInt32, "1"}}, "UTC", "", 0, "42883", "function lower(integer) does not exist"},
}

func TestFunctions(t *testing.T) {
	for _, c := range funcCases {
		ctx := &Context{Loc: mustLoc(t, c.tz)}
		var vals []storage.Value
		var typs []storage.Type
		for _, a := range c.args {
			typs = append(typs, a.typ)
			if a.val == "NULL" {
				vals = append(vals, storage.Null())
				continue
			}
			v, err := ParseText(ctx, a.val, a.typ)
			if err != nil {
				t.Fatalf("%s: parse %q: %v", c.name, a.val, err)
			}
			vals = append(vals, v)
		}
		name := c.name + "(" + typeList(typs) + ")"
		f, err := Lookup(c.name, typs)
		var got storage.Value
		if err == nil {
			got, err = f.Call(ctx, vals)
		}
		if c.code != "" {
			e := pgerr.As(err)
			if e == nil || string(e.Code) != c.code || e.Message != c.msg {
				t.Errorf("%s: got (%v, %v), want error %s %q", name, got, err, c.code, c.msg)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: unexpected error %v", name, err)
			continue
		}
		s := Format(got, ctx.Loc)
		if got.IsNull() {
			s = "<NULL>"
		} else if got.Type() == storage.TypeBool {
			s = map[bool]string{true: "true", false: "false"}[got.AsBool()] // x::text
		}
		if s != c.out || f.Ret != c.typ {
			t.Errorf("%s %v (%s): got %s %q, want %s %q", name, c.args, c.tz, f.Ret, s, c.typ, c.out)
		}
		if !got.IsNull() && got.Type() != f.Ret {
			t.Errorf("%s: value of type %s, declared %s", name, got.Type(), f.Ret)
		}
	}
}

func TestVolatileFunctions(t *testing.T) {
	f, err := Lookup("gen_random_uuid", nil)
	if err != nil || !f.Volatile {
		t.Fatal(err)
	}
	a, _ := f.Call(nil, nil)
	b, _ := f.Call(nil, nil)
	u := a.AsUUID()
	if storage.Compare(a, b) == 0 || u[6]>>4 != 4 || u[8]>>6 != 2 {
		t.Errorf("gen_random_uuid: %v %v", a, b)
	}
	now, _ := ParseText(nil, "2024-01-31 13:45:00+00", storage.TypeTimestampTZ)
	ctx := &Context{Loc: mustLoc(t, "Asia/Tokyo")}
	ctx.Now = microsToTime(now.AsMicros())
	for name, want := range map[string]string{
		"now":            "2024-01-31 22:45:00+09",
		"current_date":   "2024-01-31",
		"localtimestamp": "2024-01-31 22:45:00",
	} {
		f, err := Lookup(name, nil)
		if err != nil {
			t.Fatal(err)
		}
		v, err := f.Call(ctx, nil)
		if err != nil || Format(v, ctx.Loc) != want {
			t.Errorf("%s() = %q, %v; want %q", name, Format(v, ctx.Loc), err, want)
		}
	}
	for in, want := range map[string]string{"now": "2024-01-31 22:45:00", "today": "2024-01-31 00:00:00", "tomorrow 13:00": "2024-02-01 13:00:00"} {
		v, err := ParseText(ctx, in, storage.TypeTimestamp)
		if err != nil || Format(v, nil) != want {
			t.Errorf("%q::timestamp = %q, %v; want %q", in, Format(v, nil), err, want)
		}
	}
}
