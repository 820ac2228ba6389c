package planner

import (
	"github.com/persiandb/persiandb/sql/catalog"
	"github.com/persiandb/persiandb/sql/dialect"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/sql/plan"
	"github.com/persiandb/persiandb/sql/sem"
	"github.com/persiandb/persiandb/storage"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// Conflict is a planned ON CONFLICT clause.
type Conflict struct {
	// Arbiters are the unique indexes whose conflicts the clause handles
	// (the conflict target's, or every one when there is none); a
	// conflict on another index is an error.
	Arbiters  []Arbiter
	DoNothing bool
	// New (DO UPDATE) computes the updated row over the existing row
	// followed by the proposed one (excluded): one expression per column.
	New []plan.Expr
	// Assigned marks the columns DO UPDATE SET names.
	Assigned []bool
	// Pred is DO UPDATE's WHERE over the same rows; nil for none.
	Pred plan.Expr
	// CheckExprs are the table's CHECK constraints over the new row.
	CheckExprs []plan.Expr
}

// Arbiter is a unique index of the conflict target; Primary marks the
// primary key.
type Arbiter struct {
	Index   catalog.Index
	Primary bool
}

// onConflict plans ON CONFLICT for table t, whose range variable in DO
// UPDATE is alias.
func (p *Planner) onConflict(t *catalog.Table, oc *dialect.OnConflict) (*Conflict, error) {
	c := &Conflict{DoNothing: oc.DoNothing}
	var err error
	if c.Arbiters, err = arbiters(t, oc); err != nil {
		return nil, err
	}
	if oc.DoNothing || oc.Update == nil {
		return c, nil
	}
	err = p.nested(oc.Update, func(n ast.StmtNode) error {
		u, ok := n.(*ast.UpdateStmt)
		if !ok || u.TableRefs == nil || u.MultipleTable {
			return pgerr.New(pgerr.SyntaxError, "syntax error in ON CONFLICT DO UPDATE")
		}
		alias := t.Name
		if ts := leftmost(u.TableRefs.TableRefs); ts != nil && ts.AsName.O != "" {
			alias = ts.AsName.O
		}
		sc := tableScope(t, alias, nil)
		sc.cols = append(sc.cols, tableScope(t, "excluded", nil).cols...)
		ec := exprCtx{sc: sc, clause: "UPDATE"}
		c.New = make([]plan.Expr, len(t.Columns))
		for i := range t.Columns {
			c.New[i] = plan.Col{Idx: i}
		}
		var err error
		if c.Assigned, err = p.assignments(t, u.List, ec, c.New); err != nil {
			return err
		}
		if u.Where != nil {
			x, err := p.expr(exprCtx{sc: sc, clause: "WHERE"}, u.Where)
			if err != nil {
				return err
			}
			if c.Pred, err = p.coerce(x, TypeOf(storage.TypeBool), sem.CastImplicit); err != nil {
				return argTypeErr("WHERE", x, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if c.CheckExprs, err = p.CheckExprs(t); err != nil {
		return nil, err
	}
	return c, nil
}

// arbiters finds the unique indexes a conflict target names, as Postgres
// infers them: every unique index whose columns are exactly the target
// columns (in any order), or the named constraint.
func arbiters(t *catalog.Table, oc *dialect.OnConflict) ([]Arbiter, error) {
	var all []Arbiter
	if pk := t.PrimaryKey; len(pk.Columns) > 0 && !(len(pk.Columns) == 1 && t.Columns[pk.Columns[0]].Hidden) {
		all = append(all, Arbiter{Index: pk, Primary: true})
	}
	for _, ix := range t.Indexes {
		if ix.Unique {
			all = append(all, Arbiter{Index: ix})
		}
	}
	switch {
	case oc.Columns != nil:
		want := map[int]bool{}
		for _, name := range oc.Columns {
			i := t.ColumnIndex(name)
			if i < 0 || t.Columns[i].Hidden {
				return nil, pgerr.New(pgerr.UndefinedColumn, "column %q does not exist", name)
			}
			want[i] = true
		}
		var out []Arbiter
		for _, a := range all {
			if sameColumns(a.Index.Columns, want) {
				out = append(out, a)
			}
		}
		if len(out) == 0 {
			return nil, pgerr.New(pgerr.InvalidColumnReference, "there is no unique or exclusion constraint matching the ON CONFLICT specification")
		}
		return out, nil
	case oc.Constraint != "":
		for _, a := range all {
			// A unique index made by CREATE UNIQUE INDEX is no constraint.
			if a.Index.Name == oc.Constraint && (a.Primary || a.Index.Constraint) {
				return []Arbiter{a}, nil
			}
		}
		return nil, pgerr.New(pgerr.UndefinedObject, "constraint %q for table %q does not exist", oc.Constraint, t.Name)
	}
	return all, nil
}

func sameColumns(cols []int, want map[int]bool) bool {
	seen := map[int]bool{}
	for _, c := range cols {
		if !want[c] {
			return false
		}
		seen[c] = true
	}
	return len(seen) == len(want)
}
