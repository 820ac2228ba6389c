package cpr

import (
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
	"unsafe"
)

// DirectCreator is an FS that can create a file written around the
// operating system's page cache. Segment files are written once, synced
// and not read again until a restart: copying them into the page cache
// only costs the writer. In this project's 2-core VM, writing 256 MiB and
// syncing it took 1.0-2.0 s of system time through the page cache and
// 0.02-0.03 s with O_DIRECT; the flush workers' write calls were most of
// a checkpoint's CPU time.
type DirectCreator interface {
	// CreateDirect is Create for a file written sequentially from offset
	// 0 (Write), whose only WriteAt is within its first directBlock
	// bytes, and that is not read through the returned File.
	CreateDirect(name string) (File, error)
}

var _ DirectCreator = OSFS{}

// createSegment creates a segment file: directly if fsys can.
func createSegment(fsys FS, name string) (File, error) {
	if d, ok := fsys.(DirectCreator); ok {
		return d.CreateDirect(name)
	}
	return fsys.Create(name)
}

// directBlock is the alignment O_DIRECT needs of buffers, offsets and
// lengths (the logical block size of any disk in use is at most this).
// directBuf is how much a direct file gathers before it writes.
const (
	directBlock = 4096
	directBuf   = 1 << 20
)

// CreateDirect opens name with O_DIRECT; where the file system refuses
// it (tmpfs), it falls back to Create.
func (fs OSFS) CreateDirect(name string) (File, error) {
	fd, err := syscall.Open(name, syscall.O_CREAT|syscall.O_TRUNC|syscall.O_WRONLY|syscall.O_CLOEXEC|syscall.O_DIRECT, 0o600)
	if errors.Is(err, syscall.EINVAL) {
		return fs.Create(name)
	}
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: name, Err: err}
	}
	return &directFile{f: os.NewFile(uintptr(fd), name), buf: alignedBlock(directBuf)}, nil
}

// alignedBlock returns n zero bytes starting at a directBlock boundary.
func alignedBlock(n int) []byte {
	b := make([]byte, n+directBlock)
	off := (directBlock - int(uintptr(unsafe.Pointer(&b[0]))%directBlock)) % directBlock
	return b[off : off+n : off+n]
}

// directFile is a File written with O_DIRECT: writes gather in an
// aligned buffer written whole at aligned offsets; the last partial
// block is written padded with zeros, and the file cut back to its
// length, by Sync (and Close). It keeps a copy of its first block so
// that a WriteAt there (the segment header's patch) rewrites the block.
type directFile struct {
	f     *os.File
	buf   []byte // aligned; buf[:n] is the data from offset off on
	n     int
	off   int64 // where buf[0] goes: a multiple of directBlock
	first []byte
	size  int64 // bytes written so far: the file's length
}

func (d *directFile) Read([]byte) (int, error) {
	return 0, errors.New("cpr: a direct segment file is write-only")
}

func (d *directFile) Write(p []byte) (int, error) {
	written := 0
	for len(p) > 0 {
		c := copy(d.buf[d.n:], p)
		d.n += c
		p = p[c:]
		written += c
		d.size = max(d.size, d.off+int64(d.n))
		if d.n == len(d.buf) {
			if err := d.writeOut(d.n); err != nil {
				return written - c, err
			}
			d.off += int64(d.n)
			d.n = 0
		}
	}
	return written, nil
}

// writeOut writes buf[:n] (n rounded up to whole blocks, zero padded) at
// off, and keeps the first block's bytes.
func (d *directFile) writeOut(n int) error {
	if n == 0 {
		return nil
	}
	whole := (n + directBlock - 1) / directBlock * directBlock
	clear(d.buf[n:whole])
	if d.off == 0 {
		if d.first == nil {
			d.first = alignedBlock(directBlock)
		}
		copy(d.first, d.buf[:directBlock])
	}
	_, err := d.f.WriteAt(d.buf[:whole], d.off)
	if errors.Is(err, syscall.EINVAL) && clearDirect(d.f) == nil {
		// A file system that takes O_DIRECT at open but not at write
		// time: write this file through the page cache.
		_, err = d.f.WriteAt(d.buf[:whole], d.off)
	}
	return err
}

// clearDirect turns O_DIRECT off on f's descriptor (F_SETFL may clear it
// on Linux).
func clearDirect(f *os.File) error {
	flags, _, errno := syscall.Syscall(syscall.SYS_FCNTL, f.Fd(), syscall.F_GETFL, 0)
	if errno != 0 {
		return errno
	}
	if _, _, errno := syscall.Syscall(syscall.SYS_FCNTL, f.Fd(), syscall.F_SETFL, flags&^syscall.O_DIRECT); errno != 0 {
		return errno
	}
	return nil
}

// WriteAt rewrites bytes inside the first block.
func (d *directFile) WriteAt(p []byte, off int64) (int, error) {
	if off < 0 || off+int64(len(p)) > directBlock || off+int64(len(p)) > d.size {
		return 0, fmt.Errorf("cpr: direct segment file: WriteAt(%d bytes at %d) outside its written first block", len(p), off)
	}
	if d.off == 0 { // the first block is still in the buffer
		return copy(d.buf[off:], p), nil
	}
	copy(d.first[off:], p)
	if _, err := d.f.WriteAt(d.first, 0); err != nil {
		return 0, err
	}
	return len(p), nil
}

// flushTail writes the buffered bytes (the partial last block padded)
// and cuts the file to its length. The bytes stay buffered, so that
// later writes rewrite that block whole.
func (d *directFile) flushTail() error {
	if err := d.writeOut(d.n); err != nil {
		return err
	}
	return d.f.Truncate(d.size)
}

func (d *directFile) Sync() error {
	if err := d.flushTail(); err != nil {
		return err
	}
	return d.f.Sync()
}

func (d *directFile) Close() error {
	err := d.flushTail()
	if cerr := d.f.Close(); err == nil {
		err = cerr
	}
	return err
}

// DirectOpener is an FS that can open a file for one sequential read
// around the page cache. Recovery reads each segment once: through the
// page cache, the kernel first fills pages for it (new memory, a fault
// per 4 KiB in a virtual machine) and then copies them out; a direct
// read goes from the disk into buffers the reader reuses.
type DirectOpener interface {
	// OpenDirect is Open for a file read only by Read, from its start.
	OpenDirect(name string) (File, error)
}

var _ DirectOpener = OSFS{}

// openSegment opens a segment file for reading: directly if fsys can.
func openSegment(fsys FS, name string) (File, error) {
	if d, ok := fsys.(DirectOpener); ok {
		return d.OpenDirect(name)
	}
	return fsys.Open(name)
}

// directReadBuf is the size of a direct reader's reads; it keeps
// directReadBufs buffers, so that two reads can be ahead of the one
// being consumed.
const (
	directReadBuf  = 2 << 20
	directReadBufs = 3
)

// OpenDirect opens name with O_DIRECT and starts reading it ahead; where
// the file system refuses O_DIRECT (tmpfs), it falls back to Open.
func (fs OSFS) OpenDirect(name string) (File, error) {
	fd, err := syscall.Open(name, syscall.O_RDONLY|syscall.O_CLOEXEC|syscall.O_DIRECT, 0)
	if errors.Is(err, syscall.EINVAL) {
		return fs.Open(name)
	}
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: name, Err: err}
	}
	r := &directReader{
		f:      os.NewFile(uintptr(fd), name),
		chunks: make(chan directChunk, directReadBufs-1),
		free:   make(chan []byte, directReadBufs),
		stop:   make(chan struct{}),
		done:   make(chan struct{}),
	}
	for i := 0; i < directReadBufs; i++ {
		r.free <- alignedBlock(directReadBuf)
	}
	go r.readAhead()
	return r, nil
}

// directReader reads a file with O_DIRECT from a goroutine that stays
// up to two buffers ahead of Read, so the disk works while the caller
// decodes.
type directReader struct {
	f      *os.File
	chunks chan directChunk // filled buffers, in file order
	free   chan []byte      // buffers to fill
	stop   chan struct{}    // closed by Close
	done   chan struct{}    // closed when readAhead returns
	cur    []byte           // the unread rest of buf
	buf    []byte           // the buffer being consumed
	err    error            // what ends the file: io.EOF or a read error
	closed bool
}

type directChunk struct {
	b   []byte
	err error
}

func (r *directReader) readAhead() {
	defer close(r.done)
	defer close(r.chunks)
	var off int64
	for {
		var buf []byte
		select {
		case buf = <-r.free:
		case <-r.stop:
			return
		}
		n, err := syscall.Pread(int(r.f.Fd()), buf, off)
		if err == syscall.EINVAL && clearDirect(r.f) == nil {
			// O_DIRECT taken at open, refused at read: read through
			// the page cache (whole buffers still, so the end is found
			// the same way).
			n, err = syscall.Pread(int(r.f.Fd()), buf, off)
		}
		switch {
		case err != nil:
			n, err = 0, &os.PathError{Op: "read", Path: r.f.Name(), Err: err}
		case n == 0 || n%directBlock != 0:
			// The file ends in this buffer (a direct read past the end
			// returns what there is, ending mid-block).
			err = io.EOF
		}
		off += int64(n)
		select {
		case r.chunks <- directChunk{buf[:n], err}:
		case <-r.stop:
			return
		}
		if err != nil {
			return
		}
	}
}

func (r *directReader) Read(p []byte) (int, error) {
	for len(r.cur) == 0 {
		if r.err != nil {
			return 0, r.err
		}
		if r.buf != nil {
			r.free <- r.buf[:cap(r.buf)]
			r.buf = nil
		}
		c, ok := <-r.chunks
		if !ok {
			return 0, errors.New("cpr: direct reader closed")
		}
		r.cur, r.buf, r.err = c.b, c.b, c.err
	}
	n := copy(p, r.cur)
	r.cur = r.cur[n:]
	return n, nil
}

// Close stops the read-ahead, waits for it, and closes the file.
func (r *directReader) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	close(r.stop)
	<-r.done
	return r.f.Close()
}

func (r *directReader) Write([]byte) (int, error) { return 0, errDirectReadOnly }
func (r *directReader) WriteAt([]byte, int64) (int, error) {
	return 0, errDirectReadOnly
}
func (r *directReader) Sync() error { return errDirectReadOnly }

var errDirectReadOnly = errors.New("cpr: a direct segment reader is read-only")
