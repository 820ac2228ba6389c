package logictest

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var updateGolden = flag.Bool("rewrite", false, "rewrite testdata/rewrite.golden")

// TestRewrite runs -rewrite on a copy of testdata/rewrite.test, compares
// the result with testdata/rewrite.golden byte for byte, and runs the
// rewritten file again: it must pass and -rewrite must leave it unchanged.
func TestRewrite(t *testing.T) {
	in, err := os.ReadFile("testdata/rewrite.test")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "rewrite.test")
	if err := os.WriteFile(path, in, 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := fakeConfig
	cfg.Rewrite = true
	res := RunFile(context.Background(), newTestFake().opener(), path, cfg)
	if res.Err != nil || res.Failed != 0 || res.Rewritten != 5 {
		t.Fatalf("rewrite: err %v, %d failed, %d rewritten (want 5): %+v", res.Err, res.Failed, res.Rewritten, res.Failures)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if *updateGolden {
		if err := os.WriteFile("testdata/rewrite.golden", got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile("testdata/rewrite.golden")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("rewritten file differs from testdata/rewrite.golden (go test -rewrite updates it):\n%s", got)
	}

	res = RunFile(context.Background(), newTestFake().opener(), path, cfg)
	if res.Err != nil || res.Failed != 0 || res.Rewritten != 0 {
		t.Errorf("second run: err %v, %d failed, %d rewritten", res.Err, res.Failed, res.Rewritten)
	}
	again, _ := os.ReadFile(path)
	if !bytes.Equal(again, want) {
		t.Error("a second -rewrite changed the file")
	}
}
