package sem

import (
	"testing"

	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/storage"
)

// TestGenerateSubscripts checks the subscripts' arrays against the rows
// PostgreSQL 15 returns for SELECT generate_subscripts(a, dim, reverse).
func TestGenerateSubscripts(t *testing.T) {
	cases := []struct {
		arr     string
		dim     int64
		reverse bool
		want    string
	}{
		{"{1,2,3}", 1, false, "{1,2,3}"},
		{"[3:5]={1,2,3}", 1, false, "{3,4,5}"},
		{"[3:5]={1,2,3}", 1, true, "{5,4,3}"},
		{"{{1,2},{3,4}}", 2, true, "{2,1}"},
		{"[-1:0][2:4]={{1,2,3},{4,5,6}}", 2, false, "{2,3,4}"},
		{"[-1:0][2:4]={{1,2,3},{4,5,6}}", 1, false, "{-1,0}"},
		{"{1}", 0, false, "{}"},
		{"{1}", 3, false, "{}"},
		{"{}", 1, false, "{}"},
	}
	for _, c := range cases {
		v, err := GenerateSubscripts(arrayLit(t, c.arr), c.dim, c.reverse)
		if err != nil {
			t.Errorf("generate_subscripts(%s, %d, %v): %v", c.arr, c.dim, c.reverse, err)
			continue
		}
		if got := Format(v, nil); got != c.want {
			t.Errorf("generate_subscripts(%s, %d, %v) = %s, want %s", c.arr, c.dim, c.reverse, got, c.want)
		}
	}
}

// TestArrayFill checks array_fill's results and errors, each recorded
// from PostgreSQL 15: "-" stands for the two-argument form, "NULL" for a
// NULL argument.
func TestArrayFill(t *testing.T) {
	cases := []struct {
		value      storage.Value
		dims, lbs  string
		want, code string
	}{
		{storage.Int32(7), "{3}", "-", "{7,7,7}", ""},
		{storage.Int32(7), "{2,2}", "{0,3}", "[0:1][3:4]={{7,7},{7,7}}", ""},
		{storage.Null(), "{2}", "-", "{NULL,NULL}", ""},
		{storage.Int32(1), "{0}", "-", "{}", ""},
		{storage.Int32(1), "{}", "-", "{}", ""},
		{storage.Int32(1), "{}", "{}", "{}", ""},
		{storage.Int32(1), "{0,2}", "-", "{}", ""},
		{storage.Int32(1), "[2:2]={3}", "-", "{1,1,1}", ""},
		{storage.Int32(1), "{2}", "{-5}", "[-5:-4]={1,1}", ""},
		{storage.Int32(1), "NULL", "-", "", "22004"},
		{storage.Int32(1), "{2}", "NULL", "", "22004"},
		{storage.Int32(1), "{NULL}", "-", "", "22004"},
		{storage.Int32(1), "{2}", "{NULL}", "", "22004"},
		{storage.Int32(1), "{2}", "{1,2}", "", "2202E"},
		{storage.Int32(1), "{{1}}", "-", "", "2202E"},
		{storage.Int32(1), "{-1}", "-", "", "54000"},
		{storage.Int32(1), "{1000000000,100}", "-", "", "54000"},
		{storage.Int32(1), "{1,1,1,1,1,1,1}", "-", "", "54000"},
		{storage.Int32(1), "{3}", "{2147483647}", "", "54000"},
		{storage.Int32(1), "{1}", "{2147483647}", "", "54000"},
		{storage.Int32(1), "{1}", "{2147483646}", "[2147483646:2147483646]={1}", ""},
	}
	lit := func(s string) storage.Value {
		if s == "NULL" {
			return storage.Null()
		}
		return arrayLit(t, s)
	}
	for _, c := range cases {
		var lbs *storage.Value
		if c.lbs != "-" {
			l := lit(c.lbs)
			lbs = &l
		}
		v, err := ArrayFill(storage.TypeInt32, c.value, lit(c.dims), lbs)
		if c.code != "" {
			if pgerr.CodeOf(err) != pgerr.Code(c.code) {
				t.Errorf("array_fill(%v, %s, %s): %v, want SQLSTATE %s", c.value, c.dims, c.lbs, err, c.code)
			}
			continue
		}
		if err != nil {
			t.Errorf("array_fill(%v, %s, %s): %v", c.value, c.dims, c.lbs, err)
			continue
		}
		if got := Format(v, nil); got != c.want {
			t.Errorf("array_fill(%v, %s, %s) = %s, want %s", c.value, c.dims, c.lbs, got, c.want)
		}
	}
}
