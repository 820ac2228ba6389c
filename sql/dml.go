package sql

import (
	"context"
	"io"
	"strconv"
	"strings"

	"github.com/persiandb/persiandb/sql/catalog"
	"github.com/persiandb/persiandb/sql/dialect"
	"github.com/persiandb/persiandb/sql/exec"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/sql/sem"
	"github.com/persiandb/persiandb/storage"
	"github.com/persiandb/persiandb/txn"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// insert runs INSERT.
func (s *Session) insert(ctx context.Context, tx *txn.Txn, st *dialect.Stmt, n *ast.InsertStmt, params []storage.Value) (*Result, error) {
	if st.Rewrites != nil && (st.Returning != nil || st.OnConflict != nil) {
		return nil, pgerr.New(pgerr.FeatureNotSupported, "RETURNING and ON CONFLICT are not supported yet")
	}
	ins, err := s.plan.PlanInsert(n)
	if err != nil {
		return nil, err
	}
	t := ins.Table
	st2 := s.e.cat.Storage(t)
	if st2 == nil {
		return nil, pgerr.New(pgerr.UndefinedTable, "relation %q does not exist", t.Name)
	}
	it, err := exec.Build(s.execContext(ctx, tx, params), ins.Source)
	if err != nil {
		return nil, err
	}
	defer it.Close()
	w := &rowWriter{s: s, tx: tx, t: t, st: st2, types: t.Types()}
	count := 0
	for {
		r, err := it.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		row := r[:len(t.Columns)]
		if err := w.check(row, r[len(t.Columns):], ins.Checks); err != nil {
			return nil, err
		}
		if err := w.insert(ctx, row); err != nil {
			return nil, err
		}
		count++
	}
	return &Result{Tag: "INSERT 0 " + strconv.Itoa(count)}, nil
}

// rowWriter writes rows of one table, enforcing its constraints.
type rowWriter struct {
	s     *Session
	tx    *txn.Txn
	t     *catalog.Table
	st    *storage.Table
	types []storage.Type
	key   []byte
	val   []byte
}

// check enforces NOT NULL and the CHECK results computed for row.
func (w *rowWriter) check(row, checks []storage.Value, cks []catalog.Check) error {
	for i, c := range w.t.Columns {
		if c.NotNull && row[i].IsNull() && !(c.Hidden && c.Name == rowIDColumn) {
			return pgerr.New(pgerr.NotNullViolation, "null value in column %q of relation %q violates not-null constraint", c.Name, w.t.Name).
				WithDetail("Failing row contains %s.", w.describe(row)).WithTable(w.t.Name).WithColumn(c.Name)
		}
	}
	for i, v := range checks {
		if !v.IsNull() && !v.AsBool() {
			return pgerr.New(pgerr.CheckViolation, "new row for relation %q violates check constraint %q", w.t.Name, cks[i].Name).
				WithDetail("Failing row contains %s.", w.describe(row)).WithTable(w.t.Name).WithConstraint(cks[i].Name)
		}
	}
	return nil
}

// describe formats a row as Postgres's "Failing row contains (...)".
func (w *rowWriter) describe(row []storage.Value) string {
	var b strings.Builder
	b.WriteByte('(')
	first := true
	for i, c := range w.t.Columns {
		if c.Hidden || c.Dropped {
			continue
		}
		if !first {
			b.WriteString(", ")
		}
		first = false
		if row[i].IsNull() {
			b.WriteString("null")
		} else {
			b.WriteString(sem.Format(row[i], w.s.sem.Loc))
		}
	}
	b.WriteByte(')')
	return b.String()
}

// insert stores a new row, assigning the hidden row id if the table has
// one.
func (w *rowWriter) insert(ctx context.Context, row []storage.Value) error {
	pk := w.t.PrimaryKey
	if len(pk.Columns) == 1 && w.t.Columns[pk.Columns[0]].Hidden {
		row[pk.Columns[0]] = storage.Int64(w.s.e.rowID.Add(1))
	}
	w.key = w.key[:0]
	for i, c := range pk.Columns {
		kc := storage.KeyColumn{}
		if i < len(pk.Keys) {
			kc = pk.Keys[i]
		}
		w.key = storage.AppendKeyValue(w.key, row[c], kc)
	}
	var err error
	if w.val, err = storage.EncodeRow(w.val[:0], w.types, row); err != nil {
		return err
	}
	if err := w.tx.Insert(ctx, w.st, w.key, w.val); err != nil {
		return w.convert(err, row)
	}
	return nil
}

// convert names constraints in errors from below.
func (w *rowWriter) convert(err error, row []storage.Value) error {
	t := w.t
	info := pgerr.TxnInfo{
		Constraint: func(_ uint32, index string) string {
			if index == "" {
				return t.PrimaryKey.Name
			}
			return index
		},
		Table: func(uint32) string { return t.Name },
	}
	err = info.Convert(err)
	if e := pgerr.As(err); e != nil && e.Code == pgerr.UniqueViolation {
		ix := t.PrimaryKey
		for _, x := range t.Indexes {
			if x.Name == e.Constraint {
				ix = x
			}
		}
		names := make([]string, len(ix.Columns))
		vals := make([]string, len(ix.Columns))
		for i, c := range ix.Columns {
			names[i] = t.Columns[c].Name
			if row[c].IsNull() {
				vals[i] = "null"
			} else {
				vals[i] = sem.Format(row[c], w.s.sem.Loc)
			}
		}
		return e.WithDetail("Key (%s)=(%s) already exists.", strings.Join(names, ", "), strings.Join(vals, ", "))
	}
	return err
}
