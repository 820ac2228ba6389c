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
// (descending if Reverse), restricted to encoded keys in [From, To) (nil =
// open).
type Scan struct {
	Table    *catalog.Table
	From, To []byte
	Reverse  bool
}

// IndexScan reads the rows found through a secondary index whose index
// keys are in [From, To), in index order.
type IndexScan struct {
	Table    *catalog.Table
	Index    catalog.Index
	From, To []byte
	Reverse  bool
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
)

// Aggregate is one aggregate call.
type Aggregate struct {
	Func     AggFunc
	Arg      Expr // nil for count(*)
	Sep      Expr // string_agg's separator
	Distinct bool
	Type     storage.Type // result type
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
type Distinct struct {
	Input Node
}

func (n *Values) Columns() []Column { return n.Cols }
func (n *Scan) Columns() []Column   { return tableColumns(n.Table) }
func (n *IndexScan) Columns() []Column {
	return tableColumns(n.Table)
}
func (n *Filter) Columns() []Column   { return n.Input.Columns() }
func (n *Project) Columns() []Column  { return n.Cols }
func (n *Sort) Columns() []Column     { return n.Input.Columns() }
func (n *Limit) Columns() []Column    { return n.Input.Columns() }
func (n *HashJoin) Columns() []Column { return joinColumns(n.Left, n.Right) }
func (n *NestedLoopJoin) Columns() []Column {
	return joinColumns(n.Left, n.Right)
}
func (n *Group) Columns() []Column    { return n.Cols }
func (n *Distinct) Columns() []Column { return n.Input.Columns() }

func (*Values) node()         {}
func (*Scan) node()           {}
func (*IndexScan) node()      {}
func (*Filter) node()         {}
func (*Project) node()        {}
func (*Sort) node()           {}
func (*Limit) node()          {}
func (*HashJoin) node()       {}
func (*NestedLoopJoin) node() {}
func (*Group) node()          {}
func (*Distinct) node()       {}

var (
	_ Node = (*Values)(nil)
	_ Node = (*Scan)(nil)
	_ Node = (*IndexScan)(nil)
	_ Node = (*Filter)(nil)
	_ Node = (*Project)(nil)
	_ Node = (*Sort)(nil)
	_ Node = (*Limit)(nil)
	_ Node = (*HashJoin)(nil)
	_ Node = (*NestedLoopJoin)(nil)
	_ Node = (*Group)(nil)
	_ Node = (*Distinct)(nil)
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
