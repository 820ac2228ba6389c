package planner

import (
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/sql/plan"
	"github.com/persiandb/persiandb/sql/sem"
	"github.com/persiandb/persiandb/storage"
)

// regCast plans the casts that involve the OID types, which share the
// int8 storage type but differ in their text form:
//
//   - text or an untyped literal to a reg* type looks the name up
//     ('pg_catalog.pg_class'::regclass is 1259; an unknown relation is
//     42P01). A literal is looked up at plan time, as Postgres does when
//     it parses the constant.
//   - a reg* type to text prints the object's name (what Postgres's
//     output function does, and what regclass::text means).
//   - integers, oid and the reg* types convert among themselves by
//     relabeling the number.
//
// ok is false for the casts the ordinary rules handle.
func (p *Planner) regCast(x texpr, t Type) (texpr, bool, error) {
	switch {
	case t.IsReg() && (x.unknown || x.param > 0 || !x.open() && x.t.T == storage.TypeText):
		// A parameter takes text ($1::regclass is looked up as a name,
		// as Postgres's regclass input would).
		e, err := p.coerce(x, TypeOf(storage.TypeText), sem.CastExplicit)
		if err != nil {
			return x, true, err
		}
		ctx, typ := p.Sem, t.Name
		in := func(a []storage.Value) (storage.Value, error) {
			if ctx == nil || ctx.Catalog == nil {
				return storage.Value{}, pgerr.New(pgerr.FeatureNotSupported, "type %s needs a session", typ)
			}
			oid, err := ctx.Catalog.RegIn(typ, a[0].AsString())
			return storage.Int64(oid), err
		}
		if c, isConst := e.(plan.Const); isConst {
			if c.Value.IsNull() {
				return texpr{e: c, t: t}, true, nil
			}
			v, err := in([]storage.Value{c.Value})
			if err != nil {
				return x, true, at(err, x.pos)
			}
			return texpr{e: plan.Const{Value: v}, t: t}, true, nil
		}
		return texpr{e: plan.Func{Name: t.Name + "in", Args: []plan.Expr{e}, Strict: true, Impl: in}, t: t}, true, nil
	case !x.open() && x.t.IsReg() && t.T == storage.TypeText:
		ctx, typ := p.Sem, x.t.Name
		out := func(a []storage.Value) (storage.Value, error) {
			if ctx == nil || ctx.Catalog == nil {
				return storage.Text(storage.Int64(a[0].AsInt64()).String()), nil
			}
			return storage.Text(ctx.Catalog.RegOut(typ, a[0].AsInt64())), nil
		}
		return texpr{e: plan.Func{Name: typ + "out", Args: []plan.Expr{x.e}, Strict: true, Impl: out}, t: t}, true, nil
	case t.IsOID() && !x.open() && (x.t.IsOID() || x.t.T == storage.TypeInt16 || x.t.T == storage.TypeInt32 || x.t.T == storage.TypeInt64):
		e, err := p.coerce(x, TypeOf(storage.TypeInt64), sem.CastExplicit)
		return texpr{e: e, t: t}, true, err
	}
	return x, false, nil
}
