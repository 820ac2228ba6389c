package sql

import (
	"context"
	"errors"
	"strings"

	"github.com/persiandb/persiandb/sql/catalog"
	"github.com/persiandb/persiandb/sql/dialect"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/sql/sem"
	"github.com/persiandb/persiandb/storage"
	"github.com/persiandb/persiandb/txn"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// createIndex runs CREATE [UNIQUE] INDEX [IF NOT EXISTS] [name] ON t
// (col [ASC|DESC] [NULLS FIRST|LAST], ...). The index is filled from the
// table's rows (catalog.AddIndex says which versions, and what concurrent
// writers see); a unique index over duplicates fails with 23505 and leaves
// nothing behind once the transaction rolls back.
func (s *Session) createIndex(ctx context.Context, tx *txn.Txn, st *dialect.Stmt, n *ast.CreateIndexStmt) (*Result, error) {
	res := &Result{Tag: "CREATE INDEX"}
	if err := checkSchema(n.Table.Schema.O); err != nil {
		return nil, err
	}
	switch n.KeyType {
	case ast.IndexKeyTypeNone, ast.IndexKeyTypeUnique:
	default:
		return nil, pgerr.New(pgerr.FeatureNotSupported, "this kind of index is not supported")
	}
	tableName := n.Table.Name.O
	t, err := s.e.cat.LockTable(ctx, tx, tableName)
	var wk *catalog.WrongKindError
	switch {
	case errors.As(err, &wk):
		return nil, pgerr.New(pgerr.WrongObjectType, "cannot create index on relation %q", tableName).
			WithDetail("This operation is not supported for %ss.", wk.Kind)
	case err != nil:
		return nil, relationError(err)
	}
	step(tx)
	name := n.IndexName
	generated := st.Rewrites != nil && st.Rewrites.IndexName != ""
	if generated {
		if name, err = s.freeName(tx, st.Rewrites.IndexName, nil); err != nil {
			return nil, err
		}
	} else if _, err := s.e.cat.KindOf(tx, name); err == nil {
		if n.IfNotExists {
			res.Notices = append(res.Notices, skipping(pgerr.DuplicateTable, "relation %q already exists, skipping", name))
			return res, nil
		}
		return nil, pgerr.New(pgerr.DuplicateTable, "relation %q already exists", name)
	}
	ix := catalog.Index{Name: name, Unique: n.KeyType == ast.IndexKeyTypeUnique}
	for _, part := range n.IndexPartSpecifications {
		col, kc, err := indexKey(t, part)
		if err != nil {
			return nil, err
		}
		ix.Columns = append(ix.Columns, col)
		ix.Keys = append(ix.Keys, kc)
	}
	if _, err := s.e.cat.AddIndex(ctx, tx, t, ix); err != nil {
		return nil, s.indexError(t, err)
	}
	return res, nil
}

// indexKey reads one key part: a column, or the dialect's
// (pdb_nulls_first(col)) expression key, with its direction. Postgres's
// DESC defaults to NULLS FIRST.
func indexKey(t *catalog.Table, part *ast.IndexPartSpecification) (int, storage.KeyColumn, error) {
	kc := storage.KeyColumn{Desc: part.Desc, NullsFirst: part.Desc}
	var name string
	switch {
	case part.Column != nil:
		name = part.Column.Name.O
	case part.Expr != nil:
		e := part.Expr
		for {
			if p, ok := e.(*ast.ParenthesesExpr); ok {
				e = p.Expr
				continue
			}
			break
		}
		f, ok := e.(*ast.FuncCallExpr)
		if !ok || (f.FnName.L != dialect.FuncNullsFirst && f.FnName.L != dialect.FuncNullsLast) || len(f.Args) != 1 {
			return 0, kc, pgerr.New(pgerr.FeatureNotSupported, "indexes on expressions are not supported")
		}
		c, ok := f.Args[0].(*ast.ColumnNameExpr)
		if !ok {
			return 0, kc, pgerr.New(pgerr.FeatureNotSupported, "indexes on expressions are not supported")
		}
		name = c.Name.Name.O
		kc.NullsFirst = f.FnName.L == dialect.FuncNullsFirst
	}
	i := t.ColumnIndex(name)
	if i < 0 || t.Columns[i].Hidden {
		return 0, kc, pgerr.New(pgerr.UndefinedColumn, "column %q does not exist", name)
	}
	if err := checkIndexable(t, i); err != nil {
		return 0, kc, err
	}
	return i, kc, nil
}

// indexError words AddIndex's errors.
func (s *Session) indexError(t *catalog.Table, err error) error {
	var de *catalog.DuplicateError
	if errors.As(err, &de) {
		e := pgerr.New(pgerr.UniqueViolation, "could not create unique index %q", de.Index).WithTable(t.Name).WithConstraint(de.Index)
		ix, ok := t.Index(de.Index)
		if !ok && t.PrimaryKey.Name == de.Index {
			ix, ok = t.PrimaryKey, true
		}
		if row, derr := storage.DecodeRow(de.Row, t.Types(), nil); ok && derr == nil {
			names := make([]string, len(ix.Columns))
			vals := make([]string, len(ix.Columns))
			for i, c := range ix.Columns {
				names[i] = t.Columns[c].Name
				if vals[i] = "null"; !row[c].IsNull() {
					vals[i] = sem.Format(row[c], s.sem.Loc)
				}
			}
			e = e.WithDetail("Key (%s)=(%s) is duplicated.", strings.Join(names, ", "), strings.Join(vals, ", "))
		}
		return e
	}
	return relationError(err)
}

// dropIndex runs DROP INDEX [IF EXISTS] a, b [CASCADE]. The dialect
// passes the names in Rewrites.DropNames.
func (s *Session) dropIndex(ctx context.Context, tx *txn.Txn, st *dialect.Stmt, n *ast.DropIndexStmt) (*Result, error) {
	res := &Result{Tag: "DROP INDEX"}
	if st.Rewrites == nil || len(st.Rewrites.DropNames) == 0 {
		return nil, pgerr.New(pgerr.SyntaxError, "syntax error at or near \"ON\"")
	}
	for _, on := range st.Rewrites.DropNames {
		if err := checkSchema(on.Schema); err != nil {
			return nil, err
		}
		name := on.Name
		tableName, err := s.e.cat.IndexTable(tx, name)
		var wk *catalog.WrongKindError
		switch {
		case errors.As(err, &wk):
			return nil, wrongKind(name, catalog.KindIndex, wk.Kind)
		case errors.Is(err, catalog.ErrNotFound):
			if n.IfExists {
				res.Notices = append(res.Notices, skipping(pgerr.UndefinedObject, "index %q does not exist, skipping", name))
				continue
			}
			return nil, pgerr.New(pgerr.UndefinedObject, "index %q does not exist", name)
		case err != nil:
			return nil, err
		}
		t, err := s.e.cat.LockTable(ctx, tx, tableName)
		if err != nil {
			return nil, relationError(err)
		}
		ix, ok := t.Index(name)
		if !ok || ix.Constraint {
			// The primary key's index, or a UNIQUE constraint's.
			return nil, pgerr.New(pgerr.DependentObjectsStillExist, "cannot drop index %s because constraint %s on table %s requires it", name, name, t.Name).
				WithHint("You can drop constraint %s on table %s instead.", name, t.Name)
		}
		if _, err := s.e.cat.DropIndex(ctx, tx, t, name); err != nil {
			return nil, relationError(err)
		}
	}
	return res, nil
}
