package dialect

import (
	"reflect"
	"testing"
)

func TestNormalize(t *testing.T) {
	for _, c := range []struct {
		in, norm string
		lits     []Literal
		ok       bool
	}{
		{"SELECT abalance FROM pgbench_accounts WHERE aid = 48213;", "SELECT abalance FROM pgbench_accounts WHERE aid = $1;",
			[]Literal{{LitInt4, "48213"}}, true},
		{"UPDATE pgbench_accounts SET abalance = abalance + -2133 WHERE aid = 48213;",
			"UPDATE pgbench_accounts SET abalance = abalance + -$1 WHERE aid = $2;",
			[]Literal{{LitInt4, "2133"}, {LitInt4, "48213"}}, true},
		{"INSERT INTO h (tid, delta, mtime) VALUES (7, -2133, CURRENT_TIMESTAMP)", "INSERT INTO h (tid, delta, mtime) VALUES ($1, -$2, CURRENT_TIMESTAMP)",
			[]Literal{{LitInt4, "7"}, {LitInt4, "2133"}}, true},
		{"select * from t where a=3000000000 and b='x''y' and c>1.50", "select * from t where a=$1 and b=$2 and c>$3",
			[]Literal{{LitInt8, "3000000000"}, {LitUnknown, "x'y"}, {LitNumeric, "1.50"}}, true},
		{"SELECT * FROM t WHERE a IN (1, 2) AND b = 99999999999999999999", "SELECT * FROM t WHERE a IN ($1, $2) AND b = $3",
			[]Literal{{LitInt4, "1"}, {LitInt4, "2"}, {LitNumeric, "99999999999999999999"}}, true},
		// Not replaced: select list, ORDER BY, LIMIT, function arguments,
		// casts, typed literals, LIKE, BETWEEN, HAVING, unary minus on a
		// bigint, exponents.
		{"SELECT 1, 'a' FROM t ORDER BY 1 LIMIT 5", "SELECT 1, 'a' FROM t ORDER BY 1 LIMIT 5", nil, true},
		{"SELECT * FROM t WHERE f(a, 1) = 2::int AND d = date '2024-01-01' AND s LIKE 'x%' AND k BETWEEN 1 AND 2",
			"SELECT * FROM t WHERE f(a, 1) = 2::int AND d = date '2024-01-01' AND s LIKE 'x%' AND k BETWEEN 1 AND 2", nil, true},
		{"SELECT a FROM t WHERE a = -3000000000 OR a = 1e5 GROUP BY a HAVING a > 1", "SELECT a FROM t WHERE a = -3000000000 OR a = 1e5 GROUP BY a HAVING a > 1", nil, true},
		{"INSERT INTO t VALUES (1) ON CONFLICT (k) DO UPDATE SET v = 2 WHERE t.v = 3", "INSERT INTO t VALUES ($1) ON CONFLICT (k) DO UPDATE SET v = 2 WHERE t.v = 3",
			[]Literal{{LitInt4, "1"}}, true},
		{"INSERT INTO t VALUES (ARRAY[1, 2, 3], 4)", "INSERT INTO t VALUES (ARRAY[1, 2, 3], $1)", []Literal{{LitInt4, "4"}}, true},
		{"SELECT (SELECT max(b) FROM u WHERE c = 5) FROM t WHERE a IN (SELECT d FROM v WHERE e = 6)",
			"SELECT (SELECT max(b) FROM u WHERE c = 5) FROM t WHERE a IN (SELECT d FROM v WHERE e = $1)", []Literal{{LitInt4, "6"}}, true},
		{"SELECT a INTO n FROM t WHERE a = 1", "", nil, false},
		{"SELECT * FROM t WHERE a = $1", "", nil, false},
		{"CREATE TABLE t (a int DEFAULT 1)", "", nil, false},
		{"SELECT 1; SELECT 2", "", nil, false},
	} {
		norm, lits, ok := Normalize(c.in)
		if ok != c.ok || norm != c.norm || !reflect.DeepEqual(lits, c.lits) {
			t.Errorf("Normalize(%q) = %q, %v, %v; want %q, %v, %v", c.in, norm, lits, ok, c.norm, c.lits, c.ok)
		}
	}
}
