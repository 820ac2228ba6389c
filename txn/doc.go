// Package txn implements PersianDB's MVCC transactions over the storage
// engine's hybrid log, and the CPR clock that gives every commit a
// timestamp v<<40 | seq, where v is the checkpoint version.
//
// # The model
//
// A Manager runs transactions; a Session is one client connection and runs
// one transaction at a time. A transaction reads at a snapshot timestamp S
// and sees, for each key, the newest version committed at or below S, plus
// its own writes from earlier statements. Writes append new versions
// stamped with the writer's marker (bit 63 | transaction id | command id).
// The marker in the key's newest version is the row lock. Commit takes a
// timestamp from the Clock, stamps it over the markers, and publishes it as
// the newest visible timestamp, all under one short mutex, so every commit
// at or below a snapshot is fully installed and readers never wait.
//
// Isolation levels follow Postgres:
//
//	READ COMMITTED   new snapshot per statement (NewStatement). An UPDATE or
//	                 DELETE that meets a row locked by a running writer waits
//	                 for it, then applies to the newest committed version
//	                 (the caller's UpdateFunc re-checks its predicate).
//	REPEATABLE READ  one snapshot, taken at the first statement. Writing a
//	                 row changed since the snapshot fails with
//	                 ErrSerialization (first updater wins).
//	SERIALIZABLE     REPEATABLE READ plus validation at commit: a writing
//	                 transaction commits only if no key it read and no key
//	                 in a range it scanned has a version committed after its
//	                 snapshot. A write that examined a row and left it
//	                 alone (no row, a unique violation, a declined
//	                 UpdateFunc) and a write undone by ROLLBACK TO count as
//	                 reads: no lock protects what they saw. Writers thus serialize in commit-timestamp
//	                 order, and every snapshot is a state of that serial
//	                 history, so read-only transactions need no validation.
//	                 This aborts more often than Postgres's SSI (it does not
//	                 look for a cycle) but never admits an anomaly.
//
// Lock waits end when the holder ends. After DeadlockTimeout (1s, like
// Postgres's deadlock_timeout) a waiter follows the chain of waits; if it
// leads back to itself it returns ErrDeadlock. The caller then rolls back;
// until it does, it keeps its locks.
//
// # Invariants
//
//  1. Prefix (DESIGN.md, Invariant 1). Every dependency of a committed
//     transaction has a smaller commit timestamp: it reads only versions
//     committed at or below its snapshot, which is below its own
//     timestamp, and it overwrites a version only after taking the row
//     lock, which the previous writer gives up only by committing (or
//     aborting). So for every cut C the transactions below C are closed
//     under read-from and overwrite dependencies.
//  2. Visibility. visible <= every timestamp issued later; every commit at
//     or below visible is installed (commitMu covers acquire, stamp,
//     publish).
//  3. Clock. Shift makes all later timestamps >= the cut in one CAS; a
//     commit is counted in its version's in-flight counter from before it
//     takes a timestamp until it is installed and its commit point noted,
//     so Drain(cut) returning means every commit below the cut is
//     installed and counted by PointBefore.
//  4. Horizon. A transaction publishes its snapshot before reading at it,
//     and re-checks the collector's floor (Dekker-style), so the collector
//     never reclaims a version a running snapshot or a registered reader
//     (a checkpoint) can see.
//  5. Commit points. Each session numbers its writing commits 1, 2, ...;
//     PointBefore(C) is the last serial committed below C, the session's
//     CPR point for a checkpoint at C. The history keeps the session's
//     first commit of each version (a cut is a version boundary, so that is
//     all PointBefore needs), however long after the cut it is asked.
//
// # Lifetimes
//
// Values returned by Get are appended to the caller's buffer. Keys and
// values passed to Scan callbacks and UpdateFuncs are valid only during
// the call. A Txn must not be used after Commit or Rollback (methods
// return ErrDone).
//
// # Debugging
//
// Manager.Horizon shows how far garbage collection may reclaim; a horizon
// stuck far below Visible means a long-running transaction. Errors wrap
// the sentinels in errors.go with the reason.
package txn
