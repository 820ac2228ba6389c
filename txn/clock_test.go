package txn

import (
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestClockStart(t *testing.T) {
	c := NewClock(3)
	if c.Version() != 3 || c.Now() != 3<<VersionShift {
		t.Fatalf("new clock: version %d now %#x", c.Version(), c.Now())
	}
	if ts := c.Acquire(); ts != 3<<VersionShift|1 {
		t.Fatalf("first timestamp %#x, want %#x", ts, uint64(3<<VersionShift|1))
	}
	if ts := c.Acquire(); ts != 3<<VersionShift|2 {
		t.Fatalf("second timestamp %#x", ts)
	}
	if c.Now() != 3<<VersionShift|2 {
		t.Fatalf("now %#x", c.Now())
	}
}

// TestClockInFlightAndDrain walks the counting protocol step by step.
func TestClockInFlightAndDrain(t *testing.T) {
	c := NewClock(1)
	a, b, d := c.Acquire(), c.Acquire(), c.Acquire()
	if got := c.InFlight(1); got != 3 {
		t.Fatalf("in flight after 3 acquires: %d", got)
	}
	c.Release(a)
	if got := c.InFlight(1); got != 2 {
		t.Fatalf("in flight after a release: %d", got)
	}
	cut := c.Shift()
	if cut != 2<<VersionShift || c.Version() != 2 {
		t.Fatalf("shift: cut %#x version %d", cut, c.Version())
	}
	if b >= cut || d >= cut {
		t.Fatalf("timestamps %#x %#x issued before the cut %#x", b, d, cut)
	}
	e := c.Acquire()
	if e != cut+1 {
		t.Fatalf("first timestamp after the shift %#x, want %#x", e, cut+1)
	}
	if c.InFlight(1) != 2 || c.InFlight(2) != 1 {
		t.Fatalf("in flight: v1 %d v2 %d, want 2 and 1", c.InFlight(1), c.InFlight(2))
	}

	drained := make(chan struct{})
	go func() { c.Drain(cut); close(drained) }()
	mustWait := func(what string) {
		t.Helper()
		select {
		case <-drained:
			t.Fatalf("Drain returned %s", what)
		case <-time.After(30 * time.Millisecond):
		}
	}
	mustWait("with two commits of the old version in flight")
	c.Release(b)
	mustWait("with one commit of the old version in flight")
	c.Release(e) // the new version's commits do not matter
	mustWait("with one commit of the old version in flight")
	c.Release(d)
	select {
	case <-drained:
	case <-time.After(5 * time.Second):
		t.Fatal("Drain did not return after every old commit released")
	}
	if c.InFlight(1) != 0 || c.InFlight(2) != 0 {
		t.Fatalf("in flight at the end: %d %d", c.InFlight(1), c.InFlight(2))
	}
	// A shift with nothing in flight drains at once.
	cut2 := c.Shift()
	if cut2 != 3<<VersionShift {
		t.Fatalf("second cut %#x", cut2)
	}
	c.Drain(cut2)
	if ts := c.Acquire(); ts != cut2+1 {
		t.Fatalf("timestamp after the second shift %#x", ts)
	}
}

// TestClockAcquireUniqueIncreasing: timestamps from concurrent acquirers
// are unique and each goroutine's increase.
func TestClockAcquireUniqueIncreasing(t *testing.T) {
	const G, N = 8, 5000
	c := NewClock(1)
	got := make([][]uint64, G)
	var wg sync.WaitGroup
	for g := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			list := make([]uint64, 0, N)
			for i := 0; i < N; i++ {
				ts := c.Acquire()
				if n := len(list); n > 0 && ts <= list[n-1] {
					t.Errorf("goroutine %d: timestamp %#x after %#x", g, ts, list[n-1])
					return
				}
				list = append(list, ts)
				c.Release(ts)
			}
			got[g] = list
		}()
	}
	wg.Wait()
	var all []uint64
	for _, l := range got {
		all = append(all, l...)
	}
	if len(all) != G*N {
		t.Fatalf("%d timestamps, want %d", len(all), G*N)
	}
	slices.Sort(all)
	for i := 1; i < len(all); i++ {
		if all[i] == all[i-1] {
			t.Fatalf("timestamp %#x issued twice", all[i])
		}
	}
	// No shift: the timestamps are exactly 1..G*N of version 1.
	if all[0] != 1<<VersionShift|1 || all[len(all)-1] != 1<<VersionShift|G*N || c.Now() != all[len(all)-1] {
		t.Fatalf("timestamps %#x..%#x, now %#x", all[0], all[len(all)-1], c.Now())
	}
	if c.InFlight(1) != 0 {
		t.Fatalf("in flight after every release: %d", c.InFlight(1))
	}
}

// TestClockShiftDrainConcurrent: acquirers take timestamps and hold them
// a random while, a shifter shifts and drains repeatedly. Checks: every
// timestamp acquired after a Shift returned is >= its cut, every one
// acquired before it started is < its cut; when Drain returns no timestamp
// below the cut is still held.
func TestClockShiftDrainConcurrent(t *testing.T) {
	seed := persianSeed(t)
	dur := persianDuration(t, 300*time.Millisecond, 2*time.Second)
	const G = 6
	c := NewClock(1)

	var lastCut atomic.Uint64 // the latest cut, stored after Shift returned
	var drained atomic.Uint64 // the latest cut whose Drain returned
	var maxAcq atomic.Uint64  // the largest timestamp acquired (recorded after Acquire)
	type holder struct {
		mu   sync.Mutex
		held map[uint64]bool
	}
	holders := make([]*holder, G)
	for i := range holders {
		holders[i] = &holder{held: map[uint64]bool{}}
	}
	var fails atomic.Int32
	fail := func(format string, args ...any) {
		if fails.Add(1) <= 10 {
			t.Errorf(format, args...)
		}
	}
	stop := make(chan struct{})
	var acquired [G]int
	var wg sync.WaitGroup
	for g := 0; g < G; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(seed, uint64(g)))
			h := holders[g]
			var prev uint64
			for {
				select {
				case <-stop:
					return
				default:
				}
				before := lastCut.Load()
				ts := c.Acquire()
				if ts < before {
					fail("timestamp %#x acquired after Shift returned cut %#x", ts, before)
				}
				if ts <= prev {
					fail("goroutine %d: timestamp %#x after %#x", g, ts, prev)
				}
				prev = ts
				for {
					m := maxAcq.Load()
					if ts <= m || maxAcq.CompareAndSwap(m, ts) {
						break
					}
				}
				h.mu.Lock()
				h.held[ts] = true
				h.mu.Unlock()
				// Held and recorded: a Drain of a cut above ts must not
				// have returned (the shifter stores drained before it
				// scans the holders, so one of the two checks sees it).
				if dc := drained.Load(); ts < dc {
					fail("timestamp %#x still held, but Drain(%#x) returned", ts, dc)
				}
				switch r.IntN(4) {
				case 0:
					runtime.Gosched()
				case 1:
					time.Sleep(time.Duration(r.IntN(50)) * time.Microsecond)
				}
				h.mu.Lock()
				delete(h.held, ts)
				h.mu.Unlock()
				c.Release(ts)
				acquired[g]++
			}
		}()
	}

	shifts := 0
	deadline := time.Now().Add(dur)
	r := rand.New(rand.NewPCG(seed, 1<<32))
	for time.Now().Before(deadline) && fails.Load() == 0 {
		if r.IntN(2) == 0 {
			time.Sleep(time.Duration(r.IntN(100)) * time.Microsecond)
		}
		m := maxAcq.Load()
		v := c.Version()
		cut := c.Shift()
		shifts++
		if cut != (v+1)<<VersionShift {
			fail("shift from version %d returned cut %#x", v, cut)
		}
		if m >= cut {
			fail("timestamp %#x acquired before Shift started is >= its cut %#x", m, cut)
		}
		lastCut.Store(cut)
		c.Drain(cut)
		drained.Store(cut)
		if n := c.InFlight(v); n < 0 {
			fail("in flight for version %d after Drain: %d", v, n)
		}
		for g, h := range holders {
			h.mu.Lock()
			for ts := range h.held {
				if ts < cut {
					fail("Drain(%#x) returned while goroutine %d holds timestamp %#x", cut, g, ts)
				}
			}
			h.mu.Unlock()
		}
	}
	close(stop)
	wg.Wait()
	total := 0
	for _, n := range acquired {
		total += n
	}
	t.Logf("%d shifts, %d timestamps acquired and released", shifts, total)
	if shifts < 10 || total < 100 {
		t.Fatalf("too little happened: %d shifts, %d timestamps", shifts, total)
	}
	if a, b := c.InFlight(c.Version()), c.InFlight(c.Version()+1); a != 0 || b != 0 {
		t.Fatalf("in flight at the end: %d and %d", a, b)
	}
}
