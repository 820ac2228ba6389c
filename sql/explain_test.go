package sql_test

import (
	"strings"
	"testing"

	"github.com/persiandb/persiandb/sql/pgerr"
)

// EXPLAIN ANALYZE (and Postgres's option-list form) runs the query and
// shows the rows each plan node returned; the output-only options are
// accepted, other formats than text are 0A000.
func TestExplainAnalyze(t *testing.T) {
	s := engineSession(t, newEngine(t))
	mustExec(t, s, `CREATE TABLE ea (id int PRIMARY KEY, g int);
		INSERT INTO ea SELECT i, i % 3 FROM generate_series(1, 30) i`)
	for _, q := range []string{
		"EXPLAIN ANALYZE SELECT g, count(*) FROM ea WHERE id <= 12 GROUP BY g ORDER BY g LIMIT 2",
		"EXPLAIN (ANALYZE, COSTS OFF, BUFFERS true, FORMAT TEXT) SELECT g, count(*) FROM ea WHERE id <= 12 GROUP BY g ORDER BY g LIMIT 2",
	} {
		var lines []string
		for _, row := range rowsText(mustExec(t, s, q)[0]) {
			lines = append(lines, row[0])
		}
		out := strings.Join(lines, "\n")
		for _, want := range []string{"Limit  (actual rows=2 loops=1)", "HashAggregate  (actual rows=3 loops=1)",
			"Primary Key Scan on ea  (actual rows=12 loops=1)", "Planning Time: ", "Execution Time: "} {
			if !strings.Contains(out, want) {
				t.Errorf("%s:\n%s\nlacks %q", q, out, want)
			}
		}
	}
	plain := rowsText(mustExec(t, s, "EXPLAIN (ANALYZE off, VERBOSE) SELECT * FROM ea")[0])
	for _, row := range plain {
		if strings.Contains(row[0], "actual") {
			t.Errorf("EXPLAIN with ANALYZE off ran the query: %v", plain)
		}
	}
	wantCode(t, s, "EXPLAIN (FORMAT JSON) SELECT 1", pgerr.FeatureNotSupported, "")
	wantCode(t, s, "EXPLAIN (BOGUS) SELECT 1", pgerr.SyntaxError, "")
}
