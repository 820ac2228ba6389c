package sql

import (
	"context"
	"strings"
	"time"

	"github.com/persiandb/persiandb/sql/dialect"
	"github.com/persiandb/persiandb/sql/exec"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/sql/planner"
	"github.com/persiandb/persiandb/sql/sem"
	"github.com/persiandb/persiandb/sql/syscat"
	"github.com/persiandb/persiandb/storage"
	"github.com/persiandb/persiandb/txn"
	"github.com/pingcap/tidb/pkg/parser"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// Result is what one statement returned.
type Result struct {
	// Columns is nil for statements that return no rows.
	Columns []planner.ResultColumn
	Rows    [][]storage.Value
	// Tag is the command tag: "SELECT 3", "INSERT 0 1", "CREATE TABLE".
	Tag string
	// Notices are warnings Postgres would send (NoticeResponse).
	Notices []*pgerr.Error
	// CopyIn is set when the statement is COPY FROM STDIN: the caller feeds it the client's data and ends it with Done or Fail before running anything else on the session.
	CopyIn *CopyIn
	// CopyOut is set for COPY TO STDOUT: the data to send, one CopyData message per element.
	CopyOut *CopyOut
}

// Session is one client connection's state. It is not safe for
// concurrent use; Cancel may be called from another goroutine.
type Session struct {
	e      *Engine
	ts     *txn.Session
	parser *parser.Parser
	// exprParser parses stored expressions while parser's AST is in use.
	exprParser *parser.Parser
	sem        sem.Context
	plan       planner.Planner

	// tx is the open transaction block's transaction (nil outside one);
	// failed is set after an error inside it, until ROLLBACK.
	tx     *txn.Txn
	failed bool

	settings *settings
	prepared map[string]*Prepared
	// opts are the default transaction modes, valid while optsGen is
	// settings.gen+1 (zero: never computed).
	opts    txn.TxnOptions
	optsGen uint64
	ectx    exec.Context
	// note is the session's LISTEN side: notifications to deliver.
	note notifyState
	// notices are warnings raised by functions while a query runs
	// (pg_advisory_unlock of a lock not held), for its Result.
	notices []*pgerr.Error
	// virtual is virtualRows as a func value made once, for every
	// statement's exec.Context.
	virtual func(*txn.Txn, string) ([][]storage.Value, error)
	// catSnap is the last catalog snapshot and what it is valid for
	// (catalogSnapshot).
	catSnap struct {
		tx      *txn.Txn
		version uint64
		snap    *syscat.Snapshot
	}
	// implicit is set while the wire server runs a multi-statement query
	// or an extended-protocol pipeline: its statements share one
	// transaction (implicitTx once opened) until EndImplicit, as in
	// Postgres.
	implicit, implicitTx bool
	backendPID           int32
	// running is the prepared statement being executed, whose DML plan
	// may be reused (cachedPlan).
	running *Prepared
	// setUndo and localUndo undo SETs at transaction end (settings_txn.go).
	setUndo, localUndo map[string]string
	setSavepoints      []setSavepoint
	// reported are the ParameterStatus values the client was last sent.
	reported map[string]string
	// ddl is set while the running transaction has changed the catalog.
	ddl bool
	// pc is the simple-protocol plan cache (plancache.go); nil until
	// first used.
	pc *planCache
}

// NewSession opens a session; name identifies it across restarts (for
// commit points) and may be empty.
func (e *Engine) NewSession(name string) *Session {
	s := &Session{e: e, ts: e.m.NewSession(name), parser: dialect.NewParser(), settings: e.defaultSettings(), prepared: map[string]*Prepared{}}
	s.settings.vals[paramSessionName].value = name
	e.restorePoint(s.ts)
	s.sem.Loc = time.UTC
	s.sem.Session = sessionInfo{s}
	// The catalog functions read what the statement's transaction sees:
	// the planner's, set for every statement before it is planned and
	// kept while it runs.
	s.sem.Catalog = &syscat.Reader{Load: func() (*syscat.Snapshot, error) { return s.catalogSnapshot(s.plan.Txn) }}
	s.virtual = s.virtualRows
	s.plan = planner.Planner{Cat: e.cat, Sem: &s.sem, ParseExpr: s.parseExpr, ParseStmt: s.parseStmt, Virtual: virtualColumns}
	return s
}

// parseStmt parses a nested statement's rewritten text.
func (s *Session) parseStmt(text string) (ast.StmtNode, error) {
	if s.exprParser == nil {
		s.exprParser = dialect.NewParser()
	}
	nodes, _, err := s.exprParser.Parse(text, "", "")
	if err != nil {
		return nil, parseError(err)
	}
	if len(nodes) != 1 {
		return nil, pgerr.New(pgerr.SyntaxError, "expected one statement")
	}
	return nodes[0], nil
}

// parseExpr reads stored expression text (defaults, checks). It uses a
// parser of its own: the statement's AST stays in use meanwhile.
func (s *Session) parseExpr(text string) (ast.ExprNode, error) {
	if s.exprParser == nil {
		s.exprParser = dialect.NewParser()
	}
	nodes, _, err := s.exprParser.Parse("select "+text, "", "")
	if err != nil {
		return nil, pgerr.New(pgerr.InternalError, "stored expression %q does not parse: %v", text, err)
	}
	sel, ok := nodes[0].(*ast.SelectStmt)
	if !ok || len(sel.Fields.Fields) != 1 {
		return nil, pgerr.New(pgerr.InternalError, "stored expression %q is not one expression", text)
	}
	return sel.Fields.Fields[0].Expr, nil
}

// Close ends the session, rolling back an open transaction.
func (s *Session) Close() {
	s.implicit, s.implicitTx = false, false
	if s.tx != nil {
		s.tx.Rollback()
		s.tx = nil
	}
	s.e.advisory.releaseAll(s, false)
	s.e.notify.unlisten(s, "")
	if s.ts != nil {
		s.ts.Close()
		s.ts = nil // a second Close must not release the txn session twice
	}
}

// Status reports the transaction status for ReadyForQuery: 'I' idle,
// 'T' in a block, 'E' in a failed block.
func (s *Session) Status() byte {
	switch {
	case s.tx == nil, s.implicitTx && !s.failed:
		return 'I'
	case s.failed:
		return 'E'
	}
	return 'T'
}

// Exec runs a query string of one or more statements, as the simple
// query protocol does, and returns a result per statement run. It stops
// at the first error, returning the results before it, and after a COPY
// FROM STDIN, whose Result (the last returned) has a CopyIn the caller
// must finish with Done or Fail; the statements after the COPY are not
// run.
func (s *Session) Exec(ctx context.Context, query string) ([]*Result, error) {
	parts, err := SplitWithOffsets(query)
	if err != nil {
		return nil, err
	}
	if len(parts) > 1 {
		if err := s.CheckSyntax(parts); err != nil {
			return nil, s.fail(err)
		}
	}
	var out []*Result
	for _, part := range parts {
		r, err := s.ExecOne(ctx, part.Text)
		if err != nil {
			return out, QueryPosition(err, part.Offset)
		}
		out = append(out, r)
		if r.CopyIn != nil {
			break
		}
	}
	return out, nil
}

// ExecOne runs one statement.
func (s *Session) ExecOne(ctx context.Context, text string) (*Result, error) {
	if r, ok, err := s.execCached(ctx, text); ok {
		if err != nil {
			return nil, s.fail(err)
		}
		return r, nil
	}
	st, err := dialect.Prepare(text)
	if err != nil {
		return nil, s.fail(syntaxError(err))
	}
	r, err := s.execStmt(ctx, st, nil)
	if err != nil {
		return nil, s.fail(err)
	}
	return r, nil
}

// fail marks an open block failed and converts err for the client.
func (s *Session) fail(err error) error {
	if s.tx != nil {
		s.failed = true
	}
	return pgerr.Flatten(err)
}

func syntaxError(err error) error {
	if se, ok := err.(*dialect.SyntaxError); ok {
		return pgerr.New(pgerr.Code(se.Code), "%s", se.Msg).WithPosition(se.Position)
	}
	return pgerr.Flatten(err)
}

// stmtParseError turns a TiDB parse error on st.Text into Postgres's
// syntax error, positioned at the source token the parser stopped at.
func stmtParseError(st *dialect.Stmt, err error) error {
	if se := st.ParseError(err); se != nil {
		return syntaxError(se)
	}
	return parseError(err)
}

// parseError turns the TiDB parser's message into Postgres's form, for
// text that has no dialect.Stmt (so no position).
func parseError(err error) error {
	msg := err.Error()
	if i := strings.Index(msg, "near \""); i >= 0 {
		rest := msg[i+6:]
		if j := strings.IndexAny(rest, " \"(),;"); j > 0 {
			rest = rest[:j]
		} else if j == 0 {
			rest = rest[:1]
		}
		if rest == "" {
			return pgerr.New(pgerr.SyntaxError, "syntax error at end of input")
		}
		return pgerr.New(pgerr.SyntaxError, "syntax error at or near \"%s\"", rest)
	}
	return pgerr.New(pgerr.SyntaxError, "syntax error: %s", msg)
}

var errAborted = pgerr.New(pgerr.InFailedSQLTransaction, "current transaction is aborted, commands ignored until end of transaction block")

// Location is the session's TimeZone, for formatting timestamptz.
func (s *Session) Location() *time.Location { return s.sem.Loc }
