package sql

import (
	"context"

	"github.com/persiandb/persiandb/sql/pgerr"
)

// BeginImplicit starts an implicit transaction block: until EndImplicit,
// statements outside an explicit block share one transaction, so that a
// multi-statement simple query or an extended-protocol pipeline up to Sync
// commits or fails as a whole, as Postgres runs them. BEGIN inside turns
// the block explicit; COMMIT or ROLLBACK inside end it early.
func (s *Session) BeginImplicit() {
	if s.tx == nil {
		s.implicit = true
	}
}

// EndImplicit ends an implicit block: ok commits its transaction, !ok (an
// error was reported) rolls it back. It returns the commit's error, or
// that of the wait for durability under synchronous_commit (bounded by
// ctx), after which the transaction is committed nonetheless.
func (s *Session) EndImplicit(ctx context.Context, ok bool) error {
	s.implicit = false
	if !s.implicitTx {
		return nil
	}
	tx, failed := s.tx, s.failed
	s.tx, s.failed, s.implicitTx = nil, false, false
	defer s.endDDL()
	if !ok || failed {
		tx.Rollback()
		s.endSettings(false)
		return nil
	}
	sync := s.syncCommit()
	err := tx.Commit()
	s.endSettings(err == nil)
	if err == nil {
		err = s.awaitDurable(ctx, tx, sync)
	}
	if err != nil {
		return pgerr.Flatten(err)
	}
	return nil
}
