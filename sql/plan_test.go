package sql_test

import (
	"strings"
	"testing"
)

func planLines(t *testing.T, q string, setup ...string) string {
	t.Helper()
	s := newSession(t)
	for _, st := range setup {
		mustExec(t, s, st)
	}
	rs := mustExec(t, s, "EXPLAIN "+q)
	var b strings.Builder
	for _, r := range rs[0].Rows {
		b.WriteString(r[0].AsString())
		b.WriteByte('\n')
	}
	return b.String()
}

// The planner turns key predicates into spans and point lookups.
func TestAccessPaths(t *testing.T) {
	setup := "CREATE TABLE t(a integer, b integer, c text, PRIMARY KEY (a, b))"
	cases := []struct {
		q    string
		want []string // substrings, in order
		not  []string
	}{
		// A whole-key lookup needs no filter; other predicates stay.
		{"SELECT * FROM t WHERE a = 1 AND b = 2", []string{"Primary Key Scan on t", "Key: (a, b) = (1, 2)"}, []string{"Filter"}},
		{"SELECT * FROM t WHERE a = 1 AND b = 2 AND c = 'x'", []string{"Filter", "Condition: (c = x)", "Primary Key Scan on t"}, []string{"(a = 1)"}},
		{"SELECT * FROM t WHERE a = 1", []string{"Primary Key Scan on t", "Key: (a) = (1)"}, nil},
		{"SELECT * FROM t WHERE a IN (3, 1) AND b = 2", []string{"Key: (a, b) = (3, 2) OR (a, b) = (1, 2)"}, nil},
		{"SELECT * FROM t WHERE a = 1 AND b > 5", []string{"Key: (a, b) > (1, 5) AND (a) <= (1)"}, nil},
		{"SELECT * FROM t WHERE a BETWEEN 2 AND 4", []string{"Key: (a) >= (2) AND (a) <= (4)"}, nil},
		{"SELECT * FROM t WHERE b = 2", []string{"Seq Scan on t"}, []string{"Key:"}},
		{"SELECT * FROM t WHERE a + 0 = 1", []string{"Seq Scan on t"}, []string{"Key:"}},
		{"SELECT * FROM t WHERE a = 1 OR a = 2", []string{"Seq Scan on t"}, nil},
		// Order from the key: no sort, or a reversed read.
		{"SELECT * FROM t ORDER BY a, b", []string{"Seq Scan on t"}, []string{"Sort"}},
		{"SELECT * FROM t ORDER BY a DESC, b DESC LIMIT 3", []string{"Limit", "Seq Scan on t (reverse)"}, []string{"Sort"}},
		{"SELECT * FROM t ORDER BY a, b DESC", []string{"Sort"}, nil},
		{"SELECT * FROM t ORDER BY a NULLS FIRST", []string{"Sort"}, nil},
	}
	for _, tc := range cases {
		plan := planLines(t, tc.q, setup)
		at := 0
		for _, w := range tc.want {
			i := strings.Index(plan[at:], w)
			if i < 0 {
				t.Errorf("%s: plan lacks %q (in order):\n%s", tc.q, w, plan)
				break
			}
			at += i + len(w)
		}
		for _, n := range tc.not {
			if strings.Contains(plan, n) {
				t.Errorf("%s: plan has %q:\n%s", tc.q, n, plan)
			}
		}
	}
}

// Tables connected by predicates are joined along them, in any FROM
// order, never through a cross product.
func TestJoinOrderAvoidsCrossProducts(t *testing.T) {
	setup := []string{
		"CREATE TABLE a(x integer PRIMARY KEY, y integer)",
		"CREATE TABLE b(x integer PRIMARY KEY, y integer)",
		"CREATE TABLE c(x integer PRIMARY KEY, y integer)",
		"CREATE TABLE d(x integer PRIMARY KEY, y integer)",
	}
	for _, q := range []string{
		"SELECT * FROM a, b, c, d WHERE d.y = c.x AND a.y = c.y AND b.x = d.x",
		"SELECT * FROM d, a, c, b WHERE a.x = b.y AND c.x = d.y AND b.x = c.y",
	} {
		plan := planLines(t, q, setup...)
		if strings.Contains(plan, "Nested Loop") {
			t.Errorf("%s: cross product in\n%s", q, plan)
		}
		if n := strings.Count(plan, "Hash Join"); n != 3 {
			t.Errorf("%s: %d hash joins, want 3:\n%s", q, n, plan)
		}
	}
	// Without a connecting predicate a cross product is the only way.
	plan := planLines(t, "SELECT * FROM a, b WHERE a.x = 1", setup...)
	if !strings.Contains(plan, "Nested Loop Join") {
		t.Errorf("unconnected tables: want a nested loop:\n%s", plan)
	}
}
