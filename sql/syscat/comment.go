package syscat

import (
	"github.com/persiandb/persiandb/storage"
)

// comment is one COMMENT ON: a relation's (sub 0) or a column's (sub is
// its attnum).
type comment struct {
	oid  uint32
	sub  int32
	text string
}

// comments lists the snapshot's comments, relations in catalog order.
func comments(s *Snapshot) []comment {
	var out []comment
	for _, t := range s.Tables {
		oid := RelOID(t.ID)
		if t.Comment != "" {
			out = append(out, comment{oid, 0, t.Comment})
		}
		for i, c := range t.Columns {
			if c.Comment != "" && !c.Dropped {
				out = append(out, comment{oid, int32(i + 1), c.Comment})
			}
		}
	}
	for _, v := range s.Views {
		if v.Comment != "" {
			out = append(out, comment{RelOID(v.ID), 0, v.Comment})
		}
	}
	for _, q := range s.Sequences {
		if q.Comment != "" {
			out = append(out, comment{RelOID(q.ID), 0, q.Comment})
		}
	}
	return out
}

func descriptionRows(s *Snapshot) [][]any {
	var out [][]any
	for _, c := range comments(s) {
		out = append(out, []any{c.oid, uint32(ClassPgClass), c.sub, c.text})
	}
	return out
}

// description is obj_description / col_description: the comment on oid
// (sub 0) or on its column sub, NULL if none. Only relations and columns
// have comments here, so any catalog other than pg_class has none.
func description(s *Snapshot, oid uint32, sub int32, catalogName string) storage.Value {
	if catalogName != "" && catalogName != "pg_class" && catalogName != "pg_catalog.pg_class" {
		return storage.Null()
	}
	for _, c := range comments(s) {
		if c.oid == oid && c.sub == sub {
			return storage.Text(c.text)
		}
	}
	return storage.Null()
}
