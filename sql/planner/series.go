package planner

import (
	"github.com/persiandb/persiandb/sql/dialect"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/sql/plan"
	"github.com/persiandb/persiandb/sql/sem"
	"github.com/persiandb/persiandb/storage"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// series plans generate_series(start, stop[, step]) in FROM, which the
// dialect front turned into the table name pdb_series_<i>.
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
	node, err := p.ParseStmt(def.Args.Text)
	if err != nil {
		return nil, err
	}
	sel, ok := node.(*ast.SelectStmt)
	if ok && def.Func == "unnest" {
		return p.unnest(def, sel, parent)
	}
	if !ok || len(sel.Fields.Fields) < 2 || len(sel.Fields.Fields) > 3 {
		return nil, pgerr.New(pgerr.UndefinedFunction, "function generate_series takes 2 or 3 arguments")
	}
	// The arguments carry their own parameter map.
	outer := p.stmt
	p.stmt = def.Args
	defer func() { p.stmt = outer }()
	c := exprCtx{sc: &scope{parent: parent}, clause: "functions in FROM"}
	xs := make([]texpr, len(sel.Fields.Fields))
	for i, f := range sel.Fields.Fields {
		if xs[i], err = p.expr(c, f.Expr); err != nil {
			return nil, err
		}
	}
	es, t, err := p.unify(xs[:2], "generate_series")
	if err != nil {
		return nil, err
	}
	switch {
	case t.T == storage.TypeInt16:
		t = TypeOf(storage.TypeInt32)
		if es, _, err = p.unifyTo(xs[:2], t); err != nil {
			return nil, err
		}
	case t.T == storage.TypeInt32 || t.T == storage.TypeInt64 || t.T == storage.TypeNumeric:
	case t.T == storage.TypeTimestamp || t.T == storage.TypeTimestampTZ:
		if len(xs) != 3 {
			return nil, pgerr.New(pgerr.UndefinedFunction, "function generate_series(%s, %s) does not exist", t.Name, t.Name)
		}
	case t.T == storage.TypeFloat64 || t.T == storage.TypeFloat32:
		t = TypeOf(storage.TypeNumeric)
		if es, _, err = p.unifyTo(xs[:2], t); err != nil {
			return nil, err
		}
	default:
		return nil, pgerr.New(pgerr.UndefinedFunction, "function generate_series(%s, %s) does not exist", t.Name, t.Name)
	}
	n := &plan.Series{Start: es[0], Stop: es[1], Col: plan.Column{Name: def.Column, Type: t.T}}
	if len(xs) == 3 {
		st := t
		if t.T == storage.TypeTimestamp || t.T == storage.TypeTimestampTZ {
			st = TypeOf(storage.TypeInterval)
		}
		if n.Step, err = p.coerce(xs[2], st, sem.CastImplicit); err != nil {
			return nil, err
		}
	}
	sc := &scope{parent: parent, cols: []column{{table: def.Alias, name: def.Column, typ: t}}}
	return &fromItem{rel: &relation{node: n, sc: sc}}, nil
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

// unnest plans unnest(array) in FROM.
func (p *Planner) unnest(def *dialect.Series, sel *ast.SelectStmt, parent *scope) (*fromItem, error) {
	outer := p.stmt
	p.stmt = def.Args
	defer func() { p.stmt = outer }()
	c := exprCtx{sc: &scope{parent: parent}, clause: "functions in FROM"}
	xs := make([]texpr, len(sel.Fields.Fields))
	for i, f := range sel.Fields.Fields {
		x, err := p.expr(c, f.Expr)
		if err != nil {
			return nil, err
		}
		xs[i] = x
	}
	if len(xs) != 1 {
		return nil, notSupported("unnest with %d arguments is not supported", len(xs))
	}
	arr, err := p.arrayOperand(xs[0], Type{})
	if err != nil {
		return nil, err
	}
	if !arr.t.IsArray() {
		return nil, errNoFunction("unnest", xs)
	}
	t := arr.t.Elem()
	n := &plan.Unnest{Array: arr.e, Col: plan.Column{Name: def.Column, Type: t.T}}
	sc := &scope{parent: parent, cols: []column{{table: def.Alias, name: def.Column, typ: t}}}
	return &fromItem{rel: &relation{node: n, sc: sc}}, nil
}
