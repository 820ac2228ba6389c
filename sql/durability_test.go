package sql_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/persiandb/persiandb/sql"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/storage"
	"github.com/persiandb/persiandb/txn"
	"github.com/rs/zerolog"
)

// fakeCheckpointer counts the calls it gets; fail makes them fail and
// block makes WaitDurable wait for it to close (or for ctx).
type fakeCheckpointer struct {
	waits, checkpoints atomic.Int64
	waiting            chan struct{} // receives when a WaitDurable starts blocking
	durable            atomic.Uint64
	shift              func() uint64 // the engine's Clock().Shift: a checkpoint's cut

	mu    sync.Mutex
	fail  error         // protected by mu
	block chan struct{} // protected by mu
	hist  []sql.CheckpointInfo
}

func newFake() *fakeCheckpointer { return &fakeCheckpointer{waiting: make(chan struct{}, 16)} }

func (f *fakeCheckpointer) state() (chan struct{}, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.block, f.fail
}

func (f *fakeCheckpointer) setFail(err error) { f.mu.Lock(); f.fail = err; f.mu.Unlock() }

func (f *fakeCheckpointer) setBlock(ch chan struct{}) { f.mu.Lock(); f.block = ch; f.mu.Unlock() }

// advance takes a checkpoint: it shifts the clock, as cpr does, makes
// everything below the cut durable and records the checkpoint.
func (f *fakeCheckpointer) advance() {
	cut := f.shift()
	for {
		d := f.durable.Load()
		if d >= cut || f.durable.CompareAndSwap(d, cut) {
			break
		}
	}
	f.mu.Lock()
	id := uint64(len(f.hist) + 1)
	now := time.Date(2024, 5, 1, 12, 0, int(id), 0, time.UTC)
	f.hist = append(f.hist, sql.CheckpointInfo{ID: id, Chain: 1, Full: id == 1, Version: id, Cut: cut,
		Started: now, Finished: now.Add(1500 * time.Microsecond), Prepare: time.Millisecond, WaitFlush: 250 * time.Microsecond,
		Rows: int64(id * 10), Bytes: int64(id * 100), Workers: 4, Status: "done"})
	f.mu.Unlock()
}

func (f *fakeCheckpointer) Checkpoint(ctx context.Context) error {
	f.checkpoints.Add(1)
	if _, err := f.state(); err != nil {
		return err
	}
	f.advance()
	return nil
}

func (f *fakeCheckpointer) WaitDurable(ctx context.Context, ts uint64) error {
	f.waits.Add(1)
	block, err := f.state()
	if block != nil {
		f.waiting <- struct{}{}
		select {
		case <-block:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if err != nil {
		return err
	}
	if f.durable.Load() <= ts {
		f.advance()
	}
	return nil
}

func (f *fakeCheckpointer) Durable() uint64 { return f.durable.Load() }

func (f *fakeCheckpointer) History() []sql.CheckpointInfo {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]sql.CheckpointInfo(nil), f.hist...)
}

// newDurableSession is a session of an engine with cp (nil: none) and the
// server default synchronous_commit def ("" keeps on).
func newDurableSession(t *testing.T, cp sql.Checkpointer, def string) (*sql.Engine, *sql.Session) {
	t.Helper()
	st := storage.Open(storage.Options{PageBits: 16, Logger: zerolog.Nop()})
	m := txn.NewManager(st, txn.Options{})
	t.Cleanup(m.Close)
	e, err := sql.Open(m)
	if err != nil {
		t.Fatal(err)
	}
	if cp != nil {
		e.SetCheckpointer(cp)
		if f, ok := cp.(*fakeCheckpointer); ok {
			f.shift = m.Clock().Shift
		}
	}
	if def != "" {
		if err := e.SetSynchronousCommit(def); err != nil {
			t.Fatal(err)
		}
	}
	s := e.NewSession("alice")
	t.Cleanup(s.Close)
	return e, s
}

func show(t *testing.T, s *sql.Session, name string) string {
	t.Helper()
	rs := mustExec(t, s, "SHOW "+name)
	return rs[0].Rows[0][0].String()
}

func TestSynchronousCommitWaits(t *testing.T) {
	f := newFake()
	_, s := newDurableSession(t, f, "")
	mustExec(t, s, "CREATE TABLE t(a int PRIMARY KEY)")
	base := f.waits.Load() // CREATE TABLE wrote the catalog: it waited too
	if base != 1 {
		t.Fatalf("CREATE TABLE waited %d times, want 1", base)
	}
	steps := []struct {
		q    string
		wait int64 // waits the step adds
	}{
		{"INSERT INTO t VALUES (1)", 1},
		{"BEGIN; INSERT INTO t VALUES (2); COMMIT", 1},
		{"SELECT * FROM t", 0},                // read-only autocommit
		{"BEGIN; SELECT * FROM t; COMMIT", 0}, // read-only block
		{"BEGIN; INSERT INTO t VALUES (3); ROLLBACK", 0},
		{"CHECKPOINT", 0},
		{"SET synchronous_commit = off", 0},
		{"INSERT INTO t VALUES (4)", 0},
		{"BEGIN; SET LOCAL synchronous_commit = on; INSERT INTO t VALUES (5); COMMIT", 1},
		{"INSERT INTO t VALUES (6)", 0},
		{"SET synchronous_commit = local", 0},
		{"INSERT INTO t VALUES (7)", 1},
		{"BEGIN; SET LOCAL synchronous_commit = off; INSERT INTO t VALUES (8); COMMIT", 0},
		{"UPDATE t SET a = a + 100 WHERE a = 8", 1},
		{"DELETE FROM t WHERE a = 999", 0}, // wrote nothing
	}
	for _, st := range steps {
		before := f.waits.Load()
		mustExec(t, s, st.q)
		if got := f.waits.Load() - before; got != st.wait {
			t.Errorf("%s: %d waits, want %d", st.q, got, st.wait)
		}
	}
	if v := show(t, s, "synchronous_commit"); v != "local" {
		t.Errorf("synchronous_commit = %q, want local", v)
	}
}

func TestSynchronousCommitImplicitAndCopy(t *testing.T) {
	f := newFake()
	_, s := newDurableSession(t, f, "")
	ctx := context.Background()
	mustExec(t, s, "CREATE TABLE t(a int PRIMARY KEY)")
	before := f.waits.Load()
	// An implicit block (a multi-statement query over the wire) waits
	// once, at its end.
	s.BeginImplicit()
	for _, q := range []string{"INSERT INTO t VALUES (1)", "INSERT INTO t VALUES (2)"} {
		if _, err := s.ExecOne(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if got := f.waits.Load() - before; got != 0 {
		t.Fatalf("waited %d times inside the implicit block", got)
	}
	if err := s.EndImplicit(ctx, true); err != nil {
		t.Fatal(err)
	}
	if got := f.waits.Load() - before; got != 1 {
		t.Fatalf("implicit block: %d waits, want 1", got)
	}
	before = f.waits.Load()
	if tag := mustCopyIn(t, s, "COPY t FROM STDIN", "10\n11\n"); tag != "COPY 2" {
		t.Fatalf("tag %q", tag)
	}
	if got := f.waits.Load() - before; got != 1 {
		t.Fatalf("COPY: %d waits, want 1", got)
	}
	// COPY inside a block waits at COMMIT, once.
	before = f.waits.Load()
	mustExec(t, s, "BEGIN")
	mustCopyIn(t, s, "COPY t FROM STDIN", "20\n")
	mustExec(t, s, "COMMIT")
	if got := f.waits.Load() - before; got != 1 {
		t.Fatalf("COPY in a block: %d waits, want 1", got)
	}
}

func TestSynchronousCommitOffByServerDefault(t *testing.T) {
	f := newFake()
	_, s := newDurableSession(t, f, "false")
	if v := show(t, s, "synchronous_commit"); v != "off" {
		t.Fatalf("server default shows %q, want off", v)
	}
	mustExec(t, s, "CREATE TABLE t(a int PRIMARY KEY); INSERT INTO t VALUES (1)")
	if n := f.waits.Load(); n != 0 {
		t.Fatalf("%d waits under off", n)
	}
	mustExec(t, s, "SET synchronous_commit = on")
	mustExec(t, s, "INSERT INTO t VALUES (2)")
	mustExec(t, s, "RESET synchronous_commit")
	if v := show(t, s, "synchronous_commit"); v != "off" {
		t.Fatalf("RESET gives %q, want the server default off", v)
	}
	mustExec(t, s, "SET synchronous_commit TO DEFAULT")
	mustExec(t, s, "INSERT INTO t VALUES (3)")
	if n := f.waits.Load(); n != 1 {
		t.Fatalf("%d waits, want 1 (the one under on)", n)
	}
}

func TestSynchronousCommitValues(t *testing.T) {
	_, s := newDurableSession(t, nil, "")
	for in, want := range map[string]string{"on": "on", "OFF": "off", "true": "on", "0": "off", "Remote_Apply": "remote_apply", "remote_write": "remote_write", "local": "local"} {
		mustExec(t, s, "SET synchronous_commit = '"+in+"'")
		if v := show(t, s, "synchronous_commit"); v != want {
			t.Errorf("SET %q shows %q, want %q", in, v, want)
		}
	}
	_, err := s.Exec(context.Background(), "SET synchronous_commit = sometimes")
	if pgerr.CodeOf(err) != pgerr.InvalidParameterValue {
		t.Fatalf("bad value: %v, want 22023", err)
	}
	if err := (&sql.Engine{}).SetSynchronousCommit("maybe"); err == nil {
		t.Fatal("SetSynchronousCommit accepted maybe")
	}
	// Without a checkpointer nothing waits, whatever the setting.
	mustExec(t, s, "SET synchronous_commit = on; CREATE TABLE t(a int); INSERT INTO t VALUES (1)")
}

// A failed wait reports an error, never success; the transaction is
// committed in memory all the same (documented in durability.go).
func TestSynchronousCommitFailure(t *testing.T) {
	f := newFake()
	_, s := newDurableSession(t, f, "")
	ctx := context.Background()
	mustExec(t, s, "CREATE TABLE t(a int PRIMARY KEY)")
	f.setFail(errors.New("disk full"))
	check := func(q string, err error) {
		t.Helper()
		e := pgerr.As(err)
		if e == nil || e.Code != pgerr.IOError || !strings.Contains(e.Message, "disk full") || !strings.Contains(e.Detail, "committed") {
			t.Fatalf("%s: %v, want 58030 naming the cause with a detail", q, err)
		}
		if !errors.Is(err, sql.ErrNotDurable) {
			t.Fatalf("%s: %v is not ErrNotDurable", q, err)
		}
		if s.Status() != 'I' {
			t.Fatalf("%s: status %c after the commit, want I", q, s.Status())
		}
	}
	_, err := s.Exec(ctx, "INSERT INTO t VALUES (1)")
	check("autocommit", err)
	mustExec(t, s, "BEGIN; INSERT INTO t VALUES (2)")
	_, err = s.Exec(ctx, "COMMIT")
	check("COMMIT", err)
	s.BeginImplicit()
	if _, err := s.ExecOne(ctx, "INSERT INTO t VALUES (3)"); err != nil {
		t.Fatal(err)
	}
	check("implicit block", s.EndImplicit(ctx, true))
	_, err = copyIn(s, "COPY t FROM STDIN", []byte("4\n"))
	check("COPY", err)

	f.setFail(nil)
	rs := mustExec(t, s, "SELECT count(*) FROM t")
	if got := rs[0].Rows[0][0].String(); got != "4" {
		t.Fatalf("%s rows visible after the failed waits, want 4 (committed in memory)", got)
	}
	if got := show(t, s, "persiandb.commit_point"); got != "5" {
		t.Fatalf("commit point %s, want 5", got)
	}
}

func TestSynchronousCommitCancel(t *testing.T) {
	f := newFake()
	_, s := newDurableSession(t, f, "")
	mustExec(t, s, "CREATE TABLE t(a int PRIMARY KEY)")
	release := make(chan struct{})
	defer close(release)
	f.setBlock(release)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := s.Exec(ctx, "INSERT INTO t VALUES (1)")
		done <- err
	}()
	select {
	case <-f.waiting:
	case <-time.After(10 * time.Second):
		t.Fatal("the commit never waited")
	}
	select {
	case err := <-done:
		t.Fatalf("the commit returned while the checkpoint was pending: %v", err)
	default:
	}
	cancel()
	err := <-done
	e := pgerr.As(err)
	if e == nil || e.Code != pgerr.QueryCanceled || !strings.Contains(e.Message, "canceling wait") || !strings.Contains(e.Detail, "already committed locally") {
		t.Fatalf("canceled wait: %#v, want 57014 saying the transaction committed", e)
	}
	f.setBlock(nil)
	rs := mustExec(t, s, "SELECT a FROM t")
	if len(rs[0].Rows) != 1 {
		t.Fatalf("%d rows after the canceled wait, want 1", len(rs[0].Rows))
	}
}

func TestCheckpointStatement(t *testing.T) {
	_, plain := newDurableSession(t, nil, "")
	if r := mustExec(t, plain, "CHECKPOINT"); r[0].Tag != "CHECKPOINT" || len(r[0].Notices) != 0 {
		t.Fatalf("no checkpointer: %+v", r[0])
	}
	f := newFake()
	_, s := newDurableSession(t, f, "")
	if r := mustExec(t, s, "checkpoint"); r[0].Tag != "CHECKPOINT" {
		t.Fatalf("tag %q", r[0].Tag)
	}
	mustExec(t, s, "BEGIN; CHECKPOINT; COMMIT")
	if n := f.checkpoints.Load(); n != 2 {
		t.Fatalf("%d checkpoints, want 2", n)
	}
	f.setFail(errors.New("no space left on device"))
	_, err := s.Exec(context.Background(), "CHECKPOINT")
	if e := pgerr.As(err); e == nil || e.Code != pgerr.IOError || !strings.Contains(e.Message, "no space left") {
		t.Fatalf("failed checkpoint: %v, want 58030", err)
	}
}

func TestCommitPoints(t *testing.T) {
	f := newFake()
	_, s := newDurableSession(t, f, "off")
	point := func(name string) string {
		t.Helper()
		rs := mustExec(t, s, "SELECT current_setting('"+name+"')")
		v := rs[0].Rows[0][0].String()
		if sh := show(t, s, name); sh != v {
			t.Fatalf("SHOW %s = %s, current_setting = %s", name, sh, v)
		}
		return v
	}
	if p := point("persiandb.commit_point"); p != "0" {
		t.Fatalf("fresh session: commit point %s", p)
	}
	if n := point("persiandb.session_name"); n != "alice" {
		t.Fatalf("session name %q", n)
	}
	mustExec(t, s, "CREATE TABLE t(a int PRIMARY KEY)")                                 // 1
	mustExec(t, s, "INSERT INTO t VALUES (1)")                                          // 2
	mustExec(t, s, "SELECT * FROM t")                                                   // reads: no serial
	mustExec(t, s, "BEGIN; INSERT INTO t VALUES (2); INSERT INTO t VALUES (3); COMMIT") // 3
	mustExec(t, s, "BEGIN; INSERT INTO t VALUES (4); ROLLBACK")
	if p := point("persiandb.commit_point"); p != "3" {
		t.Fatalf("commit point %s, want 3", p)
	}
	if p := point("persiandb.durable_point"); p != "0" {
		t.Fatalf("durable point %s before any checkpoint, want 0", p)
	}
	mustExec(t, s, "CHECKPOINT")
	if p := point("persiandb.durable_point"); p != "3" {
		t.Fatalf("durable point %s after CHECKPOINT, want 3", p)
	}
	mustExec(t, s, "INSERT INTO t VALUES (5)") // 4, not durable under off
	if p := point("persiandb.durable_point"); p != "3" {
		t.Fatalf("durable point %s, want 3", p)
	}
	mustExec(t, s, "SET synchronous_commit = on; INSERT INTO t VALUES (6)") // 5, durable
	if c, d := point("persiandb.commit_point"), point("persiandb.durable_point"); c != "5" || d != "5" {
		t.Fatalf("commit point %s, durable point %s, want 5 and 5", c, d)
	}
	for _, q := range []string{"SET persiandb.commit_point = 7", "SET persiandb.session_name = 'bob'", "SET persiandb.durable_point = 1"} {
		if _, err := s.Exec(context.Background(), q); pgerr.CodeOf(err) != pgerr.CantChangeRuntimeParam {
			t.Errorf("%s: %v, want 55P02", q, err)
		}
	}
	mustExec(t, s, "RESET ALL")
	if n := point("persiandb.session_name"); n != "alice" {
		t.Fatalf("RESET ALL changed the session name to %q", n)
	}
	var all []string
	for _, row := range mustExec(t, s, "SHOW ALL")[0].Rows {
		if strings.HasPrefix(row[0].String(), "persiandb.") {
			all = append(all, row[0].String()+"="+row[1].String())
		}
	}
	if got := strings.Join(all, " "); got != "persiandb.commit_point=5 persiandb.durable_point=5 persiandb.session_name=alice" {
		t.Fatalf("SHOW ALL: %s", got)
	}
}

func TestCheckpointsView(t *testing.T) {
	_, plain := newDurableSession(t, nil, "")
	if rs := mustExec(t, plain, "SELECT * FROM persiandb_checkpoints"); len(rs[0].Rows) != 0 || len(rs[0].Columns) != 16 {
		t.Fatalf("no checkpointer: %d rows, %d columns", len(rs[0].Rows), len(rs[0].Columns))
	}
	f := newFake()
	_, s := newDurableSession(t, f, "")
	ctx := context.Background()
	// Prepared before any checkpoint: its cached plan must still read the
	// rows of the moment it runs.
	p, err := s.Prepare(ctx, "", "SELECT id, kind, chain, \"rows\", workers, status, error, prepare_ms, finished - started FROM persiandb_checkpoints ORDER BY id", nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.ExecPrepared(ctx, p, nil)
	if err != nil || len(r.Rows) != 0 {
		t.Fatalf("before: %v, %d rows", err, len(r.Rows))
	}
	mustExec(t, s, "CHECKPOINT; CHECKPOINT")
	r, err = s.ExecPrepared(ctx, p, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, row := range r.Rows {
		var f []string
		for _, v := range row {
			f = append(f, v.String())
		}
		got = append(got, strings.Join(f, "|"))
	}
	want := "1|full|1|10|4|done|NULL|1|00:00:00.0015 2|delta|1|20|4|done|NULL|1|00:00:00.0015"
	if strings.Join(got, " ") != want {
		t.Fatalf("rows:\n%s\nwant\n%s", strings.Join(got, " "), want)
	}
	names := make([]string, 0, 16)
	for _, c := range mustExec(t, s, "SELECT * FROM persiandb_checkpoints WHERE kind = 'full'")[0].Columns {
		names = append(names, c.Name+" "+c.Type.Name)
	}
	if len(names) != 16 || names[0] != "id bigint" || names[13] != "segments integer" || names[5] != "started timestamp with time zone" {
		t.Fatalf("columns: %v", names)
	}
	// The simple protocol's plan cache must not freeze the rows either.
	count := func() string {
		return mustExec(t, s, "SELECT count(*) FROM persiandb_checkpoints WHERE id > 0")[0].Rows[0][0].String()
	}
	for i := 3; i <= 8; i++ {
		mustExec(t, s, "CHECKPOINT")
		if got := count(); got != strconv.Itoa(i) {
			t.Fatalf("after checkpoint %d: count %s", i, got)
		}
	}
	// A table of the same name comes first, as for any relation.
	mustExec(t, s, "CREATE TABLE persiandb_checkpoints(x int)")
	if rs := mustExec(t, s, "SELECT * FROM persiandb_checkpoints"); len(rs[0].Columns) != 1 {
		t.Fatalf("the user's table is hidden: %d columns", len(rs[0].Columns))
	}
}

func TestCheckpointExtraRoundTrip(t *testing.T) {
	e, s := newDurableSession(t, nil, "")
	mustExec(t, s, "CREATE SEQUENCE sq START 10; SELECT nextval('sq'); SELECT nextval('sq')")
	b, err := e.CheckpointExtra()
	if err != nil {
		t.Fatal(err)
	}
	mustExec(t, s, "SELECT nextval('sq'); SELECT nextval('sq')")
	if err := e.RestoreCheckpointExtra(b); err != nil {
		t.Fatal(err)
	}
	if rs := mustExec(t, s, "SELECT nextval('sq')"); rs[0].Rows[0][0].String() != "12" {
		t.Fatalf("after restore nextval = %s, want 12 (extra: %s)", rs[0].Rows[0][0], b)
	}
	if err := e.RestoreCheckpointExtra([]byte(`{"format":99}`)); err == nil {
		t.Fatal("an unknown format was accepted")
	}
}
