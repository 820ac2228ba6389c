package sql

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/persiandb/persiandb/sql/catalog"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/sql/plan"
	"github.com/persiandb/persiandb/sql/planner"
	"github.com/persiandb/persiandb/sql/syscat"
	"github.com/persiandb/persiandb/storage"
	"github.com/persiandb/persiandb/txn"
)

// Durability: what SQL sees of checkpoints (DESIGN.md, "Durability
// contract").
//
//  1. CHECKPOINT runs Checkpointer.Checkpoint and returns its tag only
//     after the checkpoint's manifest is durable. Without a checkpointer
//     (an in-process engine, most tests) it succeeds and does nothing, and
//     it is allowed inside a transaction block, as in Postgres.
//  2. Under synchronous_commit = on, the commit of a transaction that
//     wrote (Serial() != 0) returns only after WaitDurable(CommitTS()):
//     explicit COMMIT, an autocommitted statement (inTxn), the end of an
//     implicit block (EndImplicit) and COPY's own transaction. Read-only
//     commits never wait. The value in force at commit is the one that
//     counts (a SET LOCAL synchronous_commit inside the block applies).
//  3. A failed or canceled wait is reported as an error, never as
//     success; the transaction is nevertheless committed in memory (its
//     writes are visible to everyone) and only its survival of a crash is
//     in doubt, which the error's DETAIL says. This mirrors Postgres's
//     synchronous replication, where a canceled wait leaves the commit
//     local.
//  4. The session's commit points are readable: persiandb.commit_point is
//     its last committed writing serial, persiandb.durable_point the last
//     one a durable checkpoint holds (txn.Session.PointBefore of the
//     checkpointer's Durable cut), persiandb.session_name the name it
//     started with (the persiandb.session start-up parameter).
//  5. The system view persiandb_checkpoints lists the checkpointer's
//     History; its rows are read when the statement runs (plan.Virtual),
//     so a cached plan never shows stale rows.

// Checkpointer is what the engine needs of the checkpointer (package
// cpr). It is declared here, where it is used, so that sql does not
// depend on cpr's concrete type; sql/sqlcpr adapts a *cpr.Checkpointer.
// Its methods are called from many sessions at once.
type Checkpointer interface {
	// Checkpoint takes a checkpoint and returns once its manifest is
	// durable.
	Checkpoint(ctx context.Context) error
	// WaitDurable returns nil once a checkpoint whose cut is above ts is
	// durable, triggering one if needed (group commit), and an error if
	// that checkpoint failed or ctx ended first.
	WaitDurable(ctx context.Context, ts uint64) error
	// Durable is the cut of the newest durable checkpoint (0: none).
	Durable() uint64
	// History lists the checkpoints the checkpointer remembers.
	History() []CheckpointInfo
}

// CheckpointInfo is one row of persiandb_checkpoints.
type CheckpointInfo struct {
	ID uint64
	// Chain is the ID of the full checkpoint the chain of this one
	// starts with (its own ID for a full checkpoint).
	Chain   uint64
	Full    bool
	Version uint64
	// Cut is C: the checkpoint holds the transactions with commit
	// timestamp < Cut.
	Cut                            uint64
	Started, Finished              time.Time
	Prepare, InProgress, WaitFlush time.Duration
	Rows, Bytes                    int64
	Workers, Segments              int
	// Status is the checkpointer's word for the outcome ("done",
	// "failed", a phase name while running); Err the failure's reason.
	Status, Err string
}

// SetCheckpointer makes the engine's commits and CHECKPOINT use cp. Call
// it before the first session opens; the engine reads it without a lock.
func (e *Engine) SetCheckpointer(cp Checkpointer) { e.cp = cp }

// SetSynchronousCommit sets the server's default synchronous_commit (on,
// off, local, remote_write or remote_apply), which sessions opened later
// start with and RESET returns to. Call it before the first session
// opens.
func (e *Engine) SetSynchronousCommit(v string) error {
	c, err := checkSyncCommit(v)
	if err != nil {
		return err
	}
	e.syncCommit = c
	return nil
}

// checkSyncCommit accepts synchronous_commit's values as Postgres does:
// its enum names, and the Boolean spellings of on and off. local,
// remote_write and remote_apply keep their names (SHOW prints them) and
// act as on: there are no standbys, so each means "wait for the local
// durable checkpoint".
func checkSyncCommit(v string) (string, error) {
	switch l := strings.ToLower(strings.TrimSpace(v)); l {
	case "local", "remote_write", "remote_apply":
		return l, nil
	}
	if b, err := checkBool(v); err == nil {
		return b, nil
	}
	return "", pgerr.New(pgerr.InvalidParameterValue, "invalid value for parameter \"synchronous_commit\": %q", v).
		WithHint("Available values: local, remote_write, remote_apply, on, off.")
}

// syncCommit reports whether commits wait for a durable checkpoint now.
func (s *Session) syncCommit() bool {
	if s.e.cp == nil {
		return false
	}
	v, _ := s.settings.get("synchronous_commit")
	return v != "off"
}

// ErrNotDurable marks (errors.Is) the error of a commit whose wait for a
// durable checkpoint failed (58030) or was canceled (57014): the
// transaction is committed in memory, only its survival of a crash is in
// doubt.
var ErrNotDurable = errors.New("sql: the commit was not made durable")

// awaitDurable is the wait of a committed transaction under
// synchronous_commit = on (sync is the setting read at commit). It
// returns nil at once for a read-only transaction.
func (s *Session) awaitDurable(ctx context.Context, tx *txn.Txn, sync bool) error {
	if !sync || tx.Serial() == 0 {
		return nil
	}
	err := s.e.cp.WaitDurable(ctx, tx.CommitTS())
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return pgerr.Wrap(ErrNotDurable, pgerr.QueryCanceled, "canceling wait for a durable checkpoint due to user request").(*pgerr.Error).
			WithDetail("The transaction has already committed locally, but might not have been made durable.")
	}
	return pgerr.Wrap(fmt.Errorf("%w: %w", ErrNotDurable, err), pgerr.IOError, "could not make the commit durable: %v", err).(*pgerr.Error).
		WithDetail("The transaction has committed in memory and its changes are visible, but they might be lost in a crash.")
}

// commitTxn commits tx and, under synchronous_commit = on, waits until it
// is durable. An error of the wait (58030, 57014) comes after a
// successful commit: the transaction is committed all the same.
func (s *Session) commitTxn(ctx context.Context, tx *txn.Txn) error {
	if err := tx.Commit(); err != nil {
		return err
	}
	return s.awaitDurable(ctx, tx, s.syncCommit())
}

// checkpoint runs CHECKPOINT.
func (s *Session) checkpoint(ctx context.Context) (*Result, error) {
	if cp := s.e.cp; cp != nil {
		if err := cp.Checkpoint(ctx); err != nil {
			if ctx.Err() != nil {
				return nil, pgerr.FromTxn(txn.ErrCanceled)
			}
			return nil, pgerr.Wrap(err, pgerr.IOError, "checkpoint failed: %v", err)
		}
	}
	return &Result{Tag: "CHECKPOINT"}, nil
}

// Session parameters computed at each read, not stored in settings (their
// entries there only make them known to SHOW ALL and read-only to SET).
const (
	paramCommitPoint  = "persiandb.commit_point"
	paramDurablePoint = "persiandb.durable_point"
	paramSessionName  = "persiandb.session_name"
)

// liveSetting returns the value of a parameter that is computed rather
// than stored; ok is false for the others.
func (s *Session) liveSetting(name string) (v string, ok bool) {
	switch name {
	case "transaction_isolation":
		return s.isolationName(), true
	case "transaction_read_only":
		return s.readOnlyName(), true
	case paramCommitPoint:
		return strconv.FormatUint(s.ts.CommitPoint(), 10), true
	case paramDurablePoint:
		return strconv.FormatUint(s.DurablePoint(), 10), true
	}
	return "", false
}

// DurablePoint is the serial of the session's last writing transaction
// that a durable checkpoint holds (0 without a checkpointer). A newer
// checkpoint may trim the session's history between the two reads; the
// point then comes out at most as high as that newer, also durable,
// checkpoint's, so it is never one that is not durable.
func (s *Session) DurablePoint() uint64 {
	cp := s.e.cp
	if cp == nil {
		return 0
	}
	cut := cp.Durable()
	if cut == 0 {
		return 0
	}
	return s.ts.PointBefore(cut)
}

// CommitPoint is the serial of the session's last committed writing
// transaction.
func (s *Session) CommitPoint() uint64 { return s.ts.CommitPoint() }

// virtualTables are the system views whose rows the engine computes when
// a statement reads them (plan.Virtual), by name.
var virtualTables = map[string]virtualTable{
	"persiandb_checkpoints": {
		cols: []plan.Column{
			{Name: "id", Type: storage.TypeInt64}, {Name: "chain", Type: storage.TypeInt64},
			{Name: "kind", Type: storage.TypeText}, {Name: "version", Type: storage.TypeInt64},
			{Name: "cut", Type: storage.TypeInt64},
			{Name: "started", Type: storage.TypeTimestampTZ}, {Name: "finished", Type: storage.TypeTimestampTZ},
			{Name: "prepare_ms", Type: storage.TypeFloat64}, {Name: "in_progress_ms", Type: storage.TypeFloat64},
			{Name: "wait_flush_ms", Type: storage.TypeFloat64},
			{Name: "rows", Type: storage.TypeInt64}, {Name: "bytes", Type: storage.TypeInt64},
			{Name: "workers", Type: storage.TypeInt32}, {Name: "segments", Type: storage.TypeInt32},
			{Name: "status", Type: storage.TypeText},
			{Name: "error", Type: storage.TypeText},
		},
		rows: checkpointRows,
	},
}

type virtualTable struct {
	cols []plan.Column
	rows func(*Engine) ([][]storage.Value, error)
}

// virtualColumns is the planner's Planner.Virtual: the engine's own
// views and the system catalogs (sql/syscat).
func virtualColumns(name string) []planner.VirtualColumn {
	vt, ok := virtualTables[name]
	if name == "pg_settings" {
		return pgSettingsColumns
	}
	if !ok {
		return syscat.Columns(name)
	}
	out := make([]planner.VirtualColumn, len(vt.cols))
	for i, c := range vt.cols {
		out[i] = planner.VirtualColumn{Name: c.Name, Type: planner.TypeOf(c.Type)}
	}
	return out
}

// virtualRows is the executor's exec.Context.Virtual (as the session's
// func value, made once). The system catalogs are read through the
// statement's transaction.
func (s *Session) virtualRows(tx *txn.Txn, name string) ([][]storage.Value, error) {
	vt, ok := virtualTables[name]
	if name == "pg_settings" {
		return s.settingsRows(), nil
	}
	if !ok {
		if syscat.Columns(name) == nil {
			return nil, pgerr.New(pgerr.InternalError, "no system view %q", name)
		}
		snap, err := s.catalogSnapshot(tx)
		if err != nil {
			return nil, err
		}
		return syscat.Rows(snap, name)
	}
	return vt.rows(s.e)
}

// catalogSnapshot is the catalog as tx sees it, for the system views and
// the catalog functions. psql's queries call a catalog function per row
// (pg_get_userbyid) and read views in correlated subqueries, so the
// snapshot is kept for the rest of the statement: every statement starts
// without one (forgetCatalogSnapshot), and within a statement it is
// reloaded if the transaction or the engine version (which every DDL
// statement changes) is not the one it was loaded for.
func (s *Session) catalogSnapshot(tx *txn.Txn) (*syscat.Snapshot, error) {
	if tx == nil {
		// Only a statement reads the catalog, and every statement is
		// planned and run in a transaction.
		return nil, pgerr.New(pgerr.InternalError, "catalog read outside a transaction")
	}
	v := s.e.version.Load()
	if c := &s.catSnap; c.snap != nil && c.tx == tx && c.version == v {
		return c.snap, nil
	}
	snap, err := syscat.Load(s.e.cat, tx)
	if err != nil {
		return nil, err
	}
	s.catSnap.tx, s.catSnap.version, s.catSnap.snap = tx, v, snap
	return snap, nil
}

// forgetCatalogSnapshot drops the kept snapshot: a statement must see the
// catalog as its own transaction snapshot has it (roles, for one, change
// without a DDL statement).
func (s *Session) forgetCatalogSnapshot() { s.catSnap.snap = nil }

// pgEpochUnix is 2000-01-01 00:00:00 UTC, timestamptz's zero, in Unix
// seconds.
const pgEpochUnix = 946684800

// checkpointRows are persiandb_checkpoints' rows, by id. Cut is below
// 2^63 (versions have 23 bits), so int8 holds it.
func checkpointRows(e *Engine) ([][]storage.Value, error) {
	if e.cp == nil {
		return nil, nil
	}
	hist := e.cp.History()
	sort.SliceStable(hist, func(i, j int) bool { return hist[i].ID < hist[j].ID })
	out := make([][]storage.Value, 0, len(hist))
	ms := func(d time.Duration) storage.Value { return storage.Float64(float64(d) / float64(time.Millisecond)) }
	ts := func(t time.Time) storage.Value {
		if t.IsZero() {
			return storage.Null()
		}
		return storage.TimestampTZ((t.Unix()-pgEpochUnix)*1e6 + int64(t.Nanosecond()/1000))
	}
	for _, h := range hist {
		kind := "delta"
		if h.Full {
			kind = "full"
		}
		msg := storage.Null()
		if h.Err != "" {
			msg = storage.Text(h.Err)
		}
		out = append(out, []storage.Value{storage.Int64(int64(h.ID)), storage.Int64(int64(h.Chain)),
			storage.Text(kind), storage.Int64(int64(h.Version)), storage.Int64(int64(h.Cut)),
			ts(h.Started), ts(h.Finished), ms(h.Prepare), ms(h.InProgress), ms(h.WaitFlush),
			storage.Int64(h.Rows), storage.Int64(h.Bytes), storage.Int32(int32(h.Workers)),
			storage.Int32(int32(h.Segments)), storage.Text(h.Status), msg})
	}
	return out, nil
}

// checkpointExtra is the engine state a checkpoint carries besides the
// rows (cpr.Options.Extra), as JSON so that later versions can add
// fields: the sequence counters, which live outside the log.
type checkpointExtra struct {
	Format    int             `json:"format"`
	Sequences []sequenceExtra `json:"sequences"`
}

type sequenceExtra struct {
	ID     uint32 `json:"id"`
	Value  int64  `json:"value"`
	Called bool   `json:"called"`
}

const checkpointExtraFormat = 1

// errExtraFormat marks checkpoint extra data this version cannot read.
var errExtraFormat = errors.New("sql: unknown checkpoint extra format")

// CheckpointExtra serializes the state a checkpoint must carry besides
// the rows (the sequence counters): the checkpointer's Extra hook. It is
// safe to call from the checkpointer's goroutine while sessions run.
func (e *Engine) CheckpointExtra() ([]byte, error) {
	states := e.cat.SequenceStates()
	x := checkpointExtra{Format: checkpointExtraFormat, Sequences: make([]sequenceExtra, 0, len(states))}
	for id, st := range states {
		x.Sequences = append(x.Sequences, sequenceExtra{ID: id, Value: st.Value, Called: st.Called})
	}
	sort.Slice(x.Sequences, func(i, j int) bool { return x.Sequences[i].ID < x.Sequences[j].ID })
	return json.Marshal(x)
}

// DroppedTables is the checkpointer's Dropped hook: the tables dropped
// below cut whose storage still exists, so that the checkpoint leaves
// their rows out (as after pgbench -i's ALTER TABLE ... ADD PRIMARY KEY,
// which rebuilds the table). It also releases the storage of relations
// dropped below the GC horizon, which otherwise waits for the next DDL
// statement.
func (e *Engine) DroppedTables(cut uint64) []uint32 {
	ids := e.cat.DroppedBefore(cut)
	e.cat.Reap()
	return ids
}

// RestoreCheckpointExtra puts back what CheckpointExtra saved, for
// recovery (package recovery calls it after sql.Open).
func (e *Engine) RestoreCheckpointExtra(b []byte) error {
	var x checkpointExtra
	if err := json.Unmarshal(b, &x); err != nil {
		return fmt.Errorf("sql: reading checkpoint extra data: %w", err)
	}
	if x.Format != checkpointExtraFormat {
		return fmt.Errorf("%w %d", errExtraFormat, x.Format)
	}
	for _, sq := range x.Sequences {
		e.cat.SetSequenceState(sq.ID, catalog.SequenceState{Value: sq.Value, Called: sq.Called})
	}
	return nil
}
