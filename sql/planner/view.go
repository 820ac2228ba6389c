package planner

import (
	"errors"

	"github.com/persiandb/persiandb/sql/catalog"
	"github.com/persiandb/persiandb/sql/dialect"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/sql/plan"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// maxViewDepth bounds views expanded inside views: CREATE OR REPLACE can
// make two views read each other.
const maxViewDepth = 64

// viewRelation plans a view named in FROM; ok is false if there is no
// such view. (A sequence named in FROM reads as its one-row state.)
func (p *Planner) viewRelation(name, alias string, parent *scope) (*relation, bool, error) {
	v, err := p.Cat.View(p.Txn, name)
	var wk *catalog.WrongKindError
	if errors.As(err, &wk) && wk.Kind == catalog.KindSequence {
		s, err := p.Cat.Sequence(p.Txn, name)
		if err != nil {
			return nil, false, err
		}
		return p.sequenceRelation(s, alias, parent), true, nil
	}
	if errors.Is(err, catalog.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	rel, err := p.PlanView(v)
	if err != nil {
		return nil, false, err
	}
	names := make([]string, len(v.Columns))
	for i, c := range v.Columns {
		names[i] = c.Name
	}
	return renamed(rel, alias, names, parent), true, nil
}

// PlanView plans a view's stored query on its own: names in it resolve
// now, against the catalog alone (not the CTEs of the query that names
// the view), with the view's own parameter map. The result has the
// view's columns: if a table the query reads gained columns since (SELECT
// * expands to more), the extra ones are cut off, as Postgres expanded *
// when the view was created; a changed column type is an error.
func (p *Planner) PlanView(v *catalog.View) (*relation, error) {
	if p.views >= maxViewDepth {
		return nil, pgerr.New(pgerr.InvalidObjectDefinition, "infinite recursion detected in rules for relation %q", v.Name)
	}
	rel, err := p.planStored(v.Query)
	if err != nil {
		return nil, err
	}
	var idx []int
	for i, c := range rel.sc.cols {
		if !c.hidden {
			idx = append(idx, i)
		}
	}
	if len(idx) < len(v.Columns) {
		return nil, pgerr.New(pgerr.FeatureNotSupported, "view %q no longer matches its definition: its query returns %d columns, the view has %d", v.Name, len(idx), len(v.Columns)).
			WithHint("Recreate the view.")
	}
	if len(idx) == len(rel.sc.cols) && len(idx) == len(v.Columns) {
		return rel, p.checkViewTypes(v, rel, idx)
	}
	idx = idx[:len(v.Columns)]
	if err := p.checkViewTypes(v, rel, idx); err != nil {
		return nil, err
	}
	out := &relation{sc: &scope{}}
	proj := &plan.Project{Input: rel.node}
	for _, i := range idx {
		c := rel.sc.cols[i]
		proj.Exprs = append(proj.Exprs, plan.Col{Idx: i})
		proj.Cols = append(proj.Cols, plan.Column{Name: c.name, Type: c.typ.T})
		out.sc.cols = append(out.sc.cols, c)
	}
	out.node = proj
	return out, nil
}

func (p *Planner) checkViewTypes(v *catalog.View, rel *relation, idx []int) error {
	for k, i := range idx {
		got, want := rel.sc.cols[i].typ, v.Columns[k]
		if got.T != want.Type {
			return pgerr.New(pgerr.FeatureNotSupported, "view %q no longer matches its definition: column %q is now of type %s, not %s", v.Name, want.Name, got.Name, want.PgType).
				WithHint("Recreate the view.")
		}
	}
	return nil
}

// PlanViewQuery plans a view's defining query (Postgres text) as CREATE
// VIEW does, and returns its result columns.
func (p *Planner) PlanViewQuery(text string) ([]ResultColumn, error) {
	rel, err := p.planStored(text)
	if err != nil {
		return nil, err
	}
	var out []ResultColumn
	for _, c := range rel.sc.cols {
		if !c.hidden {
			out = append(out, ResultColumn{Name: c.name, Type: c.typ, TableID: c.tableID, Column: c.colNum})
		}
	}
	return out, nil
}

// planStored plans stored query text in isolation from the statement
// being planned.
func (p *Planner) planStored(text string) (*relation, error) {
	if p.ParseStmt == nil {
		return nil, pgerr.New(pgerr.InternalError, "the planner cannot parse stored queries")
	}
	st, err := dialect.Prepare(text)
	if err != nil {
		return nil, pgerr.New(pgerr.InternalError, "stored view query does not prepare: %v", err)
	}
	if st.Kind != dialect.KindParsed {
		return nil, pgerr.New(pgerr.InternalError, "stored view query is a %s statement", st.Kind)
	}
	node, err := p.ParseStmt(st.Text)
	if err != nil {
		return nil, err
	}
	rs, ok := node.(ast.ResultSetNode)
	if !ok {
		return nil, pgerr.New(pgerr.InternalError, "stored view query is not a query")
	}
	if st.NumParams > 0 {
		return nil, pgerr.New(pgerr.UndefinedParameter, "there is no parameter $%d", st.NumParams)
	}
	stmt, params, fixed, ctes, levels := p.stmt, p.params, p.fixed, p.ctes, p.levels
	p.stmt, p.params, p.fixed, p.ctes, p.levels = st, nil, nil, nil, nil
	p.views++
	defer func() {
		p.stmt, p.params, p.fixed, p.ctes, p.levels = stmt, params, fixed, ctes, levels
		p.views--
	}()
	return p.query(rs, nil)
}
