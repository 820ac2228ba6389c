// Package cpr holds PersianDB's checkpoints: CPR commit points and the
// Persian checkpoint, which flushes the live row versions of the hybrid
// log in parallel without a stable copy, and the offline reader that loads
// a checkpoint back (Load). The file formats are described in
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
//	     -> WAIT_FLUSH   N workers scan [begin, tail) by whole pages, each
//	                     writing and fsyncing its own segment; fsync the
//	                     directory; write the manifest (temp, fsync, rename,
//	                     fsync the directory)
//	     -> REST         release the holds; Durable() = C; trim the sessions'
//	                     commit histories; retention (Options.Keep)
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
// Close stops background (group-commit) checkpoints and fails pending
// waiters with ErrClosed.
//
// # Debugging
//
// History keeps the last 100 attempts with per-phase durations, rows,
// bytes, segments and the error of a failed one; each attempt logs one
// line. Load's Snapshot.Skipped says why newer manifests were passed
// over. A checkpoint that Load rejects with "appears twice" means a
// version's endTS was wrong in the log (see invariant 4).
package cpr
