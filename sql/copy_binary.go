package sql

import (
	"bytes"
	"encoding/binary"

	"github.com/persiandb/persiandb/sql/pgcodec"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/storage"
)

// binarySignature starts every binary COPY stream.
var binarySignature = []byte("PGCOPY\n\xff\r\n\x00")

// binaryReader is the state of binary input between payloads.
type binaryReader struct {
	headerDone bool
	eof        bool // the -1 trailer was read
	lineNo     int  // tuples begun, as Postgres numbers them for errors
}

func binaryErr(msg string) error { return pgerr.New(pgerr.BadCopyFileFormat, "%s", msg) }

// readHeader parses the file header at the start of b, returning its
// length, or 0 if b does not hold it all yet (final: never).
func readBinaryHeader(b []byte, final bool) (int, error) {
	short := func(need int, msg string) (bool, error) {
		if len(b) >= need {
			return false, nil
		}
		if final {
			return true, binaryErr(msg)
		}
		return true, nil
	}
	if len(b) >= len(binarySignature) && !bytes.Equal(b[:len(binarySignature)], binarySignature) {
		return 0, binaryErr("COPY file signature not recognized")
	}
	if wait, err := short(len(binarySignature), "COPY file signature not recognized"); wait {
		return 0, err
	}
	p := len(binarySignature)
	if wait, err := short(p+4, "invalid COPY file header (missing flags)"); wait {
		return 0, err
	}
	flags := binary.BigEndian.Uint32(b[p:])
	if flags&(1<<16) != 0 {
		return 0, binaryErr("invalid COPY file header (WITH OIDS)")
	}
	if flags&0xfffe0000 != 0 {
		return 0, binaryErr("unrecognized critical flags in COPY file header")
	}
	p += 4
	if wait, err := short(p+4, "invalid COPY file header (missing length)"); wait {
		return 0, err
	}
	ext := int32(binary.BigEndian.Uint32(b[p:]))
	if ext < 0 {
		return 0, binaryErr("invalid COPY file header (missing length)")
	}
	p += 4
	if wait, err := short(p+int(ext), "invalid COPY file header (wrong length)"); wait {
		return 0, err
	}
	return p + int(ext), nil
}

// consumeBinary inserts the tuples complete in buf.
func (c *CopyIn) consumeBinary(final bool) error {
	b, off := c.buf, 0
	defer func() { c.buf = c.buf[:copy(c.buf, c.buf[off:])] }()
	if !c.bin.headerDone {
		n, err := readBinaryHeader(b, final)
		if err != nil || n == 0 {
			return err
		}
		c.bin.headerDone, off = true, n
	}
	for {
		rest := b[off:]
		if c.bin.eof {
			if len(rest) > 0 {
				return withContext(binaryErr("received copy data after EOF marker"), copyContext(c.t.Name, c.bin.lineNo, "", nil, false))
			}
			return nil
		}
		if len(rest) < 2 {
			// Postgres takes the end of the data between tuples as the
			// end, trailer or not.
			return nil
		}
		line := c.bin.lineNo + 1
		n := int(int16(binary.BigEndian.Uint16(rest)))
		if n == -1 {
			c.bin.eof, c.bin.lineNo = true, line
			off += 2
			continue
		}
		if n != len(c.names) {
			return withContext(pgerr.New(pgerr.BadCopyFileFormat, "row field count is %d, expected %d", n, len(c.names)),
				copyContext(c.t.Name, line, "", nil, false))
		}
		// Find the tuple's end first: a tuple is decoded only whole.
		p := 2
		for i := 0; i < n; i++ {
			colErr := func(msg string) error {
				return withContext(binaryErr(msg), copyContext(c.t.Name, line, c.names[i], nil, false))
			}
			if p+4 > len(rest) {
				if final {
					return colErr("unexpected EOF in COPY data")
				}
				return nil
			}
			size := int(int32(binary.BigEndian.Uint32(rest[p:])))
			p += 4
			if size == -1 {
				continue
			}
			if size < -1 {
				return colErr("invalid field size")
			}
			if p+size > len(rest) {
				if final {
					return colErr("unexpected EOF in COPY data")
				}
				return nil
			}
			p += size
		}
		c.bin.lineNo = line
		p = 2
		for i := 0; i < n; i++ {
			size := int(int32(binary.BigEndian.Uint32(rest[p:])))
			p += 4
			if size == -1 {
				c.vals[i] = storage.Null()
				continue
			}
			v, err := pgcodec.DecodeBinary(rest[p:p+size], c.types[i])
			if err != nil {
				return withContext(err, copyContext(c.t.Name, line, c.names[i], nil, false))
			}
			c.vals[i] = v
			p += size
		}
		if err := c.insert(); err != nil {
			return withContext(err, copyContext(c.t.Name, line, "", nil, false))
		}
		off += p
	}
}
