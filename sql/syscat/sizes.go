package syscat

import "github.com/persiandb/persiandb/sql/catalog"

// relationSize estimates a relation's size in bytes as Postgres would
// count its 8 kB pages, since an in-memory store has no pages: a table
// of n rows takes n * (24-byte tuple header + the columns' widths, 32 for
// variable-length ones) rounded up to pages (an empty table is 0 bytes,
// as in Postgres); an index has a metapage plus n * (16 + key widths);
// a sequence is one page and a view none. The row count includes
// versions not yet garbage-collected. Only the magnitude means anything.
func relationSize(s *Snapshot, rel Relation, fn string) int64 {
	const page = 8192
	pages := func(n int, width int64) int64 {
		return (int64(n)*width + page - 1) / page * page
	}
	width := func(cols []int, t *catalog.Table) int64 {
		var w int64
		for _, c := range cols {
			if n := ColumnType(t.Columns[c]).Size(); n > 0 {
				w += int64(n)
			} else {
				w += 32
			}
		}
		return w
	}
	indexSize := func(t *catalog.Table, ix catalog.Index) int64 {
		return page + pages(s.keys(t), 16+width(ix.Columns, t))
	}
	switch rel.Kind {
	case 'r':
		t := rel.Table
		all := make([]int, len(t.Columns))
		for i := range all {
			all[i] = i
		}
		heap := pages(s.keys(t), 24+width(all, t))
		var ixs int64
		for _, ix := range indexes(t) {
			ixs += indexSize(t, ix)
		}
		switch fn {
		case "pg_indexes_size":
			return ixs
		case "pg_total_relation_size":
			return heap + ixs
		}
		return heap
	case 'i':
		return indexSize(rel.Table, *rel.Index)
	case 'S':
		return page
	}
	return 0
}
