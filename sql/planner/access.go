package planner

import (
	"math"
	"slices"

	"github.com/persiandb/persiandb/sql/catalog"
	"github.com/persiandb/persiandb/sql/plan"
	"github.com/persiandb/persiandb/storage"
)

// maxSpans bounds the spans an IN list may expand to; beyond it the
// planner uses fewer key columns.
const maxSpans = 1024

// accessPath chooses how to read table t under filter f: a full scan, or
// spans of the primary key or of a secondary index. The filter stays on
// top either way: spans only narrow what is read.
func (p *Planner) accessPath(t *catalog.Table, f *plan.Filter) plan.Node {
	var conj []plan.Expr
	splitPlanAnd(f.Pred, &conj)
	scan := f.Input.(*plan.Scan)
	best, bestScore := []plan.Span(nil), 0
	bestIndex := -1 // -1: primary key
	var bestUsed []int
	try := func(ix catalog.Index, which int) {
		spans, score, used := p.spansFor(t, ix, conj)
		if score > bestScore {
			best, bestScore, bestIndex, bestUsed = spans, score, which, used
		}
	}
	try(t.PrimaryKey, -1)
	for i, ix := range t.Indexes {
		try(ix, i)
	}
	if best == nil {
		return f
	}
	if bestIndex < 0 {
		var node plan.Node = &plan.Scan{Table: scan.Table, Spans: best}
		// Point lookups of whole primary keys of exactly-comparing types
		// return only rows that satisfy the equalities they came from.
		rest := conj
		if bestUsed != nil && exactKey(t, t.PrimaryKey) {
			rest = nil
			for i, e := range conj {
				if !slices.Contains(bestUsed, i) {
					rest = append(rest, e)
				}
			}
		}
		if len(rest) == 0 {
			return node
		}
		return &plan.Filter{Input: node, Pred: andAll(rest)}
	}
	return &plan.Filter{Input: &plan.IndexScan{Table: scan.Table, Index: t.Indexes[bestIndex], Spans: best}, Pred: f.Pred}
}

func splitPlanAnd(e plan.Expr, out *[]plan.Expr) {
	if a, ok := e.(plan.And); ok {
		splitPlanAnd(a.L, out)
		splitPlanAnd(a.R, out)
		return
	}
	*out = append(*out, e)
}

// keyPred is a conjunct restricting one column to constants.
type keyPred struct {
	op   plan.CmpOp
	vals []plan.Expr // one for comparisons, several for IN
	conj int         // which conjunct
}

// spansFor builds spans over ix from conjuncts: equalities (and IN
// lists) on leading key columns, then at most one range. The score
// favors more equality columns, a range over none, and a unique index
// pinned to one row.
func (p *Planner) spansFor(t *catalog.Table, ix catalog.Index, conj []plan.Expr) ([]plan.Span, int, []int) {
	prefixes := [][]plan.Expr{{}}
	score := 0
	eqCols := 0
	var used []int
	for k, col := range ix.Columns {
		typ := t.Columns[col].Type
		desc := k < len(ix.Keys) && ix.Keys[k].Desc
		preds := p.columnPreds(conj, col, typ)
		var eq *keyPred
		for i := range preds {
			if preds[i].op == plan.EQ && (eq == nil || len(preds[i].vals) < len(eq.vals)) {
				eq = &preds[i]
			}
		}
		if eq != nil && len(prefixes)*len(eq.vals) <= maxSpans {
			used = append(used, eq.conj)
			var next [][]plan.Expr
			for _, pre := range prefixes {
				for _, v := range eq.vals {
					next = append(next, append(append([]plan.Expr(nil), pre...), v))
				}
			}
			prefixes = next
			eqCols++
			score += 10
			continue
		}
		// A range on this column ends the key use.
		var lo, hi *keyPred
		for i := range preds {
			switch preds[i].op {
			case plan.GT, plan.GE:
				if lo == nil {
					lo = &preds[i]
				}
			case plan.LT, plan.LE:
				if hi == nil {
					hi = &preds[i]
				}
			}
		}
		if desc {
			lo, hi = hi, lo
		}
		if lo == nil && hi == nil {
			used = nil
			break
		}
		score += 3
		var spans []plan.Span
		for _, pre := range prefixes {
			s := plan.Span{}
			if lo != nil {
				s.Lo = &plan.KeyBound{Vals: append(append([]plan.Expr(nil), pre...), lo.vals[0]), Inclusive: lo.op == plan.GE || lo.op == plan.LE}
			} else if len(pre) > 0 {
				s.Lo = &plan.KeyBound{Vals: pre, Inclusive: true}
			}
			if hi != nil {
				s.Hi = &plan.KeyBound{Vals: append(append([]plan.Expr(nil), pre...), hi.vals[0]), Inclusive: hi.op == plan.GE || hi.op == plan.LE}
			} else if len(pre) > 0 {
				s.Hi = &plan.KeyBound{Vals: pre, Inclusive: true}
			}
			spans = append(spans, s)
		}
		return spans, score, nil
	}
	if eqCols == 0 {
		return nil, 0, nil
	}
	if ix.Unique && eqCols == len(ix.Columns) {
		score += 5
	}
	spans := make([]plan.Span, len(prefixes))
	for i, pre := range prefixes {
		b := &plan.KeyBound{Vals: pre, Inclusive: true}
		spans[i] = plan.Span{Lo: b, Hi: b}
	}
	if eqCols < len(ix.Columns) {
		used = nil
	}
	return spans, score, used
}

// exactKey reports whether equal key encodings mean equal values for
// every column of ix under SQL's =: not so for floats (-0 = 0) or
// numerics written with different scales.
func exactKey(t *catalog.Table, ix catalog.Index) bool {
	for _, c := range ix.Columns {
		switch t.Columns[c].Type {
		case storage.TypeBool, storage.TypeInt16, storage.TypeInt32, storage.TypeInt64, storage.TypeText,
			storage.TypeBytea, storage.TypeDate, storage.TypeTimestamp, storage.TypeTimestampTZ, storage.TypeUUID:
		default:
			return false
		}
	}
	return true
}

// columnPreds finds conjuncts comparing column col with values of its
// exact type that the executor can compute before the scan.
func (p *Planner) columnPreds(conj []plan.Expr, col int, typ storage.Type) []keyPred {
	var out []keyPred
	for ci, e := range conj {
		switch e := e.(type) {
		case plan.Cmp:
			op, l, r := e.Op, e.L, e.R
			if c, ok := r.(plan.Col); ok && c.Idx == col {
				op, l, r = flip(op), r, l
			}
			c, ok := l.(plan.Col)
			if !ok || c.Idx != col || op == plan.NE || op == plan.NotDistinct {
				continue
			}
			if v, ok := p.keyValue(r, typ, op == plan.EQ); ok {
				out = append(out, keyPred{op: op, vals: []plan.Expr{v}, conj: ci})
			}
		case plan.InList:
			c, ok := e.X.(plan.Col)
			if !ok || c.Idx != col {
				continue
			}
			vals := make([]plan.Expr, 0, len(e.List))
			all := true
			for _, x := range e.List {
				v, ok := p.keyValue(x, typ, true)
				if !ok {
					all = false
					break
				}
				vals = append(vals, v)
			}
			if all && len(vals) > 0 {
				out = append(out, keyPred{op: plan.EQ, vals: vals, conj: ci})
			}
		}
	}
	return out
}

func flip(op plan.CmpOp) plan.CmpOp {
	switch op {
	case plan.LT:
		return plan.GT
	case plan.LE:
		return plan.GE
	case plan.GT:
		return plan.LT
	case plan.GE:
		return plan.LE
	}
	return op
}

// keyValue returns v as a value of the key column's type if it can be
// computed before the scan: a constant (converted between integer widths
// when it fits; an equality with one that does not fit selects nothing,
// which the filter decides) or a parameter of that type.
func (p *Planner) keyValue(v plan.Expr, typ storage.Type, eq bool) (plan.Expr, bool) {
	switch v := v.(type) {
	case plan.Const:
		if v.Value.IsNull() {
			return v, true
		}
		vt := v.Value.Type()
		if vt == typ {
			return v, true
		}
		if family(vt) == 1 && family(typ) == 1 {
			x := v.Value.AsInt64()
			lo, hi := intRange(typ)
			if x < lo || x > hi {
				return nil, false
			}
			switch typ {
			case storage.TypeInt16:
				return plan.Const{Value: storage.Int16(int16(x))}, true
			case storage.TypeInt32:
				return plan.Const{Value: storage.Int32(int32(x))}, true
			case storage.TypeInt64:
				return plan.Const{Value: storage.Int64(x)}, true
			}
		}
	case plan.Param:
		if t, ok := p.paramType(v.N); ok && t.T == typ {
			return v, true
		}
	}
	return nil, false
}

func intRange(t storage.Type) (int64, int64) {
	switch t {
	case storage.TypeInt16:
		return math.MinInt16, math.MaxInt16
	case storage.TypeInt32:
		return math.MinInt32, math.MaxInt32
	}
	return math.MinInt64, math.MaxInt64
}
