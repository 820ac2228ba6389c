package txn

import (
	"context"
	"encoding/binary"
	"math/rand/v2"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/persiandb/persiandb/storage"
	"github.com/rs/zerolog"
)

// The benchmarks speak the workload of the foundation goals: single-row
// transactions over 1M rows of ~100 bytes with uniform keys, from
// GOMAXPROCS workers (b.RunParallel), and the memory a loaded row takes.

const (
	benchRows   = 1_000_000
	benchValLen = 100
)

type benchDB struct {
	store *storage.Store
	m     *Manager
	tbl   *storage.Table
}

var (
	benchOnce   sync.Once
	benchShared *benchDB
)

// loadBench builds a store with n rows (8-byte keys, valLen-byte values).
func loadBench(tb testing.TB, n, valLen int) *benchDB {
	st := storage.Open(storage.Options{Logger: zerolog.Nop()})
	m := NewManager(st, Options{})
	tbl, err := st.CreateTable(1, "bench", storage.Schema{})
	if err != nil {
		tb.Fatal(err)
	}
	s := m.NewSession("load")
	defer s.Close()
	val := make([]byte, valLen)
	ctx := context.Background()
	for i := 0; i < n; {
		tx := s.Begin(TxnOptions{})
		for j := 0; j < 10_000 && i < n; j, i = j+1, i+1 {
			binary.BigEndian.PutUint64(val, uint64(i))
			if err := tx.Insert(ctx, tbl, k(i), val); err != nil {
				tb.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			tb.Fatal(err)
		}
	}
	return &benchDB{store: st, m: m, tbl: tbl}
}

func sharedBench(b *testing.B) *benchDB {
	benchOnce.Do(func() { benchShared = loadBench(b, benchRows, benchValLen) })
	return benchShared
}

// runTxns runs single-row transactions from GOMAXPROCS workers; update
// decides per transaction whether it updates or reads.
func runTxns(b *testing.B, update func(r *rand.Rand) bool) {
	db := sharedBench(b)
	ctx := context.Background()
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		s := db.m.NewSession("")
		defer s.Close()
		r := rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
		var buf []byte
		key := make([]byte, 8)
		for pb.Next() {
			binary.BigEndian.PutUint64(key, uint64(r.IntN(benchRows)))
			tx := s.Begin(TxnOptions{})
			if update(r) {
				_, err := tx.Update(ctx, db.tbl, key, func(cur []byte) ([]byte, bool, error) {
					buf = append(buf[:0], cur...)
					buf[benchValLen-1]++
					return buf, true, nil
				})
				if err != nil {
					b.Error(err)
					tx.Rollback()
					return
				}
			} else {
				var ok bool
				var err error
				if buf, ok, err = tx.Get(db.tbl, key, buf[:0]); err != nil || !ok {
					b.Error("read failed", err)
				}
			}
			if err := tx.Commit(); err != nil {
				b.Error(err)
				return
			}
		}
	})
	el := time.Since(start).Seconds()
	tps := float64(b.N) / el
	b.ReportMetric(tps, "txn/s")
	b.ReportMetric(tps/float64(runtime.GOMAXPROCS(0)), "txn/s/core")
}

func BenchmarkPointRead(b *testing.B) {
	runTxns(b, func(*rand.Rand) bool { return false })
}

func BenchmarkPointUpdate(b *testing.B) {
	runTxns(b, func(*rand.Rand) bool { return true })
}

func BenchmarkMix90Read10Update(b *testing.B) {
	runTxns(b, func(r *rand.Rand) bool { return r.IntN(10) == 0 })
}

// BenchmarkMemoryPerRow loads 10M rows of 100-byte values and reports the
// resident bytes per row next to the raw bytes (key + value), and the p99
// GC pause seen during the load.
func BenchmarkMemoryPerRow(b *testing.B) {
	const n = 10_000_000
	for i := 0; i < b.N; i++ {
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		pausesBefore := gcPauses()
		db := loadBench(b, n, benchValLen)
		runtime.GC()
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		used := float64(after.HeapInuse - before.HeapInuse)
		raw := float64(8 + benchValLen)
		b.ReportMetric(used/n, "B/row")
		b.ReportMetric(raw, "raw-B/row")
		b.ReportMetric(float64(db.store.Log().Size())/n, "log-B/row")
		b.ReportMetric(p99Pause(pausesBefore, gcPauses())*1e3, "p99-gc-pause-ms")
		db.m.Close()
		runtime.KeepAlive(db)
	}
}

func gcPauses() *metrics.Float64Histogram {
	s := []metrics.Sample{{Name: "/sched/pauses/total/gc:seconds"}}
	metrics.Read(s)
	return s[0].Value.Float64Histogram()
}

// p99Pause is the 99th percentile of the pauses recorded between two
// readings of the runtime's pause histogram (upper bucket bound).
func p99Pause(before, after *metrics.Float64Histogram) float64 {
	var total uint64
	counts := make([]uint64, len(after.Counts))
	for i := range after.Counts {
		counts[i] = after.Counts[i] - before.Counts[i]
		total += counts[i]
	}
	if total == 0 {
		return 0
	}
	want := (total*99 + 99) / 100
	var seen uint64
	for i, c := range counts {
		if seen += c; seen >= want {
			return after.Buckets[i+1]
		}
	}
	return after.Buckets[len(after.Buckets)-1]
}
