package cpr

// FormatVersion is the version of the checkpoint file formats this build
// writes, and the newest it reads. A reader meeting a larger version in an
// intact file returns ErrNewerFormat.
//
// # File format
//
// A checkpoint directory holds, per checkpoint id, segment files (one per
// run of log pages; up to 4 per flush worker) and one manifest, written
// last:
//
//	ckpt-<id:20 digits>-seg-<n:4+ digits>   SegmentName(id, n)
//	ckpt-<id:20 digits>-deltas              DeltaLogName(id): the delta log
//	                                        of the chain of full checkpoint id
//	manifest-<id:20 digits>                 ManifestName(id) (full checkpoints only)
//	manifest-<id:20 digits>.tmp             a manifest being written (never valid)
//
// Ids are zero-padded so that names sort as ids do. All integers are
// little-endian. Every checksum is CRC-32C (Castagnoli), with the usual
// pre- and post-inversion (Go's crc32.Checksum with crc32.Castagnoli).
//
// A segment file is a 64-byte header, then Records records, then nothing:
//
//	offset size  field
//	     0    8  magic "PDBCPSEG"
//	     8    4  format version (1)
//	    12    4  header size (64)
//	    16    8  checkpoint id
//	    24    8  CPR version v
//	    32    8  cut C = (v+1)<<40: every record's beginTS < C
//	    40    8  record count; 0xFFFFFFFFFFFFFFFF while the writer runs
//	    48    4  segment number
//	    52    8  reserved, zero
//	    60    4  CRC-32C of bytes [0, 60)
//
// Each record, back to back from offset 64 (k = key length, n = value
// length):
//
//	offset   size  field
//	     0      4  table id
//	     4      1  flags: bit 0 tombstone (a deletion, in deltas); other bits zero
//	     5      4  k
//	     9      4  n
//	    13      8  beginTS (< C)
//	    21      k  key
//	  21+k      n  value
//	21+k+n      4  CRC-32C of bytes [0, 21+k+n) of the record
//
// A record takes 25+k+n bytes; k+n is at most MaxRecordSize.
//
// Writing a segment (SegmentWriter): write the header with the count set
// to all ones ("unfinished"), stream the records, write the header again
// at offset 0 with the real count, fsync, close. The manifest records the
// file's size and the CRC-32C of its whole content, and is written only
// after every segment is synced.
//
// Reading a segment (ReadSegment) checks, in order: the magic; if the
// version is above FormatVersion, that the header (of the size at offset
// 12) ends with a valid CRC-32C, then reports ErrNewerFormat; the header
// checksum, version 1, header size 64, reserved bytes zero and a finished
// count; then for each of the count records its flags, its lengths, its
// checksum and beginTS < C; then that the file ends there. So a torn or
// truncated tail is ErrCorrupt (the header's count says a record is
// missing), a crash before Close is ErrCorrupt (the count is
// "unfinished"), and a flipped bit anywhere fails a checksum, the magic,
// or a check on a field no checksum covers yet (a length, whose damage
// then fails the record's checksum or runs past the end of the file). No
// proper prefix of a valid segment is valid.
//
// A manifest file is a frame around a body:
//
//	offset size  field
//	     0    8  magic "PDBCPMAN"
//	     8    4  format version (1)
//	    12    4  body length L (the file is exactly 20+L bytes)
//	    16    L  body
//	  16+L    4  CRC-32C of bytes [0, 16+L)
//
// Every format version keeps this frame, so the length and checksum are
// checked before the version is believed. The body of version 1:
//
//	offset size  field
//	     0    8  checkpoint id
//	     8    8  chain (id of the full checkpoint that starts the chain)
//	    16    8  CPR version v
//	    24    8  cut C
//	    32    8  previous checkpoint id (0: none)
//	    40    8  previous cut (a delta covers [previous cut, C))
//	    48    8  started: Unix seconds (signed)
//	    56    4  started: nanoseconds (< 1e9)
//	    60    8  finished: Unix seconds (signed)
//	    68    4  finished: nanoseconds (< 1e9)
//	    72    1  flags: bit 0 full checkpoint; other bits zero
//	    73    4  segment count S, then S times:
//	                 4 name length m, m name bytes (a plain file name in
//	                 the same directory), 8 size, 4 CRC-32C of the file,
//	                 8 record count
//	     .    4  session count P, then P times:
//	                 4 name length m, m name bytes, 8 serial (the
//	                 session's last commit below C)
//	     .    4  extra length x, then x bytes: the SQL layer's state at
//	             the cut (catalog, sequence values), opaque to cpr
//
// and nothing after it. DecodeManifest accepts exactly the bytes
// EncodeManifest produces (decode then encode gives the input back).
//
// # Delta log
//
// A chain's delta log is a 64-byte header, then zero or more deltas:
//
//	offset size  field
//	     0    8  magic "PDBCPDLG"
//	     8    4  format version (1)
//	    12    4  header size (64)
//	    16    8  chain: the full checkpoint's id
//	    24    8  its CPR version v
//	    32    8  its cut (the first delta's previous cut)
//	    40   20  reserved, zero
//	    60    4  CRC-32C of bytes [0, 60)
//
// A delta is its record entries, then one metadata entry. A record entry
// is the byte 'R' and a record in the segment record format above (flags
// bit 0: a tombstone, deleting the key; its value is empty). The
// metadata entry is the byte 'M' and a manifest frame (the format below)
// with: flags without bit 0 (a delta), the delta's checkpoint id, the
// chain's id, the previous checkpoint's id and cut (the base or the
// previous delta), v and C, times, session points and extra as in a
// manifest, and exactly one segment entry describing the delta's record
// entries: name = the delta log's name, size = their bytes (tags
// included), CRC-32C of those bytes, record count. Each delta is written
// with plain appends, then the file is fsynced; its creation (with the
// full checkpoint) is the only directory change.
//
// Reading (readDeltaLog) checks the header against the full manifest
// (chain, v, cut), then per delta every record's checksum, flags and
// lengths; the frame's checksum and length; that the metadata follows the
// previous checkpoint (chain, previous id and cut, a larger id) and
// matches the records (count, bytes, CRC); every beginTS in [previous
// cut, C); no key twice. A file that ends right after a metadata entry
// ends cleanly. Anything else (the file ends inside a delta, a bad
// checksum, an unknown tag) ends the chain after the last good delta:
// a torn tail after a crash is expected there.
//
// WriteManifest makes a manifest durable in this order: create
// manifest-<id>.tmp, write, fsync, close, rename to manifest-<id>, fsync
// the directory. A crash at any point leaves the previous manifests as
// they were and either no manifest-<id> or a complete one.
const FormatVersion = 1
