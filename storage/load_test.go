package storage

import (
	"bytes"
	"testing"
)

func TestTableLoad(t *testing.T) {
	s, tbl := tblStore(t, Schema{})
	const ts = 5 << 40
	if err := tbl.Load([]byte("a"), []byte("va"), ts); err != nil {
		t.Fatal(err)
	}
	if err := tbl.Load([]byte("b"), []byte("vb"), ts+1); err != nil {
		t.Fatal(err)
	}
	if err := tbl.Load([]byte("c"), nil, MarkerBit|7); err == nil {
		t.Fatal("Load with a marker succeeded")
	}
	if err := tbl.Load([]byte("a"), []byte("again"), ts+2); err == nil {
		t.Fatal("loading a key twice succeeded")
	}
	g := s.NewGuard()
	defer g.Close()
	g.Enter()
	defer g.Exit()
	if tbl.Len() != 2 {
		t.Fatalf("%d keys, want 2", tbl.Len())
	}
	sl, ok := tbl.Lookup([]byte("a"))
	if !ok {
		t.Fatal("a not found")
	}
	r := s.Log().Record(tbl.Head(sl))
	if r.BeginTS() != ts || r.EndTS() != 0 || r.Prev() != 0 || r.Tombstone() || !r.Verify() || !bytes.Equal(r.Value(), []byte("va")) {
		t.Fatalf("a's head: begin %#x end %#x prev %d value %q", r.BeginTS(), r.EndTS(), r.Prev(), r.Value())
	}
	// The rejected duplicate is in the log, invalid, and counted as garbage.
	invalid := 0
	s.Log().Scan(s.Log().Begin(), s.Log().Tail(), func(_ Addr, r Record) bool {
		if r.Invalid() {
			invalid++
			if !bytes.Equal(r.Value(), []byte("again")) {
				t.Errorf("invalid record %q", r.Value())
			}
		}
		return true
	})
	if invalid != 1 || s.Garbage() == 0 {
		t.Fatalf("%d invalid records, garbage %d; want the duplicate", invalid, s.Garbage())
	}
}
