package sem

import (
	"testing"

	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/storage"
)

// Expected outputs from PostgreSQL 15.18: SELECT 'in'::numeric(p,s).
func TestNumericTypmod(t *testing.T) {
	const overflow = "ERROR"
	cases := []struct {
		in     string
		p, s   int
		out    string
		detail string
	}{
		{"1.235", 4, 2, "1.24", ""},
		{"1.245", 4, 2, "1.25", ""},
		{"-1.245", 4, 2, "-1.25", ""},
		{"99.995", 4, 2, overflow, "A field with precision 4, scale 2 must round to an absolute value less than 10^2."},
		{"99.994", 4, 2, "99.99", ""},
		{"1e3", 3, 0, overflow, "A field with precision 3, scale 0 must round to an absolute value less than 10^3."},
		{"999.5", 3, 0, overflow, "A field with precision 3, scale 0 must round to an absolute value less than 10^3."},
		{"123.456", 5, -1, "120", ""},
		{"0.001", 3, 5, "0.00100", ""},
		{"0.0012345", 3, 5, "0.00123", ""},
		{"0.01", 3, 5, overflow, "A field with precision 3, scale 5 must round to an absolute value less than 10^-2."},
		{"nan", 4, 2, "NaN", ""},
		{"inf", 4, 2, overflow, "A field with precision 4, scale 2 cannot hold an infinite value."},
		{"0", 1, 0, "0", ""},
		{"0.5", 1, 0, "1", ""},
		{"-0.4", 1, 0, "0", ""},
		{"12345.678", 5, 2, overflow, "A field with precision 5, scale 2 must round to an absolute value less than 10^3."},
		{"1.5", 2, 1, "1.5", ""},
		{"155", 2, -1, "160", ""},
	}
	for _, c := range cases {
		v, err := ParseText(nil, c.in, storage.TypeNumeric)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ApplyNumericTypmod(v, c.p, c.s)
		if c.out == overflow {
			e := pgerr.As(err)
			if e == nil || e.Code != pgerr.NumericValueOutOfRange || e.Message != "numeric field overflow" || e.Detail != c.detail {
				t.Errorf("%s::numeric(%d,%d): got (%v, %+v), want overflow %q", c.in, c.p, c.s, got, e, c.detail)
			}
			continue
		}
		if err != nil || Format(got, nil) != c.out {
			t.Errorf("%s::numeric(%d,%d) = %q, %v; want %q", c.in, c.p, c.s, Format(got, nil), err, c.out)
		}
	}
}

func TestStringTypmod(t *testing.T) {
	cases := []struct {
		in       string
		n        int
		char     bool
		explicit bool
		out      string
		err      string
	}{
		{"abc", 2, false, true, "ab", ""},
		{"ab  ", 2, false, false, "ab", ""},
		{"ab   ", 2, false, false, "ab", ""},
		{"abc", 2, false, false, "", "value too long for type character varying(2)"},
		{"héllo", 2, false, true, "hé", ""},
		{"ab", 4, true, true, "ab  ", ""},
		{"ab  ", 3, true, false, "ab ", ""},
		{"abcd", 3, true, false, "", "value too long for type character(3)"},
		{"abcd", 3, true, true, "abc", ""},
	}
	for _, c := range cases {
		f := ApplyVarcharTypmod
		if c.char {
			f = ApplyCharTypmod
		}
		got, err := f(storage.Text(c.in), c.n, c.explicit)
		if c.err != "" {
			if e := pgerr.As(err); e == nil || e.Code != pgerr.StringDataRightTruncation || e.Message != c.err {
				t.Errorf("%q(%d): got %v, %v; want %q", c.in, c.n, got, err, c.err)
			}
			continue
		}
		if err != nil || got.AsString() != c.out {
			t.Errorf("%q(%d): got %q, %v; want %q", c.in, c.n, got, err, c.out)
		}
	}
}

// Expected outputs from PostgreSQL 15.18: SELECT 'in'::timestamp(p).
func TestTimestampTypmod(t *testing.T) {
	cases := []struct {
		in   string
		p    int
		want string
	}{
		{"2024-01-31 13:45:00.555555", 2, "2024-01-31 13:45:00.56"},
		{"2024-01-31 13:45:00.555", 0, "2024-01-31 13:45:01"},
		{"-infinity", 2, "-infinity"},
		{"1999-12-31 23:59:59.5", 0, "1999-12-31 23:59:59"},
		{"1999-12-31 23:59:59.45", 1, "1999-12-31 23:59:59.4"},
	}
	for _, c := range cases {
		v, err := ParseText(nil, c.in, storage.TypeTimestamp)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ApplyTimestampTypmod(v, c.p)
		if err != nil || Format(got, nil) != c.want {
			t.Errorf("%s::timestamp(%d) = %q, %v; want %q", c.in, c.p, Format(got, nil), err, c.want)
		}
	}
}
