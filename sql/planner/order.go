package planner

import (
	"github.com/persiandb/persiandb/sql/catalog"
	"github.com/persiandb/persiandb/sql/plan"
	"github.com/persiandb/persiandb/storage"
)

// sortByIndex tries to satisfy an ORDER BY by reading a table in the
// order of its primary key or one of its indexes, forwards or backwards,
// instead of sorting. in is the plan under the projection exprs; keys
// order the projection's output. It returns the new input and true if
// the sort is unnecessary.
func sortByIndex(in plan.Node, exprs []plan.Expr, keys []plan.SortKey) (plan.Node, bool) {
	filter, _ := in.(*plan.Filter)
	scanNode := in
	if filter != nil {
		scanNode = filter.Input
	}
	// The table columns the keys order by.
	cols := make([]int, len(keys))
	for i, k := range keys {
		out, ok := k.Expr.(plan.Col)
		if !ok || out.Idx >= len(exprs) {
			return in, false
		}
		c, ok := exprs[out.Idx].(plan.Col)
		if !ok {
			return in, false
		}
		cols[i] = c.Idx
	}
	var next plan.Node
	switch s := scanNode.(type) {
	case *plan.Scan:
		if rev, ok := orderMatches(s.Table.PrimaryKey, cols, keys); ok {
			next = &plan.Scan{Table: s.Table, Spans: s.Spans, Reverse: rev}
			break
		}
		if s.Spans != nil {
			return in, false
		}
		for _, ix := range s.Table.Indexes {
			if rev, ok := orderMatches(ix, cols, keys); ok {
				next = &plan.IndexScan{Table: s.Table, Index: ix, Reverse: rev}
				break
			}
		}
	case *plan.IndexScan:
		if rev, ok := orderMatches(s.Index, cols, keys); ok {
			next = &plan.IndexScan{Table: s.Table, Index: s.Index, Spans: s.Spans, Reverse: rev}
		}
	}
	if next == nil {
		return in, false
	}
	if filter != nil {
		return &plan.Filter{Input: next, Pred: filter.Pred}, true
	}
	return next, true
}

// orderMatches reports whether reading ix (forwards, or backwards when
// the result is true) yields rows ordered by keys over table columns
// cols: the keys must be a prefix of the index's columns, every one in
// the index's direction and NULL placement, or every one in the opposite.
func orderMatches(ix catalog.Index, cols []int, keys []plan.SortKey) (reverse bool, ok bool) {
	if len(cols) > len(ix.Columns) || len(cols) == 0 {
		return false, false
	}
	for i, c := range cols {
		if ix.Columns[i] != c {
			return false, false
		}
		var kc storage.KeyColumn
		if i < len(ix.Keys) {
			kc = ix.Keys[i]
		}
		flip := keys[i].Desc != kc.Desc
		if keys[i].NullsFirst != kc.NullsFirst != flip {
			return false, false
		}
		if i == 0 {
			reverse = flip
		} else if flip != reverse {
			return false, false
		}
	}
	return reverse, true
}
