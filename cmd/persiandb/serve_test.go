package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/persiandb/persiandb/cpr"
	"github.com/persiandb/persiandb/recovery"
	"github.com/rs/zerolog"
)

func TestServePortInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	f := serveFlags{listen: ln.Addr().String(), dataDir: t.TempDir(), authLocal: "trust", authRemote: "scram-sha-256", logLevel: "info"}
	err = run(f, zerolog.Nop(), nil, nil)
	if err == nil || !strings.Contains(err.Error(), "already in use") {
		t.Fatalf("want a clear address-in-use error, got %v", err)
	}
}

func TestServeDataDirLocked(t *testing.T) {
	dir := t.TempDir()
	unlock, err := openDataDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	if _, err := openDataDir(dir); err == nil || !strings.Contains(err.Error(), "in use by another server") {
		t.Fatalf("second open: %v", err)
	}
}

func TestServeFlagErrors(t *testing.T) {
	for _, args := range [][]string{
		{"--auth-remote", "trust"},
		{"--auth-local", "kerberos"},
		{"--tls-cert", "x.pem"},
		{"--log-level", "loud"},
		{"extra"},
	} {
		if code := serve(args); code == 0 {
			t.Errorf("serve %v: exit 0", args)
		}
	}
}

func TestServeCheckpointFlagErrors(t *testing.T) {
	for _, args := range [][]string{
		{"--checkpoint-interval", "-1s"},
		{"--checkpoint-workers", "0"},
		{"--checkpoint-keep", "0"},
		{"--synchronous-commit", "sometimes"},
		{"--recovery", "maybe"},
	} {
		if code := serve(args); code != 2 {
			t.Errorf("serve %v: exit %d, want 2", args, code)
		}
	}
}

// startServe runs the server in dir until the returned stop is called;
// stop returns run's error.
func startServe(t *testing.T, dir string) (addr net.Addr, stop func() error) {
	t.Helper()
	f := serveFlags{listen: "127.0.0.1:0", dataDir: dir, authLocal: "trust", authRemote: "scram-sha-256",
		grace: 5 * time.Second, checkpointInterval: time.Hour, checkpointWorkers: 2, checkpointKeep: 2, syncCommit: "off"}
	sigs := make(chan os.Signal, 1)
	ready := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() { done <- run(f, zerolog.Nop(), sigs, ready) }()
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("run: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("the server did not start")
	}
	return addr, func() error {
		sigs <- syscall.SIGTERM
		select {
		case err := <-done:
			return err
		case <-time.After(20 * time.Second):
			t.Fatal("the server did not stop")
			return nil
		}
	}
}

func manifests(t *testing.T, dir string) int {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if _, ok := cpr.ParseManifestName(e.Name()); ok {
			n++
		}
	}
	return n
}

// The server takes a final checkpoint at a clean shutdown and recovers
// from it at the next start.
func TestServeFinalCheckpoint(t *testing.T) {
	dir := t.TempDir()
	cpDir := filepath.Join(dir, "checkpoints")
	addr, stop := startServe(t, dir)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, fmt.Sprintf("postgres://postgres@%s/postgres?sslmode=disable&persiandb.session=app", addr))
	if err != nil {
		t.Fatal(err)
	}
	var sc string
	if err := c.QueryRow(ctx, "SHOW synchronous_commit").Scan(&sc); err != nil || sc != "off" {
		t.Fatalf("synchronous_commit %q (%v), want the flag's off", sc, err)
	}
	if _, err := c.Exec(ctx, "CREATE TABLE t(a int PRIMARY KEY); INSERT INTO t VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	if n := manifests(t, cpDir); n != 0 {
		t.Fatalf("%d manifests before shutdown under synchronous_commit = off", n)
	}
	var wantPoint string
	if err := c.QueryRow(ctx, "SHOW persiandb.commit_point").Scan(&wantPoint); err != nil || wantPoint == "0" {
		t.Fatalf("app's commit point %q (%v)", wantPoint, err)
	}
	c.Close(ctx)
	if err := stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}
	if n := manifests(t, cpDir); n != 1 {
		t.Fatalf("%d manifests after a clean shutdown, want 1 (the final checkpoint)", n)
	}

	// Second run: the data is back, the named session's commit point
	// too, and new commits and the final checkpoint continue.
	addr, stop = startServe(t, dir)
	c, err = pgx.Connect(ctx, fmt.Sprintf("postgres://postgres@%s/postgres?sslmode=disable&persiandb.session=app", addr))
	if err != nil {
		t.Fatal(err)
	}
	var a int
	if err := c.QueryRow(ctx, "SELECT a FROM t").Scan(&a); err != nil || a != 1 {
		t.Fatalf("after a restart: a = %d (%v), want 1", a, err)
	}
	var point string
	if err := c.QueryRow(ctx, "SHOW persiandb.commit_point").Scan(&point); err != nil || point != wantPoint {
		t.Fatalf("app's commit point after a restart %q (%v), want %s", point, err, wantPoint)
	}
	if _, err := c.Exec(ctx, "INSERT INTO t VALUES (2)"); err != nil {
		t.Fatal(err)
	}
	c.Close(ctx)
	if err := stop(); err != nil {
		t.Fatalf("second run: %v", err)
	}

	// Third run: both rows.
	addr, stop = startServe(t, dir)
	c, err = pgx.Connect(ctx, fmt.Sprintf("postgres://postgres@%s/postgres?sslmode=disable", addr))
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := c.QueryRow(ctx, "SELECT count(*) FROM t").Scan(&n); err != nil || n != 2 {
		t.Fatalf("after the second restart: %d rows (%v), want 2", n, err)
	}
	c.Close(ctx)
	if err := stop(); err != nil {
		t.Fatalf("third run: %v", err)
	}
	if aside, _ := filepath.Glob(cpDir + ".unrecovered-*"); len(aside) != 0 {
		t.Fatalf("checkpoints set aside: %v", aside)
	}
}

// TestLogRecovery: the start-up log line says which checkpoint was
// recovered, the rows per table, the bytes read, the time per phase and
// each session's recovered commit point.
func TestLogRecovery(t *testing.T) {
	var buf bytes.Buffer
	m := &cpr.Manifest{ID: 7, Version: 7, Cut: 8 << 40}
	rec := &recovery.Result{
		Manifest: m, Base: &cpr.Manifest{ID: 5}, Deltas: 2, Bytes: 12345,
		Tables:   []recovery.TableStats{{ID: 3, Name: "accounts", Rows: 10}},
		Sessions: map[string]uint64{"alice": 41, "bob": 7},
		ReadTime: time.Second, LoadTime: time.Millisecond, Total: 2 * time.Second,
	}
	logRecovery(zerolog.New(&buf), "dir", rec)
	var got map[string]any
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("%v: %s", err, buf.Bytes())
	}
	pts, _ := got["session_points"].(map[string]any)
	rows, _ := got["table_rows"].(map[string]any)
	if got["checkpoint"] != 7.0 || got["chain"] != 5.0 || got["version"] != 7.0 || got["bytes"] != 12345.0 ||
		rows["accounts"] != 10.0 || pts["alice"] != 41.0 || pts["bob"] != 7.0 || got["read"] == nil || got["load"] == nil {
		t.Fatalf("log line %s", buf.Bytes())
	}
}
