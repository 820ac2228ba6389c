package cpr

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sync"
)

// FS is the file system checkpoints use: OSFS is the real one; MemFS is an
// in-memory one that can simulate a crash; FaultFS wraps either to inject
// failures and record the operations done. Names are paths as the os
// package takes them.
type FS interface {
	Create(name string) (File, error)     // create or truncate, read-write, mode 0600
	Open(name string) (File, error)       // read only
	ReadFile(name string) ([]byte, error) // whole file
	Rename(oldname, newname string) error // atomic replace
	Remove(name string) error
	MkdirAll(dir string) error            // mode 0700
	ReadDir(dir string) ([]string, error) // entry names, sorted
	SyncDir(dir string) error             // fsync of the directory: makes creates, renames and removes in it durable
	Stat(name string) (size int64, err error)
	// OpenAppend opens an existing file read-write, cuts it to size
	// bytes and places writes after them (a delta log continued after a
	// restart: a torn tail is cut off first). The cut is durable at the
	// file's next Sync.
	OpenAppend(name string, size int64) (File, error)
}

// File is an open file of an FS. Files are not safe for concurrent use
// (except as *os.File is).
type File interface {
	io.Reader
	io.Writer
	io.WriterAt
	Sync() error
	Close() error
}

// OSFS is the operating system's file system.
type OSFS struct{}

var _ FS = OSFS{}

func (OSFS) Create(name string) (File, error) {
	f, err := os.OpenFile(name, os.O_CREATE|os.O_TRUNC|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	return f, nil
}

func (OSFS) Open(name string) (File, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	return f, nil
}

func (OSFS) OpenAppend(name string, size int64) (File, error) {
	f, err := os.OpenFile(name, os.O_RDWR, 0)
	if err != nil {
		return nil, err
	}
	if err := cutTo(f, size); err != nil {
		_ = f.Close()
		return nil, err
	}
	return f, nil
}

// cutTo truncates f to size bytes, refusing to grow it, and moves its
// offset there.
func cutTo(f *os.File, size int64) error {
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if size < 0 || size > fi.Size() {
		return &fs.PathError{Op: "truncate", Path: f.Name(), Err: fmt.Errorf("size %d outside the file's %d bytes", size, fi.Size())}
	}
	if err := f.Truncate(size); err != nil {
		return err
	}
	_, err = f.Seek(size, io.SeekStart)
	return err
}

func (OSFS) ReadFile(name string) ([]byte, error) { return os.ReadFile(name) }
func (OSFS) Rename(oldname, newname string) error { return os.Rename(oldname, newname) }
func (OSFS) Remove(name string) error             { return os.Remove(name) }
func (OSFS) MkdirAll(dir string) error            { return os.MkdirAll(dir, 0o700) }
func (OSFS) Stat(name string) (size int64, err error) {
	fi, err := os.Stat(name)
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}

func (OSFS) ReadDir(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir) // sorted by name
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.Name()
	}
	return names, err
}

func (OSFS) SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	if err := d.Sync(); err != nil {
		_ = d.Close()
		return err
	}
	return d.Close()
}

// MemFS is an in-memory FS that models what survives a crash, for tests
// that crash a checkpoint or recovery at any operation (after pebble's
// vfs.NewCrashableMem).
//
// The model, deliberately the strictest a POSIX file system allows:
//
//  1. A file's content survives a crash only as of its last Sync; bytes
//     written after it are lost (none of them survive, not a prefix).
//  2. A directory entry (create, rename, remove) survives only as of the
//     directory's last SyncDir; a file created and synced, but whose
//     directory was not synced, is gone after a crash.
//  3. Directories made by MkdirAll are durable at once (a simplification:
//     checkpoint directories are made once, long before they matter).
//
// Crash returns the state a machine would see after rebooting; the MemFS
// itself goes on unchanged. All methods are safe for concurrent use.
type MemFS struct {
	mu   sync.Mutex
	dirs map[string]*memDir // by cleaned path; protected by mu
}

type memDir struct {
	live    map[string]*memNode // entries now
	durable map[string]*memNode // entries as of the last SyncDir
	subdirs map[string]bool
}

// memNode is a file's content; protected by MemFS.mu.
type memNode struct {
	data   []byte // now
	synced []byte // as of the last Sync
}

var _ FS = (*MemFS)(nil)

// NewMemFS returns an empty MemFS with the directories "." and "/".
func NewMemFS() *MemFS {
	m := &MemFS{dirs: map[string]*memDir{}}
	m.dirs["."] = newMemDir()
	m.dirs["/"] = newMemDir()
	return m
}

func newMemDir() *memDir {
	return &memDir{live: map[string]*memNode{}, durable: map[string]*memNode{}, subdirs: map[string]bool{}}
}

func pathErr(op, name string, err error) error { return &fs.PathError{Op: op, Path: name, Err: err} }

// lookupLocked splits name into its directory and base name.
func (m *MemFS) lookupLocked(op, name string) (*memDir, string, error) {
	name = filepath.Clean(name)
	d := m.dirs[filepath.Dir(name)]
	if d == nil {
		return nil, "", pathErr(op, name, fs.ErrNotExist)
	}
	base := filepath.Base(name)
	if d.subdirs[base] || base == "." || base == "/" {
		return nil, "", pathErr(op, name, errors.New("is a directory"))
	}
	return d, base, nil
}

func (m *MemFS) Create(name string) (File, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	d, base, err := m.lookupLocked("create", name)
	if err != nil {
		return nil, err
	}
	n := d.live[base]
	if n == nil {
		n = &memNode{}
		d.live[base] = n
	}
	n.data = nil // truncate; the synced content stays until the next Sync
	return &memFile{fs: m, node: n, name: name, write: true}, nil
}

// nodeLocked returns the existing file name.
func (m *MemFS) nodeLocked(name string) (*memNode, error) {
	d, base, err := m.lookupLocked("open", name)
	if err != nil {
		return nil, err
	}
	n := d.live[base]
	if n == nil {
		return nil, pathErr("open", name, fs.ErrNotExist)
	}
	return n, nil
}

func (m *MemFS) Open(name string) (File, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n, err := m.nodeLocked(name)
	if err != nil {
		return nil, err
	}
	return &memFile{fs: m, node: n, name: name}, nil
}

func (m *MemFS) OpenAppend(name string, size int64) (File, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n, err := m.nodeLocked(name)
	if err != nil {
		return nil, err
	}
	if size < 0 || size > int64(len(n.data)) {
		return nil, pathErr("truncate", name, fmt.Errorf("size %d outside the file's %d bytes", size, len(n.data)))
	}
	n.data = slices.Clone(n.data[:size]) // the synced content stays until the next Sync
	return &memFile{fs: m, node: n, name: name, off: size, write: true}, nil
}

func (m *MemFS) ReadFile(name string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n, err := m.nodeLocked(name)
	if err != nil {
		return nil, err
	}
	return slices.Clone(n.data), nil
}

func (m *MemFS) Rename(oldname, newname string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	od, obase, err := m.lookupLocked("rename", oldname)
	if err != nil {
		return err
	}
	nd, nbase, err := m.lookupLocked("rename", newname)
	if err != nil {
		return err
	}
	n := od.live[obase]
	if n == nil {
		return pathErr("rename", oldname, fs.ErrNotExist)
	}
	delete(od.live, obase)
	nd.live[nbase] = n
	return nil
}

func (m *MemFS) Remove(name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	clean := filepath.Clean(name)
	if d := m.dirs[clean]; d != nil {
		if len(d.live) > 0 || len(d.subdirs) > 0 {
			return pathErr("remove", name, errors.New("directory not empty"))
		}
		delete(m.dirs, clean)
		delete(m.dirs[filepath.Dir(clean)].subdirs, filepath.Base(clean))
		return nil
	}
	d, base, err := m.lookupLocked("remove", name)
	if err != nil {
		return err
	}
	if d.live[base] == nil {
		return pathErr("remove", name, fs.ErrNotExist)
	}
	delete(d.live, base)
	return nil
}

func (m *MemFS) MkdirAll(dir string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	dir = filepath.Clean(dir)
	var missing []string
	for p := dir; m.dirs[p] == nil; p = filepath.Dir(p) {
		missing = append(missing, p)
	}
	for _, p := range slices.Backward(missing) {
		parent := m.dirs[filepath.Dir(p)]
		if parent.live[filepath.Base(p)] != nil {
			return pathErr("mkdir", p, errors.New("not a directory"))
		}
		m.dirs[p] = newMemDir()
		parent.subdirs[filepath.Base(p)] = true
	}
	return nil
}

func (m *MemFS) ReadDir(dir string) ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	d := m.dirs[filepath.Clean(dir)]
	if d == nil {
		return nil, pathErr("readdir", dir, fs.ErrNotExist)
	}
	var names []string
	for n := range d.live {
		names = append(names, n)
	}
	for n := range d.subdirs {
		names = append(names, n)
	}
	slices.Sort(names)
	return names, nil
}

func (m *MemFS) SyncDir(dir string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	d := m.dirs[filepath.Clean(dir)]
	if d == nil {
		return pathErr("sync", dir, fs.ErrNotExist)
	}
	d.durable = maps.Clone(d.live)
	return nil
}

func (m *MemFS) Stat(name string) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.dirs[filepath.Clean(name)] != nil {
		return 0, nil
	}
	d, base, err := m.lookupLocked("stat", name)
	if err != nil {
		return 0, err
	}
	n := d.live[base]
	if n == nil {
		return 0, pathErr("stat", name, fs.ErrNotExist)
	}
	return int64(len(n.data)), nil
}

// Crash returns a new MemFS holding what would survive a crash now: the
// durable directory entries, each file with its synced content. Files
// open on m stay attached to m.
func (m *MemFS) Crash() *MemFS {
	m.mu.Lock()
	defer m.mu.Unlock()
	c := &MemFS{dirs: make(map[string]*memDir, len(m.dirs))}
	clones := map[*memNode]*memNode{}
	for p, d := range m.dirs {
		nd := newMemDir()
		for name, n := range d.durable {
			cn := clones[n]
			if cn == nil {
				cn = &memNode{data: slices.Clone(n.synced), synced: slices.Clone(n.synced)}
				clones[n] = cn
			}
			nd.live[name] = cn
			nd.durable[name] = cn
		}
		for s := range d.subdirs {
			nd.subdirs[s] = true
		}
		c.dirs[p] = nd
	}
	return c
}

// memFile is an open MemFS file.
type memFile struct {
	fs     *MemFS
	node   *memNode
	name   string
	off    int64 // read/write offset
	write  bool  // opened by Create or OpenAppend
	closed bool
}

func (f *memFile) check(op string, writing bool) error {
	if f.closed {
		return pathErr(op, f.name, fs.ErrClosed)
	}
	if writing && !f.write {
		return pathErr(op, f.name, errors.New("file opened read-only"))
	}
	return nil
}

func (f *memFile) Read(p []byte) (int, error) {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if err := f.check("read", false); err != nil {
		return 0, err
	}
	if f.off >= int64(len(f.node.data)) {
		return 0, io.EOF
	}
	n := copy(p, f.node.data[f.off:])
	f.off += int64(n)
	return n, nil
}

func (f *memFile) Write(p []byte) (int, error) {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if err := f.check("write", true); err != nil {
		return 0, err
	}
	f.writeAtLocked(p, f.off)
	f.off += int64(len(p))
	return len(p), nil
}

func (f *memFile) WriteAt(p []byte, off int64) (int, error) {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if err := f.check("write", true); err != nil {
		return 0, err
	}
	if off < 0 {
		return 0, pathErr("write", f.name, errors.New("negative offset"))
	}
	f.writeAtLocked(p, off)
	return len(p), nil
}

func (f *memFile) writeAtLocked(p []byte, off int64) {
	if end := off + int64(len(p)); end > int64(len(f.node.data)) {
		f.node.data = append(f.node.data, make([]byte, end-int64(len(f.node.data)))...)
	}
	copy(f.node.data[off:], p)
}

func (f *memFile) Sync() error {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if err := f.check("sync", false); err != nil {
		return err
	}
	f.node.synced = slices.Clone(f.node.data)
	return nil
}

func (f *memFile) Close() error {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if err := f.check("close", false); err != nil {
		return err
	}
	f.closed = true
	return nil
}
