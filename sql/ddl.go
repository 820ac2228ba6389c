package sql

import (
	"context"
	"errors"
	"strings"

	"github.com/persiandb/persiandb/sql/catalog"
	"github.com/persiandb/persiandb/sql/dialect"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/sql/planner"
	"github.com/persiandb/persiandb/storage"
	"github.com/persiandb/persiandb/txn"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// rowIDColumn is the hidden primary key of a table declared without one.
const rowIDColumn = "pdb_rowid"

// createTable runs CREATE TABLE.
func (s *Session) createTable(ctx context.Context, tx *txn.Txn, st *dialect.Stmt, n *ast.CreateTableStmt) (*Result, error) {
	if n.Select != nil || n.ReferTable != nil {
		return nil, pgerr.New(pgerr.FeatureNotSupported, "CREATE TABLE AS and LIKE are not supported yet")
	}
	name := n.Table.Name.O
	res := &Result{Tag: "CREATE TABLE"}
	if _, err := s.e.cat.Table(tx, name); err == nil {
		if n.IfNotExists {
			res.Notices = append(res.Notices, pgerr.New(pgerr.DuplicateTable, "relation %q already exists, skipping", name).WithSeverity(pgerr.SeverityNotice))
			return res, nil
		}
		return nil, pgerr.New(pgerr.DuplicateTable, "relation %q already exists", name)
	}
	t, err := s.tableDesc(st, n)
	if err != nil {
		return nil, err
	}
	if err := s.e.cat.CreateTable(ctx, tx, t); err != nil {
		if errors.Is(err, catalog.ErrExists) {
			return nil, pgerr.New(pgerr.DuplicateTable, "relation %q already exists", name)
		}
		return nil, err
	}
	return res, nil
}

// tableDesc builds a table descriptor from CREATE TABLE.
func (s *Session) tableDesc(st *dialect.Stmt, n *ast.CreateTableStmt) (*catalog.Table, error) {
	t := &catalog.Table{Name: n.Table.Name.O}
	var types []dialect.ColumnType
	if st.Rewrites != nil {
		types = st.Rewrites.Columns
	}
	if len(types) != len(n.Cols) {
		return nil, pgerr.New(pgerr.InternalError, "column types were not recorded")
	}
	var pk []string
	var uniques [][]string
	for i, cd := range n.Cols {
		typ, err := planner.ResolveType(types[i].Type)
		if err != nil {
			return nil, err
		}
		if types[i].Type.Serial() {
			return nil, pgerr.New(pgerr.FeatureNotSupported, "serial columns are not supported yet")
		}
		col := catalog.Column{Name: cd.Name.Name.O, Type: typ.T, PgType: typ.Name, Typmod: typ.Typmod}
		if t.ColumnIndex(col.Name) >= 0 {
			return nil, pgerr.New(pgerr.DuplicateColumn, "column %q specified more than once", col.Name)
		}
		for _, o := range cd.Options {
			switch o.Tp {
			case ast.ColumnOptionNotNull:
				col.NotNull = true
			case ast.ColumnOptionNull:
			case ast.ColumnOptionPrimaryKey:
				if pk != nil {
					return nil, pgerr.New(pgerr.InvalidTableDefinition, "multiple primary keys for table %q are not allowed", t.Name)
				}
				pk = []string{col.Name}
			case ast.ColumnOptionUniqKey:
				uniques = append(uniques, []string{col.Name})
			case ast.ColumnOptionDefaultValue:
				text, err := planner.ExprText(o.Expr)
				if err != nil {
					return nil, err
				}
				col.Default = text
			case ast.ColumnOptionCheck:
				text, err := planner.ExprText(o.Expr)
				if err != nil {
					return nil, err
				}
				name := o.ConstraintName
				if name == "" {
					name = t.Name + "_" + col.Name + "_check"
				}
				t.Checks = append(t.Checks, catalog.Check{Name: name, Expr: text})
			default:
				return nil, pgerr.New(pgerr.FeatureNotSupported, "column option is not supported yet")
			}
		}
		t.Columns = append(t.Columns, col)
	}
	for _, c := range n.Constraints {
		cols := make([]string, len(c.Keys))
		for i, k := range c.Keys {
			if k.Column == nil {
				return nil, pgerr.New(pgerr.FeatureNotSupported, "expression keys are not supported")
			}
			cols[i] = k.Column.Name.O
		}
		switch c.Tp {
		case ast.ConstraintPrimaryKey:
			if pk != nil {
				return nil, pgerr.New(pgerr.InvalidTableDefinition, "multiple primary keys for table %q are not allowed", t.Name)
			}
			pk = cols
		case ast.ConstraintUniq, ast.ConstraintUniqKey, ast.ConstraintUniqIndex:
			uniques = append(uniques, cols)
		case ast.ConstraintCheck:
			text, err := planner.ExprText(c.Expr)
			if err != nil {
				return nil, err
			}
			name := c.Name
			if name == "" {
				name = t.Name + "_check"
			}
			t.Checks = append(t.Checks, catalog.Check{Name: name, Expr: text})
		default:
			return nil, pgerr.New(pgerr.FeatureNotSupported, "constraint is not supported yet")
		}
	}
	if pk == nil {
		t.Columns = append(t.Columns, catalog.Column{Name: rowIDColumn, Type: storage.TypeInt64, PgType: "bigint", Typmod: -1, Hidden: true, NotNull: true})
		pk = []string{rowIDColumn}
	}
	var err error
	if t.PrimaryKey, err = indexOn(t, t.Name+"_pkey", pk, true); err != nil {
		return nil, err
	}
	for _, c := range t.PrimaryKey.Columns {
		t.Columns[c].NotNull = true
	}
	for i, u := range uniques {
		ix, err := indexOn(t, t.Name+"_"+strings.Join(u, "_")+"_key", u, true)
		if err != nil {
			return nil, err
		}
		ix.ID = uint32(i + 1)
		t.Indexes = append(t.Indexes, ix)
	}
	return t, nil
}

// indexOn describes an index over named columns.
func indexOn(t *catalog.Table, name string, cols []string, unique bool) (catalog.Index, error) {
	ix := catalog.Index{Name: name, Unique: unique}
	for _, c := range cols {
		i := t.ColumnIndex(c)
		if i < 0 {
			return ix, pgerr.New(pgerr.UndefinedColumn, "column %q named in key does not exist", c)
		}
		ix.Columns = append(ix.Columns, i)
	}
	return ix, nil
}

// dropTable runs DROP TABLE [IF EXISTS] a, b.
func (s *Session) dropTable(ctx context.Context, tx *txn.Txn, n *ast.DropTableStmt) (*Result, error) {
	res := &Result{Tag: "DROP TABLE"}
	if n.IsView {
		res.Tag = "DROP VIEW"
		return nil, pgerr.New(pgerr.FeatureNotSupported, "views are not supported yet")
	}
	for _, tn := range n.Tables {
		err := s.e.cat.DropTable(ctx, tx, tn.Name.O)
		if errors.Is(err, catalog.ErrNotFound) {
			if n.IfExists {
				res.Notices = append(res.Notices, pgerr.New(pgerr.UndefinedTable, "table %q does not exist, skipping", tn.Name.O).WithSeverity(pgerr.SeverityNotice))
				continue
			}
			return nil, pgerr.New(pgerr.UndefinedTable, "table %q does not exist", tn.Name.O)
		}
		if err != nil {
			return nil, err
		}
	}
	return res, nil
}
