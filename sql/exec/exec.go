package exec

import (
	"context"
	"io"
	"time"

	"github.com/persiandb/persiandb/sql/catalog"
	"github.com/persiandb/persiandb/sql/plan"
	"github.com/persiandb/persiandb/sql/sem"
	"github.com/persiandb/persiandb/storage"
	"github.com/persiandb/persiandb/txn"
)

// Row is one row of values.
type Row = []storage.Value

// Iterator produces rows.
type Iterator interface {
	// Next returns the next row, or io.EOF after the last.
	Next() (Row, error)
	// Close releases the iterator; calling it twice is harmless.
	Close() error
}

// Context is what execution needs from the statement: the transaction,
// the catalog (for storage tables), the parameters, and the statement
// clock (now() is the same all statement long, as in Postgres).
//
// A Context belongs to one statement's iterator tree, which runs on one
// goroutine; nothing in it is locked.
type Context struct {
	Txn      *txn.Txn
	Catalog  *catalog.Catalog
	Params   []storage.Value
	Now      time.Time
	Location *time.Location
	// Sem is the value-semantics context (aggregate arithmetic, casts).
	// Nil means one made from Now and Location.
	Sem *sem.Context
	// Ctx, when set, ends the statement early: a canceled or expired
	// context makes the running plan fail with txn.ErrCanceled (57014).
	// Long loops check it every interruptEvery steps.
	Ctx context.Context
	// Virtual returns the rows of a plan.Virtual system view as the
	// transaction sees them (pg_catalog shows the tables it created and
	// not those it dropped); nil means no such views exist.
	Virtual func(tx *txn.Txn, name string) ([]Row, error)
	// Observe, when set, wraps the iterator built for each plan node
	// (EXPLAIN ANALYZE counts the rows each node returns).
	Observe func(n plan.Node, it Iterator) Iterator

	// outer is the stack of rows that enclosing queries are evaluating
	// subqueries for, innermost last; plan.Outer{Depth: d} reads
	// outer[len(outer)-d]. A subquery pushes its row only while its plan
	// is built and drained, so a row on the stack is always live.
	outer []Row
	sem   *sem.Context // made on first use when Sem is nil
	// work holds each running RecursiveUnion's current round.
	work map[int][]Row
	// scratch is a buffer for point reads; a session reusing its Context
	// reuses it across statements.
	scratch []byte
}

// interruptEvery is how many rows or steps run between checks of Ctx:
// rare enough to cost nothing, often enough to stop within milliseconds.
const interruptEvery = 1024

// interrupted returns txn.ErrCanceled once Ctx is done.
func (c *Context) interrupted() error {
	if c.Ctx != nil && c.Ctx.Err() != nil {
		return txn.ErrCanceled
	}
	return nil
}

// tick counts one step of a long loop and checks Ctx every
// interruptEvery steps.
func (c *Context) tick(n *int) error {
	*n++
	if *n%interruptEvery != 0 {
		return nil
	}
	return c.interrupted()
}

// semCtx returns the value-semantics context of the statement.
func (c *Context) semCtx() *sem.Context {
	if c.Sem != nil {
		return c.Sem
	}
	if c.sem == nil {
		c.sem = &sem.Context{Loc: c.Location, Now: c.Now}
	}
	return c.sem
}

// Build turns a plan into an iterator.
func Build(c *Context, n plan.Node) (Iterator, error) {
	it, err := build(c, n)
	if err == nil && c.Observe != nil {
		it = c.Observe(n, it)
	}
	return it, err
}

func build(c *Context, n plan.Node) (Iterator, error) {
	switch n := n.(type) {
	case *plan.Values:
		return buildValues(c, n)
	case *plan.Series:
		return buildSeries(c, n)
	case *plan.Unnest:
		return buildUnnest(c, n)
	case *plan.Ordinality:
		in, err := Build(c, n.Input)
		if err != nil {
			return nil, err
		}
		return &ordinalityIter{in: in}, nil
	case *plan.LateralJoin:
		l, err := Build(c, n.Left)
		if err != nil {
			return nil, err
		}
		return &lateralIter{c: c, left: l, right: n.Right}, nil
	case *plan.ProjectSet:
		in, err := Build(c, n.Input)
		if err != nil {
			return nil, err
		}
		return &projectSetIter{in: in, srf: n.SRF}, nil
	case *plan.Virtual:
		if c.Virtual == nil {
			return nil, errNotBuilt(n)
		}
		rows, err := c.Virtual(c.Txn, n.Name)
		if err != nil {
			return nil, err
		}
		return &sliceIter{rows: rows}, nil
	case *plan.RecursiveUnion:
		return buildRecursive(c, n)
	case *plan.WorkTable:
		return &sliceIter{rows: c.work[n.ID]}, nil
	case *plan.Scan:
		return buildScan(c, n)
	case *plan.IndexScan:
		return buildIndexScan(c, n)
	case *plan.Filter:
		in, err := Build(c, n.Input)
		if err != nil {
			return nil, err
		}
		pred := compile(c, n.Pred)
		return &filterIter{in: in, pred: pred}, nil
	case *plan.Project:
		in, err := Build(c, n.Input)
		if err != nil {
			return nil, err
		}
		exprs := make([]evalFn, len(n.Exprs))
		for i, e := range n.Exprs {
			exprs[i] = compile(c, e)
		}
		return &projectIter{in: in, exprs: exprs, out: make(Row, len(exprs))}, nil
	case *plan.Sort:
		return buildSort(c, n)
	case *plan.Limit:
		return buildLimit(c, n)
	case *plan.LockRows:
		return buildLockRows(c, n)
	case *plan.HashJoin:
		return buildHashJoin(c, n)
	case *plan.NestedLoopJoin:
		return buildNestedLoop(c, n)
	case *plan.Group:
		return buildGroup(c, n)
	case *plan.Distinct:
		return buildDistinct(c, n)
	case *plan.SetOp:
		return buildSetOp(c, n)
	case *plan.Window:
		return buildWindow(c, n)
	}
	return nil, errNotBuilt(n)
}

// Collect drains an iterator into copied rows and closes it.
func Collect(it Iterator) ([]Row, error) {
	defer it.Close()
	var rows []Row
	for {
		r, err := it.Next()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return rows, err
		}
		rows = append(rows, append(Row(nil), r...))
	}
}

type filterIter struct {
	in   Iterator
	pred evalFn
}

func (f *filterIter) Next() (Row, error) {
	for {
		r, err := f.in.Next()
		if err != nil {
			return nil, err
		}
		v, err := f.pred(r)
		if err != nil {
			return nil, err
		}
		if isTrue(v) {
			return r, nil
		}
	}
}

func (f *filterIter) Close() error { return f.in.Close() }

type projectIter struct {
	in    Iterator
	exprs []evalFn
	out   Row
}

func (p *projectIter) Next() (Row, error) {
	r, err := p.in.Next()
	if err != nil {
		return nil, err
	}
	for i, e := range p.exprs {
		if p.out[i], err = e(r); err != nil {
			return nil, err
		}
	}
	return p.out, nil
}

func (p *projectIter) Close() error { return p.in.Close() }

// Scratch and SetScratch carry the point-read buffer over when a caller
// reinitializes a reused Context.
func (c *Context) Scratch() []byte     { return c.scratch }
func (c *Context) SetScratch(b []byte) { c.scratch = b }
