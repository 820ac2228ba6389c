package planner

import (
	"github.com/persiandb/persiandb/sql/dialect"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/sql/plan"
	"github.com/persiandb/persiandb/sql/sem"
	"github.com/persiandb/persiandb/storage"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// series plans a set-returning function in FROM (generate_series,
// unnest, generate_subscripts), which the dialect front turned into the
// table name pdb_series_<i>, with WITH ORDINALITY and the alias's column
// list.
func (p *Planner) series(name string, parent *scope) (*fromItem, error) {
	var def *dialect.Series
	if p.stmt.Rewrites != nil {
		for i := range p.stmt.Series {
			if p.stmt.Series[i].Table == name {
				def = &p.stmt.Series[i]
			}
		}
	}
	if def == nil || p.ParseStmt == nil {
		return nil, pgerr.New(pgerr.InternalError, "generate_series call %s was not recorded", name)
	}
	if def.Args == nil {
		return nil, errNoFunction(def.Func, nil)
	}
	node, err := p.ParseStmt(def.Args.Text)
	if err != nil {
		return nil, err
	}
	sel, ok := node.(*ast.SelectStmt)
	if !ok {
		return nil, pgerr.New(pgerr.InternalError, "arguments of %s are not a select list", def.Func)
	}
	var n plan.Node
	var types []Type
	var fixed []string // column names of functions with OUT parameters (jsonb_each's key, value)
	switch def.Func {
	case "unnest", "generate_subscripts":
		n, types, err = p.unnest(def, sel, parent)
	case "generate_series":
		n, types, err = p.generateSeries(def, sel, parent)
	default:
		n, types, fixed, err = p.jsonSeries(def, sel, parent)
	}
	if err != nil {
		return nil, err
	}
	// Column names: a function of one column is named after the alias if
	// one was written, else after the function; the column list renames
	// the first columns, ordinality included.
	names := make([]string, len(types))
	for i := range names {
		names[i] = def.Func
		if len(types) == 1 && def.Aliased {
			names[i] = def.Alias
		}
	}
	hiddenAlias := -1
	if fixed != nil {
		copy(names, fixed)
		// A function with one OUT column (jsonb_array_elements' value)
		// answers to its alias too: Postgres's whole-row reference to a
		// scalar result. That is a hidden copy of the column here.
		if u, ok := n.(*plan.Unnest); ok && len(fixed) == 1 && def.Aliased && len(def.Columns) == 0 {
			u.Arrays = append(u.Arrays, u.Arrays[0])
			types = append(types, types[0])
			names = append(names, def.Alias)
			hiddenAlias = len(names) - 1
		}
	}
	if def.Ordinality {
		names = append(names, "ordinality")
		types = append(types, TypeOf(storage.TypeInt64))
	}
	if len(def.Columns) > len(names) {
		return nil, pgerr.New(pgerr.InvalidColumnReference, "table \"%s\" has %d columns available but %d columns specified",
			def.Alias, len(names), len(def.Columns))
	}
	copy(names, def.Columns)
	cols := make([]plan.Column, len(names))
	sc := &scope{parent: parent}
	for i, nm := range names {
		cols[i] = plan.Column{Name: nm, Type: types[i].T}
		sc.cols = append(sc.cols, column{table: def.Alias, name: nm, typ: types[i], noStar: i == hiddenAlias})
	}
	switch n := n.(type) {
	case *plan.Series:
		n.Col = cols[0]
	case *plan.Unnest:
		n.Cols = cols[:len(n.Arrays)]
	}
	if def.Ordinality {
		n = &plan.Ordinality{Input: n, Col: cols[len(cols)-1]}
	}
	return &fromItem{rel: &relation{node: n, sc: sc}}, nil
}

// generateSeries plans generate_series(start, stop[, step]).
func (p *Planner) generateSeries(def *dialect.Series, sel *ast.SelectStmt, parent *scope) (plan.Node, []Type, error) {
	var err error
	if len(sel.Fields.Fields) < 2 || len(sel.Fields.Fields) > 3 {
		return nil, nil, pgerr.New(pgerr.UndefinedFunction, "function generate_series takes 2 or 3 arguments")
	}
	// The arguments carry their own parameter map.
	outer := p.stmt
	p.stmt = def.Args
	defer func() { p.stmt = outer }()
	xs, err := p.fromArgs(sel, parent)
	if err != nil {
		return nil, nil, err
	}
	es, t, err := p.unify(xs[:2], "generate_series")
	if err != nil {
		return nil, nil, err
	}
	switch {
	case t.T == storage.TypeInt16:
		t = TypeOf(storage.TypeInt32)
		if es, _, err = p.unifyTo(xs[:2], t); err != nil {
			return nil, nil, err
		}
	case t.T == storage.TypeInt32 || t.T == storage.TypeInt64 || t.T == storage.TypeNumeric:
	case t.T == storage.TypeTimestamp || t.T == storage.TypeTimestampTZ:
		if len(xs) != 3 {
			return nil, nil, pgerr.New(pgerr.UndefinedFunction, "function generate_series(%s, %s) does not exist", t.Name, t.Name)
		}
	case t.T == storage.TypeFloat64 || t.T == storage.TypeFloat32:
		t = TypeOf(storage.TypeNumeric)
		if es, _, err = p.unifyTo(xs[:2], t); err != nil {
			return nil, nil, err
		}
	default:
		return nil, nil, pgerr.New(pgerr.UndefinedFunction, "function generate_series(%s, %s) does not exist", t.Name, t.Name)
	}
	n := &plan.Series{Start: es[0], Stop: es[1]}
	if len(xs) == 3 {
		st := t
		if t.T == storage.TypeTimestamp || t.T == storage.TypeTimestampTZ {
			st = TypeOf(storage.TypeInterval)
		}
		if n.Step, err = p.coerce(xs[2], st, sem.CastImplicit); err != nil {
			return nil, nil, err
		}
	}
	return n, []Type{t}, nil
}

// unifyTo converts xs to t.
func (p *Planner) unifyTo(xs []texpr, t Type) ([]plan.Expr, Type, error) {
	out := make([]plan.Expr, len(xs))
	for i, x := range xs {
		e, err := p.coerce(x, t, sem.CastImplicit)
		if err != nil {
			return nil, t, err
		}
		out[i] = e
	}
	return out, t, nil
}

// unnest plans unnest(a, b, ...) in FROM, and generate_subscripts(a,
// dim[, reverse]) as the unnest of the subscripts' array.
func (p *Planner) unnest(def *dialect.Series, sel *ast.SelectStmt, parent *scope) (plan.Node, []Type, error) {
	outer := p.stmt
	p.stmt = def.Args
	defer func() { p.stmt = outer }()
	xs, err := p.fromArgs(sel, parent)
	if err != nil {
		return nil, nil, err
	}
	if def.Func == "generate_subscripts" {
		x, err := p.generateSubscripts(xs)
		if err != nil {
			return nil, nil, err
		}
		return &plan.Unnest{Arrays: []plan.Expr{x.e}}, []Type{x.t.Elem()}, nil
	}
	if len(xs) == 0 {
		return nil, nil, errNoFunction("unnest", xs)
	}
	n := &plan.Unnest{}
	var types []Type
	for _, x := range xs {
		arr, err := p.arrayOperand(x, Type{})
		if err != nil {
			return nil, nil, err
		}
		if !arr.t.IsArray() {
			if len(xs) == 1 {
				return nil, nil, errNoFunction("unnest", xs)
			}
			// Postgres plans unnest(a, b) as one unnest per argument
			// (ROWS FROM) and names the one that failed.
			return nil, nil, errNoFunction("pg_catalog.unnest", []texpr{x})
		}
		n.Arrays = append(n.Arrays, arr.e)
		types = append(types, arr.t.Elem())
	}
	return n, types, nil
}

// fromArgs plans the arguments of a function in FROM (the select list of
// the dialect's rewrite of its call), in a scope of their own: they may
// read earlier FROM items through parent.
func (p *Planner) fromArgs(sel *ast.SelectStmt, parent *scope) ([]texpr, error) {
	c := exprCtx{sc: &scope{parent: parent}, clause: "functions in FROM"}
	xs := make([]texpr, len(sel.Fields.Fields))
	for i, f := range sel.Fields.Fields {
		x, err := p.expr(c, f.Expr)
		if err != nil {
			return nil, err
		}
		xs[i] = x
	}
	return xs, nil
}
