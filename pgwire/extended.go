package pgwire

import (
	"context"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/persiandb/persiandb/sql"
	"github.com/persiandb/persiandb/sql/pgcodec"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/sql/planner"
	"github.com/persiandb/persiandb/storage"
)

// statement is a Parse'd statement.
type statement struct {
	p *sql.Prepared
}

// portal is a Bind'd statement: its parameters, result formats and, once
// executed, the rows not yet sent (a row limit suspends it).
type portal struct {
	stmt    *statement
	params  []storage.Value
	formats []int16
	result  *sql.Result
	sent    int
}

// extError reports an extended-protocol error and drops messages until
// Sync.
func (c *conn) extError(ctx context.Context, err error) error {
	c.syncing = true
	return c.sendError(ctx, err)
}

func (c *conn) parse(m *pgproto3.Parse) error {
	if m.Name != "" {
		if _, dup := c.stmts[m.Name]; dup {
			return c.extError(context.Background(), pgerr.New(pgerr.DuplicatePreparedStatement, "prepared statement %q already exists", m.Name))
		}
	}
	given := make([]planner.Type, len(m.ParameterOIDs))
	for i, oid := range m.ParameterOIDs {
		if oid == 0 {
			continue
		}
		t, ok := planner.TypeByOID(oid)
		if !ok {
			return c.extError(context.Background(), pgerr.New(pgerr.UndefinedObject, "type with OID %d does not exist", oid))
		}
		given[i] = t
	}
	ctx, done := c.statementContext()
	p, err := c.sess.Prepare(ctx, m.Name, m.Query, given)
	done()
	if err != nil {
		return c.extError(ctx, err)
	}
	c.stmts[m.Name] = &statement{p: p}
	c.be.Send(&pgproto3.ParseComplete{})
	return nil
}

func (c *conn) bind(m *pgproto3.Bind) error {
	st := c.stmts[m.PreparedStatement]
	if st == nil {
		return c.extError(context.Background(), pgerr.New(pgerr.InvalidSQLStatementName, "prepared statement %q does not exist", m.PreparedStatement))
	}
	if m.DestinationPortal != "" {
		if _, dup := c.portals[m.DestinationPortal]; dup {
			return c.extError(context.Background(), pgerr.New(pgerr.DuplicateCursor, "portal %q already exists", m.DestinationPortal))
		}
	}
	types := st.p.ParamTypes()
	if len(m.Parameters) != len(types) {
		return c.extError(context.Background(), pgerr.New(pgerr.ProtocolViolation, "bind message supplies %d parameters, but prepared statement %q requires %d", len(m.Parameters), m.PreparedStatement, len(types)))
	}
	if err := checkFormats(m.ParameterFormatCodes, len(types), "parameter"); err != nil {
		return c.extError(context.Background(), err)
	}
	if err := checkFormats(m.ResultFormatCodes, len(st.p.Columns), "result"); err != nil {
		return c.extError(context.Background(), err)
	}
	for i, col := range st.p.Columns {
		if format(m.ResultFormatCodes, i) == pgcodec.Binary && !pgcodec.BinaryOK(col.Type.OID()) {
			return c.extError(context.Background(), pgerr.New(pgerr.FeatureNotSupported, "binary output of type %s is not supported", col.Type.Typname()))
		}
	}
	params := make([]storage.Value, len(types))
	for i, raw := range m.Parameters {
		if raw == nil {
			continue // storage.Value's zero value is NULL
		}
		var v storage.Value
		var err error
		if format(m.ParameterFormatCodes, i) == pgcodec.Binary {
			v, err = pgcodec.DecodeBinary(raw, types[i])
			if err != nil && pgerr.CodeOf(err) == pgerr.InvalidBinaryRepresentation {
				err = pgerr.New(pgerr.InvalidBinaryRepresentation, "incorrect binary data format in bind parameter %d", i+1)
			}
		} else {
			v, err = pgcodec.DecodeText(c.sess.ValueContext(), raw, types[i])
		}
		if err != nil {
			return c.extError(context.Background(), err)
		}
		params[i] = v
	}
	c.portals[m.DestinationPortal] = &portal{stmt: st, params: params, formats: m.ResultFormatCodes}
	c.be.Send(&pgproto3.BindComplete{})
	return nil
}

func (c *conn) describe(m *pgproto3.Describe) error {
	if m.ObjectType == 'S' {
		st := c.stmts[m.Name]
		if st == nil {
			return c.extError(context.Background(), pgerr.New(pgerr.InvalidSQLStatementName, "prepared statement %q does not exist", m.Name))
		}
		types := st.p.ParamTypes()
		oids := make([]uint32, len(types))
		for i, t := range types {
			oids[i] = t.OID()
		}
		c.be.Send(&pgproto3.ParameterDescription{ParameterOIDs: oids})
		c.describeRows(st.p.Columns, nil)
		return nil
	}
	pt := c.portals[m.Name]
	if pt == nil {
		return c.extError(context.Background(), pgerr.New(pgerr.InvalidCursorName, "portal %q does not exist", m.Name))
	}
	c.describeRows(pt.stmt.p.Columns, pt.formats)
	return nil
}

func (c *conn) describeRows(cols []planner.ResultColumn, formats []int16) {
	if cols == nil {
		c.be.Send(&pgproto3.NoData{})
		return
	}
	c.be.Send(c.rowDescription(cols, formats))
}

func (c *conn) execute(m *pgproto3.Execute) error {
	pt := c.portals[m.Portal]
	if pt == nil {
		return c.extError(context.Background(), pgerr.New(pgerr.InvalidCursorName, "portal %q does not exist", m.Portal))
	}
	if pt.result == nil {
		if !c.pipeline {
			c.pipeline = true
			c.sess.BeginImplicit()
		}
		ctx, done := c.statementContext()
		r, err := c.sess.ExecPrepared(ctx, pt.stmt.p, pt.params)
		if err == nil && r.CopyIn != nil {
			r, err = c.copyIn(ctx, r.CopyIn)
		}
		done()
		if err != nil {
			return c.extError(ctx, err)
		}
		pt.result = r
		c.sendNotices(r)
		if r.CopyOut != nil {
			c.copyOut(r.CopyOut)
		}
	}
	r := pt.result
	if r.Columns != nil && r.CopyOut == nil {
		rows := r.Rows[pt.sent:]
		limited := m.MaxRows > 0 && uint32(len(rows)) >= m.MaxRows
		if limited {
			rows = rows[:m.MaxRows]
		}
		for i, row := range rows {
			c.sendRow(r.Columns, row, pt.formats)
			if i%flushEvery == flushEvery-1 {
				_ = c.be.Flush()
			}
		}
		pt.sent += len(rows)
		if limited {
			// Postgres suspends whenever the limit is reached, even on
			// the last row; the next Execute then completes with 0.
			c.be.Send(&pgproto3.PortalSuspended{})
			return nil
		}
		if strings.HasPrefix(r.Tag, "SELECT ") {
			// A fetch reports the rows of this Execute only.
			c.be.Send(&pgproto3.CommandComplete{CommandTag: strconv.AppendInt([]byte("SELECT "), int64(len(rows)), 10)})
			pt.result, pt.sent = &sql.Result{Tag: "SELECT 0", Columns: r.Columns}, 0
			return nil
		}
	}
	if r.Tag == "" && r.Columns == nil && r.CopyOut == nil {
		c.be.Send(&pgproto3.EmptyQueryResponse{})
		return nil
	}
	c.be.Send(&pgproto3.CommandComplete{CommandTag: []byte(r.Tag)})
	// A finished portal keeps only its tag: a repeated Execute gets the
	// same completion without rows, and the rows can be collected.
	pt.result, pt.sent = &sql.Result{Tag: r.Tag}, 0
	return nil
}

func (c *conn) closeObject(m *pgproto3.Close) {
	if m.ObjectType == 'S' {
		if st := c.stmts[m.Name]; st != nil {
			delete(c.stmts, m.Name)
			for name, pt := range c.portals {
				if pt.stmt == st {
					delete(c.portals, name)
				}
			}
		}
	} else {
		delete(c.portals, m.Name)
	}
	c.be.Send(&pgproto3.CloseComplete{})
}

func (c *conn) sync() error {
	failed := c.syncing
	c.syncing = false
	if c.pipeline {
		c.pipeline = false
		// The commit may wait for a durable checkpoint: cancelable, and
		// under statement_timeout.
		ctx, done := c.statementContext()
		err := c.sess.EndImplicit(ctx, !failed)
		done()
		if err != nil {
			if err := c.sendError(ctx, err); err != nil {
				return err
			}
		}
	}
	if c.sess.Status() == 'I' {
		// Portals live until their transaction ends.
		clear(c.portals)
	}
	return c.readyForQuery()
}
