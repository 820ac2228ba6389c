package storage

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
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

func TestTableLoadRows(t *testing.T) {
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
	bad := append([]LoadRow(nil), rows[:3]...)
	bad[1].BeginTS = MarkerBit | 7
	if err := tbl.LoadRows(bad); err == nil {
		t.Fatal("LoadRows with a marker succeeded")
	}
	if tbl.Len() != 1 {
		t.Fatalf("a rejected batch changed the table: %d keys", tbl.Len())
	}
	// Any order: the batch is sorted.
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
	if err := tbl.LoadRows(rows); err != nil {
		t.Fatal(err)
	}
	tbl.FinishLoad(0)
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
	// version as it was; the rows before it in key order are loaded.
	err := tbl.LoadRows([]LoadRow{{Key: []byte("zz"), BeginTS: ts}, {Key: []byte("k00001"), Value: []byte("x"), BeginTS: ts}, {Key: []byte("a"), BeginTS: ts}})
	if !errors.Is(err, ErrLoadedTwice) {
		t.Fatalf("LoadRows of a loaded key: %v, want ErrLoadedTwice", err)
	}
	g.Enter()
	defer g.Exit()
	if sl, ok := tbl.Lookup([]byte("k00001")); !ok || !bytes.Equal(s.Log().Record(tbl.Head(sl)).Value(), []byte("vk00001")) {
		t.Fatal("k00001 changed by a failed batch")
	}
	if _, ok := tbl.Lookup([]byte("zz")); ok {
		t.Fatal("a row after the failed one was loaded")
	}
	if _, ok := tbl.Lookup([]byte("a")); !ok {
		t.Fatal("the row before the failed one was not loaded")
	}
	if tbl.Len() != 20001 {
		t.Fatalf("%d keys after a failed batch, want 20001", tbl.Len())
	}
	if err := s.CheckConsistency(g); err != nil {
		t.Fatal(err)
	}
}

// TestLoadRowsConcurrent: goroutines loading batches of one table at
// once (as recovery's segment readers do), with a duplicate across two
// of them or not, leave every key loaded exactly once, and FinishLoad
// puts every key in the btree into the point index, and only those.
func TestLoadRowsConcurrent(t *testing.T) {
	for _, dup := range []bool{false, true} {
		s, tbl := tblStore(t, Schema{})
		const ts = 5 << 40
		const loaders, perLoader, batch = 4, 30000, 1000
		var wg sync.WaitGroup
		errs := make([]error, loaders)
		for w := 0; w < loaders; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for lo := 0; lo < perLoader; lo += batch {
					rows := make([]LoadRow, batch)
					for i := range rows {
						n := w*perLoader + lo + i // each loader its own key range
						if dup && w == 3 && lo == 0 && i == 7 {
							n = 12345 // loader 0's
						}
						k := []byte(fmt.Sprintf("k%07d", n))
						rows[i] = LoadRow{Key: k, Value: k, BeginTS: ts}
					}
					if err := tbl.LoadRows(rows); err != nil {
						errs[w] = err
						return
					}
				}
			}()
		}
		wg.Wait()
		tbl.FinishLoad(3)
		failed := 0
		for _, err := range errs {
			if err != nil {
				if !errors.Is(err, ErrLoadedTwice) {
					t.Fatalf("dup %v: %v", dup, err)
				}
				failed++
			}
		}
		if failed != btoi(dup) {
			t.Fatalf("dup %v: %d loaders failed", dup, failed)
		}
		g := s.NewGuard()
		g.Enter()
		tbl.mu.Lock()
		used, pending := tbl.point.used, len(tbl.mu.loaded)
		tbl.mu.Unlock()
		if used != tbl.Len() || pending != 0 {
			t.Fatalf("dup %v: point index holds %d keys (%d chunks pending), btree %d", dup, used, pending, tbl.Len())
		}
		// With the duplicate, whichever of loaders 0 and 3 came second
		// stopped there: fewer keys, how many depends on the timing.
		if all := loaders * perLoader; tbl.Len() != all && (!dup || tbl.Len() >= all) {
			t.Fatalf("dup %v: %d keys, want %d", dup, tbl.Len(), all)
		}
		for n := 0; n < loaders*perLoader; n++ {
			k := []byte(fmt.Sprintf("k%07d", n))
			_, inTree := tbl.Lookup(k)
			_, inPoint := tbl.point.lookup(tbl, k)
			if inPoint != inTree || (!dup && !inTree) || (n == 12345 && !inTree) {
				t.Fatalf("dup %v: key %s: in the btree %v, in the point index %v", dup, k, inTree, inPoint)
			}
		}
		if err := s.CheckConsistency(g); err != nil {
			t.Fatalf("dup %v: %v", dup, err)
		}
		g.Exit()
		g.Close()
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestLoadRowsAppendFails: a record the log refuses (too large) in the
// middle of a batch loads none of the batch and leaves the table's own
// keys and slots consistent.
func TestLoadRowsAppendFails(t *testing.T) {
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
	if err := tbl.LoadRows(rows); !errors.Is(err, ErrRecordTooLarge) {
		t.Fatalf("%v, want ErrRecordTooLarge", err)
	}
	tbl.FinishLoad(0)
	if tbl.Len() != 1 {
		t.Fatalf("%d keys after a failed batch, want 1", tbl.Len())
	}
	g := s.NewGuard()
	defer g.Close()
	g.Enter()
	if _, ok := tbl.point.lookup(tbl, rows[0].Key); ok {
		t.Fatal("a key of the failed batch is in the point index")
	}
	if err := s.CheckConsistency(g); err != nil {
		t.Fatal(err)
	}
	g.Exit()
	rows[n*3/4].Value = rows[n*3/4].Key
	if err := tbl.LoadRows(rows); err != nil {
		t.Fatal(err)
	}
	tbl.FinishLoad(0)
	g.Enter()
	if tbl.Len() != n+1 {
		t.Fatalf("%d keys, want %d", tbl.Len(), n+1)
	}
	if _, ok := tbl.point.lookup(tbl, rows[0].Key); !ok {
		t.Fatal("a loaded key is not in the point index")
	}
	if err := s.CheckConsistency(g); err != nil {
		t.Fatal(err)
	}
	g.Exit()
}
