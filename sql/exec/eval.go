package exec

import (
	"github.com/persiandb/persiandb/sql/plan"
	"github.com/persiandb/persiandb/storage"
)

// Eval evaluates a compiled expression over a row the caller supplies.
type Eval func(Row) (storage.Value, error)

// Compile compiles e for evaluation outside an iterator tree: DML
// recomputes new rows and re-checks predicates on the newest version of
// a row it writes (READ COMMITTED re-evaluation), and evaluates RETURNING
// lists on the rows it wrote. The result belongs to c's statement and is
// used on c's goroutine only.
func Compile(c *Context, e plan.Expr) Eval { return Eval(compile(c, e)) }
