// Package cpr holds PersianDB's checkpoints: CPR commit points and the
// Persian checkpoint, which flushes the live row versions of the hybrid
// log in parallel without a stable copy, and the offline reader that loads
// a checkpoint back (Load; LoadStream, recovery's, streams its rows
// instead of building maps). The file formats are described in
// doc_format.go.
//
// # The model
//
// Commit timestamps are ts = v<<40 | seq (txn.Clock). A checkpoint at cut
// C = (v+1)<<40 holds, for every key, the version visible at C: the
// newest one committed below C, unless that is a deletion. By Invariant 1
// of DESIGN.md (the commits below any cut are closed under dependencies)
// that state is exactly the serial replay of the transactions with commit
// timestamp < C: a prefix of the commit order.
//
// The state machine (Checkpointer.Checkpoint; Phase reports it):
//
//	REST -> PREPARE      reader := RegisterReader(Visible()); HoldCompaction();
//	                     begin := log.Begin()
//	     -> IN_PROGRESS  C := clock.Shift(); clock.Drain(C); tail := log.Tail();
//	                     tables, session points (PointBefore(C)), Extra()
//	     -> WAIT_FLUSH   [begin, tail) is cut into runs of whole pages (up
//	                     to 4 per worker); N workers take the runs in turn,
//	                     each run written and fsynced as its own segment
//	                     (so that a run of dead versions does not leave a
//	                     worker, or a recovery reader, idle), with O_DIRECT
//	                     where the FS allows it (fs_direct.go); fsync the
//	                     directory; write the manifest (temp, fsync, rename,
//	                     fsync the directory)
//	     -> REST         release the holds; Durable() = C; trim the sessions'
//	                     commit histories; retention (Options.Keep)
//
// # Incremental (delta) checkpoints
//
// A full checkpoint starts a chain: its segments, its manifest, and an
// empty delta log (ckpt-<id>-deltas) created and synced before the
// manifest. Each later checkpoint of the chain is a delta at cut C from
// the previous cut P: the versions committed in [P, C) that are visible
// at C, and deletion markers (Record.Tombstone) for keys whose visible
// version at C is a tombstone committed in [P, C) (includeDelta). It is
// appended to the delta log as its records and then a metadata frame (a
// manifest with Full false, naming v, C, P, the previous checkpoint, the
// commit points and Extra, and describing the records by count, bytes and
// CRC-32C), and the log is fsynced: no file is created per delta. The
// delta scans one range, [max(start, begin), tail), with one writer.
//
// Policy (wantFullLocked): the next checkpoint is full if there is no
// usable chain (the first checkpoint of a new database, or any failed
// checkpoint: a failed delta may leave a torn tail after which nothing
// can be appended), if Options.DeltaFraction < 0 or Mode is ModeCPR, or
// if the chain's deltas hold more than DeltaFraction (0.5) times its
// full checkpoint's bytes. Retention (Options.Keep chains) runs only after
// a full checkpoint's manifest is durable.
//
// After a restart (Options.Recovered, continueChain) the chain recovery
// restored goes on: if the recovered checkpoint is the newest good state
// of the newest chain, New reopens its delta log cut to the end of the
// last complete delta (FS.OpenAppend; a torn tail, from a crash while a
// delta was written, is cut off and the cut synced before anything is
// appended), and the next delta scans from Recovered.Start, the log tail
// recovery left: the loaded records lie below it and all committed below
// the recovered cut, and the new manager's clock starts at the next
// version, so every commit since is at or above both. Any other recovered
// state (a fallback past damage, an older --recover-to target, a delta log
// damaged otherwise than by a torn tail) starts a new chain, leaving the
// files as they are. The SQL layer reserves the table ids of every row
// recovery read: a dropped table's rows may stay in the chain's base, and
// a new table must not inherit them by taking its id.
//
// Load reads the newest chain whose full checkpoint is valid and applies
// its deltas in order (a row replaces, a tombstone deletes; applying is
// idempotent) up to the last complete, intact one: a torn or damaged
// delta ends the chain there, which is still a prefix. Snapshot.Manifest
// is the last applied checkpoint's.
//
// LoadStream (stream.go) chooses the same chain with the same checks and
// Skipped reasons (newestChain and readBaseSegment are shared with Load),
// but reads the chain's deltas first into an override set, then the full
// checkpoint's segments in parallel (one goroutine per segment, up to
// GOMAXPROCS), handing their rows, minus those a delta overrode, to a
// callback in batches whose bytes live in 1 MiB arena blocks (no object
// per row), then the deltas' rows. Key uniqueness ("no key twice") is the
// caller's check, in its End callback: an error wrapping ErrCorrupt from
// it passes over the chain exactly as Load's own check does.
//
// The scan rule (include in checkpoint_flush.go): a record is written iff
// it is not invalid, not collected (moved forward by the collector: its
// copy lies above it), not a tombstone, its beginTS is a commit timestamp
// below C, its table still exists, and it was not superseded before C
// (endTS is 0, a writer's marker, or a commit timestamp >= C).
//
// # Invariants
//
//  1. Nothing needed moves or disappears during the scan. The reader
//     registration keeps the GC horizon <= Visible() at PREPARE < C, and
//     every version the checkpoint needs is superseded, if at all, at or
//     after C; registering at Visible without a retry is safe because
//     visible only grows, so any horizon computed before the registration
//     is <= it. The compaction hold stops the collector from moving,
//     flagging, removing or truncating anything, and waits out a pass in
//     progress before begin is read.
//  2. Every version below the cut lies in [begin, tail): versions below
//     begin were truncated, and only dead ones are; after the drain every
//     commit below C is installed, so its versions were appended before
//     the tail is read.
//  3. The rule's answer is stable during the scan: after the drain, a
//     timestamp word can change only to a marker, to 0 (an undo), or to a
//     commit timestamp >= C, none of which changes the answer, and the
//     hold keeps the collector's flags still.
//  4. Exactly one version per key passes: versions of a key partition
//     time by [beginTS, endTS), so one contains C. (This depends on txn
//     and storage keeping endTS exact: a stale endTS of 0 on a superseded
//     version shows up as a key written twice, which Load rejects.)
//  5. Dropped tables: the catalog releases a dropped table's storage only
//     once the drop committed at or below the GC horizon, which the
//     registration keeps below C; so a table missing after the drain was
//     dropped below C, and one created after it has no version below C.
//     A table dropped below C whose storage is still there is written;
//     the manifest's catalog (Extra) no longer names it, and recovery must
//     ignore its rows.
//  6. Session points: every named session's PointBefore(C), read after
//     the drain. txn forgets a session when it closes, so the checkpointer
//     keeps each named session it has seen (a closed *txn.Session still
//     answers PointBefore) until a durable manifest covers its last commit,
//     and carries every name's point from manifest to manifest (and across
//     restarts, from the newest manifest). A session that opens, commits
//     and closes entirely between two checkpoints is seen too: txn keeps
//     the last closed session of each name that committed
//     (Manager.Sessions lists it).
//  7. A checkpoint exists once its manifest is durable, and only then is
//     it reported (Durable, WaitDurable, the return of Checkpoint) or are
//     older checkpoints removed. A failed checkpoint removes its manifest
//     (if the failure came while writing it) and then its segments, and
//     consumes its id; the next checkpoint starts afresh.
//  8. Transactions never wait for a checkpoint: the shift is one CAS, the
//     drain waits for commits already installing, and the holds block
//     only the collector.
//  9. A delta at C from P equals the state at C given the state at P: per
//     key the versions partition time (invariant 4), so the version
//     visible at C either began before P (then it was visible at P too,
//     and the key is unchanged) or began in [P, C) and is written (a row,
//     or a tombstone: a deletion). A tombstone committed in [P, C) is
//     still in the log when the delta scans: the collector removes a
//     tombstone only once its beginTS is at or below the GC horizon, and
//     each durable checkpoint keeps its reader registration (at Visible()
//     at its PREPARE, < P) until the next checkpoint has registered its
//     own (run.hold), so the horizon stays below P in between.
//  10. The scan start. A transaction appends its versions long before it
//     commits, so a version committed in [P, C) may lie far below the
//     tail of the checkpoint at P. Call a record pending at cut X if it
//     is neither invalid nor collected and its beginTS is a marker or a
//     commit timestamp >= X (pendingRecord). Each checkpoint at X, while
//     scanning, notes the lowest address of a record pending at X, and
//     the next delta starts there (at X's tail if none): chain.start.
//     Claim H: when the delta at C scans, every record that is not
//     invalid or collected and whose beginTS is a marker or >= P lies at
//     or above start (so every version the delta needs is in its range).
//     Proof, by induction over the chain. Take such a record y. If y was
//     appended after the checkpoint at P read its tail, y >= tail >=
//     start. Otherwise y existed when that checkpoint scanned (records
//     below the tail are written before the tail moves past them), and
//     then its beginTS was a marker or >= P (a commit timestamp below P
//     never changes: markers only become timestamps, and after the drain
//     of P every later one is >= P; copies keep it), and y was not invalid
//     or collected (both are final). So y was pending at P, and by H for
//     the checkpoint at P (pending at P implies a marker or >= the cut
//     before it; for a full checkpoint, every record is >= begin) y lay
//     in that checkpoint's scan range and was noted: y >= start. Records
//     never move down: truncation only removes (invalid, dead, collected,
//     removed tombstones; never a marker, which stops a collection pass)
//     and the collector's copies are appended at the tail. ModeCPR's
//     flush does not note pending records; it sets start to begin,
//     correct because every record then in the log lies above it.
//
// # Group commit
//
// WaitDurable(ts) returns once a checkpoint with cut > ts is durable. A
// round is one checkpoint run shared by all its waiters; a running round
// covers ts if its shift is still ahead (the shift happens under the same
// lock waiters check, so "not shifted yet" means the cut will exceed every
// timestamp issued so far) or its cut is above ts; otherwise the waiter
// joins the pending round, which runs as soon as the running one ends.
// A failed round fails its waiters; the next call starts a new one.
//
// # Lifetimes
//
// Info values and History's slice are copies. A Snapshot owns its bytes.
// Close stops background (group-commit) checkpoints, fails pending
// waiters with ErrClosed, closes the chain's delta log and releases the
// hold on the GC horizon (which, between checkpoints, stays below the
// newest durable cut: versions superseded since then are collected only
// after the next checkpoint).
//
// # Debugging
//
// History keeps the last 100 attempts with per-phase durations, rows,
// bytes, segments and the error of a failed one; each attempt logs one
// line. Load's Snapshot.Skipped (LoadStream's StreamResult.Skipped) says
// why newer manifests were passed over. A checkpoint that Load (or
// recovery, after LoadStream) rejects with "appears twice" means a
// version's endTS was wrong in the log (see invariant 4).
package cpr
