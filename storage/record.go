package storage

import (
	"encoding/binary"
	"hash/crc32"
	"sync/atomic"
)

// Record header, five 8-byte words, every record 8-byte aligned:
//
//	word 0  beginTS   atomic; marker until the writer commits
//	word 1  endTS     atomic; 0 while current, marker while a writer supersedes
//	word 2  prev      atomic; address of the previous version of the key, 0 = none
//	word 3  meta      atomic; bits 0-15 flags, 16-31 key length, 32-63 table id
//	word 4  lengths   value length (low 32 bits) | CRC-32C (high 32 bits)
//	then    key bytes, value bytes, zero padding to a multiple of 8
const (
	headerSize = 40

	wBegin = 0
	wEnd   = 1
	wPrev  = 2
	wMeta  = 3
	wLens  = 4
)

// Record flags (bits 0-15 of the meta word).
const (
	// FlagTombstone marks a deletion: the key has no row from beginTS on.
	FlagTombstone uint64 = 1 << 0
	// FlagInvalid marks a version that must be ignored: its writer aborted,
	// or a garbage collector's copy lost its race.
	FlagInvalid uint64 = 1 << 1
	// flagFiller marks the unused end of a page.
	flagFiller uint64 = 1 << 2
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// recordSize is the number of log bytes a record with these lengths takes.
func recordSize(keyLen, valLen int) uint64 {
	return uint64(headerSize+keyLen+valLen+7) &^ 7
}

// Record is a view of one record in the log. It is valid only while the
// caller's epoch guard is held: after that its page may be recycled.
type Record struct {
	words []uint64 // the page's words, starting at the record
	bytes []byte   // the page's bytes, starting at the record
}

func (r Record) BeginTS() uint64 { return atomic.LoadUint64(&r.words[wBegin]) }
func (r Record) EndTS() uint64   { return atomic.LoadUint64(&r.words[wEnd]) }
func (r Record) Prev() Addr      { return Addr(atomic.LoadUint64(&r.words[wPrev])) }

func (r Record) SetBeginTS(ts uint64) { atomic.StoreUint64(&r.words[wBegin], ts) }
func (r Record) SetEndTS(ts uint64)   { atomic.StoreUint64(&r.words[wEnd], ts) }

// CASEndTS swaps endTS from old to new; it is how a writer locks the
// current version of a key.
func (r Record) CASEndTS(old, new uint64) bool {
	return atomic.CompareAndSwapUint64(&r.words[wEnd], old, new)
}

// casPrev swaps the prev link; only the collector relinks chains.
func (r Record) casPrev(old, new Addr) bool {
	return atomic.CompareAndSwapUint64(&r.words[wPrev], uint64(old), uint64(new))
}

func (r Record) meta() uint64      { return atomic.LoadUint64(&r.words[wMeta]) }
func (r Record) Flags() uint64     { return r.meta() & 0xffff }
func (r Record) TableID() uint32   { return uint32(r.meta() >> 32) }
func (r Record) keyLen() int       { return int(r.meta()>>16) & 0xffff }
func (r Record) valLen() int       { return int(uint32(r.words[wLens])) }
func (r Record) Tombstone() bool   { return r.Flags()&FlagTombstone != 0 }
func (r Record) Invalid() bool     { return r.Flags()&FlagInvalid != 0 }
func (r Record) filler() bool      { return r.Flags()&flagFiller != 0 }
func (r Record) SetFlag(f uint64)  { atomic.OrUint64(&r.words[wMeta], f) }
func (r Record) Size() uint64      { return recordSize(r.keyLen(), r.valLen()) }
func (r Record) storedCRC() uint32 { return uint32(r.words[wLens] >> 32) }

// Key returns the record's key bytes; they alias the log page.
func (r Record) Key() []byte { return r.bytes[headerSize : headerSize+r.keyLen()] }

// Value returns the record's value bytes; they alias the log page.
func (r Record) Value() []byte {
	k := headerSize + r.keyLen()
	return r.bytes[k : k+r.valLen()]
}

// Checksum recomputes the CRC-32C of the record's immutable part: table id,
// lengths, the tombstone flag, key and value. The mutable words (timestamps,
// prev, the invalid flag) are not covered: they change after the append.
func (r Record) Checksum() uint32 {
	return recordCRC(r.TableID(), r.Tombstone(), r.Key(), r.Value())
}

// Verify reports whether the stored checksum matches the record's bytes.
func (r Record) Verify() bool { return r.storedCRC() == r.Checksum() }

func recordCRC(table uint32, tombstone bool, key, val []byte) uint32 {
	var h [13]byte
	binary.LittleEndian.PutUint32(h[0:], table)
	binary.LittleEndian.PutUint32(h[4:], uint32(len(key)))
	binary.LittleEndian.PutUint32(h[8:], uint32(len(val)))
	if tombstone {
		h[12] = 1
	}
	c := crc32.Update(0, castagnoli, h[:])
	c = crc32.Update(c, castagnoli, key)
	return crc32.Update(c, castagnoli, val)
}

// RecordSpec describes a record to append.
type RecordSpec struct {
	Table   uint32
	BeginTS uint64
	EndTS   uint64
	Prev    Addr
	Flags   uint64 // FlagTombstone or 0
	Key     []byte
	Value   []byte
}

// writeRecord lays spec out at the start of words/bytes. The caller
// publishes the record only after this returns.
func writeRecord(words []uint64, b []byte, spec *RecordSpec, crc uint32) {
	words[wBegin] = spec.BeginTS
	words[wEnd] = spec.EndTS
	words[wPrev] = uint64(spec.Prev)
	words[wMeta] = spec.Flags&0xffff | uint64(len(spec.Key))<<16 | uint64(spec.Table)<<32
	words[wLens] = uint64(uint32(len(spec.Value))) | uint64(crc)<<32
	n := copy(b[headerSize:], spec.Key)
	n += copy(b[headerSize+n:], spec.Value)
	for i := headerSize + n; i < int(recordSize(len(spec.Key), len(spec.Value))); i++ {
		b[i] = 0
	}
}
