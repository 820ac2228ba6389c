package cpr

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/persiandb/persiandb/storage"
	"github.com/persiandb/persiandb/txn"
	"github.com/rs/zerolog"
)

// The checkpoint benchmarks (docs/benchmarks.md, "Checkpoints"):
//
//	BenchmarkCheckpointMix        the engine mix of txn's
//	                              BenchmarkMix90Read10Update with no
//	                              checkpoints, Persian checkpoints every 2 s
//	                              and the CPR baseline every 2 s: txn/s,
//	                              p50/p99 latency, peak heap
//	BenchmarkCheckpointBandwidth  one checkpoint of the 1M rows at a time:
//	                              MB/s against dd's sequential write in the
//	                              same directory, 1..N workers and the
//	                              baseline
//	BenchmarkCheckpointCommit     synchronous commit: 8 writers, each
//	                              commits an update and waits for
//	                              WaitDurable; commits/s, p50/p99
//
// Each prints a summary (b.Logf, shown with -v or at the end of the run)
// that compares its sub-benchmarks against the goals.

const (
	mixRows          = 1_000_000
	mixValLen        = 100
	mixCkptInterval  = 2 * time.Second
	mixWarmUp        = 10 * time.Second
	commitWriters    = 8
	ddMiB            = 512
	ddSmallMiB       = 128
	memSamplePeriod  = 5 * time.Millisecond
	benchCheckpoints = "checkpoints"
)

// mixDB is the 1M-row database of the engine mix: one table, 8-byte keys,
// 100-byte values, background garbage collection on (txn's defaults).
type mixDB struct {
	st  *storage.Store
	m   *txn.Manager
	tbl *storage.Table
	n   int
}

var (
	mixOnce   sync.Once
	mixShared *mixDB
)

func loadMixDB(tb testing.TB, n int) *mixDB {
	st := storage.Open(storage.Options{Logger: zerolog.Nop()})
	m := txn.NewManager(st, txn.Options{})
	tbl, err := st.CreateTable(1, "bench", storage.Schema{})
	if err != nil {
		tb.Fatal(err)
	}
	s := m.NewSession("load")
	defer s.Close()
	val := make([]byte, mixValLen)
	ctx := context.Background()
	for i := 0; i < n; {
		tx := s.Begin(txn.TxnOptions{})
		for j := 0; j < 10_000 && i < n; j, i = j+1, i+1 {
			binary.BigEndian.PutUint64(val, uint64(i))
			if err := tx.Insert(ctx, tbl, key(i), val); err != nil {
				tb.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			tb.Fatal(err)
		}
	}
	return &mixDB{st: st, m: m, tbl: tbl, n: n}
}

func sharedMixDB(tb testing.TB) *mixDB {
	mixOnce.Do(func() { mixShared = loadMixDB(tb, mixRows) })
	return mixShared
}

// latHist is a log-linear latency histogram in nanoseconds: exact below
// 32 ns, then 16 buckets per power of two (at most 1/16 = 6% error). It is
// a fixed array, so recording allocates nothing.
type latHist struct {
	counts [32 + 59*16]uint64
}

func (h *latHist) add(ns int64) {
	h.counts[latBucket(uint64(max(ns, 0)))]++
}

func latBucket(v uint64) int {
	if v < 32 {
		return int(v)
	}
	shift := bits.Len64(v) - 5 // >= 1
	return 32 + (shift-1)*16 + int(v>>shift) - 16
}

// latBucketUpper is the largest value in bucket i.
func latBucketUpper(i int) uint64 {
	if i < 32 {
		return uint64(i)
	}
	shift := (i-32)/16 + 1
	m := uint64((i-32)%16 + 16)
	return (m+1)<<shift - 1
}

func (h *latHist) merge(o *latHist) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
}

func (h *latHist) total() uint64 {
	var n uint64
	for _, c := range h.counts {
		n += c
	}
	return n
}

// quantile returns the upper bound of the bucket holding quantile q.
func (h *latHist) quantile(q float64) time.Duration {
	n := h.total()
	if n == 0 {
		return 0
	}
	want := uint64(q*float64(n) + 0.5)
	want = max(want, 1)
	var seen uint64
	for i, c := range h.counts {
		if seen += c; seen >= want {
			return time.Duration(latBucketUpper(i))
		}
	}
	return time.Duration(latBucketUpper(len(h.counts) - 1))
}

// heapSampler samples the heap in use (runtime/metrics: objects plus the
// unused part of in-use spans, which is MemStats.HeapInuse, read without
// stopping the world) every memSamplePeriod and keeps the peak.
type heapSampler struct {
	stop chan struct{}
	done chan struct{}
	peak atomic.Uint64
}

var heapMetrics = []string{"/memory/classes/heap/objects:bytes", "/memory/classes/heap/unused:bytes"}

func heapInuse(s []metrics.Sample) uint64 {
	metrics.Read(s)
	return s[0].Value.Uint64() + s[1].Value.Uint64()
}

func newHeapSamples() []metrics.Sample {
	s := make([]metrics.Sample, len(heapMetrics))
	for i, n := range heapMetrics {
		s[i].Name = n
	}
	return s
}

func startHeapSampler() *heapSampler {
	hs := &heapSampler{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(hs.done)
		s := newHeapSamples()
		t := time.NewTicker(memSamplePeriod)
		defer t.Stop()
		for {
			if v := heapInuse(s); v > hs.peak.Load() {
				hs.peak.Store(v)
			}
			select {
			case <-hs.stop:
				return
			case <-t.C:
			}
		}
	}()
	return hs
}

// Stop ends sampling and returns the peak.
func (hs *heapSampler) Stop() uint64 {
	close(hs.stop)
	<-hs.done
	return hs.peak.Load()
}

// benchCkpt opens a checkpointer over db in dir with logs discarded.
func benchCkpt(tb testing.TB, db *mixDB, dir string, opts Options) *Checkpointer {
	tb.Helper()
	opts.Dir = dir
	opts.Log = zerolog.Nop()
	c, err := New(db.m, opts)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// ckptStats sums the successful checkpoints that started at or after from.
type ckptStats struct {
	n, full     int
	total, wait time.Duration // whole checkpoint, WAIT_FLUSH
	bytes, rows int64
}

func checkpointsSince(c *Checkpointer, from time.Time) ckptStats {
	var s ckptStats
	for _, in := range c.History() {
		if in.Status != StatusOK || in.Started.Before(from) {
			continue
		}
		s.n++
		if in.Full {
			s.full++
		}
		s.total += in.Finished.Sub(in.Started)
		s.wait += in.Phases[WaitFlush]
		s.bytes += in.Bytes
		s.rows += in.Rows
	}
	return s
}

func (s ckptStats) String() string {
	if s.n == 0 {
		return "no checkpoint"
	}
	return fmt.Sprintf("%d checkpoints (%d full), mean %v (WAIT_FLUSH %v), %.1f MB each",
		s.n, s.full, (s.total / time.Duration(s.n)).Round(time.Millisecond),
		(s.wait / time.Duration(s.n)).Round(time.Millisecond), float64(s.bytes)/float64(s.n)/1e6)
}

// mixResult is one sub-benchmark's last (longest) run.
type mixResult struct {
	tps      float64
	p50, p99 time.Duration
	peakHeap uint64
	baseHeap uint64
	ckpts    ckptStats
}

// BenchmarkCheckpointMix runs the engine mix (90% point reads, 10% point
// updates, uniform keys over 1M rows, GOMAXPROCS workers, each with its own
// session, as txn's BenchmarkMix90Read10Update) three ways in one run: no
// checkpoints, Persian checkpoints every 2 s, and the CPR baseline every
// 2 s. Every transaction's latency (begin to commit) goes into a
// per-worker preallocated histogram. Run it with -benchtime 10s or more
// so the timed run sees several checkpoints.
func BenchmarkCheckpointMix(b *testing.B) {
	db := sharedMixDB(b)
	mixWarmOnce.Do(func() { warmMix(b, db) })
	root := b.TempDir()
	results := map[string]*mixResult{}
	modes := mixModes
	for _, md := range modes {
		b.Run("ckpt="+md.name, func(b *testing.B) {
			var c *Checkpointer
			ctx, cancel := context.WithCancel(context.Background())
			var bg sync.WaitGroup
			runtime.GC()
			base := heapInuse(newHeapSamples())
			if md.ckpt {
				dir, err := os.MkdirTemp(root, md.name)
				if err != nil {
					b.Fatal(err)
				}
				defer os.RemoveAll(dir)
				c = benchCkpt(b, db, dir, md.opts)
				defer c.Close()
				bg.Add(1)
				go func() { defer bg.Done(); c.Run(ctx, mixCkptInterval) }()
			}
			hs := startHeapSampler()
			var (
				mu   sync.Mutex
				hist latHist
			)
			b.ResetTimer()
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				h := new(latHist)
				mixWorker(b, db, pb.Next, h)
				mu.Lock()
				hist.merge(h)
				mu.Unlock()
			})
			el := time.Since(start)
			b.StopTimer()
			peak := hs.Stop()
			cancel()
			bg.Wait()
			r := &mixResult{tps: float64(b.N) / el.Seconds(), p50: hist.quantile(0.50), p99: hist.quantile(0.99),
				peakHeap: peak, baseHeap: base}
			if c != nil {
				r.ckpts = checkpointsSince(c, start)
				b.ReportMetric(float64(r.ckpts.n), "ckpts")
			}
			results[md.name] = r
			b.ReportMetric(r.tps, "txn/s")
			b.ReportMetric(float64(r.p50.Nanoseconds())/1e3, "p50-µs")
			b.ReportMetric(float64(r.p99.Nanoseconds())/1e3, "p99-µs")
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
			b.ReportMetric(float64(peak-min(peak, base))/(1<<20), "peak-over-start-MiB")
		})
	}
	none, per, cp := results["none"], results["persian"], results["cpr"]
	if none == nil || per == nil || cp == nil {
		return // a -bench filter ran only some
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "summary (GOMAXPROCS %d, %d rows, checkpoint every %v):\n", runtime.GOMAXPROCS(0), db.n, mixCkptInterval)
	for _, md := range modes {
		r := results[md.name]
		if r == nil {
			continue
		}
		fmt.Fprintf(&sb, "  %-13s %10.0f txn/s  p50 %v  p99 %v  peak heap %.0f MiB (start %.0f)  %v\n", md.name, r.tps,
			r.p50, r.p99, float64(r.peakHeap)/(1<<20), float64(r.baseHeap)/(1<<20), r.ckpts)
	}
	fmt.Fprintf(&sb, "  persian/none throughput %.3f (goal >= 0.95: %s)\n", per.tps/none.tps, metStr(per.tps >= 0.95*none.tps))
	fmt.Fprintf(&sb, "  persian/none p99 %.2f (goal <= 1.5: %s)\n", float64(per.p99)/float64(none.p99), metStr(float64(per.p99) <= 1.5*float64(none.p99)))
	fmt.Fprintf(&sb, "  persian/cpr throughput %.3f (goal >= 2: %s)\n", per.tps/cp.tps, metStr(per.tps >= 2*cp.tps))
	if per.ckpts.n > 0 && cp.ckpts.n > 0 {
		fmt.Fprintf(&sb, "  checkpoint duration cpr/persian %.2f\n", float64(cp.ckpts.total)/float64(cp.ckpts.n)/
			(float64(per.ckpts.total)/float64(per.ckpts.n)))
	}
	b.Log(sb.String())
}

// mixModes are the checkpoint modes the mix runs under. persian and cpr
// take full checkpoints only (the comparison the baseline exists for);
// persian+delta is the default configuration, where most checkpoints are
// deltas.
var mixModes = []struct {
	name string
	ckpt bool
	opts Options
}{
	{"none", false, Options{}},
	{"persian", true, Options{Mode: ModePersian, DeltaFraction: -1}},
	{"cpr", true, Options{Mode: ModeCPR, DeltaFraction: -1}},
	{"persian+delta", true, Options{Mode: ModePersian}},
}

var mixWarmOnce sync.Once

// warmMix runs the mix, untimed, for mixWarmUp from GOMAXPROCS workers, so
// the first sub-benchmark does not pay for the log's growth to its steady
// state (new pages, the collector catching up) that the others inherit.
func warmMix(b *testing.B, db *mixDB) {
	deadline := time.Now().Add(mixWarmUp)
	var wg sync.WaitGroup
	for i := 0; i < runtime.GOMAXPROCS(0); i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n := 0
			mixWorker(b, db, func() bool { n++; return n%1024 != 0 || time.Now().Before(deadline) }, new(latHist))
		}()
	}
	wg.Wait()
}

func metStr(ok bool) string {
	if ok {
		return "met"
	}
	return "NOT met"
}

// mixWorker is one RunParallel worker of the mix: one session, one
// single-row transaction per iteration, its latency into h.
func mixWorker(b *testing.B, db *mixDB, next func() bool, h *latHist) {
	ctx := context.Background()
	s := db.m.NewSession("")
	defer s.Close()
	r := rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	var buf []byte
	k := make([]byte, 8)
	bump := func(cur []byte) ([]byte, bool, error) {
		buf = append(buf[:0], cur...)
		buf[mixValLen-1]++
		return buf, true, nil
	}
	for next() {
		binary.BigEndian.PutUint64(k, uint64(r.IntN(db.n)))
		update := r.IntN(10) == 0
		t0 := time.Now()
		tx := s.Begin(txn.TxnOptions{})
		if update {
			if _, err := tx.Update(ctx, db.tbl, k, bump); err != nil {
				b.Error(err)
				tx.Rollback()
				return
			}
		} else {
			var ok bool
			var err error
			if buf, ok, err = tx.Get(db.tbl, k, buf[:0]); err != nil || !ok {
				b.Error("read failed", err)
			}
		}
		if err := tx.Commit(); err != nil {
			b.Error(err)
			return
		}
		h.add(int64(time.Since(t0)))
	}
}

// ddRe matches the rate at the end of dd's summary line, e.g.
// "536870912 bytes (537 MB, 512 MiB) copied, 2.1 s, 256 MB/s".
var ddRe = regexp.MustCompile(`([0-9.,]+) ([kMGT]?B)/s\s*$`)

// ddWrite runs dd (mib MiB, fdatasync) into dir and returns its rate in MB/s
// (10^6 bytes per second, as dd prints).
func ddWrite(tb testing.TB, dir string, mib int) float64 {
	tb.Helper()
	path := filepath.Join(dir, "ddtest")
	defer os.Remove(path)
	cmd := exec.Command("dd", "if=/dev/zero", "of="+path, "bs=1M", "count="+strconv.Itoa(mib), "conv=fdatasync")
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	out, err := cmd.CombinedOutput()
	if err != nil {
		tb.Fatalf("dd: %v: %s", err, out)
	}
	m := ddRe.FindSubmatch(bytes.TrimSpace(out))
	if m == nil {
		tb.Fatalf("cannot parse dd's rate from %q", out)
	}
	v, err := strconv.ParseFloat(strings.ReplaceAll(string(m[1]), ",", "."), 64)
	if err != nil {
		tb.Fatal(err)
	}
	switch string(m[2]) {
	case "B":
		v /= 1e6
	case "kB":
		v /= 1e3
	case "GB":
		v *= 1e3
	case "TB":
		v *= 1e6
	}
	return v
}

// BenchmarkCheckpointBandwidth takes checkpoints of the 1M-row database,
// one after another with no load, and reports their write rate (segment
// bytes over the whole checkpoint, PREPARE to durable manifest) against
// dd's sequential write with fdatasync in the same directory (512 MiB,
// measured before and after the sub-benchmarks; their mean is the
// reference), and also 128 MiB, about one checkpoint. Persian runs with 1,
// GOMAXPROCS and 4 workers; the CPR baseline with its one writer.
func BenchmarkCheckpointBandwidth(b *testing.B) {
	db := sharedMixDB(b)
	root := b.TempDir()
	ddBefore := ddWrite(b, root, ddMiB)
	// The same amount as one checkpoint writes (~133 MB): on a virtual
	// disk with a write cache a small fdatasync'd write can be much faster.
	ddSmall := ddWrite(b, root, ddSmallMiB)
	type sub struct {
		name    string
		mode    Mode
		workers int
	}
	subs := []sub{{"persian/workers=1", ModePersian, 1}}
	for _, n := range []int{runtime.GOMAXPROCS(0), 4} {
		if n > 1 && (n == runtime.GOMAXPROCS(0) || n != subs[len(subs)-1].workers) {
			subs = append(subs, sub{fmt.Sprintf("persian/workers=%d", n), ModePersian, n})
		}
	}
	subs = append(subs, sub{"cpr", ModeCPR, 1})
	rates := map[string]float64{}
	var order []string
	for _, sb := range subs {
		if _, dup := rates[sb.name]; dup {
			continue
		}
		b.Run(sb.name, func(b *testing.B) {
			dir := filepath.Join(root, benchCheckpoints)
			defer os.RemoveAll(dir)
			// Full checkpoints only: nothing changes between them.
			c := benchCkpt(b, db, dir, Options{Mode: sb.mode, Workers: sb.workers, Keep: 1, DeltaFraction: -1})
			defer c.Close()
			runtime.GC()
			start := time.Now()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := c.Checkpoint(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			st := checkpointsSince(c, start)
			if st.n != b.N {
				b.Fatalf("%d checkpoints recorded, want %d", st.n, b.N)
			}
			rate := float64(st.bytes) / 1e6 / st.total.Seconds()
			rates[sb.name] = rate
			b.ReportMetric(rate, "MB/s")
			b.ReportMetric(float64(st.bytes)/1e6/st.wait.Seconds(), "flush-MB/s")
			b.ReportMetric(100*rate/ddBefore, "%dd")
			b.ReportMetric(float64(st.rows)/st.total.Seconds(), "rows/s")
		})
		order = append(order, sb.name)
	}
	ddAfter := ddWrite(b, root, ddMiB)
	var sb strings.Builder
	fmt.Fprintf(&sb, "summary: dd (%d MiB, fdatasync, same directory) %.0f MB/s before, %.0f MB/s after\n", ddMiB, ddBefore, ddAfter)
	fmt.Fprintf(&sb, "  dd (%d MiB, about one checkpoint) %.0f MB/s\n", ddSmallMiB, ddSmall)
	dd := (ddBefore + ddAfter) / 2
	for _, n := range order {
		if r, ok := rates[n]; ok {
			fmt.Fprintf(&sb, "  %-20s %6.0f MB/s  %5.1f%% of dd (goal >= 70%%: %s)\n", n, r, 100*r/dd, metStr(r >= 0.7*dd))
		}
	}
	b.Log(sb.String())
}

// BenchmarkCheckpointCommit measures synchronous commit through the
// checkpointer directly: 8 writers, each repeatedly commits a single-row
// update and then waits in WaitDurable(commitTS) (group commit: the
// waiters share checkpoints). The latency is begin to WaitDurable's
// return. The database is the engine mix's 1M rows; deltas runs the
// default configuration (most checkpoints are deltas), full takes full
// checkpoints only.
func BenchmarkCheckpointCommit(b *testing.B) {
	db := sharedMixDB(b)
	for _, v := range []struct {
		name string
		opts Options
	}{
		{"deltas", Options{}},
		{"full", Options{DeltaFraction: -1}},
	} {
		b.Run(v.name, func(b *testing.B) {
			c := benchCkpt(b, db, filepath.Join(b.TempDir(), benchCheckpoints), v.opts)
			defer c.Close()
			var (
				next atomic.Int64
				mu   sync.Mutex
				hist latHist
				wg   sync.WaitGroup
			)
			runtime.GC()
			firstID := lastCheckpointID(c)
			b.ResetTimer()
			start := time.Now()
			for w := 0; w < commitWriters; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					h := new(latHist)
					commitWorker(b, db, c, &next, h)
					mu.Lock()
					hist.merge(h)
					mu.Unlock()
				}()
			}
			wg.Wait()
			el := time.Since(start)
			b.StopTimer()
			st := checkpointsSince(c, start)
			b.ReportMetric(float64(b.N)/el.Seconds(), "commits/s")
			b.ReportMetric(float64(hist.quantile(0.5).Microseconds())/1e3, "p50-ms")
			b.ReportMetric(float64(hist.quantile(0.99).Microseconds())/1e3, "p99-ms")
			// History keeps the last 100 attempts: count by id.
			n := lastCheckpointID(c) - firstID
			b.ReportMetric(float64(n), "ckpts")
			if b.N > 1 {
				b.Logf("%s: %d commits in %v: %.0f commits/s, p50 %v, p99 %v; %d checkpoints, %.1f commits each; of the last: %v",
					v.name, b.N, el.Round(time.Millisecond), float64(b.N)/el.Seconds(), hist.quantile(0.5), hist.quantile(0.99),
					n, float64(b.N)/float64(max(n, 1)), st)
			}
		})
	}
}

func lastCheckpointID(c *Checkpointer) uint64 {
	h := c.History()
	if len(h) == 0 {
		return 0
	}
	return h[len(h)-1].ID
}

// commitWorker commits single-row updates until next reaches b.N, each
// followed by WaitDurable, recording latencies into h.
func commitWorker(b *testing.B, db *mixDB, c *Checkpointer, next *atomic.Int64, h *latHist) {
	ctx := context.Background()
	s := db.m.NewSession("")
	defer s.Close()
	r := rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	var buf []byte
	k := make([]byte, 8)
	bump := func(cur []byte) ([]byte, bool, error) {
		buf = append(buf[:0], cur...)
		buf[mixValLen-1]++
		return buf, true, nil
	}
	for next.Add(1) <= int64(b.N) {
		binary.BigEndian.PutUint64(k, uint64(r.IntN(db.n)))
		t0 := time.Now()
		tx := s.Begin(txn.TxnOptions{})
		if _, err := tx.Update(ctx, db.tbl, k, bump); err != nil {
			tx.Rollback() // READ COMMITTED: a single-row update waits, never fails
			b.Error(err)
			return
		}
		if err := tx.Commit(); err != nil {
			b.Error(err)
			return
		}
		if err := c.WaitDurable(ctx, tx.CommitTS()); err != nil {
			b.Error(err)
			return
		}
		h.add(int64(time.Since(t0)))
	}
}

// TestLatHist: the histogram's buckets are ordered, each value falls in a
// bucket whose upper bound is >= it and within 1/16 of it, and quantiles
// come out right.
func TestLatHist(t *testing.T) {
	prev := -1
	for _, v := range []uint64{0, 1, 31, 32, 33, 47, 48, 63, 64, 1000, 1 << 20, 123456789, 1 << 62, 1<<64 - 1} {
		i := latBucket(v)
		if i < prev || i >= len(latHist{}.counts) {
			t.Fatalf("bucket(%d) = %d after %d", v, i, prev)
		}
		prev = i
		if u := latBucketUpper(i); u < v || (v >= 32 && float64(u-v) > float64(v)/16) {
			t.Errorf("value %d: bucket %d upper %d", v, i, u)
		}
		if i > 0 && latBucketUpper(i-1) >= v {
			t.Errorf("value %d: bucket %d but the previous one ends at %d", v, i, latBucketUpper(i-1))
		}
	}
	var h latHist
	for i := 1; i <= 1000; i++ {
		h.add(int64(i) * 1000)
	}
	for _, c := range []struct {
		q    float64
		want time.Duration
	}{{0.5, 500 * time.Microsecond}, {0.99, 990 * time.Microsecond}} {
		got := h.quantile(c.q)
		if got < c.want || float64(got-c.want) > float64(c.want)/16 {
			t.Errorf("quantile %v = %v, want about %v", c.q, got, c.want)
		}
	}
}
