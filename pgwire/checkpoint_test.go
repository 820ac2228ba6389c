package pgwire

import (
	"context"
	"errors"
	"strconv"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/persiandb/persiandb/cpr"
	"github.com/persiandb/persiandb/sql"
	"github.com/persiandb/persiandb/sql/sqlcpr"
	"github.com/persiandb/persiandb/storage"
	"github.com/persiandb/persiandb/txn"
	"github.com/rs/zerolog"
)

// startCheckpointed is a server whose engine checkpoints into a temporary
// directory with a real cpr.Checkpointer and no periodic checkpoints.
func startCheckpointed(t *testing.T, syncCommit string) (*testServer, *cpr.Checkpointer, string) {
	t.Helper()
	st := storage.Open(storage.Options{Logger: zerolog.Nop()})
	m := txn.NewManager(st, txn.Options{})
	t.Cleanup(m.Close)
	eng, err := sql.Open(m)
	if err != nil {
		t.Fatal(err)
	}
	if err := eng.SetSynchronousCommit(syncCommit); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cp, err := cpr.New(m, cpr.Options{Dir: dir, Workers: 2, Log: zerolog.Nop(), Extra: eng.CheckpointExtra})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cp.Close)
	eng.SetCheckpointer(sqlcpr.Adapt(cp))
	return serveEngine(t, eng), cp, dir
}

// newestManifest returns the manifest of the newest checkpoint in dir
// (nil if none): a full checkpoint's, or its chain's newest delta's.
func newestManifest(t *testing.T, dir string) *cpr.Manifest {
	t.Helper()
	snap, err := cpr.Load(cpr.OSFS{}, dir)
	if errors.Is(err, cpr.ErrNoCheckpoint) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return snap.Manifest
}

func pointOf(mf *cpr.Manifest, session string) uint64 {
	for _, p := range mf.Sessions {
		if p.Name == session {
			return p.Serial
		}
	}
	return 0
}

func showUint(t *testing.T, c *pgx.Conn, name string) uint64 {
	t.Helper()
	var v string
	if err := c.QueryRow(ctxT(t), "SHOW "+name).Scan(&v); err != nil {
		t.Fatalf("SHOW %s: %v", name, err)
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		t.Fatalf("SHOW %s = %q", name, v)
	}
	return n
}

func TestCheckpointStatementWritesManifest(t *testing.T) {
	ts, _, dir := startCheckpointed(t, "off")
	c := ts.connect(t, "")
	ctx := ctxT(t)
	if newestManifest(t, dir) != nil {
		t.Fatal("a manifest before any checkpoint")
	}
	if _, err := c.Exec(ctx, "CREATE TABLE t(a int PRIMARY KEY, b text); INSERT INTO t VALUES (1, 'x'), (2, 'y')"); err != nil {
		t.Fatal(err)
	}
	tag, err := c.Exec(ctx, "CHECKPOINT")
	if err != nil {
		t.Fatal(err)
	}
	if tag.String() != "CHECKPOINT" {
		t.Fatalf("tag %q", tag)
	}
	mf := newestManifest(t, dir)
	if mf == nil {
		t.Fatal("CHECKPOINT returned without a manifest on disk")
	}
	if len(mf.Extra) == 0 {
		t.Fatal("the manifest carries no SQL extra data")
	}
	var n int
	var kind, status string
	if err := c.QueryRow(ctx, "SELECT count(*) FROM persiandb_checkpoints").Scan(&n); err != nil || n != 1 {
		t.Fatalf("persiandb_checkpoints: %d rows, %v", n, err)
	}
	var id, cut, rows int64
	var segs int32
	if err := c.QueryRow(ctx, `SELECT id, kind, cut, "rows", segments, status FROM persiandb_checkpoints ORDER BY id`).Scan(&id, &kind, &cut, &rows, &segs, &status); err != nil {
		t.Fatal(err)
	}
	if uint64(id) != mf.ID || uint64(cut) != mf.Cut || kind != "full" || status != cpr.StatusOK || rows < 2 || int(segs) != len(mf.Segments) {
		t.Fatalf("row id=%d kind=%s cut=%d rows=%d segments=%d status=%s; manifest id=%d cut=%d segments=%d", id, kind, cut, rows, segs, status, mf.ID, mf.Cut, len(mf.Segments))
	}
}

func TestSynchronousCommitOverWire(t *testing.T) {
	ts, cp, dir := startCheckpointed(t, "on")
	c := ts.connect(t, "&persiandb.session=w1")
	ctx := ctxT(t)
	if _, err := c.Exec(ctx, "CREATE TABLE t(a int PRIMARY KEY)"); err != nil {
		t.Fatal(err)
	}
	// An autocommitted INSERT (extended protocol), a block, and a
	// pipelined batch (an implicit block ended by Sync): each returns only
	// once a manifest holds it.
	steps := []func() error{
		func() error { _, err := c.Exec(ctx, "INSERT INTO t VALUES ($1)", 1); return err },
		func() error {
			tx, err := c.Begin(ctx)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, "INSERT INTO t VALUES (2)"); err != nil {
				return err
			}
			return tx.Commit(ctx)
		},
		func() error {
			b := &pgx.Batch{}
			b.Queue("INSERT INTO t VALUES (3)")
			b.Queue("INSERT INTO t VALUES (4)")
			return c.SendBatch(ctx, b).Close()
		},
		func() error { _, err := c.Exec(ctx, "INSERT INTO t VALUES (5); INSERT INTO t VALUES (6)"); return err },
	}
	for i, step := range steps {
		if err := step(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		commit := showUint(t, c, "persiandb.commit_point")
		mf := newestManifest(t, dir)
		if mf == nil || pointOf(mf, "w1") < commit {
			t.Fatalf("step %d: commit point %d acknowledged, but the newest manifest holds %v", i, commit, mf)
		}
		if d := showUint(t, c, "persiandb.durable_point"); d != commit {
			t.Fatalf("step %d: durable point %d, commit point %d", i, d, commit)
		}
	}
	if got := showUint(t, c, "persiandb.commit_point"); got != 5 {
		t.Fatalf("commit point %d, want 5 (CREATE, INSERT, block, batch, multi-statement query)", got)
	}
	var name string
	if err := c.QueryRow(ctx, "SELECT current_setting('persiandb.session_name')").Scan(&name); err != nil || name != "w1" {
		t.Fatalf("session name %q, %v", name, err)
	}

	// Under off the commit returns at once; the next checkpoint holds it.
	if _, err := c.Exec(ctx, "SET synchronous_commit = off"); err != nil {
		t.Fatal(err)
	}
	before := cp.Durable()
	if _, err := c.Exec(ctx, "INSERT INTO t VALUES (7)"); err != nil {
		t.Fatal(err)
	}
	if cp.Durable() != before {
		t.Fatal("a commit under synchronous_commit = off took a checkpoint")
	}
	if d, p := showUint(t, c, "persiandb.durable_point"), showUint(t, c, "persiandb.commit_point"); d != 5 || p != 6 {
		t.Fatalf("durable point %d, commit point %d; want 5 and 6", d, p)
	}
	if _, err := c.Exec(ctx, "CHECKPOINT"); err != nil {
		t.Fatal(err)
	}
	if d := showUint(t, c, "persiandb.durable_point"); d != 6 {
		t.Fatalf("durable point %d after CHECKPOINT, want 6", d)
	}
}

// A commit whose wait fails reports 58030, never success; the transaction
// is committed in memory all the same.
func TestSynchronousCommitFailureOverWire(t *testing.T) {
	ts, cp, _ := startCheckpointed(t, "on")
	c := ts.connect(t, "")
	ctx := context.Background()
	if _, err := c.Exec(ctx, "CREATE TABLE t(a int PRIMARY KEY)"); err != nil {
		t.Fatal(err)
	}
	// A closed checkpointer fails every wait: the commit must say so.
	cp.Close()
	_, err := c.Exec(ctx, "INSERT INTO t VALUES (1)")
	if sqlstate(err) != "58030" {
		t.Fatalf("commit with a closed checkpointer: %v, want 58030", err)
	}
	var n int
	if err := c.QueryRow(ctx, "SELECT count(*) FROM t").Scan(&n); err != nil || n != 1 {
		t.Fatalf("%d rows after the failed wait (%v), want 1: the transaction committed in memory", n, err)
	}
}
