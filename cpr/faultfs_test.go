package cpr

import (
	"errors"
	"strings"
	"syscall"
	"testing"
)

func TestFaultFSFailNth(t *testing.T) {
	ffs := NewFaultFS(NewMemFS())
	ffs.FailNth(OpCreate, 2)
	ffs.FailFrom(OpSync, 3)
	f, err := ffs.Create("a")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ffs.Create("b"); !errors.Is(err, ErrInjected) {
		t.Fatalf("second create: %v", err)
	}
	if _, err := ffs.Create("c"); err != nil {
		t.Fatalf("third create: %v", err)
	}
	for i := 1; i <= 5; i++ {
		err := f.Sync()
		if (i >= 3) != errors.Is(err, ErrInjected) {
			t.Fatalf("sync %d: %v", i, err)
		}
	}
	if ffs.Count(OpSync) != 5 || ffs.Count(OpCreate) != 3 {
		t.Fatalf("counts: sync %d create %d", ffs.Count(OpSync), ffs.Count(OpCreate))
	}
	ffs.FailFrom(OpSync, 0)
	if err := f.Sync(); err != nil {
		t.Fatalf("after clearing: %v", err)
	}
	// A failed close still closes the file underneath.
	ffs.FailNth(OpClose, 1)
	if err := f.Close(); !errors.Is(err, ErrInjected) {
		t.Fatalf("close: %v", err)
	}
	if _, err := f.Write([]byte("x")); err == nil {
		t.Fatal("write after a failed close succeeded")
	}
	// Failed renames and directory syncs do nothing.
	ffs.FailNth(OpRename, 1)
	if err := ffs.Rename("a", "z"); !errors.Is(err, ErrInjected) {
		t.Fatal(err)
	}
	if _, err := ffs.Stat("a"); err != nil {
		t.Fatalf("failed rename moved the file: %v", err)
	}
	ops := ffs.Ops()
	if last := ops[len(ops)-1]; last.Op != OpStat || ops[len(ops)-2].Op != OpRename || ops[len(ops)-2].To != "z" {
		t.Fatalf("record: %v", ops)
	}
	if s := ops[len(ops)-2].String(); !strings.Contains(s, "rename a -> z") || !strings.Contains(s, "injected") {
		t.Fatalf("record string %q", s)
	}
	ffs.ResetOps()
	if len(ffs.Ops()) != 0 {
		t.Fatal("ResetOps kept operations")
	}
}

func TestFaultFSWrites(t *testing.T) {
	mem := NewMemFS()
	ffs := NewFaultFS(mem)
	f, _ := ffs.Create("a")
	ffs.SetLimit(10)
	if n, err := f.Write([]byte("123456")); n != 6 || err != nil {
		t.Fatalf("write within the limit: %d, %v", n, err)
	}
	n, err := f.Write([]byte("abcdef"))
	if n != 4 || !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("write over the limit: %d, %v", n, err)
	}
	if n, err := f.WriteAt([]byte("x"), 0); n != 0 || !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("write when full: %d, %v", n, err)
	}
	if b, _ := mem.ReadFile("a"); string(b) != "123456abcd" {
		t.Fatalf("file holds %q", b)
	}
	ffs.SetLimit(-1)
	if _, err := f.WriteAt([]byte("X"), 0); err != nil {
		t.Fatal(err)
	}
	// Torn writes.
	ffs.SetTornWrites(true)
	ffs.FailNth(OpWrite, ffs.Count(OpWrite)+1)
	if n, err := f.Write([]byte("ABCD")); n != 2 || !errors.Is(err, ErrInjected) {
		t.Fatalf("torn write: %d, %v", n, err)
	}
	if b, _ := mem.ReadFile("a"); string(b) != "X23456abcdAB" {
		t.Fatalf("file holds %q", b)
	}
	if ffs.Written() != 13 {
		t.Fatalf("Written %d", ffs.Written())
	}
	var writes []OpRecord
	for _, r := range ffs.Ops() {
		if r.Op == OpWrite {
			writes = append(writes, r)
		}
	}
	if len(writes) != 5 || writes[2].Off != 0 || writes[0].Off != -1 || writes[1].N != 4 {
		t.Fatalf("write records %v", writes)
	}
	// The hook sees operations and can fail them.
	hookErr := errors.New("hooked")
	ffs.SetHook(func(r OpRecord) error {
		if r.Op == OpSyncDir {
			return hookErr
		}
		return nil
	})
	if err := ffs.SyncDir("."); err != hookErr {
		t.Fatalf("hook: %v", err)
	}
	if err := ffs.MkdirAll("x"); err != nil {
		t.Fatal(err)
	}
}
