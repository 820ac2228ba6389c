package storage

import (
	"bytes"
	"errors"
	"fmt"
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

func TestTableLoadBatch(t *testing.T) {
	s, tbl := tblStore(t, Schema{})
	const ts = 5 << 40
	if err := tbl.Load([]byte("k05000"), []byte("old"), ts); err != nil {
		t.Fatal(err)
	}
	var rows []LoadRow
	for i := 0; i < 20000; i++ {
		if i == 5000 {
			continue
		}
		k := []byte(fmt.Sprintf("k%05d", i))
		rows = append(rows, LoadRow{Key: k, Value: append([]byte("v"), k...), BeginTS: ts + uint64(i)})
	}
	bad := append([]LoadRow(nil), rows...)
	bad[1], bad[2] = bad[2], bad[1]
	if err := tbl.LoadBatch(bad); err == nil {
		t.Fatal("LoadBatch of unsorted rows succeeded")
	}
	bad = append([]LoadRow(nil), rows[:3]...)
	bad[1].BeginTS = MarkerBit | 7
	if err := tbl.LoadBatch(bad); err == nil {
		t.Fatal("LoadBatch with a marker succeeded")
	}
	if tbl.Len() != 1 {
		t.Fatalf("rejected batches changed the table: %d keys", tbl.Len())
	}
	if err := tbl.LoadBatch(rows); err != nil {
		t.Fatal(err)
	}
	g := s.NewGuard()
	defer g.Close()
	g.Enter()
	if tbl.Len() != 20000 {
		t.Fatalf("%d keys, want 20000", tbl.Len())
	}
	for i := 0; i < 20000; i++ {
		k := []byte(fmt.Sprintf("k%05d", i))
		sl, ok := tbl.Lookup(k)
		if !ok {
			t.Fatalf("%s not found", k)
		}
		r := s.Log().Record(tbl.Head(sl))
		want, wantTS := append([]byte("v"), k...), uint64(ts+i)
		if i == 5000 {
			want, wantTS = []byte("old"), ts
		}
		if !bytes.Equal(r.Key(), k) || !bytes.Equal(r.Value(), want) || r.BeginTS() != wantTS || r.EndTS() != 0 || r.Prev() != 0 || !r.Verify() {
			t.Fatalf("%s: key %q value %q begin %#x", k, r.Key(), r.Value(), r.BeginTS())
		}
	}
	g.Exit()
	// A key the table already has fails the batch there and leaves its
	// version as it was.
	if err := tbl.LoadBatch([]LoadRow{{Key: []byte("k00001"), Value: []byte("x"), BeginTS: ts}, {Key: []byte("zz"), BeginTS: ts}}); err == nil {
		t.Fatal("LoadBatch of a loaded key succeeded")
	}
	g.Enter()
	defer g.Exit()
	if sl, ok := tbl.Lookup([]byte("k00001")); !ok || !bytes.Equal(s.Log().Record(tbl.Head(sl)).Value(), []byte("vk00001")) {
		t.Fatal("k00001 changed by a failed batch")
	}
	if _, ok := tbl.Lookup([]byte("zz")); ok {
		t.Fatal("a row after the failed one was loaded")
	}
	if tbl.Len() != 20000 {
		t.Fatalf("%d keys after a failed batch, want 20000", tbl.Len())
	}
}

// TestLoadBatchPointIndex: a large batch fills the point index (in the
// order of the keys' home positions, from several goroutines) with every
// key it put in the btree, and only those, also when it stops at a key
// the table already has.
func TestLoadBatchPointIndex(t *testing.T) {
	for _, dupAt := range []int{-1, 60000} {
		s, tbl := tblStore(t, Schema{})
		const ts = 5 << 40
		const n = 100000
		if dupAt >= 0 {
			if err := tbl.Load([]byte(fmt.Sprintf("k%07d", dupAt)), []byte("old"), ts); err != nil {
				t.Fatal(err)
			}
		}
		rows := make([]LoadRow, n)
		for i := range rows {
			k := []byte(fmt.Sprintf("k%07d", i))
			rows[i] = LoadRow{Key: k, Value: k, BeginTS: ts}
		}
		err := tbl.LoadBatch(rows)
		if (err != nil) != (dupAt >= 0) {
			t.Fatalf("dup at %d: %v", dupAt, err)
		}
		loaded := n
		if dupAt >= 0 {
			loaded = dupAt + 1 // the rows before it, and the old key
		}
		g := s.NewGuard()
		g.Enter()
		tbl.mu.Lock()
		used := tbl.point.used
		tbl.mu.Unlock()
		if used != loaded || tbl.Len() != loaded {
			t.Fatalf("dup at %d: point index holds %d keys, table %d, want %d", dupAt, used, tbl.Len(), loaded)
		}
		for i := 0; i < n; i++ {
			k := []byte(fmt.Sprintf("k%07d", i))
			_, inPoint := tbl.point.lookup(tbl, k)
			if inPoint != (i < loaded) {
				t.Fatalf("dup at %d: key %s in the point index: %v", dupAt, k, inPoint)
			}
		}
		g.Exit()
		g.Close()
	}
}

// TestLoadBatchAppendFails: a record the log refuses (too large) in the
// middle of a batch loads none of the batch, whatever the number of
// workers (the btree filler runs beside the appenders), and leaves the
// table's own keys and slots consistent.
func TestLoadBatchAppendFails(t *testing.T) {
	for _, workers := range []int{1, 2, 3} {
		s, tbl := tblStore(t, Schema{})
		const ts = 5 << 40
		if err := tbl.Load([]byte("a-before"), []byte("old"), ts); err != nil {
			t.Fatal(err)
		}
		const n = 50000
		rows := make([]LoadRow, n)
		for i := range rows {
			k := []byte(fmt.Sprintf("k%07d", i))
			rows[i] = LoadRow{Key: k, Value: k, BeginTS: ts}
		}
		rows[n*3/4].Value = make([]byte, s.Log().MaxRecordSize())
		if err := tbl.LoadBatchWorkers(rows, workers); !errors.Is(err, ErrRecordTooLarge) {
			t.Fatalf("workers %d: %v, want ErrRecordTooLarge", workers, err)
		}
		if tbl.Len() != 1 {
			t.Fatalf("workers %d: %d keys after a failed batch, want 1", workers, tbl.Len())
		}
		g := s.NewGuard()
		g.Enter()
		if _, ok := tbl.point.lookup(tbl, rows[0].Key); ok {
			t.Fatalf("workers %d: a key of the failed batch is in the point index", workers)
		}
		if err := s.CheckConsistency(g); err != nil {
			t.Fatalf("workers %d: %v", workers, err)
		}
		g.Exit()
		// The slots went back: the table loads the batch once it is valid.
		rows[n*3/4].Value = rows[n*3/4].Key
		if err := tbl.LoadBatchWorkers(rows, workers); err != nil {
			t.Fatalf("workers %d: %v", workers, err)
		}
		g.Enter()
		if tbl.Len() != n+1 {
			t.Fatalf("workers %d: %d keys, want %d", workers, tbl.Len(), n+1)
		}
		if err := s.CheckConsistency(g); err != nil {
			t.Fatalf("workers %d: %v", workers, err)
		}
		g.Exit()
		g.Close()
	}
}
