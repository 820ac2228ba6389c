// Package storage is PersianDB's storage engine: a hybrid log of row
// versions in large byte pages, with btree indexes (github.com/google/btree)
// pointing into it, and the value, row and key encodings the SQL layer
// stores.
//
// # The model
//
// Every row version is a record appended to one log shared by all tables.
// The log is a sequence of pages (4 MiB by default) addressed by a uint64
// byte offset that only grows. Records are not Go objects: the Go garbage
// collector never scans them, and a checkpoint reads pages sequentially.
//
//	address:   page number (high bits) | offset in page (low PageBits bits)
//
//	log:  [ page b ][ page b+1 ] ... [ page t ]
//	        ^ Begin (lowest live address)      ^ Tail (next append)
//
//	record (8-byte aligned, never straddles a page):
//	+---------+---------+---------+----------------------------+--------------------+-----+-------+-----+
//	| beginTS | endTS   | prev    | flags:16 keylen:16 tbl:32 | vallen:32 crc:32   | key | value | pad |
//	+---------+---------+---------+----------------------------+--------------------+-----+-------+-----+
//	  word 0    word 1    word 2    word 3                       word 4               40 bytes of header
//
// beginTS is the commit timestamp of the version's writer, or the writer's
// marker (bit 63 set) until it commits. endTS is 0 while the version is
// current, a marker while a writer is replacing it, and the replacing
// writer's commit timestamp after that. prev is the address of the key's
// previous version (0 for none). The checksum (CRC-32C) covers the table
// id, the lengths, the tombstone flag, the key and the value: everything
// that does not change after the append.
//
// Each Table has a primary btree of key -> slot; a slot is a word holding
// the address of the key's newest version. Updating a row appends a
// version and swaps the slot with a CAS: the btree changes only when a key
// appears or disappears. Secondary indexes are btrees of (index key,
// primary key) entries; they are not versioned, so a reader through an
// index re-checks the row version it finds (see Index). An index added to
// a table that has rows is filled by BuildIndex (index_build.go).
//
// Keys are encoded so that bytes.Compare on encodings equals SQL order
// (keyenc.go); rows use a compact schema-driven encoding (rowenc.go).
// Array values (array.go) keep their elements in the row encoding inside
// the Value, so they stay immutable; their type is the element type with
// the high bit set. json and jsonb values (jsonb.go) are their JSON text,
// jsonb's normalized by the storage/jsonb package, which also orders
// them; the one exception to the key rule is jsonb, whose key encoding
// groups equal values without following jsonb's order, so jsonb columns
// are never index keys (the SQL layer refuses them).
//
// # Invariants
//
//  1. A record is complete before the tail passes it; everything below
//     Tail parses record by record (fillers close pages).
//  2. A record's key, value, table id, lengths and tombstone flag never
//     change after the append; only beginTS, endTS, prev (before publish)
//     and the invalid/collected flags do, with atomic stores.
//  3. Versions of one key form a chain from the slot through prev,
//     newest first (by commit timestamp; addresses are not ordered once
//     the collector has relinked a version).
//  4. A key is locked by a writer iff its slot points at a version whose
//     beginTS is a marker. Only the lock holder swaps a locked slot.
//  5. Addresses in [Begin, Tail) stay readable to a reader that entered
//     an epoch guard before loading them, until it exits; pages and slots
//     are reused only after the epoch protection says so (epoch.go).
//  6. Garbage collection copies a record forward only if it is its key's
//     current committed version (and swaps the slot to the copy) or a
//     superseded version whose successor committed (and swaps the
//     successor's prev to the copy); it never moves a record that carries
//     a marker, and never while a compaction hold (a running checkpoint)
//     exists. So addresses held by transactions (their writes and the
//     versions they replace) stay valid without a guard.
//  7. The log is truncated only below the first record the collector could
//     not drop or move, so it never drops a version a reader can see. A
//     reader never follows prev into garbage: it follows prev only from a
//     version it cannot see, whose predecessor was superseded after the
//     reader's snapshot and so is above the horizon.
//
// # Lifetimes
//
// A Record, and the key and value slices it returns, alias a log page:
// they are valid only while the caller's Guard is entered. Copy what you
// keep. Table and Index scans pass keys that are valid during the
// callback only.
//
// # Memory bound
//
// Superseded and aborted versions are counted as garbage; when garbage is
// more than half the log (and the log is longer than two pages) the
// collector compacts the head: dead records are dropped, live ones copied
// to the tail, and whole pages are truncated. Under a steady update load
// the log stays within about twice the live data plus two pages once the
// collector catches up. Versions a snapshot still needs are copied forward
// rather than kept in place, so a briefly descheduled transaction does not
// pin the log's head; a long-running snapshot still keeps every version
// it can see, as Postgres's tables bloat behind a long transaction.
//
// # Debugging
//
// GCStats.Blocked says why a collection pass stopped early (an
// uncommitted version, a version still visible to a snapshot, a
// checkpoint hold). Store.GCTotals gives running totals. Record.Verify
// checks a record's checksum.
package storage
