package sql

import (
	"context"
	"errors"
	"fmt"

	"github.com/persiandb/persiandb/sql/catalog"
	"github.com/persiandb/persiandb/sql/dialect"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/txn"
)

// truncate runs TRUNCATE [TABLE] [ONLY] a, b [RESTART IDENTITY |
// CONTINUE IDENTITY] [CASCADE | RESTRICT].
//
// Postgres swaps in empty storage under an exclusive lock. Here TRUNCATE
// deletes every row visible to the transaction, in the transaction: it
// commits and rolls back with it, other transactions keep seeing the rows
// until it commits, and a concurrent writer of one of the rows waits for
// it (or, under REPEATABLE READ, it fails with a serialization error).
// Rows another transaction inserts and commits after TRUNCATE's snapshot
// are not deleted, where Postgres's lock would have ordered that insert
// before or after the TRUNCATE. The cost is a version per row, not O(1).
//
// A table referenced by a foreign key of a table not truncated with it is
// refused (0A000) unless CASCADE, which truncates the referencing tables
// too. RESTART IDENTITY resets the sequences the tables' columns own,
// undone if the transaction rolls back.
func (s *Session) truncate(ctx context.Context, tx *txn.Txn, st *dialect.Stmt) (*Result, error) {
	res := &Result{Tag: "TRUNCATE TABLE"}
	var tables []*catalog.Table
	in := map[string]bool{}
	for _, on := range st.Tables {
		if err := checkSchema(on.Schema); err != nil {
			return nil, err
		}
		t, err := s.e.cat.LockTable(ctx, tx, on.Name)
		var wk *catalog.WrongKindError
		switch {
		case errors.As(err, &wk):
			return nil, pgerr.New(pgerr.WrongObjectType, "%q is not a table", on.Name)
		case err != nil:
			return nil, relationError(err)
		}
		if !in[t.Name] {
			in[t.Name] = true
			tables = append(tables, t)
		}
	}
	step(tx)
	for i := 0; i < len(tables); i++ {
		refs, err := s.e.cat.Referencing(tx, tables[i].Name)
		if err != nil {
			return nil, err
		}
		for _, c := range refs {
			if in[c.Name] {
				continue
			}
			if !st.Cascade {
				return nil, pgerr.New(pgerr.FeatureNotSupported, "cannot truncate a table referenced in a foreign key constraint").
					WithDetail("Table %q references %q.", c.Name, tables[i].Name).
					WithHint("Truncate table %q at the same time, or use TRUNCATE ... CASCADE.", c.Name)
			}
			lt, err := s.e.cat.LockTable(ctx, tx, c.Name)
			if err != nil {
				return nil, relationError(err)
			}
			in[c.Name] = true
			tables = append(tables, lt)
			res.Notices = append(res.Notices, pgerr.New(pgerr.SuccessfulCompletion, "%s", fmt.Sprintf("truncate cascades to table %q", c.Name)).WithSeverity(pgerr.SeverityNotice))
		}
	}
	for _, t := range tables {
		stor := s.e.cat.Storage(t)
		if stor == nil {
			return nil, pgerr.New(pgerr.UndefinedTable, "relation %q does not exist", t.Name)
		}
		a := &alter{s: s, ctx: ctx, tx: tx, t: t}
		err := a.eachKey(stor, func(key []byte) error {
			_, err := tx.Delete(ctx, stor, key, nil)
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	if st.Restart {
		seqs, err := s.e.cat.Sequences(tx)
		if err != nil {
			return nil, err
		}
		for _, seq := range seqs {
			if seq.OwnedBy != nil && in[seq.OwnedBy.Table] {
				if err := s.e.cat.RestartSequence(tx, seq); err != nil {
					return nil, relationError(err)
				}
			}
		}
	}
	return res, nil
}
