package cpr

import (
	"errors"
	"io"
	"io/fs"
	"path/filepath"
	"slices"
	"testing"
)

// fsContract exercises the FS interface the way checkpoints use it.
func fsContract(t *testing.T, fsys FS, dir string) {
	t.Helper()
	sub := filepath.Join(dir, "a", "b")
	if err := fsys.MkdirAll(sub); err != nil {
		t.Fatal(err)
	}
	if err := fsys.MkdirAll(sub); err != nil {
		t.Fatalf("MkdirAll of an existing directory: %v", err)
	}
	name := filepath.Join(sub, "f")
	f, err := fsys.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte("hello world")); err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt([]byte("J"), 6); err != nil {
		t.Fatal(err)
	}
	if err := f.Sync(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if err := fsys.SyncDir(sub); err != nil {
		t.Fatal(err)
	}
	if b, err := fsys.ReadFile(name); err != nil || string(b) != "hello Jorld" {
		t.Fatalf("ReadFile: %q, %v", b, err)
	}
	if n, err := fsys.Stat(name); err != nil || n != 11 {
		t.Fatalf("Stat: %d, %v", n, err)
	}
	r, err := fsys.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := io.ReadAll(r); err != nil || string(b) != "hello Jorld" {
		t.Fatalf("Open+Read: %q, %v", b, err)
	}
	if _, err := r.Write([]byte("x")); err == nil {
		t.Fatal("write to a file opened read-only succeeded")
	}
	r.Close()
	// OpenAppend cuts the file and writes after the cut; it neither
	// grows a file nor opens a missing one.
	if _, err := fsys.OpenAppend(name, 12); err == nil {
		t.Fatal("OpenAppend past the end succeeded")
	}
	if _, err := fsys.OpenAppend(filepath.Join(sub, "missing"), 0); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("OpenAppend of a missing file: %v", err)
	}
	f, err = fsys.OpenAppend(name, 6)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte("there")); err != nil {
		t.Fatal(err)
	}
	if err := f.Sync(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if b, err := fsys.ReadFile(name); err != nil || string(b) != "hello there" {
		t.Fatalf("after OpenAppend: %q, %v", b, err)
	}
	// Create truncates.
	f, _ = fsys.Create(name)
	f.Write([]byte("new"))
	f.Close()
	if b, _ := fsys.ReadFile(name); string(b) != "new" {
		t.Fatalf("after Create: %q", b)
	}
	other := filepath.Join(sub, "e")
	if err := fsys.Rename(name, other); err != nil {
		t.Fatal(err)
	}
	f, _ = fsys.Create(name)
	f.Close()
	if names, err := fsys.ReadDir(sub); err != nil || !slices.Equal(names, []string{"e", "f"}) {
		t.Fatalf("ReadDir: %q, %v", names, err)
	}
	if names, _ := fsys.ReadDir(filepath.Join(dir, "a")); !slices.Equal(names, []string{"b"}) {
		t.Fatalf("ReadDir of the parent: %q", names)
	}
	if err := fsys.Rename(other, name); err != nil { // replaces
		t.Fatal(err)
	}
	if b, _ := fsys.ReadFile(name); string(b) != "new" {
		t.Fatalf("after rename over: %q", b)
	}
	if err := fsys.Remove(name); err != nil {
		t.Fatal(err)
	}
	for _, err := range []error{
		func() error { _, err := fsys.Open(name); return err }(),
		func() error { _, err := fsys.ReadFile(name); return err }(),
		func() error { _, err := fsys.Stat(name); return err }(),
		fsys.Remove(name),
		fsys.Rename(name, other),
		func() error { _, err := fsys.Create(filepath.Join(dir, "nodir", "f")); return err }(),
	} {
		if !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("missing file: got %v, want ErrNotExist", err)
		}
	}
	if names, _ := fsys.ReadDir(sub); len(names) != 0 {
		t.Fatalf("ReadDir after removing everything: %q", names)
	}
}

func TestOSFS(t *testing.T)  { fsContract(t, OSFS{}, t.TempDir()) }
func TestMemFS(t *testing.T) { fsContract(t, NewMemFS(), "/data") }
func TestFaultFSPassThrough(t *testing.T) {
	ffs := NewFaultFS(NewMemFS())
	fsContract(t, ffs, "d")
	if len(ffs.Ops()) == 0 || ffs.Count(OpCreate) != 4 {
		t.Fatalf("recorded %d operations, %d creates", len(ffs.Ops()), ffs.Count(OpCreate))
	}
}

// MemFS keeps only synced data and synced directory entries across Crash.
func TestMemFSCrash(t *testing.T) {
	mem := NewMemFS()
	write := func(name, s string, sync bool) {
		f, err := mem.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		f.Write([]byte(s))
		if sync {
			f.Sync()
		}
		f.Close()
	}
	read := func(m *MemFS, name string) string {
		b, err := m.ReadFile(name)
		if err != nil {
			return "<none>"
		}
		return string(b)
	}
	write("a", "synced", true)
	write("b", "unsynced", false)
	if got := read(mem.Crash(), "a"); got != "<none>" {
		t.Fatalf("a file in an unsynced directory survived: %q", got)
	}
	mem.SyncDir(".")
	c := mem.Crash()
	if read(c, "a") != "synced" || read(c, "b") != "" {
		t.Fatalf("after dir sync: a=%q b=%q", read(c, "a"), read(c, "b"))
	}
	// Unsynced appends are lost; the crash copy is independent.
	f, _ := mem.Open("a")
	f.Close()
	write("a", "rewritten", false)
	if got := read(mem.Crash(), "a"); got != "synced" {
		t.Fatalf("unsynced rewrite: %q", got)
	}
	c.Remove("a")
	if read(mem, "a") != "rewritten" {
		t.Fatal("the crash copy shares state with the original")
	}
	// OpenAppend's cut and what follows it are durable at the next Sync.
	write("a", "synced tail", true)
	f, _ = mem.OpenAppend("a", 6)
	f.Write([]byte("+more"))
	if got := read(mem.Crash(), "a"); got != "synced tail" {
		t.Fatalf("unsynced cut and append: %q", got)
	}
	f.Sync()
	f.Close()
	if got := read(mem.Crash(), "a"); got != "synced+more" {
		t.Fatalf("synced cut and append: %q", got)
	}
	// A rename is durable only after the directory sync.
	write("c", "C", true)
	mem.SyncDir(".")
	mem.Rename("c", "d")
	if c := mem.Crash(); read(c, "c") != "C" || read(c, "d") != "<none>" {
		t.Fatalf("unsynced rename: c=%q d=%q", read(c, "c"), read(c, "d"))
	}
	mem.SyncDir(".")
	if c := mem.Crash(); read(c, "c") != "<none>" || read(c, "d") != "C" {
		t.Fatalf("synced rename: c=%q d=%q", read(c, "c"), read(c, "d"))
	}
	// Writes to the crash copy do not change the synced content it came from.
	c = mem.Crash()
	g, _ := c.Create("d")
	g.Write([]byte("X"))
	if got := read(c.Crash(), "d"); got != "C" {
		t.Fatalf("crash of a crash: %q", got)
	}
	// Closed files refuse work.
	if _, err := g.Write(nil); err != nil {
		t.Fatal(err)
	}
	g.Close()
	if _, err := g.Write([]byte("x")); !errors.Is(err, fs.ErrClosed) {
		t.Fatalf("write after close: %v", err)
	}
}
