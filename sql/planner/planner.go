// Package planner binds parsed statements against the catalog and builds
// plans (package sql/plan) with PostgreSQL's semantics.
//
// Binding. Names resolve through scopes (scope.go): a scope lists the
// columns of the rows an expression sees, with their range variables; a
// subquery's scope has the enclosing query's as parent, and a reference
// that resolves there becomes plan.Outer{Depth}, marking every subquery
// level it crosses as correlated (Planner.levels), so the executor re-runs
// only correlated subqueries per row. Expressions bind to texpr (texpr.go):
// a plan expression and its Postgres type. String literals, NULL and
// parameters without a declared type stay "open" until context types them
// (int_col = '5' compares integers; $1 + 1 makes $1 an integer), as
// Postgres's unknown type does; what is still open at the end becomes
// text. Operators and functions resolve through sql/sem and compile to
// closures; constant calls fold at plan time.
//
// Queries (select.go). FROM and WHERE first (from.go), then GROUP BY and
// aggregates (group.go: a grouped scope maps grouped expressions and
// aggregate calls to the Group node's output and refuses other columns
// with 42803), HAVING, window functions, the projection with ORDER BY
// expressions as hidden columns, DISTINCT [ON], the sort, LIMIT.
//
// FROM (from.go). Inner and cross joins are flattened into items and the
// conjuncts of WHERE and ON. Each conjunct's items are found from its
// column names; an item's own conjuncts are pushed to it, where
// access.go turns equalities, IN lists and ranges on the leading columns
// of the primary key or an index into key spans (the predicate stays as a
// filter unless whole-key point lookups already imply it). Items are then
// joined greedily, each next one connected to the joined set by some
// conjunct when one exists, so predicates never leave a cross product;
// equalities between the two sides become hash join keys. Outer joins
// are planned as single items. order.go reads an index in order (or in
// reverse) instead of sorting when ORDER BY allows.
//
// DDL and DML planning (insert.go, update.go, delete.go, conflict.go,
// returning.go, ddl.go, view.go, sequence.go) bind against the same
// scopes; package sql runs them.
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
	// Virtual returns the columns of the system view name whose rows the
	// executor supplies (plan.Virtual), or nil if there is none. Views in
	// a schema other than public and pg_catalog are named
	// "schema.name" (information_schema.tables).
	Virtual func(name string) []VirtualColumn

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

// VirtualColumn is one column of a system view: the pg_catalog tables
// have Postgres types (oid, name, "char") that share a storage type with
// others.
type VirtualColumn struct {
	Name string
	Type Type
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
