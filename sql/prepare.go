package sql

import (
	"context"
	"strconv"

	"github.com/persiandb/persiandb/sql/dialect"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/sql/planner"
	"github.com/persiandb/persiandb/sql/sem"
	"github.com/persiandb/persiandb/storage"
	"github.com/persiandb/persiandb/txn"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// Prepared is a parsed statement with its parameter and result types. A
// query's plan is kept and reused while the catalog is unchanged, so a
// prepared point query is neither parsed nor planned per execution.
type Prepared struct {
	Name   string
	stmt   *dialect.Stmt
	node   ast.StmtNode // nil for utility statements
	params []planner.Type
	// Columns describes the rows a query returns (nil otherwise).
	Columns []planner.ResultColumn

	query   *planner.Query
	version uint64 // catalog version query was planned at
	// dml is an INSERT/UPDATE/DELETE's plan (*planner.Insert or
	// *planner.DML), kept like query; dmlVersion is its catalog version.
	dml        any
	dmlVersion uint64
	// literal marks a statement of the simple-protocol plan cache
	// (plancache.go), whose plans are never re-planned with the types
	// inferred for its literals.
	literal bool
}

// cachedPlan returns the running prepared statement's DML plan if it is
// still valid, or plans and keeps it: a prepared write (pgbench's UPDATE)
// is then planned once, not per execution. Outside a prepared statement
// it just plans.
func cachedPlan[T any](s *Session, plan func() (T, error)) (T, error) {
	p := s.running
	v := s.e.version.Load()
	if p != nil && p.dml != nil && p.dmlVersion == v {
		if d, ok := p.dml.(T); ok {
			return d, nil
		}
	}
	if p != nil && p.literal {
		var zero T
		return zero, errPlanStale
	}
	d, err := plan()
	if err == nil && p != nil {
		p.dml, p.dmlVersion = d, v
	}
	return d, err
}

// ParamTypes are the types of $1..$n, given or inferred.
func (p *Prepared) ParamTypes() []planner.Type { return p.params }

// Prepare parses and plans a statement; given holds parameter types the
// client declared (zero entries are inferred).
func (s *Session) Prepare(ctx context.Context, name, text string, given []planner.Type) (*Prepared, error) {
	s.forgetCatalogSnapshot()
	st, err := dialect.Prepare(text)
	if err != nil {
		return nil, syntaxError(err)
	}
	p := &Prepared{Name: name, stmt: st}
	if st.Kind == dialect.KindShow {
		// Describe must report SHOW's row shape before it runs.
		if r, err := s.show(st); err == nil {
			p.Columns = r.Columns
		}
	}
	if st.Kind != dialect.KindParsed {
		p.params = make([]planner.Type, st.NumParams)
		for i := range p.params {
			p.params[i] = planner.TypeOf(storage.TypeText)
			if i < len(given) && given[i].Name != "" {
				p.params[i] = given[i]
			}
		}
		return p, nil
	}
	nodes, _, err := s.parser.Parse(st.Text, "", "")
	if err != nil {
		return nil, stmtParseError(st, err)
	}
	if len(nodes) != 1 {
		return nil, pgerr.New(pgerr.SyntaxError, "cannot insert multiple commands into a prepared statement")
	}
	p.node = nodes[0]
	// Plan once now, in a transaction of its own, for the types.
	_, err = s.withPlanTxn(func(tx *txn.Txn) (*Result, error) {
		s.plan.Txn = tx
		s.plan.Begin(st, given)
		if rs, ok := p.node.(ast.ResultSetNode); ok {
			q, err := s.plan.PlanSelect(rs)
			if err != nil {
				return nil, err
			}
			p.query, p.version, p.Columns = q, s.e.version.Load(), q.Columns
		} else if _, ok := p.node.(*ast.ExplainStmt); ok {
			p.Columns = explainColumns
		} else if cols, ok, err := s.planDML(p.node); ok {
			if err != nil {
				return nil, err
			}
			p.Columns = cols
		}
		p.params = s.plan.Params()
		return nil, nil
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// withPlanTxn runs f in the block's transaction or a throwaway one.
func (s *Session) withPlanTxn(f func(tx *txn.Txn) (*Result, error)) (*Result, error) {
	if s.tx != nil {
		if s.failed {
			return nil, errAborted
		}
		return f(s.tx)
	}
	tx := s.ts.Begin(txn.TxnOptions{ReadOnly: true})
	defer tx.Rollback()
	return f(tx)
}

// ExecPrepared runs a prepared statement with parameter values of its
// parameter types.
func (s *Session) ExecPrepared(ctx context.Context, p *Prepared, params []storage.Value) (*Result, error) {
	s.forgetCatalogSnapshot()
	if len(params) != len(p.params) {
		return nil, s.fail(pgerr.New(pgerr.ProtocolViolation, "bind message supplies %d parameters, but prepared statement %q requires %d", len(params), p.Name, len(p.params)))
	}
	if s.failed && p.node != nil {
		return nil, s.fail(errAborted)
	}
	var r *Result
	var err error
	switch {
	case p.node == nil:
		r, err = s.execStmt(ctx, p.stmt, params)
	case p.query != nil:
		r, err = s.inTxn(ctx, func(tx *txn.Txn) (*Result, error) {
			// Sequence functions in the plan write through the planner's
			// transaction: it must be this one, not the one Prepare planned in.
			s.plan.Txn = tx
			if p.version != s.e.version.Load() {
				s.plan.Begin(p.stmt, p.params)
				q, err := s.plan.PlanSelect(p.node.(ast.ResultSetNode))
				if err != nil {
					return nil, err
				}
				p.query, p.version = q, s.e.version.Load()
			}
			return s.runQuery(ctx, tx, p.query, params)
		})
	default:
		r, err = s.inTxn(ctx, func(tx *txn.Txn) (*Result, error) {
			s.plan.Txn = tx
			s.plan.Begin(p.stmt, p.params)
			s.running = p
			defer func() { s.running = nil }()
			return s.run(ctx, tx, p.stmt, p.node, params)
		})
	}
	if err != nil {
		return nil, s.fail(err)
	}
	return r, nil
}

// prepareStmt runs SQL-level PREPARE name [(types)] AS body.
func (s *Session) prepareStmt(ctx context.Context, st *dialect.Stmt) (*Result, error) {
	if _, dup := s.prepared[st.Name]; dup {
		return nil, pgerr.New(pgerr.DuplicatePreparedStatement, "prepared statement %q already exists", st.Name)
	}
	given := make([]planner.Type, len(st.ParamTypes))
	for i, tn := range st.ParamTypes {
		t, err := planner.ResolveType(tn)
		if err != nil {
			return nil, err
		}
		given[i] = t
	}
	p, err := s.Prepare(ctx, st.Name, st.Body.Source, given)
	if err != nil {
		return nil, QueryPosition(err, st.Body.SourceOffset())
	}
	s.prepared[st.Name] = p
	return &Result{Tag: "PREPARE"}, nil
}

// executeStmt runs SQL-level EXECUTE name [(args)].
func (s *Session) executeStmt(ctx context.Context, st *dialect.Stmt, outer []storage.Value) (*Result, error) {
	p, ok := s.prepared[st.Name]
	if !ok {
		return nil, pgerr.New(pgerr.UndefinedPreparedStatement, "prepared statement %q does not exist", st.Name)
	}
	var args []storage.Value
	if st.Args != nil {
		r, err := s.execParsed(ctx, st.Args, outer)
		if err != nil {
			return nil, err
		}
		args = r.Rows[0]
	}
	if len(args) != len(p.params) {
		return nil, pgerr.New(pgerr.SyntaxError, "wrong number of parameters for prepared statement %q", st.Name).
			WithDetail("Expected %d parameters but got %d.", len(p.params), len(args))
	}
	for i, a := range args {
		v, err := sem.Cast(&s.sem, a, p.params[i].T)
		if err != nil {
			return nil, err
		}
		args[i] = v
	}
	return s.ExecPrepared(ctx, p, args)
}

// deallocate runs DEALLOCATE [PREPARE] name | ALL.
func (s *Session) deallocate(st *dialect.Stmt) (*Result, error) {
	if st.Name == "" {
		clear(s.prepared)
		return &Result{Tag: "DEALLOCATE ALL"}, nil
	}
	if _, ok := s.prepared[st.Name]; !ok {
		return nil, pgerr.New(pgerr.UndefinedPreparedStatement, "prepared statement %q does not exist", st.Name)
	}
	delete(s.prepared, st.Name)
	return &Result{Tag: "DEALLOCATE"}, nil
}

// smallSelectTags spares the common tags an allocation per execution.
var smallSelectTags = func() [64]string {
	var t [64]string
	for i := range t {
		t[i] = "SELECT " + strconv.Itoa(i)
	}
	return t
}()

func selectTag(n int) string {
	if n < len(smallSelectTags) {
		return smallSelectTags[n]
	}
	return "SELECT " + strconv.Itoa(n)
}

// runQuery runs a planned query to the end.
func (s *Session) runQuery(ctx context.Context, tx *txn.Txn, q *planner.Query, params []storage.Value) (*Result, error) {
	rows, err := s.collect(ctx, tx, q.Plan, params)
	if err != nil {
		return nil, err
	}
	s.regNames(q.Columns, rows)
	return &Result{Columns: q.Columns, Rows: rows, Tag: selectTag(len(rows)), Notices: s.takeNotices()}, nil
}
