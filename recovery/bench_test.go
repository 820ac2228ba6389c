package recovery_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/persiandb/persiandb/cpr"
	"github.com/persiandb/persiandb/recovery"
	"github.com/persiandb/persiandb/storage"
	"github.com/persiandb/persiandb/txn"
	"github.com/rs/zerolog"
)

// BenchmarkRecovery (docs/benchmarks.md, "Recovery") times recovery.Open
// of a pgbench-like accounts table: N rows of a 4-byte key (an int4) and
// a 100-byte row (3 int4 and a char(84) filler), written through txn in
// transactions of 10,000 rows and checkpointed once (a full checkpoint)
// into a temporary directory, then recovered b.N times with 1, 2, 4, ...
// and GOMAXPROCS workers (recovery.Options.Workers). It reports the
// phases (read = cpr.LoadStream reading, verifying and loading the rows
// into the tables' log and btree; load = naming the tables and filling
// their point indexes; index = secondary indexes), rows/s and MB/s of
// checkpoint bytes, and, once per N, the disk's sequential read
// bandwidth over the same segment files (dd after dropping the page
// cache, if permitted).
//
// N is 1M; PERSIANDB_RECOVERY_ROWS (comma-separated, e.g. 1000000,10000000)
// overrides it.
//
//	go test -run '^$' -bench Recovery -benchtime 3x -v ./recovery/
func BenchmarkRecovery(b *testing.B) {
	sizes := []int{1_000_000}
	if s := os.Getenv("PERSIANDB_RECOVERY_ROWS"); s != "" {
		sizes = nil
		for _, f := range strings.Split(s, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil {
				b.Fatal(err)
			}
			sizes = append(sizes, n)
		}
	}
	var workers []int
	for w := 1; w < runtime.GOMAXPROCS(0); w *= 2 {
		workers = append(workers, w)
	}
	workers = append(workers, runtime.GOMAXPROCS(0))
	for _, n := range sizes {
		for _, w := range workers {
			b.Run(fmt.Sprintf("rows=%d/workers=%d", n, w), func(b *testing.B) { benchRecovery(b, n, w) })
		}
	}
}

const (
	benchSysID   = 1
	benchTableID = 2
	accountsRow  = 100
)

// benchCatalog names one table (the accounts) with no secondary index;
// its system table is empty.
type benchCatalog struct{}

func (benchCatalog) SystemTable() (uint32, string) { return benchSysID, "sys" }
func (benchCatalog) Tables(*txn.Manager) ([]recovery.TableSpec, error) {
	return []recovery.TableSpec{{ID: benchTableID, Name: "accounts"}}, nil
}

func accountsKey(dst []byte, aid int) []byte {
	return binary.BigEndian.AppendUint32(dst[:0], uint32(aid)^1<<31)
}

var (
	benchDirsMu sync.Mutex
	benchDirs   = map[int]string{}
)

// TestMain removes the benchmarks' temporary checkpoint directories.
func TestMain(m *testing.M) {
	code := m.Run()
	benchDirsMu.Lock()
	for _, d := range benchTmp {
		os.RemoveAll(d)
	}
	benchDirsMu.Unlock()
	os.Exit(code)
}

// benchTmp lists the temporary directories to remove at exit.
var benchTmp []string

// checkpointedAccounts builds and checkpoints n accounts rows once per
// process into a temporary directory kept for the run. With
// PERSIANDB_RECOVERY_DIR=D it uses D/rows-<n> instead, reusing the
// checkpoint found there and keeping it: a second run then recovers in a
// process that did not build the data (as a server restarting does: every
// page of the new log is a fresh page fault), and its -cpuprofile shows
// recovery alone.
func checkpointedAccounts(b *testing.B, n int) string {
	benchDirsMu.Lock()
	defer benchDirsMu.Unlock()
	if d, ok := benchDirs[n]; ok {
		return d
	}
	var dir string
	if keep := os.Getenv("PERSIANDB_RECOVERY_DIR"); keep != "" {
		dir = filepath.Join(keep, fmt.Sprintf("rows-%d", n))
		if ms, _ := filepath.Glob(filepath.Join(dir, "manifest-*")); len(ms) > 0 {
			b.Logf("rows=%d: reusing the checkpoint in %s", n, dir)
			benchDirs[n] = dir
			return dir
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			b.Fatal(err)
		}
	} else {
		d, err := os.MkdirTemp("", "recovery-bench-")
		if err != nil {
			b.Fatal(err)
		}
		dir = d
		benchTmp = append(benchTmp, dir)
	}
	start := time.Now()
	st := storage.Open(storage.Options{Logger: zerolog.Nop()})
	m := txn.NewManager(st, txn.Options{})
	if _, err := st.CreateTable(benchSysID, "sys", storage.Schema{}); err != nil {
		b.Fatal(err)
	}
	tbl, err := st.CreateTable(benchTableID, "accounts", storage.Schema{})
	if err != nil {
		b.Fatal(err)
	}
	s := m.NewSession("load")
	ctx := context.Background()
	row := make([]byte, accountsRow)
	for i := 16; i < accountsRow; i++ {
		row[i] = ' '
	}
	var key []byte
	for i := 1; i <= n; {
		tx := s.Begin(txn.TxnOptions{})
		for j := 0; j < 10_000 && i <= n; j, i = j+1, i+1 {
			key = accountsKey(key, i)
			binary.BigEndian.PutUint32(row[0:], uint32(i))         // aid
			binary.BigEndian.PutUint32(row[4:], uint32((i-1)/1e5)) // bid
			binary.BigEndian.PutUint32(row[8:], 0)                 // abalance
			if err := tx.Insert(ctx, tbl, key, row); err != nil {
				b.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	s.Close()
	built := time.Since(start)
	cp, err := cpr.New(m, cpr.Options{Dir: dir, Log: zerolog.Nop(), DeltaFraction: -1})
	if err != nil {
		b.Fatal(err)
	}
	ckStart := time.Now()
	if _, err := cp.Checkpoint(ctx); err != nil {
		b.Fatal(err)
	}
	b.Logf("rows=%d: built in %v, checkpointed in %v (%d MB)", n, built.Round(time.Millisecond),
		time.Since(ckStart).Round(time.Millisecond), dirBytes(b, dir)>>20)
	cp.Close()
	m.Close()
	benchDirs[n] = dir
	return dir
}

func dirBytes(b *testing.B, dir string) int64 {
	ents, err := os.ReadDir(dir)
	if err != nil {
		b.Fatal(err)
	}
	var n int64
	for _, e := range ents {
		if fi, err := e.Info(); err == nil {
			n += fi.Size()
		}
	}
	return n
}

// ddRead reads every segment file of dir with dd (bs=1M) after dropping
// the page cache, if the process may; it returns MB/s and whether the
// cache was dropped.
func ddRead(b *testing.B, dir string) (float64, bool) {
	dropped := os.WriteFile("/proc/sys/vm/drop_caches", []byte("3\n"), 0) == nil
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	start := time.Now()
	var bytes int64
	for _, f := range files {
		fi, err := os.Stat(f)
		if err != nil {
			b.Fatal(err)
		}
		if out, err := exec.Command("dd", "if="+f, "of=/dev/null", "bs=1M").CombinedOutput(); err != nil {
			b.Fatalf("dd: %v: %s", err, out)
		}
		bytes += fi.Size()
	}
	return float64(bytes) / 1e6 / time.Since(start).Seconds(), dropped
}

func benchRecovery(b *testing.B, n, workers int) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	if need := uint64(n) * 700; ms.Sys+need > 22<<30 {
		b.Skipf("rows=%d needs about %d GiB", n, need>>30)
	}
	dir := checkpointedAccounts(b, n)
	bytes := dirBytes(b, dir)
	dd, dropped := ddRead(b, dir)
	cold := "page cache"
	if dropped {
		cold = "cold"
	}
	b.Logf("rows=%d: dd sequential read of the checkpoint (%d MB, %s): %.0f MB/s", n, bytes>>20, cold, dd)
	// An uncounted first Open reads from disk (the cache was dropped
	// above, or the files were just written); the counted ones mostly
	// from the page cache.
	runtime.GC()
	start := time.Now()
	res, err := recovery.Open(dir, recovery.Options{Catalog: benchCatalog{}, Log: zerolog.Nop(), Strict: true, Workers: workers})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("rows=%d workers=%d: first Open after dd (%s): total %v (read %v, load %v, index %v)", n, workers, cold,
		time.Since(start).Round(time.Millisecond), res.ReadTime.Round(time.Millisecond),
		res.LoadTime.Round(time.Millisecond), res.IndexTime.Round(time.Millisecond))
	res.Manager.Close()
	res = nil
	runtime.GC()
	var read, load, index, total time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		runtime.GC()
		start := time.Now()
		res, err := recovery.Open(dir, recovery.Options{Catalog: benchCatalog{}, Log: zerolog.Nop(), Strict: true, Workers: workers})
		if err != nil {
			b.Fatal(err)
		}
		el := time.Since(start)
		if got := res.Rows(); got != n {
			b.Fatalf("recovered %d rows, want %d", got, n)
		}
		read += res.ReadTime
		load += res.LoadTime
		index += res.IndexTime
		total += el
		b.Logf("rows=%d workers=%d run %d: total %v (read %v, load %v, index %v): %.2f M rows/s, %.0f MB/s",
			n, workers, i, el.Round(time.Millisecond), res.ReadTime.Round(time.Millisecond), res.LoadTime.Round(time.Millisecond),
			res.IndexTime.Round(time.Millisecond), float64(n)/el.Seconds()/1e6, float64(bytes)/1e6/el.Seconds())
		b.StopTimer()
		res.Manager.Close()
		res = nil
		runtime.GC()
		b.StartTimer()
	}
	k := float64(b.N)
	b.ReportMetric(read.Seconds()/k, "read-s")
	b.ReportMetric(load.Seconds()/k, "load-s")
	b.ReportMetric(index.Seconds()/k, "index-s")
	b.ReportMetric(total.Seconds()/k, "total-s")
	b.ReportMetric(float64(n)*k/total.Seconds(), "rows/s")
	b.ReportMetric(float64(bytes)/1e6*k/total.Seconds(), "MB/s")
	b.ReportMetric(dd, "dd-MB/s")
}
