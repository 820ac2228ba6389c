package sql

import (
	"context"

	"github.com/persiandb/persiandb/sql/catalog"
	"github.com/persiandb/persiandb/sql/dialect"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/txn"
)

// comment runs COMMENT ON {TABLE | VIEW | SEQUENCE | COLUMN}: the text is
// kept in the descriptor (IS NULL or an empty string removes it), where pg_description,
// obj_description and col_description, and so psql's \d+, find it.
func (s *Session) comment(ctx context.Context, tx *txn.Txn, st *dialect.Stmt) (*Result, error) {
	if err := checkSchema(st.Tables[0].Schema); err != nil {
		return nil, err
	}
	name, text := st.Tables[0].Name, st.Values[0]
	if st.Default {
		text = ""
	}
	s.ddl = true
	s.e.version.Add(1)
	want := map[string]catalog.Kind{"table": catalog.KindTable, "column": catalog.KindTable,
		"view": catalog.KindView, "sequence": catalog.KindSequence}[st.Name]
	kind, err := s.e.cat.KindOf(tx, name)
	if err != nil {
		return nil, relationError(err)
	}
	if kind != want {
		return nil, pgerr.New(pgerr.WrongObjectType, "%q is not a%s %s", name, article(want.String()), want)
	}
	switch want {
	case catalog.KindTable:
		t, err := s.e.cat.LockTable(ctx, tx, name)
		if err != nil {
			return nil, relationError(err)
		}
		nt := t.Clone()
		if st.Name == "column" {
			i := nt.ColumnIndex(st.Values[1])
			if i < 0 || nt.Columns[i].Hidden {
				return nil, pgerr.New(pgerr.UndefinedColumn, "column %q of relation %q does not exist", st.Values[1], name)
			}
			nt.Columns[i].Comment = text
		} else {
			nt.Comment = text
		}
		err = s.e.cat.AlterTable(ctx, tx, nt)
		if err != nil {
			return nil, relationError(err)
		}
	case catalog.KindView:
		v, err := s.e.cat.LockView(ctx, tx, name)
		if err != nil {
			return nil, relationError(err)
		}
		nv := *v
		nv.Comment = text
		if err := s.e.cat.ReplaceView(ctx, tx, v, &nv); err != nil {
			return nil, relationError(err)
		}
	case catalog.KindSequence:
		q, err := s.e.cat.Sequence(tx, name)
		if err != nil {
			return nil, relationError(err)
		}
		nq := *q
		nq.Comment = text
		if err := s.e.cat.AlterSequence(ctx, tx, &nq); err != nil {
			return nil, relationError(err)
		}
	}
	return &Result{Tag: "COMMENT"}, nil
}
