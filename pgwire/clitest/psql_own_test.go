package clitest

import (
	"context"
	"os"
	"strconv"
	"testing"
)

// TestPsqlOwnOutput runs the catalog commands whose output differs from
// PostgreSQL's by design, so they cannot be in testdata/psql (whose .out
// files are PostgreSQL 15's), against expectations of PersianDB's own:
//
//   - \l lists only postgres: there are no template databases to connect
//     to, so none is listed.
//   - \dt+ and \di+ print sizes estimated from the number of keys in
//     storage (docs/sql.md, "System catalogs"); an empty table is 0 bytes
//     and an index at least one 8 kB page, as in Postgres.
func TestCatalogOwnOutput(t *testing.T) {
	if os.Getenv(EnvAddr) != "" {
		t.Skipf("%s is set: these expectations are PersianDB's, not PostgreSQL's", EnvAddr)
	}
	psql := NeedTool(t, "psql")
	host, port := StartServer(t)
	run := func(args ...string) string {
		t.Helper()
		all := append([]string{"-X", "-w", "-h", host, "-p", strconv.Itoa(port), "-U", "postgres", "-d", "postgres",
			"-v", "ON_ERROR_STOP=1"}, args...)
		ctx, cancel := context.WithTimeout(context.Background(), psqlTimeout)
		defer cancel()
		out, code, err := Run(ctx, ".", psql, all...)
		if err != nil || code != 0 {
			t.Fatalf("psql %s: exit %d, %v\n%s", quoteArgs(all), code, err, out)
		}
		return string(out)
	}
	run("-c", "CREATE TABLE own_big (id serial PRIMARY KEY, v int)",
		"-c", "INSERT INTO own_big (v) SELECT g FROM generate_series(1, 1000) g",
		"-c", "CREATE TABLE own_empty (a int)")
	for _, tc := range []struct{ cmd, want string }{
		{`\l`, `                                           List of databases
   Name   |  Owner   | Encoding | Collate |  Ctype  | ICU Locale | Locale Provider | Access privileges 
----------+----------+----------+---------+---------+------------+-----------------+-------------------
 postgres | postgres | UTF8     | C.UTF-8 | C.UTF-8 |            | libc            | 
(1 row)

`},
		{`\dt+`, `                                      List of relations
 Schema |   Name    | Type  |  Owner   | Persistence | Access method |  Size   | Description 
--------+-----------+-------+----------+-------------+---------------+---------+-------------
 public | own_big   | table | postgres | permanent   | heap          | 32 kB   | 
 public | own_empty | table | postgres | permanent   | heap          | 0 bytes | 
(2 rows)

`},
		{`\di+`, `                                           List of relations
 Schema |     Name     | Type  |  Owner   |  Table  | Persistence | Access method | Size  | Description 
--------+--------------+-------+----------+---------+-------------+---------------+-------+-------------
 public | own_big_pkey | index | postgres | own_big | permanent   | btree         | 32 kB | 
(1 row)

`},
	} {
		if got := run("-c", tc.cmd); got != tc.want {
			t.Errorf("psql -c %s\n%s", tc.cmd, unifiedDiff(tc.want, got))
		}
	}
}
