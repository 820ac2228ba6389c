package planner

import (
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/sql/plan"
	"github.com/persiandb/persiandb/sql/sem"
	"github.com/persiandb/persiandb/storage"
)

// texpr is a bound expression with its type. Untyped literals ('abc',
// NULL) and parameters whose type is not known yet stay open until the
// context gives them a type, as Postgres's "unknown" does.
type texpr struct {
	e plan.Expr
	t Type
	// unknown: a string literal (lit) or NULL (null) not typed yet.
	unknown bool
	null    bool
	lit     string
	// param is n for a $n whose type is still open.
	param int
	// pos is an unknown literal's position in the statement text (0 if
	// not known): errors converting it to a type point there.
	pos int
	// col is set when the expression is a plain base-table column (for
	// result descriptions).
	col *column
}

func (x texpr) open() bool { return x.unknown || x.param > 0 }

func constExpr(v storage.Value) texpr {
	return texpr{e: plan.Const{Value: v}, t: TypeOf(v.Type())}
}

// coerce converts x to type t, allowing casts of context cc: open
// expressions take t outright; typed ones need a cast.
func (p *Planner) coerce(x texpr, t Type, cc sem.CastContext) (plan.Expr, error) {
	switch {
	case x.param > 0:
		p.fixParam(x.param, t)
		return plan.Param{N: x.param}, nil
	case x.null:
		return plan.Const{Value: storage.Null()}, nil
	case x.unknown:
		v, err := sem.ParseText(p.Sem, x.lit, t.T)
		if err != nil {
			return nil, at(err, x.pos)
		}
		if v, err = applyTypmod(v, t, cc == sem.CastExplicit); err != nil {
			return nil, err
		}
		return plan.Const{Value: v}, nil
	}
	if x.t.T == t.T && (t.Typmod < 0 || x.t.Typmod == t.Typmod) {
		return x.e, nil
	}
	if !sem.CanCast(x.t.T, t.T, cc) {
		if cc == sem.CastExplicit {
			return nil, pgerr.New(pgerr.CannotCoerce, "cannot cast type %s to %s", x.t.Name, t.Name)
		}
		return nil, pgerr.New(pgerr.DatatypeMismatch, "cannot convert type %s to %s", x.t.Name, t.Name)
	}
	return p.castFn(x.e, t, cc == sem.CastExplicit), nil
}

// castFn wraps e (non-open) in a conversion to t.
func (p *Planner) castFn(e plan.Expr, t Type, explicit bool) plan.Expr {
	ctx := p.Sem
	if c, ok := e.(plan.Const); ok {
		// Fold constant casts; an error is left to execution time, where
		// Postgres would raise it too (it may be in an untaken CASE arm).
		if v, err := sem.Cast(ctx, c.Value, t.T); err == nil {
			if v, err = applyTypmod(v, t, explicit); err == nil {
				return plan.Const{Value: v}
			}
		}
	}
	return plan.Func{Name: "cast", Args: []plan.Expr{e}, Strict: true, Impl: func(a []storage.Value) (storage.Value, error) {
		v, err := sem.Cast(ctx, a[0], t.T)
		if err != nil {
			return v, err
		}
		return applyTypmod(v, t, explicit)
	}}
}

// applyTypmod enforces t's modifier on v (varchar length, numeric
// precision, timestamp precision).
func applyTypmod(v storage.Value, t Type, explicit bool) (storage.Value, error) {
	if t.Typmod < 0 || v.IsNull() {
		return v, nil
	}
	if t.IsArray() {
		et := t.Elem()
		return sem.MapArray(v, et.T, func(e storage.Value) (storage.Value, error) { return applyTypmod(e, et, explicit) })
	}
	switch t.Name {
	case "character varying":
		return sem.ApplyVarcharTypmod(v, int(t.Typmod-4), explicit)
	case "character":
		return sem.ApplyCharTypmod(v, int(t.Typmod-4), explicit)
	case "numeric":
		m := t.Typmod - 4
		return sem.ApplyNumericTypmod(v, int(m>>16), int(int16(m&0xffff)))
	case "timestamp without time zone", "timestamp with time zone":
		return sem.ApplyTimestampTypmod(v, int(t.Typmod))
	}
	return v, nil
}

// settle gives an open expression its default type, text.
func (p *Planner) settle(x texpr) (texpr, error) {
	if !x.open() {
		return x, nil
	}
	t := TypeOf(storage.TypeText)
	e, err := p.coerce(x, t, sem.CastImplicit)
	if err != nil {
		return x, err
	}
	return texpr{e: e, t: t}, nil
}

// intFamily etc. mirror storage's type families for comparisons.
func family(t storage.Type) int {
	switch t {
	case storage.TypeInt16, storage.TypeInt32, storage.TypeInt64:
		return 1
	case storage.TypeFloat32, storage.TypeFloat64:
		return 2
	}
	return 10 + int(t)
}

// commonType is the type several values are brought to for comparison,
// CASE, UNION and IN (Postgres's select_common_type, for these types):
// open inputs take the first typed one's type, numbers widen, dates
// widen to timestamps; mismatches are 42804 naming what.
func commonType(ts []texpr, what string) (Type, error) {
	var out Type
	have := false
	for _, x := range ts {
		if x.open() {
			continue
		}
		if !have {
			out, have = x.t, true
			continue
		}
		if x.t.T == out.T {
			if x.t.Name != out.Name || x.t.Typmod != out.Typmod {
				out = TypeOf(out.T)
			}
			continue
		}
		c, ok := widen(out.T, x.t.T)
		if !ok {
			return Type{}, pgerr.New(pgerr.DatatypeMismatch, "%s types %s and %s cannot be matched", what, out.Name, x.t.Name)
		}
		out = TypeOf(c)
	}
	if !have {
		return TypeOf(storage.TypeText), nil
	}
	return out, nil
}

// widen is the common type of two different types, if one converts to
// the other implicitly.
func widen(a, b storage.Type) (storage.Type, bool) {
	isInt := func(t storage.Type) bool { return family(t) == 1 }
	isNum := func(t storage.Type) bool { return sem.IsNumericType(t) }
	switch {
	case isInt(a) && isInt(b):
		return max(a, b), true
	case isNum(a) && isNum(b):
		if a == storage.TypeFloat64 || b == storage.TypeFloat64 || a == storage.TypeFloat32 && b == storage.TypeFloat32 {
			return storage.TypeFloat64, true
		}
		if a == storage.TypeFloat32 || b == storage.TypeFloat32 {
			return storage.TypeFloat64, true
		}
		return storage.TypeNumeric, true
	}
	dt := func(t storage.Type) bool {
		return t == storage.TypeDate || t == storage.TypeTimestamp || t == storage.TypeTimestampTZ
	}
	if dt(a) && dt(b) {
		if a == storage.TypeTimestampTZ || b == storage.TypeTimestampTZ {
			return storage.TypeTimestampTZ, true
		}
		return storage.TypeTimestamp, true
	}
	if sem.CanCast(a, b, sem.CastImplicit) {
		return b, true
	}
	if sem.CanCast(b, a, sem.CastImplicit) {
		return a, true
	}
	return 0, false
}

// unify brings xs to one type for comparison.
func (p *Planner) unify(xs []texpr, what string) ([]plan.Expr, Type, error) {
	t, err := commonType(xs, what)
	if err != nil {
		return nil, t, err
	}
	out := make([]plan.Expr, len(xs))
	for i, x := range xs {
		if out[i], err = p.coerce(x, t, sem.CastImplicit); err != nil {
			return nil, t, err
		}
	}
	return out, t, nil
}
