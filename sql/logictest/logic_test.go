package logictest

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// select1Values is the result of select1.test:94 in SQLite's corpus
// (expected there as "30 values hashing to 3c13dee48d9356ae19af2515e05e6b54").
var select1Values = []int{358, 364, 376, 382, 398, 402, 410, 426, 432, 440, 458, 468, 478, 486, 490,
	1000, 1050, 1120, 1180, 1240, 1290, 1300, 1390, 1430, 1450, 1510, 1580, 1600, 1670, 1700}

// newTestFake returns the fake engine with the fixed results the testdata
// files query.
func newTestFake() *fakeEngine {
	e := newFake()
	var corpus [][]Value
	for _, v := range select1Values {
		corpus = append(corpus, []Value{Text(strconv.Itoa(v))})
	}
	e.fixed["SELECT corpus"] = fakeResult{[]ColumnType{{"case", "int4"}}, corpus}
	e.fixed["SELECT pairs"] = fakeResult{[]ColumnType{{"x", "int4"}, {"y", "int4"}},
		[][]Value{{Text("2"), Text("10")}, {Text("1"), Text("20")}}}
	e.fixed["SELECT pairs1"] = fakeResult{[]ColumnType{{"x", "int4"}},
		[][]Value{{Text("20")}, {Text("1")}, {Text("10")}, {Text("2")}}}
	return e
}

var fakeConfig = Config{Labels: []string{"fake"}, MaxFailures: 100}

func TestRunnerPass(t *testing.T) {
	e := newTestFake()
	res := RunFile(context.Background(), e.opener(), "testdata/pass.test", fakeConfig)
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	for _, f := range res.Failures {
		t.Errorf("%s: %s\n%s\nexpected %q\ngot      %q", f.Pos, f.Message, f.SQL, f.Expected, f.Got)
	}
	// 30 records before halt, 2 of them skipped by conditions; 2 after halt.
	if res.Run != 28 || res.Passed != 28 || res.Skipped != 4 {
		t.Errorf("run %d passed %d skipped %d, want 28 28 4", res.Run, res.Passed, res.Skipped)
	}
	if got := strings.Join(e.opened, ","); got != "default,s1,s2" {
		t.Errorf("sessions opened %s, want default,s1,s2", got)
	}
	if !e.closed {
		t.Error("engine not closed")
	}
}

func TestRunnerFail(t *testing.T) {
	res := RunFile(context.Background(), newTestFake().opener(), "testdata/fail.test", fakeConfig)
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	want := []struct {
		line int
		msg  string
	}{
		{4, `error 42P01: relation "t" does not exist`},
		{7, "succeeded, expected an error"},
		{10, "expected SQLSTATE 23505, got error 23503: foreign key violation"},
		{13, `expected an error matching "duplicate", got error 23505: unique violation`},
		{16, "results differ"},
		{21, "query returned 1 columns, the type string \"TT\" has 2"},
		{26, "results differ"},
		{36, "result differs from the earlier query labeled label-x"},
	}
	if res.Run != 9 || res.Failed != len(want) {
		t.Errorf("run %d failed %d, want 9 %d", res.Run, res.Failed, len(want))
	}
	for i, w := range want {
		if i >= len(res.Failures) {
			t.Errorf("missing failure at line %d", w.line)
			continue
		}
		f := res.Failures[i]
		if wantPos := "testdata/fail.test:" + strconv.Itoa(w.line); f.Pos != wantPos || f.Message != w.msg {
			t.Errorf("failure %d: %s: %s\nwant %s: %s", i, f.Pos, f.Message, wantPos, w.msg)
		}
	}
	if f := res.Failures[4]; strings.Join(f.Expected, "|") != "2" || strings.Join(f.Got, "|") != "1" {
		t.Errorf("mismatch shows expected %q got %q", f.Expected, f.Got)
	}
	if f := res.Failures[6]; f.Got[0] != "30 values hashing to 3c13dee48d9356ae19af2515e05e6b54" {
		t.Errorf("hash mismatch shows got %q", f.Got)
	}
}

func TestRunnerMaxFailures(t *testing.T) {
	cfg := fakeConfig
	cfg.MaxFailures = 2
	res := RunFile(context.Background(), newTestFake().opener(), "testdata/fail.test", cfg)
	if len(res.Failures) != 2 || res.Failed != 8 {
		t.Errorf("kept %d of %d failures, want 2 of 8", len(res.Failures), res.Failed)
	}
}

func TestCollectFiles(t *testing.T) {
	files, err := CollectFiles([]string{"testdata"})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if filepath.Ext(f) != ".test" {
			t.Errorf("collected %s", f)
		}
	}
	if len(files) < 2 {
		t.Errorf("collected %v", files)
	}
}
