package sem

import (
	"testing"

	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/storage"
)

// TestArraySetSlice checks slice assignment against the arrays and errors
// PostgreSQL 15 gives for UPDATE t SET a[bounds] = src. Bounds are
// "lo:hi" pairs; "" is an omitted bound.
func TestArraySetSlice(t *testing.T) {
	cases := []struct {
		arr    string // "NULL" for a NULL array
		bounds [][2]string
		src    string
		want   string // result, or the SQLSTATE of the error
	}{
		{"{1,2,3,4}", [][2]string{{"2", "3"}}, "{20,30}", "{1,20,30,4}"},
		{"{1,2,3,4}", [][2]string{{"2", "3"}}, "{7,8,9}", "{1,7,8,4}"},
		{"{1,2,3,4}", [][2]string{{"2", "3"}}, "{7}", "2202E"},
		{"{1,2,3,4}", [][2]string{{"6", "7"}}, "{6,7}", "{1,2,3,4,NULL,6,7}"},
		{"{1,2}", [][2]string{{"-1", "0"}}, "{8,9}", "[-1:2]={8,9,1,2}"},
		{"{1,2}", [][2]string{{"-3", "-2"}}, "{8,9}", "[-3:2]={8,9,NULL,NULL,1,2}"},
		{"{1,2}", [][2]string{{"0", "5"}}, "{{1,2,3},{4,5,6}}", "[0:5]={1,2,3,4,5,6}"},
		{"NULL", [][2]string{{"2", "3"}}, "{5,6}", "[2:3]={5,6}"},
		{"{}", [][2]string{{"1", "2"}, {"1", "1"}}, "{1,2}", "{{1},{2}}"},
		{"NULL", [][2]string{{"", "2"}}, "{5,6}", "2202E"},
		{"[0:2]={1,2,3}", [][2]string{{"", "1"}}, "{9,9,9}", "[0:2]={9,9,3}"},
		{"[0:2]={1,2,3}", [][2]string{{"1", ""}}, "{8,8,8}", "[0:2]={1,8,8}"},
		{"{{1,2},{3,4}}", [][2]string{{"1", "2"}, {"1", "1"}}, "{10,30}", "{{10,2},{30,4}}"},
		{"{{1,2},{3,4}}", [][2]string{{"2", "2"}}, "{0,0}", "{{1,2},{0,0}}"},
		{"{{1,2},{3,4}}", [][2]string{{"1", "3"}, {"1", "1"}}, "{1,2,3}", "2202E"},
		{"{1,2}", [][2]string{{"1", "1"}, {"1", "1"}}, "{1}", "2202E"},
		{"{1,2}", [][2]string{{"3", "2"}}, "{1}", "2202E"},
		{"{1,2}", [][2]string{{"1", "2147483647"}}, "{1}", "54000"},
	}
	lit := func(s string) storage.Value {
		if s == "NULL" {
			return storage.Null()
		}
		return arrayLit(t, s)
	}
	for _, c := range cases {
		bounds := make([]SliceBound, len(c.bounds))
		for i, b := range c.bounds {
			for k, s := range b {
				var v storage.Value
				if s != "" {
					n, err := ParseText(nil, s, storage.TypeInt32)
					if err != nil {
						t.Fatal(err)
					}
					v = n
				}
				if k == 0 {
					bounds[i].Lo, bounds[i].NoLo = v, s == ""
				} else {
					bounds[i].Hi, bounds[i].NoHi = v, s == ""
				}
			}
		}
		v, err := ArraySetSlice(storage.TypeInt32, lit(c.arr), bounds, lit(c.src))
		got := ""
		if err != nil {
			got = string(pgerr.CodeOf(err))
		} else {
			got = Format(v, nil)
		}
		if got != c.want {
			t.Errorf("%s%v = %s: got %s (%v), want %s", c.arr, c.bounds, c.src, got, err, c.want)
		}
	}
	// A NULL bound is an error even with a NULL source; a NULL source
	// leaves the array as it was.
	null := []SliceBound{{Lo: storage.Null(), Hi: storage.Int32(2)}}
	if _, err := ArraySetSlice(storage.TypeInt32, lit("{1}"), null, storage.Null()); pgerr.CodeOf(err) != pgerr.NullValueNotAllowed {
		t.Errorf("NULL bound: %v", err)
	}
	one := []SliceBound{{Lo: storage.Int32(1), Hi: storage.Int32(1)}}
	if v, err := ArraySetSlice(storage.TypeInt32, lit("{1,2}"), one, storage.Null()); err != nil || Format(v, nil) != "{1,2}" {
		t.Errorf("NULL source: %v %v", v, err)
	}
}
