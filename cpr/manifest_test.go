package cpr

import (
	"bytes"
	"errors"
	"fmt"
	"hash/crc32"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
	"syscall"
	"testing"
	"time"
)

func testManifest() *Manifest {
	return &Manifest{
		ID:       42,
		Chain:    40,
		Full:     false,
		Version:  6,
		Cut:      7 << 40,
		Previous: 41,
		PrevCut:  6 << 40,
		Started:  time.Unix(1700000000, 123456789).UTC(),
		Finished: time.Unix(1700000001, 5).UTC(),
		Segments: []SegmentInfo{
			{Name: SegmentName(42, 0), Size: 64, CRC: 0xdeadbeef, Records: 0},
			{Name: SegmentName(42, 1), Size: 1 << 40, CRC: 1, Records: 1 << 33},
		},
		Sessions: []SessionPoint{{Name: "app-1", Serial: 17}, {Name: "", Serial: 0}, {Name: "ünïcode", Serial: 1<<64 - 1}},
		Extra:    []byte(`{"seq":{"t_id_seq":1001}}`),
	}
}

func randomManifest(rng *rand.Rand) *Manifest {
	str := func(n int) string {
		b := make([]byte, rng.IntN(n))
		for i := range b {
			b[i] = byte('a' + rng.IntN(26))
		}
		return string(b)
	}
	m := &Manifest{
		ID: rng.Uint64(), Chain: rng.Uint64(), Full: rng.IntN(2) == 0,
		Version: rng.Uint64(), Cut: rng.Uint64(), Previous: rng.Uint64(), PrevCut: rng.Uint64(),
		Started:  time.Unix(rng.Int64N(1<<40)-1<<39, rng.Int64N(1e9)).UTC(),
		Finished: time.Unix(rng.Int64N(1<<40)-1<<39, rng.Int64N(1e9)).UTC(),
	}
	for range rng.IntN(20) {
		m.Segments = append(m.Segments, SegmentInfo{Name: "s" + str(30), Size: rng.Int64(), CRC: rng.Uint32(), Records: rng.Uint64()})
	}
	for range rng.IntN(50) {
		m.Sessions = append(m.Sessions, SessionPoint{Name: str(40), Serial: rng.Uint64()})
	}
	if e := str(rng.IntN(3)*rng.IntN(1000) + 1); e != "" {
		m.Extra = []byte(e)
	}
	return m
}

func TestManifestRoundTrip(t *testing.T) {
	rng := newRand(t)
	ms := []*Manifest{testManifest(), {}, {ID: 1, Chain: 1, Full: true, Cut: 1 << 40}}
	for range 200 {
		ms = append(ms, randomManifest(rng))
	}
	for i, m := range ms {
		b := EncodeManifest(m)
		got, err := DecodeManifest(b)
		if err != nil {
			t.Fatalf("manifest %d: %v", i, err)
		}
		if !reflect.DeepEqual(got, m) {
			t.Fatalf("manifest %d:\n got %+v\nwant %+v", i, got, m)
		}
		if !bytes.Equal(EncodeManifest(got), b) {
			t.Fatalf("manifest %d does not re-encode to the same bytes", i)
		}
	}
}

func TestManifestZeroTime(t *testing.T) {
	got, err := DecodeManifest(EncodeManifest(&Manifest{}))
	if err != nil {
		t.Fatal(err)
	}
	if !got.Started.IsZero() || got.Started != (time.Time{}) {
		t.Fatalf("zero time decoded as %v", got.Started)
	}
}

func checkManifestCorrupt(t *testing.T, b []byte, what string) {
	t.Helper()
	if _, err := DecodeManifest(b); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("%s: got %v, want ErrCorrupt", what, err)
	}
}

func TestManifestDamage(t *testing.T) {
	b := EncodeManifest(testManifest())
	for i := range b {
		for bit := range 8 {
			d := bytes.Clone(b)
			d[i] ^= 1 << bit
			checkManifestCorrupt(t, d, fmt.Sprintf("bit %d of byte %d", bit, i))
		}
	}
	for n := range len(b) {
		checkManifestCorrupt(t, b[:n], fmt.Sprintf("truncated to %d bytes", n))
	}
	checkManifestCorrupt(t, append(bytes.Clone(b), 0), "a byte appended")
	checkManifestCorrupt(t, append(bytes.Clone(b), b...), "doubled")
}

// reseal recomputes a manifest's length and checksum after an edit.
func reseal(b []byte) []byte {
	le.PutUint32(b[12:], uint32(len(b)-manFrameSize))
	le.PutUint32(b[len(b)-4:], crc32.Checksum(b[:len(b)-4], castagnoli))
	return b
}

func TestManifestChecks(t *testing.T) {
	b := EncodeManifest(testManifest())

	d := bytes.Clone(b)
	le.PutUint32(d[8:], FormatVersion+1)
	if _, err := DecodeManifest(reseal(d)); !errors.Is(err, ErrNewerFormat) || errors.Is(err, ErrCorrupt) {
		t.Fatalf("newer format: %v", err)
	}
	d = bytes.Clone(b)
	le.PutUint32(d[8:], 0)
	checkManifestCorrupt(t, reseal(d), "format version 0")

	body := manFrameHead
	d = bytes.Clone(b)
	d[body+72] = 2
	checkManifestCorrupt(t, reseal(d), "unknown flag")
	d = bytes.Clone(b)
	le.PutUint32(d[body+56:], 1e9)
	checkManifestCorrupt(t, reseal(d), "nanoseconds out of range")
	d = bytes.Clone(b)
	le.PutUint32(d[body+73:], 1<<31)
	checkManifestCorrupt(t, reseal(d), "huge segment count")
	// Trailing bytes inside the checksummed body.
	d = append(bytes.Clone(b[:len(b)-4]), 0, 0, 0, 0, 0)
	checkManifestCorrupt(t, reseal(d), "bytes after the body")

	for _, name := range []string{"../manifest-1", "a/b", "", ".", "..", "x\x00y", `a\b`} {
		m := testManifest()
		m.Segments[0].Name = name
		checkManifestCorrupt(t, EncodeManifest(m), fmt.Sprintf("segment name %q", name))
		if err := WriteManifest(NewMemFS(), ".", ManifestName(1), m); err == nil {
			t.Fatalf("WriteManifest accepted segment name %q", name)
		}
	}
	m := testManifest()
	m.Segments[0].Size = -1
	checkManifestCorrupt(t, EncodeManifest(m), "negative size")
}

func TestManifestValidate(t *testing.T) {
	full := &Manifest{ID: 5, Chain: 5, Full: true, Previous: 4, Cut: 3 << 40, Segments: []SegmentInfo{{Name: "a"}, {Name: "b"}}}
	delta := testManifest()
	for _, m := range []*Manifest{full, delta, {ID: 1, Chain: 1, Full: true}} {
		if err := m.Validate(); err != nil {
			t.Fatalf("%+v: %v", m, err)
		}
	}
	bad := map[string]func(m *Manifest){
		"full not starting its chain": func(m *Manifest) { m.Full, m.Chain, m.PrevCut = true, 1, 0 },
		"full with a previous cut":    func(m *Manifest) { m.Full, m.Chain = true, m.ID },
		"delta without previous":      func(m *Manifest) { m.Previous = 0 },
		"delta's chain after prev":    func(m *Manifest) { m.Chain = m.Previous + 1 },
		"delta with empty cut range":  func(m *Manifest) { m.PrevCut = m.Cut },
		"previous not older":          func(m *Manifest) { m.Previous = m.ID },
		"repeated segment":            func(m *Manifest) { m.Segments[1].Name = m.Segments[0].Name },
		"finished before started":     func(m *Manifest) { m.Finished = m.Started.Add(-time.Second) },
	}
	for what, edit := range bad {
		m := testManifest()
		edit(m)
		if err := m.Validate(); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("%s: Validate returned %v", what, err)
		}
	}
}

func TestManifestNames(t *testing.T) {
	if got := ManifestName(42); got != "manifest-00000000000000000042" {
		t.Fatal(got)
	}
	if got := SegmentName(42, 3); got != "ckpt-00000000000000000042-seg-0003" {
		t.Fatal(got)
	}
	for _, id := range []uint64{0, 1, 42, 1<<64 - 1} {
		if got, ok := ParseManifestName(ManifestName(id)); !ok || got != id {
			t.Fatalf("ParseManifestName(%q) = %d, %v", ManifestName(id), got, ok)
		}
		for _, seg := range []uint32{0, 3, 9999, 10000, 1<<32 - 1} {
			gid, gseg, ok := ParseSegmentName(SegmentName(id, seg))
			if !ok || gid != id || gseg != seg {
				t.Fatalf("ParseSegmentName(%q) = %d, %d, %v", SegmentName(id, seg), gid, gseg, ok)
			}
		}
	}
	for _, bad := range []string{"manifest-42", "manifest-00000000000000000042.tmp", "manifest-0000000000000000004x",
		"ckpt-00000000000000000042-seg-3", "ckpt-00000000000000000042-seg-00003", "ckpt-00000000000000000042-seg-+003", "x"} {
		_, ok1 := ParseManifestName(bad)
		_, _, ok2 := ParseSegmentName(bad)
		if ok1 || ok2 {
			t.Fatalf("%q parsed", bad)
		}
	}
	// Names sort as ids.
	names := []string{ManifestName(10), ManifestName(9), ManifestName(100)}
	slices.Sort(names)
	if names[0] != ManifestName(9) || names[2] != ManifestName(100) {
		t.Fatal(names)
	}
}

// manifestDir sets up a MemFS with dir holding old (if not nil) as
// manifest-42, durably.
func manifestDir(t *testing.T, old *Manifest) *MemFS {
	mem := NewMemFS()
	if err := mem.MkdirAll("ckpt"); err != nil {
		t.Fatal(err)
	}
	if old != nil {
		if err := WriteManifest(mem, "ckpt", ManifestName(42), old); err != nil {
			t.Fatal(err)
		}
	}
	return mem
}

// manifestState returns the manifest-42 in mem: nil if none.
func manifestState(t *testing.T, mem *MemFS) *Manifest {
	t.Helper()
	b, err := mem.ReadFile(filepath.Join("ckpt", ManifestName(42)))
	if err != nil {
		return nil
	}
	m, err := DecodeManifest(b)
	if err != nil {
		t.Fatalf("a crash left a damaged manifest: %v", err)
	}
	return m
}

// WriteManifest's operations, in order: write, sync, close of the temp
// file, rename, directory sync.
func TestWriteManifestOrder(t *testing.T) {
	mem := manifestDir(t, nil)
	ffs := NewFaultFS(mem)
	if err := WriteManifest(ffs, "ckpt", ManifestName(42), testManifest()); err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join("ckpt", ManifestName(42)+TempSuffix)
	final := filepath.Join("ckpt", ManifestName(42))
	var got []string
	for _, r := range ffs.Ops() {
		got = append(got, fmt.Sprintf("%s %s %s", r.Op, r.Name, r.To))
	}
	want := []string{
		"create " + tmp + " ",
		"write " + tmp + " ",
		"sync " + tmp + " ",
		"close " + tmp + " ",
		"rename " + tmp + " " + final,
		"syncdir ckpt ",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("operations:\n%q\nwant\n%q", got, want)
	}
	if names, _ := mem.Crash().ReadDir("ckpt"); !slices.Equal(names, []string{ManifestName(42)}) {
		t.Fatalf("after a crash the directory holds %q", names)
	}
	if m := manifestState(t, mem.Crash()); !reflect.DeepEqual(m, testManifest()) {
		t.Fatalf("after a crash: %+v", m)
	}
}

// A failure at each step leaves the old manifest (or none), and so does a
// crash after it. Only a failed directory sync leaves the new one in
// place, and not durably.
func TestWriteManifestFaults(t *testing.T) {
	next := testManifest()
	for _, hasOld := range []bool{false, true} {
		var old *Manifest
		if hasOld {
			old = testManifest()
			old.Sessions = nil
			old.Extra = []byte("old")
		}
		for _, op := range []Op{OpCreate, OpWrite, OpSync, OpClose, OpRename, OpSyncDir} {
			mem := manifestDir(t, old)
			ffs := NewFaultFS(mem)
			ffs.FailNth(op, 1)
			err := WriteManifest(ffs, "ckpt", ManifestName(42), next)
			if !errors.Is(err, ErrInjected) {
				t.Fatalf("fail %s: WriteManifest returned %v", op, err)
			}
			wantLive := old
			if op == OpSyncDir {
				wantLive = next
			}
			if got := manifestState(t, mem); !reflect.DeepEqual(got, wantLive) {
				t.Fatalf("fail %s, old %v: manifest now %+v", op, hasOld, got)
			}
			if got := manifestState(t, mem.Crash()); !reflect.DeepEqual(got, old) {
				t.Fatalf("fail %s, old %v: manifest after a crash %+v", op, hasOld, got)
			}
			if op != OpSyncDir {
				if names, _ := mem.ReadDir("ckpt"); slices.Contains(names, ManifestName(42)+TempSuffix) {
					t.Fatalf("fail %s: temp file left behind", op)
				}
			}
		}
	}
}

// A crash before any operation of WriteManifest leaves the old manifest
// or the new one, never a damaged one; after it returns, the new one.
func TestWriteManifestCrashAnywhere(t *testing.T) {
	old := testManifest()
	old.Extra = []byte("old")
	next := testManifest()
	mem := manifestDir(t, old)
	ffs := NewFaultFS(mem)
	var states []*MemFS
	ffs.SetHook(func(OpRecord) error {
		states = append(states, mem.Crash())
		return nil
	})
	if err := WriteManifest(ffs, "ckpt", ManifestName(42), next); err != nil {
		t.Fatal(err)
	}
	states = append(states, mem.Crash())
	sawNew := false
	for i, s := range states {
		got := manifestState(t, s)
		switch {
		case reflect.DeepEqual(got, old) && !sawNew:
		case reflect.DeepEqual(got, next):
			sawNew = true
		default:
			t.Fatalf("crash before operation %d: manifest %+v", i, got)
		}
	}
	if !sawNew {
		t.Fatal("the new manifest never became durable")
	}
}

func TestWriteManifestENOSPC(t *testing.T) {
	old := testManifest()
	old.Extra = []byte("old")
	mem := manifestDir(t, old)
	ffs := NewFaultFS(mem)
	ffs.SetLimit(30)
	err := WriteManifest(ffs, "ckpt", ManifestName(42), testManifest())
	if !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("got %v, want ENOSPC", err)
	}
	if got := manifestState(t, mem); !reflect.DeepEqual(got, old) {
		t.Fatalf("manifest now %+v", got)
	}
	if names, _ := mem.ReadDir("ckpt"); !slices.Equal(names, []string{ManifestName(42)}) {
		t.Fatalf("directory holds %q", names)
	}
}

func TestWriteManifestOSFS(t *testing.T) {
	dir := t.TempDir()
	m := testManifest()
	if err := WriteManifest(OSFS{}, dir, ManifestName(m.ID), m); err != nil {
		t.Fatal(err)
	}
	b, err := OSFS{}.ReadFile(filepath.Join(dir, ManifestName(m.ID)))
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeManifest(b)
	if err != nil || !reflect.DeepEqual(got, m) {
		t.Fatalf("got %+v, %v", got, err)
	}
	if names, _ := (OSFS{}).ReadDir(dir); !slices.Equal(names, []string{ManifestName(m.ID)}) {
		t.Fatalf("directory holds %q", names)
	}
}

func FuzzDecodeManifest(f *testing.F) {
	f.Add(EncodeManifest(testManifest()))
	f.Add(EncodeManifest(&Manifest{}))
	f.Add(EncodeManifest(&Manifest{ID: 1, Chain: 1, Full: true, Segments: []SegmentInfo{{Name: "a"}}}))
	f.Add([]byte("PDBCPMAN"))
	f.Fuzz(func(t *testing.T, in []byte) {
		check := func(in []byte) {
			m, err := DecodeManifest(in)
			if err != nil {
				if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrNewerFormat) {
					t.Fatalf("error neither ErrCorrupt nor ErrNewerFormat: %v", err)
				}
				return
			}
			_ = m.Validate() // must not panic
			if out := EncodeManifest(m); !bytes.Equal(out, in) {
				t.Fatalf("accepted input does not re-encode:\n in %x\nout %x", in, out)
			}
		}
		check(in)
		// The same bytes with a valid length and checksum, so that the
		// fuzzer explores the body decoder behind the checksum.
		if len(in) >= manFrameSize {
			check(reseal(bytes.Clone(in)))
		}
	})
}
