package exec

import (
	"errors"
	"fmt"

	"github.com/persiandb/persiandb/sql/pgerr"
)

// ErrNotSupported: a plan node or expression the executor does not run
// yet. The SQL layer reports it as 0A000.
var ErrNotSupported = errors.New("exec: not supported")

// ErrUndefinedParameter: an expression refers to a parameter that was not
// bound (42P02).
var ErrUndefinedParameter = errors.New("exec: there is no parameter")

// ErrNegativeLimit and ErrNegativeOffset are Postgres's 2201W and 2201X.
var (
	ErrNegativeLimit  = errors.New("LIMIT must not be negative")
	ErrNegativeOffset = errors.New("OFFSET must not be negative")
)

// ErrBoundType: a span bound's value is not of its key column's type, so
// its key encoding would not order with the stored keys. The planner casts
// bounds to the column type; this is a planner bug, reported as XX000.
var ErrBoundType = errors.New("exec: span bound of the wrong type")

// ErrGone: a table or index of the plan has no storage any more (dropped
// after planning). Reported as XX000.
var ErrGone = errors.New("exec: storage is gone")

// ErrNoOuterRow: an outer reference reaches further out than the
// subqueries being evaluated (a planner bug, or a subquery marked
// uncorrelated that is not). Reported as XX000.
var ErrNoOuterRow = errors.New("exec: outer reference without an enclosing row")

// errTooManyRows is Postgres's error for a scalar subquery with more than
// one row.
var errTooManyRows = pgerr.New(pgerr.CardinalityViolation, "more than one row returned by a subquery used as an expression")

func errNotBuilt(x any) error { return fmt.Errorf("%w: %T", ErrNotSupported, x) }
