package sql

import (
	"context"
	"errors"
	"reflect"
	"strconv"
	"strings"

	"github.com/persiandb/persiandb/sql/dialect"
	"github.com/persiandb/persiandb/sql/plan"
	"github.com/persiandb/persiandb/sql/planner"
	"github.com/persiandb/persiandb/sql/sem"
	"github.com/persiandb/persiandb/storage"
	"github.com/persiandb/persiandb/txn"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// The simple-protocol plan cache. Clients that inline their values
// (pgbench -M simple, psycopg2, psql) send statements that differ only in
// literals; the session keeps the plans of recent ones, keyed by their
// text with the literals replaced by parameters, so a repeated statement
// is tokenized but neither parsed nor planned.
//
// # Invariants
//
//  1. A cached statement gives exactly what the uncached path gives: rows,
//     column names and types, tag, notices and errors. To that end:
//     a. dialect.Normalize replaces only literals whose replacement by a
//     typed parameter cannot change the statement's meaning (its doc
//     lists the rules); integer and numeric literals get the type
//     Postgres gives the constant, strings are left for the planner to
//     type from context, as an unknown literal is.
//     b. admit plans the literal statement and the normalized one and
//     keeps the latter only if both have the same shape (node types,
//     tables, indexes, key spans: planShape) and the same result
//     columns, and the integer and numeric parameters kept their types.
//     A literal folded into a constant can choose an index scan (so a
//     row order) that a parameter does not; such statements are not
//     cached.
//     c. A string is converted to its parameter's type at execution by
//     the planner's own conversion of an unknown literal (sem.ParseText,
//     then the type modifier), in the statement's transaction, after
//     the statement clock is set. If that fails, the statement runs
//     uncached, which raises the error, with its position, exactly as
//     before.
//  2. A plan is valid for one catalog version and one settings
//     generation (SET changes what some literals mean); otherwise the
//     entry is admitted again. The version is checked inside the
//     transaction that runs the plan; a concurrent DDL found there (or
//     by cachedPlan for DML) makes the statement run uncached
//     (errPlanStale), never re-planned with the inferred types.
//  3. Only statements seen admitAfter times are planned twice and
//     admitted; one-off statements take the ordinary path at the cost of
//     a tokenization and a map lookup. Statements that cannot be cached
//     are remembered (bad) so they are not tried again.
//
// The cache is per session (not safe for concurrent use, like the
// session) and bounded: planCacheSize entries, least recently used out.

const planCacheSize = 256

// errPlanStale reports a cached plan found invalid while running: the
// statement runs uncached instead. It never reaches a client.
var errPlanStale = errors.New("sql: cached plan is stale")

type planEntry struct {
	key        string
	prev, next *planEntry
	// seen counts sightings before admission.
	seen int
	// bad: the statement cannot be cached (at this version and gen).
	bad     bool
	p       *Prepared
	version uint64 // catalog version the entry was made at
	gen     uint64 // settings generation the entry was made at
}

type planCache struct {
	m map[string]*planEntry
	// head is a sentinel: head.next is the most recently used entry.
	head planEntry
	// off disables the cache (tests); admitAfter is the number of
	// sightings that admit a statement.
	off        bool
	admitAfter int
	hits       int
	misses     int
}

func newPlanCache() *planCache {
	c := &planCache{m: make(map[string]*planEntry), admitAfter: 2}
	c.head.next, c.head.prev = &c.head, &c.head
	return c
}

// lookup returns key's entry, made most recently used, adding it (and
// evicting the least recently used one) if it is new.
func (c *planCache) lookup(key string) *planEntry {
	e := c.m[key]
	if e != nil {
		e.prev.next, e.next.prev = e.next, e.prev
	} else {
		if len(c.m) >= planCacheSize {
			old := c.head.prev
			old.prev.next, old.next.prev = old.next, old.prev
			delete(c.m, old.key)
		}
		e = &planEntry{key: key}
		c.m[key] = e
	}
	e.prev, e.next = &c.head, c.head.next
	c.head.next.prev = e
	c.head.next = e
	return e
}

// execCached runs text through the plan cache; ok is false when the
// caller must run it the ordinary way (and nothing has been run).
func (s *Session) execCached(ctx context.Context, text string) (r *Result, ok bool, err error) {
	if s.failed {
		return nil, false, nil
	}
	if s.pc == nil {
		s.pc = newPlanCache()
	}
	c := s.pc
	if c.off {
		return nil, false, nil
	}
	norm, lits, ok := dialect.Normalize(text)
	if !ok {
		return nil, false, nil
	}
	key := norm
	if len(lits) > 0 {
		var b strings.Builder
		b.Grow(len(norm) + 1 + len(lits))
		b.WriteString(norm)
		b.WriteByte(0)
		for _, l := range lits {
			b.WriteByte('0' + byte(l.Type))
		}
		key = b.String()
	}
	e := c.lookup(key)
	v, gen := s.e.version.Load(), s.settings.gen
	if e.version != v || e.gen != gen {
		e.seen, e.bad, e.p, e.version, e.gen = 0, false, nil, v, gen
	}
	if e.bad {
		return nil, false, nil
	}
	if e.p == nil {
		if e.seen++; e.seen < c.admitAfter {
			c.misses++
			return nil, false, nil
		}
		if e.p = s.admit(text, norm, lits, v); e.p == nil {
			e.bad = true
			c.misses++
			return nil, false, nil
		}
	}
	r, err = s.runCached(ctx, e.p, lits)
	if errors.Is(err, errPlanStale) {
		e.p, e.seen = nil, 0
		c.misses++
		return nil, false, nil
	}
	c.hits++
	return r, true, err
}

// runCached runs an admitted statement with its literals' values.
func (s *Session) runCached(ctx context.Context, p *Prepared, lits []dialect.Literal) (*Result, error) {
	return s.inTxn(ctx, func(tx *txn.Txn) (*Result, error) {
		if p.version != s.e.version.Load() {
			return nil, errPlanStale
		}
		params := make([]storage.Value, len(lits))
		for i, l := range lits {
			v, err := literalValue(&s.sem, l, p.params[i])
			if err != nil {
				return nil, errPlanStale
			}
			params[i] = v
		}
		// Sequence functions reach the transaction through the planner.
		s.plan.Txn = tx
		if p.query != nil {
			return s.runQuery(ctx, tx, p.query, params)
		}
		s.plan.Begin(p.stmt, p.params)
		s.running = p
		defer func() { s.running = nil }()
		return s.run(ctx, tx, p.stmt, p.node, params)
	})
}

// literalValue is literal l as a value of its parameter's type t, as the
// planner would have made it: numbers as their own type, strings by the
// conversion of an unknown literal to t.
func literalValue(ctx *sem.Context, l dialect.Literal, t planner.Type) (storage.Value, error) {
	switch l.Type {
	case dialect.LitInt4:
		n, err := strconv.ParseInt(l.Text, 10, 32)
		return storage.Int32(int32(n)), err
	case dialect.LitInt8:
		n, err := strconv.ParseInt(l.Text, 10, 64)
		return storage.Int64(n), err
	case dialect.LitNumeric:
		return storage.NumericFromString(l.Text)
	}
	v, err := sem.ParseText(ctx, l.Text, t.T)
	if err != nil {
		return v, err
	}
	return planner.ApplyTypmod(v, t, false)
}

// literalType is the parameter type a number literal is planned with;
// strings get none (inferred from context).
func literalType(l dialect.Literal) planner.Type {
	switch l.Type {
	case dialect.LitInt4:
		return planner.TypeOf(storage.TypeInt32)
	case dialect.LitInt8:
		return planner.TypeOf(storage.TypeInt64)
	case dialect.LitNumeric:
		return planner.TypeOf(storage.TypeNumeric)
	}
	return planner.Type{}
}

// admit plans text and its normalization norm (at catalog version v) and
// returns the latter as a statement to keep, or nil if it may not be
// kept (invariant 1b) or either does not plan.
func (s *Session) admit(text, norm string, lits []dialect.Literal, v uint64) *Prepared {
	lst, err := dialect.Prepare(text)
	if err != nil || lst.Kind != dialect.KindParsed {
		return nil
	}
	nst := lst
	if len(lits) > 0 {
		if nst, err = dialect.Prepare(norm); err != nil || nst.Kind != dialect.KindParsed || nst.NumParams != len(lits) {
			return nil
		}
	}
	given := make([]planner.Type, len(lits))
	for i, l := range lits {
		given[i] = literalType(l)
	}
	var p *Prepared
	_, err = s.withPlanTxn(func(tx *txn.Txn) (*Result, error) {
		s.plan.Txn = tx
		s.plan.Begin(lst, nil)
		_, litShape, litCols, ok := s.planCacheable(lst)
		if !ok {
			return nil, nil
		}
		if nst == lst {
			given = nil
		}
		s.plan.Begin(nst, given)
		obj, shape, cols, ok := s.planCacheable(nst)
		if !ok || shape != litShape || !sameColumns(cols, litCols) {
			return nil, nil
		}
		params := s.plan.Params()
		for i, g := range given {
			if g.Name != "" && params[i] != g {
				return nil, nil
			}
		}
		p = &Prepared{stmt: nst, params: params, Columns: cols, version: v, literal: true}
		p.node = obj.node
		if obj.query != nil {
			p.query = obj.query
		} else {
			p.dml, p.dmlVersion = obj.dml, v
		}
		return nil, nil
	})
	if err != nil {
		return nil
	}
	return p
}

type plannedStmt struct {
	node  ast.StmtNode
	query *planner.Query
	dml   any
}

// planCacheable parses and plans st (a SELECT, INSERT, UPDATE or DELETE)
// with the planner begun on it, returning the plan, its shape and its
// result columns; ok is false for other statements and errors.
func (s *Session) planCacheable(st *dialect.Stmt) (out plannedStmt, shape string, cols []planner.ResultColumn, ok bool) {
	nodes, _, err := s.parser.Parse(st.Text, "", "")
	if err != nil || len(nodes) != 1 {
		return out, "", nil, false
	}
	out.node = nodes[0]
	var ret *planner.Returning
	switch n := out.node.(type) {
	case *ast.SelectStmt, *ast.SetOprStmt:
		if sel, isSel := n.(*ast.SelectStmt); isSel && sel.SelectIntoOpt != nil {
			return out, "", nil, false
		}
		q, err := s.plan.PlanSelect(n.(ast.ResultSetNode))
		if err != nil {
			return out, "", nil, false
		}
		out.query, cols = q, q.Columns
		return out, planShape(q.Plan), cols, true
	case *ast.InsertStmt:
		ins, err := s.plan.PlanInsert(n)
		if err != nil {
			return out, "", nil, false
		}
		out.dml, ret = ins, ins.Returning
	case *ast.UpdateStmt:
		d, err := s.plan.PlanUpdate(n)
		if err != nil {
			return out, "", nil, false
		}
		out.dml, ret = d, d.Returning
	case *ast.DeleteStmt:
		d, err := s.plan.PlanDelete(n)
		if err != nil {
			return out, "", nil, false
		}
		out.dml, ret = d, d.Returning
	default:
		return out, "", nil, false
	}
	if ret != nil {
		cols = ret.Columns
	}
	return out, planShape(out.dml), cols, true
}

func sameColumns(a, b []planner.ResultColumn) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

var (
	planPkg    = reflect.TypeOf(plan.Scan{}).PkgPath()
	plannerPkg = reflect.TypeOf(planner.Query{}).PkgPath()
	exprType   = reflect.TypeOf((*plan.Expr)(nil)).Elem()
	subqType   = reflect.TypeOf(plan.Subquery{})
	boundType  = reflect.TypeOf(plan.KeyBound{})
	valueType  = reflect.TypeOf(storage.Value{})
)

// planShape describes a plan (a plan.Node, *planner.Insert or
// *planner.DML) without its expressions: operator types and their
// structural fields (tables, indexes, join kinds, directions, spans and
// their bound counts). Two plans of one statement with literals and with
// parameters in their place read the same rows in the same order if
// their shapes are equal; expressions only compute values, which
// constants and parameters give alike. Subqueries inside expressions are
// plans and are described.
func planShape(x any) string {
	var b strings.Builder
	w := shapeWriter{b: &b, seen: map[uintptr]bool{}}
	w.walk(reflect.ValueOf(x), false)
	return b.String()
}

type shapeWriter struct {
	b    *strings.Builder
	seen map[uintptr]bool
}

// walk writes v's shape; in expression mode (expr) it writes only the
// subqueries found.
func (w *shapeWriter) walk(v reflect.Value, expr bool) {
	switch v.Kind() {
	case reflect.Interface:
		if v.IsNil() {
			w.put(expr, "nil;")
			return
		}
		e := v.Elem()
		if !expr && e.Type().Implements(exprType) && e.Type() != subqType {
			w.walk(e, true)
			return
		}
		w.walk(e, expr)
	case reflect.Pointer:
		if v.IsNil() {
			w.put(expr, "nil;")
			return
		}
		if w.seen[v.Pointer()] {
			w.put(expr, "cycle;")
			return
		}
		w.seen[v.Pointer()] = true
		w.walk(v.Elem(), expr)
		delete(w.seen, v.Pointer())
	case reflect.Slice, reflect.Array:
		w.put(expr, "["+strconv.Itoa(v.Len())+"]")
		for i := 0; i < v.Len(); i++ {
			w.walk(v.Index(i), expr)
		}
	case reflect.Struct:
		t := v.Type()
		if t == valueType {
			return
		}
		if t == subqType {
			expr = false
		}
		if pkg := t.PkgPath(); pkg != planPkg && pkg != plannerPkg {
			// Catalog objects: their names.
			if f := v.FieldByName("Name"); f.IsValid() && f.Kind() == reflect.String {
				w.put(expr, t.Name()+":"+f.String()+";")
			}
			return
		}
		w.put(expr, t.Name()+"{")
		for i := 0; i < v.NumField(); i++ {
			if t == boundType && t.Field(i).Name == "Vals" {
				w.put(expr, "vals"+strconv.Itoa(v.Field(i).Len())+";")
				continue
			}
			w.walk(v.Field(i), expr)
		}
		w.put(expr, "}")
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if v.Kind() == reflect.Bool {
			w.put(expr, strconv.FormatBool(v.Bool())+";")
		} else if v.CanInt() {
			w.put(expr, strconv.FormatInt(v.Int(), 10)+";")
		} else {
			w.put(expr, strconv.FormatUint(v.Uint(), 10)+";")
		}
	case reflect.String:
		w.put(expr, strconv.Quote(v.String())+";")
	}
}

func (w *shapeWriter) put(expr bool, s string) {
	if !expr {
		w.b.WriteString(s)
	}
}
