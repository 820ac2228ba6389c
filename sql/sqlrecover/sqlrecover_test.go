package sqlrecover_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/persiandb/persiandb/cpr"
	"github.com/persiandb/persiandb/recovery"
	"github.com/persiandb/persiandb/sql"
	"github.com/persiandb/persiandb/sql/sqlcpr"
	"github.com/persiandb/persiandb/sql/sqlrecover"
	"github.com/rs/zerolog"
)

// life is one run of the database: recovered from dir (empty at first),
// checkpointing into it.
type life struct {
	t   *testing.T
	res *recovery.Result
	eng *sql.Engine
	cp  *cpr.Checkpointer
	ss  []*sql.Session
}

// start recovers dir and checkpoints into it, extending the recovered
// chain as the server does; cpOpts may change the checkpointer's options.
func start(t *testing.T, dir string, opts recovery.Options, cpOpts ...func(*cpr.Options)) *life {
	t.Helper()
	opts.Log = zerolog.Nop()
	eng, res, err := sqlrecover.Open(dir, opts)
	if err != nil {
		t.Fatalf("sqlrecover.Open: %v", err)
	}
	if err := eng.SetSynchronousCommit("off"); err != nil {
		t.Fatal(err)
	}
	co := cpr.Options{Dir: dir, Workers: 2, Log: zerolog.Nop(), Extra: eng.CheckpointExtra, Dropped: eng.DroppedTables,
		Recovered: res.Checkpoint()}
	for _, f := range cpOpts {
		f(&co)
	}
	cp, err := cpr.New(res.Manager, co)
	if err != nil {
		t.Fatal(err)
	}
	eng.SetCheckpointer(sqlcpr.Adapt(cp))
	l := &life{t: t, res: res, eng: eng, cp: cp}
	t.Cleanup(l.stop)
	return l
}

// stop ends the life without a final checkpoint, as a crash would (what
// was not checkpointed is lost).
func (l *life) stop() {
	if l.cp == nil {
		return
	}
	for _, s := range l.ss {
		s.Close()
	}
	l.cp.Close()
	l.res.Manager.Close()
	l.cp = nil
}

func (l *life) session(name string) *sql.Session {
	s := l.eng.NewSession(name)
	l.ss = append(l.ss, s)
	return s
}

func exec(t *testing.T, s *sql.Session, q string) []*sql.Result {
	t.Helper()
	rs, err := s.Exec(context.Background(), q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return rs
}

// query returns the rows of q's last statement as text.
func query(t *testing.T, s *sql.Session, q string) [][]string {
	t.Helper()
	rs := exec(t, s, q)
	var out [][]string
	for _, row := range rs[len(rs)-1].Rows {
		r := make([]string, len(row))
		for i, v := range row {
			r[i] = v.String()
		}
		out = append(out, r)
	}
	return out
}

func one(t *testing.T, s *sql.Session, q string) string {
	t.Helper()
	rows := query(t, s, q)
	if len(rows) != 1 || len(rows[0]) != 1 {
		t.Fatalf("%s: %v, want one value", q, rows)
	}
	return rows[0][0]
}

func wantErr(t *testing.T, s *sql.Session, q, substr string) {
	t.Helper()
	if _, err := s.Exec(context.Background(), q); err == nil || !strings.Contains(err.Error(), substr) {
		t.Fatalf("%s: error %v, want one containing %q", q, err, substr)
	}
}

// state is what the test compares across restarts.
var stateQueries = []string{
	"SELECT id, owner, balance, email FROM accounts ORDER BY id",
	"SELECT id, name, qty FROM items ORDER BY id",
	"SELECT a, b FROM nopk ORDER BY a, b",
	"SELECT id, owner FROM rich ORDER BY id",
	"SELECT id FROM accounts WHERE owner = 'o3' ORDER BY id",
	"SELECT name FROM items WHERE name >= 'item-15' ORDER BY name DESC",
}

func state(t *testing.T, s *sql.Session) map[string][][]string {
	t.Helper()
	out := map[string][][]string{}
	for _, q := range stateQueries {
		out[q] = query(t, s, q)
	}
	return out
}

func compare(t *testing.T, got, want map[string][][]string) {
	t.Helper()
	for _, q := range stateQueries {
		if !reflect.DeepEqual(got[q], want[q]) {
			t.Errorf("%s after recovery:\n got %v\nwant %v", q, got[q], want[q])
		}
	}
}

func TestRecoverSQL(t *testing.T) {
	dir := t.TempDir()

	// Life 1: an empty directory gives an empty database.
	l := start(t, dir, recovery.Options{})
	if l.res.Manifest != nil {
		t.Fatalf("recovered %+v from an empty directory", l.res.Manifest)
	}
	s := l.session("alice")
	exec(t, s, `CREATE TABLE accounts (id int PRIMARY KEY, owner text NOT NULL, balance int, email text UNIQUE);
		CREATE INDEX accounts_owner ON accounts (owner);
		CREATE TABLE items (id serial PRIMARY KEY, name text, qty int);
		CREATE INDEX items_name ON items (name DESC);
		CREATE TABLE nopk (a int, b text);
		CREATE TABLE gone (x int PRIMARY KEY);
		INSERT INTO gone VALUES (1), (2);
		CREATE VIEW rich AS SELECT id, owner FROM accounts WHERE balance > 100;
		CREATE SEQUENCE s1;
		CREATE ROLE bob LOGIN`)
	for i := 1; i <= 60; i++ {
		exec(t, s, fmt.Sprintf("INSERT INTO accounts VALUES (%d, 'o%d', %d, 'e%d@x')", i, i%7, i*10, i))
	}
	exec(t, s, "INSERT INTO items (name, qty) SELECT 'item-' || g, g FROM generate_series(1, 20) g")
	exec(t, s, "INSERT INTO nopk VALUES (1, 'a'), (2, 'b'), (3, NULL)")
	exec(t, s, "UPDATE accounts SET balance = balance + 1000, owner = 'o3' WHERE id % 5 = 0")
	exec(t, s, "DELETE FROM accounts WHERE id % 11 = 0")
	exec(t, s, "DELETE FROM items WHERE qty < 4")
	exec(t, s, "DROP TABLE gone")
	for i := 0; i < 3; i++ {
		one(t, s, "SELECT nextval('s1')")
	}
	exec(t, s, "CHECKPOINT") // full
	exec(t, s, "UPDATE items SET qty = qty * 2 WHERE id % 2 = 0; DELETE FROM accounts WHERE id = 1")
	exec(t, s, "INSERT INTO nopk VALUES (4, 'd')")
	s1 := one(t, s, "SELECT nextval('s1')")
	exec(t, s, "CHECKPOINT") // a delta on it
	want := state(t, s)
	alicePoint := one(t, s, "SHOW persiandb.commit_point")
	if alicePoint == "0" {
		t.Fatal("alice committed nothing")
	}

	// Commits after the checkpoint, which recovery must not see.
	exec(t, s, `INSERT INTO accounts VALUES (1000, 'late', 1, 'late@x');
		UPDATE accounts SET balance = 0;
		DELETE FROM items;
		INSERT INTO nopk VALUES (99, 'late');
		CREATE TABLE later (x int)`)
	one(t, s, "SELECT nextval('s1')")
	l.stop()

	// Life 2.
	l = start(t, dir, recovery.Options{Strict: true})
	res := l.res
	if res.Manifest == nil || res.Deltas != 1 || len(res.Skipped) != 0 {
		t.Fatalf("recovered manifest %+v, %d deltas, skipped %v; want the delta on the full checkpoint", res.Manifest, res.Deltas, res.Skipped)
	}
	if want := res.Base.Bytes() + res.Manifest.Bytes(); res.Bytes != want || res.Base.Bytes() == 0 || res.Manifest.Bytes() == 0 {
		t.Errorf("recovered %d bytes, want the full checkpoint's %d and the delta's %d", res.Bytes, res.Base.Bytes(), res.Manifest.Bytes())
	}
	if got := strconv.FormatUint(res.Sessions["alice"], 10); got != alicePoint {
		t.Errorf("recovered point of alice %s, want %s", got, alicePoint)
	}
	if res.IgnoredRows != 0 {
		// gone was dropped before the full checkpoint: the checkpointer's
		// Dropped hook leaves its rows out even while its storage exists.
		t.Errorf("recovery ignored %d rows of dropped tables: the checkpoint wrote them", res.IgnoredRows)
	}
	s = l.session("alice")
	if got := one(t, s, "SHOW persiandb.commit_point"); got != alicePoint {
		t.Errorf("alice's commit point after recovery %s, want %s", got, alicePoint)
	}
	if got := one(t, l.session("carol"), "SHOW persiandb.commit_point"); got != "0" {
		t.Errorf("a new session's commit point %s, want 0", got)
	}
	compare(t, state(t, s), want)
	checkIndexes(t, l)
	wantErr(t, s, "SELECT * FROM later", "does not exist")
	wantErr(t, s, "SELECT * FROM gone", "does not exist")
	wantErr(t, s, "CREATE ROLE bob", "already exists")
	wantErr(t, s, "INSERT INTO accounts VALUES (2, 'x', 1, 'y@x')", "duplicate key")
	wantErr(t, s, "INSERT INTO accounts VALUES (5000, 'x', 1, 'e2@x')", "duplicate key")
	if got := one(t, s, "SELECT nextval('s1')"); mustInt(t, got) <= mustInt(t, s1) {
		t.Errorf("nextval after recovery %s, want past the checkpointed %s", got, s1)
	}
	// New commits: serial, row ids, indexes and the commit point continue.
	maxItem := one(t, s, "SELECT max(id) FROM items")
	newItem := one(t, s, "INSERT INTO items (name, qty) VALUES ('item-new', 1) RETURNING id")
	if mustInt(t, newItem) <= mustInt(t, maxItem) {
		t.Errorf("serial after recovery gave %s, want past %s", newItem, maxItem)
	}
	exec(t, s, "INSERT INTO nopk VALUES (5, 'e'), (6, 'f')")
	if got := one(t, s, "SELECT count(*) FROM nopk"); got != "6" {
		t.Errorf("nopk has %s rows after two inserts, want 6", got)
	}
	exec(t, s, "UPDATE accounts SET owner = 'o3', balance = 5000 WHERE id = 2")
	exec(t, s, "CREATE TABLE later (x int PRIMARY KEY); INSERT INTO later VALUES (7)")
	p, _ := strconv.Atoi(alicePoint)
	if got := one(t, s, "SHOW persiandb.commit_point"); mustInt(t, got) != int64(p)+5 {
		t.Errorf("alice's commit point after 5 commits %s, want %d", got, p+5)
	}
	exec(t, s, "CHECKPOINT")
	want = state(t, s)
	alicePoint = one(t, s, "SHOW persiandb.commit_point")
	wantLater := query(t, s, "SELECT x FROM later")
	s1 = one(t, s, "SELECT currval('s1')")
	exec(t, s, "DELETE FROM accounts") // after the checkpoint: lost
	l.stop()

	// Life 3: the second restart, from the checkpoint life 2 took.
	l = start(t, dir, recovery.Options{Strict: true})
	if l.res.Manifest.ID <= res.Manifest.ID {
		t.Errorf("life 3 recovered checkpoint %d, life 2 had %d", l.res.Manifest.ID, res.Manifest.ID)
	}
	s = l.session("alice")
	compare(t, state(t, s), want)
	checkIndexes(t, l)
	if got := query(t, s, "SELECT x FROM later"); !reflect.DeepEqual(got, wantLater) {
		t.Errorf("later: %v, want %v", got, wantLater)
	}
	if got := one(t, s, "SHOW persiandb.commit_point"); got != alicePoint {
		t.Errorf("alice's commit point after the second recovery %s, want %s", got, alicePoint)
	}
	if got := one(t, s, "SELECT nextval('s1')"); mustInt(t, got) <= mustInt(t, s1) {
		t.Errorf("nextval after the second recovery %s, want past %s", got, s1)
	}
}

// checkIndexes checks the recovered store's consistency and that every
// secondary index holds one entry per row (call it before any row
// changes after recovery).
func checkIndexes(t *testing.T, l *life) {
	t.Helper()
	st := l.res.Manager.Store()
	g := st.NewGuard()
	defer g.Close()
	if err := st.CheckConsistency(g); err != nil {
		t.Fatalf("recovered store: %v", err)
	}
	for _, ts := range l.res.Tables {
		tbl := st.Table(ts.ID)
		if tbl == nil {
			t.Fatalf("table %s has no storage", ts.Name)
		}
		if tbl.Len() != ts.Rows {
			t.Errorf("table %s: %d keys, recovered %d rows", ts.Name, tbl.Len(), ts.Rows)
		}
		if len(tbl.Indexes()) != ts.Indexes {
			t.Errorf("table %s: %d indexes, want %d", ts.Name, len(tbl.Indexes()), ts.Indexes)
		}
		for _, ix := range tbl.Indexes() {
			if ix.Len() != ts.Rows {
				t.Errorf("index %s: %d entries, want %d", ix.Spec().Name, ix.Len(), ts.Rows)
			}
		}
	}
}

func mustInt(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// A damaged newest checkpoint: fallback recovers the previous one, strict
// refuses.
func TestRecoverFallbackAndStrict(t *testing.T) {
	dir := t.TempDir()
	l := start(t, dir, recovery.Options{})
	s := l.session("")
	exec(t, s, "CREATE TABLE t (a int PRIMARY KEY); INSERT INTO t VALUES (1)")
	exec(t, s, "CHECKPOINT")
	first := l.cp.History()
	exec(t, s, "INSERT INTO t VALUES (2)")
	// A restart whose first checkpoint starts a new chain (deltas off).
	l.stop()
	l = start(t, dir, recovery.Options{}, func(o *cpr.Options) { o.DeltaFraction = -1 })
	s = l.session("")
	exec(t, s, "INSERT INTO t VALUES (3)")
	exec(t, s, "CHECKPOINT")
	second := l.cp.History()
	l.stop()
	if len(first) == 0 || len(second) == 0 || !second[len(second)-1].Full {
		t.Fatalf("histories %v, %v", first, second)
	}
	newest := second[len(second)-1].ID
	// Damage the newest full checkpoint's manifest.
	path := filepath.Join(dir, cpr.ManifestName(newest))
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0xff
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}

	if _, _, err := sqlrecover.Open(dir, recovery.Options{Strict: true, Log: zerolog.Nop()}); !errors.Is(err, recovery.ErrRefused) {
		t.Fatalf("strict recovery of a damaged newest checkpoint: %v, want ErrRefused", err)
	}
	l = start(t, dir, recovery.Options{})
	if len(l.res.Skipped) == 0 || l.res.Manifest.ID == newest {
		t.Fatalf("fallback recovered %d, skipped %v", l.res.Manifest.ID, l.res.Skipped)
	}
	if got := query(t, l.session(""), "SELECT a FROM t ORDER BY a"); !reflect.DeepEqual(got, [][]string{{"1"}}) {
		t.Errorf("fallback state %v, want the first checkpoint's [[1]]", got)
	}
	// A checkpoint after the fallback is newer than the damaged one and
	// is what the next start recovers.
	s = l.session("")
	exec(t, s, "INSERT INTO t VALUES (4); CHECKPOINT")
	l.stop()
	l = start(t, dir, recovery.Options{})
	if l.res.Manifest.ID <= newest {
		t.Fatalf("recovered checkpoint %d, not past the damaged %d", l.res.Manifest.ID, newest)
	}
	if got := query(t, l.session(""), "SELECT a FROM t ORDER BY a"); !reflect.DeepEqual(got, [][]string{{"1"}, {"4"}}) {
		t.Errorf("state after a checkpoint on the fallback %v, want [[1] [4]]", got)
	}
}

// A named session that reconnects within one run continues its commit
// counter; a checkpoint then records the reconnected session's point.
func TestReconnectKeepsCommitPoint(t *testing.T) {
	dir := t.TempDir()
	l := start(t, dir, recovery.Options{})
	exec(t, l.session(""), "CREATE TABLE r (n int PRIMARY KEY)")
	a := l.session("a")
	for i := 1; i <= 3; i++ {
		exec(t, a, fmt.Sprintf("INSERT INTO r VALUES (%d)", i))
	}
	a.Close()
	a = l.session("a")
	if got := one(t, a, "SHOW persiandb.commit_point"); got != "3" {
		t.Fatalf("after a reconnect: commit point %s, want 3", got)
	}
	exec(t, a, "INSERT INTO r VALUES (4)")
	exec(t, l.session(""), "CHECKPOINT")
	l.stop()
	l = start(t, dir, recovery.Options{})
	if got := one(t, l.session("a"), "SHOW persiandb.commit_point"); got != "4" {
		t.Fatalf("after recovery: commit point %s, want 4", got)
	}
}
