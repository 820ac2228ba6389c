package planner

import (
	"github.com/persiandb/persiandb/sql/dialect"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/sql/plan"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// Returning is a planned RETURNING list: Exprs are evaluated on each row
// the statement affected, laid out as the statement documents (the
// target's columns, then for UPDATE ... FROM and DELETE ... USING the
// other items' columns).
type Returning struct {
	Exprs   []plan.Expr
	Columns []ResultColumn
}

// nested binds a nested statement of the current one (RETURNING, ON
// CONFLICT DO UPDATE): its parameter markers are numbered by its own
// Params map. It returns the statement parsed.
func (p *Planner) nested(st *dialect.Stmt, f func(ast.StmtNode) error) error {
	if p.ParseStmt == nil {
		return pgerr.New(pgerr.InternalError, "the planner cannot parse nested statements")
	}
	n, err := p.ParseStmt(st.Text)
	if err != nil {
		return err
	}
	saved := p.stmt
	p.stmt = st
	defer func() { p.stmt = saved }()
	return f(n)
}

// returning plans the statement's RETURNING list, if it has one, over rows
// described by sc.
func (p *Planner) returning(sc *scope) (*Returning, error) {
	if p.stmt == nil || p.stmt.Rewrites == nil || p.stmt.Returning == nil {
		return nil, nil
	}
	var out *Returning
	err := p.nested(p.stmt.Returning, func(n ast.StmtNode) error {
		sel, ok := n.(*ast.SelectStmt)
		if !ok || sel.Fields == nil || sel.From != nil {
			return pgerr.New(pgerr.SyntaxError, "syntax error in RETURNING")
		}
		var err error
		out, err = p.returningList(sel.Fields.Fields, sc)
		return err
	})
	return out, err
}

func (p *Planner) returningList(fields []*ast.SelectField, sc *scope) (*Returning, error) {
	r := &Returning{}
	c := exprCtx{sc: sc, clause: "RETURNING"}
	for _, f := range fields {
		if f.WildCard != nil {
			idx, err := starColumns(sc, f.WildCard)
			if err != nil {
				return nil, err
			}
			for _, i := range idx {
				col := sc.cols[i]
				r.Exprs = append(r.Exprs, plan.Col{Idx: i})
				r.Columns = append(r.Columns, ResultColumn{Name: col.name, Type: col.typ, TableID: col.tableID, Column: col.colNum})
			}
			continue
		}
		x, err := p.expr(c, f.Expr)
		if err != nil {
			return nil, err
		}
		if x, err = p.settle(x); err != nil {
			return nil, err
		}
		name := f.AsName.O
		if name == "" {
			name = columnName(f.Expr)
		}
		rc := ResultColumn{Name: name, Type: x.t}
		if x.col != nil {
			rc.TableID, rc.Column = x.col.tableID, x.col.colNum
		}
		r.Exprs = append(r.Exprs, x.e)
		r.Columns = append(r.Columns, rc)
	}
	return r, nil
}

// insertAlias returns the alias of INSERT INTO t AS alias, which the
// dialect drops from the text the TiDB parser reads, or "".
func insertAlias(st *dialect.Stmt) string {
	if st == nil {
		return ""
	}
	toks, err := dialect.Tokenize(st.Source)
	if err != nil {
		return ""
	}
	i := 0
	if len(toks) < 5 || !isWord(toks[0], "insert") || !isWord(toks[1], "into") {
		return ""
	}
	i = 3
	if i+1 < len(toks) && toks[i].Kind == dialect.Punct && toks[i].Text == "." {
		i += 2
	}
	if i+1 < len(toks) && isWord(toks[i], "as") && (toks[i+1].Kind == dialect.Ident || toks[i+1].Kind == dialect.QuotedIdent) {
		return toks[i+1].Text
	}
	return ""
}

func isWord(t dialect.Token, w string) bool { return t.Kind == dialect.Ident && t.Text == w }
