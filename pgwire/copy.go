package pgwire

import (
	"context"

	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/persiandb/persiandb/sql"
	"github.com/persiandb/persiandb/sql/pgerr"
)

// copyIn runs the COPY FROM STDIN sub-protocol: the client's CopyData
// chunks go to ci as they come; CopyDone finishes the load, CopyFail
// aborts it. On an error the load is abandoned at once; the copy messages
// the client still sends are dropped by the main loop, as Postgres does.
func (c *conn) copyIn(ctx context.Context, ci *sql.CopyIn) (*sql.Result, error) {
	format := int16(0)
	if ci.Binary() {
		format = 1
	}
	codes := make([]uint16, ci.NumColumns())
	for i := range codes {
		codes[i] = uint16(format)
	}
	c.be.Send(&pgproto3.CopyInResponse{OverallFormat: byte(format), ColumnFormatCodes: codes})
	if err := c.be.Flush(); err != nil {
		_ = ci.Fail("connection lost")
		return nil, err
	}
	for {
		msg, err := c.be.Receive()
		if err != nil {
			_ = ci.Fail("connection lost")
			return nil, &fatalError{fatalf(pgerr.ConnectionFailure, "unexpected EOF on client connection with an open transaction")}
		}
		switch m := msg.(type) {
		case *pgproto3.CopyData:
			if err := ci.Write(ctx, m.Data); err != nil {
				_ = ci.Fail(err.Error())
				return nil, err
			}
		case *pgproto3.CopyDone:
			return ci.Done(ctx)
		case *pgproto3.CopyFail:
			return nil, ci.Fail(m.Message)
		case *pgproto3.Flush, *pgproto3.Sync:
			// Ignored during COPY, as Postgres does.
		default:
			_ = ci.Fail("unexpected message")
			return nil, pgerr.New(pgerr.ProtocolViolation, "unexpected message type %T during COPY from stdin", msg)
		}
	}
}

// copyOut sends COPY TO STDOUT's data.
func (c *conn) copyOut(co *sql.CopyOut) {
	format := int16(0)
	if co.Binary {
		format = 1
	}
	codes := make([]uint16, co.NumColumns)
	for i := range codes {
		codes[i] = uint16(format)
	}
	c.be.Send(&pgproto3.CopyOutResponse{OverallFormat: byte(format), ColumnFormatCodes: codes})
	for i, d := range co.Data {
		c.be.Send(&pgproto3.CopyData{Data: d})
		if i%flushEvery == flushEvery-1 {
			_ = c.be.Flush()
		}
	}
	c.be.Send(&pgproto3.CopyDone{})
}
