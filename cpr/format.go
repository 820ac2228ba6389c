package cpr

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"strconv"
	"strings"
)

// Errors of the checkpoint file formats. Readers wrap them with %w and a
// message naming what failed (which field, which record, stored and
// computed values), so callers test them with errors.Is. An I/O error of
// the underlying reader is returned as it is: it is not corruption.
var (
	// ErrCorrupt marks a damaged checkpoint file: a bad magic number, a
	// checksum mismatch, a torn tail, a wrong record count, a record at or
	// above the checkpoint's cut, or bytes that no writer produces.
	ErrCorrupt = errors.New("cpr: corrupt checkpoint file")
	// ErrNewerFormat marks an intact file written by a newer PersianDB
	// (its format version is above FormatVersion). It is not corruption:
	// upgrade, do not fall back to an older checkpoint and lose commits.
	ErrNewerFormat = errors.New("cpr: checkpoint file has a newer format version")
	// ErrRecordTooLarge: a record's key and value exceed MaxRecordSize.
	ErrRecordTooLarge = errors.New("cpr: checkpoint record too large")
)

// MaxRecordSize bounds len(Key)+len(Value) of one segment record. Readers
// reject larger lengths as corruption before allocating anything.
const MaxRecordSize = 1 << 30

// TempSuffix ends the name of a manifest being written (WriteManifest). A
// file with this suffix is never part of a checkpoint; recovery may
// remove it.
const TempSuffix = ".tmp"

// Magic numbers: the first 8 bytes of every file of each kind.
var (
	segmentMagic  = [8]byte{'P', 'D', 'B', 'C', 'P', 'S', 'E', 'G'}
	manifestMagic = [8]byte{'P', 'D', 'B', 'C', 'P', 'M', 'A', 'N'}
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

var le = binary.LittleEndian

// corruptf returns an error wrapping ErrCorrupt with a formatted reason.
func corruptf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrCorrupt, fmt.Sprintf(format, args...))
}

// ManifestName is the file name of checkpoint id's manifest, e.g.
// "manifest-00000000000000000042". Twenty digits hold any uint64, so names
// sort as ids do.
func ManifestName(id uint64) string {
	return fmt.Sprintf("manifest-%020d", id)
}

// SegmentName is the file name of segment seg of checkpoint id, e.g.
// "ckpt-00000000000000000042-seg-0003".
func SegmentName(id uint64, seg uint32) string {
	return fmt.Sprintf("ckpt-%020d-seg-%04d", id, seg)
}

// ParseManifestName is the inverse of ManifestName; ok is false for any
// other name (temp files included).
func ParseManifestName(name string) (id uint64, ok bool) {
	rest, found := strings.CutPrefix(name, "manifest-")
	if !found || len(rest) != 20 {
		return 0, false
	}
	id, err := strconv.ParseUint(rest, 10, 64)
	return id, err == nil && ManifestName(id) == name
}

// ParseSegmentName is the inverse of SegmentName; ok is false for any
// other name.
func ParseSegmentName(name string) (id uint64, seg uint32, ok bool) {
	rest, found := strings.CutPrefix(name, "ckpt-")
	if !found || len(rest) < 20+len("-seg-")+4 {
		return 0, 0, false
	}
	id, err := strconv.ParseUint(rest[:20], 10, 64)
	if err != nil {
		return 0, 0, false
	}
	s, found := strings.CutPrefix(rest[20:], "-seg-")
	if !found {
		return 0, 0, false
	}
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil || SegmentName(id, uint32(n)) != name {
		return 0, 0, false
	}
	return id, uint32(n), true
}

// validFileName reports whether name can name a file inside the checkpoint
// directory: not empty, not "." or "..", no path separator or NUL. A
// manifest naming anything else is refused, so a damaged or hostile
// manifest cannot make recovery open a file outside the directory.
func validFileName(name string) bool {
	return name != "" && name != "." && name != ".." && len(name) <= 255 &&
		!strings.ContainsAny(name, "/\\\x00")
}

// crc32Combine returns the CRC-32C of A||B given crcA = CRC(A), crcB =
// CRC(B) and lenB = len(B), without the bytes (zlib's crc32_combine: the
// CRC register is advanced over lenB zero bits by repeated squaring of the
// GF(2) shift operator). SegmentWriter uses it to report the checksum of
// the whole file after patching the header, without reading it back.
func crc32Combine(crcA, crcB uint32, lenB int64) uint32 {
	if lenB <= 0 {
		return crcA
	}
	var even, odd [32]uint32
	odd[0] = crc32.Castagnoli // reflected polynomial 0x82F63B78
	row := uint32(1)
	for n := 1; n < 32; n++ {
		odd[n] = row
		row <<= 1
	}
	gf2Square(&even, &odd) // operator for two zero bits
	gf2Square(&odd, &even) // four zero bits
	for {
		gf2Square(&even, &odd) // first pass: one zero byte
		if lenB&1 != 0 {
			crcA = gf2Times(&even, crcA)
		}
		lenB >>= 1
		if lenB == 0 {
			break
		}
		gf2Square(&odd, &even)
		if lenB&1 != 0 {
			crcA = gf2Times(&odd, crcA)
		}
		lenB >>= 1
		if lenB == 0 {
			break
		}
	}
	return crcA ^ crcB
}

func gf2Times(mat *[32]uint32, vec uint32) uint32 {
	var sum uint32
	for i := 0; vec != 0; i, vec = i+1, vec>>1 {
		if vec&1 != 0 {
			sum ^= mat[i]
		}
	}
	return sum
}

func gf2Square(square, mat *[32]uint32) {
	for n := range 32 {
		square[n] = gf2Times(mat, mat[n])
	}
}
