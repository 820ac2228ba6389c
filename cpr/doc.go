// Package cpr will hold PersianDB's checkpoints: CPR commit points and the
// Persian checkpoint (REST -> PREPARE -> IN_PROGRESS -> WAIT_FLUSH -> REST),
// flushing the live row versions in parallel without a stable copy. The
// commit clock it builds on (txn.Clock: version shift, in-flight counts)
// and the compaction hold it needs (storage.Store.HoldCompaction) exist;
// the checkpoint itself is not written yet.
package cpr
