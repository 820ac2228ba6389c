package storage

import (
	"math"
	"sync"
	"sync/atomic"
)

// Epochs protects memory that readers reach through shared pointers (log
// pages, table slots) from being reused while a reader may still hold it.
//
// Protocol:
//
//  1. A reader calls Guard.Enter before it loads an address or a slot id and
//     Guard.Exit when it no longer uses them. Enter publishes the global
//     epoch it observed in the guard's slot.
//  2. A writer first unlinks an object (makes it unreachable to new
//     readers), then calls Retire(fn), which bumps the global epoch from E to
//     E+1 and files fn under E.
//  3. fn runs once every entered guard shows an epoch > E. A guard that
//     observed E or less may have loaded the object before it was unlinked.
//
// Why a reader can't slip past: if the reclaimer's scan sees a guard idle,
// the guard's Enter store comes after the scan in the (sequentially
// consistent) order of atomics, hence after the unlink, so that reader
// cannot find the object.
type Epochs struct {
	global atomic.Uint64

	mu struct {
		sync.Mutex
		chunks  []*[guardChunk]guardSlot // never shrinks; slots never move
		free    []*guardSlot
		retired []retiredFn
	}
	// chunks is the published copy of mu.chunks for lock-free scans.
	chunks atomic.Pointer[[]*[guardChunk]guardSlot]
}

const guardChunk = 64

type guardSlot struct {
	epoch atomic.Uint64 // 0 = not entered
	_     [56]byte      // one slot per cache line
}

type retiredFn struct {
	epoch uint64
	fn    func()
}

// NewEpochs returns an epoch manager whose global epoch starts at 1.
func NewEpochs() *Epochs {
	e := &Epochs{}
	e.global.Store(1)
	empty := make([]*[guardChunk]guardSlot, 0)
	e.chunks.Store(&empty)
	return e
}

// Guard is one reader's registration. A Guard is used by one goroutine at a
// time; Enter and Exit do not nest.
type Guard struct {
	e    *Epochs
	slot *guardSlot
}

// NewGuard registers a reader. Release it with Close.
func (e *Epochs) NewGuard() *Guard {
	e.mu.Lock()
	defer e.mu.Unlock()
	if n := len(e.mu.free); n > 0 {
		s := e.mu.free[n-1]
		e.mu.free = e.mu.free[:n-1]
		return &Guard{e: e, slot: s}
	}
	c := new([guardChunk]guardSlot)
	e.mu.chunks = append(e.mu.chunks, c)
	published := append([]*[guardChunk]guardSlot(nil), e.mu.chunks...)
	e.chunks.Store(&published)
	for i := guardChunk - 1; i > 0; i-- {
		e.mu.free = append(e.mu.free, &c[i])
	}
	return &Guard{e: e, slot: &c[0]}
}

// Enter marks the start of a protected section.
func (g *Guard) Enter() { g.slot.epoch.Store(g.e.global.Load()) }

// Exit ends the protected section.
func (g *Guard) Exit() { g.slot.epoch.Store(0) }

// Refresh is Exit followed by Enter, for long loops that want to let
// reclamation proceed between steps.
func (g *Guard) Refresh() { g.slot.epoch.Store(g.e.global.Load()) }

// Close releases the guard's slot; the guard must not be in use.
func (g *Guard) Close() {
	if g.slot == nil {
		return
	}
	g.slot.epoch.Store(0)
	g.e.mu.Lock()
	g.e.mu.free = append(g.e.mu.free, g.slot)
	g.e.mu.Unlock()
	g.slot = nil
}

// Retire files fn to run once no guard can still reach what the caller has
// just unlinked. fn runs on a later Reclaim call, never inline.
func (e *Epochs) Retire(fn func()) {
	epoch := e.global.Add(1) - 1
	e.mu.Lock()
	e.mu.retired = append(e.mu.retired, retiredFn{epoch: epoch, fn: fn})
	e.mu.Unlock()
}

// safeEpoch returns the smallest epoch any entered guard observed, or the
// current global epoch if none is entered.
func (e *Epochs) safeEpoch() uint64 {
	min := uint64(math.MaxUint64)
	for _, c := range *e.chunks.Load() {
		for i := range c {
			if v := c[i].epoch.Load(); v != 0 && v < min {
				min = v
			}
		}
	}
	if g := e.global.Load(); g < min {
		min = g
	}
	return min
}

// Reclaim runs the retired functions that are safe now and returns how
// many ran. Functions run without e's lock held.
func (e *Epochs) Reclaim() int {
	safe := e.safeEpoch()
	e.mu.Lock()
	var run []func()
	kept := e.mu.retired[:0]
	for _, r := range e.mu.retired {
		if r.epoch < safe {
			run = append(run, r.fn)
		} else {
			kept = append(kept, r)
		}
	}
	for i := len(kept); i < len(e.mu.retired); i++ {
		e.mu.retired[i] = retiredFn{}
	}
	e.mu.retired = kept
	e.mu.Unlock()
	for _, fn := range run {
		fn()
	}
	return len(run)
}

// Pending returns the number of retired functions still waiting.
func (e *Epochs) Pending() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.mu.retired)
}
