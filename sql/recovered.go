package sql

import (
	"fmt"

	"github.com/persiandb/persiandb/storage"
	"github.com/persiandb/persiandb/txn"
)

// What recovery (package recovery) restores in the engine besides the
// rows and the sequence counters (RestoreCheckpointExtra):
//
//  1. Session commit points. A checkpoint records each named session's
//     commit point; SetRecoveredPoints hands them to the engine, and a
//     session opened under such a name continues its commit counter from
//     the recovered point (txn.Session.SetSerial), so SHOW
//     persiandb.commit_point shows it and the next writing transaction
//     gets the next serial. If a session of that name already committed
//     in this run, the higher point wins.
//  2. Row ids. Tables without a primary key number their rows from one
//     engine-wide counter (Engine.rowID), which a restart would start
//     over; RestoreRowIDs moves it past every recovered row id.
//
// Both are called after sql.Open and before the first session opens.

// SetRecoveredPoints sets the commit points, by session name, that
// sessions opened later continue from. Call it before the first session
// opens; the map is not modified afterwards.
func (e *Engine) SetRecoveredPoints(points map[string]uint64) { e.recovered = points }

// restorePoint continues a named session's commit counter: from its
// name's recovered point, or from the point an earlier session of that
// name reached in this run (a reconnect), whichever is higher. A name is
// meant for one connection at a time; two at once would number their
// commits independently.
func (e *Engine) restorePoint(ts *txn.Session) {
	name := ts.Name()
	if name == "" {
		return
	}
	p := e.recovered[name]
	e.m.Sessions(func(o *txn.Session) {
		if o != ts && o.Name() == name {
			p = max(p, o.CommitPoint())
		}
	})
	ts.SetSerial(p)
}

// ReserveTableIDs keeps table ids up to last from being given out again
// (recovery.Result.MaxTableID).
func (e *Engine) ReserveTableIDs(last uint32) { e.cat.ReserveIDs(last) }

// RestoreRowIDs moves the row-id counter of tables without a primary key
// past the largest row id any such table holds.
func (e *Engine) RestoreRowIDs() error {
	s := e.m.NewSession("")
	defer s.Close()
	tx := s.Begin(txn.TxnOptions{ReadOnly: true})
	defer tx.Rollback()
	tables, err := e.cat.Tables(tx)
	if err != nil {
		return err
	}
	var top int64
	for _, t := range tables {
		pk := t.PrimaryKey.Columns
		if len(pk) != 1 {
			continue
		}
		c := t.Columns[pk[0]]
		if !c.Hidden || c.Dropped || c.Name != rowIDColumn {
			continue
		}
		st := e.cat.Storage(t)
		if st == nil {
			continue
		}
		types := t.Types()
		var derr error
		err := tx.Scan(st, nil, nil, true, func(_, val []byte) bool {
			var v storage.Value
			if v, derr = storage.DecodeColumn(val, types, pk[0]); derr == nil && !v.IsNull() {
				top = max(top, v.AsInt64())
			}
			return false
		})
		if err == nil {
			err = derr
		}
		if err != nil {
			return fmt.Errorf("sql: reading the row ids of %q: %w", t.Name, err)
		}
	}
	for {
		cur := e.rowID.Load()
		if cur >= top || e.rowID.CompareAndSwap(cur, top) {
			return nil
		}
	}
}
