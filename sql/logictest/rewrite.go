package logictest

import (
	"sort"
	"strings"
)

// rewrite returns the file with the result sections of the given query
// records (record index -> new result lines) replaced; every other line is
// copied byte for byte. A query without `----` gets one inserted after its
// SQL. New lines use the line ending of the line before them ("\n" if none).
func rewrite(f *File, results map[int][]string) []byte {
	idx := make([]int, 0, len(results))
	for i := range results {
		idx = append(idx, i)
	}
	sort.Ints(idx)
	var b strings.Builder
	next := 0 // next file line to copy
	for _, i := range idx {
		rec := &f.Records[i]
		for ; next < rec.ResultStart; next++ {
			b.WriteString(f.Lines[next])
		}
		eol := "\n"
		if next > 0 && strings.HasSuffix(f.Lines[next-1], "\r\n") {
			eol = "\r\n"
		}
		if next > 0 && !strings.HasSuffix(f.Lines[next-1], "\n") {
			b.WriteString(eol) // the SQL was the last line, without an ending
		}
		if !rec.HasResults {
			b.WriteString("----" + eol)
		}
		for _, l := range results[i] {
			b.WriteString(l + eol)
		}
		next = rec.ResultEnd
	}
	for ; next < len(f.Lines); next++ {
		b.WriteString(f.Lines[next])
	}
	return []byte(b.String())
}
