// Package planner binds parsed statements against the catalog and builds
// plans: names resolve to columns, literals and parameters get their
// Postgres types, operators and functions resolve to implementations, and
// queries become plan trees with predicates pushed down to scans, indexes
// chosen, and joins ordered.
package planner

import (
	"strings"

	"github.com/persiandb/persiandb/sql/catalog"
	"github.com/persiandb/persiandb/sql/dialect"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/sql/plan"
	"github.com/persiandb/persiandb/sql/sem"
	"github.com/persiandb/persiandb/storage"
	"github.com/persiandb/persiandb/txn"
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/format"
)

// Planner plans statements for one transaction. It is not safe for
// concurrent use.
type Planner struct {
	Cat *catalog.Catalog
	Txn *txn.Txn
	// Sem is the session's evaluation context; compiled functions keep
	// the pointer, so the session updates it in place per statement.
	Sem *sem.Context
	// ParseExpr parses stored expression text (column defaults, CHECK
	// constraints), as written by ExprText.
	ParseExpr func(string) (ast.ExprNode, error)
	// ParseStmt parses rewritten statement text (dialect.Stmt.Text of a
	// nested statement).
	ParseStmt func(string) (ast.StmtNode, error)

	stmt   *dialect.Stmt
	params []Type
	fixed  []bool
	ctes   []map[string]*cte
	// levels has one flag per subquery being planned, innermost last: set
	// when the subquery refers to a column of a query around it.
	levels []*bool
	// workIDs numbers WITH RECURSIVE work tables.
	workIDs int
	// seq is the session's sequence state (currval, lastval; sequence.go);
	// views counts the views being expanded (view.go).
	seq   seqSession
	views int
}

// noteOuter records a reference depth subquery levels out: every level
// it crosses is correlated.
func (p *Planner) noteOuter(depth int) {
	for i := 0; i < depth && i < len(p.levels); i++ {
		*p.levels[len(p.levels)-1-i] = true
	}
}

// ResultColumn describes one column a query returns.
type ResultColumn struct {
	Name string
	Type Type
	// Table and Column identify a column taken straight from a table (for
	// RowDescription); zero otherwise.
	TableID uint32
	Column  int16
}

// Query is a planned row-returning statement.
type Query struct {
	Plan    plan.Node
	Columns []ResultColumn
}

// Params returns the types of $1..$n after planning: those given to
// SetParams, then those inferred from context, and text for the rest.
func (p *Planner) Params() []Type {
	out := make([]Type, len(p.params))
	for i, t := range p.params {
		if !p.fixed[i] {
			t = TypeOf(storage.TypeText)
		}
		out[i] = t
	}
	return out
}

// Begin starts planning stmt: given holds the parameter types the client
// declared (nil entries or a short slice leave the rest to inference).
func (p *Planner) Begin(stmt *dialect.Stmt, given []Type) {
	p.stmt = stmt
	n := stmt.NumParams
	p.params = make([]Type, n)
	p.fixed = make([]bool, n)
	for i := 0; i < n && i < len(given); i++ {
		if given[i].Name != "" {
			p.params[i], p.fixed[i] = given[i], true
		}
	}
	p.ctes = nil
	p.levels = nil
}

// PlanSelect plans a query (SELECT, a set operation, VALUES, TABLE).
func (p *Planner) PlanSelect(n ast.ResultSetNode) (*Query, error) {
	q, err := p.query(n, nil)
	if err != nil {
		return nil, err
	}
	return q.finish(), nil
}

// paramType returns $n's type if it is known.
func (p *Planner) paramType(n int) (Type, bool) {
	if n < 1 || n > len(p.params) {
		return Type{}, false
	}
	return p.params[n-1], p.fixed[n-1]
}

func (p *Planner) fixParam(n int, t Type) {
	if n >= 1 && n <= len(p.params) && !p.fixed[n-1] {
		p.params[n-1], p.fixed[n-1] = t, true
	}
}

func notSupported(format string, args ...any) error {
	return pgerr.New(pgerr.FeatureNotSupported, format, args...)
}

// ExprText writes an expression as stored text that ParseExpr reads back.
func ExprText(n ast.ExprNode) (string, error) {
	var b strings.Builder
	flags := format.RestoreStringSingleQuotes | format.RestoreKeyWordLowercase | format.RestoreNameDoubleQuotes
	if err := n.Restore(format.NewRestoreCtx(flags, &b)); err != nil {
		return "", err
	}
	return b.String(), nil
}
