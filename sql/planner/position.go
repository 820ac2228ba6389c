package planner

import (
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// Error positions. Postgres points errors of parse analysis at the
// construct they are about (pgerr.Error.Position, 1-based characters of
// the statement text): an unknown column or function at its name, an
// operator that does not exist at the operator, a literal that does not
// convert at the literal, a relation at its name in FROM. TiDB's
// expression nodes know their offset in dialect.Stmt.Text
// (OriginTextPosition), which the Stmt maps back to the source; other
// nodes (table names, INSERT's column list) are found in the source by
// the Stmt (RelationPosition, NamePosition). Errors raised while running
// carry no position, as in Postgres.
//
// The innermost construct that knows a position sets it: locate leaves
// an error that already has one alone.

// pos is the position of expression node n in the statement text; 0
// when unknown, and inside a view (its text is not the client's).
func (p *Planner) pos(n ast.ExprNode) int {
	if p.stmt == nil || p.views > 0 {
		return 0
	}
	return p.stmt.Position(n.OriginTextPosition())
}

// relPos is the position of the relation [schema.]name in the statement.
func (p *Planner) relPos(schema, name string) int {
	if p.stmt == nil || p.views > 0 {
		return 0
	}
	return p.stmt.RelationPosition(schema, name)
}

// at gives err position pos unless it has one already or pos is 0.
func at(err error, pos int) error {
	if pos == 0 {
		return err
	}
	if e := pgerr.As(err); e != nil && e.Position == 0 {
		return e.WithPosition(pos)
	}
	return err
}

// locate positions an error from binding n as Postgres does, by the kind
// of node and the error's code.
func (p *Planner) locate(n ast.ExprNode, err error) error {
	e := pgerr.As(err)
	if e == nil || e.Position != 0 {
		return err
	}
	switch n := n.(type) {
	case *ast.ColumnNameExpr:
		switch e.Code {
		case pgerr.UndefinedColumn, pgerr.UndefinedTable, pgerr.AmbiguousColumn, pgerr.GroupingError:
			return at(err, p.pos(n))
		}
	case *ast.FuncCallExpr, *ast.AggregateFuncExpr, *ast.WindowFuncExpr:
		switch e.Code {
		case pgerr.UndefinedFunction, pgerr.AmbiguousFunction, pgerr.GroupingError, pgerr.WindowingError, pgerr.CannotCoerce:
			return at(err, p.pos(n))
		}
	case *ast.UnaryOperationExpr:
		if e.Code == pgerr.UndefinedFunction {
			return at(err, p.pos(n))
		}
	case *ast.BinaryOperationExpr:
		if e.Code == pgerr.UndefinedFunction && p.stmt != nil && p.views == 0 {
			// The operator is the token before the right operand.
			return at(err, p.stmt.PositionBefore(n.R.OriginTextPosition(), 1))
		}
	}
	return err
}
