package planner

import (
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/sql/plan"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// column is one column of the rows a scope describes.
type column struct {
	table  string // range variable ("t" or the alias); "" for none
	name   string
	typ    Type
	hidden bool // not expanded by * nor found by name (the implicit row id)
	// noStar columns are found by name but not expanded by * nor joined
	// by NATURAL (a function's alias standing for its one column).
	noStar bool
	// dropped columns keep their position but have no name.
	dropped bool
	// usingDup is the second copy of a JOIN USING column: not expanded by
	// * and found only when qualified.
	usingDup bool
	// tableID and colNum identify a base table column (for the wire's
	// RowDescription).
	tableID uint32
	colNum  int16
}

// scope is the set of names visible to expressions evaluated on one kind
// of row.
type scope struct {
	cols []column
	// parent is the scope of the query around a subquery (for correlated
	// references, which become plan.Outer); nil at the top.
	parent *scope
	// group is set when rows are a Group's output.
	group *grouping
	// computed maps aggregate and window calls, by node, to the column
	// holding their value.
	computed map[ast.Node]int
}

// grouping maps expressions over a Group's input to the Group's output.
type grouping struct {
	src *scope
	// keyCols maps a source column index to the output column of a GROUP
	// BY key that is just that column; keyExprs maps the text of other
	// GROUP BY expressions to their output column.
	keyCols  map[int]int
	keyExprs map[string]int
}

// lookup finds a column by optional qualifier and name in this scope
// only. It returns the index and false if absent; ambiguity is 42702.
func (s *scope) lookup(qual, name string) (int, bool, error) {
	found := -1
	for i, c := range s.cols {
		if c.name != name || (qual != "" && c.table != qual) || c.hidden || c.dropped || (qual == "" && c.usingDup) {
			continue
		}
		if found >= 0 {
			if qual != "" {
				return 0, false, pgerr.New(pgerr.AmbiguousColumn, "column reference \"%s.%s\" is ambiguous", qual, name)
			}
			return 0, false, pgerr.New(pgerr.AmbiguousColumn, "column reference %q is ambiguous", name)
		}
		found = i
	}
	return found, found >= 0, nil
}

// hasTable reports whether qual names a range variable of this scope.
func (s *scope) hasTable(qual string) bool {
	for _, c := range s.cols {
		if c.table == qual {
			return true
		}
	}
	return false
}

// resolve binds a column reference, looking outward through enclosing
// queries; a reference to an enclosing query is a plan.Outer whose Depth
// the caller must record (Planner.noteOuter).
func (s *scope) resolve(qual, name string) (plan.Expr, column, error) {
	depth := 0
	for sc := s; sc != nil; sc = sc.parent {
		src := sc
		if sc.group != nil {
			src = sc.group.src
		}
		i, ok, err := src.lookup(qual, name)
		if err != nil {
			return nil, column{}, err
		}
		if ok {
			c := src.cols[i]
			if sc.group != nil {
				k, grouped := sc.group.keyCols[i]
				if !grouped {
					ref := name
					if c.table != "" {
						ref = c.table + "." + name
					}
					return nil, column{}, pgerr.New(pgerr.GroupingError,
						"column %q must appear in the GROUP BY clause or be used in an aggregate function", ref)
				}
				i = k
			}
			if depth == 0 {
				return plan.Col{Idx: i}, c, nil
			}
			return plan.Outer{Depth: depth, Idx: i}, c, nil
		}
		depth++
	}
	if qual != "" {
		for sc := s; sc != nil; sc = sc.parent {
			src := sc
			if sc.group != nil {
				src = sc.group.src
			}
			if src.hasTable(qual) {
				return nil, column{}, pgerr.New(pgerr.UndefinedColumn, "column %s.%s does not exist", qual, name)
			}
		}
		return nil, column{}, pgerr.New(pgerr.UndefinedTable, "missing FROM-clause entry for table %q", qual)
	}
	return nil, column{}, pgerr.New(pgerr.UndefinedColumn, "column %q does not exist", name)
}
