package planner

import (
	"strings"

	"github.com/persiandb/persiandb/sql/dialect"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/sql/plan"
	"github.com/persiandb/persiandb/sql/sem"
	"github.com/persiandb/persiandb/storage"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// isPlainJSON reports whether t is json (or an array of it): unlike jsonb,
// Postgres's json has no equality or ordering operators at all, so
// comparing, sorting, grouping or indexing it is an error, never an
// answer based on its text.
func isPlainJSON(t Type) bool { return t.T.Elem() == storage.TypeJSON }

// checkOrderable rejects json where an ordering or equality operator is
// needed (ORDER BY, DISTINCT, GROUP BY), with Postgres's 42883.
func checkOrderable(t Type, what string) error {
	if isPlainJSON(t) {
		return pgerr.New(pgerr.UndefinedFunction, "could not identify an %s operator for type %s", what, t.Name).
			WithHint("Use an explicit ordering operator or modify the query.")
	}
	return nil
}

var (
	typeJSONB     = TypeOf(storage.TypeJSONB)
	typeText      = TypeOf(storage.TypeText)
	typeTextArray = ArrayOf(TypeOf(storage.TypeText))
)

// jsonOpText is the operator each JSON marker call stands for.
var jsonOpText = map[string]string{
	dialect.FuncJSONGet: "->", dialect.FuncJSONGetText: "->>", dialect.FuncJSONPath: "#>",
	dialect.FuncJSONPathText: "#>>", dialect.FuncJSONExists: "?", dialect.FuncJSONExistsAny: "?|",
	dialect.FuncJSONExistsAll: "?&",
}

func isJSONType(t Type) bool { return t.T == storage.TypeJSON || t.T == storage.TypeJSONB }

// isIndexType reports whether t converts implicitly to integer, the
// index type of -> and - (bigint does not: jsonb -> bigint is 42883).
func isIndexType(t Type) bool {
	return t.T == storage.TypeInt16 || t.T == storage.TypeInt32
}

// jsonOpCall binds the operators the dialect turned into marker calls
// (see dialect.FuncJSONGet): the left operand must be json or jsonb (the
// existence operators jsonb only), the right one a key, index or path.
func (p *Planner) jsonOpCall(c exprCtx, n *ast.FuncCallExpr) (texpr, error) {
	name := n.FnName.L
	op := jsonOpText[name]
	if len(n.Args) != 2 {
		return texpr{}, pgerr.New(pgerr.SyntaxError, "syntax error at or near %q", op)
	}
	l, r, err := p.operands(c, n)
	if err != nil {
		return l, err
	}
	exists := name == dialect.FuncJSONExists || name == dialect.FuncJSONExistsAny || name == dialect.FuncJSONExistsAll
	switch {
	case l.open() && exists:
		e, err := p.coerce(l, typeJSONB, sem.CastImplicit)
		if err != nil {
			return texpr{}, err
		}
		l = texpr{e: e, t: typeJSONB}
	case l.open():
		return texpr{}, pgerr.New(pgerr.AmbiguousFunction, "operator is not unique: unknown %s %s", op, typeNameOf(r)).
			WithHint("Could not choose a best candidate operator. You might need to add explicit type casts.")
	case !isJSONType(l.t) || exists && l.t.T != storage.TypeJSONB:
		return texpr{}, errOperator(l, op, r)
	}
	// The right operand's type: text for keys (an unknown literal
	// prefers it), an integer for -> and ->> indexes, text[] for paths.
	want := typeText
	switch name {
	case dialect.FuncJSONPath, dialect.FuncJSONPathText, dialect.FuncJSONExistsAny, dialect.FuncJSONExistsAll:
		want = typeTextArray
	case dialect.FuncJSONGet, dialect.FuncJSONGetText:
		if !r.open() && isIndexType(r.t) {
			want = TypeOf(storage.TypeInt32)
		}
	}
	if !r.open() && r.t.T != want.T && !(want.T == storage.TypeInt32 && isIndexType(r.t)) {
		return texpr{}, errOperator(l, op, r)
	}
	re, err := p.coerce(r, want, sem.CastImplicit)
	if err != nil {
		return texpr{}, err
	}
	args := []plan.Expr{l.e, re}
	switch name {
	case dialect.FuncJSONGet, dialect.FuncJSONGetText:
		asText := name == dialect.FuncJSONGetText
		t := l.t
		if asText {
			t = typeText
		}
		return fnExpr(op, t, true, args, func(a []storage.Value) (storage.Value, error) {
			return sem.JSONGet(a[0], a[1], asText)
		}), nil
	case dialect.FuncJSONPath, dialect.FuncJSONPathText:
		asText := name == dialect.FuncJSONPathText
		t := l.t
		if asText {
			t = typeText
		}
		return fnExpr(op, t, true, args, func(a []storage.Value) (storage.Value, error) {
			return sem.JSONPath(a[0], a[1], asText)
		}), nil
	case dialect.FuncJSONExists:
		return fnExpr(op, TypeOf(storage.TypeBool), true, args, func(a []storage.Value) (storage.Value, error) {
			ok, err := sem.JSONBExists(a[0], a[1])
			return storage.Bool(ok), err
		}), nil
	}
	all := name == dialect.FuncJSONExistsAll
	return fnExpr(op, TypeOf(storage.TypeBool), true, args, func(a []storage.Value) (storage.Value, error) {
		ok, err := sem.JSONBExistsKeys(a[0], a[1], all)
		return storage.Bool(ok), err
	}), nil
}

// jsonbOperands types a binary jsonb operator's operands: an open side
// becomes jsonb. ok is false when neither side is jsonb (the caller then
// binds the operator for other types).
func (p *Planner) jsonbOperands(l, r texpr) (texpr, texpr, bool, error) {
	lj, rj := !l.open() && l.t.T == storage.TypeJSONB, !r.open() && r.t.T == storage.TypeJSONB
	if !(lj && (r.open() || rj) || rj && l.open()) {
		return l, r, false, nil
	}
	for _, x := range []*texpr{&l, &r} {
		if x.open() {
			e, err := p.coerce(*x, typeJSONB, sem.CastImplicit)
			if err != nil {
				return l, r, true, err
			}
			*x = texpr{e: e, t: typeJSONB}
		}
	}
	return l, r, true, nil
}

// jsonbContains binds a @> b for jsonb (a <@ b arrives as b @> a).
func (p *Planner) jsonbContains(l, r texpr) (texpr, bool, error) {
	l, r, ok, err := p.jsonbOperands(l, r)
	if !ok || err != nil {
		return texpr{}, ok, err
	}
	return fnExpr("@>", TypeOf(storage.TypeBool), true, []plan.Expr{l.e, r.e}, func(a []storage.Value) (storage.Value, error) {
		ok, err := sem.JSONBContains(a[0], a[1])
		return storage.Bool(ok), err
	}), true, nil
}

// jsonbConcat binds jsonb || jsonb.
func (p *Planner) jsonbConcat(l, r texpr) (texpr, bool, error) {
	l, r, ok, err := p.jsonbOperands(l, r)
	if !ok || err != nil {
		return texpr{}, ok, err
	}
	return fnExpr("||", typeJSONB, true, []plan.Expr{l.e, r.e}, func(a []storage.Value) (storage.Value, error) {
		return sem.JSONBConcat(a[0], a[1])
	}), true, nil
}

// jsonbDelete binds jsonb - text, jsonb - integer and jsonb - text[].
func (p *Planner) jsonbDelete(l, r texpr) (texpr, error) {
	want := typeText
	if !r.open() {
		switch {
		case isIndexType(r.t):
			want = TypeOf(storage.TypeInt32)
		case r.t.T == storage.ArrayOf(storage.TypeText):
			want = r.t
		case r.t.T != storage.TypeText:
			return texpr{}, errOperator(l, "-", r)
		}
	}
	re, err := p.coerce(r, want, sem.CastImplicit)
	if err != nil {
		return texpr{}, err
	}
	return fnExpr("-", typeJSONB, true, []plan.Expr{l.e, re}, func(a []storage.Value) (storage.Value, error) {
		return sem.JSONBDelete(a[0], a[1])
	}), nil
}

// jsonAgg binds json_agg, jsonb_agg, json_object_agg and
// jsonb_object_agg: any argument types; the result type follows the name.
func (p *Planner) jsonAgg(c exprCtx, agg plan.Aggregate, name string, x texpr, args []ast.ExprNode) (plan.Aggregate, string, error) {
	var err error
	if x, err = p.settle(x); err != nil {
		return agg, "", err
	}
	agg.Arg, agg.Type = x.e, storage.TypeJSON
	if strings.HasPrefix(name, "jsonb") {
		agg.Type = storage.TypeJSONB
	}
	if agg.Func == plan.AggJSONObjectAgg {
		v, err := p.expr(c, args[1])
		if err != nil {
			return agg, "", err
		}
		if v, err = p.settle(v); err != nil {
			return agg, "", err
		}
		agg.Sep = v.e
	}
	return agg, name, nil
}

// jsonSeries plans the JSON set-returning functions in FROM as an unnest
// of arrays the function's argument is turned into: the elements
// (json_array_elements, _text), the keys (json_object_keys), or keys and
// values side by side (json_each, _text). fixed names the columns of the
// functions whose columns have names of their own.
func (p *Planner) jsonSeries(def *dialect.Series, sel *ast.SelectStmt, parent *scope) (plan.Node, []Type, []string, error) {
	outer := p.stmt
	p.stmt = def.Args
	defer func() { p.stmt = outer }()
	xs, err := p.fromArgs(sel, parent)
	if err != nil {
		return nil, nil, nil, err
	}
	name := def.Func
	if strings.Contains(name, "_each") {
		keys, err := p.jsonSetArray(name, xs, sem.JSONSetKeys)
		if err != nil {
			return nil, nil, nil, err
		}
		vals, err := p.jsonSetArray(name, xs, sem.JSONSetValues)
		if err != nil {
			return nil, nil, nil, err
		}
		return &plan.Unnest{Arrays: []plan.Expr{keys.e, vals.e}}, []Type{keys.t.Elem(), vals.t.Elem()}, []string{"key", "value"}, nil
	}
	kind := sem.JSONSetElements
	if strings.Contains(name, "object_keys") {
		kind = sem.JSONSetKeys
	}
	arr, err := p.jsonSetArray(name, xs, kind)
	if err != nil {
		return nil, nil, nil, err
	}
	var fixed []string
	if kind == sem.JSONSetElements {
		fixed = []string{"value"}
	}
	return &plan.Unnest{Arrays: []plan.Expr{arr.e}}, []Type{arr.t.Elem()}, fixed, nil
}

// jsonSetArray binds a JSON set-returning function's argument and returns
// the array of the rows (of kind) it yields, for an Unnest in FROM or a
// ProjectSet in the select list.
func (p *Planner) jsonSetArray(name string, xs []texpr, kind sem.JSONSetKind) (texpr, error) {
	jt := TypeOf(storage.TypeJSON)
	if strings.HasPrefix(name, "jsonb") {
		jt = typeJSONB
	}
	if len(xs) != 1 || !xs[0].open() && xs[0].t.T != jt.T {
		return texpr{}, errNoFunction(name, xs)
	}
	arg, err := p.coerce(xs[0], jt, sem.CastImplicit)
	if err != nil {
		return texpr{}, err
	}
	asText := strings.HasSuffix(name, "_text")
	t := jt
	if asText && kind != sem.JSONSetKeys {
		t = typeText
	}
	if kind == sem.JSONSetKeys {
		t = typeText
	}
	return fnExpr(name, ArrayOf(t), true, []plan.Expr{arg}, func(a []storage.Value) (storage.Value, error) {
		return sem.JSONSet(a[0], name, kind, asText)
	}), nil
}

// jsonSelectSRFs are the JSON set-returning functions of one column,
// which the select list takes too (json_each's two columns only in FROM).
var jsonSelectSRFs = map[string]bool{
	"json_array_elements": true, "jsonb_array_elements": true, "json_array_elements_text": true,
	"jsonb_array_elements_text": true, "json_object_keys": true, "jsonb_object_keys": true,
}

// jsonSelectSRF binds one of jsonSelectSRFs in the select list to the
// array of its rows, which a ProjectSet expands.
func (p *Planner) jsonSelectSRF(c exprCtx, f *ast.FuncCallExpr) (texpr, error) {
	xs := make([]texpr, len(f.Args))
	for i, a := range f.Args {
		x, err := p.expr(c, a)
		if err != nil {
			return x, err
		}
		xs[i] = x
	}
	kind := sem.JSONSetElements
	if strings.Contains(f.FnName.L, "object_keys") {
		kind = sem.JSONSetKeys
	}
	return p.jsonSetArray(f.FnName.L, xs, kind)
}
