package storage

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

func tblStore(t testing.TB, schema Schema) (*Store, *Table) {
	t.Helper()
	s := Open(Options{PageBits: 12})
	tbl, err := s.CreateTable(1, "t", schema)
	if err != nil {
		t.Fatal(err)
	}
	return s, tbl
}

func tblKey(i int) []byte { return []byte(fmt.Sprintf("k%05d", i)) }

// tblRec appends a version of key to the store's log and returns its
// address: slots must point at records carrying their key (Lookup's point
// cache checks the key there).
func tblRec(t testing.TB, s *Store, tbl *Table, key []byte) Addr {
	t.Helper()
	a, err := s.Log().Append(&RecordSpec{Table: tbl.ID(), BeginTS: 1, Key: key, Value: []byte("v")})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestTableLookupOrInsertAndHead(t *testing.T) {
	s, tbl := tblStore(t, Schema{})
	g := s.NewGuard()
	defer g.Close()
	g.Enter()
	defer g.Exit()
	rec := func(key string) Addr { return tblRec(t, s, tbl, []byte(key)) }
	if _, ok := tbl.Lookup([]byte("a")); ok {
		t.Fatal("empty table found a key")
	}
	a1, a2, b1 := rec("a"), rec("a"), rec("b")
	sa, created := tbl.LookupOrInsert([]byte("a"), a1)
	if !created {
		t.Fatal("first insert not created")
	}
	sb, created := tbl.LookupOrInsert([]byte("b"), b1)
	if !created || sb == sa {
		t.Fatalf("second key: created %v slot %d (a's %d)", created, sb, sa)
	}
	again, created := tbl.LookupOrInsert([]byte("a"), a2)
	if created || again != sa {
		t.Fatalf("existing key: created %v slot %d, want %d", created, again, sa)
	}
	if tbl.Head(sa) != a1 || tbl.Head(sb) != b1 {
		t.Fatalf("heads %d %d; an existing key's head must not change on LookupOrInsert", tbl.Head(sa), tbl.Head(sb))
	}
	if got, ok := tbl.Lookup([]byte("b")); !ok || got != sb {
		t.Fatalf("Lookup(b) = %d %v", got, ok)
	}
	// The key is copied: the caller may reuse its buffer.
	buf := []byte("c")
	sc, _ := tbl.LookupOrInsert(buf, rec("c"))
	buf[0] = 'z'
	if got, ok := tbl.Lookup([]byte("c")); !ok || got != sc {
		t.Fatal("key not copied into the tree")
	}
	if _, ok := tbl.Lookup([]byte("z")); ok {
		t.Fatal("tree aliases the caller's key buffer")
	}
	if tbl.Len() != 3 {
		t.Fatalf("Len %d", tbl.Len())
	}
	if tbl.CASHead(sa, a2, a1) || tbl.Head(sa) != a1 {
		t.Fatal("CASHead with a wrong old value succeeded")
	}
	if !tbl.CASHead(sa, a1, a2) || tbl.Head(sa) != a2 {
		t.Fatal("CASHead failed")
	}
	if got, ok := tbl.Lookup([]byte("a")); !ok || got != sa {
		t.Fatal("Lookup after CASHead")
	}
	if tbl.Head(sb) != b1 {
		t.Fatal("CASHead touched another slot")
	}
	// The empty key is a key.
	se, created := tbl.LookupOrInsert(nil, rec(""))
	if got, ok := tbl.Lookup([]byte{}); !created || !ok || got != se {
		t.Fatal("empty key")
	}

	// Many keys: slots are distinct and span several slot chunks.
	n := 3 * (1 << slotChunkBits)
	slots := map[SlotID]bool{}
	heads := make([]Addr, n)
	for i := 0; i < n; i++ {
		heads[i] = tblRec(t, s, tbl, tblKey(i))
		sl, created := tbl.LookupOrInsert(tblKey(i), heads[i])
		if !created || slots[sl] {
			t.Fatalf("key %d: created %v, slot %d reused", i, created, sl)
		}
		slots[sl] = true
	}
	for i := 0; i < n; i++ {
		sl, ok := tbl.Lookup(tblKey(i))
		if !ok || tbl.Head(sl) != heads[i] {
			t.Fatalf("key %d: slot %d head %d, want %d", i, sl, tbl.Head(sl), heads[i])
		}
	}
	if _, ok := tbl.Lookup(tblKey(n)); ok {
		t.Fatal("found a key never inserted")
	}
	if tbl.Len() != n+4 {
		t.Fatalf("Len %d, want %d", tbl.Len(), n+4)
	}
	if s.Table(1) != tbl || tbl.ID() != 1 || tbl.Name() != "t" {
		t.Fatal("table identity")
	}
	if err := s.CheckConsistency(s.NewGuard()); err != nil {
		t.Fatal(err)
	}
}

func TestTableAscendDescend(t *testing.T) {
	s, tbl := tblStore(t, Schema{})
	const n = 300 // more than two scan chunks
	// Insert in a scrambled order.
	for i := 0; i < n; i++ {
		j := (i * 7) % n
		tbl.LookupOrInsert(tblKey(j*2), tblRec(t, s, tbl, tblKey(j*2))) // even numbers only
	}
	collect := func(desc bool, from, to []byte, limit int) []string {
		var out []string
		fn := func(k []byte, sl SlotID) bool {
			if r := s.Log().Record(tbl.Head(sl)); !bytes.Equal(r.Key(), k) {
				t.Fatalf("key %s: slot %d heads a record of key %s", k, sl, r.Key())
			}
			out = append(out, string(k))
			return limit <= 0 || len(out) < limit
		}
		if desc {
			tbl.Descend(from, to, fn)
		} else {
			tbl.Ascend(from, to, fn)
		}
		return out
	}
	keys := func(lo, hi, step int) []string { // even keys in [lo, hi)
		var out []string
		for i := lo; i < hi; i += step {
			out = append(out, string(tblKey(i)))
		}
		return out
	}
	rev := func(s []string) []string { s = slices.Clone(s); slices.Reverse(s); return s }
	check := func(name string, got, want []string) {
		t.Helper()
		if !slices.Equal(got, want) {
			t.Fatalf("%s: got %d keys %v...\nwant %d keys %v...", name, len(got), head(got), len(want), head(want))
		}
	}
	all := keys(0, 2*n, 2)
	check("ascend all", collect(false, nil, nil, 0), all)
	check("descend all", collect(true, nil, nil, 0), rev(all))
	// Bounds on keys: from inclusive, to exclusive.
	check("ascend [k00010, k00500)", collect(false, tblKey(10), tblKey(500), 0), keys(10, 500, 2))
	check("descend [k00010, k00500)", collect(true, tblKey(10), tblKey(500), 0), rev(keys(10, 500, 2)))
	// Bounds between keys.
	check("ascend [k00011, k00501)", collect(false, tblKey(11), tblKey(501), 0), keys(12, 502, 2))
	check("descend [k00011, k00501)", collect(true, tblKey(11), tblKey(501), 0), rev(keys(12, 502, 2)))
	// One open end.
	check("ascend from k00300", collect(false, tblKey(300), nil, 0), keys(300, 2*n, 2))
	check("ascend to k00300", collect(false, nil, tblKey(300), 0), keys(0, 300, 2))
	check("descend from k00300", collect(true, tblKey(300), nil, 0), rev(keys(300, 2*n, 2)))
	check("descend to k00300", collect(true, nil, tblKey(300), 0), rev(keys(0, 300, 2)))
	// Ranges of exactly one chunk and one more, whose end is where a chunk
	// ends.
	check("ascend exactly 128", collect(false, tblKey(0), tblKey(256), 0), keys(0, 256, 2))
	check("ascend 129", collect(false, tblKey(0), tblKey(258), 0), keys(0, 258, 2))
	check("descend exactly 128", collect(true, tblKey(344), tblKey(600), 0), rev(keys(344, 600, 2)))
	check("descend 129", collect(true, tblKey(342), tblKey(600), 0), rev(keys(342, 600, 2)))
	// Empty ranges.
	check("ascend empty", collect(false, tblKey(20), tblKey(20), 0), nil)
	check("ascend inverted", collect(false, tblKey(40), tblKey(20), 0), nil)
	check("descend empty", collect(true, tblKey(21), tblKey(22), 0), nil)
	check("ascend past the end", collect(false, []byte("z"), nil, 0), nil)
	check("descend before the start", collect(true, nil, []byte("a"), 0), nil)
	// Early stop, inside the first chunk and in a later one.
	check("ascend stop 5", collect(false, nil, nil, 5), keys(0, 10, 2))
	check("ascend stop 200", collect(false, nil, nil, 200), keys(0, 400, 2))
	check("descend stop 5", collect(true, nil, nil, 5), rev(keys(590, 600, 2)))
	check("descend stop 130", collect(true, nil, nil, 130), rev(keys(340, 600, 2)))
}

func head(s []string) []string { return s[:min(len(s), 5)] }

// TestTableScanCallbackMayWrite: scans never hold the tree lock while the
// callback runs, so a callback can insert and remove keys.
func TestTableScanCallbackMayWrite(t *testing.T) {
	s, tbl := tblStore(t, Schema{})
	heads := map[string]Addr{}
	put := func(k []byte) {
		a := tblRec(t, s, tbl, k)
		if _, created := tbl.LookupOrInsert(k, a); created {
			heads[string(k)] = a
		}
	}
	for i := 0; i < 300; i++ {
		put(tblKey(i))
	}
	done := make(chan int)
	go func() {
		seen := 0
		tbl.Ascend(nil, nil, func(k []byte, sl SlotID) bool {
			seen++
			if k[0] == 'k' {
				put(append([]byte("x"), k...)) // sorts after every k
			}
			if !tbl.RemoveKey(k, sl, heads[string(k)]) {
				t.Errorf("RemoveKey(%s) failed", k)
			}
			return true
		})
		tbl.Descend(nil, []byte("x"), func(k []byte, sl SlotID) bool {
			t.Errorf("removed key %s still in the tree", k)
			return true
		})
		for i := 299; i >= 0; i-- {
			put(tblKey(i))
		}
		down := 0
		tbl.Descend(nil, []byte("x"), func(k []byte, sl SlotID) bool {
			down++
			put([]byte("y" + string(k))) // outside the range
			return true
		})
		if down != 300 {
			t.Errorf("descend saw %d keys, want 300", down)
		}
		done <- seen
	}()
	select {
	case seen := <-done:
		// Keys inserted ahead of the scan are seen by a later chunk.
		if seen != 600 {
			t.Fatalf("ascend saw %d keys, want the 300 k keys and the 300 x keys", seen)
		}
		if tbl.Len() != 600 {
			t.Fatalf("Len %d", tbl.Len())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a scan callback that writes the table deadlocked")
	}
}

func TestTableRemoveKeyAndSlotReuse(t *testing.T) {
	s, tbl := tblStore(t, Schema{})
	e := s.Epochs()
	rec := func(key string) Addr { return tblRec(t, s, tbl, []byte(key)) }
	a1, b1 := rec("a"), rec("b")
	sa, _ := tbl.LookupOrInsert([]byte("a"), a1)
	sb, _ := tbl.LookupOrInsert([]byte("b"), b1)

	if tbl.RemoveKey([]byte("a"), sa, b1) {
		t.Fatal("RemoveKey with a stale expected head succeeded")
	}
	if got, ok := tbl.Lookup([]byte("a")); !ok || got != sa || tbl.Head(sa) != a1 {
		t.Fatal("a failed RemoveKey changed the key")
	}

	g := e.NewGuard()
	g.Enter() // a reader that may hold slot sa
	if !tbl.RemoveKey([]byte("a"), sa, a1) {
		t.Fatal("RemoveKey failed")
	}
	if _, ok := tbl.Lookup([]byte("a")); ok {
		t.Fatal("removed key still found")
	}
	if tbl.Head(sa) != 0 {
		t.Fatalf("removed key's slot holds %d, want 0", tbl.Head(sa))
	}
	if tbl.Len() != 1 || tbl.liveKeys.Load() != 1 {
		t.Fatalf("Len %d live %d", tbl.Len(), tbl.liveKeys.Load())
	}
	if tbl.RemoveKey([]byte("a"), sa, a1) {
		t.Fatal("removing twice succeeded")
	}
	// The slot is not reused while the reader is entered.
	e.Reclaim()
	c1 := rec("c")
	sc, _ := tbl.LookupOrInsert([]byte("c"), c1)
	if sc == sa || sc == sb {
		t.Fatalf("new key got slot %d while a reader may hold the removed key's slot %d", sc, sa)
	}
	if tbl.Head(sa) != 0 {
		t.Fatal("removed slot was written")
	}
	g.Exit()
	if n := e.Reclaim(); n != 1 {
		t.Fatalf("Reclaim ran %d", n)
	}
	// Now it is: a re-inserted "a" may get it back.
	a2 := rec("a")
	sa2, created := tbl.LookupOrInsert([]byte("a"), a2)
	if !created || sa2 != sa {
		t.Fatalf("re-inserted key: created %v slot %d, want the freed slot %d", created, sa2, sa)
	}
	if tbl.Head(sa2) != a2 || tbl.Head(sb) != b1 || tbl.Head(sc) != c1 {
		t.Fatal("heads after reuse")
	}
	for _, k := range []string{"a", "b", "c"} {
		sl, ok := tbl.Lookup([]byte(k))
		if !ok || !bytes.Equal(s.Log().Record(tbl.Head(sl)).Key(), []byte(k)) {
			t.Fatalf("Lookup(%s) after reuse: slot %d ok %v", k, sl, ok)
		}
	}
	g.Close()
}

// TestIndexKeyFromRows builds index keys from real encoded rows.
func TestIndexKeyFromRows(t *testing.T) {
	types := []Type{TypeInt64, TypeText, TypeInt64}
	_, tbl := tblStore(t, Schema{Types: types})
	byText, err := tbl.AddIndex(IndexSpec{ID: 1, Name: "by_text", Columns: []int{1}})
	if err != nil {
		t.Fatal(err)
	}
	composite, err := tbl.AddIndex(IndexSpec{ID: 2, Name: "c", Columns: []int{2, 1}, Keys: []KeyColumn{{Desc: true}, {NullsFirst: true}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tbl.AddIndex(IndexSpec{ID: 1, Name: "dup"}); err == nil {
		t.Fatal("duplicate index id accepted")
	}
	if got := tbl.Indexes(); len(got) != 2 || got[0] != byText || got[1] != composite {
		t.Fatalf("Indexes %v", got)
	}
	row := func(vals ...Value) []byte {
		b, err := EncodeRow(nil, types, vals)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}

	r := row(Int64(5), Text("x"), Int64(-3))
	k, hasNull, err := byText.Key(nil, r)
	if err != nil || hasNull {
		t.Fatalf("Key: %v null %v", err, hasNull)
	}
	if want := AppendKeyValue(nil, Text("x"), KeyColumn{}); !bytes.Equal(k, want) {
		t.Fatalf("key %x, want %x", k, want)
	}
	k, hasNull, err = composite.Key([]byte("prefix"), r)
	want := EncodeKey([]byte("prefix"), []KeyColumn{{Desc: true}, {NullsFirst: true}}, []Value{Int64(-3), Text("x")})
	if err != nil || hasNull || !bytes.Equal(k, want) {
		t.Fatalf("composite key %x (null %v, %v), want %x", k, hasNull, err, want)
	}

	// A NULL key column sets hasNull and encodes as a NULL.
	k, hasNull, err = byText.Key(nil, row(Int64(1), Null(), Int64(2)))
	if err != nil || !hasNull {
		t.Fatalf("NULL column: hasNull %v err %v", hasNull, err)
	}
	if want := AppendKeyValue(nil, Null(), KeyColumn{}); !bytes.Equal(k, want) {
		t.Fatalf("NULL key %x, want %x", k, want)
	}
	_, hasNull, _ = composite.Key(nil, row(Null(), Text("y"), Null()))
	if !hasNull {
		t.Fatal("composite key with a NULL column: hasNull false")
	}
	_, hasNull, _ = byText.Key(nil, row(Null(), Text("y"), Null()))
	if hasNull {
		t.Fatal("NULL in a column outside the index set hasNull")
	}
	// Index keys order like the values: NULLs last ascending.
	ka, _, _ := byText.Key(nil, row(Int64(0), Text("a"), Int64(0)))
	kb, _, _ := byText.Key(nil, row(Int64(0), Text("b"), Int64(0)))
	kn, _, _ := byText.Key(nil, row(Int64(0), Null(), Int64(0)))
	if bytes.Compare(ka, kb) >= 0 || bytes.Compare(kb, kn) >= 0 {
		t.Fatalf("key order: a %x b %x NULL %x", ka, kb, kn)
	}
	// A row that does not decode is an error.
	if _, _, err := byText.Key(nil, []byte{0xff, 0xff}); err == nil {
		t.Fatal("garbage row gave no error")
	}

	tbl.DropIndex(1)
	if got := tbl.Indexes(); len(got) != 1 || got[0] != composite {
		t.Fatalf("after DropIndex: %v", got)
	}
	if composite.Spec().Name != "c" || composite.Spec().ID != 2 {
		t.Fatal("Spec")
	}
}

func ixKey(i int64) []byte { return AppendKeyValue(nil, Int64(i), KeyColumn{}) }

func TestIndexAddAndScan(t *testing.T) {
	_, tbl := tblStore(t, Schema{Types: []Type{TypeInt64}})
	ix, err := tbl.AddIndex(IndexSpec{ID: 1, Columns: []int{0}})
	if err != nil {
		t.Fatal(err)
	}
	// 100 index keys, each filed for 3 primary keys: 300 entries. Index
	// keys include negative values, whose encoding sorts below positives.
	type ent struct {
		v  int64
		pk string
	}
	var all []ent
	for i := int64(-50); i < 50; i++ {
		for _, p := range []string{"p2", "p0", "p1"} {
			pk := fmt.Sprintf("%s-%d", p, i)
			ix.Add(ixKey(i*10), []byte(pk))
			all = append(all, ent{i * 10, pk})
		}
	}
	slices.SortFunc(all, func(a, b ent) int {
		if a.v != b.v {
			return int(a.v - b.v)
		}
		return strings.Compare(a.pk, b.pk)
	})
	ix.Add(ixKey(0), []byte("p0-0")) // adding an existing entry is a no-op
	if ix.Len() != 300 {
		t.Fatalf("Len %d", ix.Len())
	}
	scan := func(desc bool, from, to []byte, limit int) []ent {
		var out []ent
		fn := func(ik, pk []byte) bool {
			vals, rest, err := DecodeKey(ik, nil, []Type{TypeInt64}, nil)
			if err != nil || len(rest) != 0 {
				t.Fatalf("entry key %x: %v", ik, err)
			}
			out = append(out, ent{vals[0].AsInt64(), string(pk)})
			return limit <= 0 || len(out) < limit
		}
		if desc {
			ix.Descend(from, to, fn)
		} else {
			ix.Ascend(from, to, fn)
		}
		return out
	}
	sel := func(lo, hi int64) []ent { // entries with lo <= v < hi
		var out []ent
		for _, e := range all {
			if e.v >= lo && e.v < hi {
				out = append(out, e)
			}
		}
		return out
	}
	rev := func(s []ent) []ent { s = slices.Clone(s); slices.Reverse(s); return s }
	check := func(name string, got, want []ent) {
		t.Helper()
		if !slices.Equal(got, want) {
			t.Fatalf("%s: got %d entries %v\nwant %d entries %v", name, len(got), got[:min(6, len(got))], len(want), want[:min(6, len(want))])
		}
	}
	check("ascend all", scan(false, nil, nil, 0), all)
	check("descend all", scan(true, nil, nil, 0), rev(all))
	// [from, to) on the index key; every pk of a boundary key is in or out.
	check("ascend [-100, 200)", scan(false, ixKey(-100), ixKey(200), 0), sel(-100, 200))
	check("descend [-100, 200)", scan(true, ixKey(-100), ixKey(200), 0), rev(sel(-100, 200)))
	check("ascend [-105, 205)", scan(false, ixKey(-105), ixKey(205), 0), sel(-105, 205))
	check("descend [-105, 205)", scan(true, ixKey(-105), ixKey(205), 0), rev(sel(-105, 205)))
	check("ascend from 0", scan(false, ixKey(0), nil, 0), sel(0, 1000))
	check("ascend to 0", scan(false, nil, ixKey(0), 0), sel(-1000, 0))
	check("descend from 0", scan(true, ixKey(0), nil, 0), rev(sel(0, 1000)))
	check("descend to 0", scan(true, nil, ixKey(0), 0), rev(sel(-1000, 0)))
	check("ascend one key", scan(false, ixKey(30), PrefixEnd(ixKey(30)), 0), sel(30, 31))
	check("descend one key", scan(true, ixKey(30), PrefixEnd(ixKey(30)), 0), rev(sel(30, 31)))
	check("empty", scan(false, ixKey(31), ixKey(39), 0), nil)
	check("descend empty", scan(true, ixKey(31), ixKey(39), 0), nil)
	check("ascend stop 4", scan(false, nil, nil, 4), all[:4])
	check("ascend stop 200", scan(false, ixKey(-500), nil, 200), all[:200])
	check("descend stop 150", scan(true, nil, nil, 150), rev(all)[:150])
	check("descend stop 140 below 300", scan(true, nil, ixKey(300), 140), rev(sel(-1000, 300))[:140])
}

func TestIndexAddUnique(t *testing.T) {
	s, tbl := tblStore(t, Schema{Types: []Type{TypeInt64}})
	ix, _ := tbl.AddIndex(IndexSpec{ID: 1, Unique: true, Columns: []int{0}})
	g := s.NewGuard()
	defer g.Close()
	g.Enter()
	defer g.Exit()

	type call struct {
		pk   string
		head Addr
	}
	var calls []call
	record := func(other []byte, head Addr) error {
		calls = append(calls, call{string(other), head})
		return nil
	}
	// pk1 is a row; pk2 is not in the primary tree.
	h1 := tblRec(t, s, tbl, []byte("pk1"))
	h3 := tblRec(t, s, tbl, []byte("pk3"))
	h1b := tblRec(t, s, tbl, []byte("pk1"))
	tbl.LookupOrInsert([]byte("pk1"), h1)
	if err := ix.AddUnique(ixKey(7), []byte("pk1"), record); err != nil {
		t.Fatal(err)
	}
	if len(calls) != 0 {
		t.Fatalf("check called for an index key nobody else has: %v", calls)
	}
	// Adding the same entry again: its own pk is not a conflict.
	if err := ix.AddUnique(ixKey(7), []byte("pk1"), record); err != nil || len(calls) != 0 {
		t.Fatalf("re-adding own entry: %v, calls %v", err, calls)
	}
	// Entries under the neighbouring index keys 6 and 8 are not reported.
	ix.Add(ixKey(6), []byte("pk6"))
	ix.Add(ixKey(8), []byte("pk8"))

	if err := ix.AddUnique(ixKey(7), []byte("pk2"), record); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(calls, []call{{"pk1", h1}}) {
		t.Fatalf("check calls %v, want pk1 with its head %d", calls, h1)
	}
	// Now pk1 and pk2 hold 7 (no conflict was reported). A third sees both;
	// pk2 has no row: head 0.
	calls = nil
	tbl.LookupOrInsert([]byte("pk3"), h3)
	if err := ix.AddUnique(ixKey(7), []byte("pk3"), record); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(calls, []call{{"pk1", h1}, {"pk2", 0}}) {
		t.Fatalf("check calls %v", calls)
	}
	if ix.Len() != 5 {
		t.Fatalf("Len %d", ix.Len())
	}

	// A conflict prevents the insert and is returned as is.
	errDup := errors.New("duplicate")
	calls = nil
	err := ix.AddUnique(ixKey(7), []byte("pk4"), func(other []byte, head Addr) error {
		calls = append(calls, call{string(other), head})
		if string(other) == "pk2" {
			return errDup
		}
		return nil
	})
	if !errors.Is(err, errDup) {
		t.Fatalf("conflict: %v", err)
	}
	if !slices.Equal(calls, []call{{"pk1", h1}, {"pk2", 0}}) {
		t.Fatalf("the check must stop at the first conflict: %v", calls)
	}
	if ix.Len() != 5 {
		t.Fatalf("Len %d after a refused insert", ix.Len())
	}
	var pks []string
	ix.Ascend(ixKey(7), PrefixEnd(ixKey(7)), func(_, pk []byte) bool { pks = append(pks, string(pk)); return true })
	if !slices.Equal(pks, []string{"pk1", "pk2", "pk3"}) {
		t.Fatalf("entries under 7: %v", pks)
	}
	// The head passed to check follows the slot.
	sl, _ := tbl.Lookup([]byte("pk1"))
	tbl.CASHead(sl, h1, h1b)
	calls = nil
	ix.AddUnique(ixKey(7), []byte("pk5"), func(other []byte, head Addr) error {
		calls = append(calls, call{string(other), head})
		return errDup
	})
	if !slices.Equal(calls, []call{{"pk1", h1b}}) {
		t.Fatalf("calls %v", calls)
	}
}
