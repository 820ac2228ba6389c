package plan

import (
	"github.com/persiandb/persiandb/sql/catalog"
	"github.com/persiandb/persiandb/storage"
)

// Node is a relational operator.
type Node interface {
	// Columns describes the rows the node produces.
	Columns() []Column
	node()
}

// Column is one output column of a node.
type Column struct {
	Name string
	Type storage.Type
}

// Values produces literal rows (VALUES lists, SELECT without FROM).
type Values struct {
	Cols []Column
	Rows [][]Expr
}

// Scan reads a table's visible rows through its primary key, in key order
// (descending if Reverse). Spans nil means the whole table; otherwise only
// keys inside some span are read, each once, in key order.
type Scan struct {
	Table   *catalog.Table
	Spans   []Span
	Reverse bool
}

// IndexScan reads the rows found through a secondary index, in index order
// (descending if Reverse), restricted to Spans (nil = all) over the index
// key.
type IndexScan struct {
	Table   *catalog.Table
	Index   catalog.Index
	Spans   []Span
	Reverse bool
}

// Span is a range of an index (or the primary key) over its leading
// columns. Spans are a superset of the wanted rows: the planner keeps the
// predicate they came from as a filter above the scan, so an executor may
// read more (NULLs at an open end, for example) but never less.
type Span struct {
	Lo, Hi *KeyBound // nil = unbounded
}

// KeyBound is one end of a Span: Vals are values for the first len(Vals)
// key columns, evaluated at execution time (they may hold Params) and
// already of the columns' types. Bounds are in index order: the planner
// swaps a predicate's ends for a DESC key column. Inclusive says whether
// keys equal to Vals on those columns are inside the span. A bound with a
// NULL value makes the span empty (col = NULL is never true).
type KeyBound struct {
	Vals      []Expr
	Inclusive bool
}

// Series is generate_series(Start, Stop[, Step]) in FROM: one column
// counting from Start while not past Stop, by Step (default 1; an
// interval for timestamps). The arguments are evaluated once.
type Series struct {
	Start, Stop, Step Expr
	Col               Column
}

// Unnest is unnest(a, b, ...) in FROM: row i holds the i-th element of
// each array in storage order, NULL past a shorter array's end, so there
// are as many rows as the longest array has elements (a NULL array has
// none). Arrays are evaluated once; Cols has one column per array.
type Unnest struct {
	Arrays []Expr
	Cols   []Column
}

// Ordinality is WITH ORDINALITY on a function in FROM: Input's rows with
// a last bigint column counting them from 1. Under a LateralJoin it is
// built again for each left row, so the count restarts as in Postgres.
type Ordinality struct {
	Input Node
	Col   Column
}

// LateralJoin joins each Left row with the rows of Right, a function scan
// whose arguments read that row (as plan.Outer depth 1): FROM t,
// unnest(t.a). Rows are Left's columns followed by Right's.
type LateralJoin struct {
	Left, Right Node
}

// ProjectSet expands set-returning functions of a select list
// (unnest(array)): columns SRF of Input hold arrays; each input row gives
// as many rows as its longest such array (none if all are empty or
// NULL), the arrays' elements in turn, NULL past a shorter one's end, and
// the other columns repeated.
type ProjectSet struct {
	Input Node
	SRF   []int
	Cols  []Column
}

// Virtual reads a system view whose rows live outside the catalog and
// the log (persiandb_checkpoints): the executor asks its Context for them
// each time the plan runs, so a cached plan never shows stale rows.
type Virtual struct {
	Name string
	Cols []Column
}

// RecursiveUnion is WITH RECURSIVE's loop: Init's rows, then Step run
// again and again over the rows the previous round produced (which
// WorkTable nodes with the same ID read) until a round produces none.
// Without All, rows seen before are dropped, as UNION does.
type RecursiveUnion struct {
	ID         int
	Init, Step Node
	All        bool
	Cols       []Column
}

// WorkTable reads the rows of the current round of the RecursiveUnion
// with the same ID.
type WorkTable struct {
	ID   int
	Cols []Column
}

// Filter keeps the rows for which Pred is true (not false, not NULL).
type Filter struct {
	Input Node
	Pred  Expr
}

// Project computes Exprs over each input row.
type Project struct {
	Input Node
	Exprs []Expr
	Cols  []Column
}

// SortKey orders by an expression.
type SortKey struct {
	Expr       Expr
	Desc       bool
	NullsFirst bool
}

// Sort orders its input.
type Sort struct {
	Input Node
	Keys  []SortKey
}

// Limit skips Offset rows, then passes at most Count (nil: all).
type Limit struct {
	Input         Node
	Count, Offset Expr
}

// LockRows takes the row lock of each input row's row of Table, as
// SELECT ... FOR UPDATE does: Key are the input columns holding the
// table's primary key, in key order. Rows another transaction deleted are
// dropped; a row changed since the snapshot ends the run with
// exec.ErrRowChanged (READ COMMITTED), which the caller answers by
// running the statement again on a new snapshot.
type LockRows struct {
	Input  Node
	Table  *catalog.Table
	Key    []int
	Policy LockPolicy
}

// LockPolicy is what LockRows does with a row another transaction holds.
type LockPolicy uint8

const (
	LockWait   LockPolicy = iota // wait for it
	LockNoWait                   // fail with 55P03 (NOWAIT)
	LockSkip                     // leave it out (SKIP LOCKED)
)

// JoinKind is the kind of a join.
type JoinKind uint8

const (
	InnerJoin JoinKind = iota
	LeftJoin
	RightJoin
	FullJoin
)

// HashJoin joins on equality of LeftKeys and RightKeys (NULL keys never
// match), then keeps pairs where Residual (nil = true) holds. Output rows
// are the left columns followed by the right columns.
type HashJoin struct {
	Kind                JoinKind
	Left, Right         Node
	LeftKeys, RightKeys []Expr
	Residual            Expr
}

// NestedLoopJoin joins every left row with every right row where On (nil
// = true, a cross join) holds.
type NestedLoopJoin struct {
	Kind        JoinKind
	Left, Right Node
	On          Expr
}

// AggFunc is an aggregate function.
type AggFunc uint8

const (
	AggCount AggFunc = iota // count(expr); count(*) has a nil Arg
	AggSum
	AggAvg
	AggMin
	AggMax
	AggBoolAnd
	AggBoolOr
	AggStringAgg
	AggArrayAgg // array_agg: NULLs are kept; over arrays, one more dimension
	// json_agg and jsonb_agg (Type says which): NULLs kept as null.
	AggJSONAgg
	// json_object_agg and jsonb_object_agg: Arg is the key, Sep the value.
	AggJSONObjectAgg
)

// Aggregate is one aggregate call.
type Aggregate struct {
	Func     AggFunc
	Arg      Expr // nil for count(*)
	Sep      Expr // string_agg's separator
	Distinct bool
	// Nested: array_agg over arrays (each input a sub-array).
	Nested bool
	// Order is array_agg(x ORDER BY ...): the values are collected in
	// this order (keys evaluated on the input rows).
	Order []SortKey
	Type  storage.Type // result type
}

// Group groups its input by GroupBy and computes Aggs; output rows are the
// group-by values followed by the aggregate results. With no GroupBy it
// produces exactly one row, even for empty input.
type Group struct {
	Input   Node
	GroupBy []Expr
	Aggs    []Aggregate
	Cols    []Column
}

// Distinct removes duplicate rows (NULLs equal, as DISTINCT treats them).
// With On set (DISTINCT ON), rows are duplicates when the On expressions
// are equal, and the first row of each such run is kept: the input is
// sorted by On first, so duplicates are adjacent.
type Distinct struct {
	Input Node
	On    []Expr
}

// SetOpKind is UNION, INTERSECT or EXCEPT.
type SetOpKind uint8

const (
	Union SetOpKind = iota
	Intersect
	Except
)

// SetOp combines two inputs with the same column types. Without All it
// returns distinct rows (NULLs equal); with All, Postgres's multiset
// rules: UNION ALL concatenates, INTERSECT ALL keeps min(m, n) copies,
// EXCEPT ALL max(m-n, 0).
type SetOp struct {
	Kind        SetOpKind
	All         bool
	Left, Right Node
	Cols        []Column
}

// WindowFunc is one window function call. Its frame is Postgres's
// default: with OrderBy, from the partition's start through the current
// row's last peer (rows equal on OrderBy); without, the whole partition.
type WindowFunc struct {
	// Func is row_number, rank, dense_rank, percent_rank, cume_dist,
	// ntile, lag, lead, first_value, last_value, nth_value, or an
	// aggregate (Agg set: count, sum, avg, min, max, ...).
	Func        string
	Args        []Expr
	Agg         *Aggregate
	PartitionBy []Expr
	OrderBy     []SortKey
	Type        storage.Type
}

// Window computes window functions; output rows are the input columns
// followed by one column per Func, in an order the planner does not rely
// on (it sorts afterwards if the query has ORDER BY).
type Window struct {
	Input Node
	Funcs []WindowFunc
	Cols  []Column
}

func (n *Values) Columns() []Column { return n.Cols }
func (n *Scan) Columns() []Column   { return tableColumns(n.Table) }
func (n *IndexScan) Columns() []Column {
	return tableColumns(n.Table)
}
func (n *Series) Columns() []Column { return []Column{n.Col} }
func (n *Unnest) Columns() []Column { return n.Cols }
func (n *Ordinality) Columns() []Column {
	return append(append([]Column(nil), n.Input.Columns()...), n.Col)
}
func (n *ProjectSet) Columns() []Column { return n.Cols }
func (n *LateralJoin) Columns() []Column {
	return append(append([]Column(nil), n.Left.Columns()...), n.Right.Columns()...)
}
func (n *Virtual) Columns() []Column        { return n.Cols }
func (n *RecursiveUnion) Columns() []Column { return n.Cols }
func (n *WorkTable) Columns() []Column      { return n.Cols }
func (n *Filter) Columns() []Column         { return n.Input.Columns() }
func (n *Project) Columns() []Column        { return n.Cols }
func (n *Sort) Columns() []Column           { return n.Input.Columns() }
func (n *Limit) Columns() []Column          { return n.Input.Columns() }
func (n *LockRows) Columns() []Column       { return n.Input.Columns() }
func (n *HashJoin) Columns() []Column       { return joinColumns(n.Left, n.Right) }
func (n *NestedLoopJoin) Columns() []Column {
	return joinColumns(n.Left, n.Right)
}
func (n *Group) Columns() []Column    { return n.Cols }
func (n *Distinct) Columns() []Column { return n.Input.Columns() }
func (n *SetOp) Columns() []Column    { return n.Cols }
func (n *Window) Columns() []Column   { return n.Cols }

func (*Values) node()         {}
func (*Scan) node()           {}
func (*IndexScan) node()      {}
func (*Series) node()         {}
func (*Unnest) node()         {}
func (*Ordinality) node()     {}
func (*ProjectSet) node()     {}
func (*LateralJoin) node()    {}
func (*Virtual) node()        {}
func (*RecursiveUnion) node() {}
func (*WorkTable) node()      {}
func (*Filter) node()         {}
func (*Project) node()        {}
func (*Sort) node()           {}
func (*Limit) node()          {}
func (*LockRows) node()       {}
func (*HashJoin) node()       {}
func (*NestedLoopJoin) node() {}
func (*Group) node()          {}
func (*Distinct) node()       {}
func (*SetOp) node()          {}
func (*Window) node()         {}

var (
	_ Node = (*Values)(nil)
	_ Node = (*Scan)(nil)
	_ Node = (*IndexScan)(nil)
	_ Node = (*Virtual)(nil)
	_ Node = (*Filter)(nil)
	_ Node = (*Project)(nil)
	_ Node = (*Sort)(nil)
	_ Node = (*Limit)(nil)
	_ Node = (*HashJoin)(nil)
	_ Node = (*NestedLoopJoin)(nil)
	_ Node = (*Group)(nil)
	_ Node = (*Distinct)(nil)
	_ Node = (*SetOp)(nil)
	_ Node = (*Window)(nil)
)

// tableColumns is every column of the stored row, dropped and hidden ones
// included, so that column positions equal storage positions.
func tableColumns(t *catalog.Table) []Column {
	cols := make([]Column, len(t.Columns))
	for i, c := range t.Columns {
		cols[i] = Column{Name: c.Name, Type: c.Type}
	}
	return cols
}

func joinColumns(l, r Node) []Column {
	return append(append([]Column(nil), l.Columns()...), r.Columns()...)
}
