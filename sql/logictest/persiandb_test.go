package logictest

import (
	"context"
	"path/filepath"
	"testing"
)

// TestProjectFiles runs the project's own logic tests against the
// in-process engine. The same files pass against PostgreSQL 15 (make
// logic-postgres), which is how their expected results were checked.
func TestProjectFiles(t *testing.T) {
	runProjectFiles(t, OpenPersianDB)
}

// runProjectFiles runs every testdata/logic file on a fresh engine from
// open, one subtest per file, and fails on any failed record.
func runProjectFiles(t *testing.T, open Opener) {
	files, err := filepath.Glob("../../testdata/logic/*.test")
	if err != nil || len(files) == 0 {
		t.Fatalf("no logic test files: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			res := RunFile(context.Background(), open, f, Config{Labels: []string{"postgresql"}, MaxFailures: 20})
			if !res.OK() {
				if res.Err != nil {
					t.Fatal(res.Err)
				}
				t.Errorf("%s: %d of %d records failed", f, res.Failed, res.Run)
				for _, fail := range res.Failures {
					t.Log(fail)
				}
			}
		})
	}
}
