package storage

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestEpochRetireWaitsForEarlierGuards(t *testing.T) {
	e := NewEpochs()
	var ran []string
	retire := func(name string) { e.Retire(func() { ran = append(ran, name) }) }

	// With no guard entered, a retired function still waits for Reclaim.
	retire("a")
	if len(ran) != 0 || e.Pending() != 1 {
		t.Fatalf("Retire ran its function inline: ran %v pending %d", ran, e.Pending())
	}
	if n := e.Reclaim(); n != 1 || len(ran) != 1 || ran[0] != "a" {
		t.Fatalf("Reclaim with no guards: ran %d %v", n, ran)
	}

	g1 := e.NewGuard()
	g2 := e.NewGuard()
	g1.Enter()
	retire("b") // g1 entered before: b waits for g1
	g2.Enter()  // g2 entered after b: it does not hold b
	retire("c") // both entered before c
	for i := 0; i < 3; i++ {
		if n := e.Reclaim(); n != 0 {
			t.Fatalf("Reclaim ran %d functions while g1 (entered before both) is entered", n)
		}
	}
	if e.Pending() != 2 {
		t.Fatalf("pending %d, want 2", e.Pending())
	}
	g1.Exit()
	if n := e.Reclaim(); n != 1 || ran[len(ran)-1] != "b" {
		t.Fatalf("after g1.Exit: Reclaim ran %d, ran %v; want b only (g2 still holds c)", n, ran)
	}
	// Re-entering g1 now does not hold c back: c was retired before.
	g1.Enter()
	if n := e.Reclaim(); n != 0 {
		t.Fatalf("c ran while g2, entered before it, is still entered")
	}
	g2.Exit()
	if n := e.Reclaim(); n != 1 || ran[len(ran)-1] != "c" {
		t.Fatalf("after g2.Exit: Reclaim ran %d, ran %v; want c", n, ran)
	}
	g1.Exit()
	if n := e.Reclaim(); n != 0 || e.Pending() != 0 {
		t.Fatalf("nothing left to run, yet Reclaim ran %d, pending %d", n, e.Pending())
	}
	if got := len(ran); got != 3 {
		t.Fatalf("ran %v", ran)
	}
	g1.Close()
	g2.Close()
}

func TestEpochRefreshLetsReclamationProceed(t *testing.T) {
	e := NewEpochs()
	g := e.NewGuard()
	defer g.Close()
	ran := 0
	g.Enter()
	e.Retire(func() { ran++ })
	if e.Reclaim() != 0 {
		t.Fatal("ran while the guard from before is entered")
	}
	g.Refresh()
	if n := e.Reclaim(); n != 1 || ran != 1 {
		t.Fatalf("after Refresh: Reclaim ran %d", n)
	}
	e.Retire(func() { ran++ })
	if e.Reclaim() != 0 {
		t.Fatal("ran while the refreshed guard (entered before this Retire) is still entered")
	}
	g.Exit()
	if e.Reclaim() != 1 || ran != 2 {
		t.Fatalf("ran %d", ran)
	}
}

func TestEpochFunctionsRunInRetireOrder(t *testing.T) {
	e := NewEpochs()
	g := e.NewGuard()
	var order []int
	g.Enter()
	for i := 0; i < 100; i++ {
		e.Retire(func() { order = append(order, i) })
		if i == 49 {
			g.Exit()
			g.Enter() // holds back 50..99 only
		}
	}
	if n := e.Reclaim(); n != 50 {
		t.Fatalf("ran %d, want the 50 retired before the guard re-entered", n)
	}
	g.Exit()
	if n := e.Reclaim(); n != 50 {
		t.Fatalf("ran %d, want 50", n)
	}
	for i, v := range order {
		if v != i {
			t.Fatalf("order %v", order)
		}
	}
	g.Close()
}

func TestEpochGuardsReusedAfterClose(t *testing.T) {
	e := NewEpochs()
	var gs []*Guard
	for i := 0; i < guardChunk+10; i++ {
		gs = append(gs, e.NewGuard())
	}
	if n := len(*e.chunks.Load()); n != 2 {
		t.Fatalf("%d chunks for %d guards", n, len(gs))
	}
	seen := map[*guardSlot]bool{}
	for _, g := range gs {
		if seen[g.slot] {
			t.Fatal("two open guards share a slot")
		}
		seen[g.slot] = true
	}
	// A closed guard that was entered no longer holds anything back.
	gs[3].Enter()
	e.Retire(func() {})
	slot3 := gs[3].slot
	gs[3].Close()
	gs[3].Close() // closing twice is harmless
	if n := e.Reclaim(); n != 1 {
		t.Fatalf("a closed guard still holds reclamation: ran %d", n)
	}
	g := e.NewGuard()
	if g.slot != slot3 {
		t.Fatal("a new guard did not reuse the closed guard's slot")
	}
	if g.slot.epoch.Load() != 0 {
		t.Fatal("reused slot is not idle")
	}
	for _, g := range gs {
		g.Close()
	}
	g.Close()
	for i := 0; i < 3*guardChunk; i++ {
		g := e.NewGuard()
		g.Enter()
		g.Exit()
		g.Close()
	}
	var many []*Guard
	for i := 0; i < guardChunk+10; i++ {
		many = append(many, e.NewGuard())
	}
	if n := len(*e.chunks.Load()); n != 2 {
		t.Fatalf("%d chunks after reusing closed guards, want still 2", n)
	}
	for _, g := range many {
		g.Close()
	}
}

// epochObj is the shared structure of the stress test. Its fields are
// plain: the race detector, too, checks that the poisoning in the retire
// function never overlaps a reader.
type epochObj struct {
	id   int
	vals [8]int
}

const epochPoison = -1

func (o *epochObj) check() (ok bool) {
	for i := range o.vals {
		if o.vals[i] == epochPoison || o.vals[i] != o.id*8+i {
			return false
		}
	}
	return true
}

// TestEpochStress: readers enter, load a shared pointer, read the object
// (slowly, sometimes yielding), and exit; a writer swaps in new objects and
// retires the old ones with a function that poisons them. A reader must
// never see poison.
func TestEpochStress(t *testing.T) {
	e := NewEpochs()
	var cur atomic.Pointer[epochObj]
	newObj := func(id int) *epochObj {
		o := &epochObj{id: id}
		for i := range o.vals {
			o.vals[i] = id*8 + i
		}
		return o
	}
	cur.Store(newObj(0))

	readers := max(4, runtime.GOMAXPROCS(0))
	var stop atomic.Bool
	var bad, reads atomic.Int64
	var wg sync.WaitGroup
	for r := 0; r < readers; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g := e.NewGuard()
			defer g.Close()
			for n := 0; !stop.Load(); n++ {
				g.Enter()
				o := cur.Load()
				for k := 0; k < 1+n%3; k++ {
					if !o.check() {
						bad.Add(1)
					}
					if n%5 == 0 {
						runtime.Gosched()
					}
				}
				if n%7 == 0 {
					// Refresh mid-section: whatever is loaded after it is
					// protected anew.
					g.Refresh()
					if o := cur.Load(); !o.check() {
						bad.Add(1)
					}
				}
				g.Exit()
				reads.Add(1)
				if n%64 == 0 {
					// Guards come and go.
					g.Close()
					g = e.NewGuard()
				}
			}
		}()
	}
	var retired, reclaimed atomic.Int64
	deadline := time.Now().Add(time.Second)
	if testing.Short() {
		deadline = time.Now().Add(200 * time.Millisecond)
	}
	for id := 1; time.Now().Before(deadline) || id < 1000; id++ {
		old := cur.Swap(newObj(id))
		e.Retire(func() {
			for i := range old.vals {
				old.vals[i] = epochPoison
			}
			reclaimed.Add(1)
		})
		retired.Add(1)
		if id%4 == 0 {
			e.Reclaim()
		}
	}
	stop.Store(true)
	wg.Wait()
	e.Reclaim()
	if n := bad.Load(); n != 0 {
		t.Fatalf("readers saw a poisoned (reclaimed) object %d times", n)
	}
	if reads.Load() == 0 {
		t.Fatal("no reads")
	}
	if retired.Load() != reclaimed.Load() || e.Pending() != 0 {
		t.Fatalf("retired %d, reclaimed %d, pending %d: all should have run once readers exited", retired.Load(), reclaimed.Load(), e.Pending())
	}
	t.Logf("%d objects retired, %d reads", retired.Load(), reads.Load())
}
