package sqlrecover_test

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/persiandb/persiandb/cpr"
	"github.com/persiandb/persiandb/recovery"
)

// lastCheckpoint is the newest attempt in l's checkpoint history.
func lastCheckpoint(t *testing.T, l *life) cpr.Info {
	t.Helper()
	h := l.cp.History()
	if len(h) == 0 {
		t.Fatal("no checkpoint taken")
	}
	return h[len(h)-1]
}

// After a restart, checkpoints extend the recovered chain with deltas: no
// full checkpoint of the whole database is written just because the
// server restarted. Recovering the extended chain gives the state at its
// newest cut, across several restarts, a dropped table whose rows stay
// in the chain's base, and a delta log left with a torn tail by a crash.
func TestRestartExtendsChain(t *testing.T) {
	dir := t.TempDir()
	l := start(t, dir, recovery.Options{})
	s := l.session("alice")
	exec(t, s, `CREATE TABLE a (id int PRIMARY KEY, v text);
		CREATE TABLE b (id int PRIMARY KEY);
		INSERT INTO a SELECT g, 'v' || g FROM generate_series(1, 50) g;
		INSERT INTO b VALUES (1), (2), (3)`)
	exec(t, s, "CHECKPOINT")
	full := lastCheckpoint(t, l)
	if !full.Full {
		t.Fatalf("first checkpoint %+v is not full", full)
	}
	// b, the newest table, is dropped in a delta: its rows stay in the
	// base, under an id a new table must not get after the restart.
	exec(t, s, "DELETE FROM a WHERE id <= 5; DROP TABLE b; CHECKPOINT")
	l.stop()

	// Life 2: the next checkpoint is a delta on the same chain.
	l = start(t, dir, recovery.Options{Strict: true})
	if l.res.Base == nil || l.res.Base.ID != full.ID || l.res.Deltas != 1 {
		t.Fatalf("recovered base %+v with %d deltas, want checkpoint %d with 1", l.res.Base, l.res.Deltas, full.ID)
	}
	s = l.session("alice")
	exec(t, s, `UPDATE a SET v = 'two' WHERE id = 10;
		DELETE FROM a WHERE id = 11;
		INSERT INTO a VALUES (100, 'new');
		CREATE TABLE c (id int PRIMARY KEY, w int);
		INSERT INTO c VALUES (7, 70)`)
	exec(t, s, "CHECKPOINT")
	if got := lastCheckpoint(t, l); got.Full || got.Chain != full.ID {
		t.Fatalf("first checkpoint after the restart: %+v, want a delta on chain %d", got, full.ID)
	}
	if got := query(t, s, "SELECT kind, chain FROM persiandb_checkpoints ORDER BY id DESC LIMIT 1"); !reflect.DeepEqual(got, [][]string{{"delta", fmt.Sprint(full.ID)}}) {
		t.Fatalf("persiandb_checkpoints after the restart: %v, want a delta of chain %d", got, full.ID)
	}
	want := map[string][][]string{
		"a": query(t, s, "SELECT id, v FROM a ORDER BY id"),
		"c": query(t, s, "SELECT id, w FROM c ORDER BY id"),
	}
	exec(t, s, "INSERT INTO a VALUES (101, 'lost')") // after the last cut
	l.stop()

	// A crash while the next delta was written leaves a torn tail:
	// appended bytes that end inside a delta.
	logPath := filepath.Join(dir, cpr.DeltaLogName(full.ID))
	before, err := os.Stat(logPath)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(logPath, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte{'R', 1, 2, 3, 4, 5, 6}); err != nil {
		t.Fatal(err)
	}
	f.Close()

	// Life 3: the state of life 2's last cut; the torn tail is cut off
	// and the chain goes on.
	l = start(t, dir, recovery.Options{})
	if l.res.Base.ID != full.ID || l.res.Deltas != 2 {
		t.Fatalf("recovered base %d with %d deltas, want %d with 2", l.res.Base.ID, l.res.Deltas, full.ID)
	}
	s = l.session("alice")
	got := map[string][][]string{
		"a": query(t, s, "SELECT id, v FROM a ORDER BY id"),
		"c": query(t, s, "SELECT id, w FROM c ORDER BY id"),
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("after the second restart:\n got %v\nwant %v", got, want)
	}
	if after, err := os.Stat(logPath); err != nil || after.Size() != before.Size() {
		t.Fatalf("delta log after the restart: %v, %v; want the torn tail cut off (%d bytes)", after, err, before.Size())
	}
	exec(t, s, "INSERT INTO c VALUES (8, 80); CHECKPOINT")
	if got := lastCheckpoint(t, l); got.Full || got.Chain != full.ID {
		t.Fatalf("checkpoint after the torn tail: %+v, want a delta on chain %d", got, full.ID)
	}
	want["c"] = query(t, s, "SELECT id, w FROM c ORDER BY id")
	l.stop()

	// Life 4: strict recovery reads the whole chain, three deltas.
	l = start(t, dir, recovery.Options{Strict: true})
	if l.res.Deltas != 3 || len(l.res.Skipped) != 0 {
		t.Fatalf("recovered %d deltas, skipped %v; want 3, none", l.res.Deltas, l.res.Skipped)
	}
	s = l.session("")
	got = map[string][][]string{
		"a": query(t, s, "SELECT id, v FROM a ORDER BY id"),
		"c": query(t, s, "SELECT id, w FROM c ORDER BY id"),
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("after the third restart:\n got %v\nwant %v", got, want)
	}
}

// A state recovery did not take from the newest chain's end (here an
// older checkpoint chosen with --recover-to) starts a new chain: the
// newer deltas stay on disk untouched.
func TestRecoverToStartsNewChain(t *testing.T) {
	dir := t.TempDir()
	l := start(t, dir, recovery.Options{})
	s := l.session("")
	exec(t, s, "CREATE TABLE t (a int PRIMARY KEY); INSERT INTO t VALUES (1); CHECKPOINT")
	first := lastCheckpoint(t, l)
	exec(t, s, "INSERT INTO t VALUES (2); CHECKPOINT")
	l.stop()
	logPath := filepath.Join(dir, cpr.DeltaLogName(first.ID))
	before, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}

	l = start(t, dir, recovery.Options{ID: first.ID})
	exec(t, l.session(""), "INSERT INTO t VALUES (3); CHECKPOINT")
	if got := lastCheckpoint(t, l); !got.Full {
		t.Fatalf("checkpoint after recovering an older state: %+v, want a full one", got)
	}
	l.stop()
	if after, err := os.ReadFile(logPath); err != nil || !reflect.DeepEqual(after, before) {
		t.Fatalf("the older chain's delta log changed (%v)", err)
	}
	l = start(t, dir, recovery.Options{Strict: true})
	if got := query(t, l.session(""), "SELECT a FROM t ORDER BY a"); !reflect.DeepEqual(got, [][]string{{"1"}, {"3"}}) {
		t.Fatalf("state %v, want [[1] [3]]", got)
	}
}

// A crash at any file-system operation of the first checkpoint after a
// restart (the delta log's reopening and cut included) leaves the state
// before it or after it, and the chain recovered from that image can be
// extended again.
func TestCrashInDeltaAfterRestart(t *testing.T) {
	mfs := cpr.NewMemFS()
	withFS := func(fsys cpr.FS) func(*cpr.Options) { return func(o *cpr.Options) { o.FS = fsys } }
	const dir = "/data/checkpoints"
	l := start(t, dir, recovery.Options{FS: mfs}, withFS(mfs))
	s := l.session("")
	exec(t, s, `CREATE TABLE t (id int PRIMARY KEY, v int);
		INSERT INTO t SELECT g, g FROM generate_series(1, 40) g; CHECKPOINT;
		UPDATE t SET v = v + 100 WHERE id % 3 = 0; CHECKPOINT`)
	before := query(t, s, "SELECT id, v FROM t ORDER BY id")
	chain := l.cp.History()[0].ID
	l.stop()
	// A torn tail for the restart to cut off.
	logPath := dir + "/" + cpr.DeltaLogName(chain)
	size, err := mfs.Stat(logPath)
	if err != nil {
		t.Fatal(err)
	}
	f, err := mfs.OpenAppend(logPath, size)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte{'R', 1, 2})
	f.Sync()
	f.Close()

	// Crash images from the restart on (the reads of recovery, the cut of
	// the torn tail) to the end of the first checkpoint.
	ffs := cpr.NewFaultFS(mfs)
	var images []*cpr.MemFS
	ffs.SetHook(func(cpr.OpRecord) error {
		images = append(images, mfs.Crash())
		return nil
	})
	l = start(t, dir, recovery.Options{FS: ffs}, withFS(ffs))
	s = l.session("")
	exec(t, s, "DELETE FROM t WHERE id % 4 = 0; INSERT INTO t VALUES (100, 1)")
	exec(t, s, "CHECKPOINT")
	if n := ffs.Count(cpr.OpOpenAppend); n != 1 {
		t.Fatalf("%d delta log reopenings, want 1", n)
	}
	ffs.SetHook(nil)
	if got := lastCheckpoint(t, l); got.Full {
		t.Fatalf("checkpoint after the restart is full: %+v", got)
	}
	after := query(t, s, "SELECT id, v FROM t ORDER BY id")
	l.stop()
	images = append(images, mfs.Crash())
	if len(images) < 3 {
		t.Fatalf("only %d file-system operations observed", len(images))
	}

	sawAfter, befores := false, 0
	for i, img := range images {
		l := start(t, dir, recovery.Options{FS: img}, withFS(img))
		s := l.session("")
		got := query(t, s, "SELECT id, v FROM t ORDER BY id")
		switch {
		case reflect.DeepEqual(got, after):
			sawAfter = true
		case reflect.DeepEqual(got, before) && !sawAfter:
			befores++
		default:
			t.Fatalf("crash image %d of %d: state %v, want the one before the checkpoint or after it (after seen: %v)", i+1, len(images), got, sawAfter)
		}
		exec(t, s, "INSERT INTO t VALUES (200, 2); CHECKPOINT")
		want := query(t, s, "SELECT id, v FROM t ORDER BY id")
		l.stop()
		l = start(t, dir, recovery.Options{FS: img, Strict: true}, withFS(img))
		if got := query(t, l.session(""), "SELECT id, v FROM t ORDER BY id"); !reflect.DeepEqual(got, want) {
			t.Fatalf("crash image %d: after one more checkpoint and a restart: %v, want %v", i+1, got, want)
		}
		l.stop()
	}
	if !sawAfter || befores == 0 {
		t.Fatalf("%d images: %d with the state before the checkpoint, the final one after it: %v", len(images), befores, sawAfter)
	}
	t.Logf("%d crash images: %d before the checkpoint, then after it", len(images), befores)
}
