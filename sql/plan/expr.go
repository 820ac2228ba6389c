package plan

import "github.com/persiandb/persiandb/storage"

// Expr is a scalar expression.
type Expr interface{ expr() }

// Col is the value of input column Idx.
type Col struct{ Idx int }

// Const is a literal.
type Const struct{ Value storage.Value }

// Param is the statement parameter $N (1-based).
type Param struct{ N int }

// CmpOp is a comparison operator.
type CmpOp uint8

const (
	EQ CmpOp = iota
	NE
	LT
	LE
	GT
	GE
	// NotDistinct is IS NOT DISTINCT FROM: like EQ, but NULL equals NULL
	// and the result is never NULL.
	NotDistinct
)

// Cmp compares two values of one type family.
type Cmp struct {
	Op   CmpOp
	L, R Expr
}

// And, Or and Not are Postgres's three-valued logic.
type And struct{ L, R Expr }
type Or struct{ L, R Expr }
type Not struct{ X Expr }

// IsNull is X IS NULL (or IS NOT NULL when Negate).
type IsNull struct {
	X      Expr
	Negate bool
}

// Func calls a scalar function. Impl is resolved by the binder (overloads,
// casts) so execution does no lookup. Strict functions return NULL when any
// argument is NULL without calling Impl. Impl must not keep its args
// slice: the executor reuses it for the next row.
type Func struct {
	Name   string
	Args   []Expr
	Impl   func(args []storage.Value) (storage.Value, error)
	Strict bool
}

// Case is CASE WHEN .. THEN .. ELSE .. END (Else nil = NULL).
type Case struct {
	Whens []When
	Else  Expr
}

// When is one arm of a Case.
type When struct{ Cond, Then Expr }

// Coalesce returns its first non-NULL argument.
type Coalesce struct{ Args []Expr }

// Outer is column Idx of the row an enclosing query is evaluating a
// subquery for, Depth levels out (1 = the query directly around it).
type Outer struct{ Depth, Idx int }

// SubqueryKind is how a subquery's rows become a value.
type SubqueryKind uint8

const (
	// SubScalar: the single column of at most one row (NULL for none;
	// more than one row is error 21000).
	SubScalar SubqueryKind = iota
	// SubExists: whether Plan returns any row.
	SubExists
	// SubAny: Left Op ANY (the single column of Plan's rows); IN is
	// SubAny with EQ. True if some comparison is true, else NULL if some
	// is NULL, else false (false for no rows).
	SubAny
	// SubAll: Left Op ALL (...): false if some comparison is false, else
	// NULL if some is NULL, else true (true for no rows).
	SubAll
	// SubArray: ARRAY(SELECT ...), the single column's values as an
	// array ('{}' for no rows; a column of arrays gives one more
	// dimension).
	SubArray
)

// Subquery evaluates a query inside an expression. Plan may hold Outer
// references to the row the Subquery is evaluated on; when Correlated is
// false it has none, and the executor may run Plan once per statement.
type Subquery struct {
	Kind       SubqueryKind
	Plan       Node
	Left       Expr  // SubAny, SubAll: the left operand, of Plan's column type family
	Op         CmpOp // SubAny, SubAll
	Correlated bool
}

// InList is X IN (List...): true if X equals some element, else NULL if X
// or some element is NULL, else false. Elements are of X's type family.
type InList struct {
	X    Expr
	List []Expr
}

func (Outer) expr()    {}
func (Subquery) expr() {}
func (InList) expr()   {}
func (Col) expr()      {}
func (Const) expr()    {}
func (Param) expr()    {}
func (Cmp) expr()      {}
func (And) expr()      {}
func (Or) expr()       {}
func (Not) expr()      {}
func (IsNull) expr()   {}
func (Func) expr()     {}
func (Case) expr()     {}
func (Coalesce) expr() {}
