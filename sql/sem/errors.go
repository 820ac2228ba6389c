package sem

import (
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/storage"
)

// inputTypeName is the type name Postgres's input functions put in their
// messages; timestamp_in says "timestamp", not format_type's long name.
func inputTypeName(t storage.Type) string {
	if t == storage.TypeTimestamp {
		return "timestamp"
	}
	return t.String()
}

// errInvalidSyntax is 22P02, or 22007 for the date/time types whose input
// functions report invalid_datetime_format.
func errInvalidSyntax(t storage.Type, s string) error {
	code := pgerr.InvalidTextRepresentation
	switch t {
	case storage.TypeDate, storage.TypeTimestamp, storage.TypeTimestampTZ, storage.TypeInterval:
		code = pgerr.InvalidDatetimeFormat
	}
	return pgerr.New(code, `invalid input syntax for type %s: "%s"`, inputTypeName(t), s)
}

func errValueOutOfRange(t storage.Type, s string) error {
	return pgerr.New(pgerr.NumericValueOutOfRange, `value "%s" is out of range for type %s`, s, t.String())
}

func errFieldOverflow(s string) error {
	return pgerr.New(pgerr.DatetimeFieldOverflow, `date/time field value out of range: "%s"`, s)
}

// errTypeOutOfRange is the "integer out of range" family of messages.
func errTypeOutOfRange(t storage.Type) error {
	return pgerr.New(pgerr.NumericValueOutOfRange, "%s out of range", t.String())
}

var (
	errDivisionByZero = pgerr.New(pgerr.DivisionByZero, "division by zero")
	errDateOutOfRange = pgerr.New(pgerr.DatetimeFieldOverflow, "date out of range")
	errTSOutOfRange   = pgerr.New(pgerr.DatetimeFieldOverflow, "timestamp out of range")
	errIntervalRange  = pgerr.New(pgerr.DatetimeFieldOverflow, "interval out of range")
	errFloatOverflow  = pgerr.New(pgerr.NumericValueOutOfRange, "value out of range: overflow")
	errFloatUnderflow = pgerr.New(pgerr.NumericValueOutOfRange, "value out of range: underflow")
)
