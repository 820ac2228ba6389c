package cpr

import (
	"bytes"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// TestDirectFile: a direct file holds exactly what was written, whatever
// the write sizes and the total length (below, at and past a block and
// the buffer), with the first block patched by WriteAt before or after
// it left the buffer, and Sync in the middle; and it is open with
// O_DIRECT where the file system allows it.
func TestDirectFile(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(3, 4))
	for _, total := range []int{0, 10, directBlock, directBlock + 1, directBuf - 1, directBuf, directBuf + 5000, 3*directBuf + 777} {
		name := filepath.Join(dir, "f"+strconv.Itoa(total))
		f, err := OSFS{}.CreateDirect(name)
		if err != nil {
			t.Fatal(err)
		}
		if d, ok := f.(*directFile); ok {
			if !openedDirect(t, d.f) {
				t.Fatalf("%d: not opened with O_DIRECT", total)
			}
		} else {
			t.Logf("the file system refused O_DIRECT: testing the fallback only")
		}
		want := make([]byte, total)
		for i := range want {
			want[i] = byte(rng.Uint32())
		}
		for off := 0; off < total; {
			n := min(total-off, 1+rng.IntN(300000))
			if w, err := f.Write(want[off : off+n]); err != nil || w != n {
				t.Fatalf("%d: write %d at %d: %d, %v", total, n, off, w, err)
			}
			off += n
			if rng.IntN(4) == 0 {
				if err := f.Sync(); err != nil {
					t.Fatal(err)
				}
			}
		}
		if total >= 8 {
			patch := []byte("PATCHED!")
			copy(want[2:], patch[:min(len(patch), total-2)])
			if _, err := f.WriteAt(patch[:min(len(patch), total-2)], 2); err != nil {
				t.Fatalf("%d: %v", total, err)
			}
		}
		if err := f.Sync(); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("%d bytes written: read back %d bytes, equal %v", total, len(got), bytes.Equal(got, want))
		}
	}
}

// openedDirect reports whether f's descriptor has O_DIRECT set.
func openedDirect(t *testing.T, f *os.File) bool {
	info, err := os.ReadFile("/proc/self/fdinfo/" + strconv.Itoa(int(f.Fd())))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(info), "\n") {
		if v, ok := strings.CutPrefix(line, "flags:"); ok {
			flags, err := strconv.ParseUint(strings.TrimSpace(v), 8, 64)
			if err != nil {
				t.Fatal(err)
			}
			return flags&syscall.O_DIRECT != 0
		}
	}
	t.Fatal("no flags in fdinfo")
	return false
}

// TestDirectReader: a file read through OpenDirect, with reads of any
// size, gives back its bytes exactly, for lengths around a block and
// the read-ahead buffer; a reader closed half-way stops its read-ahead.
func TestDirectReader(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(5, 6))
	for _, total := range []int{0, 1, directBlock - 1, directBlock, directReadBuf, directReadBuf + 1, 3*directReadBuf + 4097, 7*directReadBuf + 1} {
		name := filepath.Join(dir, "r"+strconv.Itoa(total))
		want := make([]byte, total)
		for i := range want {
			want[i] = byte(rng.Uint32())
		}
		if err := os.WriteFile(name, want, 0o600); err != nil {
			t.Fatal(err)
		}
		f, err := OSFS{}.OpenDirect(name)
		if err != nil {
			t.Fatal(err)
		}
		if d, ok := f.(*directReader); ok && !openedDirect(t, d.f) {
			t.Fatalf("%d: not opened with O_DIRECT", total)
		}
		var got []byte
		for {
			p := make([]byte, 1+rng.IntN(700000))
			n, err := f.Read(p)
			got = append(got, p[:n]...)
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%d: %v", total, err)
			}
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("%d bytes: read back %d, equal %v", total, len(got), bytes.Equal(got, want))
		}
		// Closed after one read: the read-ahead stops (Close waits for it).
		f, err = OSFS{}.OpenDirect(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Read(make([]byte, 10)); err != nil && err != io.EOF {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestClearDirect: the fallback for a file system that refuses O_DIRECT
// writes after the open turns the flag off, and the file then takes
// unaligned writes.
func TestClearDirect(t *testing.T) {
	f, err := OSFS{}.CreateDirect(filepath.Join(t.TempDir(), "f"))
	if err != nil {
		t.Fatal(err)
	}
	d, ok := f.(*directFile)
	if !ok {
		t.Skip("the file system refused O_DIRECT at open: nothing to clear")
	}
	defer d.Close()
	if err := clearDirect(d.f); err != nil {
		t.Fatal(err)
	}
	if openedDirect(t, d.f) {
		t.Fatal("O_DIRECT still set")
	}
	if _, err := d.f.WriteAt([]byte("abc"), 1); err != nil {
		t.Fatalf("unaligned write after clearDirect: %v", err)
	}
}
