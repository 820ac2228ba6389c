package logictest

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func TestBaselineRoundTrip(t *testing.T) {
	root := "/corpus"
	results := []FileResult{
		{Path: "/corpus/a/x.test", Run: 10, Passed: 9},
		{Path: "/corpus/b.test", Run: 5, Passed: 5},
	}
	var buf bytes.Buffer
	if err := WriteBaseline(&buf, root, results, "postgres"); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "base.txt")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	b, err := ReadBaseline(path)
	if err != nil {
		t.Fatal(err)
	}
	if b["a/x.test"] != 9 || b["b.test"] != 5 {
		t.Fatalf("baseline %v", b)
	}
	// Passing as many as the reference is enough; fewer is a shortfall,
	// and so is a file that could not run or is not in the baseline and
	// failed.
	got := []FileResult{
		{Path: "/corpus/a/x.test", Run: 10, Passed: 9},
		{Path: "/corpus/b.test", Run: 5, Passed: 4},
		{Path: "/corpus/new.test", Run: 3, Passed: 2},
	}
	short := b.Check(root, got)
	if len(short) != 2 || short[0].Path != "/corpus/b.test" || short[1].Wanted != 3 {
		t.Fatalf("shortfalls %+v", short)
	}
}
