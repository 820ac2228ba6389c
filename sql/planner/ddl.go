package planner

import (
	"github.com/persiandb/persiandb/sql/catalog"
	"github.com/persiandb/persiandb/sql/plan"
)

// PlanDefault plans column col's DEFAULT expression of t as INSERT uses
// it (assignment-cast to the column's type): a one-row query of one
// column. DDL uses it to check that a default binds and to fill a column
// added to existing rows. Constant reports whether the value is a
// constant, which need be computed only once.
func (p *Planner) PlanDefault(t *catalog.Table, col int) (q *Query, constant bool, err error) {
	e, err := p.defaultValue(t, col)
	if err != nil {
		return nil, false, err
	}
	c := t.Columns[col]
	_, constant = e.(plan.Const)
	return &Query{
		Plan:    &plan.Values{Cols: []plan.Column{{Name: c.Name, Type: c.Type}}, Rows: [][]plan.Expr{{e}}},
		Columns: []ResultColumn{{Name: c.Name, Type: columnType(c)}},
	}, constant, nil
}
