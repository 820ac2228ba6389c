package sql

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/persiandb/persiandb/sql/catalog"
	"github.com/persiandb/persiandb/sql/dialect"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/storage"
	"github.com/persiandb/persiandb/txn"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// Views
//
// A view is stored as the Postgres text of its query, with its column
// names and types and the relations it names (catalog.View). The planner
// plans the text wherever the view is named (planner.PlanView), so names
// in it resolve at use: a view keeps working when a table it reads is
// dropped and created again, but not when one is renamed, and RENAME of
// a table or column a view needs is refused (Postgres follows the
// rename). DROP of a relation a view names needs CASCADE (2BP01 without),
// as in Postgres.

// createView runs CREATE [OR REPLACE] VIEW v [(cols)] AS query.
func (s *Session) createView(ctx context.Context, tx *txn.Txn, st *dialect.Stmt, n *ast.CreateViewStmt) (*Result, error) {
	res := &Result{Tag: "CREATE VIEW"}
	if err := checkSchema(n.ViewName.Schema.O); err != nil {
		return nil, err
	}
	name := n.ViewName.Name.O
	query, err := viewQueryText(st.Source)
	if err != nil {
		return nil, err
	}
	// Lock what the view reads, so a concurrent DROP of it waits for this
	// transaction (and then sees the view), and look at the newest state.
	deps, err := s.viewDeps(ctx, tx, n.Select)
	if err != nil {
		return nil, err
	}
	step(tx)
	cols, err := s.plan.PlanViewQuery(query)
	if err != nil {
		return nil, err
	}
	if len(n.Cols) > len(cols) {
		return nil, pgerr.New(pgerr.SyntaxError, "CREATE VIEW specifies more column names than columns")
	}
	v := &catalog.View{Name: name, Query: query, Deps: deps}
	for i, c := range cols {
		vc := catalog.ViewColumn{Name: c.Name, Type: c.Type.T, PgType: c.Type.Name, Typmod: c.Type.Typmod}
		if i < len(n.Cols) {
			vc.Name = n.Cols[i].O
		}
		if vc.Type == storage.TypeNull {
			vc.Type, vc.PgType, vc.Typmod = storage.TypeText, "text", -1
		}
		for _, prev := range v.Columns {
			if prev.Name == vc.Name {
				return nil, pgerr.New(pgerr.DuplicateColumn, "column %q specified more than once", vc.Name)
			}
		}
		v.Columns = append(v.Columns, vc)
	}
	kind, err := s.e.cat.KindOf(tx, name)
	switch {
	case errors.Is(err, catalog.ErrNotFound):
		if err := s.e.cat.CreateView(ctx, tx, v); err != nil {
			return nil, relationError(err)
		}
		return res, nil
	case err != nil:
		return nil, err
	case !n.OrReplace:
		return nil, pgerr.New(pgerr.DuplicateTable, "relation %q already exists", name)
	case kind != catalog.KindView:
		return nil, pgerr.New(pgerr.WrongObjectType, "%q is not a view", name)
	}
	old, err := s.e.cat.LockView(ctx, tx, name)
	if err != nil {
		return nil, relationError(err)
	}
	if len(v.Columns) < len(old.Columns) {
		return nil, pgerr.New(pgerr.InvalidTableDefinition, "cannot drop columns from view")
	}
	for i, oc := range old.Columns {
		nc := v.Columns[i]
		if nc.Name != oc.Name {
			return nil, pgerr.New(pgerr.InvalidTableDefinition, "cannot change name of view column %q to %q", oc.Name, nc.Name).
				WithHint("Use ALTER VIEW ... RENAME COLUMN ... to change name of view column instead.")
		}
		if nc.Type != oc.Type || nc.Typmod != oc.Typmod {
			return nil, pgerr.New(pgerr.InvalidTableDefinition, "cannot change data type of view column %q from %s to %s", oc.Name, oc.PgType, nc.PgType)
		}
	}
	if err := s.e.cat.ReplaceView(ctx, tx, old, v); err != nil {
		return nil, relationError(err)
	}
	return res, nil
}

// viewQueryText cuts the query out of CREATE VIEW's source: everything
// after the AS that follows the view's name (and column list).
func viewQueryText(src string) (string, error) {
	toks, err := dialect.Tokenize(src)
	if err != nil {
		return "", err
	}
	depth := 0
	seenView := false
	for i, t := range toks {
		switch {
		case t.Kind == dialect.Punct && t.Text == "(":
			depth++
		case t.Kind == dialect.Punct && t.Text == ")":
			depth--
		case t.Kind == dialect.Ident && t.Text == "view":
			seenView = true
		case seenView && depth == 0 && t.Kind == dialect.Ident && t.Text == "as" && i+1 < len(toks):
			if n := len(toks); n > 3 && toks[n-1].Text == "option" && toks[n-2].Text == "check" {
				return "", pgerr.New(pgerr.FeatureNotSupported, "WITH CHECK OPTION is not supported")
			}
			q := strings.TrimSpace(src[toks[i+1].Pos:])
			return strings.TrimSpace(strings.TrimRight(q, "; \t\r\n")), nil
		}
	}
	return "", pgerr.New(pgerr.SyntaxError, "syntax error in CREATE VIEW")
}

// viewDeps lists the tables and views a view's query names (not its
// CTEs), locking each.
func (s *Session) viewDeps(ctx context.Context, tx *txn.Txn, sel ast.Node) ([]string, error) {
	f := &tableFinder{ctes: map[string]bool{}}
	sel.Accept(f)
	var deps []string
	for _, name := range f.names {
		if f.ctes[name] || slices.Contains(deps, name) {
			continue
		}
		kind, err := s.e.cat.KindOf(tx, name)
		if errors.Is(err, catalog.ErrNotFound) {
			continue // planning reports it
		}
		if err != nil {
			return nil, err
		}
		switch kind {
		case catalog.KindTable:
			_, err = s.e.cat.LockTable(ctx, tx, name)
		case catalog.KindView:
			_, err = s.e.cat.LockView(ctx, tx, name)
		default:
			continue
		}
		if err != nil {
			return nil, relationError(err)
		}
		deps = append(deps, name)
	}
	return deps, nil
}

// tableFinder collects the relation names a query mentions and the
// names its WITH clauses define.
type tableFinder struct {
	names []string
	ctes  map[string]bool
}

func (f *tableFinder) Enter(n ast.Node) (ast.Node, bool) {
	switch n := n.(type) {
	case *ast.TableName:
		if n.Schema.O == "" || n.Schema.O == "public" {
			f.names = append(f.names, n.Name.O)
		}
	case *ast.CommonTableExpression:
		f.ctes[n.Name.O] = true
	}
	return n, false
}

func (f *tableFinder) Leave(n ast.Node) (ast.Node, bool) { return n, true }
