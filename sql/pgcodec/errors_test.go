package pgcodec

import (
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/sql/planner"
	"github.com/persiandb/persiandb/storage"
)

func wantCode(t *testing.T, err error, code pgerr.Code, msg string) {
	t.Helper()
	e := pgerr.As(err)
	if e == nil {
		t.Fatalf("error %v has no SQLSTATE, want %s %q", err, code, msg)
	}
	if e.Code != code || !strings.Contains(e.Message, msg) {
		t.Fatalf("error %s %q, want %s %q", e.Code, e.Message, code, msg)
	}
}

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecodeBinaryWrongLength(t *testing.T) {
	for typname, size := range map[string]int{
		"bool": 1, "int2": 2, "int4": 4, "int8": 8, "float4": 4, "float8": 8,
		"date": 4, "timestamp": 8, "timestamptz": 8, "interval": 16, "uuid": 16,
	} {
		typ := typeNamed(t, typname)
		for _, n := range []int{0, size - 1, size + 1, 3 * size} {
			_, err := DecodeBinary(make([]byte, n), typ)
			if !errors.Is(err, ErrBinaryFormat) {
				t.Errorf("%s from %d bytes: %v, want ErrBinaryFormat", typname, n, err)
				continue
			}
			wantCode(t, err, pgerr.InvalidBinaryRepresentation, "incorrect binary data format")
		}
	}
	// numeric: a header shorter than 8 bytes, or digits that disagree with ndigits.
	for _, h := range []string{"", "0001", "00010000000000", "000100000000000000", "0001000000000000000100", "0000000000000000ff"} {
		if _, err := DecodeBinary(unhex(t, h), typeNamed(t, "numeric")); !errors.Is(err, ErrBinaryFormat) {
			t.Errorf("numeric from %s: %v, want ErrBinaryFormat", h, err)
		}
	}
}

func TestDecodeBinaryNumericCorrupt(t *testing.T) {
	num := typeNamed(t, "numeric")
	for _, c := range []struct{ hex, msg string }{
		{"0000000080000000", `invalid sign in external "numeric" value`},
		{"0000000040010000", `invalid sign in external "numeric" value`},
		{"0000000000004000", `invalid scale in external "numeric" value`},
	} {
		_, err := DecodeBinary(unhex(t, c.hex), num)
		wantCode(t, err, pgerr.InvalidBinaryRepresentation, c.msg)
	}
	for _, h := range []string{"00010000000000002710", "0001000000000000ffff", "00020000c00000000001ffff"} {
		_, err := DecodeBinary(unhex(t, h), num)
		wantCode(t, err, pgerr.InvalidBinaryRepresentation, `invalid digit in external "numeric" value`)
	}
}

// TestDecodeBinaryNumericForms checks inputs Postgres accepts although it
// never sends them: leading and trailing zero digits, digits hidden by the
// display scale (truncated, not rounded), a negative zero, and a special
// value's ignored digits.
func TestDecodeBinaryNumericForms(t *testing.T) {
	num := typeNamed(t, "numeric")
	for _, c := range []struct{ hex, want string }{
		{"0003000100000000000000010000", "1"},                       // 0000 0001 . 0000, weight 1
		{"000200000000000200011a0a", "1.66"},                        // 1.6666 shown with dscale 2: truncated
		{"00020000400000020001270f", "-1.99"},                       // -1.9999 truncated toward zero
		{"0001ffff40000002270f", "-0.99"},                           // -0.9999
		{"0001fffe4000000203e8", "0.00"},                            // -0.00001 truncated to zero: no sign
		{"0000000040000003", "0.000"},                               // negative zero
		{"00010000000000050001", "1.00000"},                         // dscale beyond the digits
		{"00010003000000000001", "1000000000000"},                   // weight 3
		{"00010000c00000000001", "NaN"},                             // digits of a NaN are read and ignored
		{"00000000d00000ff", "Infinity"},                            // so is its dscale
		{"0001800000000000" + "0001", "0"},                          // weight -32768, below any dscale
		{"00017fff000000000001", "1" + strings.Repeat("0", 131068)}, // the largest weight
	} {
		v, err := DecodeBinary(unhex(t, c.hex), num)
		if err != nil {
			t.Errorf("%s: %v", c.hex, err)
			continue
		}
		if got := string(AppendText(nil, v, num, nil)); got != c.want {
			t.Errorf("%s: %.40q, want %.40q", c.hex, got, c.want)
		}
		// Re-encoding gives Postgres's canonical form, which decodes the same.
		wire, err := AppendBinary(nil, v, num)
		if err != nil {
			t.Fatalf("%s: AppendBinary: %v", c.hex, err)
		}
		if again, err := DecodeBinary(wire, num); err != nil || string(AppendText(nil, again, num, nil)) != c.want {
			t.Errorf("%s: re-encoded as %x, which decodes to %v, %v", c.hex, wire, again, err)
		}
	}
}

func TestDecodeBinaryRanges(t *testing.T) {
	for _, c := range []struct {
		typ, hex, msg string
	}{
		{"date", "ffda97a6", "date out of range"}, // 4714-11-23 BC
		{"date", "7fda970d", "date out of range"}, // 5874898-01-01
		{"timestamp", "fd0f7cc1411f9fff", "timestamp out of range"},
		{"timestamptz", "7fffff5bb3b2a000", "timestamp out of range"},
	} {
		_, err := DecodeBinary(unhex(t, c.hex), typeNamed(t, c.typ))
		wantCode(t, err, pgerr.DatetimeFieldOverflow, c.msg)
	}
}

func TestInvalidUTF8(t *testing.T) {
	for _, c := range []struct {
		in  string
		msg string
	}{
		{"\xc3\x28", "0xc3 0x28"},
		{"a\xe2\x82", "0xe2 0x82"},
		{"ab\x00c", "0x00"},
		{"\xff", "0xff"},
		{"\xed\xa0\x80", "0xed 0xa0 0x80"}, // a UTF-16 surrogate
		{"ok \xf0\x9f\x8e", "0xf0 0x9f 0x8e"},
	} {
		for _, typname := range []string{"text", "varchar", "bpchar"} {
			typ := typeNamed(t, typname)
			_, err := DecodeBinary([]byte(c.in), typ)
			wantCode(t, err, pgerr.CharacterNotInRepertoire, `invalid byte sequence for encoding "UTF8": `+c.msg)
			_, err = DecodeText(nil, []byte(c.in), typ)
			wantCode(t, err, pgerr.CharacterNotInRepertoire, `invalid byte sequence for encoding "UTF8": `+c.msg)
		}
	}
	// bytea is not text: any bytes go.
	if _, err := DecodeBinary([]byte("\xff\x00"), typeNamed(t, "bytea")); err != nil {
		t.Error(err)
	}
}

// TestTypmod checks that both formats apply a column's modifier as
// Postgres's input and receive functions do.
func TestTypmod(t *testing.T) {
	varchar3 := planner.Type{T: storage.TypeText, Name: "character varying", Typmod: 3 + 4}
	char5 := planner.Type{T: storage.TypeText, Name: "character", Typmod: 5 + 4}
	num52 := planner.Type{T: storage.TypeNumeric, Name: "numeric", Typmod: 5<<16 | 2 + 4}
	num41 := planner.Type{T: storage.TypeNumeric, Name: "numeric", Typmod: 4<<16 | 1 + 4}
	ts0 := planner.Type{T: storage.TypeTimestamp, Name: "timestamp without time zone", Typmod: 0}
	for _, c := range []struct {
		typ        planner.Type
		text, want string
		code       pgerr.Code
	}{
		{varchar3, "abc", "abc", ""},
		{varchar3, "abc  ", "abc", ""},
		{varchar3, "日本語", "日本語", ""},
		{varchar3, "abcd", "", pgerr.StringDataRightTruncation},
		{char5, "ab", "ab   ", ""},
		{char5, "abcdef", "", pgerr.StringDataRightTruncation},
		{num52, "1.255", "1.26", ""},
		{num52, "-1.255", "-1.26", ""},
		{num52, "1", "1.00", ""},
		{num52, "NaN", "NaN", ""},
		{num52, "1000", "", pgerr.NumericValueOutOfRange},
		{num52, "Infinity", "", pgerr.NumericValueOutOfRange},
		{num41, "12345.67", "", pgerr.NumericValueOutOfRange},
		{ts0, "2000-01-01 00:00:00.5", "2000-01-01 00:00:01", ""},
	} {
		fromText, err := DecodeText(nil, []byte(c.text), c.typ)
		if c.code != "" {
			if pgerr.CodeOf(err) != c.code {
				t.Errorf("DecodeText(%q, %s typmod %d): %v, want %s", c.text, c.typ.Name, c.typ.Typmod, err, c.code)
			}
		} else if err != nil {
			t.Errorf("DecodeText(%q, %s typmod %d): %v", c.text, c.typ.Name, c.typ.Typmod, err)
		} else if got := string(AppendText(nil, fromText, c.typ, nil)); got != c.want {
			t.Errorf("DecodeText(%q, %s typmod %d) = %q, want %q", c.text, c.typ.Name, c.typ.Typmod, got, c.want)
		}
		// The same value sent in binary, unmodified, must meet the same fate.
		plain, err := DecodeText(nil, []byte(c.text), planner.TypeOf(c.typ.T))
		if err != nil {
			t.Fatal(err)
		}
		wire, err := AppendBinary(nil, plain, planner.TypeOf(c.typ.T))
		if err != nil {
			t.Fatal(err)
		}
		fromBinary, err := DecodeBinary(wire, c.typ)
		if c.code != "" {
			if pgerr.CodeOf(err) != c.code {
				t.Errorf("DecodeBinary(%q, %s typmod %d): %v, want %s", c.text, c.typ.Name, c.typ.Typmod, err, c.code)
			}
		} else if err != nil {
			t.Errorf("DecodeBinary(%q, %s typmod %d): %v", c.text, c.typ.Name, c.typ.Typmod, err)
		} else if got := string(AppendText(nil, fromBinary, c.typ, nil)); got != c.want {
			t.Errorf("DecodeBinary(%q, %s typmod %d) = %q, want %q", c.text, c.typ.Name, c.typ.Typmod, got, c.want)
		}
	}
}

func TestAppendBinaryMismatch(t *testing.T) {
	for _, c := range []struct {
		v    storage.Value
		typ  string
		code pgerr.Code
	}{
		{storage.Text("x"), "int4", pgerr.InternalError},
		{storage.Int32(1), "date", pgerr.InternalError},
		{storage.Null(), "text", pgerr.InternalError},
		{storage.Bytea([]byte("x")), "text", pgerr.InternalError},
		{storage.Int64(1 << 40), "int4", pgerr.NumericValueOutOfRange},
		{storage.Int32(40000), "int2", pgerr.NumericValueOutOfRange},
	} {
		_, err := AppendBinary(nil, c.v, typeNamed(t, c.typ))
		if pgerr.CodeOf(err) != c.code {
			t.Errorf("AppendBinary(%v as %s): %v, want %s", c.v, c.typ, err, c.code)
		}
	}
	// Compatible storage types convert: an int2 value sent as int8, a
	// double sent as real, a timestamp as timestamptz.
	for _, c := range []struct {
		v    storage.Value
		typ  string
		want string
	}{
		{storage.Int16(-2), "int8", "fffffffffffffffe"},
		{storage.Float64(1.5), "float4", "3fc00000"},
		{storage.Timestamp(1), "timestamptz", "0000000000000001"},
	} {
		got, err := AppendBinary(nil, c.v, typeNamed(t, c.typ))
		if err != nil || hex.EncodeToString(got) != c.want {
			t.Errorf("AppendBinary(%v as %s) = %x, %v; want %s", c.v, c.typ, got, err, c.want)
		}
	}
}

// TestFloat4NaNPayload checks that a real's NaN payload, signaling bit
// included, survives storage's widening and the trip back.
func TestFloat4NaNPayload(t *testing.T) {
	typ := typeNamed(t, "float4")
	for _, h := range []string{"7fc00000", "7f800001", "ffbfffff", "7fa5a5a5"} {
		v, err := DecodeBinary(unhex(t, h), typ)
		if err != nil {
			t.Fatal(err)
		}
		got, err := AppendBinary(nil, v, typ)
		if err != nil || hex.EncodeToString(got) != h {
			t.Errorf("float4 %s came back as %x, %v", h, got, err)
		}
		if s := string(AppendText(nil, v, typ, time.UTC)); s != "NaN" {
			t.Errorf("float4 %s prints %q", h, s)
		}
	}
}
