package planner

import (
	"regexp"
	"strings"

	"github.com/persiandb/persiandb/sql/dialect"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/sql/plan"
	"github.com/persiandb/persiandb/sql/sem"
	"github.com/persiandb/persiandb/storage"
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/test_driver"
)

// aggFuncs are the aggregates the TiDB grammar does not know, so they
// arrive as plain calls.
var aggFuncs = map[string]bool{"string_agg": true, "bool_and": true, "bool_or": true, "every": true,
	"json_agg": true, "jsonb_agg": true, "json_object_agg": true, "jsonb_object_agg": true}

func isAggCall(n ast.Node) bool {
	switch n := n.(type) {
	case *ast.AggregateFuncExpr:
		return true
	case *ast.FuncCallExpr:
		return aggFuncs[n.FnName.L]
	}
	return false
}

func (p *Planner) call(c exprCtx, n *ast.FuncCallExpr) (texpr, error) {
	name := n.FnName.L
	if aggFuncs[name] {
		return texpr{}, p.misplacedAgg(c, name)
	}
	if arrayFuncs[name] {
		return p.arrayCall(c, n)
	}
	switch name {
	case dialect.FuncCast:
		return p.castCall(c, n)
	case "concat": // the || operator
		l, r, err := p.operands(c, n)
		if err != nil {
			return l, err
		}
		if !l.open() && l.t.IsArray() || !r.open() && r.t.IsArray() {
			return p.arrayConcat(l, r)
		}
		if x, ok, err := p.jsonbConcat(l, r); ok {
			return x, err
		}
		return p.arith(sem.OpConcat, l, r)
	case dialect.FuncConcat:
		name = "concat"
	case dialect.FuncExtract:
		name = "extract"
	case "coalesce":
		return p.coalesce(c, n.Args)
	case "nullif":
		return p.nullif(c, n.Args)
	case dialect.FuncRegexMatch, dialect.FuncRegexIMatch:
		return p.regexCall(c, n, name == dialect.FuncRegexIMatch)
	case "trim":
		return p.trimCall(c, n)
	case dialect.FuncNullsFirst, dialect.FuncNullsLast, dialect.FuncDistinctOn:
		return texpr{}, pgerr.New(pgerr.SyntaxError, "syntax error: NULLS FIRST/LAST or DISTINCT ON in the wrong place")
	case "generate_series":
		return texpr{}, notSupported("set-returning function generate_series is only supported in FROM")
	case "nextval", "currval", "setval", "lastval":
		return p.sequenceCall(c, n)
	case "pg_typeof":
		return p.typeofCall(c, n)
	case dialect.FuncJSONGet, dialect.FuncJSONGetText, dialect.FuncJSONPath, dialect.FuncJSONPathText,
		dialect.FuncJSONExists, dialect.FuncJSONExistsAny, dialect.FuncJSONExistsAll:
		return p.jsonOpCall(c, n)
	case dialect.FuncPow, dialect.FuncXor:
		if len(n.Args) != 2 {
			return texpr{}, pgerr.New(pgerr.SyntaxError, "syntax error at or near %q", name)
		}
		l, r, err := p.operands(c, n)
		if err != nil {
			return l, err
		}
		if name == dialect.FuncPow {
			return p.arith(sem.OpPow, l, r)
		}
		return p.arith(sem.OpBitXor, l, r)
	}
	args := make([]texpr, len(n.Args))
	types := make([]storage.Type, len(n.Args))
	for i, a := range n.Args {
		x, err := p.expr(c, a)
		if err != nil {
			return x, err
		}
		args[i] = x
		if !x.open() {
			types[i] = x.t.T
		}
	}
	if (name == "to_json" || name == "to_jsonb") && len(args) == 1 && args[0].open() {
		// anyelement cannot take its type from an unknown literal.
		return texpr{}, pgerr.New(pgerr.DatatypeMismatch, "could not determine polymorphic type because input has type unknown")
	}
	f, err := sem.Lookup(name, types)
	if err != nil {
		return texpr{}, err
	}
	es := make([]plan.Expr, len(args))
	for i, a := range args {
		pt := f.Args[min(i, len(f.Args)-1)]
		if pt == sem.AnyType {
			if a, err = p.settle(a); err != nil {
				return a, err
			}
			es[i] = a.e
			continue
		}
		if es[i], err = p.coerce(a, TypeOf(pt), sem.CastImplicit); err != nil {
			return texpr{}, err
		}
	}
	return p.funcExpr(f, es), nil
}

// constValues returns the arguments' values if every one is a constant.
func constValues(args []plan.Expr) ([]storage.Value, bool) {
	consts := make([]storage.Value, len(args))
	for i, a := range args {
		c, ok := a.(plan.Const)
		if !ok {
			return nil, false
		}
		consts[i] = c.Value
	}
	return consts, true
}

// funcExpr calls a resolved function; constant arguments of a
// non-volatile function fold at plan time.
func (p *Planner) funcExpr(f *sem.Func, args []plan.Expr) texpr {
	ctx := p.Sem
	t := TypeOf(f.Ret)
	if !f.Volatile && !timeDependent[f.Name] {
		if consts, all := constValues(args); all {
			if v, err := f.Call(ctx, consts); err == nil {
				return texpr{e: plan.Const{Value: v}, t: t}
			}
		}
	}
	// The arguments were coerced to f's parameter types above and the
	// executor applies strictness, so f.Fn runs directly: Call would copy
	// the arguments for each row.
	return texpr{e: plan.Func{Name: f.Name, Args: args, Strict: !f.NonStrict, Impl: func(a []storage.Value) (storage.Value, error) {
		return f.Fn(ctx, a)
	}}, t: t}
}

// timeDependent functions read the statement clock or time zone, which
// differ between executions of a prepared plan.
var timeDependent = map[string]bool{
	"now": true, "current_timestamp": true, "current_date": true, "localtimestamp": true,
	"statement_timestamp": true, "transaction_timestamp": true, "clock_timestamp": true,
	"date_part": true, "extract": true, "date_trunc": true,
}

func (p *Planner) castCall(c exprCtx, n *ast.FuncCallExpr) (texpr, error) {
	v, ok := n.Args[1].(*test_driver.ValueExpr)
	if !ok {
		return texpr{}, pgerr.New(pgerr.InternalError, "malformed cast")
	}
	tn, err := dialect.ParseTypeName(v.GetString())
	if err != nil {
		return texpr{}, err
	}
	t, err := ResolveType(tn)
	if err != nil {
		return texpr{}, err
	}
	x, ok, err := p.castArrayCtor(c, n.Args[0], t)
	if !ok {
		x, err = p.expr(c, n.Args[0])
	}
	if err != nil {
		return x, err
	}
	if r, ok, err := p.regCast(x, t); ok {
		return r, err
	}
	e, err := p.coerce(x, t, sem.CastExplicit)
	if err != nil {
		return x, err
	}
	return texpr{e: e, t: t}, nil
}

func (p *Planner) exprs(c exprCtx, ns []ast.ExprNode) ([]texpr, error) {
	out := make([]texpr, len(ns))
	for i, a := range ns {
		x, err := p.expr(c, a)
		if err != nil {
			return nil, err
		}
		out[i] = x
	}
	return out, nil
}

func (p *Planner) coalesce(c exprCtx, args []ast.ExprNode) (texpr, error) {
	xs, err := p.exprs(c, args)
	if err != nil {
		return texpr{}, err
	}
	es, t, err := p.unify(xs, "COALESCE")
	if err != nil {
		return texpr{}, err
	}
	return texpr{e: plan.Coalesce{Args: es}, t: t}, nil
}

func (p *Planner) nullif(c exprCtx, args []ast.ExprNode) (texpr, error) {
	if len(args) != 2 {
		return texpr{}, pgerr.New(pgerr.UndefinedFunction, "function nullif with %d arguments does not exist", len(args))
	}
	xs, err := p.exprs(c, args)
	if err != nil {
		return texpr{}, err
	}
	// The result has the first argument's type, even when the comparison
	// promotes it (nullif(53, 80.0) is an integer).
	first, err := p.settle(xs[0])
	if err != nil {
		return texpr{}, err
	}
	es, _, err := p.unify([]texpr{first, xs[1]}, "NULLIF")
	if err != nil {
		return texpr{}, err
	}
	return texpr{e: plan.Case{Whens: []plan.When{{Cond: plan.Cmp{Op: plan.EQ, L: es[0], R: es[1]}, Then: plan.Const{Value: storage.Null()}}}, Else: first.e}, t: first.t}, nil
}

func (p *Planner) trimCall(c exprCtx, n *ast.FuncCallExpr) (texpr, error) {
	name := "btrim"
	args := n.Args
	if len(args) == 3 {
		if d, ok := args[2].(*ast.TrimDirectionExpr); ok {
			switch d.Direction {
			case ast.TrimLeading:
				name = "ltrim"
			case ast.TrimTrailing:
				name = "rtrim"
			}
		}
		args = args[:2]
	}
	if len(args) == 2 {
		if v, ok := args[1].(*test_driver.ValueExpr); ok && v.Kind() == test_driver.KindString && v.GetString() == " " {
			args = args[:1]
		}
	}
	return p.call(c, &ast.FuncCallExpr{FnName: ast.NewCIStr(name), Args: args})
}

// textOperands binds the operands of a string-matching operator as text.
func (p *Planner) textOperands(c exprCtx, l, r ast.ExprNode, op string) (plan.Expr, plan.Expr, error) {
	var es [2]plan.Expr
	for i, n := range []ast.ExprNode{l, r} {
		x, err := p.expr(c, n)
		if err != nil {
			return nil, nil, err
		}
		if !x.open() && x.t.T != storage.TypeText {
			return nil, nil, pgerr.New(pgerr.UndefinedFunction, "operator does not exist: %s %s text", x.t.Name, op)
		}
		if es[i], err = p.coerce(x, TypeOf(storage.TypeText), sem.CastImplicit); err != nil {
			return nil, nil, err
		}
	}
	return es[0], es[1], nil
}

func (p *Planner) like(c exprCtx, n *ast.PatternLikeOrIlikeExpr) (texpr, error) {
	op := "~~"
	if !n.IsLike {
		op = "~~*"
	}
	l, r, err := p.textOperands(c, n.Expr, n.Pattern, op)
	if err != nil {
		return texpr{}, err
	}
	escape := rune(n.Escape)
	fold := !n.IsLike
	compileLike := func(pat string) (*regexp.Regexp, error) { return likeRegexp(pat, escape, fold) }
	return p.matchExpr(op, l, r, n.Not, compileLike), nil
}

func (p *Planner) regexCall(c exprCtx, n *ast.FuncCallExpr, fold bool) (texpr, error) {
	op := "~"
	if fold {
		op = "~*"
	}
	l, r, err := p.textOperands(c, n.Args[0], n.Args[1], op)
	if err != nil {
		return texpr{}, err
	}
	compile := func(pat string) (*regexp.Regexp, error) { return regexCompile(pat, fold) }
	return p.matchExpr(op, l, r, false, compile), nil
}

// regexCompile compiles the regular expression of ~ (~* when fold).
func regexCompile(pat string, fold bool) (*regexp.Regexp, error) {
	if fold {
		pat = "(?i)" + pat
	}
	re, err := regexp.Compile(pat)
	if err != nil {
		return nil, pgerr.New(pgerr.InvalidRegularExpression, "invalid regular expression: %v", err)
	}
	return re, nil
}

// matchExpr matches l against pattern r, compiling a constant pattern
// once at plan time.
func (p *Planner) matchExpr(op string, l, r plan.Expr, not bool, compile func(string) (*regexp.Regexp, error)) texpr {
	var fixed *regexp.Regexp
	if c, ok := r.(plan.Const); ok && !c.Value.IsNull() {
		fixed, _ = compile(c.Value.AsString())
	}
	impl := func(a []storage.Value) (storage.Value, error) {
		re := fixed
		if re == nil {
			var err error
			if re, err = compile(a[1].AsString()); err != nil {
				return storage.Value{}, err
			}
		}
		return storage.Bool(re.MatchString(a[0].AsString()) != not), nil
	}
	return boolExpr(plan.Func{Name: op, Args: []plan.Expr{l, r}, Strict: true, Impl: impl})
}

// likeRegexp translates a LIKE pattern: % any run, _ one character,
// escape quotes the next character; the match is of the whole string.
func likeRegexp(pat string, escape rune, fold bool) (*regexp.Regexp, error) {
	var b strings.Builder
	b.WriteString("(?s)")
	if fold {
		b.WriteString("(?i)")
	}
	b.WriteString("^")
	rs := []rune(pat)
	for i := 0; i < len(rs); i++ {
		ch := rs[i]
		switch {
		case escape != 0 && ch == escape:
			if i+1 >= len(rs) {
				return nil, pgerr.New(pgerr.InvalidEscapeSequence, "LIKE pattern must not end with escape character")
			}
			i++
			b.WriteString(regexp.QuoteMeta(string(rs[i])))
		case ch == '%':
			b.WriteString(".*")
		case ch == '_':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(ch)))
		}
	}
	b.WriteString("$")
	return regexp.Compile(b.String())
}

// oidUnknown is the type of a literal whose type is not yet resolved.
const oidUnknown = 705

// typeofCall is pg_typeof(x): the type the planner gave x, as a regtype
// (its output is the type's name). The argument is typed, not run.
func (p *Planner) typeofCall(c exprCtx, n *ast.FuncCallExpr) (texpr, error) {
	if len(n.Args) != 1 {
		return texpr{}, pgerr.New(pgerr.UndefinedFunction, "function pg_typeof() with %d arguments does not exist", len(n.Args))
	}
	x, err := p.expr(c, n.Args[0])
	if err != nil {
		return x, err
	}
	oid := int64(oidUnknown)
	if !x.open() {
		oid = int64(x.t.OID())
	}
	return texpr{e: plan.Const{Value: storage.Int64(oid)}, t: Type{T: storage.TypeInt64, Name: "regtype", Typmod: -1}}, nil
}

// operands plans the two operands of an operator the dialect wrote as a
// call (||, ^, #).
func (p *Planner) operands(c exprCtx, n *ast.FuncCallExpr) (l, r texpr, err error) {
	if l, err = p.expr(c, n.Args[0]); err != nil {
		return l, r, err
	}
	r, err = p.expr(c, n.Args[1])
	return l, r, err
}
