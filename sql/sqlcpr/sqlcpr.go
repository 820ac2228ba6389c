// Package sqlcpr connects a *cpr.Checkpointer to the SQL engine: it
// adapts it to sql.Checkpointer, the interface package sql declares so
// that it does not depend on cpr. The wiring is
//
//	eng, _ := sql.Open(m)
//	cp, _ := cpr.New(m, cpr.Options{Dir: dir, Extra: eng.CheckpointExtra})
//	eng.SetCheckpointer(sqlcpr.Adapt(cp))
//
// The adapter holds no state of its own; every call goes to cp.
package sqlcpr

import (
	"context"

	"github.com/persiandb/persiandb/cpr"
	"github.com/persiandb/persiandb/sql"
)

// Adapt returns cp as the SQL engine's checkpointer.
func Adapt(cp *cpr.Checkpointer) sql.Checkpointer { return adapter{cp} }

type adapter struct{ cp *cpr.Checkpointer }

var _ sql.Checkpointer = adapter{}

func (a adapter) Checkpoint(ctx context.Context) error {
	_, err := a.cp.Checkpoint(ctx)
	return err
}

func (a adapter) WaitDurable(ctx context.Context, ts uint64) error { return a.cp.WaitDurable(ctx, ts) }

func (a adapter) Durable() uint64 { return a.cp.Durable() }

// History converts cpr's attempts, oldest first.
func (a adapter) History() []sql.CheckpointInfo {
	return Rows(a.cp.History())
}

// Rows converts cpr.Info records (oldest first) to persiandb_checkpoints
// rows.
func Rows(hist []cpr.Info) []sql.CheckpointInfo {
	out := make([]sql.CheckpointInfo, len(hist))
	for i, h := range hist {
		out[i] = sql.CheckpointInfo{
			ID: h.ID, Chain: h.Chain, Full: h.Full, Version: h.Version, Cut: h.Cut,
			Started: h.Started, Finished: h.Finished,
			Prepare: h.Phases[cpr.Prepare], InProgress: h.Phases[cpr.InProgress], WaitFlush: h.Phases[cpr.WaitFlush],
			Rows: h.Rows, Bytes: h.Bytes, Workers: h.Workers, Segments: h.Segments, Status: h.Status, Err: h.Err,
		}
	}
	return out
}
