package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
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

// ckptDB is a database recovered from (and checkpointing into)
// dataDir/checkpoints, as the server runs it.
type ckptDB struct {
	res *recovery.Result
	eng *sql.Engine
	cp  *cpr.Checkpointer
	s   *sql.Session
}

func openCkptDB(t *testing.T, dataDir string, id uint64) *ckptDB {
	t.Helper()
	dir := filepath.Join(dataDir, "checkpoints")
	eng, res, err := sqlrecover.Open(dir, recovery.Options{ID: id, Log: zerolog.Nop()})
	if err != nil {
		t.Fatalf("sqlrecover.Open(id %d): %v", id, err)
	}
	if err := eng.SetSynchronousCommit("off"); err != nil {
		t.Fatal(err)
	}
	cp, err := cpr.New(res.Manager, cpr.Options{Dir: dir, Workers: 2, Log: zerolog.Nop(), Extra: eng.CheckpointExtra})
	if err != nil {
		t.Fatal(err)
	}
	eng.SetCheckpointer(sqlcpr.Adapt(cp))
	db := &ckptDB{res: res, eng: eng, cp: cp, s: eng.NewSession("app")}
	t.Cleanup(db.close)
	return db
}

func (db *ckptDB) close() {
	if db.cp == nil {
		return
	}
	db.s.Close()
	db.cp.Close()
	db.res.Manager.Close()
	db.cp = nil
}

func (db *ckptDB) exec(t *testing.T, q string) *sql.Result {
	t.Helper()
	rs, err := db.s.Exec(context.Background(), q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return rs[len(rs)-1]
}

func (db *ckptDB) one(t *testing.T, q string) string {
	t.Helper()
	r := db.exec(t, q)
	if len(r.Rows) != 1 || len(r.Rows[0]) != 1 {
		t.Fatalf("%s: %v, want one value", q, r.Rows)
	}
	return r.Rows[0][0].String()
}

// checkpointIDs takes a full checkpoint and two deltas and returns their
// ids: full, delta1, delta2 (the rows of t: 10, then 15, then 14).
func buildCheckpoints(t *testing.T, dataDir string) (full, d1, d2 uint64) {
	t.Helper()
	db := openCkptDB(t, dataDir, 0)
	db.exec(t, `CREATE TABLE t (id int PRIMARY KEY, v text); CREATE INDEX t_v ON t (v);
		CREATE TABLE u (a int, b text);
		INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 10) g;
		INSERT INTO u VALUES (1, 'x'), (2, 'y')`)
	ckpt := func(wantFull bool) uint64 {
		info, err := db.cp.Checkpoint(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if info.Full != wantFull {
			t.Fatalf("checkpoint %d full=%v, want %v", info.ID, info.Full, wantFull)
		}
		return info.ID
	}
	full = ckpt(true)
	db.exec(t, "INSERT INTO t SELECT g, 'w' || g FROM generate_series(11, 15) g")
	d1 = ckpt(false)
	db.exec(t, "DELETE FROM t WHERE id = 3; UPDATE u SET b = 'z' WHERE a = 1")
	d2 = ckpt(false)
	db.close()
	return full, d1, d2
}

func runCmd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	code = dispatch(args, &o, &e)
	return code, o.String(), e.String()
}

func TestCheckpointTools(t *testing.T) {
	dataDir := t.TempDir()
	full, d1, d2 := buildCheckpoints(t, dataDir)

	// list
	code, out, errOut := runCmd(t, "checkpoint", "list", "--data-dir", dataDir)
	if code != 0 {
		t.Fatalf("list: exit %d: %s", code, errOut)
	}
	t.Logf("list:\n%s", out)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], "CHAIN") {
		t.Fatalf("list: want a header and 3 checkpoints, got\n%s", out)
	}
	for i, want := range []struct {
		id   uint64
		kind string
	}{{full, "full"}, {d1, "delta"}, {d2, "delta"}} {
		f := strings.Fields(lines[i+1])
		if f[1] != uintStr(want.id) || f[2] != want.kind || f[len(f)-1] != "ok" {
			t.Errorf("list line %d: %q, want id %d kind %s status ok", i+1, lines[i+1], want.id, want.kind)
		}
	}

	// verify: the newest chain, then each id.
	code, out, errOut = runCmd(t, "checkpoint", "verify", "--data-dir", dataDir)
	if code != 0 || !strings.Contains(out, "checkpoint "+uintStr(d2)+" OK") || !strings.Contains(out, "2 tables recovered and their 16 rows") {
		t.Fatalf("verify: exit %d\nstdout %s\nstderr %s", code, out, errOut)
	}
	t.Logf("verify:\n%s", out)
	for _, id := range []uint64{full, d1, d2} {
		if code, out, errOut = runCmd(t, "checkpoint", "verify", "--data-dir", dataDir, "--id", uintStr(id)); code != 0 || !strings.Contains(out, "checkpoint "+uintStr(id)+" OK") {
			t.Fatalf("verify --id %d: exit %d\n%s%s", id, code, out, errOut)
		}
	}
	if code, _, errOut = runCmd(t, "checkpoint", "verify", "--data-dir", dataDir, "--id", uintStr(d2+100)); code != 1 || !strings.Contains(errOut, "no such checkpoint") {
		t.Fatalf("verify of an unknown id: exit %d, %s", code, errOut)
	}

	// inspect
	code, out, errOut = runCmd(t, "checkpoint", "inspect", "--data-dir", dataDir, "--id", uintStr(d1))
	if code != 0 {
		t.Fatalf("inspect: exit %d: %s", code, errOut)
	}
	t.Logf("inspect:\n%s", out)
	for _, want := range []string{"checkpoint " + uintStr(d1) + " (delta)", "chain:          " + uintStr(full) + " (1 deltas", "app ", "tables: 2, rows: 17"} {
		if !strings.Contains(out, want) {
			t.Errorf("inspect output lacks %q:\n%s", want, out)
		}
	}
	if !regexpLine(out, "t", "15") || !regexpLine(out, "u", "2") {
		t.Errorf("inspect: want t with 15 rows and u with 2:\n%s", out)
	}

	// usage errors
	if code, _, _ := runCmd(t, "checkpoint", "frobnicate"); code != 2 {
		t.Errorf("unknown subcommand: exit %d, want 2", code)
	}
}

func uintStr(v uint64) string { return strconv.FormatUint(v, 10) }

// regexpLine reports whether out has a table line "ID NAME ROWS ..."
// with the name and row count.
func regexpLine(out, name, rows string) bool {
	for _, l := range strings.Split(out, "\n") {
		if f := strings.Fields(l); len(f) >= 3 && f[1] == name && f[2] == rows {
			return true
		}
	}
	return false
}

// flipByte flips one byte of dir/name at offset off (negative: from
// the end).
func flipByte(t *testing.T, path string, off int) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if off < 0 {
		off += len(b)
	}
	b[off] ^= 0x40
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestCheckpointVerifyDamage(t *testing.T) {
	for _, tc := range []struct {
		name string
		file func(full uint64) string
		off  int
	}{
		{"segment record", func(id uint64) string { return cpr.SegmentName(id, 0) }, 64 + 22},
		{"manifest body", func(id uint64) string { return cpr.ManifestName(id) }, 20},
		{"delta log record", func(id uint64) string { return cpr.DeltaLogName(id) }, 64 + 1 + 22},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dataDir := t.TempDir()
			full, _, _ := buildCheckpoints(t, dataDir)
			name := tc.file(full)
			path := filepath.Join(dataDir, "checkpoints", name)
			flipByte(t, path, tc.off)
			code, out, errOut := runCmd(t, "checkpoint", "verify", "--data-dir", dataDir)
			t.Logf("verify: exit %d: %s", code, errOut)
			if code != 1 || !strings.Contains(errOut, name) || !strings.Contains(errOut, "DAMAGED") || out != "" {
				t.Fatalf("verify of a damaged %s: exit %d\nstdout %q\nstderr %s", name, code, out, errOut)
			}
			code, out, _ = runCmd(t, "checkpoint", "list", "--data-dir", dataDir)
			if code != 0 || !strings.Contains(out, "damaged: ") || !strings.Contains(out, name) {
				t.Fatalf("list of a damaged %s: exit %d\n%s", name, code, out)
			}
			t.Logf("list:\n%s", out)
		})
	}
}

// TestRecoverTo recovers older checkpoints of a chain (the full one
// alone, a delta with its predecessors), as serve --recover-to does, and
// checks that the checkpoints written afterwards are the ones recovered
// next time while the newer ones stay on disk.
func TestRecoverTo(t *testing.T) {
	dataDir := t.TempDir()
	full, d1, d2 := buildCheckpoints(t, dataDir)
	for _, tc := range []struct {
		id      uint64
		rows, u string
	}{{full, "10", "x"}, {d1, "15", "x"}, {d2, "14", "z"}} {
		db := openCkptDB(t, dataDir, tc.id)
		if db.res.Manifest.ID != tc.id {
			t.Fatalf("recovered %d, want %d", db.res.Manifest.ID, tc.id)
		}
		if got := db.one(t, "SELECT count(*) FROM t"); got != tc.rows {
			t.Errorf("recover-to %d: %s rows in t, want %s", tc.id, got, tc.rows)
		}
		if got := db.one(t, "SELECT b FROM u WHERE a = 1"); got != tc.u {
			t.Errorf("recover-to %d: u.b %s, want %s", tc.id, got, tc.u)
		}
		db.close()
	}
	if _, _, err := sqlrecover.Open(filepath.Join(dataDir, "checkpoints"), recovery.Options{ID: d2 + 1, Log: zerolog.Nop()}); err == nil || !strings.Contains(err.Error(), "no such checkpoint") {
		t.Fatalf("recovering an unknown id: %v", err)
	}

	// Recover to d1, write on, checkpoint: the new checkpoint's id is
	// above d2, and the next plain recovery picks it, not d2.
	db := openCkptDB(t, dataDir, d1)
	db.exec(t, "INSERT INTO t VALUES (100, 'after')")
	info, err := db.cp.Checkpoint(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if info.ID <= d2 || !info.Full {
		t.Fatalf("checkpoint after recover-to: id %d full %v, want a full one above %d", info.ID, info.Full, d2)
	}
	db.close()
	db = openCkptDB(t, dataDir, 0)
	if db.res.Manifest.ID != info.ID {
		t.Fatalf("next start recovered %d, want the new %d", db.res.Manifest.ID, info.ID)
	}
	if got := db.one(t, "SELECT count(*) FROM t"); got != "16" {
		t.Errorf("after recover-to %d and an insert: %s rows, want 16", d1, got)
	}
	if got := db.one(t, "SELECT count(*) FROM t WHERE id = 3"); got != "1" {
		t.Errorf("row 3 (deleted only in the abandoned delta %d) is gone", d2)
	}
	db.close()

	// The abandoned delta is still on disk (Keep 2 keeps the old chain).
	code, out, _ := runCmd(t, "checkpoint", "list", "--data-dir", dataDir)
	if code != 0 || !strings.Contains(out, " "+uintStr(d2)+" ") {
		t.Fatalf("list after recover-to: exit %d\n%s", code, out)
	}
	t.Logf("list after recover-to:\n%s", out)
}

func TestServeRecoverToFlag(t *testing.T) {
	if code := serve([]string{"--recover-to", "x"}); code != 2 {
		t.Fatalf("--recover-to x: exit %d, want 2", code)
	}
}
