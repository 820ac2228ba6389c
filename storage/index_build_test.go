package storage

import (
	"fmt"
	"testing"
)

// chainRow links a version of key with value row (types int64, int64) on
// top of the key's current chain and returns its address.
func chainRow(t *testing.T, s *Store, tbl *Table, key []byte, begin, end uint64, flags uint64, vals ...Value) Addr {
	t.Helper()
	var val []byte
	if flags&FlagTombstone == 0 {
		var err error
		if val, err = EncodeRow(nil, tbl.Schema().Types, vals); err != nil {
			t.Fatal(err)
		}
	}
	var prev Addr
	slot, ok := tbl.Lookup(key)
	if ok {
		prev = tbl.Head(slot)
	}
	a, err := s.Log().Append(&RecordSpec{Table: tbl.ID(), BeginTS: begin, EndTS: end, Prev: prev, Flags: flags, Key: key, Value: val})
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		tbl.LookupOrInsert(key, a)
	} else if !tbl.CASHead(slot, prev, a) {
		t.Fatal("CASHead")
	}
	return a
}

func indexEntries(ix *Index) []string {
	var out []string
	ix.Ascend(nil, nil, func(ik, pk []byte) bool {
		out = append(out, fmt.Sprintf("%x/%s", ik, pk))
		return true
	})
	return out
}

func TestBuildIndexFilesLiveVersions(t *testing.T) {
	s, tbl := tblStore(t, Schema{Types: []Type{TypeInt64, TypeInt64}})
	g := s.NewGuard()
	defer g.Close()
	// k1: v=10 superseded at 5 (dead below horizon 8), v=11 superseded at
	// 9 (a snapshot at 8 still reads it), v=12 current.
	k1 := []byte("k1")
	chainRow(t, s, tbl, k1, 1, 5, 0, Int64(1), Int64(10))
	chainRow(t, s, tbl, k1, 5, 9, 0, Int64(1), Int64(11))
	chainRow(t, s, tbl, k1, 9, 0, 0, Int64(1), Int64(12))
	// k2: a running writer's version (a marker) over a committed one.
	k2 := []byte("k2")
	chainRow(t, s, tbl, k2, 2, MarkerBit|7, 0, Int64(2), Int64(20))
	chainRow(t, s, tbl, k2, MarkerBit|7, 0, 0, Int64(2), Int64(21))
	// k3: deleted (tombstone over a live version superseded at 9);
	// k4: an aborted insert.
	k3 := []byte("k3")
	chainRow(t, s, tbl, k3, 3, 9, 0, Int64(3), Int64(30))
	chainRow(t, s, tbl, k3, 9, 0, FlagTombstone)
	k4 := []byte("k4")
	chainRow(t, s, tbl, k4, 4, 0, FlagInvalid, Int64(4), Int64(40))
	// Enough further rows to span several chunks.
	for i := 0; i < 3*buildChunk; i++ {
		chainRow(t, s, tbl, []byte(fmt.Sprintf("m%04d", i)), 1, 0, 0, Int64(int64(100+i)), Int64(7))
	}

	ix, err := tbl.AddIndex(IndexSpec{ID: 1, Name: "by_v", Columns: []int{1}})
	if err != nil {
		t.Fatal(err)
	}
	filed := tbl.BuildIndex(g, ix, func() uint64 { return 8 })
	if want := 2 + 2 + 1 + 3*buildChunk; filed != want {
		t.Fatalf("filed %d versions, want %d", filed, want)
	}
	key := func(v int64) string { return fmt.Sprintf("%x", AppendKeyValue(nil, Int64(v), KeyColumn{})) }
	got := map[string]bool{}
	for _, e := range indexEntries(ix) {
		got[e] = true
	}
	for _, want := range []string{key(11) + "/k1", key(12) + "/k1", key(20) + "/k2", key(21) + "/k2", key(30) + "/k3"} {
		if !got[want] {
			t.Errorf("missing entry %s", want)
		}
	}
	for _, bad := range []string{key(10) + "/k1", key(40) + "/k4"} {
		if got[bad] {
			t.Errorf("entry %s of a dead version filed", bad)
		}
	}

	// Every m row carries 7: one duplicate group; k rows have none.
	var groups [][][]byte
	ix.Duplicates(func(ik []byte, pks [][]byte) bool {
		if fmt.Sprintf("%x", ik) != key(7) {
			t.Errorf("duplicate group under %x", ik)
		}
		groups = append(groups, pks)
		return true
	})
	if len(groups) != 1 || len(groups[0]) != 3*buildChunk {
		t.Fatalf("duplicate groups: %d", len(groups))
	}

	// Building again files nothing new.
	n := ix.Len()
	tbl.BuildIndex(g, ix, func() uint64 { return 8 })
	if ix.Len() != n {
		t.Fatalf("second build changed the index: %d -> %d entries", n, ix.Len())
	}
}

func TestDemoteIndexKeepsEntries(t *testing.T) {
	_, tbl := tblStore(t, Schema{Types: []Type{TypeInt64}})
	ix, err := tbl.AddIndex(IndexSpec{ID: 3, Name: "u", Unique: true, Columns: []int{0}})
	if err != nil {
		t.Fatal(err)
	}
	ix.Add(ixKey(1), []byte("a"))
	if !tbl.DemoteIndex(3) {
		t.Fatal("DemoteIndex did not find the index")
	}
	if tbl.DemoteIndex(4) {
		t.Fatal("DemoteIndex found a missing index")
	}
	got := tbl.Indexes()
	if len(got) != 1 || got[0].Spec().Unique || got[0].Spec().ID != 3 {
		t.Fatalf("after demotion: %+v", got[0].Spec())
	}
	// The old and the new Index share entries.
	got[0].Add(ixKey(2), []byte("b"))
	if ix.Len() != 2 || got[0].Len() != 2 {
		t.Fatalf("entries not shared: %d %d", ix.Len(), got[0].Len())
	}
	if !ix.Spec().Unique {
		t.Fatal("the Index value a writer already holds changed")
	}
}
