package sql_test

import (
	"fmt"
	"maps"
	"math/rand"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/persiandb/persiandb/sql/pgerr"
)

// kvRow is the model's row of kv(k PRIMARY KEY, v, u UNIQUE).
type kvRow struct{ v, u int }

type kvModel map[int]kvRow

// usedBy returns the key of the row holding u, if any.
func (m kvModel) usedBy(u int) (int, bool) {
	for k, r := range m {
		if r.u == u {
			return k, true
		}
	}
	return 0, false
}

// TestDMLRandomAgainstModel runs random INSERT ... ON CONFLICT, UPDATE
// (of values and of keys) and DELETE statements, some in blocks that
// roll back, and compares the table with a map after each statement: a
// statement that fails must change nothing, one that succeeds exactly
// what the model says, with the tag's count.
func TestDMLRandomAgainstModel(t *testing.T) {
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewSource(seed))
	s := newSession(t)
	mustExec(t, s, "CREATE TABLE kv (k integer PRIMARY KEY, v integer, u integer UNIQUE)")
	model := kvModel{}
	committed := kvModel{}
	inBlock := false
	steps := 2000
	if testing.Short() {
		steps = 300
	}
	for step := 0; step < steps; step++ {
		var q string
		next := maps.Clone(model)
		wantErr := pgerr.Code("")
		count := 0
		switch op := rng.Intn(10); {
		case op == 0 && !inBlock:
			q, inBlock = "BEGIN", true
		case op == 0 && inBlock:
			if rng.Intn(2) == 0 {
				q, next = "ROLLBACK", maps.Clone(committed)
			} else {
				q = "COMMIT"
			}
			inBlock = false
		case op <= 3: // INSERT of one or two rows ON CONFLICT (k) DO UPDATE
			n := 1 + rng.Intn(2)
			var vals []string
			written := map[int]bool{}
			for i := 0; i < n && wantErr == ""; i++ {
				k, v, u := rng.Intn(30), rng.Intn(100), rng.Intn(40)
				vals = append(vals, fmt.Sprintf("(%d, %d, %d)", k, v, u))
				if r, ok := next[k]; ok {
					if written[k] {
						wantErr = pgerr.CardinalityViolation
						break
					}
					next[k] = kvRow{v: v, u: r.u}
				} else {
					if _, used := next.usedBy(u); used {
						wantErr = pgerr.UniqueViolation
						break
					}
					next[k] = kvRow{v: v, u: u}
				}
				written[k] = true
				count++
			}
			for len(vals) < n {
				vals = append(vals, fmt.Sprintf("(%d, %d, %d)", rng.Intn(30), rng.Intn(100), rng.Intn(40)))
			}
			q = "INSERT INTO kv VALUES " + strings.Join(vals, ", ") + " ON CONFLICT (k) DO UPDATE SET v = excluded.v"
		case op <= 5: // UPDATE of values in a key range
			lo := rng.Intn(30)
			hi := lo + rng.Intn(10)
			d := rng.Intn(7) - 3
			q = fmt.Sprintf("UPDATE kv SET v = v + %d WHERE k BETWEEN %d AND %d", d, lo, hi)
			for k, r := range next {
				if k >= lo && k <= hi {
					next[k] = kvRow{v: r.v + d, u: r.u}
					count++
				}
			}
		case op == 6: // UPDATE of one key, or of a unique value
			k, to := rng.Intn(30), rng.Intn(30)
			if rng.Intn(2) == 0 {
				q = fmt.Sprintf("UPDATE kv SET k = %d WHERE k = %d", to, k)
				if r, ok := next[k]; ok {
					if _, taken := next[to]; taken && to != k {
						wantErr = pgerr.UniqueViolation
					} else {
						delete(next, k)
						next[to] = r
						count = 1
					}
				}
			} else {
				q = fmt.Sprintf("UPDATE kv SET u = %d WHERE k = %d", to, k)
				if r, ok := next[k]; ok {
					if other, used := next.usedBy(to); used && other != k {
						wantErr = pgerr.UniqueViolation
					} else {
						next[k] = kvRow{v: r.v, u: to}
						count = 1
					}
				}
			}
		default: // DELETE by value
			x := rng.Intn(100)
			q = fmt.Sprintf("DELETE FROM kv WHERE v < %d AND k %% 3 = %d", x, rng.Intn(3))
			m := 0
			fmt.Sscanf(q[strings.LastIndex(q, "=")+2:], "%d", &m)
			for k, r := range next {
				if r.v < x && k%3 == m {
					delete(next, k)
					count++
				}
			}
		}
		rs, err := s.Exec(t.Context(), q)
		switch {
		case wantErr != "":
			if pgerr.CodeOf(err) != wantErr {
				t.Fatalf("step %d: %s: got %v, want %s", step, q, err, wantErr)
			}
			if inBlock {
				// The block is failed: roll it back, as a client would.
				mustExec(t, s, "ROLLBACK")
				inBlock = false
				next = maps.Clone(committed)
			} else {
				next = model
			}
		case err != nil:
			t.Fatalf("step %d: %s: %v", step, q, err)
		case strings.HasPrefix(q, "INSERT") && rs[0].Tag != "INSERT 0 "+strconv.Itoa(count),
			strings.HasPrefix(q, "UPDATE") && rs[0].Tag != "UPDATE "+strconv.Itoa(count),
			strings.HasPrefix(q, "DELETE") && rs[0].Tag != "DELETE "+strconv.Itoa(count):
			t.Fatalf("step %d: %s: tag %q, want count %d", step, q, rs[0].Tag, count)
		}
		model = next
		if !inBlock {
			committed = maps.Clone(model)
		}
		var want []string
		for k, r := range model {
			want = append(want, fmt.Sprintf("%d %d %d", k, r.v, r.u))
		}
		sort.Strings(want)
		var got []string
		for _, row := range query(t, s, "SELECT k, v, u FROM kv") {
			got = append(got, strings.Join(row, " "))
		}
		sort.Strings(got)
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Fatalf("step %d: after %s:\n got %v\nwant %v", step, q, got, want)
		}
	}
}
