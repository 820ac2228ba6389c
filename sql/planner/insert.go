package planner

import (
	"errors"

	"github.com/persiandb/persiandb/sql/catalog"
	"github.com/persiandb/persiandb/sql/dialect"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/sql/plan"
	"github.com/persiandb/persiandb/sql/sem"
	"github.com/persiandb/persiandb/storage"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// Insert is a planned INSERT: Source yields, per new row, the full row in
// table column order followed by one boolean per CHECK constraint
// evaluated on it.
type Insert struct {
	Table  *catalog.Table
	Source plan.Node
	// Checks names the CHECK constraints whose results follow the row.
	Checks []catalog.Check
	// Returning is evaluated over each row written: the inserted row, or
	// the row ON CONFLICT DO UPDATE made.
	Returning *Returning
	// OnConflict is the ON CONFLICT clause; nil without one.
	OnConflict *Conflict
}

// TableByName finds a table visible to the transaction, or 42P01.
func (p *Planner) TableByName(name string) (*catalog.Table, error) {
	t, err := p.Cat.Table(p.Txn, name)
	if errors.Is(err, catalog.ErrNotFound) {
		return nil, at(pgerr.New(pgerr.UndefinedTable, "relation %q does not exist", name), p.relPos("", name))
	}
	return t, err
}

// tableScope is the scope of a table's rows under a range variable name.
func tableScope(t *catalog.Table, alias string, parent *scope) *scope {
	sc := &scope{parent: parent}
	for i, c := range t.Columns {
		sc.cols = append(sc.cols, column{table: alias, name: c.Name, typ: columnType(c),
			hidden: c.Hidden || c.Dropped, dropped: c.Dropped, tableID: t.ID, colNum: int16(i + 1)})
	}
	return sc
}

// PlanInsert plans INSERT INTO t [(cols)] VALUES ... | SELECT ...
func (p *Planner) PlanInsert(n *ast.InsertStmt) (*Insert, error) {
	ts, ok := n.Table.TableRefs.Left.(*ast.TableSource)
	if !ok {
		return nil, notSupported("INSERT target must be a table")
	}
	tn, ok := ts.Source.(*ast.TableName)
	if !ok {
		return nil, notSupported("INSERT target must be a table")
	}
	t, err := p.TableByName(tn.Name.O)
	if err != nil {
		return nil, err
	}
	if n.Setlist || n.OnDuplicate != nil {
		return nil, pgerr.New(pgerr.SyntaxError, "syntax error in INSERT")
	}
	// target[i] is the table column of the i-th value.
	var target []int
	if len(n.Columns) == 0 {
		for i, c := range t.Columns {
			if !c.Hidden && !c.Dropped {
				target = append(target, i)
			}
		}
	} else {
		seen := map[int]bool{}
		for _, cn := range n.Columns {
			i := t.ColumnIndex(cn.Name.O)
			if i < 0 || t.Columns[i].Hidden {
				var err error = pgerr.New(pgerr.UndefinedColumn, "column %q of relation %q does not exist", cn.Name.O, t.Name)
				if p.stmt != nil {
					err = at(err, p.stmt.NamePosition(cn.Name.O, p.relPos(tn.Schema.O, tn.Name.O)))
				}
				return nil, err
			}
			if seen[i] {
				return nil, pgerr.New(pgerr.DuplicateColumn, "column %q specified more than once", cn.Name.O)
			}
			seen[i] = true
			target = append(target, i)
		}
	}
	ins := &Insert{Table: t, Checks: t.Checks}
	var src plan.Node
	if n.Select != nil {
		if src, err = p.insertSelect(t, target, len(n.Columns) > 0, n.Select); err != nil {
			return nil, err
		}
	} else {
		if src, err = p.insertValues(t, target, len(n.Columns) > 0, n.Lists); err != nil {
			return nil, err
		}
	}
	if ins.Source, err = p.withChecks(t, src); err != nil {
		return nil, err
	}
	if p.stmt != nil && p.stmt.Rewrites != nil && p.stmt.OnConflict != nil {
		if ins.OnConflict, err = p.onConflict(t, p.stmt.OnConflict); err != nil {
			return nil, err
		}
	}
	alias := insertAlias(p.stmt)
	if alias == "" {
		alias = t.Name
	}
	if ins.Returning, err = p.returning(tableScope(t, alias, nil)); err != nil {
		return nil, err
	}
	return ins, nil
}

// insertValues builds full rows from VALUES lists. Without a column list
// (listed false) the values fill the leading columns and the rest take
// their defaults.
func (p *Planner) insertValues(t *catalog.Table, target []int, listed bool, lists [][]ast.ExprNode) (plan.Node, error) {
	c := exprCtx{sc: &scope{}, clause: "VALUES"}
	out := &plan.Values{Cols: tableColumns(t)}
	for _, l := range lists {
		if len(l) != len(lists[0]) {
			return nil, pgerr.New(pgerr.SyntaxError, "VALUES lists must all be the same length")
		}
	}
	for _, l := range lists {
		if len(l) > len(target) {
			return nil, pgerr.New(pgerr.SyntaxError, "INSERT has more expressions than target columns")
		}
		if len(l) < len(target) && len(l) > 0 && listed {
			return nil, pgerr.New(pgerr.SyntaxError, "INSERT has more target columns than expressions")
		}
		row := make([]plan.Expr, len(t.Columns))
		given := make([]bool, len(t.Columns))
		for j, e := range l {
			col := target[j]
			given[col] = true
			if _, isDefault := e.(*ast.DefaultExpr); isDefault {
				given[col] = false
				continue
			}
			x, err := p.expr(c, e)
			if err != nil {
				return nil, err
			}
			if row[col], err = p.assign(t, col, x); err != nil {
				return nil, err
			}
		}
		for col := range row {
			if !given[col] {
				d, err := p.defaultValue(t, col)
				if err != nil {
					return nil, err
				}
				row[col] = d
			}
		}
		out.Rows = append(out.Rows, row)
	}
	return out, nil
}

// insertSelect maps a query's columns onto the table's.
func (p *Planner) insertSelect(t *catalog.Table, target []int, listed bool, sel ast.ResultSetNode) (plan.Node, error) {
	rel, err := p.query(sel, nil)
	if err != nil {
		return nil, err
	}
	if len(rel.sc.cols) > len(target) {
		return nil, pgerr.New(pgerr.SyntaxError, "INSERT has more expressions than target columns")
	}
	if len(rel.sc.cols) < len(target) && listed {
		return nil, pgerr.New(pgerr.SyntaxError, "INSERT has more target columns than expressions")
	}
	exprs := make([]plan.Expr, len(t.Columns))
	for j, col := range target {
		if j >= len(rel.sc.cols) {
			break
		}
		x := texpr{e: plan.Col{Idx: j}, t: rel.sc.cols[j].typ}
		if exprs[col], err = p.assign(t, col, x); err != nil {
			return nil, err
		}
	}
	for col := range exprs {
		if exprs[col] == nil {
			if exprs[col], err = p.defaultValue(t, col); err != nil {
				return nil, err
			}
		}
	}
	return &plan.Project{Input: rel.node, Exprs: exprs, Cols: tableColumns(t)}, nil
}

// assign converts a value for storing in column col (an assignment cast
// with the column's modifier).
func (p *Planner) assign(t *catalog.Table, col int, x texpr) (plan.Expr, error) {
	ct := columnType(t.Columns[col])
	e, err := p.coerce(x, ct, sem.CastAssignment)
	if err != nil && pgerr.CodeOf(err) == pgerr.DatatypeMismatch {
		return nil, pgerr.New(pgerr.DatatypeMismatch, "column %q is of type %s but expression is of type %s", t.Columns[col].Name, ct.Name, x.t.Name).
			WithHint("You will need to rewrite or cast the expression.")
	}
	return e, err
}

// defaultValue is column col's DEFAULT expression, or NULL.
func (p *Planner) defaultValue(t *catalog.Table, col int) (plan.Expr, error) {
	c := t.Columns[col]
	if c.Default == "" || p.ParseExpr == nil {
		return nullOf(), nil
	}
	n, err := p.ParseExpr(c.Default)
	if err != nil {
		return nil, err
	}
	// CREATE TABLE's text may keep the dialect's marker around the
	// expression: DEFAULT pdb_default(expr).
	if f, ok := n.(*ast.FuncCallExpr); ok && f.FnName.L == dialect.FuncDefault && len(f.Args) == 1 {
		n = f.Args[0]
	}
	x, err := p.expr(exprCtx{sc: &scope{}, clause: "DEFAULT expressions"}, n)
	if err != nil {
		return nil, err
	}
	return p.assign(t, col, x)
}

// withChecks appends each CHECK constraint's value on the row.
func (p *Planner) withChecks(t *catalog.Table, src plan.Node) (plan.Node, error) {
	if len(t.Checks) == 0 {
		return src, nil
	}
	sc := tableScope(t, t.Name, nil)
	cols := tableColumns(t)
	exprs := make([]plan.Expr, 0, len(cols)+len(t.Checks))
	for i := range cols {
		exprs = append(exprs, plan.Col{Idx: i})
	}
	for _, ck := range t.Checks {
		e, err := p.checkExpr(sc, ck)
		if err != nil {
			return nil, err
		}
		exprs = append(exprs, e)
		cols = append(cols, plan.Column{Name: ck.Name, Type: TypeOf(storage.TypeBool).T})
	}
	return &plan.Project{Input: src, Exprs: exprs, Cols: cols}, nil
}

func (p *Planner) checkExpr(sc *scope, ck catalog.Check) (plan.Expr, error) {
	n, err := p.ParseExpr(ck.Expr)
	if err != nil {
		return nil, err
	}
	x, err := p.expr(exprCtx{sc: sc, clause: "check constraints"}, n)
	if err != nil {
		return nil, err
	}
	return p.coerce(x, TypeOf(storage.TypeBool), sem.CastImplicit)
}

func tableColumns(t *catalog.Table) []plan.Column {
	cols := make([]plan.Column, len(t.Columns))
	for i, c := range t.Columns {
		cols[i] = plan.Column{Name: c.Name, Type: c.Type}
	}
	return cols
}

func nullOf() plan.Expr { return plan.Const{} }
