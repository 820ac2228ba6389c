package cpr

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkCheckpointMixRounds is BenchmarkCheckpointMix with the modes
// interleaved: for each of R rounds (PERSIANDB_MIX_ROUNDS, default 5) it
// runs the mix for D (PERSIANDB_MIX_SECONDS, default 6) under each mode in
// turn, starting each round with a different mode, and reports each
// mode's median throughput and p99 over the rounds and the ratios the
// goals are about. In one sub-benchmark run after another the machine's
// drift (the log growing, the collector catching up, other load) was
// larger than the differences between modes; interleaving spreads it over
// all of them.
//
//	go test -run XXX -bench CheckpointMixRounds -benchtime 1x -v ./cpr/
func BenchmarkCheckpointMixRounds(b *testing.B) {
	rounds, secs := envInt(b, "PERSIANDB_MIX_ROUNDS", 5), envInt(b, "PERSIANDB_MIX_SECONDS", 6)
	db := sharedMixDB(b)
	mixWarmOnce.Do(func() { warmMix(b, db) })
	root := b.TempDir()
	modes := mixModes
	tps := make([][]float64, len(modes))
	p99 := make([][]time.Duration, len(modes))
	var log strings.Builder
	for i := 0; i < b.N; i++ {
		for r := 0; r < rounds; r++ {
			for j := range modes {
				k := (r + j) % len(modes)
				md := modes[k]
				var c *Checkpointer
				var dir string
				ctx, cancel := context.WithCancel(context.Background())
				var bg sync.WaitGroup
				if md.ckpt {
					var err error
					if dir, err = os.MkdirTemp(root, md.name); err != nil {
						b.Fatal(err)
					}
					c = benchCkpt(b, db, dir, md.opts)
					bg.Add(1)
					go func() { defer bg.Done(); c.Run(ctx, mixCkptInterval) }()
				}
				n, hist := runMixFor(b, db, time.Duration(secs)*time.Second)
				cancel()
				bg.Wait()
				if c != nil {
					c.Close()
					os.RemoveAll(dir)
				}
				tps[k] = append(tps[k], n)
				p99[k] = append(p99[k], hist.quantile(0.99))
				fmt.Fprintf(&log, "  round %d %-13s %10.0f txn/s  p99 %v\n", r, md.name, n, hist.quantile(0.99))
				runtime.GC()
			}
		}
	}
	med := func(v []float64) float64 { s := slices.Clone(v); slices.Sort(s); return s[len(s)/2] }
	medD := func(v []time.Duration) time.Duration { s := slices.Clone(v); slices.Sort(s); return s[len(s)/2] }
	fmt.Fprintf(&log, "medians over %d rounds of %d s (GOMAXPROCS %d, %d rows, checkpoint every %v):\n", rounds, secs, runtime.GOMAXPROCS(0), db.n, mixCkptInterval)
	for k, md := range modes {
		fmt.Fprintf(&log, "  %-13s %10.0f txn/s  p99 %v\n", md.name, med(tps[k]), medD(p99[k]))
		b.ReportMetric(med(tps[k]), md.name+"-txn/s")
	}
	none, per, cp := med(tps[0]), med(tps[1]), med(tps[2])
	fmt.Fprintf(&log, "  persian/none throughput %.3f (goal >= 0.95: %s)\n", per/none, metStr(per >= 0.95*none))
	fmt.Fprintf(&log, "  persian/none p99 %.2f (goal <= 1.5: %s)\n", float64(medD(p99[1]))/float64(medD(p99[0])), metStr(float64(medD(p99[1])) <= 1.5*float64(medD(p99[0]))))
	fmt.Fprintf(&log, "  persian/cpr throughput %.3f (goal >= 2: %s)\n", per/cp, metStr(per >= 2*cp))
	fmt.Fprintf(&log, "  persian+delta/none throughput %.3f\n", med(tps[3])/none)
	b.Log("\n" + log.String())
}

// runMixFor runs the mix from GOMAXPROCS workers for d and returns the
// throughput and the merged latency histogram.
func runMixFor(b *testing.B, db *mixDB, d time.Duration) (float64, *latHist) {
	var (
		mu    sync.Mutex
		hist  latHist
		count atomic.Int64
		wg    sync.WaitGroup
	)
	deadline := time.Now().Add(d)
	start := time.Now()
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h := new(latHist)
			n := 0
			mixWorker(b, db, func() bool {
				n++
				return n&255 != 0 || time.Now().Before(deadline)
			}, h)
			count.Add(int64(n - 1))
			mu.Lock()
			hist.merge(h)
			mu.Unlock()
		}()
	}
	wg.Wait()
	return float64(count.Load()) / time.Since(start).Seconds(), &hist
}

func envInt(b *testing.B, name string, def int) int {
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		b.Fatalf("%s=%q: want a positive integer", name, s)
	}
	return n
}
