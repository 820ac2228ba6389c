package txn

import (
	"runtime"
	"sync/atomic"
	"time"
)

// VersionShift is where the CPR version sits in a commit timestamp:
// ts = v<<VersionShift | seq.
const VersionShift = 40

// Clock issues commit timestamps ts = v<<40 | seq, where v is the CPR
// version. It is the only source of commit timestamps.
//
// Invariants:
//
//  1. Timestamps are unique and increase in the order they are issued.
//  2. Shift makes every timestamp issued after it >= the cut C = (v+1)<<40
//     in one atomic step (a CAS of the clock word): no timestamp below C is
//     issued after Shift returns.
//  3. A commit counts itself in inflight[v&1] before it takes a timestamp of
//     version v and uncounts after its versions are installed. So once
//     Shift has returned, inflight[v&1] reaching 0 means every commit below
//     C is installed (Drained). A commit that raced the shift and got a
//     timestamp of v+1 moves its count before it installs anything.
//  4. Checkpoints are sequential, so version v+2 (sharing the counter
//     parity) cannot start before the drain of v finished.
type Clock struct {
	word     atomic.Uint64 // last issued timestamp (or the shift point)
	inflight [2]paddedCounter
}

type paddedCounter struct {
	n atomic.Int64
	_ [56]byte
}

// NewClock returns a clock at version v (v >= 1 keeps timestamp 0 free).
func NewClock(v uint64) *Clock {
	c := &Clock{}
	c.word.Store(v << VersionShift)
	return c
}

// Version returns the current CPR version.
func (c *Clock) Version() uint64 { return c.word.Load() >> VersionShift }

// Now returns the last issued timestamp.
func (c *Clock) Now() uint64 { return c.word.Load() }

// Acquire issues a commit timestamp and counts the commit as in flight in
// the timestamp's version. Call Release(ts) once the commit is installed.
func (c *Clock) Acquire() uint64 {
	for {
		v := c.word.Load() >> VersionShift
		ctr := &c.inflight[v&1].n
		ctr.Add(1)
		ts := c.word.Add(1)
		if ts>>VersionShift == v {
			return ts
		}
		// A shift slipped in between: count under the right version.
		ctr.Add(-1)
	}
}

// Release ends the in-flight count of a commit whose timestamp is ts.
func (c *Clock) Release(ts uint64) { c.inflight[(ts>>VersionShift)&1].n.Add(-1) }

// Shift moves the clock to the next version and returns the cut C: every
// timestamp issued from now on is >= C, every one issued before is < C.
func (c *Clock) Shift() (cut uint64) {
	for {
		old := c.word.Load()
		cut = (old>>VersionShift + 1) << VersionShift
		if c.word.CompareAndSwap(old, cut) {
			return cut
		}
	}
}

// InFlight returns how many commits of version v are still installing.
func (c *Clock) InFlight(v uint64) int64 { return c.inflight[v&1].n.Load() }

// Drain waits until no commit of version v (the one before cut) is still
// installing. It never blocks a transaction: it only waits for them.
func (c *Clock) Drain(cut uint64) {
	v := cut>>VersionShift - 1
	for spins := 0; c.InFlight(v) > 0; spins++ {
		if spins < 100 {
			runtime.Gosched()
		} else {
			time.Sleep(50 * time.Microsecond)
		}
	}
}
