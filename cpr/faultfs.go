package cpr

import (
	"errors"
	"fmt"
	"io/fs"
	"sync"
	"syscall"
)

// ErrInjected is the error FaultFS returns for an injected failure
// (wrapped in an *fs.PathError naming the operation and file).
var ErrInjected = errors.New("cpr: injected fault")

// Op is a kind of file-system operation, as FaultFS counts and records it.
type Op uint8

const (
	OpCreate Op = iota + 1
	OpOpen
	OpReadFile
	OpWrite // File.Write and File.WriteAt
	OpSync  // File.Sync
	OpClose // File.Close
	OpRename
	OpRemove
	OpMkdirAll
	OpReadDir
	OpSyncDir
	OpStat
	OpOpenAppend
	numOps
)

var opNames = [numOps]string{"?", "create", "open", "readfile", "write", "sync", "close", "rename", "remove", "mkdirall", "readdir", "syncdir", "stat", "openappend"}

func (o Op) String() string {
	if o < numOps {
		return opNames[o]
	}
	return fmt.Sprintf("Op(%d)", uint8(o))
}

// OpRecord is one operation FaultFS passed on (or failed).
type OpRecord struct {
	Op   Op
	Name string // the file or directory
	To   string // OpRename: the new name
	Off  int64  // OpWrite: the WriteAt offset, or -1 for Write; OpOpenAppend: the size kept
	N    int    // OpWrite: bytes written
	Err  error  // the result
}

func (r OpRecord) String() string {
	s := r.Op.String() + " " + r.Name
	switch r.Op {
	case OpRename:
		s += " -> " + r.To
	case OpWrite:
		if r.Off >= 0 {
			s += fmt.Sprintf(" @%d", r.Off)
		}
		s += fmt.Sprintf(" %d bytes", r.N)
	case OpOpenAppend:
		s += fmt.Sprintf(" at %d", r.Off)
	}
	if r.Err != nil {
		s += ": " + r.Err.Error()
	}
	return s
}

// FaultFS wraps an FS, injects failures and records every operation but
// File.Read (the record is for crash tests: which writes and syncs
// happened, in which order). Its knobs may be set at any time; all
// methods are safe for concurrent use, and operations through it are
// serialized (it holds its lock while the wrapped FS works, so the
// record's order is the order the operations happened).
//
// The knobs:
//
//   - FailNth(op, n): the nth call of op fails, counting every call of op
//     since NewFaultFS (1-based; Count(op)+1 is the next one).
//   - FailFrom(op, n): every call of op from the nth on fails.
//   - SetLimit(bytes): the device holds that many bytes: once writes
//     through this FaultFS total more, every write fails with an error
//     wrapping syscall.ENOSPC, after writing what still fit.
//   - SetTornWrites(true): an injected write failure first writes the
//     first half of the buffer (a torn write) instead of nothing.
//   - SetHook(fn): fn sees every operation before it runs; a non-nil
//     error fails it.
//
// A failed Sync, Rename or SyncDir does nothing; a failed Close still
// closes the wrapped file (so nothing leaks) but reports the error.
type FaultFS struct {
	fs FS
	mu struct {
		sync.Mutex
		counts   [numOps]int64
		failNth  [numOps]int64
		failFrom [numOps]int64
		limit    int64 // negative: none
		written  int64
		torn     bool
		hook     func(OpRecord) error
		ops      []OpRecord
	}
}

var _ FS = (*FaultFS)(nil)

// NewFaultFS wraps inner with no failures configured.
func NewFaultFS(inner FS) *FaultFS {
	f := &FaultFS{fs: inner}
	f.mu.limit = -1
	return f
}

// FailNth makes the nth call of op fail (n counts from NewFaultFS, 1-based);
// n = 0 clears it.
func (f *FaultFS) FailNth(op Op, n int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.mu.failNth[op] = n
}

// FailFrom makes every call of op from the nth on fail; n = 0 clears it.
func (f *FaultFS) FailFrom(op Op, n int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.mu.failFrom[op] = n
}

// SetLimit sets the bytes writes may total before they fail with ENOSPC;
// negative removes the limit.
func (f *FaultFS) SetLimit(bytes int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.mu.limit = bytes
}

// SetTornWrites chooses whether an injected write failure writes half the
// buffer first.
func (f *FaultFS) SetTornWrites(torn bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.mu.torn = torn
}

// SetHook sets a function that sees each operation before it runs (Err and
// N are not set yet) and may fail it by returning an error; nil removes it.
// It runs with FaultFS's lock held: it must not call FaultFS.
func (f *FaultFS) SetHook(fn func(OpRecord) error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.mu.hook = fn
}

// Count is the number of calls of op so far.
func (f *FaultFS) Count(op Op) int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.mu.counts[op]
}

// Written is the number of bytes written through f.
func (f *FaultFS) Written() int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.mu.written
}

// Ops returns a copy of the operations recorded so far.
func (f *FaultFS) Ops() []OpRecord {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]OpRecord(nil), f.mu.ops...)
}

// ResetOps forgets the recorded operations (the counts stay).
func (f *FaultFS) ResetOps() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.mu.ops = nil
}

// startLocked counts rec's operation and decides whether it fails.
func (f *FaultFS) startLocked(rec OpRecord) error {
	f.mu.counts[rec.Op]++
	n := f.mu.counts[rec.Op]
	if n == f.mu.failNth[rec.Op] || (f.mu.failFrom[rec.Op] > 0 && n >= f.mu.failFrom[rec.Op]) {
		return &fs.PathError{Op: rec.Op.String(), Path: rec.Name, Err: fmt.Errorf("%w (%s call %d)", ErrInjected, rec.Op, n)}
	}
	if f.mu.hook != nil {
		if err := f.mu.hook(rec); err != nil {
			return err
		}
	}
	return nil
}

// do runs one whole-FS operation under the lock and records it.
func (f *FaultFS) do(rec OpRecord, fn func() error) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	err := f.startLocked(rec)
	if err == nil {
		err = fn()
	}
	rec.Err = err
	f.mu.ops = append(f.mu.ops, rec)
	return err
}

func (f *FaultFS) Create(name string) (File, error) {
	var file File
	err := f.do(OpRecord{Op: OpCreate, Name: name}, func() (err error) {
		file, err = f.fs.Create(name)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &faultFile{fs: f, f: file, name: name}, nil
}

func (f *FaultFS) OpenAppend(name string, size int64) (File, error) {
	var file File
	err := f.do(OpRecord{Op: OpOpenAppend, Name: name, Off: size}, func() (err error) {
		file, err = f.fs.OpenAppend(name, size)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &faultFile{fs: f, f: file, name: name}, nil
}

func (f *FaultFS) Open(name string) (File, error) {
	var file File
	err := f.do(OpRecord{Op: OpOpen, Name: name}, func() (err error) {
		file, err = f.fs.Open(name)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &faultFile{fs: f, f: file, name: name}, nil
}

func (f *FaultFS) ReadFile(name string) (b []byte, err error) {
	err = f.do(OpRecord{Op: OpReadFile, Name: name}, func() (err error) {
		b, err = f.fs.ReadFile(name)
		return err
	})
	return b, err
}

func (f *FaultFS) Rename(oldname, newname string) error {
	return f.do(OpRecord{Op: OpRename, Name: oldname, To: newname}, func() error {
		return f.fs.Rename(oldname, newname)
	})
}

func (f *FaultFS) Remove(name string) error {
	return f.do(OpRecord{Op: OpRemove, Name: name}, func() error { return f.fs.Remove(name) })
}

func (f *FaultFS) MkdirAll(dir string) error {
	return f.do(OpRecord{Op: OpMkdirAll, Name: dir}, func() error { return f.fs.MkdirAll(dir) })
}

func (f *FaultFS) ReadDir(dir string) (names []string, err error) {
	err = f.do(OpRecord{Op: OpReadDir, Name: dir}, func() (err error) {
		names, err = f.fs.ReadDir(dir)
		return err
	})
	return names, err
}

func (f *FaultFS) SyncDir(dir string) error {
	return f.do(OpRecord{Op: OpSyncDir, Name: dir}, func() error { return f.fs.SyncDir(dir) })
}

func (f *FaultFS) Stat(name string) (size int64, err error) {
	err = f.do(OpRecord{Op: OpStat, Name: name}, func() (err error) {
		size, err = f.fs.Stat(name)
		return err
	})
	return size, err
}

// faultFile is a File opened through a FaultFS.
type faultFile struct {
	fs   *FaultFS
	f    File
	name string
}

func (ff *faultFile) Read(p []byte) (int, error) { return ff.f.Read(p) }

func (ff *faultFile) Write(p []byte) (int, error) {
	return ff.write(p, -1)
}

func (ff *faultFile) WriteAt(p []byte, off int64) (int, error) {
	return ff.write(p, off)
}

// write is Write (off < 0) or WriteAt, with injected failures and the
// space limit.
func (ff *faultFile) write(p []byte, off int64) (n int, err error) {
	f := ff.fs
	f.mu.Lock()
	defer f.mu.Unlock()
	rec := OpRecord{Op: OpWrite, Name: ff.name, Off: off}
	put := func(b []byte) (int, error) {
		if off < 0 {
			return ff.f.Write(b)
		}
		return ff.f.WriteAt(b, off)
	}
	if err = f.startLocked(rec); err != nil {
		if f.mu.torn && len(p) > 1 {
			n, _ = put(p[:len(p)/2])
		}
	} else if f.mu.limit >= 0 && f.mu.written+int64(len(p)) > f.mu.limit {
		room := max(f.mu.limit-f.mu.written, 0)
		if room > 0 {
			n, err = put(p[:room])
		}
		if err == nil {
			err = &fs.PathError{Op: "write", Path: ff.name, Err: syscall.ENOSPC}
		}
	} else {
		n, err = put(p)
	}
	f.mu.written += int64(n)
	rec.N, rec.Err = n, err
	f.mu.ops = append(f.mu.ops, rec)
	return n, err
}

func (ff *faultFile) Sync() error {
	return ff.fs.do(OpRecord{Op: OpSync, Name: ff.name}, ff.f.Sync)
}

func (ff *faultFile) Close() error {
	f := ff.fs
	f.mu.Lock()
	defer f.mu.Unlock()
	rec := OpRecord{Op: OpClose, Name: ff.name}
	err := f.startLocked(rec)
	if cerr := ff.f.Close(); err == nil {
		err = cerr
	}
	rec.Err = err
	f.mu.ops = append(f.mu.ops, rec)
	return err
}
