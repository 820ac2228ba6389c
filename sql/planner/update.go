package planner

import (
	"github.com/persiandb/persiandb/sql/catalog"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/sql/plan"
	"github.com/persiandb/persiandb/sql/sem"
	"github.com/persiandb/persiandb/storage"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// DML is a planned UPDATE or DELETE.
//
// Source yields the candidate rows: the target table's row as of the
// statement's snapshot (len(Table.Columns) values, in storage order),
// followed by the columns of the other FROM (UPDATE) or USING (DELETE)
// items. The executor writes each target row at most once (the first
// candidate row of a target row wins, as in Postgres) and, when the row
// changed after the snapshot (READ COMMITTED), replaces the target part
// of the candidate row with the newest version and re-checks Pred on it
// before recomputing New.
type DML struct {
	Table *catalog.Table
	// Alias is the target's range variable name.
	Alias  string
	Source plan.Node
	// Joined is set when there are other FROM or USING items, so a
	// target row may come more than once.
	Joined bool
	// Pred is the WHERE condition over Source's rows; nil for none.
	Pred plan.Expr
	// New (UPDATE only) computes the new row over Source's rows: one
	// expression per table column.
	New []plan.Expr
	// Assigned marks the columns SET names (UPDATE only).
	Assigned []bool
	// CheckExprs are the table's CHECK constraints (Checks) over the new
	// row (UPDATE only).
	CheckExprs []plan.Expr
	Checks     []catalog.Check
	// Returning is evaluated over the new row (UPDATE) or the deleted row
	// (DELETE), followed by the other items' columns of the candidate row.
	Returning *Returning
}

// PlanUpdate plans UPDATE t [AS a] SET ... [FROM ...] [WHERE ...]
// [RETURNING ...]; the dialect writes FROM as MySQL's multi-table list
// with the target first.
func (p *Planner) PlanUpdate(n *ast.UpdateStmt) (*DML, error) {
	if n.Order != nil || n.Limit != nil {
		return nil, pgerr.New(pgerr.SyntaxError, "syntax error: UPDATE takes no ORDER BY or LIMIT")
	}
	if n.With != nil {
		pop, err := p.with(n.With, nil)
		if err != nil {
			return nil, err
		}
		defer pop()
	}
	d, rel, err := p.dmlSource(n.TableRefs, n.Where, "UPDATE")
	if err != nil {
		return nil, err
	}
	t := d.Table
	c := exprCtx{sc: rel.sc, clause: "UPDATE"}
	d.New = make([]plan.Expr, len(t.Columns))
	for i := range t.Columns {
		d.New[i] = plan.Col{Idx: i}
	}
	if d.Assigned, err = p.assignments(t, n.List, c, d.New); err != nil {
		return nil, err
	}
	if d.CheckExprs, err = p.CheckExprs(t); err != nil {
		return nil, err
	}
	d.Checks = t.Checks
	if d.Returning, err = p.returning(returningScope(t, d.Alias, rel.sc)); err != nil {
		return nil, err
	}
	return d, nil
}

// assignments binds SET col = expr, ... in c into row (one expression per
// table column), reporting which columns were set.
func (p *Planner) assignments(t *catalog.Table, list []*ast.Assignment, c exprCtx, row []plan.Expr) ([]bool, error) {
	set := make([]bool, len(t.Columns))
	for _, a := range list {
		name := a.Column.Name.O
		if a.Column.Table.O != "" {
			// Postgres reads "SET t.a" as field a of a composite column t.
			name = a.Column.Table.O
		}
		col := t.ColumnIndex(name)
		if col < 0 || t.Columns[col].Hidden {
			var err error = pgerr.New(pgerr.UndefinedColumn, "column %q of relation %q does not exist", name, t.Name)
			if p.stmt != nil && p.views == 0 {
				// The column is the token before the "=" before the value.
				err = at(err, p.stmt.PositionBefore(a.Expr.OriginTextPosition(), 2))
			}
			return nil, err
		}
		if a.Column.Table.O != "" {
			return nil, pgerr.New(pgerr.DatatypeMismatch, "cannot assign to field %q of column %q because its type %s is not a composite type",
				a.Column.Name.O, name, columnType(t.Columns[col]).Name)
		}
		if set[col] {
			return nil, pgerr.New(pgerr.SyntaxError, "multiple assignments to same column %q", name)
		}
		set[col] = true
		var err error
		if _, isDefault := a.Expr.(*ast.DefaultExpr); isDefault {
			if row[col], err = p.defaultValue(t, col); err != nil {
				return nil, err
			}
			continue
		}
		x, err := p.expr(c, a.Expr)
		if err != nil {
			return nil, err
		}
		if row[col], err = p.assign(t, col, x); err != nil {
			return nil, err
		}
	}
	return set, nil
}

// CheckExprs binds t's CHECK constraints over a row of t, in t.Checks order.
func (p *Planner) CheckExprs(t *catalog.Table) ([]plan.Expr, error) {
	if len(t.Checks) == 0 {
		return nil, nil
	}
	sc := tableScope(t, t.Name, nil)
	out := make([]plan.Expr, len(t.Checks))
	for i, ck := range t.Checks {
		e, err := p.checkExpr(sc, ck)
		if err != nil {
			return nil, err
		}
		out[i] = e
	}
	return out, nil
}

// returningScope describes the rows RETURNING reads: the target's row
// under its alias, then the other items' columns of the candidate row.
func returningScope(t *catalog.Table, alias string, src *scope) *scope {
	sc := tableScope(t, alias, nil)
	sc.cols = append(sc.cols, src.cols[len(t.Columns):]...)
	return sc
}

// dmlSource plans the target and the other items of UPDATE or DELETE
// with WHERE: the target is the first table of refs.
func (p *Planner) dmlSource(refs *ast.TableRefsClause, where ast.ExprNode, verb string) (*DML, *relation, error) {
	if refs == nil {
		return nil, nil, pgerr.New(pgerr.SyntaxError, "syntax error: %s without a table", verb)
	}
	ts := leftmost(refs.TableRefs)
	if ts == nil {
		return nil, nil, notSupported("%s target must be a table", verb)
	}
	tn, ok := ts.Source.(*ast.TableName)
	if !ok {
		return nil, nil, notSupported("%s target must be a table", verb)
	}
	if tn.Schema.O != "" && tn.Schema.O != "public" {
		return nil, nil, pgerr.New(pgerr.InvalidSchemaName, "schema %q does not exist", tn.Schema.O)
	}
	t, err := p.TableByName(tn.Name.O)
	if err != nil {
		return nil, nil, err
	}
	alias := ts.AsName.O
	if alias == "" {
		alias = t.Name
	}
	if err := uniqueAliases(refs.TableRefs, map[string]bool{}); err != nil {
		return nil, nil, err
	}
	rel, err := p.from(refs, where, nil)
	if err != nil {
		return nil, nil, err
	}
	if len(rel.sc.cols) < len(t.Columns) || rel.sc.cols[0].tableID != t.ID {
		return nil, nil, pgerr.New(pgerr.InternalError, "%s target is not the first FROM item", verb)
	}
	d := &DML{Table: t, Alias: alias, Source: rel.node, Joined: len(rel.sc.cols) > len(t.Columns)}
	if where != nil {
		x, err := p.expr(exprCtx{sc: rel.sc, clause: "WHERE"}, where)
		if err != nil {
			return nil, nil, err
		}
		if d.Pred, err = p.coerce(x, TypeOf(storage.TypeBool), sem.CastImplicit); err != nil {
			return nil, nil, argTypeErr("WHERE", x, err)
		}
	}
	return d, rel, nil
}

// leftmost returns the first table source of a FROM tree, or nil.
func leftmost(n ast.ResultSetNode) *ast.TableSource {
	for {
		switch x := n.(type) {
		case *ast.Join:
			n = x.Left
		case *ast.TableSource:
			return x
		default:
			return nil
		}
	}
}

// uniqueAliases rejects a range variable named twice at one level, as
// Postgres does for UPDATE t ... FROM t.
func uniqueAliases(n ast.ResultSetNode, seen map[string]bool) error {
	switch x := n.(type) {
	case *ast.Join:
		if x.Left != nil {
			if err := uniqueAliases(x.Left, seen); err != nil {
				return err
			}
		}
		if x.Right != nil {
			return uniqueAliases(x.Right, seen)
		}
	case *ast.TableSource:
		name := x.AsName.O
		if tn, ok := x.Source.(*ast.TableName); ok && name == "" {
			name = tn.Name.O
		}
		if name == "" {
			return nil
		}
		if seen[name] {
			return pgerr.New(pgerr.DuplicateAlias, "table name %q specified more than once", name)
		}
		seen[name] = true
	}
	return nil
}
