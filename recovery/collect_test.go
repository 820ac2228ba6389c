package recovery

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math/rand"
	"slices"
	"strings"
	"testing"

	"github.com/persiandb/persiandb/cpr"
	"github.com/persiandb/persiandb/storage"
)

func collectKey(i int) []byte { return binary.BigEndian.AppendUint32(nil, uint32(i)) }

// TestCollector: rows streamed from several sources come out sorted per
// table whatever their order (sorted runs in order, sorted runs out of
// order, sorted runs interleaved, unsorted runs, a small unsorted deltas
// run), with one worker or several, and a key that comes twice is
// reported as corruption.
func TestCollector(t *testing.T) {
	for _, workers := range []int{1, 0} {
		testCollector(t, workers)
	}
}

func testCollector(t *testing.T, workers int) {
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
			c := &collector{workers: workers}
			if err := c.begin(base); err != nil {
				t.Fatal(err)
			}
			for src, run := range runs {
				if dup && src == 1 && order != "deltas-spread" {
					run = append(run, runs[0][len(runs[0])/2])
				}
				if dup && src == 5 && order == "deltas-spread" { // a base key again in the deltas
					run = append(run, runs[1][len(runs[1])/3])
				}
				var recs []cpr.Record
				for _, k := range run {
					recs = append(recs, cpr.Record{Table: 7, Key: collectKey(k), Value: collectKey(k), BeginTS: 1})
					if len(recs) == 1000 {
						if err := c.rows(src, 7, recs); err != nil {
							t.Fatal(err)
						}
						recs = recs[:0]
					}
				}
				if err := c.rows(src, 7, recs); err != nil {
					t.Fatal(err)
				}
			}
			err := c.end()
			if dup {
				if !errors.Is(err, cpr.ErrCorrupt) || !strings.Contains(err.Error(), "appears twice") {
					t.Fatalf("%s: a key twice: %v", order, err)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%s: %v", order, err)
			}
			tr := c.tables[7]
			var rows []storage.LoadRow
			tr.batches(func(b []storage.LoadRow) error {
				rows = append(rows, b...)
				return nil
			})
			if tr.rows() != n || len(rows) != n || !slices.IsSortedFunc(rows, func(a, b storage.LoadRow) int { return bytes.Compare(a.Key, b.Key) }) {
				t.Fatalf("%s: %d rows, sorted %v", order, len(rows), slices.IsSortedFunc(rows, func(a, b storage.LoadRow) int { return bytes.Compare(a.Key, b.Key) }))
			}
			for i, r := range rows {
				if !bytes.Equal(r.Key, collectKey(i)) || !bytes.Equal(r.Value, r.Key) {
					t.Fatalf("%s: row %d: key %x value %x", order, i, r.Key, r.Value)
				}
			}
		}
	}
}
