package pgwire

import (
	"context"

	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/persiandb/persiandb/sql"
)

// simpleQuery runs a Query message: every statement in turn, each with
// its own results, stopping at the first error. Several statements share
// one implicit transaction, as in Postgres.
func (c *conn) simpleQuery(q string) error {
	parts, err := sql.SplitWithOffsets(q)
	if err != nil {
		if err := c.sendError(context.Background(), err); err != nil {
			return err
		}
		return c.readyForQuery()
	}
	if len(parts) == 0 {
		c.be.Send(&pgproto3.EmptyQueryResponse{})
		return c.readyForQuery()
	}
	multi := len(parts) > 1
	if multi {
		// Postgres parses the whole string before running any of it.
		if err := c.sess.CheckSyntax(parts); err != nil {
			if err := c.sendError(context.Background(), err); err != nil {
				return err
			}
			return c.readyForQuery()
		}
		c.sess.BeginImplicit()
	}
	ok := true
	for _, part := range parts {
		ctx, done := c.statementContext()
		r, err := c.sess.ExecOne(ctx, part.Text)
		if err == nil && r.CopyIn != nil {
			r, err = c.copyIn(ctx, r.CopyIn)
		}
		done()
		if err != nil {
			err = sql.QueryPosition(err, part.Offset)
			ok = false
			if err := c.sendError(ctx, err); err != nil {
				if multi {
					_ = c.sess.EndImplicit(context.Background(), false)
				}
				return err
			}
			break
		}
		c.sendResult(r)
	}
	if multi {
		// The commit may wait for a durable checkpoint: it is part of the
		// query, cancelable and under statement_timeout.
		ctx, done := c.statementContext()
		err := c.sess.EndImplicit(ctx, ok)
		done()
		if err != nil {
			if err := c.sendError(ctx, err); err != nil {
				return err
			}
		}
	}
	return c.readyForQuery()
}

// sendResult sends a finished statement's notices, row description, rows
// (in text) and command tag, as the simple query protocol does.
func (c *conn) sendResult(r *sql.Result) {
	c.sendNotices(r)
	if r.CopyOut != nil {
		c.copyOut(r.CopyOut)
	} else if r.Columns != nil {
		c.be.Send(c.rowDescription(r.Columns, nil))
		for i, row := range r.Rows {
			c.sendRow(r.Columns, row, nil)
			if i%flushEvery == flushEvery-1 {
				_ = c.be.Flush()
			}
		}
	}
	if r.Tag == "" && r.Columns == nil && r.CopyOut == nil {
		c.be.Send(&pgproto3.EmptyQueryResponse{})
		return
	}
	c.be.Send(&pgproto3.CommandComplete{CommandTag: []byte(r.Tag)})
}
