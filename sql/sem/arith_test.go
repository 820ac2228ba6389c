package sem

import (
	"testing"

	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/storage"
)

// arithCases were produced on PostgreSQL 15.18 by
// SELECT 'l'::lt op 'r'::rt with the given TimeZone: out and typ are the
// result's text and pg_typeof, or code and msg the error.
var arithCases = []struct {
	lt        storage.Type
	l         string
	op        BinOp
	rt        storage.Type
	r         string
	tz        string
	out       string
	typ       storage.Type
	code, msg string
}{
	{storage.TypeInt16, "1", OpAdd, storage.TypeInt16, "2", "UTC", "3", storage.TypeInt16, "", ""},
	{storage.TypeInt16, "32767", OpAdd, storage.TypeInt16, "1", "UTC", "", 0, "22003", "smallint out of range"},
	{storage.TypeInt16, "1", OpAdd, storage.TypeInt32, "2", "UTC", "3", storage.TypeInt32, "", ""},
	{storage.TypeInt16, "1", OpAdd, storage.TypeInt64, "2", "UTC", "3", storage.TypeInt64, "", ""},
	{storage.TypeInt32, "2147483647", OpAdd, storage.TypeInt32, "1", "UTC", "", 0, "22003", "integer out of range"},
	{storage.TypeInt64, "9223372036854775807", OpAdd, storage.TypeInt64, "1", "UTC", "", 0, "22003", "bigint out of range"},
	{storage.TypeInt64, "-9223372036854775808", OpSub, storage.TypeInt64, "1", "UTC", "", 0, "22003", "bigint out of range"},
	{storage.TypeInt32, "-2147483648", OpMul, storage.TypeInt32, "-1", "UTC", "", 0, "22003", "integer out of range"},
	{storage.TypeInt64, "-9223372036854775808", OpMul, storage.TypeInt64, "-1", "UTC", "", 0, "22003", "bigint out of range"},
	{storage.TypeInt64, "4294967296", OpMul, storage.TypeInt64, "4294967296", "UTC", "", 0, "22003", "bigint out of range"},
	{storage.TypeInt32, "-7", OpDiv, storage.TypeInt32, "2", "UTC", "-3", storage.TypeInt32, "", ""},
	{storage.TypeInt32, "7", OpDiv, storage.TypeInt32, "-2", "UTC", "-3", storage.TypeInt32, "", ""},
	{storage.TypeInt32, "-7", OpMod, storage.TypeInt32, "2", "UTC", "-1", storage.TypeInt32, "", ""},
	{storage.TypeInt32, "7", OpMod, storage.TypeInt32, "-2", "UTC", "1", storage.TypeInt32, "", ""},
	{storage.TypeInt32, "-2147483648", OpMod, storage.TypeInt32, "-1", "UTC", "0", storage.TypeInt32, "", ""},
	{storage.TypeInt32, "-2147483648", OpDiv, storage.TypeInt32, "-1", "UTC", "", 0, "22003", "integer out of range"},
	{storage.TypeInt16, "-32768", OpDiv, storage.TypeInt16, "-1", "UTC", "", 0, "22003", "smallint out of range"},
	{storage.TypeInt32, "1", OpDiv, storage.TypeInt32, "0", "UTC", "", 0, "22012", "division by zero"},
	{storage.TypeInt32, "5", OpMod, storage.TypeInt32, "0", "UTC", "", 0, "22012", "division by zero"},
	{storage.TypeInt32, "1", OpAdd, storage.TypeFloat32, "1.5", "UTC", "2.5", storage.TypeFloat64, "", ""},
	{storage.TypeFloat32, "1.5", OpAdd, storage.TypeFloat32, "1.25", "UTC", "2.75", storage.TypeFloat32, "", ""},
	{storage.TypeFloat32, "0.1", OpAdd, storage.TypeFloat32, "0.2", "UTC", "0.3", storage.TypeFloat32, "", ""},
	{storage.TypeFloat64, "0.1", OpAdd, storage.TypeFloat64, "0.2", "UTC", "0.30000000000000004", storage.TypeFloat64, "", ""},
	{storage.TypeFloat32, "1.5", OpMul, storage.TypeInt16, "2", "UTC", "3", storage.TypeFloat64, "", ""},
	{storage.TypeNumeric, "1.5", OpAdd, storage.TypeFloat32, "1.5", "UTC", "3", storage.TypeFloat64, "", ""},
	{storage.TypeInt64, "1", OpAdd, storage.TypeNumeric, "1.5", "UTC", "2.5", storage.TypeNumeric, "", ""},
	{storage.TypeNumeric, "1.5", OpAdd, storage.TypeFloat64, "1.5", "UTC", "3", storage.TypeFloat64, "", ""},
	{storage.TypeFloat64, "1", OpDiv, storage.TypeFloat64, "0", "UTC", "", 0, "22012", "division by zero"},
	{storage.TypeFloat64, "nan", OpDiv, storage.TypeFloat64, "0", "UTC", "NaN", storage.TypeFloat64, "", ""},
	{storage.TypeFloat32, "1", OpDiv, storage.TypeFloat32, "0", "UTC", "", 0, "22012", "division by zero"},
	{storage.TypeFloat64, "1e308", OpMul, storage.TypeFloat64, "10", "UTC", "", 0, "22003", "value out of range: overflow"},
	{storage.TypeFloat64, "1e-308", OpMul, storage.TypeFloat64, "1e-308", "UTC", "", 0, "22003", "value out of range: underflow"},
	{storage.TypeFloat64, "inf", OpSub, storage.TypeFloat64, "inf", "UTC", "NaN", storage.TypeFloat64, "", ""},
	{storage.TypeFloat64, "inf", OpMul, storage.TypeFloat64, "0", "UTC", "NaN", storage.TypeFloat64, "", ""},
	{storage.TypeFloat64, "5", OpDiv, storage.TypeFloat64, "2", "UTC", "2.5", storage.TypeFloat64, "", ""},
	{storage.TypeFloat64, "2", OpPow, storage.TypeFloat64, "0.5", "UTC", "1.4142135623730951", storage.TypeFloat64, "", ""},
	{storage.TypeInt32, "2", OpPow, storage.TypeInt32, "10", "UTC", "1024", storage.TypeFloat64, "", ""},
	{storage.TypeInt64, "2", OpPow, storage.TypeInt64, "-1", "UTC", "0.5", storage.TypeFloat64, "", ""},
	{storage.TypeInt32, "0", OpPow, storage.TypeInt32, "-1", "UTC", "", 0, "2201F", "zero raised to a negative power is undefined"},
	{storage.TypeFloat64, "-8", OpPow, storage.TypeFloat64, "0.5", "UTC", "", 0, "2201F", "a negative number raised to a non-integer power yields a complex result"},
	{storage.TypeFloat64, "-8", OpPow, storage.TypeFloat64, "3", "UTC", "-512", storage.TypeFloat64, "", ""},
	{storage.TypeFloat64, "10", OpPow, storage.TypeFloat64, "400", "UTC", "", 0, "22003", "value out of range: overflow"},
	{storage.TypeFloat64, "1.5", OpMod, storage.TypeFloat64, "1", "UTC", "", 0, "42883", "operator does not exist: double precision % double precision"},
	{storage.TypeNumeric, "2", OpPow, storage.TypeNumeric, "10", "UTC", "1024.0000000000000000", storage.TypeNumeric, "", ""},
	{storage.TypeNumeric, "2.5", OpPow, storage.TypeNumeric, "2", "UTC", "6.2500000000000000", storage.TypeNumeric, "", ""},
	{storage.TypeNumeric, "10", OpPow, storage.TypeNumeric, "-2", "UTC", "0.0100000000000000", storage.TypeNumeric, "", ""},
	{storage.TypeNumeric, "2", OpPow, storage.TypeNumeric, "0.5", "UTC", "1.4142135623730950", storage.TypeNumeric, "", ""},
	{storage.TypeNumeric, "1.5", OpPow, storage.TypeNumeric, "100", "UTC", "406561177535215237.3972797075670417", storage.TypeNumeric, "", ""},
	{storage.TypeNumeric, "10", OpPow, storage.TypeNumeric, "20", "UTC", "100000000000000000000.0000000000000000", storage.TypeNumeric, "", ""},
	{storage.TypeNumeric, "0", OpPow, storage.TypeNumeric, "-1", "UTC", "", 0, "2201F", "zero raised to a negative power is undefined"},
	{storage.TypeNumeric, "-8", OpPow, storage.TypeNumeric, "0.5", "UTC", "", 0, "2201F", "a negative number raised to a non-integer power yields a complex result"},
	{storage.TypeNumeric, "-2", OpPow, storage.TypeNumeric, "3", "UTC", "-8.0000000000000000", storage.TypeNumeric, "", ""},
	{storage.TypeNumeric, "7", OpDiv, storage.TypeNumeric, "3", "UTC", "2.3333333333333333", storage.TypeNumeric, "", ""},
	{storage.TypeNumeric, "1", OpDiv, storage.TypeNumeric, "3", "UTC", "0.33333333333333333333", storage.TypeNumeric, "", ""},
	{storage.TypeNumeric, "10000", OpDiv, storage.TypeNumeric, "3", "UTC", "3333.3333333333333333", storage.TypeNumeric, "", ""},
	{storage.TypeNumeric, "1.000", OpDiv, storage.TypeNumeric, "3", "UTC", "0.33333333333333333333", storage.TypeNumeric, "", ""},
	{storage.TypeNumeric, "123456789", OpDiv, storage.TypeNumeric, "0.001", "UTC", "123456789000.00000000", storage.TypeNumeric, "", ""},
	{storage.TypeNumeric, "1", OpDiv, storage.TypeNumeric, "70000", "UTC", "0.000014285714285714285714", storage.TypeNumeric, "", ""},
	{storage.TypeNumeric, "2", OpDiv, storage.TypeNumeric, "3", "UTC", "0.66666666666666666667", storage.TypeNumeric, "", ""},
	{storage.TypeNumeric, "0", OpDiv, storage.TypeNumeric, "7", "UTC", "0.00000000000000000000", storage.TypeNumeric, "", ""},
	{storage.TypeNumeric, "1", OpDiv, storage.TypeNumeric, "0", "UTC", "", 0, "22012", "division by zero"},
	{storage.TypeNumeric, "nan", OpDiv, storage.TypeNumeric, "0", "UTC", "NaN", storage.TypeNumeric, "", ""},
	{storage.TypeNumeric, "inf", OpDiv, storage.TypeNumeric, "2", "UTC", "Infinity", storage.TypeNumeric, "", ""},
	{storage.TypeNumeric, "inf", OpDiv, storage.TypeNumeric, "inf", "UTC", "NaN", storage.TypeNumeric, "", ""},
	{storage.TypeNumeric, "5", OpDiv, storage.TypeNumeric, "inf", "UTC", "0", storage.TypeNumeric, "", ""},
	{storage.TypeNumeric, "inf", OpAdd, storage.TypeNumeric, "-inf", "UTC", "NaN", storage.TypeNumeric, "", ""},
	{storage.TypeNumeric, "inf", OpMul, storage.TypeNumeric, "0", "UTC", "NaN", storage.TypeNumeric, "", ""},
	{storage.TypeNumeric, "-inf", OpMul, storage.TypeNumeric, "-2", "UTC", "Infinity", storage.TypeNumeric, "", ""},
	{storage.TypeNumeric, "5.5", OpMod, storage.TypeNumeric, "2", "UTC", "1.5", storage.TypeNumeric, "", ""},
	{storage.TypeNumeric, "-5.5", OpMod, storage.TypeNumeric, "2", "UTC", "-1.5", storage.TypeNumeric, "", ""},
	{storage.TypeNumeric, "5.5", OpMod, storage.TypeNumeric, "0", "UTC", "", 0, "22012", "division by zero"},
	{storage.TypeNumeric, "2", OpMul, storage.TypeNumeric, "1.50", "UTC", "3.00", storage.TypeNumeric, "", ""},
	{storage.TypeNumeric, "0.1", OpAdd, storage.TypeNumeric, "0.20", "UTC", "0.30", storage.TypeNumeric, "", ""},
	{storage.TypeNumeric, "1.10", OpSub, storage.TypeNumeric, "1.1", "UTC", "0.00", storage.TypeNumeric, "", ""},
	{storage.TypeNumeric, "99999999999999999999", OpMul, storage.TypeNumeric, "99999999999999999999", "UTC", "9999999999999999999800000000000000000001", storage.TypeNumeric, "", ""},
	{storage.TypeNumeric, "0.000001", OpDiv, storage.TypeNumeric, "3", "UTC", "0.000000333333333333333333", storage.TypeNumeric, "", ""},
	{storage.TypeNumeric, "123456789012345678901234567890", OpDiv, storage.TypeNumeric, "7", "UTC", "17636684144620811271604938270", storage.TypeNumeric, "", ""},
	{storage.TypeNumeric, "-1", OpDiv, storage.TypeNumeric, "3", "UTC", "-0.33333333333333333333", storage.TypeNumeric, "", ""},
	{storage.TypeNumeric, "2", OpDiv, storage.TypeNumeric, "-0.5", "UTC", "-4.0000000000000000", storage.TypeNumeric, "", ""},
	{storage.TypeNumeric, "1", OpDiv, storage.TypeNumeric, "1e-20", "UTC", "100000000000000000000.00000000000000000000", storage.TypeNumeric, "", ""},
	{storage.TypeInt32, "1", OpDiv, storage.TypeNumeric, "3", "UTC", "0.33333333333333333333", storage.TypeNumeric, "", ""},
	{storage.TypeText, "a", OpConcat, storage.TypeText, "b", "UTC", "ab", storage.TypeText, "", ""},
	{storage.TypeText, "a", OpConcat, storage.TypeInt32, "1", "UTC", "a1", storage.TypeText, "", ""},
	{storage.TypeInt32, "1", OpConcat, storage.TypeText, "a", "UTC", "1a", storage.TypeText, "", ""},
	{storage.TypeText, "a", OpConcat, storage.TypeBool, "t", "UTC", "atrue", storage.TypeText, "", ""},
	{storage.TypeBytea, "\\x01", OpConcat, storage.TypeBytea, "\\x02", "UTC", "\\x0102", storage.TypeBytea, "", ""},
	{storage.TypeInt32, "1", OpConcat, storage.TypeInt32, "2", "UTC", "", 0, "42883", "operator does not exist: integer || integer"},
	{storage.TypeDate, "2024-01-31", OpAdd, storage.TypeInt32, "1", "UTC", "2024-02-01", storage.TypeDate, "", ""},
	{storage.TypeInt32, "1", OpAdd, storage.TypeDate, "2024-01-31", "UTC", "2024-02-01", storage.TypeDate, "", ""},
	{storage.TypeDate, "2024-03-01", OpSub, storage.TypeDate, "2024-01-01", "UTC", "60", storage.TypeInt32, "", ""},
	{storage.TypeDate, "2024-01-01", OpSub, storage.TypeInt32, "1", "UTC", "2023-12-31", storage.TypeDate, "", ""},
	{storage.TypeDate, "infinity", OpAdd, storage.TypeInt32, "1", "UTC", "infinity", storage.TypeDate, "", ""},
	{storage.TypeDate, "5874897-12-31", OpAdd, storage.TypeInt32, "1", "UTC", "", 0, "22008", "date out of range"},
	{storage.TypeDate, "2024-01-31", OpAdd, storage.TypeInterval, "1 month", "UTC", "2024-02-29 00:00:00", storage.TypeTimestamp, "", ""},
	{storage.TypeDate, "2024-01-31", OpSub, storage.TypeInterval, "1 day", "UTC", "2024-01-30 00:00:00", storage.TypeTimestamp, "", ""},
	{storage.TypeTimestamp, "2024-01-31", OpAdd, storage.TypeInterval, "1 month", "UTC", "2024-02-29 00:00:00", storage.TypeTimestamp, "", ""},
	{storage.TypeTimestamp, "2024-03-31 10:00", OpSub, storage.TypeInterval, "1 month 1 hour", "UTC", "2024-02-29 09:00:00", storage.TypeTimestamp, "", ""},
	{storage.TypeTimestamp, "2024-01-01", OpSub, storage.TypeTimestamp, "2023-01-01 01:00", "UTC", "364 days 23:00:00", storage.TypeInterval, "", ""},
	{storage.TypeTimestamp, "2024-03-01", OpSub, storage.TypeTimestamp, "2024-01-01 12:00:00", "UTC", "59 days 12:00:00", storage.TypeInterval, "", ""},
	{storage.TypeTimestamp, "2024-01-01", OpSub, storage.TypeTimestamp, "2024-03-01 12:00:00", "UTC", "-60 days -12:00:00", storage.TypeInterval, "", ""},
	{storage.TypeTimestampTZ, "2024-03-09 12:00 America/New_York", OpAdd, storage.TypeInterval, "1 day", "America/New_York", "2024-03-10 12:00:00-04", storage.TypeTimestampTZ, "", ""},
	{storage.TypeTimestampTZ, "2024-03-09 12:00 America/New_York", OpAdd, storage.TypeInterval, "24 hours", "America/New_York", "2024-03-10 13:00:00-04", storage.TypeTimestampTZ, "", ""},
	{storage.TypeTimestampTZ, "2024-03-09 12:00 America/New_York", OpAdd, storage.TypeInterval, "1 day", "UTC", "2024-03-10 17:00:00+00", storage.TypeTimestampTZ, "", ""},
	{storage.TypeTimestampTZ, "2024-03-11 00:00 America/New_York", OpSub, storage.TypeTimestampTZ, "2024-03-10 00:00 America/New_York", "America/New_York", "23:00:00", storage.TypeInterval, "", ""},
	// The month step lands in Lord Howe's 30-minute DST gap; the day step starts from the moved clock.
	{storage.TypeTimestampTZ, "2072-04-04 02:15:18", OpAdd, storage.TypeInterval, "-6 mons 4 days", "Australia/Lord_Howe", "2071-10-08 02:45:18+11", storage.TypeTimestampTZ, "", ""},
	{storage.TypeTimestamp, "infinity", OpAdd, storage.TypeInterval, "1 day", "UTC", "infinity", storage.TypeTimestamp, "", ""},
	{storage.TypeTimestamp, "infinity", OpSub, storage.TypeTimestamp, "2024-01-01", "UTC", "", 0, "22008", "cannot subtract infinite timestamps"},
	{storage.TypeInterval, "1 day 2 hours", OpMul, storage.TypeFloat64, "1.5", "UTC", "1 day 15:00:00", storage.TypeInterval, "", ""},
	{storage.TypeInterval, "1 mon", OpMul, storage.TypeFloat64, "0.5", "UTC", "15 days", storage.TypeInterval, "", ""},
	{storage.TypeInterval, "1 year", OpDiv, storage.TypeFloat64, "7", "UTC", "1 mon 21 days 10:17:08.5344", storage.TypeInterval, "", ""},
	{storage.TypeInterval, "1 day", OpSub, storage.TypeInterval, "1 hour", "UTC", "1 day -01:00:00", storage.TypeInterval, "", ""},
	{storage.TypeInterval, "1 day", OpDiv, storage.TypeFloat64, "0", "UTC", "", 0, "22012", "division by zero"},
	{storage.TypeInterval, "1 day", OpMul, storage.TypeInt32, "3", "UTC", "3 days", storage.TypeInterval, "", ""},
	{storage.TypeFloat64, "2", OpMul, storage.TypeInterval, "1 hour", "UTC", "02:00:00", storage.TypeInterval, "", ""},
	{storage.TypeInterval, "1 mon 2 days", OpAdd, storage.TypeInterval, "-1 mon 3 hours", "UTC", "2 days 03:00:00", storage.TypeInterval, "", ""},
	{storage.TypeInterval, "1 day", OpDiv, storage.TypeFloat64, "3", "UTC", "08:00:00", storage.TypeInterval, "", ""},
	{storage.TypeDate, "2024-01-31", OpSub, storage.TypeTimestamp, "2024-01-30 12:00", "UTC", "12:00:00", storage.TypeInterval, "", ""},
	{storage.TypeInt32, "1", OpEq, storage.TypeInt64, "1", "UTC", "true", storage.TypeBool, "", ""},
	{storage.TypeInt32, "1", OpLt, storage.TypeNumeric, "1.5", "UTC", "true", storage.TypeBool, "", ""},
	{storage.TypeInt32, "1", OpEq, storage.TypeFloat64, "1.0", "UTC", "true", storage.TypeBool, "", ""},
	{storage.TypeNumeric, "1.0", OpEq, storage.TypeNumeric, "1.00", "UTC", "true", storage.TypeBool, "", ""},
	{storage.TypeFloat64, "nan", OpEq, storage.TypeFloat64, "nan", "UTC", "true", storage.TypeBool, "", ""},
	{storage.TypeFloat64, "nan", OpGt, storage.TypeFloat64, "inf", "UTC", "true", storage.TypeBool, "", ""},
	{storage.TypeNumeric, "nan", OpGt, storage.TypeNumeric, "inf", "UTC", "true", storage.TypeBool, "", ""},
	{storage.TypeText, "a", OpLt, storage.TypeText, "b", "UTC", "true", storage.TypeBool, "", ""},
	{storage.TypeText, "B", OpLt, storage.TypeText, "a", "UTC", "true", storage.TypeBool, "", ""},
	{storage.TypeDate, "2024-01-31", OpEq, storage.TypeTimestamp, "2024-01-31 00:00", "UTC", "true", storage.TypeBool, "", ""},
	{storage.TypeDate, "2024-01-31", OpLt, storage.TypeTimestampTZ, "2024-01-31 00:00+00", "Asia/Tokyo", "true", storage.TypeBool, "", ""},
	{storage.TypeTimestamp, "2024-01-31 09:00", OpEq, storage.TypeTimestampTZ, "2024-01-31 00:00+00", "Asia/Tokyo", "true", storage.TypeBool, "", ""},
	{storage.TypeInterval, "1 mon", OpEq, storage.TypeInterval, "30 days", "UTC", "true", storage.TypeBool, "", ""},
	{storage.TypeInterval, "1 day", OpEq, storage.TypeInterval, "24 hours", "UTC", "true", storage.TypeBool, "", ""},
	{storage.TypeInt32, "1", OpEq, storage.TypeText, "1", "UTC", "", 0, "42883", "operator does not exist: integer = text"},
	{storage.TypeBool, "t", OpGt, storage.TypeBool, "f", "UTC", "true", storage.TypeBool, "", ""},
	{storage.TypeUUID, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", OpLt, storage.TypeUUID, "b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "UTC", "true", storage.TypeBool, "", ""},
}

func TestBinary(t *testing.T) {
	for _, c := range arithCases {
		ctx := &Context{Loc: mustLoc(t, c.tz)}
		a, err1 := ParseText(ctx, c.l, c.lt)
		b, err2 := ParseText(ctx, c.r, c.rt)
		if err1 != nil || err2 != nil {
			t.Errorf("parse %q %q: %v %v", c.l, c.r, err1, err2)
			continue
		}
		got, err := Binary(ctx, c.op, a, b)
		name := c.lt.String() + " " + c.l + " " + c.op.String() + " " + c.rt.String() + " " + c.r
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
		// Postgres prints booleans cast to text as true/false.
		s := Format(got, ctx.Loc)
		if got.Type() == storage.TypeBool {
			s = map[bool]string{true: "true", false: "false"}[got.AsBool()]
		}
		if s != c.out || got.Type() != c.typ {
			t.Errorf("%s (%s): got %s %q, want %s %q", name, c.tz, got.Type(), s, c.typ, c.out)
		}
		if rt, err := BinaryType(c.op, c.lt, c.rt); err != nil || rt != c.typ {
			t.Errorf("BinaryType(%s): %s, %v; want %s", name, rt, err, c.typ)
		}
	}
}

func TestThreeValuedLogic(t *testing.T) {
	vals := []Tri{False, True, Unknown}
	and := [3][3]Tri{{False, False, False}, {False, True, Unknown}, {False, Unknown, Unknown}}
	or := [3][3]Tri{{False, True, Unknown}, {True, True, True}, {Unknown, True, Unknown}}
	for i, a := range vals {
		for j, b := range vals {
			if And(a, b) != and[i][j] || Or(a, b) != or[i][j] {
				t.Errorf("And/Or(%d, %d) = %d/%d", a, b, And(a, b), Or(a, b))
			}
		}
	}
	if Not(Unknown) != Unknown || Not(True) != False || TriOf(storage.Null()) != Unknown || !True.Value().AsBool() || !Unknown.Value().IsNull() {
		t.Error("Not/TriOf/Value")
	}
	if d, _ := IsDistinctFrom(nil, storage.Null(), storage.Null()); d {
		t.Error("NULL IS DISTINCT FROM NULL")
	}
	if d, _ := IsDistinctFrom(nil, storage.Int32(1), storage.Null()); !d {
		t.Error("1 IS NOT DISTINCT FROM NULL")
	}
	if v, err := Binary(nil, OpAdd, storage.Int32(1), storage.Null()); err != nil || !v.IsNull() {
		t.Errorf("1 + NULL = %v, %v", v, err)
	}
	if v, err := Binary(nil, OpConcat, storage.Text("a"), storage.Null()); err != nil || !v.IsNull() {
		t.Errorf("'a' || NULL = %v, %v", v, err)
	}
}

func TestNegate(t *testing.T) {
	if _, err := Negate(storage.Int16(-32768)); pgerr.CodeOf(err) != pgerr.NumericValueOutOfRange || err.Error() != "smallint out of range" {
		t.Errorf("-(-32768::int2): %v", err)
	}
	v, _ := Negate(storage.Interval(0, 1, -2*microsPerHour))
	if Format(v, nil) != "-1 days +02:00:00" {
		t.Errorf("-interval: %s", Format(v, nil))
	}
	v, _ = ParseText(nil, "0.0", storage.TypeNumeric)
	if v, _ = Negate(v); Format(v, nil) != "0.0" {
		t.Errorf("-0.0: %s", Format(v, nil))
	}
}
