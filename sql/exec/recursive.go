package exec

import (
	"io"

	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/sql/plan"
)

// maxRecursiveRows bounds what one WITH RECURSIVE may produce, so a query
// that never terminates (UNION ALL over a cycle) fails instead of
// exhausting memory.
const maxRecursiveRows = 10_000_000

// buildRecursive runs the whole recursion at build time: each round's
// rows become the work table of the next, as Postgres's RecursiveUnion
// does.
func buildRecursive(c *Context, n *plan.RecursiveUnion) (Iterator, error) {
	if c.work == nil {
		c.work = map[int][]Row{}
	}
	defer delete(c.work, n.ID)
	seen := map[string]bool{}
	var buf []byte
	var all []Row
	keep := func(rows []Row) []Row {
		if n.All {
			return rows
		}
		out := rows[:0]
		for _, r := range rows {
			buf = appendRowKey(buf[:0], r)
			if !seen[string(buf)] {
				seen[string(buf)] = true
				out = append(out, r)
			}
		}
		return out
	}
	round, err := drain(c, n.Init)
	if err != nil {
		return nil, err
	}
	round = keep(round)
	for len(round) > 0 {
		all = append(all, round...)
		if len(all) > maxRecursiveRows {
			return nil, pgerr.New(pgerr.ProgramLimitExceeded, "WITH RECURSIVE produced more than %d rows", maxRecursiveRows)
		}
		c.work[n.ID] = round
		if round, err = drain(c, n.Step); err != nil {
			return nil, err
		}
		round = keep(round)
	}
	return &sliceIter{rows: all}, nil
}

// drain builds and runs a plan, copying its rows.
func drain(c *Context, n plan.Node) ([]Row, error) {
	it, err := Build(c, n)
	if err != nil {
		return nil, err
	}
	defer it.Close()
	var rows []Row
	for {
		r, err := it.Next()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, err
		}
		rows = append(rows, append(Row(nil), r...))
	}
}
