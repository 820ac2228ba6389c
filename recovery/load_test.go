package recovery

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math/rand"
	"sync"
	"testing"

	"github.com/persiandb/persiandb/cpr"
	"github.com/persiandb/persiandb/storage"
)

func collectKey(i int) []byte { return binary.BigEndian.AppendUint32(nil, uint32(i)) }

// TestLoader: rows streamed from several sources at once, in whatever
// order (sorted runs in order, sorted runs out of order, sorted runs
// interleaved, unsorted runs, a small unsorted deltas run), are all
// loaded, each key with its own row, the point index filled; and a key
// that comes twice is reported as corruption. The sources' record
// slices and bytes are overwritten after each call, as LoadStream reuses
// them.
func TestLoader(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	const n = 200000
	base := &cpr.Manifest{Segments: make([]cpr.SegmentInfo, 5)}
	for _, order := range []string{"ordered", "swapped", "interleaved", "random", "deltas", "deltas-spread"} {
		keys := make([]int, n)
		for i := range keys {
			keys[i] = i
		}
		var runs [6][]int
		switch order {
		case "ordered":
			runs = [6][]int{keys[:n/3], keys[n/3 : 2*n/3], keys[2*n/3:]}
		case "swapped":
			runs = [6][]int{keys[2*n/3:], keys[:n/3], keys[n/3 : 2*n/3]}
		case "interleaved": // five sorted runs, each of every fifth block
			for b := 0; b*1000 < n; b++ {
				runs[b%5] = append(runs[b%5], keys[b*1000:min(n, (b+1)*1000)]...)
			}
		case "random":
			rng.Shuffle(n, func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
			runs = [6][]int{keys[:n/2], keys[n/2 : n-10], nil, nil, nil, keys[n-10:]}
		case "deltas":
			d := append([]int(nil), keys[n-100:]...)
			rng.Shuffle(len(d), func(i, j int) { d[i], d[j] = d[j], d[i] })
			runs = [6][]int{keys[:n/2], keys[n/2 : n-100], nil, nil, nil, d}
		case "deltas-spread": // every 97th key comes from the deltas
			var b, d []int
			for _, k := range keys {
				if k%97 == 0 {
					d = append(d, k)
				} else {
					b = append(b, k)
				}
			}
			rng.Shuffle(len(d), func(i, j int) { d[i], d[j] = d[j], d[i] })
			runs = [6][]int{b[:len(b)/2], b[len(b)/2:], nil, nil, nil, d}
		}
		for _, dup := range []bool{false, true} {
			ld := &loader{}
			if err := ld.begin(base); err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			errs := make([]error, len(runs))
			for src, run := range runs {
				if dup && src == 1 && order != "deltas-spread" {
					run = append(run, runs[0][len(runs[0])/2])
				}
				if dup && src == 5 && order == "deltas-spread" { // a base key again in the deltas
					run = append(run, runs[1][len(runs[1])/3])
				}
				wg.Add(1)
				go func() {
					defer wg.Done()
					errs[src] = feed(ld, src, run)
				}()
			}
			wg.Wait()
			err := errors.Join(errs...)
			if err == nil {
				err = ld.end()
			}
			if dup {
				if !errors.Is(err, cpr.ErrCorrupt) || !errors.Is(err, storage.ErrLoadedTwice) {
					t.Fatalf("%s: a key twice: %v", order, err)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%s: %v", order, err)
			}
			tbl := ld.tables[7]
			tbl.FinishLoad(0)
			if tbl.Len() != n {
				t.Fatalf("%s: %d rows, want %d", order, tbl.Len(), n)
			}
			g := ld.st.NewGuard()
			g.Enter()
			for i := 0; i < n; i++ {
				k := collectKey(i)
				sl, ok := tbl.Lookup(k)
				if !ok {
					t.Fatalf("%s: key %d missing", order, i)
				}
				if r := ld.st.Log().Record(tbl.Head(sl)); !bytes.Equal(r.Key(), k) || !bytes.Equal(r.Value(), k) {
					t.Fatalf("%s: row %d: key %x value %x", order, i, r.Key(), r.Value())
				}
			}
			if err := ld.st.CheckConsistency(g); err != nil {
				t.Fatalf("%s: %v", order, err)
			}
			g.Exit()
			g.Close()
		}
	}
}

// feed passes run's keys to the loader as source src, 1000 rows a call,
// reusing (and scribbling over) the records and their bytes as LoadStream
// does.
func feed(ld *loader, src int, run []int) error {
	recs := make([]cpr.Record, 0, 1000)
	var buf []byte
	flush := func() error {
		err := ld.rows(src, 7, recs)
		for i := range buf {
			buf[i] = 0xff
		}
		recs, buf = recs[:0], buf[:0]
		return err
	}
	for _, k := range run {
		if len(buf)+8 > cap(buf) {
			buf = make([]byte, 0, 8000) // never grows under the records
		}
		off := len(buf)
		buf = append(buf, collectKey(k)...)
		buf = append(buf, collectKey(k)...)
		recs = append(recs, cpr.Record{Table: 7, Key: buf[off : off+4], Value: buf[off+4 : off+8], BeginTS: 1})
		if len(recs) == 1000 {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}
