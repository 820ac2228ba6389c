package pgwire

import (
	"context"
	"errors"
	"io"
	"net"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/persiandb/persiandb/sql"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/rs/zerolog"
)

// conn is one client connection after start-up.
type conn struct {
	srv  *Server
	nc   net.Conn
	be   *pgproto3.Backend
	log  zerolog.Logger
	sess *sql.Session

	pid, secret uint32
	role        string // counted in Server.perRole

	// mu guards the fields that CancelRequest and shutdown touch from
	// other goroutines.
	mu       sync.Mutex
	running  bool                    // a message is being processed
	stop     context.CancelCauseFunc // ends the running statement
	draining bool                    // shutdown asked: close when idle
	ready    bool                    // start-up done: the message loop runs
	// between is set from a ReadyForQuery outside a transaction block
	// until the next message: the only time Postgres sends a
	// notification on its own (notify.go).
	between bool

	stmts   map[string]*statement
	portals map[string]*portal
	// syncing is set after an error in the extended protocol: messages
	// are dropped until Sync.
	syncing bool
	// pipeline is set while an extended-protocol pipeline has run a
	// statement since the last Sync (its implicit block is open).
	pipeline bool

	// ctx is the statements' context while nothing has canceled it.
	ctx    context.Context
	cancel context.CancelCauseFunc

	row  [][]byte // DataRow scratch
	vbuf []byte   // encoded values of the current row
	offs []int    // value bounds in vbuf
}

// serve runs the message loop until the client terminates or the
// connection fails.
func (c *conn) serve() {
	for {
		if !c.idle() {
			return
		}
		msg, err := c.be.Receive()
		c.busy()
		if err != nil {
			if c.isDraining() {
				c.sendFatal(errAdminShutdown)
				return
			}
			c.receiveError(err)
			return
		}
		if done := c.handle(msg); done {
			return
		}
	}
}

// idle marks the connection as waiting for a message; it reports false
// when shutdown wants it closed.
func (c *conn) idle() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.running, c.ready = false, true
	if c.draining {
		c.sendFatal(errAdminShutdown)
		return false
	}
	c.deliverLocked()
	return true
}

func (c *conn) busy() {
	c.mu.Lock()
	c.running, c.between = true, false
	c.mu.Unlock()
}

func (c *conn) receiveError(err error) {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) {
		return
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return
	}
	// A malformed or oversized message: the stream can't be trusted.
	c.log.Warn().Err(err).Msg("protocol error")
	c.sendFatal(fatalf(pgerr.ProtocolViolation, "invalid message: %v", err))
}

func (c *conn) sendFatal(e *pgerr.Error) {
	c.be.Send(errorResponse(e))
	_ = c.be.Flush()
}

// handle answers one message; it reports whether the session ends.
func (c *conn) handle(msg pgproto3.FrontendMessage) bool {
	if c.syncing {
		switch msg.(type) {
		case *pgproto3.Sync:
		case *pgproto3.Terminate:
			return true
		default:
			return false
		}
	}
	var err error
	switch m := msg.(type) {
	case *pgproto3.Query:
		err = c.simpleQuery(m.String)
	case *pgproto3.Parse:
		err = c.parse(m)
	case *pgproto3.Bind:
		err = c.bind(m)
	case *pgproto3.Describe:
		err = c.describe(m)
	case *pgproto3.Execute:
		err = c.execute(m)
	case *pgproto3.Close:
		c.closeObject(m)
	case *pgproto3.Sync:
		err = c.sync()
	case *pgproto3.Flush:
		err = c.be.Flush()
	case *pgproto3.Terminate:
		return true
	case *pgproto3.CopyData, *pgproto3.CopyDone, *pgproto3.CopyFail:
		// Stray copy messages after a failed COPY are ignored, as
		// Postgres does.
	default:
		c.sendFatal(fatalf(pgerr.ProtocolViolation, "invalid frontend message type %T", msg))
		return true
	}
	if err != nil {
		var fe *fatalError
		if errors.As(err, &fe) {
			c.sendFatal(fe.e)
			return true
		}
		if isNetError(err) {
			return true
		}
		c.sendFatal(fatalf(pgerr.InternalError, "%v", err))
		return true
	}
	return false
}

// fatalError ends the session after its message is sent.
type fatalError struct{ e *pgerr.Error }

func (f *fatalError) Error() string { return f.e.Message }

func isNetError(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, net.ErrClosed) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrClosedPipe)
}

// statementContext starts a statement: its context ends on cancel, on
// statement_timeout or at shutdown. The returned func ends the statement.
// The context is reused until something cancels it, so a statement costs
// no allocation unless it has a timeout.
func (c *conn) statementContext() (context.Context, func()) {
	if c.ctx == nil || c.ctx.Err() != nil {
		c.ctx, c.cancel = context.WithCancelCause(context.Background())
	}
	ctx, cancel := c.ctx, c.cancel
	var timer *time.Timer
	if d := c.sess.StatementTimeout(); d > 0 {
		timer = time.AfterFunc(d, func() { cancel(errTimeout) })
	}
	c.mu.Lock()
	c.stop = cancel
	c.mu.Unlock()
	if timer == nil {
		return ctx, c.endStatement
	}
	return ctx, func() {
		timer.Stop()
		c.endStatement()
	}
}

func (c *conn) endStatement() {
	c.mu.Lock()
	c.stop = nil
	c.mu.Unlock()
}

// cancelRunning ends the running statement, if any.
func (c *conn) cancelRunning(cause error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stop != nil {
		c.stop(cause)
	}
}

// shutdown ends the connection now if it is idle or still starting, or
// after the message it is processing. Only the connection's goroutine
// writes to it: shutdown wakes a blocked read with a past deadline, and
// the goroutine sends the 57P01 itself.
func (c *conn) shutdown() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.draining = true
	if !c.ready || !c.running {
		_ = c.nc.SetReadDeadline(time.Now())
	}
}

func (c *conn) isDraining() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.draining
}

// sendResultError reports a statement's error, naming the cancel cause.
func (c *conn) sendError(ctx context.Context, err error) error {
	err = canceledError(err, context.Cause(ctx))
	if e := pgerr.As(err); e != nil && e.Severity == pgerr.SeverityFatal {
		return &fatalError{e}
	}
	c.be.Send(errorResponse(err))
	return nil
}

// readyForQuery ends a simple query or a Sync.
func (c *conn) readyForQuery() error {
	c.sendParamChanges()
	st := c.sess.Status()
	if st == 'I' {
		c.sendNotifications()
	}
	c.mu.Lock()
	c.between = st == 'I'
	c.mu.Unlock()
	c.be.Send(&pgproto3.ReadyForQuery{TxStatus: st})
	return c.be.Flush()
}

func (c *conn) sendParamChanges() {
	for _, p := range c.sess.ChangedParams() {
		c.be.Send(&pgproto3.ParameterStatus{Name: p[0], Value: p[1]})
	}
}

func (c *conn) sendNotices(r *sql.Result) {
	for _, n := range r.Notices {
		c.be.Send(noticeResponse(n))
	}
}
